"""The presentation deck: slides built from the user's own selections, and the same slides as PowerPoint.

Pure: the tidy tables and the selections (the pages' URL values) in, slides and bytes
out. A bad or stale selection falls back to the page's default, never raises, so a
prepared link always opens a deck. Figures use the PRESENT theme: large type, thick marks.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd
import plotly.graph_objects as go
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from lib import charts, compare, council_charts, councils
from lib.data import KINDS, MEASURES

SLIDE_NAMES = {
    "sector": "Your sector against the benchmark",
    "regularity": "How regular homeworking was",
    "age": "Your age band",
    "region": "Your region",
    "councils": "The councils timeline",
}
SLIDE_KEYS = tuple(SLIDE_NAMES)
HEADLINE_MAX = 200  # characters: a headline is a sentence, not a paragraph


@dataclass(frozen=True)
class Slide:
    """One chart for one screen: the headline is its title (the generated takeaway unless edited).

    The figure is drawn on first use: a screen shows one slide, and a figure costs up to a few seconds.
    """

    key: str
    name: str
    takeaway: str
    headline: str
    source: str
    notes: str  # the sentence of numbers, for the speaker
    alt: str
    build: Callable[[str], go.Figure] = field(repr=False, compare=False)

    @cached_property
    def figure(self) -> go.Figure:
        """The chart at slide size, 1920×1080, titled with the headline (escaped: Plotly reads HTML)."""
        return self.build(_escape(self.headline)).update_layout(height=charts.IMAGE_HEIGHT)


def resolve(hw: pd.DataFrame, selections: Mapping[str, str | list[str]]) -> dict[str, str]:
    """The single-choice selections, each missing, bad or stale value replaced by its page's default.

    `region` may be a list (the Councils page chooses several): the Regions slide takes its first valid one.
    """
    sectors = compare.categories(hw, "sector")
    bands = compare.categories(hw, "age")
    regions = _region_names(hw)
    allowed = {
        "sector": sectors,
        "benchmark": [compare.UK_OPTION, *sectors],
        "band": bands,
        "vs": [compare.UK_OPTION, *bands],
        "region": list(regions),
        "other": [compare.UK_OPTION, *regions],
    }
    return {
        key: next((v for v in _values(selections.get(key)) if v in options), compare.DEFAULT_SELECTIONS[key])
        for key, options in allowed.items()
    }


def _values(value: str | list[str] | None) -> list[str]:
    """A URL value as a list: one key may appear once, many times, or not at all."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)]


def slide_order(requested: Sequence[str] | None, available: Sequence[str] = SLIDE_KEYS) -> list[str]:
    """The known slides in the presenter's order, each once; the whole deck when none is known."""
    order = [key for key in dict.fromkeys(requested or ()) if key in available]
    return order or list(available)


def build_deck(
    hw: pd.DataFrame,
    council_figures: pd.DataFrame,
    selections: Mapping[str, str | list[str]],
    *,
    order: Sequence[str] | None = None,
    headlines: Mapping[str, str] | None = None,
    theme: charts.Theme = charts.PRESENT,
) -> list[Slide]:
    """The slides for these selections: sector → regularity → age band → region → councils, as ordered.

    `selections` are the pages' URL values; `order` lists slide keys to keep, in order
    (unknown keys are ignored); `headlines` maps a slide key to the presenter's own
    headline (blank keeps the takeaway).
    """
    chosen = resolve(hw, selections)
    builders = {
        "sector": lambda edit: _sector_slide(hw, chosen, theme, edit),
        "regularity": lambda edit: _regularity_slide(hw, chosen, theme, edit),
        "age": lambda edit: _age_slide(hw, chosen, theme, edit),
        "region": lambda edit: _region_slide(hw, chosen, theme, edit),
        "councils": lambda edit: _councils_slide(council_figures, hw, selections, theme, edit),
    }
    return [builders[key]((headlines or {}).get(key)) for key in slide_order(order, tuple(builders))]


def clean_headline(text: str | None) -> str | None:
    """A presenter's headline as plain text on one line, or None to keep the takeaway."""
    if not isinstance(text, str):
        return None
    text = " ".join(text.split())[:HEADLINE_MAX]
    return text or None


