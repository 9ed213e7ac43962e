"""The deck: slides from the user's selections, in their order, and the same slides as PowerPoint.

Expected figures are the source's (Socitm In Our View 19, ONS APS 2019) and issue 3's worked example.
"""

import io
import os
import shutil
import struct
import subprocess
import sys
import zlib

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from lib import charts, compare
from lib.data import load_councils, load_homeworking
from lib.render import powerpoint
from lib.render.images import ImageExporter, find_browser
from lib.selections import Tables
from lib.views import deck

FINANCE = "Financial and insurance"
PUBLIC_ADMIN = "Public administration and defence"


@pytest.fixture(scope="module")
def tables():
    return Tables(load_homeworking(), load_councils())


@pytest.fixture(scope="module")
def finance_deck(tables):
    return deck.build_deck(tables, {"sector": FINANCE, "benchmark": PUBLIC_ADMIN})


def by_key(slides):
    return {s.key: s for s in slides}


def figure_texts(fig):
    """The figure's annotations as sentences (long lines are wrapped with <br>)."""
    return [(a.text or "").replace("<br>", " ") for a in fig.layout.annotations]


def bar_colours(fig, trace=0):
    bars = fig.data[trace]
    return dict(zip(bars.y, bars.marker.color, strict=True))


def test_default_deck_runs_sector_regularity_age_region_councils(finance_deck):
    assert [s.key for s in finance_deck] == ["sector", "regularity", "age", "region", "councils"]


def test_sector_slide_states_the_comparison_in_the_title_and_the_numbers_in_the_notes(finance_deck):
    slide = by_key(finance_deck)["sector"]
    assert slide.headline == slide.takeaway
    assert slide.headline.startswith("Financial and insurance staff were 1.7× as likely as public administration")
    assert "+9.1 points" in slide.notes and "+9.5 points" in slide.notes and "1.7×" in slide.notes
    assert "22.8%" in slide.notes and "13.7%" in slide.notes
    colours = bar_colours(slide.figure)
    assert colours[FINANCE] == charts.YOURS and colours[PUBLIC_ADMIN] == charts.BENCHMARK
    assert slide.source == charts.source_note()
    assert charts.source_note() in figure_texts(slide.figure)


def test_regularity_slide_divides_week_by_ever(finance_deck):
    slide = by_key(finance_deck)["regularity"]
    finance, public_admin = round(22.8 / 38.9 * 100), round(13.7 / 29.4 * 100)  # printed figures, by hand
    assert slide.headline.startswith(f"{finance}% of financial and insurance staff who had ever worked from home")
    assert f"against {public_admin}% of public administration and defence staff" in slide.headline
    assert "22.8% ÷ 38.9%" in slide.notes and "13.7% ÷ 29.4%" in slide.notes
    bars = slide.figure.data[0]
    shares = dict(zip(bars.y, bars.x, strict=True))
    assert shares[FINANCE] == pytest.approx(22.8 / 38.9 * 100)
    assert bar_colours(slide.figure)[FINANCE] == charts.YOURS
    assert "(derived)" in slide.figure.layout.xaxis.title.text


def test_age_and_region_slides_highlight_the_selection(tables):
    slides = by_key(deck.build_deck(tables, {"band": "70 and over", "region": "Wales", "other": "Scotland"}))
    age = slides["age"]
    assert "24.7%" in age.notes  # 70 and over: the highest week-before share of any band
    assert [t.marker.color for t in age.figure.data if t.name == "70 and over"] == [charts.YOURS, charts.YOURS]
    region = slides["region"]
    assert "10.0%" in region.notes and "8.5%" in region.notes  # Wales and Scotland, week before
    colours = bar_colours(region.figure)
    assert colours["Wales"] == charts.YOURS and colours["Scotland"] == charts.BENCHMARK


def test_councils_slide_filters_like_the_councils_page_and_highlights_the_organisation(tables):
    selections = {"org": "Norfolk County Council", "region": ["East of England", "Wales"], "kind": ["county council"]}
    slide = deck.build_deck(tables, selections, order=["councils"])[0]
    lanes = slide.figure.layout.yaxis.ticktext
    assert "<b>Norfolk County Council</b> (yours)" in lanes
    assert "Welsh Government" not in lanes  # not a county council
    # Hertfordshire (a county council in the East of England) gives no date: named in the subtitle, not drawn.
    assert "Hertfordshire County Council" not in lanes
    subtitle = slide.figure.layout.title.subtitle.text.replace("<br>", " ")
    assert "1 more organisation with no date or only 'before the pandemic' on the Councils page" in subtitle
    assert charts.YOURS in str([t.marker.color for t in slide.figure.data])
    assert "Socitm In Our View issue 19" in slide.source and slide.source in figure_texts(slide.figure)
    assert slide.headline.startswith("Norfolk County Council: more than 5,000 staff working from home in late March")


