"""Where the dashboard lives: the base URL every absolute link in a file is built from.

Briefs, decks, zips, the OpenAPI document and the Data Package carry absolute links, and the API
sends them with `Cache-Control: public`. A link built from a request's `Host` or `X-Forwarded-*`
header would let anyone put their own address into a file a cache then hands to everyone, so:

- `DASHBOARD_BASE_URL` (e.g. `https://dashboard.example.org`), when set, builds every link;
- without it, a link is built from the request's host only when that host is one of
  `DASHBOARD_ALLOWED_HOSTS` (comma-separated names, default `localhost,127.0.0.1,::1`), over
  plain http; any other host gets `http://localhost:<the server's port>`. Such answers depend
  on the host, and the API says so with `Vary: Host` (`depends_on_host`).

`X-Forwarded-Proto` and `X-Forwarded-Host` are never read.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

BASE_URL_SETTING = "DASHBOARD_BASE_URL"
ALLOWED_HOSTS_SETTING = "DASHBOARD_ALLOWED_HOSTS"
DEFAULT_ALLOWED_HOSTS = ("localhost", "127.0.0.1", "::1")
DEFAULT_PORT = 8501


def configured_base() -> str | None:
    """DASHBOARD_BASE_URL without its trailing slash, or None when unset or not an http(s) address."""
    value = os.environ.get(BASE_URL_SETTING, "").strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return value


def allowed_hosts() -> tuple[str, ...]:
    given = os.environ.get(ALLOWED_HOSTS_SETTING)
    if given is None:
        return DEFAULT_ALLOWED_HOSTS
    return tuple(h.strip().lower().strip("[]") for h in given.split(",") if h.strip())


def depends_on_host() -> bool:
    """Whether a file's links change with the request's Host (no DASHBOARD_BASE_URL set)."""
    return configured_base() is None


def base_url(host: str | None, port: int | None = None) -> str:
    """The base of every absolute link for a request to `host` (its Host header) on the server's `port`."""
    configured = configured_base()
    if configured:
        return configured
    name, given_port = _split_host(host or "")
    if name and name in allowed_hosts() and (given_port is None or given_port.isdigit()):
        shown = f"[{name}]" if ":" in name else name
        return f"http://{shown}" + (f":{given_port}" if given_port else "")
    return f"http://localhost:{port or DEFAULT_PORT}"


def _split_host(host: str) -> tuple[str, str | None]:
    """'Example.org:8501' → ('example.org', '8501'); '[::1]:8501' → ('::1', '8501')."""
    host = host.strip().lower()
    if host.startswith("["):
        name, _, rest = host[1:].partition("]")
        return name, rest[1:] if rest.startswith(":") else None
    if host.count(":") == 1:
        name, _, port = host.partition(":")
        return name, port
    return host, None
