"""Passing a view on, served by the API: the static page of every address (`/api/<page>.html`, with `?embed=1`
for a frame and `?standalone=1` for a file that opens offline), oEmbed (`/api/oembed?url=<a page address>`),
plotly.js for those pages (`/api/plotly-<version>.min.js`, cached for a year: versioned, never a CDN) and a
slide of presentation mode as a PNG (`/api/slide.png?<the presentation address>`, what "Copy chart" copies
there).

lib/api.py hands these requests over (`ROUTES`, `handles`) and these answers use its problem+json, ETags,
strict address checks and drawing slots, so they behave like every other file. A page is made once per
address and day and kept with its gzip form: a shared link opened by a room of people is answered from
memory without compressing it again (Streamlit's gzip layer passes an encoded body through).
"""

from __future__ import annotations

import copy
import gzip
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TypeVar
from urllib.parse import parse_qs, urlsplit

import anyio
from starlette.requests import Request
from starlette.responses import Response

from lib import api, views
from lib.render import drawing, formats, html
from lib.render.images import ImageExportUnavailable, shared_exporter
from lib.render.renderer import Address, Renderer, file_name, today

IMMUTABLE = "public, max-age=31536000, immutable"  # a versioned file never changes under its name
PAGES_KEPT = 128  # static pages of ~60 kB (with their gzip form, ~75 kB)
STANDALONE_KEPT = 4  # standalone pages carry plotly.js: 1.2 MB each
SLIDES_KEPT = 32
OEMBED_WIDTH_MIN = 200  # px: narrower than this, the page cannot show its figures
PROVIDER = "Homeworking dashboard"
SWITCH = {"1": True, "true": True, "0": False, "false": False}
Made = TypeVar("Made")
HOME = next(p.name for p in views.PAGES.values() if p.default)  # "/" is this page


@dataclass(frozen=True)
class Encoded:
    """A file's bytes and their gzip form, made once."""

    body: bytes
    gzipped: bytes
    lasting: bool = True  # False: made while something failed for a while; never kept, sent as no-store

    @classmethod
    def of(cls, body: bytes, *, lasting: bool = True) -> Encoded:
        return cls(body, gzip.compress(body, compresslevel=6, mtime=0), lasting)


class Kept:
    """The last `size` files made, by key (thread-safe: pages are made in worker threads)."""

    def __init__(self, size: int):
        self.size, self._lock = size, threading.Lock()
        self._items: OrderedDict[Hashable, Encoded] = OrderedDict()

    def get(self, key: Hashable) -> Encoded | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: Hashable, value: Encoded) -> Encoded:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


PAGES, STANDALONE, SLIDES = Kept(PAGES_KEPT), Kept(STANDALONE_KEPT), Kept(SLIDES_KEPT)
_plotly: list[Encoded] = []


def accepts_gzip(request: Request) -> bool:
    for part in request.headers.get("accept-encoding", "").lower().split(","):
        coding, _, q = part.strip().partition(";")
        if coding.strip() in ("gzip", "*"):
            return q.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def respond(request: Request, kept: Encoded, mime: str, *, cache_control: str = "", filename: str = "") -> Response:
    """api's answer (ETag, If-None-Match, headers) with the gzip form where the client takes it."""
    zipped = accepts_gzip(request)
    response = api._respond(kept.gzipped if zipped else kept.body, mime, 200, request, filename=filename)
    if zipped:  # (an answer in plain form gets its Vary from Streamlit's gzip layer, which passes this one by)
        if response.status_code == 200:
            response.headers["Content-Encoding"] = "gzip"
        vary = response.headers.get("Vary")
        response.headers["Vary"] = f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"
    if cache_control:
        response.headers["Cache-Control"] = cache_control
    return response


def page_options(query: dict[str, list[str]]) -> dict[str, bool]:
    """Take the page's own options (embed, standalone) out of `query`; a value other than 1/0 is a 400."""
    options = {}
    for name in html.OPTIONS:
        values = query.pop(name, None)
        if values is None:
            continue
        value = values[-1].lower()
        if value not in SWITCH:
            raise api.Problem(
                400,
                "Bad parameter value",
                f"'{name}' cannot be '{api._cut(values[-1])}'.",
                parameter=name,
                given=api._cut(values[-1]),
                allowed=["1", "0"],
            )
        options[name] = SWITCH[value]
    return options