def test_councils_slide_keeps_dated_lanes_and_the_presenters_own(tables):
    slide = deck.build_deck(tables, {"org": "Croydon Council"}, order=["councils"])[0]
    lanes = [lane.replace("<b>", "").replace("</b>", "") for lane in slide.figure.layout.yaxis.ticktext]
    # In the source, these give a date (a month, weeks, or 'by' a date); Croydon gives none but is yours. The slide
    # holds the dated lanes that fit its 1080 px at a label line a row, in the timeline's order, and says how many
    # more the Councils page has.
    lanes = [lane.replace("<br>", " ") for lane in lanes]
    dated = [
        "Norfolk County Council",
        "Libraries Connected",
        "Cantium Business Solutions",
        "Department for Work and Pensions",
        "Dudley Council",
    ]
    shown = [lane for lane in lanes if lane in dated]
    assert shown == [lane for lane in dated if lane in shown] and len(shown) == len(dated) - 1  # in order, one out
    assert "Croydon Council (yours)" in lanes
    subtitle = slide.figure.layout.title.subtitle.text.replace("<br>", " ")
    # One note counts both: the lane that does not fit and the ten undated organisations (Croydon's own is drawn).
    assert "11 more organisations on the Councils page (10 with no date or only 'before the pandemic')" in subtitle
    assert subtitle.count("Councils page") == 1
    assert "Wiltshire Council" not in lanes
    assert slide.headline.startswith("Croydon Council: more than 500 online applications")  # the presenter's own
    whole = deck.build_deck(tables, {}, order=["councils"])[0]
    assert "7 of the 13 dated figures" in whole.headline  # without one, the takeaway counts every figure


def test_councils_slide_ignores_unknown_filters_and_never_comes_out_empty(tables):
    slide = deck.build_deck(tables, {"org": "<b>Nowhere</b>", "kind": ["spaceship"]}, order=["councils"])[0]
    lanes = slide.figure.layout.yaxis.ticktext
    assert "Norfolk County Council" in lanes and not any("(yours)" in lane for lane in lanes)
    empty = deck.build_deck(tables, {"region": "London", "kind": "county council"}, order=["councils"])[0]
    said = "The sources report no London county council; all organisations shown"
    assert empty.notice == said and empty.notes.startswith(said)
    assert empty.figure.layout.title.subtitle.text.replace("<br>", " ").startswith(said)  # on the slide itself
    assert len(empty.figure.layout.yaxis.ticktext) > 1


def test_uk_benchmark_compares_with_all_in_employment(tables):
    slides = by_key(deck.build_deck(tables, {"sector": "Education", "benchmark": compare.UK_OPTION}))
    assert "all workers in the UK" in slides["sector"].headline
    assert "12.4%" in slides["sector"].notes
    assert charts.BENCHMARK not in bar_colours(slides["sector"].figure).values()


@pytest.mark.parametrize(
    "bad",
    [
        {"sector": "<script>alert(1)</script>", "benchmark": "Nothing", "band": "200 yrs", "region": "Atlantis"},
        {"vs": "", "other": "E12000007", "sector": "education"},
    ],
)
def test_bad_or_stale_selections_fall_back_to_the_pages_defaults(tables, bad):
    slides = by_key(deck.build_deck(tables, bad))
    assert slides["sector"].headline.startswith("Education staff")
    assert "public administration and defence staff" in slides["sector"].headline
    assert slides["age"].headline.startswith("Workers aged 45-49")
    assert slides["region"].headline.startswith("Workers in London")


def test_presenter_drops_and_reorders_slides(tables):
    slides = deck.build_deck(tables, {}, order=["region", "nonsense", "sector", "region"])
    assert [s.key for s in slides] == ["region", "sector"]
    without_uploads = [key for key in deck.SLIDE_KEYS if key != "change"]  # the change slide needs your figures
    assert [s.key for s in deck.build_deck(tables, {}, order=["nonsense"])] == without_uploads


