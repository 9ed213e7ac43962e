"""The presentation deck: one chart of each page's View, in the presentation theme, and the same slides as
PowerPoint.

Pure: the tables and an address's selections in, slides and bytes out. A slide is a Chart of a
lib.views View drawn under PRESENT (large type, thick marks): the deck never builds a chart of
its own. A bad or stale selection falls back to the page's default, never raises, so a
prepared link always opens a deck.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import plotly.graph_objects as go
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from lib import charts, selections, views
from lib.selections import HEADLINE_MAX, SLIDE_NAMES, Tables

SLIDE_KEYS = tuple(SLIDE_NAMES)
# Which chart of which page each slide shows.
SLIDE_CHARTS = {
    "sector": ("sectors", "sectors-all"),
    "regularity": ("sectors", "sectors-regularity"),
    "age": ("age", "age-profile"),
    "region": ("regions", "regions-bars"),
    "councils": ("councils", "councils-timeline"),
}
WIDENED = "No council figures match the chosen regions and kinds, so every organisation is shown. "


@dataclass(frozen=True)
class Slide:
    """One chart for one screen: the headline is its title (the chart's takeaway unless edited).

    The figure is drawn on first use: a screen shows one slide, and a figure costs up to a few seconds.
    """

    key: str
    name: str
    chart: views.Chart = field(repr=False, compare=False)
    headline: str
    notes: str  # the sentence of numbers, for the speaker

    @property
    def takeaway(self) -> str:
        return self.chart.title

    @property
    def source(self) -> str:
        return self.chart.source

    @property
    def alt(self) -> str:
        return self.chart.alt

    @cached_property
    def figure(self) -> go.Figure:
        """The chart at slide size, 1920×1080, titled with the headline."""
        return self.chart.figure(charts.PRESENT, self.headline).update_layout(height=charts.IMAGE_HEIGHT)


def slide_order(requested: Sequence[str] | None, available: Sequence[str] = SLIDE_KEYS) -> list[str]:
    """The known slides in the presenter's order, each once; the whole deck when none is known."""
    order = [key for key in dict.fromkeys(requested or ()) if key in available]
    return order or list(available)


def page_views(tables: Tables, query: Mapping[str, str | Sequence[str]], pages: Sequence[str]) -> dict[str, views.View]:
    """The Views the deck's slides come from, each read from the same address."""
    return {page: views.for_query(page, tables, query) for page in dict.fromkeys(pages)}


def build_deck(
    tables: Tables,
    query: Mapping[str, str | Sequence[str]],
    *,
    order: Sequence[str] | None = None,
    headlines: Mapping[str, str | None] | None = None,
) -> list[Slide]:
    """The slides for an address: sector → regularity → age band → region → councils, as ordered.

    `query` holds the pages' URL values; `order` lists slide keys to keep, in order (unknown
    keys are ignored); `headlines` maps a slide key to the presenter's own headline (blank
    keeps the takeaway).
    """
    keys = slide_order(order)
    made = page_views(tables, query, [SLIDE_CHARTS[k][0] for k in keys])
    slides = []
    for key in keys:
        page, chart_key = SLIDE_CHARTS[key]
        view, widened = made[page], ""
        if not any(c.key == chart_key for c in view.charts):
            # A filter that leaves no organisation would make an empty slide: show them all, and say so.
            view, widened = views.build(page, tables, {**view.selections, "region": [], "kind": []}), WIDENED
        chart = view.chart(chart_key)
        headline = clean_headline((headlines or {}).get(key)) or chart.title
        slides.append(Slide(key, SLIDE_NAMES[key], chart, headline, f"{widened}{chart.notes}"))
    return slides


def clean_headline(text: str | None) -> str | None:
    """A presenter's headline as plain text on one line, or None to keep the takeaway."""
    if not isinstance(text, str):
        return None
    text = " ".join(text.split())[:HEADLINE_MAX]
    return text or None


def deck_for_query(tables: Tables, query: Mapping[str, str | Sequence[str]]) -> list[Slide]:
    """The deck an address opens in presentation mode: its order and edited headlines come from the URL too."""
    order = selections.DECK.read(query.get("deck"), tables)
    headlines = {key: selections.HEADLINES[key].read(query.get(f"headline_{key}"), tables) for key in SLIDE_KEYS}
    return build_deck(tables, query, order=order, headlines=headlines)


# PowerPoint: 16:9, 7.5 inches high; the chart fills the space between title and source line.
SLIDE_HEIGHT = Inches(7.5)
SLIDE_WIDTH = Emu(SLIDE_HEIGHT * 16 // 9)  # 13.333 in: exactly 16:9
MARGIN = Inches(0.5)
TITLE_TOP, TITLE_HEIGHT = Inches(0.25), Inches(1.45)
SOURCE_HEIGHT = Inches(0.55)
TEXT_RGB = RGBColor(0x1A, 0x1A, 0x1A)
MUTED_RGB = RGBColor(0x4D, 0x4D, 0x4D)
FONT = "Arial"  # on every PowerPoint; Impress draws it with the metric-compatible Liberation Sans
# The chart is laid out at least 1536 px wide and drawn 1920 px across, so its type comes out a
# quarter larger than on screen where it can; a tall chart (the councils' many lanes) keeps 70% of
# its own height and is drawn smaller rather than squeezing its rows into each other.
MIN_LAYOUT_WIDTH = 1536
KEEP_HEIGHT = 0.7


def title_size(text: str) -> int:
    """Title points that keep a headline within the title box: two lines at 32 pt, or three smaller.

    PowerPoint and Impress also shrink text that still overflows (the box is set to fit its text).
    """
    line_points = (SLIDE_WIDTH - 2 * MARGIN) / 12700  # EMU per point

    def fits(size: int, lines: int) -> bool:
        return len(text) <= lines * line_points / (0.6 * size)  # Arial bold: under 0.6 em a character

    if fits(32, 2):
        return 32
    return next((size for size in (28, 24) if fits(size, 3)), 20)


def chart_body(fig: go.Figure, source: str) -> go.Figure:
    """The figure without its title and source line, for a slide that carries both as text.

    The subtitle stays (it says what is measured); the top margin loses the title's lines.
    """
    body = go.Figure(fig)
    body.layout.annotations = [a for a in fig.layout.annotations if _one_line(a.text) != source]
    body.update_layout(title_text="", margin_t=max(fig.layout.margin.t - _title_px(fig), 40))
    body.update_layout(height=fig.layout.height - _title_px(fig))
    return body


def _title_px(fig: go.Figure) -> int:
    """Height of the figure's title lines, as lib.charts.finish_layout reserves it."""
    title = fig.layout.title
    lines = (title.text or "").count("<br>") + 1
    return int((title.font.size or charts.PRESENT.title_size) * 1.25 * lines)


def body_size(body: go.Figure, aspect: float) -> tuple[int, int, float]:
    """Layout width and height with the picture's aspect (width ÷ height), and the scale to 1920 px across."""
    height = max(MIN_LAYOUT_WIDTH / aspect, KEEP_HEIGHT * (body.layout.height or 0))
    width = height * aspect
    return round(width), round(height), charts.IMAGE_WIDTH / round(width)


def _one_line(text: str | None) -> str:
    """Chart text as a sentence: the chart wraps long lines with <br>."""
    return (text or "").replace("<br>", " ")


def deck_pptx(slides: Sequence[Slide], png: Callable[..., bytes]) -> bytes:
    """The deck as a .pptx: one 16:9 slide per chart, the headline as its title, the chart as a
    picture (with alt text), the source line under it and the sentence of numbers in the notes.

    `png(fig, width, height)` draws a figure (an `ImageExporter.png`), so this module starts no browser.
    """
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    layout = next(lay for lay in deck.slide_layouts if lay.name == "Title Only")
    body_top = TITLE_TOP + TITLE_HEIGHT
    body_width = SLIDE_WIDTH - 2 * MARGIN
    body_height = SLIDE_HEIGHT - body_top - SOURCE_HEIGHT - Inches(0.2)
    for slide in slides:
        page = deck.slides.add_slide(layout)
        _title(page, slide.headline)
        body = chart_body(slide.figure, slide.source)
        width, height, scale = body_size(body, body_width / body_height)
        image = png(body, width=width, height=height, scale=scale)
        picture = page.shapes.add_picture(io.BytesIO(image), MARGIN, body_top, width=body_width, height=body_height)
        picture.name = f"Chart: {slide.name}"
        picture._element.nvPicPr.cNvPr.set("descr", slide.alt)
        size = 14 if len(slide.source) <= 110 else 12  # a long citation keeps to two lines
        _text_box(page, slide.source, top=SLIDE_HEIGHT - SOURCE_HEIGHT - Inches(0.1), size=size, colour=MUTED_RGB)
        page.notes_slide.notes_text_frame.text = slide.notes
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _title(page, text: str) -> None:
    title = page.shapes.title
    title.left, title.top, title.width, title.height = MARGIN, TITLE_TOP, SLIDE_WIDTH - 2 * MARGIN, TITLE_HEIGHT
    frame = title.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.TOP
    frame.margin_top = frame.margin_bottom = 0
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    frame.text = text
    for paragraph in frame.paragraphs:
        paragraph.alignment = PP_ALIGN.LEFT
        for run in paragraph.runs:
            run.font.name = FONT
            run.font.size = Pt(title_size(text))
            run.font.bold = True
            run.font.color.rgb = TEXT_RGB


def _text_box(page, text: str, *, top: Emu, size: int, colour: RGBColor) -> None:
    box = page.shapes.add_textbox(MARGIN, top, SLIDE_WIDTH - 2 * MARGIN, SOURCE_HEIGHT)
    box.name = "Source"
    frame = box.text_frame
    frame.word_wrap = True
    frame.text = text
    for run in frame.paragraphs[0].runs:
        run.font.name = FONT
        run.font.size = Pt(size)
        run.font.color.rgb = colour
