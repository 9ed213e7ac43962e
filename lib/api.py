"""The API: every page's address, with a format, as a file — `/api/<page>.<format>?<the page's own query>`.

Served by the same server on the same port as the pages (dashboard.py sends every path under
/api/, whatever its case, here), and rendered by lib.render, so a file here has the same bytes
as the page's own button for the same address. As Datasette serves every page as .json and
.csv, and OWID's chart API every chart as .csv: the address people already share is the API.

Anything but the file gets an `application/problem+json` body (RFC 9457) naming the parameter
and what is allowed: 404 for an unknown path, page or format, 405 for a method other than GET,
400 for a bad value or an unknown parameter, 503 (with `Retry-After`) where the server cannot
draw now; never a 500 page or the app's HTML. Files carry an ETag and are public for an hour;
a problem is kept briefly, a 5xx never (`no-store`). Every answer may be read from any origin
(the figures are public), and says `Vary: Host` when its links depend on the host (lib.site).

Drawn files (images, decks, briefs, zips) go through lib.render.drawing: bounded, fair, single
flight, kept by their canonical address, skipped when their client has gone.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache, lru_cache
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import Response

from lib import __version__, data, selections, share, site, views
from lib.render import drawing, export, formats
from lib.render.images import ImageExportUnavailable, shared_exporter
from lib.render.renderer import Address, File, NotInThisView, Renderer, Unavailable, today
from lib.selections import SelectionError, Tables
from lib.views import deck

CACHE_CONTROL = "public, max-age=3600"  # the figures change only with a new release; ETags confirm
PROBLEM_CACHE_CONTROL = "public, max-age=300"  # a bad address stays bad until a release
NO_STORE = "no-store"  # a 5xx passes: no cache may keep it
PROBLEM = "application/problem+json"
PROBLEM_TYPES = "https://github.com/homeworking-dashboard/problems#"
GIVEN_MAX = 100  # characters of a bad value echoed back
FILES_KEPT = 64  # data files kept in memory for the day (drawn ones are kept by lib.render.drawing)
METHODS = ("GET", "HEAD")
log = logging.getLogger(__name__)


@cache
def tables() -> Tables:
    return Tables(data.load_homeworking(), data.load_councils())


class Problem(Exception):
    """An answer that is not the file: status, title, detail, and the fields a client can act on."""

    def __init__(self, status: int, title: str, detail: str, *, headers: Mapping[str, str] | None = None, **fields):
        super().__init__(detail)
        self.status, self.title, self.detail, self.fields = status, title, detail, fields
        self.headers = dict(headers or {})

    def response(self, instance: str) -> Response:
        body = {
            "type": f"{PROBLEM_TYPES}{self.title.lower().replace(' ', '-')}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": _cut(instance),
            **{k: v for k, v in self.fields.items() if v is not None},  # a field with nothing to say is left out
        }
        encoded = json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")
        return _respond(encoded, PROBLEM, self.status, headers=self.headers)


def allowed_keys(page: str) -> list[str]:
    """The parameters an address of `page` may carry: its own keys, the deck's, and presentation mode's."""
    keys = [*views.PAGES[page].keys, *deck.KEYS, *selections.MARKERS]
    return list(dict.fromkeys(s.key for s in keys))


def read_address(page: str, fmt: str, query: Mapping[str, Sequence[str]]) -> views.View:
    """The View an API address asks for, checked strictly: a value the page would quietly replace is a 400."""
    return _read_address(page, fmt, _frozen(query))


def check_address(page: str, fmt: str, query: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """The values an API address chooses, checked strictly, without building its View: a bad address is answered
    in the event loop at once, and the building (tens of milliseconds) happens in a thread or a drawing slot."""
    return _thawed(_check_address(page, fmt, _frozen(query)))


def _frozen(query: Mapping[str, Sequence[str]]) -> tuple:
    return tuple((key, tuple(values)) for key, values in query.items())


@lru_cache(maxsize=512)
def _read_address(page: str, fmt: str, frozen: tuple) -> views.View:
    """Views depend only on the built-in figures and the address: one build per address and process."""
    return views.build(page, tables(), _thawed(_check_address(page, fmt, frozen)))


def _thawed(chosen: tuple) -> dict[str, Any]:
    return {key: list(value) if isinstance(value, tuple) else value for key, value in chosen}


@lru_cache(maxsize=2048)
def _check_address(page: str, fmt: str, frozen: tuple) -> tuple:
    query = {key: list(values) for key, values in frozen}
    if page not in views.PAGES:
        raise _not_one_of(404, "Unknown page", f"There is no page '{_cut(page)}'.", page, list(views.PAGES))
    if fmt not in formats.FORMATS:
        raise _not_one_of(404, "Unknown format", f"There is no format '{_cut(fmt)}'.", fmt, list(formats.FORMATS))
    allowed = allowed_keys(page)
    unknown = [key for key in query if key not in allowed]
    if unknown:
        said = f"'{_cut(unknown[0])}' is not a parameter of the {page} page."
        raise _not_one_of(400, "Unknown parameter", said, unknown[0], allowed, parameter=_cut(unknown[0]))
    try:
        # Every key the address carries is checked, whichever format uses it: the OpenAPI description lists
        # the deck's keys on every page, with their values. A key of the page's own is checked as the page reads
        # it, and a deck's as the deck reads it.
        own = {s.key for s in views.PAGES[page].keys}
        deck_keys = deck.KEYS if fmt == "pptx" else [s for s in deck.KEYS if s.key not in own]
        selections.check([*deck_keys, *selections.MARKERS], query, tables())
        chosen = selections.check(views.PAGES[page].keys, query, tables())
    except SelectionError as bad:
        allowed_values = bad.allowed if isinstance(bad.allowed, list) else [bad.allowed]
        raise Problem(
            400,
            "Bad parameter value",
            f"'{bad.key}' cannot be '{_cut(bad.given)}'." + (f" Did you mean '{bad.nearest}'?" if bad.nearest else ""),
            parameter=bad.key,
            given=_cut(bad.given),
            allowed=allowed_values,
            did_you_mean=bad.nearest,
        ) from None
    return tuple((key, tuple(v) if isinstance(v, list) else v) for key, v in chosen.items())


def _not_one_of(status: int, title: str, detail: str, given: str, allowed: list[str], **fields: Any) -> Problem:
    """A name that is not one of `allowed`, with the one it most likely meant (a page, a format, a parameter)."""
    meant = selections.nearest(given, allowed)
    detail += f" Did you mean '{meant}'?" if meant else ""
    return Problem(status, title, detail, allowed=allowed, did_you_mean=meant, **fields)


def make_file(page: str, fmt: str, query: Mapping[str, Sequence[str]], base: str) -> File:
    """The file's bytes and its name, made now (python -m lib.report; the API's data files).

    The file is made from the canonical address (`file_keys`, sorted and deduplicated), so the same
    view asked for in any spelling is the same bytes; data files are kept for the day.
    """
    check_address(page, fmt, query)
    pairs = [(key, value) for key, values in query.items() for value in values]
    return _make_file(page, fmt, drawing.canonical_query(drawing.file_keys(page, fmt), pairs), base, today())


@lru_cache(maxsize=FILES_KEPT)
def _make_file(page: str, fmt: str, canonical: tuple, base: str, day: date) -> File:
    query: dict[str, list[str]] = {}
    for key, value in canonical:
        query.setdefault(key, []).append(value)
    view = read_address(page, fmt, query)
    exporter = shared_exporter()
    files = Renderer(tables(), Address(page, canonical, base), exporter.image if exporter.available else None, day)
    try:
        return files.file(view, fmt)
    except NotInThisView as why:
        raise Problem(404, "Not in this view", str(why), format=fmt) from None
    except (Unavailable, ImageExportUnavailable) as why:
        raise Problem(503, "Cannot make this file here", str(why), format=fmt, headers={"Retry-After": "60"}) from None


async def view_file(request: Request, name: str) -> Response:
    page, _, fmt = name.partition(".")
    query = _query(request)
    check_address(page, fmt, query)  # a bad address answers at once, without waiting for a drawing slot
    base = _base(request)
    if not drawing.needs_drawing(fmt):
        made = await anyio.to_thread.run_sync(make_file, page, fmt, query, base)
        return _respond(made.body, formats.get(fmt).mime, 200, request, filename=made.name)
    pairs = [(key, value) for key, values in query.items() for value in values]
    key = drawing.file_key(page, fmt, drawing.canonical_query(drawing.file_keys(page, fmt), pairs), base, today())
    service = drawing.shared_service()
    if await request.is_disconnected():  # gone before it was even asked
        return Response(status_code=499)
    try:
        flight = service.submit(
            key, lambda: make_file(page, fmt, query, base), lane=drawing.API, client=_client(request)
        )
        made = await service.wait_async(flight, request.is_disconnected)
    except drawing.Busy as busy:
        raise Problem(
            503, "Busy drawing", str(busy), format=fmt, headers={"Retry-After": str(busy.retry_after_s)}
        ) from None
    except drawing.Abandoned:
        return Response(status_code=499)  # nobody is there to read it
    return _respond(made.body, formats.get(fmt).mime, 200, request, filename=made.name)


async def datapackage(request: Request) -> Response:
    """Both tables as the API serves them (`/api/explore.csv`), described as a Frictionless Data Package."""
    base = _base(request)
    resources = []
    for query in ((), (("table", "Councils"),)):
        view = views.for_query("explore", tables(), dict(query))
        fields = export.fields_of(view.rows, view.resource)
        described = data.resource(view.resource)
        resources.append(
            {
                "name": view.resource,
                "path": Address("explore", query, base).api("csv"),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "title": described["title"],
                "description": described["description"],
                "licenses": described.get("licenses", []),
                "schema": {"fields": fields},
            }
        )
    package = {**{k: v for k, v in data.load_package().items() if k != "resources"}, "resources": resources}
    return _respond(json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8"), "application/json", 200, request)


async def openapi_document(request: Request) -> Response:
    return _respond(
        json.dumps(openapi(_base(request)), ensure_ascii=False, indent=2).encode("utf-8"),
        "application/json",
        200,
        request,
    )


PROBLEM_SCHEMA = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "parameter": {"type": "string"},
        "allowed": {"type": "array", "items": {"type": "string"}},
        "given": {"type": "string"},
        "did_you_mean": {
            "type": "string",
            "description": "the allowed page, format, parameter or value the given one most likely meant",
        },
    },
    "required": ["type", "title", "status", "detail"],
}


def openapi(base: str = "") -> dict:
    """The API described from lib.selections: one path per page, each parameter with its allowed values."""
    t = tables()
    parameter_docs: dict[str, dict] = {}
    paths = {}
    for page in views.PAGES:
        params = [{"$ref": "#/components/parameters/format"}]
        own = views.PAGES[page].keys
        for selection in dict((s.key, s) for s in [*own, *selections.DECK_KEYS]).values():
            ref = f"{page}.{selection.key}" if selection in own else f"deck.{selection.key}"
            parameter_docs.setdefault(ref, _parameter(selection, t))
            params.append({"$ref": f"#/components/parameters/{ref}"})
        paths[f"/api/{page}.{{format}}"] = {
            "get": {
                "summary": f"The {page} page as a file",
                "description": f"The view at `/{'' if page == 'overview' else page}?<query>` as data, image, deck "
                "or brief. Presentation keys (deck, headline_<slide>) shape the pptx.",
                "operationId": f"get_{page}",
                "parameters": params,
                "responses": _responses(),
            }
        }
    paths["/api/datapackage.json"] = {
        "get": {
            "summary": "Both tables, described as a Frictionless Data Package",
            "operationId": "get_datapackage",
            "responses": {"200": {"description": "The Data Package", "content": {"application/json": {}}}},
        }
    }
    paths["/api/openapi.json"] = {
        "get": {
            "summary": "This document",
            "operationId": "get_openapi",
            "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}},
        }
    }
    for selection in deck.HEADLINES.values():
        parameter_docs[f"deck.{selection.key}"] = _parameter(selection, t)
    document = {
        "openapi": "3.1.0",
        "info": {
            "title": "Homeworking dashboard API",
            "version": __version__,
            "description": "Every page's address, with a format: the same files as the page's buttons.",
        },
        "servers": [{"url": base or "/"}],
        "paths": paths,
        "components": {
            "parameters": {
                "format": {
                    "name": "format",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "enum": list(formats.FORMATS)},
                    "description": "; ".join(f"{f.name}: {f.label}" for f in formats.FORMATS.values()),
                },
                **parameter_docs,
            },
            "schemas": {"Problem": PROBLEM_SCHEMA},
        },
    }
    return share.described(document)  # the static pages' options, oEmbed, a slide, plotly.js


def _parameter(selection: selections.Selection, t: Tables) -> dict:
    if selection.options is None:
        schema: dict = {"type": "number", "minimum": -selections.NUMBER_BOUND, "maximum": selections.NUMBER_BOUND}
        if selection.kind == "text":
            schema = {"type": "string"}
        if selection.kind == "integer":
            schema = {"type": "integer", "minimum": 1, "maximum": selections.PAGE_BOUND}
        if selection.max_chars:
            schema["maxLength"] = selection.max_chars
    else:
        item = {"type": "string", "enum": [selection.shown(o) for o in selection.choices(t, {})]}
        schema = {"type": "array", "items": item} if selection.multiple else item
    return {
        "name": selection.key,
        "in": "query",
        "required": False,
        "schema": schema,
        "explode": True,
        "description": selection.label + (f". {selection.help}" if selection.help else ""),
    }


def _responses() -> dict:
    problem = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    return {
        "200": {"description": "The file", "content": {f.mime.split(";")[0]: {} for f in formats.FORMATS.values()}},
        "304": {"description": "Not modified (If-None-Match matched the ETag)"},
        "400": {"description": "A parameter or its value is not allowed", "content": problem},
        "404": {"description": "No such page or format", "content": problem},
        "405": {"description": "A method other than GET or HEAD", "content": problem},
        "503": {
            "description": "This server cannot draw now: no Chromium, or too many drawings waiting (see Retry-After)",
            "content": problem,
            "headers": {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}},
        },
    }


def _query(request: Request) -> dict[str, list[str]]:
    query: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        query.setdefault(key, []).append(value)
    return query


def _base(request: Request) -> str:
    """The base of the links in a file: DASHBOARD_BASE_URL, or an allowed Host (lib.site); never X-Forwarded-*."""
    server = request.scope.get("server") or (None, None)
    return site.base_url(request.headers.get("host"), server[1])


def _client(request: Request) -> str:
    """Who is asking, for the drawing queue's turns: the address HAProxy or the socket gives."""
    return request.client.host if request.client else ""