async def drawn(request: Request, key: Hashable, make: Callable[[], Encoded]) -> Encoded:
    """`make()` through the drawing service, as the API's drawn files are: drawn once for many askers, in turn with
    other clients, skipped if the client has gone (drawing.Abandoned), refused at once when the wait would be long."""
    service = drawing.shared_service()
    try:
        flight = service.submit(key, make, lane=drawing.API, client=api._client(request))
        return await service.wait_async(flight, request.is_disconnected)
    except drawing.Busy as busy:
        headers = {"Retry-After": str(busy.retry_after_s)}
        raise api.Problem(503, "Busy drawing", str(busy), headers=headers) from None


async def static_page(request: Request) -> Response:
    """`/api/<page>.html?<the page's query>[&embed=1][&standalone=1]`."""
    page = request.url.path.removeprefix("/api/").removesuffix(".html")
    query = api._query(request)
    try:
        options = page_options(query)
        api.read_address(page, "html", query)  # a bad address answers at once, before any drawing
        key = (page, api._frozen(query), api._base(request), today(), options.get("embed", False))
        standalone = options.get("standalone", False)
        kept = (STANDALONE if standalone else PAGES).get(key)
        if kept is None:
            flight = (page, "html", *key[1:], standalone)  # page, format and query first: the queue names flights so
            kept = await drawn(request, flight, lambda: make_page(key, standalone))
    except api.Problem as problem:
        return problem.response(str(request.url.path))
    except drawing.Abandoned:
        return Response(status_code=499)  # nobody is there to read it
    view = api.read_address(page, "html", query)
    cache_control = "" if kept.lasting else api.NO_STORE
    return respond(
        request, kept, formats.get("html").mime, cache_control=cache_control, filename=file_name(view, "html")
    )


def make_page(key: tuple, standalone: bool) -> Encoded:
    """The page, kept for the day unless its drawing failed this time."""
    page, frozen, base, day, embed = key
    made = _render(
        page, "html", frozen, base, day, lambda files, v: files.file(v, "html", embed=embed, standalone=standalone)
    )
    encoded = Encoded.of(made.body, lasting=made.lasting)
    return (STANDALONE if standalone else PAGES).put(key, encoded) if made.lasting else encoded


def _render(
    page: str, fmt: str, frozen: tuple, base: str, day: date, make: Callable[[Renderer, views.View], Made]
) -> Made:
    """`make(renderer, view)` for an address already checked, with the server's Chromium; 503 if it fails."""
    query = {k: list(v) for k, v in frozen}
    view = api.read_address(page, fmt, query)
    exporter = shared_exporter()
    address = Address(page, tuple((k, v) for k, values in query.items() for v in values), base)
    files = Renderer(api.tables(), address, exporter.image if exporter.available else None, day)
    try:
        return make(files, view)
    except ImageExportUnavailable as why:
        raise api.Problem(503, "Cannot make this file here", str(why), format=fmt) from None


async def plotly_script(request: Request) -> Response:
    """plotly.js as the installed plotly package bundles it, under its version: cached for a year."""
    if not _plotly:
        _plotly.append(await anyio.to_thread.run_sync(Encoded.of, html.plotly_js()))
    return respond(request, _plotly[0], "text/javascript; charset=utf-8", cache_control=IMMUTABLE)


# ---- oEmbed ----
async def oembed(request: Request) -> Response:
    """`/api/oembed?url=<a page address>&maxwidth=&maxheight=&format=json`: the view as a rich embed."""
    try:
        url, width, height = _oembed_request(request)
        page, query = page_of(url, api._base(request))
        api.read_address(page, "html", query)
        body = await anyio.to_thread.run_sync(
            oembed_answer, page, api._frozen(query), api._base(request), width, height
        )
    except api.Problem as problem:
        return problem.response(str(request.url.path))
    return api._respond(body, "application/json", 200, request)