def test_edited_headline_is_the_title_and_is_shown_as_text(tables):
    edits = {"sector": "  Our <b>own</b>\n headline  ", "age": " "}
    slides = by_key(deck.build_deck(tables, {}, headlines=edits))
    sector = slides["sector"]
    assert sector.headline == "Our <b>own</b> headline"
    assert sector.takeaway.startswith("Education staff")
    assert "Our &lt;b&gt;own&lt;/b&gt; headline" in sector.figure.layout.title.text
    assert slides["age"].headline == slides["age"].takeaway  # a blank edit keeps the takeaway


def test_slides_use_presentation_type_sizes(finance_deck):
    for slide in finance_deck:
        layout = slide.figure.layout
        assert layout.title.font.size >= 28, slide.key
        ticks = [axis.tickfont.size for axis in (layout.xaxis, layout.yaxis) if axis.tickfont.size]
        assert ticks and min(ticks) >= 18, slide.key


def tiny_png(width: int = 16, height: int = 9) -> bytes:
    """A valid grey PNG built by hand (PNG spec): stands in for Chromium where only the layout is tested."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def read_back(pptx: bytes):
    return Presentation(io.BytesIO(pptx))


def test_pptx_has_one_16_9_slide_per_chart_with_picture_title_source_and_notes(finance_deck):
    drawn = []

    def fake_png(fig, **size):
        drawn.append((fig, size))
        return tiny_png()

    pres = read_back(powerpoint.deck_pptx(finance_deck, fake_png))
    assert pres.slide_width * 9 == pres.slide_height * 16
    assert len(pres.slides) == len(finance_deck) == len(drawn)
    for page, slide in zip(pres.slides, finance_deck, strict=True):
        assert page.shapes.title.text_frame.text == slide.headline
        pictures = [s for s in page.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1
        assert pictures[0]._element.nvPicPr.cNvPr.get("descr") == slide.alt
        texts = [s.text_frame.text for s in page.shapes if s.has_text_frame]
        assert slide.source in texts
        assert page.notes_slide.notes_text_frame.text.startswith(slide.notes)
    # The picture leaves the title and source line to the slide's own text, so neither appears twice.
    for fig, _ in drawn:
        assert not fig.layout.title.text
        assert not [text for text in figure_texts(fig) if text.startswith("Source:")]


def test_pptx_notes_carry_the_sentence_of_numbers(finance_deck):
    pres = read_back(powerpoint.deck_pptx(finance_deck[:1], lambda fig, **size: tiny_png()))
    notes = pres.slides[0].notes_slide.notes_text_frame.text
    assert "+9.1 points" in notes and "1.7×" in notes


def test_pptx_notes_carry_each_charts_table_as_text_a_row_a_line(finance_deck):
    pres = read_back(powerpoint.deck_pptx(finance_deck, lambda fig, **size: tiny_png()))
    for page, slide in zip(pres.slides, finance_deck, strict=True):
        notes = page.notes_slide.notes_text_frame.text
        lines = notes.split("\n")
        table = slide.chart.table
        first = table.columns[0]
        for category in table[first]:  # every row of the chart's table, on a line that starts with its name
            assert any(line.startswith(f"{category};") for line in lines), (slide.key, category)
        if slide.key == "sector":  # the printed figures (ONS APS 2019, as reprinted in Socitm issue 19)
            assert "Financial and insurance; Week before interview (%): 22.8%; Ever (%): 38.9%" in lines
            assert "Public administration and defence; Week before interview (%): 13.7%; Ever (%): 29.4%" in lines


def test_pptx_every_slide_has_a_title_and_every_picture_alt_text(tables):
    slides = deck.build_deck(tables, {"org": "Norfolk County Council"}, headlines={"age": "   "})
    pres = read_back(powerpoint.deck_pptx(slides, lambda fig, **size: tiny_png()))
    for page, slide in zip(pres.slides, slides, strict=True):
        assert page.shapes.title is not None and page.shapes.title.text_frame.text.strip() == slide.headline
        assert slide.headline  # a blank presenter's headline keeps the takeaway
        for picture in (s for s in page.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE):
            assert picture._element.nvPicPr.cNvPr.get("descr") == slide.alt and len(slide.alt) > 40


def test_pptx_pictures_are_real_charts_at_1920_px(finance_deck):
    if find_browser() is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1 but no Chromium for kaleido")
        pytest.skip("no Chromium for kaleido (apt-get install -y chromium)")
    with ImageExporter() as exporter:
        pres = read_back(powerpoint.deck_pptx(finance_deck, exporter.png))
    for page in pres.slides:
        picture = next(s for s in page.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE)
        assert picture.image.content_type == "image/png"
        assert picture.image.size[0] == 1920


def test_libreoffice_impress_opens_the_exported_deck(tmp_path):
    """scripts/check_deck.py: export, convert with Impress, render page 1; the PDF carries the headline."""
    missing = [tool for tool in ("libreoffice", "pdftoppm", "pdftotext") if shutil.which(tool) is None]
    if find_browser() is None:
        missing.append("chromium")
    if missing:
        reason = f"missing {', '.join(missing)} (apt-get install -y libreoffice-impress poppler-utils chromium)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    run = subprocess.run(
        [sys.executable, "scripts/check_deck.py", "--out", str(tmp_path), "--page", "1", f"sector={FINANCE}"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    text = subprocess.run(["pdftotext", str(tmp_path / "deck.pdf"), "-"], capture_output=True, text=True).stdout
    assert text.count("Source: ") == len(deck.SLIDE_KEYS) - 1  # one source line a slide (no uploads: no change)
    assert "Source: Socitm In Our View issue 19" in text  # the councils slide cites its own sources
    assert "Financial and insurance staff were 1.7× as likely" in " ".join(text.split())
    page = (tmp_path / "page-1.png").read_bytes()
    width, height = struct.unpack(">II", page[16:24])
    assert round(width / height, 2) == round(16 / 9, 2)


def test_every_slide_is_laid_out_1080_px_tall(finance_deck):
    assert {slide.figure.layout.height for slide in finance_deck} == {1080}


def test_your_figures_add_the_change_slide_after_the_sector(tables):
    import pandas as pd

    mine = pd.DataFrame(
        {
            "breakdown": ["sector", "sector"],
            "category": ["Education", "Manufacturing"],
            "measure": ["week_prior", "week_prior"],
            "percent": [40.0, 9.3],
            "source": ["Our staff survey 2021"] * 2,
        }
    )
    slides = by_key(deck.build_deck(tables, {"sector": "Education"}, user_rows=mine))
    assert list(slides)[:3] == ["sector", "change", "regularity"]
    change = slides["change"]
    assert change.headline.startswith("Education: 40.0% worked from home in the week before interview")
    assert "up 27.2 points" in change.headline  # 40.0 against the printed 12.8
    assert "Manufacturing: 9.3%" in change.notes and "unchanged" in change.notes
    assert slides["sector"].headline.startswith("Education staff")  # the bars' own takeaway: the 2019 comparison
    assert [t.name for t in change.figure.data if t.showlegend] == ["ONS 2019", "Your data: Our staff survey 2021"]


def test_a_region_with_no_council_is_named_on_the_slide_and_every_organisation_is_shown(tables):
    figures = tables.councils
    assert not (figures["region"] == "North West").any()  # the sources: no North West body
    slide = deck.build_deck(tables, {"region": "North West"}, order=["councils"])[0]
    assert slide.notice == "The sources report no North West council or public body; all organisations shown"
    assert slide.notice in slide.figure.layout.title.subtitle.text.replace("<br>", " ")
    assert not deck.build_deck(tables, {"region": "East of England"}, order=["councils"])[0].notice


def test_the_deck_of_a_session_holds_the_pages_visited_the_presented_one_first():
    assert deck.visited_order(["overview", "regions"], "regions") == ["region"]
    assert deck.visited_order(["overview", "sectors", "age", "regions"], "age") == [
        "age",
        "sector",
        "regularity",
        "region",
    ]
    assert deck.visited_order(["overview", "explore"], "explore") is None  # no slides: the whole deck
    # With uploaded figures, their change follows the first page that draws it.
    assert deck.visited_order(["regions"], "regions", with_change=True) == ["region", "change"]
    assert deck.visited_order(["sectors"], "sectors", with_change=True) == ["sector", "change", "regularity"]
    assert deck.visited_order(["councils"], "councils", with_change=True) == ["councils"]


def test_presentation_opens_on_the_slide_of_the_page_it_came_from():
    assert deck.start_slide(list(deck.SLIDE_KEYS), "regions") == deck.SLIDE_KEYS.index("region") + 1
    assert deck.start_slide(["age", "sector", "regularity"], "sectors") == 2
    assert deck.start_slide(["age"], "regions") == 1  # not in the deck: the first slide
    assert deck.start_slide(["age"], "overview") == 1
