"""The API: every page's address, with a format, as a file — `/api/<page>.<format>?<the page's own query>`.

Served by the same server on the same port as the pages (dashboard.py hands these routes to
`st.App`), and rendered by lib.render, so a file here has the same bytes as the page's own
button for the same address. As Datasette serves every page as .json and .csv, and OWID's
chart API every chart as .csv: the address people already share is the API.

Bad input gets an `application/problem+json` body (RFC 9457) naming the parameter and what
is allowed: 404 for an unknown page or format, 400 for a bad value or an unknown parameter,
503 where the server cannot draw. Every answer carries an ETag and Cache-Control. Drawing
(images, decks, briefs) takes a browser and seconds, so at most DRAWING_AT_ONCE run at once:
the pages' own reruns keep the rest of the server's time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache, lru_cache
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import Response

from lib import __version__, data, selections, share, views
from lib.render import export, formats
from lib.render.images import ImageExportUnavailable, shared_exporter
from lib.render.renderer import Address, Renderer, Unavailable, file_name, today
from lib.selections import SelectionError, Tables
from lib.views import deck

DRAWING_AT_ONCE = 2  # concurrent image, deck and brief renderings; the rest wait their turn
CACHE_CONTROL = "public, max-age=3600"  # the figures change only with a new release; ETags confirm
PROBLEM = "application/problem+json"
PROBLEM_TYPES = "https://github.com/homeworking-dashboard/problems#"
GIVEN_MAX = 100  # characters of a bad value echoed back
FILES_KEPT = 64  # files kept in memory for the day (a deck or a zip is under 1 MB)


@cache
def tables() -> Tables:
    return Tables(data.load_homeworking(), data.load_councils())


@cache
def drawing_slots() -> anyio.CapacityLimiter:
    return anyio.CapacityLimiter(DRAWING_AT_ONCE)


class Problem(Exception):
    """An answer that is not the file: status, title, detail, and the fields a client can act on."""

    def __init__(self, status: int, title: str, detail: str, **fields: Any):
        super().__init__(detail)
        self.status, self.title, self.detail, self.fields = status, title, detail, fields

    def response(self, instance: str) -> Response:
        body = {
            "type": f"{PROBLEM_TYPES}{self.title.lower().replace(' ', '-')}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": instance,
            **self.fields,
        }
        return _respond(json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8"), PROBLEM, self.status)


def allowed_keys(page: str) -> list[str]:
    """The parameters an address of `page` may carry: its own keys, the deck's, and presentation mode's."""
    keys = [*views.PAGES[page].keys, *deck.KEYS, *selections.MARKERS]
    return list(dict.fromkeys(s.key for s in keys))


def read_address(page: str, fmt: str, query: Mapping[str, Sequence[str]]) -> views.View:
    """The View an API address asks for, checked strictly: a value the page would quietly replace is a 400."""
    return _read_address(page, fmt, _frozen(query))


def _frozen(query: Mapping[str, Sequence[str]]) -> tuple:
    return tuple((key, tuple(values)) for key, values in query.items())


@lru_cache(maxsize=512)
def _read_address(page: str, fmt: str, frozen: tuple) -> views.View:
    """Views depend only on the built-in figures and the address: one build per address and process."""
    query = {key: list(values) for key, values in frozen}
    if page not in views.PAGES:
        raise Problem(404, "Unknown page", f"There is no page '{_cut(page)}'.", allowed=list(views.PAGES))
    if fmt not in formats.FORMATS:
        raise Problem(404, "Unknown format", f"There is no format '{_cut(fmt)}'.", allowed=list(formats.FORMATS))
    allowed = allowed_keys(page)
    unknown = [key for key in query if key not in allowed]
    if unknown:
        raise Problem(
            400,
            "Unknown parameter",
            f"'{_cut(unknown[0])}' is not a parameter of the {page} page.",
            parameter=_cut(unknown[0]),
            allowed=allowed,
        )
    try:
        if fmt == "pptx":
            selections.check(deck.KEYS, query, tables())
        return views.for_query(page, tables(), query, strict=True)
    except SelectionError as bad:
        allowed_values = bad.allowed if isinstance(bad.allowed, list) else [bad.allowed]
        raise Problem(
            400,
            "Bad parameter value",
            f"'{bad.key}' cannot be '{_cut(bad.given)}'.",
            parameter=bad.key,
            given=_cut(bad.given),
            allowed=allowed_values,
        ) from None


def make_file(page: str, fmt: str, query: Mapping[str, Sequence[str]], base: str) -> tuple[bytes, str]:
    """The file's bytes and its name (runs in a worker thread: it may draw for seconds).

    Kept for the day: the same address asked again (thirty people opening one brief, a job
    re-run) is answered from memory; a new day makes new files, stamped with the new date.
    """
    return _make_file(page, fmt, _frozen(query), base, today())


@lru_cache(maxsize=FILES_KEPT)
def _make_file(page: str, fmt: str, frozen: tuple, base: str, day: date) -> tuple[bytes, str]:
    query = {key: list(values) for key, values in frozen}
    view = read_address(page, fmt, query)
    exporter = shared_exporter()
    address = Address(page, tuple((k, v) for k, values in query.items() for v in values), base)
    files = Renderer(tables(), address, exporter.image if exporter.available else None, day)
    try:
        return files.render(view, fmt), file_name(view, fmt)
    except (Unavailable, ImageExportUnavailable) as why:
        raise Problem(503, "Cannot make this file here", str(why), format=fmt) from None


async def view_file(request: Request) -> Response:
    name = request.path_params["file"]
    page, _, fmt = name.partition(".")
    query = _query(request)
    try:
        read_address(page, fmt, query)  # a bad address answers at once, without waiting for a drawing slot
        limiter = drawing_slots() if formats.get(fmt).needs_browser or fmt == "zip" else None
        body, filename = await anyio.to_thread.run_sync(make_file, page, fmt, query, _base(request), limiter=limiter)
    except Problem as problem:
        return problem.response(str(request.url.path))
    return _respond(body, formats.get(fmt).mime, 200, request, filename=filename)


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
            "schemas": {
                "Problem": {
                    "type": "object",
                    "properties": {
                        "type": {"type": "string"},
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                        "instance": {"type": "string"},
                        "parameter": {"type": "string"},
                        "allowed": {"type": "array", "items": {"type": "string"}},
                    },
                    "required": ["type", "title", "status", "detail"],
                }
            },
        },
    }
    return share.described(document)  # the static pages' options, oEmbed, a slide, plotly.js


def _parameter(selection: selections.Selection, t: Tables) -> dict:
    if selection.options is None:
        schema: dict = {"type": "string"} if selection.kind == "text" else {"type": "number"}
        if selection.kind == "integer":
            schema = {"type": "integer", "minimum": 1}
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
        "503": {"description": "This server cannot draw (no Chromium)", "content": problem},
    }


def _query(request: Request) -> dict[str, list[str]]:
    query: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        query.setdefault(key, []).append(value)
    return query


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _cut(text: str) -> str:
    return text if len(text) <= GIVEN_MAX else text[:GIVEN_MAX] + "…"


def _respond(body: bytes, media_type: str, status: int, request: Request | None = None, filename: str = "") -> Response:
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL, "X-Content-Type-Options": "nosniff"}
    if filename:
        headers["Content-Disposition"] = f'inline; filename="{filename}"'
    if request is not None and status == 200 and etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(body, status_code=status, media_type=media_type, headers=headers)


async def answer(request: Request) -> Response:
    """Every /api/… request: the OpenAPI document, the Data Package, what lib.share serves (static pages, oEmbed,
    plotly.js, a slide), or a page's file."""
    name = request.path_params["file"]
    special = {"openapi.json": openapi_document, "datapackage.json": datapackage}
    return await (special.get(name) or share.handles(name) or view_file)(request)