def _oembed_request(request: Request) -> tuple[str, int | None, int | None]:
    params = request.query_params
    if params.get("format", "json") != "json":
        raise api.Problem(
            501, "Format not implemented", "oEmbed answers here are JSON only.", parameter="format", allowed=["json"]
        )
    url = params.get("url", "").strip()
    if not url:
        raise api.Problem(400, "Missing parameter", "'url' is required: the address of a page of this dashboard.")
    sizes: list[int | None] = []
    for name in ("maxwidth", "maxheight"):
        given = params.get(name)
        if given is None or given == "":
            sizes.append(None)
        elif re.fullmatch(r"\d{1,5}", given) and int(given) > 0:
            sizes.append(int(given))
        else:
            raise api.Problem(400, "Bad parameter value", f"'{name}' must be a whole number of pixels.", parameter=name)
    return url, sizes[0], sizes[1]


def page_of(url: str, base: str) -> tuple[str, dict[str, list[str]]]:
    """The page and query of an address on this server: a page (`/sectors?…`, `/` for the Overview) or its static
    page (`/api/sectors.html?…`). Anything else is a 404 problem naming what is allowed."""
    given, here = urlsplit(url), urlsplit(base)
    prefix = here.path.rstrip("/")
    if given.scheme not in ("http", "https") or given.netloc.lower() != here.netloc.lower():
        raise api.Problem(
            404,
            "Not a page of this dashboard",
            f"'{api._cut(url)}' is not an address on {here.netloc}: oEmbed answers for this dashboard's pages only.",
            parameter="url",
        )
    path = given.path.rstrip("/")
    path = path[len(prefix) :] if prefix and path.startswith(prefix) else path
    name = path.strip("/")
    if name.startswith("api/") and name.endswith(".html"):
        name = name.removeprefix("api/").removesuffix(".html")
    elif name == "":
        name = HOME
    if name not in views.PAGES or "/" in name:
        raise api.Problem(
            404,
            "Unknown page",
            f"There is no page at '{api._cut(given.path)}'.",
            parameter="url",
            allowed=list(views.PAGES),
        )
    query = parse_qs(given.query, keep_blank_values=True)
    for option in html.OPTIONS:
        query.pop(option, None)
    return name, query


@lru_cache(maxsize=256)
def oembed_answer(page: str, frozen: tuple, base: str, maxwidth: int | None, maxheight: int | None) -> bytes:
    """The answer for an address already checked (one figure built per address and size, to measure the chart)."""
    query = {k: list(v) for k, v in frozen}
    view = api.read_address(page, "html", query)
    address = Address(page, tuple((k, v) for k, values in query.items() for v in values), base)
    chart_height = int(view.main.figure().layout.height or 720) if view.main else 0
    width = max(min(html.EMBED_WIDTH, maxwidth or html.EMBED_WIDTH), OEMBED_WIDTH_MIN)
    height = html.embed_height(view, chart_height)
    height = min(height, maxheight) if maxheight else height
    answer = {
        "version": "1.0",
        "type": "rich",
        "title": view.headline,
        "provider_name": PROVIDER,
        "provider_url": f"{base.rstrip('/')}/",
        "html": html.iframe(address, view.headline, height, width),
        "width": width,
        "height": height,
        "cache_age": 3600,
    }
    return json.dumps(answer, ensure_ascii=False, indent=2).encode("utf-8")


# ---- a slide, for "Copy chart" in presentation mode ----
async def slide_image(request: Request) -> Response:
    """`/api/slide.png?<the presentation address's query>`: slide `slide` (1 by default) at 1920×1080."""
    query = api._query(request)
    try:
        api.read_address(HOME, "pptx", query)  # a presentation address: checked as the deck's
        key = (api._frozen(query), api._base(request), today())
        found = SLIDES.get(key)
        kept = found if found is not None else await drawn(request, ("slide", "png", *key), lambda: make_slide(key))
    except api.Problem as problem:
        return problem.response(str(request.url.path))
    except drawing.Abandoned:
        return Response(status_code=499)
    return respond(request, kept, formats.get("png").mime, filename="homeworking-slide.png")


