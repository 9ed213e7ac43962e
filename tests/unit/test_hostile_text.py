"""One hostile corpus through every renderer: text from a file or a URL shows as typed, never as markup, and
never carries what the format cannot hold (lib.escape).

The corpus: a working link, Markdown, HTML, Typst markup, characters XML forbids, bidirectional controls and a
100 kB string. Each renderer's output is read back with a parser of its own kind (markdown-it, html.parser,
python-pptx, pdftotext) and checked for the markup the text would have made.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from datetime import date
from html.parser import HTMLParser

import pandas as pd
import pytest
from markdown_it import MarkdownIt
from pptx import Presentation

from lib import escape, views
from lib.data import load_councils, load_homeworking
from lib.escape import BIDI_CONTROLS, XML_FORBIDDEN, clean
from lib.limits import DRAWING
from lib.render import brief, powerpoint
from lib.selections import Tables
from lib.views import deck

LINK = 'x <a href="https://evil.example/">ONS</a>'
CORPUS = {
    "link": LINK,
    "markdown": "**bold** [click](https://evil.example) ![img](https://evil.example/i.png) `code` :red[red] # head",
    "html": "<script>alert(1)</script><img src=x onerror=alert(1)> &amp; <b>b</b>",
    "typst": '#set page(fill: red) *strong* _em_ $x^2$ #link("https://evil.example")[ONS] // comment',
    "forbidden": "a\x00b\x0bc\x1fd\ufffee\uffff",
    "bidi": "abc\u202edcba\u2066isolated\u2069",
    "long": "L" * 100_000,
}
TAGS_MARKDOWN_MAKES = ("<a ", "<img", "<strong", "<em", "<code", "<h1", "<script", "<b>", "<span")


@pytest.fixture(scope="module")
def tables():
    return Tables(load_homeworking(), load_councils())


def uploaded(text: str) -> pd.DataFrame:
    """Rows as an upload makes them, named by `text` and with a category of `text` (past the reader's checks, as if
    a label had got through: the renderers must hold on their own)."""
    return pd.DataFrame(
        {
            "breakdown": ["sector", "sector"],
            "category": ["Education", text],
            "measure": ["week_prior", "week_prior"],
            "percent": [30.0, 40.0],
            "code": pd.Series([None, None], dtype="str"),
            "official_name": pd.Series([None, None], dtype="str"),
            "source": [text[:200], text[:200]],
        }
    )


POSITIONS = {"x", "y", "tickvals", "categoryarray", "legendgroup", "uid"}  # where a point is, never drawn as text


def strings(value, skip: frozenset = frozenset()) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() if k not in skip for s in strings(v, skip)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in strings(v, skip)]
    return []


def holds_nothing_forbidden(text: str) -> bool:
    return not XML_FORBIDDEN.search(text) and not BIDI_CONTROLS.search(text)


@pytest.mark.parametrize("kind", list(CORPUS))
def test_markdown_shows_the_text_and_makes_no_markup(kind):
    text = CORPUS[kind]
    markdown = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])  # raw HTML passes
    rendered = markdown.render(escape.for_markdown(text))
    for tag in TAGS_MARKDOWN_MAKES:
        assert tag not in rendered, (kind, tag)
    assert holds_nothing_forbidden(rendered)
    # Streamlit's Markdown also links bare addresses after parsing (GitHub's autolink literals): none is left whole.
    assert not re.search(r"(?i)https?://|www\.|@\w", escape.for_markdown(text)), kind


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


@pytest.mark.parametrize("kind", list(CORPUS))
def test_html_shows_the_text_exactly_and_makes_no_element(kind):
    text = CORPUS[kind]
    page = _Collect()
    page.feed(f'<p title="{escape.for_html(text)}">{escape.for_html(text)}</p>')
    page.close()
    assert page.tags == ["p"]
    assert "".join(page.text) == clean(text)


@pytest.mark.parametrize("kind", list(CORPUS))
def test_plotly_labels_and_the_charts_made_with_them(kind, tables):
    text = CORPUS[kind]
    assert "<" not in escape.for_plotly(text).replace("&lt;", "")
    view = views.build(
        "sectors", tables, {"sector": "Education", "benchmark": "Public administration and defence"}, uploaded(text)
    )
    for chart in view.charts:
        figure = chart.figure().to_plotly_json()
        shown = strings(figure, frozenset(POSITIONS))
        for name, axis in figure["layout"].items():  # a category axis draws its ticktext, never its raw values
            if name.startswith("yaxis") and any(isinstance(v, str) for v in axis.get("tickvals", [])):
                assert len(axis["ticktext"]) == len(axis["tickvals"]), (kind, chart.key)
        for piece in shown:
            assert "<a " not in piece and "<script" not in piece and "<img" not in piece, (kind, chart.key)
            assert holds_nothing_forbidden(piece), (kind, chart.key)
        ticks = [t for axis, v in figure["layout"].items() if axis.startswith("yaxis") for t in v.get("ticktext", [])]
        assert all(len(escape.strip_bold(t)) <= DRAWING.label_chars + 40 for t in ticks), (kind, chart.key)


@pytest.mark.parametrize("kind", list(CORPUS))
def test_powerpoint_holds_the_text_as_typed(kind, tables):
    text = CORPUS[kind]
    slides = deck.build_deck(tables, {}, order=["sector"], headlines={"sector": text[:200]})
    tiny_png = _png()
    made = powerpoint.deck_pptx(slides, lambda fig, **size: tiny_png)
    shown = Presentation(io.BytesIO(made))
    title = shown.slides[0].shapes.title.text_frame.text
    assert title == clean(slides[0].headline)  # as the deck holds it (its spaces made one), less what XML forbids
    assert holds_nothing_forbidden(title)


@pytest.mark.parametrize("kind", list(CORPUS))
def test_the_brief_prints_the_text_as_typed(kind, tables):
    text = CORPUS[kind]
    view = views.build(
        "sectors", tables, {"sector": "Education", "benchmark": "Public administration and defence"}, uploaded(text)
    )
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'
    content = escape.for_typst(brief.brief_content(view, permalink=LINK, day=date(2026, 12, 5)))
    assert all(holds_nothing_forbidden(s) for s in strings(content))
    pdf = brief.brief_pdf(view, lambda fig, fmt, **size: svg, permalink=LINK, day=date(2026, 12, 5))
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext") and kind in ("link", "typst", "markdown"):
        printed = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        assert " ".join(printed.split()).count("evil.example") >= 1  # printed as text, in words
        assert "#set page" in printed or kind != "typst"


def test_the_corpus_is_what_the_issue_names():
    assert json.dumps(CORPUS)  # every entry is text
    assert len(CORPUS["long"]) == 100_000 and XML_FORBIDDEN.search(CORPUS["forbidden"])


def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
        + chunk(b"IEND", b"")
    )