def _cut(text: str) -> str:
    return text if len(text) <= GIVEN_MAX else text[:GIVEN_MAX] + "…"


def _respond(
    body: bytes,
    media_type: str,
    status: int,
    request: Request | None = None,
    filename: str = "",
    headers: Mapping[str, str] | None = None,
) -> Response:
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    cache_control = CACHE_CONTROL if status < 400 else PROBLEM_CACHE_CONTROL if status < 500 else NO_STORE
    sent = {
        "ETag": etag,
        "Cache-Control": cache_control,
        "X-Content-Type-Options": "nosniff",
        "Access-Control-Allow-Origin": "*",
        **(headers or {}),
    }
    if site.depends_on_host():
        sent["Vary"] = "Host"
    if filename:
        sent["Content-Disposition"] = f'inline; filename="{filename}"'
    if request is not None and status == 200 and etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=sent)
    return Response(body, status_code=status, media_type=media_type, headers=sent)


def is_api_path(path: str) -> bool:
    """Every path under /api/, whatever its case: the app's HTML page never answers one."""
    lowered = path.lower()
    return lowered == "/api" or lowered.startswith("/api/")


async def answer(request: Request) -> Response:
    """Every request under /api/: the OpenAPI document, the Data Package, what lib.share serves (static pages,
    oEmbed, plotly.js, a slide), a page's file, or a problem."""
    path = request.url.path
    try:
        return await _answer(request, path)
    except Problem as problem:
        return problem.response(path)
    except Exception:  # a bug: still problem+json, never cached, and logged with its traceback
        log.exception("the API failed on %s", _cut(str(request.url)))
        return Problem(500, "Server error", "The server could not answer this request.").response(path)


async def _answer(request: Request, path: str) -> Response:
    if request.method == "OPTIONS":  # a browser asking whether another origin may send If-None-Match
        return Response(status_code=204, headers=PREFLIGHT)
    if request.method not in METHODS:
        raise Problem(
            405,
            "Method not allowed",
            f"The API answers {' and '.join(METHODS)}, not {_cut(request.method)}.",
            allowed=list(METHODS),
            headers={"Allow": ", ".join(METHODS)},
        )
    if not path.startswith("/api/"):
        raise Problem(
            404, "Not found", f"There is nothing at '{_cut(path)}': files are at /api/<page>.<format>.", allowed=[]
        )
    name = path.removeprefix("/api/")
    special = {"openapi.json": openapi_document, "datapackage.json": datapackage}
    if name in special:
        return await special[name](request)
    shared = share.handles(name)
    if shared is not None:
        return await shared(request)
    return await view_file(request, name)


PREFLIGHT = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": ", ".join(METHODS),
    "Access-Control-Allow-Headers": "If-None-Match",
    "Access-Control-Max-Age": "86400",
    "Allow": ", ".join((*METHODS, "OPTIONS")),
}