def make_slide(key: tuple) -> Encoded:
    frozen, base, day = key

    def draw(files: Renderer, _view: views.View) -> bytes:
        query = {k: list(v) for k, v in frozen}
        slides = files.slides()
        if not slides:
            raise api.Problem(404, "No such slide", "This deck has no slides.", parameter="slide")
        number = min(max(int(query.get("slide", ["1"])[-1]), 1), len(slides))
        return files.slide_image(slides[number - 1], "png")

    return SLIDES.put(key, Encoded.of(_render(HOME, "pptx", frozen, base, day, draw)))


ROUTES = {html.PLOTLY_FILE: plotly_script, "oembed": oembed, "slide.png": slide_image}


def handles(name: str) -> Callable | None:
    """The handler of `/api/<name>` when it is one of these, else None."""
    return ROUTES.get(name) or (static_page if name.endswith(".html") else None)


def described(document: dict) -> dict:
    """The OpenAPI document with these routes: the static page's options on every page, oEmbed, a slide and
    plotly.js."""
    parameters = document["components"]["parameters"]
    for name, says in (
        ("embed", "html only: 1 drops the header and footer for an iframe, whose parent it tells its height."),
        ("standalone", "html only: 1 inlines plotly.js, so the page opens offline (about 1.3 MB)."),
    ):
        parameters[f"html.{name}"] = {
            "name": name,
            "in": "query",
            "required": False,
            "schema": {"type": "string", "enum": ["1", "0"]},
            "description": says,
        }
    for path, item in list(document["paths"].items()):
        if path.endswith(".{format}"):  # the static page: the page's own keys, and embed and standalone
            page = copy.deepcopy(item["get"])
            page["parameters"] = [p for p in page["parameters"] if p != {"$ref": "#/components/parameters/format"}]
            page["parameters"] += [
                {"$ref": "#/components/parameters/html.embed"},
                {"$ref": "#/components/parameters/html.standalone"},
            ]
            page["summary"] = page["summary"].replace("as a file", "as a static web page")
            page["operationId"] += "_html"
            page["responses"]["200"] = {"description": "The static page", "content": {"text/html": {}}}
            document["paths"][path.replace("{format}", "html")] = {"get": page}
    problem = {api.PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    document["paths"]["/api/oembed"] = {
        "get": {
            "summary": "oEmbed (rich): an iframe of the static page of a page address of this dashboard",
            "operationId": "get_oembed",
            "parameters": [
                _query_parameter("url", "A page address on this server (or its /api/<page>.html).", required=True),
                _query_parameter("maxwidth", "Largest width in px.", integer=True),
                _query_parameter("maxheight", "Largest height in px.", integer=True),
                _query_parameter("format", "json (the only one).", enum=["json"]),
            ],
            "responses": {
                "200": {"description": "oEmbed 1.0, type rich", "content": {"application/json": {}}},
                "400": {"description": "No url, or a bad size or parameter value", "content": problem},
                "404": {"description": "Not a page of this dashboard", "content": problem},
                "501": {"description": "A format other than json", "content": problem},
            },
        }
    }
    document["paths"]["/api/slide.png"] = {
        "get": {
            "summary": "One slide of presentation mode at 1920×1080 (slide=N of the deck at this address)",
            "operationId": "get_slide",
            "responses": {
                "200": {"description": "The slide", "content": {"image/png": {}}},
                "400": {"description": "A parameter or its value is not allowed", "content": problem},
                "503": {"description": "This server cannot draw (no Chromium)", "content": problem},
            },
        }
    }
    document["paths"][f"/api/{html.PLOTLY_FILE}"] = {
        "get": {
            "summary": "plotly.js for the static pages, as the installed plotly package bundles it (immutable)",
            "operationId": "get_plotly_js",
            "responses": {"200": {"description": "JavaScript", "content": {"text/javascript": {}}}},
        }
    }
    return document


def _query_parameter(name: str, says: str, *, required: bool = False, integer: bool = False, enum=None) -> dict:
    # As oembed() reads them: a size of one to five digits; text with something other than white space in it.
    schema: dict = (
        {"type": "integer", "minimum": 1, "maximum": 99999} if integer else {"type": "string", "pattern": r"\S"}
    )
    if enum:
        schema["enum"] = enum
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": says}
