"""Automated reporting without a server: `python -m lib.report URL OUTFILE`.

Writes the file for a page address, in the format OUTFILE's suffix names (any of the Format
registry's: see OUTFILE below), exactly as `/api/<page>.<format>` would serve it (a web page as
`?standalone=1`: it opens with no server), for a scheduled job:

    python -m lib.report "https://dashboard.example/sectors?sector=Education" education.pdf

A bad address (unknown page, parameter or value) exits with status 2 and says what is
allowed; a format this machine cannot draw (no Chromium) exits with status 3 and says how
to get one; a file that cannot be written (no such folder, no permission) exits with status 4.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from lib.api import Problem, make_file
from lib.render.formats import FORMATS
from lib.views import PAGES

BAD_ADDRESS, CANNOT_DRAW, CANNOT_WRITE = 2, 3, 4
DEFAULT_BASE = "http://localhost:8501"


def parse_address(url: str) -> tuple[str, dict[str, list[str]], str]:
    """(page, query, base) of a page address: a full URL, a path (/sectors?…) or a page name (sectors?…)."""
    parts = urlsplit(url.strip())
    page = parts.path.strip("/").rsplit("/", 1)[-1] or next(p.name for p in PAGES.values() if p.default)
    base = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else DEFAULT_BASE
    return page, parse_qs(parts.query, keep_blank_values=True), base


def format_of(out: Path) -> str | None:
    """The format a file name ends in, the longest that fits: `x.datapackage.json` is a datapackage, not JSON."""
    name = out.name.lower()
    return next((f for f in sorted(FORMATS, key=len, reverse=True) if name == f or name.endswith(f".{f}")), None)


def write_report(url: str, out: Path) -> Path:
    """Write the file; raise Problem (status 400/404/503) with words a person can act on."""
    fmt = format_of(out)
    if fmt is None:
        raise Problem(
            404,
            "Unknown format",
            f"'{out.name}' does not end in a format this can write.",
            allowed=list(FORMATS),
        )
    page, query, base = parse_address(url)
    body = make_file(page, fmt, query, base).body
    out.write_bytes(body)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lib.report",
        description=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("url", help="a page address, e.g. https://host/sectors?sector=Education or /regions")
    parser.add_argument("outfile", type=Path, help=f"where to write; its suffix is the format ({', '.join(FORMATS)})")
    args = parser.parse_args(argv)
    try:
        written = write_report(args.url, args.outfile)
    except Problem as problem:
        allowed = problem.fields.get("allowed")
        hint = f"\nAllowed: {', '.join(map(str, allowed[:40]))}" if allowed else ""
        print(f"{problem.title}: {problem.detail}{hint}", file=sys.stderr)
        return CANNOT_DRAW if problem.status == 503 else BAD_ADDRESS
    except OSError as err:
        print(f"Cannot write {args.outfile}: {err.strerror or err}", file=sys.stderr)
        return CANNOT_WRITE
    print(written)
    return 0


if __name__ == "__main__":
    sys.exit(main())