def _slide(
    key: str,
    takeaway: str,
    headline: str | None,
    build: Callable[[str], go.Figure],
    *,
    notes: str,
    alt: str,
    source: str | None = None,
) -> Slide:
    """A slide whose title is the presenter's headline, or the takeaway when they have not written one."""
    return Slide(
        key=key,
        name=SLIDE_NAMES[key],
        takeaway=takeaway,
        headline=clean_headline(headline) or takeaway,
        source=source or charts.source_note(),
        notes=notes,
        alt=alt,
        build=build,
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _uk(hw: pd.DataFrame) -> dict[str, float]:
    return {m: compare.percent_of(hw, *compare.UK, m) for m in MEASURES}


def _sector_comparison(hw: pd.DataFrame, chosen: dict[str, str]) -> compare.Comparison:
    return compare.compare_with(hw, "sector", chosen["sector"], chosen["benchmark"])


def _sector_slide(hw, chosen, theme, headline) -> Slide:
    c = _sector_comparison(hw, chosen)
    benchmark = None if chosen["benchmark"] == compare.UK_OPTION else chosen["benchmark"]
    return _slide(
        "sector",
        c.headline(),
        headline,
        lambda title: charts.category_bars(
            hw[hw["breakdown"] == "sector"],
            title=title,
            subtitle="Homeworking by sector, UK, 2019 · % of people in employment · dashed line: UK",
            yours=chosen["sector"],
            benchmark=benchmark,
            reference=_uk(hw),
            theme=theme,
        ),
        notes=c.sentence(),
        alt=f"Bar chart of homeworking in ten sectors on two measures, {chosen['sector']} highlighted. {c.headline()}.",
    )


def regularity_takeaway(c: compare.Comparison) -> str:
    """'33% of education staff who had ever worked from home had also done so in the week before, against 47% …'."""
    return (
        f"{c.yours_regularity:.0f}% of {c.yours_noun} who had ever worked from home had also done so in the "
        f"week before interview, against {c.benchmark_regularity:.0f}% of {c.benchmark_noun}"
    )


def regularity_notes(c: compare.Comparison) -> str:
    """The arithmetic behind the regularity shares, in words, for the speaker."""
    week, ever = c.measures["week_prior"], c.measures["ever"]
    noun = c.yours_noun[:1].upper() + c.yours_noun[1:]
    return (
        f"Regularity is derived: the week-before share divided by the ever share. {noun}: "
        f"{week.yours:.1f}% ÷ {ever.yours:.1f}% = {c.yours_regularity:.0f}%. {c.benchmark_noun[:1].upper()}"
        f"{c.benchmark_noun[1:]}: {week.benchmark:.1f}% ÷ {ever.benchmark:.1f}% = {c.benchmark_regularity:.0f}%. "
        f"A high share means homeworking there was a habit, not a one-off."
    )


def _regularity_slide(hw, chosen, theme, headline) -> Slide:
    c = _sector_comparison(hw, chosen)
    benchmark = None if chosen["benchmark"] == compare.UK_OPTION else chosen["benchmark"]
    uk = _uk(hw)
    takeaway = regularity_takeaway(c)
    return _slide(
        "regularity",
        takeaway,
        headline,
        lambda title: charts.regularity_bars(
            hw[hw["breakdown"] == "sector"],
            title=title,
            subtitle="Regularity of homeworking by sector, UK, 2019 · week-before share ÷ ever share (derived) "
            "· dashed line: UK",
            yours=chosen["sector"],
            benchmark=benchmark,
            reference=compare.regularity(uk["week_prior"], uk["ever"]),
            theme=theme,
        ),
        notes=regularity_notes(c),
        alt=f"Bar chart of the share of ever-homeworkers who also worked from home in the week before, ten "
        f"sectors, {chosen['sector']} highlighted. {takeaway}.",
    )


def _age_slide(hw, chosen, theme, headline) -> Slide:
    band, versus = chosen["band"], chosen["vs"]
    c = compare.compare_with(hw, "age", band, versus)
    shape = compare.describe_profile(hw, "age", "week_prior")
    return _slide(
        "age",
        c.headline(),
        headline,
        lambda title: charts.profile_chart(
            hw[hw["breakdown"] == "age"],
            title=title,
            subtitle="Homeworking by age of worker, UK, 2019 · dotted lines: UK, all in employment",
            highlight=(band,),
            compare_with=None if versus == compare.UK_OPTION else versus,
            reference=_uk(hw),
            theme=theme,
        ),
        notes=f"{c.sentence()} {shape}",
        alt=f"Line chart of homeworking by age band on two measures, {band} highlighted. {shape}",
    )


def _region_names(hw: pd.DataFrame) -> dict[str, str]:
    """Official region name (the Regions page's URL value) → the source's category label."""
    rows = hw[hw["breakdown"] == "region"].drop_duplicates("category").sort_values("order")
    return dict(zip(rows["official_name"], rows["category"], strict=True))


def _region_slide(hw, chosen, theme, headline) -> Slide:
    category_of = _region_names(hw)
    region, other = category_of[chosen["region"]], chosen["other"]
    c = compare.compare_with(hw, "region", region, category_of.get(other, other))
    return _slide(
        "region",
        c.headline(),
        headline,
        lambda title: charts.category_bars(
            hw[hw["breakdown"] == "region"],
            title=title,
            subtitle="Homeworking by region of workplace, UK, 2019 · % of people in employment · dashed line: UK",
            yours=region,
            benchmark=None if other == compare.UK_OPTION else category_of[other],
            reference=_uk(hw),
            theme=theme,
        ),
        notes=c.sentence(),
        alt=f"Bar chart of the twelve UK regions and nations on two measures, {chosen['region']} highlighted. "
        f"{c.headline()}.",
    )


def council_choices(council_figures: pd.DataFrame, hw: pd.DataFrame, selections: Mapping) -> dict:
    """The Councils page's filters from the URL: known regions and kinds only, and a known organisation."""
    organisations = set(council_figures.loc[council_figures["kind"] != councils.CONTEXT_KIND, "organisation"])
    org = next((v for v in _values(selections.get("org")) if v in organisations), None)
    return {
        "regions": [r for r in _values(selections.get("region")) if r in _region_names(hw)],
        "kinds": [k for k in _values(selections.get("kind")) if k in KINDS and k != councils.CONTEXT_KIND],
        "org": org,
    }


def _councils_slide(council_figures, hw, selections, theme, headline) -> Slide:
    choice = council_choices(council_figures, hw, selections)
    selected = councils.filter_figures(council_figures, regions=choice["regions"], kinds=choice["kinds"])
    widened = ""
    if (selected["kind"] != councils.CONTEXT_KIND).sum() == 0:
        # A filter that leaves no organisation would make an empty slide: show them all, and say so.
        widened = "No council figures match the chosen regions and kinds, so every organisation is shown. "
        selected = council_figures
    items = councils.timeline_items(selected)
    rollout = selected[selected["kind"] != councils.CONTEXT_KIND]
    takeaway = councils.timeline_takeaway(items)
    shown = slide_lanes(items, choice["org"])
    left_out = rollout["organisation"].nunique() - shown["organisation"].nunique() + 1  # +1: the context lane
    subtitle = "Organisations with a dated figure, spring 2020 · dates as precise as the source gives them"
    if left_out:
        who = "organisation gives" if left_out == 1 else "organisations give"
        subtitle += f" · {left_out} more {who} no date or only 'before the pandemic' (Councils page)"
    source = charts.source_note(council_charts.COUNCIL_SOURCE)
    notes = f"{widened}{takeaway}. {councils.rate_takeaway(councils.implied_rates(rollout))}."
    return _slide(
        "councils",
        takeaway,
        headline,
        lambda title: council_charts.rollout_timeline(
            shown,
            title=title,
            subtitle=subtitle,
            highlight=choice["org"],
            source=source,
            theme=theme,
        ),
        notes=notes,
        alt=f"Timeline of rollout figures, one lane per organisation with a dated figure, with the 23 March 2020 "
        f"instruction as a line{', ' + choice['org'] + ' highlighted' if choice['org'] else ''}. {takeaway}.",
        source=source,
    )


def slide_lanes(items: pd.DataFrame, org: str | None) -> pd.DataFrame:
    """A slide's timeline keeps the lanes with a dated figure, and the presenter's own: a screen holds
    about eight lanes at presentation size, and the undated ones are listed on the Councils page."""
    dated = set(items.loc[items["panel"] == councils.DATED, "organisation"])
    keep = items["organisation"].isin(dated | {org}) | (items["panel"] == "context")
    return items[keep] if dated else items


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
