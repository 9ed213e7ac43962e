"""The deck as PowerPoint: one 16:9 slide per chart, the headline as its title, the chart as a picture (with
alt text), the source line under it, and in the notes the sentence of numbers and the chart's table as text.

Its own module so that python-pptx loads only when a deck is downloaded, not with every page.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

import plotly.graph_objects as go
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from lib import charts
from lib.charts import chart_body
from lib.charts.layout import title_height
from lib.charts.sizing import for_size
from lib.escape import for_xml
from lib.render import cells
from lib.views.deck import Slide

# PowerPoint: 16:9, 7.5 inches high; the chart fills the space between title and source line.
SLIDE_HEIGHT = Inches(7.5)
SLIDE_WIDTH = Emu(SLIDE_HEIGHT * 16 // 9)  # 13.333 in: exactly 16:9
MARGIN = Inches(0.5)
TITLE_TOP, TITLE_HEIGHT = Inches(0.25), Inches(1.45)
SOURCE_HEIGHT = Inches(0.55)
BODY_TOP = TITLE_TOP + TITLE_HEIGHT  # the chart's picture, between the title and the source line
BODY_WIDTH = SLIDE_WIDTH - 2 * MARGIN
BODY_HEIGHT = SLIDE_HEIGHT - BODY_TOP - SOURCE_HEIGHT - Inches(0.2)
BODY_ASPECT = BODY_WIDTH / BODY_HEIGHT
TEXT_RGB = RGBColor(0x1A, 0x1A, 0x1A)
MUTED_RGB = RGBColor(0x4D, 0x4D, 0x4D)
FONT = "Arial"  # on every PowerPoint; Impress draws it with the metric-compatible Liberation Sans
# The chart is drawn for a frame 1920 px wide with the picture's aspect, as presentation mode draws a slide: the
# same type on the same width. What does not fit the frame gives up spare room, then type, then rows (the
# timeline's lanes) (lib.charts.sizing.fit), never squeezed onto itself.
LAYOUT_WIDTH = charts.IMAGE_WIDTH


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


def body_figure(slide: Slide, aspect: float) -> tuple[go.Figure, int, int, float]:
    """The slide's chart without its title and source line (the slide carries both as text), drawn for the
    picture's frame (aspect: width ÷ height); with its layout width, height and the scale to 1920 px across."""
    width, height = LAYOUT_WIDTH, round(LAYOUT_WIDTH / aspect)
    # The frame holds the title too, until chart_body takes it off: the chart's body keeps the picture's height.
    titled = for_size(charts.PRESENT, width)
    frame = for_size(charts.PRESENT, width, height + title_height(slide.headline, titled))
    body = chart_body(slide.chart.figure(frame, slide.headline), slide.source)
    # A title drawn in smaller type (to fit) took less than reckoned: the plot keeps its px, the top gives way.
    extra = body.layout.height - height
    body.layout.margin.t = max(body.layout.margin.t - extra, 0)
    body.layout.height = height
    return body, width, height, charts.IMAGE_WIDTH / width


def deck_pptx(slides: Sequence[Slide], png: Callable[..., bytes]) -> bytes:
    """The deck as a .pptx: one 16:9 slide per chart, the headline as its title, the chart as a
    picture (with alt text), the source line under it, and the sentence of numbers and the chart's table in the notes.

    `png(fig, width, height)` draws a figure (an `ImageExporter.png`), so this module starts no browser.
    """
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    layout = next(lay for lay in deck.slide_layouts if lay.name == "Title Only")
    for slide in slides:
        page = deck.slides.add_slide(layout)
        _title(page, slide.headline)
        body, width, height, scale = body_figure(slide, BODY_ASPECT)
        image = png(body, width=width, height=height, scale=scale)
        picture = page.shapes.add_picture(io.BytesIO(image), MARGIN, BODY_TOP, width=BODY_WIDTH, height=BODY_HEIGHT)
        picture.name = f"Chart: {slide.name}"
        picture._element.nvPicPr.cNvPr.set("descr", for_xml(slide.alt))
        size = 14 if len(slide.source) <= 110 else 12  # a long citation keeps to two lines
        _text_box(page, slide.source, top=Emu(SLIDE_HEIGHT - SOURCE_HEIGHT - Inches(0.1)), size=size, colour=MUTED_RGB)
        page.notes_slide.notes_text_frame.text = for_xml(speaker_notes(slide))
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def speaker_notes(slide: Slide) -> str:
    """The sentence of numbers, then the chart's table as text, a row a line: the figures the picture shows, for a
    speaker, and for anyone who reads the deck with a screen reader."""
    headings = ", ".join(cells.labels(slide.chart))
    return f"{slide.notes}\n\nThe chart's figures ({headings}):\n{cells.as_sentences(slide.chart)}"


def _title(page, text: str) -> None:
    title = page.shapes.title
    title.left, title.top, title.width, title.height = MARGIN, TITLE_TOP, SLIDE_WIDTH - 2 * MARGIN, TITLE_HEIGHT
    frame = title.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.TOP
    frame.margin_top = frame.margin_bottom = 0
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    frame.text = text = for_xml(text)
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
    frame.text = for_xml(text)
    for run in frame.paragraphs[0].runs:
        run.font.name = FONT
        run.font.size = Pt(size)
        run.font.color.rgb = colour
