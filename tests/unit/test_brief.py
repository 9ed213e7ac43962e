"""The brief, on a brief of every page (default and chosen views, with and without uploaded figures): PDF/UA-1 and
PDF/A-2a by an independent checker (page, from PyPI) and by reading its structure (pikepdf); no word under 7 pt on
paper (pdftotext -bbox-layout); what it says (pdftotext); and how it looks (pdftoppm →
tests/browser/screenshots/brief-*.png, to open and judge)."""

import io
import json
import subprocess
import zlib
from datetime import date
from pathlib import Path

import page as pdf_validator
import pandas as pd
import pikepdf
import pytest
import typst

from lib import data, views
from lib.charts import PRINT
from lib.render import brief, renderer
from lib.selections import Tables
from lib.uploads.parse import read_upload
from tests import pdf_checks
from tests.browser.conftest import SCREENSHOTS
from tests.unit.conftest import require_browser

DAY = date(2026, 12, 1)
UPLOAD = Path("tests/fixtures/uploads/good_survey.csv")
# name → (page, query, with the upload fixture's figures): every page's default view, a chosen view of each, and
# each page that draws uploaded figures with them.
CASES = {
    "overview": ("overview", (), False),
    "sectors": ("sectors", (), False),
    "age": ("age", (), False),
    "regions": ("regions", (), False),
    "councils": ("councils", (), False),
    "explore": ("explore", (), False),
    "sectors-chosen": ("sectors", (("sector", "Financial and insurance"),), False),
    "age-chosen": ("age", (("band", "70 and over"),), False),
    "regions-chosen": ("regions", (("region", "Wales"), ("other", "Scotland")), False),
    "councils-chosen": ("councils", (("org", "Norfolk County Council"),), False),
    "explore-chosen": ("explore", (("breakdown", "region"),), False),
    "sectors-uploaded": ("sectors", (("sector", "Education"),), True),
    "age-uploaded": ("age", (), True),
    "regions-uploaded": ("regions", (), True),
    "explore-uploaded": ("explore", (), True),
}


@pytest.fixture(scope="module")
def tables():
    return Tables(data.load_homeworking(), data.load_councils())


@pytest.fixture(scope="module")
def briefs(tables, tmp_path_factory):
    """Each case's View and brief, drawn once for every test that reads it."""
    require_browser("pdftotext", "pdfinfo", "pdffonts", "pdftoppm")
    from lib.render.images import shared_exporter

    mine = read_upload(UPLOAD.read_bytes(), UPLOAD.name, "Our staff survey 2021", reference=tables.homeworking).rows
    folder = tmp_path_factory.mktemp("briefs")
    made = {}

    def get(name: str):
        if name not in made:
            page, query, uploaded = CASES[name]
            shown = views.for_query(page, tables, dict(query), mine if uploaded else None)
            files = renderer.Renderer(tables, address(page, query), shared_exporter().image, DAY)
            path = folder / f"{name}.pdf"
            path.write_bytes(files.render(shown, "pdf"))
            made[name] = shown, path
        return made[name]

    return get


def address(page, query):
    return renderer.Address(page, tuple(query), "https://dash.example")


def run(*command) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout


@pytest.fixture(scope="module")
def type_boxes(tmp_path_factory):
    """How thick pdftotext's box is for a word of 7 pt and of 9 pt in the brief's font, measured on a page Typst
    sets at exactly those sizes (nothing of the brief's code), so a word's box says its size on paper."""
    require_browser("pdftotext")
    source = tmp_path_factory.mktemp("calibration") / "sizes.typ"
    source.write_text('#set text(font: "Liberation Sans")\n#text(size: 7pt)[Seven] \\\n#text(size: 9pt)[Nine]\n')
    (source.parent / "sizes.pdf").write_bytes(typst.compile(str(source)))
    thickness = {w.text: w.thickness for w in pdf_checks.words(source.parent / "sizes.pdf")}
    return thickness["Seven"], thickness["Nine"]


@pytest.mark.parametrize("name", list(CASES))
def test_brief_says_what_the_view_says_on_a4(briefs, name):
    shown, path = briefs(name)
    page, query, _ = CASES[name]
    info = run("pdfinfo", "-l", "9", str(path))
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    # The Councils brief: the timeline's page, then its table of every figure on the pages after it.
    assert pages >= 2 if page == "councils" else pages == 1, info
    size = "841.89 x 595.276 pts (A4)" if page == "councils" else "595.276 x 841.89 pts (A4)"  # landscape
    assert info.count(size) == pages
    text = " ".join(run("pdftotext", str(path), "-").split())
    assert " ".join(shown.headline.split()) in text
    assert "Source:" in text and "Licence:" in text
    assert address(page, query).permalink in "".join(text.split())  # a narrow column may break it over lines
    assert "2026-12-01" in text
    fonts = run("pdffonts", str(path)).splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts)  # every font embedded
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob(f"brief-{name}*.png"):
        old.unlink()
    run("pdftoppm", "-png", "-r", "110", str(path), str(SCREENSHOTS / f"brief-{name}"))


@pytest.mark.parametrize("name", list(CASES))
def test_an_independent_checker_finds_the_brief_pdf_ua_1_and_pdf_a_2a(briefs, name):
    _, path = briefs(name)
    for profile in ("ua1", "2a"):
        report = pdf_validator.validate_pdf(path, profile=profile)
        failed = sorted({f"{f.rule_id}: {f.message}" for f in report.failures})
        assert report.is_compliant and not failed, (profile, failed[:10])


@pytest.mark.parametrize("name", list(CASES))
def test_no_word_on_the_brief_is_under_7_pt_and_the_sentence_is_at_least_9(briefs, type_boxes, name):
    shown, path = briefs(name)
    seven, nine = type_boxes
    words = pdf_checks.words(path)
    small = sorted((w.thickness, w.text) for w in words if w.thickness < seven - 0.01)
    assert not small, small[:10]  # chart labels included: the chart is drawn for its printed size
    opening = shown.sentence.split()[:6]
    sentence = next(b for b in pdf_checks.blocks(path) if [w.text for w in b[:6]] == opening)
    assert min(w.thickness for w in sentence) >= nine - 0.01


@pytest.mark.parametrize("name", list(CASES))
def test_the_brief_is_tagged_in_reading_order_with_its_chart_table_and_link(briefs, name):
    shown, path = briefs(name)
    page, query, _ = CASES[name]
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "en-GB" and pdf.Root.MarkInfo.Marked
        assert pdf.Root.ViewerPreferences.DisplayDocTitle  # a viewer shows the title, not the file name
        meta = pdf.open_metadata()
        assert meta["pdfuaid:part"] == "1" and meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "A"
        assert meta["dc:title"] == shown.headline
        elements = pdf_checks.structure(pdf)
        kinds = [pdf_checks.kind(e) for e in elements]
        # Headline, sentence, figures, chart, table, notes, then source, licence and the link to the view.
        assert kinds[kinds.index("Document") + 1] == "H1"
        assert kinds.index("H1") < kinds.index("P") < kinds.index("Figure") < kinds.index("Table")
        assert kinds.index("Table") < len(kinds) - 1 - kinds[::-1].index("P") < kinds.index("Link")
        # What it prints: the main chart and its table; with uploaded figures, the layout that fits (brief.plan).
        layout = brief.plan(shown, permalink=address(page, query).permalink, day=DAY)[0]
        figures = [e for e in elements if pdf_checks.kind(e) == "Figure"]
        assert [str(f.Alt) for f in figures] == [chart.alt for chart in layout.charts]
        assert layout.charts[0] is shown.main or shown.changes  # only a change is ever printed without its chart
        heads = [e for e in elements if pdf_checks.kind(e) == "TH"]
        assert len(heads) == len(layout.table.table.columns)
        assert all(str(h.A[0].Scope) == "/Column" for h in heads)
        columns, cells = len(layout.table.table.columns), kinds.count("TD")
        assert cells and cells % columns == 0 and kinds.count("TR") == cells // columns + 1  # a header row, then data
        links = pdf_checks.link_annotations(pdf)
        assert [str(a.A.URI) for a in links] == [address(page, query).permalink]
        assert all(str(a.Contents) for a in links)
        assert {a.objgen for a in links} == set(pdf_checks.tagged_annotations(pdf))
        assert not pdf_checks.untagged_content(pdf)


def test_the_councils_brief_lists_every_figure_with_its_date_precision_and_who_says_so(briefs):
    shown, path = briefs("councils")
    second = " ".join(run("pdftotext", "-f", "2", str(path), "-").split())  # the second page and any after it
    table = shown.main.table
    every = data.load_councils()
    assert len(table) == (every["kind"] != "national announcement").sum()  # every rollout figure of the table
    for row in table.itertuples():
        assert " ".join(row.when.split()) in second and " ".join(row.label.split()) in second, row.label
    assert second.count("vendor claim (advertorial)") == (table["claimant"] == "vendor claim (advertorial)").sum()
    assert "part of a month, no day given" in second and "done by this date, start not given" in second
    first = " ".join(run("pdftotext", "-f", "1", "-l", "1", str(path), "-").split())
    assert "Welsh Government (vendor claim)" in first  # the headline keeps the mark; the timeline's lanes too


def test_sector_brief_prints_the_figures_and_the_table(briefs):
    _, path = briefs("sectors-chosen")
    text = " ".join(run("pdftotext", str(path), "-").split())
    assert "22.8%" in text and "13.7%" in text and "+9.1 points" in text  # the printed figures and the gap
    assert "Transport and storage" in text  # the table's last sector: the chart's table is printed whole
    assert "derived" in text


def test_a_long_table_says_how_many_more_rows_the_data_files_hold(briefs):
    _, path = briefs("explore")
    text = " ".join(run("pdftotext", str(path), "-").split())
    assert "more rows, in the data files" in text


def test_uploaded_figures_are_named_on_the_brief(briefs):
    _, path = briefs("sectors-uploaded")
    text = " ".join(run("pdftotext", str(path), "-").split())
    assert "Your data: Our staff survey 2021" in text and "they are not ONS figures" in text


# ---- without a browser: the chart drawn by a stand-in, the PDF typeset for real ----


def fake_svg(sizes: list):
    def draw(fig, fmt, **size):
        sizes.append((fig, size))
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{size["width"]}" height="{size["height"]}"/>'.encode()

    return draw


def test_the_chart_is_drawn_one_to_one_at_its_printed_width_in_print_sizes(tables):
    for page, width in (("sectors", 504), ("councils", 750)):
        drawn = []
        brief.brief_pdf(views.for_query(page, tables, {}), fake_svg(drawn), permalink="https://d.example", day=DAY)
        ((fig, size),) = drawn
        assert size["width"] == width and size["scale"] == 1 and size["height"] == fig.layout.height
        sizes = [a.font.size for a in fig.layout.annotations]
        sizes += [a.tickfont.size or fig.layout.font.size for a in [*fig.select_xaxes(), *fig.select_yaxes()]]
        assert min(sizes) >= 8 and fig.layout.font.size == PRINT.tick_size  # points on paper
        assert not fig.layout.title.text  # the brief prints the title, subtitle and source as text


def test_the_chart_takes_the_room_the_page_leaves_it(tables):
    shown = views.for_query("sectors", tables, {"sector": "Education"})
    sheet = brief.PORTRAIT
    content = brief.brief_content(shown, permalink="https://d.example", day=DAY, sheet=sheet)

    def room(extra: dict) -> float:
        inputs = brief._inputs({**content, **extra, "measuring": True})
        compiler = typst.Compiler(str(brief.TEMPLATE), font_paths=brief.fonts(), sys_inputs=inputs)
        space, same_page = brief._room(compiler, sheet)
        assert same_page
        return space

    alone = room({})
    with_notice = room({"notices": ["A notice of one line."]})
    assert 0 < with_notice < alone - 10  # a notice above the chart leaves it less room
    assert alone < sheet.bottom


def test_typst_refuses_a_brief_that_would_not_conform(tables, tmp_path, monkeypatch):
    shown = views.for_query("age", tables, {})
    made = brief.brief_pdf(shown, fake_svg([]), permalink="https://d.example/age", day=DAY)
    assert made.startswith(b"%PDF")
    template = brief.TEMPLATE.read_text(encoding="utf-8")
    broken = {
        "chart-without-alt-text": template.replace("alt: chart.alt,", ""),
        "link-in-the-footer": template.replace("#view.product · made #view.day", "#link(view.permalink)[#view.day]"),
    }
    for name, text in broken.items():
        assert text != template, name
        (tmp_path / f"{name}.typ").write_text(text, encoding="utf-8")
        monkeypatch.setattr(brief, "TEMPLATE", tmp_path / f"{name}.typ")
        with pytest.raises(typst.TypstError):
            brief.brief_pdf(shown, fake_svg([]), permalink="https://d.example/age", day=DAY)


def test_the_councils_table_has_a_page_of_its_own_and_shares_its_width_by_its_words(tables):
    shown = views.for_query("councils", tables, {})
    content = brief.brief_content(shown, permalink="x", day=DAY, sheet=brief.SHEETS["councils"])
    table = content["table"]
    assert content["landscape"] and content["table_page"] and not table["beside"]
    assert len(table["rows"]) == len(shown.main.table) and table["more"] == 0
    heads = table["columns"]
    widths = dict(zip(heads, table["widths"], strict=True))
    longest = {
        h: max(len(cell) for cell in column) for h, column in zip(heads, zip(*table["rows"], strict=True), strict=True)
    }
    assert min(longest, key=longest.get) == min(widths, key=widths.get)  # the shortest words get the least room
    assert widths["Figure"] == max(widths.values())  # the longest the most (up to a cap)
    narrow = brief.brief_content(views.for_query("sectors", tables, {}), permalink="x", day=DAY)["table"]
    assert narrow["beside"] and narrow["widths"] is None and json.dumps(narrow)


def test_a_character_no_font_can_print_is_printed_as_a_question_mark_and_the_brief_says_so(tables, tmp_path):
    private = "\U0010fffd"  # a private-use character: no font has it, and PDF/A forbids printing a blank box
    upload = f"breakdown,category,measure,percent\nsector,Team {private},week_prior,12\n".encode()
    mine = read_upload(upload, "mine.csv", f"Survey {private} 2021", reference=tables.homeworking).rows
    shown = views.for_query("explore", tables, {}, mine)

    def draw(fig, fmt, **size):
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><text>{private}</text></svg>'.encode()

    made = brief.brief_pdf(shown, draw, permalink="https://d.example/explore", day=DAY)
    assert private in shown.headline  # the name reached the brief's words, not only its chart
    for profile in ("ua1", "2a"):
        assert pdf_validator.validate_pdf_bytes(made, profile=profile).is_compliant
    with pikepdf.open(io.BytesIO(made)) as pdf:
        assert pdf.open_metadata()["dc:title"] == shown.headline.replace(private, "?")
    assert (shown.rows["source"] == f"Survey {private} 2021").any()  # the data files keep the name as written
    require_browser("pdftotext")
    (tmp_path / "brief.pdf").write_bytes(made)
    text = " ".join(run("pdftotext", str(tmp_path / "brief.pdf"), "-").split())
    assert "Survey ? 2021" in text and 'Shown as "?": characters in the names of uploaded figures' in text


def test_a_stream_typst_would_end_ambiguously_is_stored_so_that_its_length_reads_right(tables):
    """1 in 256 compressed streams ends in CR; Typst then writes LF and `endstream`, and PDF/A readers count the
    CR LF as the end of line, one byte short. Made to happen here, on the page's own content stream."""
    made = brief.brief_pdf(views.for_query("age", tables, {}), fake_svg([]), permalink="https://d.example", day=DAY)
    with pikepdf.open(io.BytesIO(made)) as pdf:
        content = pdf.pages[0].obj.Contents
        data = content.read_bytes()
        # A comment at the end of the page's drawing changes nothing drawn, and the checksum that ends the stream.
        padded = next(p for n in range(2_000) if zlib.compress(p := data + b"\n%" + b"%" * n + b"\n")[-1:] == b"\r")
        content.write(zlib.compress(padded), filter=pikepdf.Name.FlateDecode)
        out = io.BytesIO()
        pdf.save(out, preserve_pdfa=True, compress_streams=False)
    ambiguous = out.getvalue()
    assert b"\r\nendstream" in ambiguous
    failed = {f.rule_id for f in pdf_validator.validate_pdf_bytes(ambiguous, profile="2a").failures}
    assert failed == {"PDFA2A-STREAM-LENGTH-001"}  # the checker sees it
    fixed = brief.unambiguous(ambiguous)
    assert b"\r\nendstream" not in fixed and brief.unambiguous(fixed) == fixed
    for profile in ("ua1", "2a"):
        assert pdf_validator.validate_pdf_bytes(fixed, profile=profile).is_compliant
    with pikepdf.open(io.BytesIO(fixed)) as pdf:
        assert pdf.pages[0].obj.Contents.read_bytes() == padded  # the page draws the same


def test_a_brief_of_a_change_prints_the_caution_on_comparing_with_2019(tables, tmp_path):
    require_browser("pdftotext")
    from lib.comparability import Basis, verdict
    from lib.render.images import shared_exporter

    rows = Basis(survey="ONS Labour Market Survey", period="April 2020").on_rows(
        pd.DataFrame(
            {
                "breakdown": ["region"],
                "category": ["London"],
                "measure": ["week_prior"],
                "percent": [57.2],
                "source": ["ONS LMS April 2020"],
            }
        )
    )
    shown = views.for_query("regions", tables, {}, rows)
    files = renderer.Renderer(tables, address("regions", ()), shared_exporter().image, DAY)
    path = tmp_path / "change.pdf"
    path.write_bytes(files.render(shown, "pdf"))
    text = " ".join(run("pdftotext", str(path), "-").split())
    assert "Not one series" in text and "period (April 2020, against 2019)" in text, text[:800]
    assert verdict(Basis()).caution() not in text  # the declared basis, not the general words


# ---- What the brief is given (issue 21): the users' words, labels, whole tables, both charts with uploads ---------

MINE = pd.DataFrame(
    {
        "breakdown": ["region", "region", "sector"],
        "category": ["Wales", "Wales", "Education"],
        "measure": ["week_prior", "ever", "week_prior"],
        "percent": [45.0, 55.0, 30.0],
        "code": [None, None, None],
        "official_name": [None, None, None],
        "source": "Our survey 2020",
    }
)


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("overview", {}),
        ("sectors", {"sector": "Education"}),
        ("age", {}),
        ("regions", {"region": "Wales"}),
        ("councils", {}),
        ("explore", {}),
    ],
)
@pytest.mark.parametrize("uploads", [False, True])
def test_the_brief_prints_no_maintainers_note_and_no_measure_code(tables, page, query, uploads):
    shown = views.for_query(page, tables, query, MINE if uploads else None)
    printed = brief.brief_content(shown, permalink="https://d.example", day=DAY)
    maintainers = data.load_package()["resources"][0]["maintainer_notes"].values()
    assert not [note for note in printed["notes"] if any(m in note for m in maintainers)]
    table = printed["table"] or {"rows": [], "columns": []}
    assert not {"week_prior", "ever"} & {cell for row in table["rows"] for cell in row}, page
    assert not {"week_prior", "ever"} & set(table["columns"]), page


def test_the_region_caveat_keeps_its_words_for_users_and_the_maintainers_note_apart():
    region = data.load_package()["resources"][0]
    assert region["caveats"]["region"].startswith("Location of workplace")
    assert "PDF text extraction" in region["maintainer_notes"]["region"]
    assert "PDF text extraction" not in region["caveats"]["region"]


def test_every_region_is_in_the_regions_table(tables):
    table = brief.brief_content(views.for_query("regions", tables, {}), permalink="x", day=DAY)["table"]
    regions = tables.homeworking.loc[tables.homeworking["breakdown"] == "region", "category"].unique()
    assert len(table["rows"]) == len(regions) == 12 and table["more"] == 0


def test_with_uploads_the_brief_tries_both_charts_then_the_2019_chart_with_the_change_table(tables):
    shown = views.for_query("regions", tables, {"region": "Wales"}, MINE)
    assert [c.key for c in shown.printed] == ["regions-change", "regions-bars"]  # the headline is the change
    both, fallback = brief.layouts(shown)
    assert [c.key for c in both.charts] == ["regions-change", "regions-bars"] and both.table.key == "regions-change"
    assert [c.key for c in fallback.charts] == ["regions-bars"] and fallback.table.key == "regions-change"
    alone = views.for_query("regions", tables, {"region": "London"}, MINE)  # London is not in their figures
    assert [c.key for c in alone.printed] == ["regions-bars", "regions-change"]
    first, short_table, last = brief.layouts(alone)  # both with the 2019 table, both with the change's, then one
    assert (first.table.key, short_table.table.key, last.table.key) == (
        "regions-bars",
        "regions-change",
        "regions-change",
    )
    assert [[c.key for c in layout.charts] for layout in brief.layouts(views.for_query("regions", tables, {}))] == [
        ["regions-bars"]
    ]


def test_two_charts_share_the_room_or_are_not_both_printed():
    low = brief.MIN_CHART
    assert brief.chart_heights([300, 500], 700) == [300, 400]  # the short one keeps its height, the other the rest
    assert brief.chart_heights([500, 500], 700) == [350, 350]
    assert brief.chart_heights([300, 700], 700) is None  # 400 of 700: its rows would crowd
    assert brief.chart_heights([low, low], 2 * low - 1) is None  # either would be under MIN_CHART
    assert brief.chart_heights([300, 500], 700, same_page=False) is None  # the words after them run on
    assert brief.chart_heights([600], 100) == [low]  # a chart alone is never under MIN_CHART


def test_a_brief_with_uploads_keeps_the_2019_chart_on_one_page(tables):
    shown = views.for_query("regions", tables, {"region": "Wales"}, MINE)
    drawn = []
    made = brief.brief_pdf(shown, fake_svg(drawn), permalink="https://d.example", day=DAY)
    with pikepdf.open(io.BytesIO(made)) as pdf:
        assert len(pdf.pages) == 1
    titles = [fig.layout.meta["subtitle"] for fig, _ in drawn]
    assert any("2019" in title for title in titles)
    assert "regions-bars" in {chart for chart in ("regions-bars", "regions-change") if _drawn(drawn, shown, chart)}


def _drawn(drawn, shown, key) -> bool:
    """Whether the chart `key` of the view was among those drawn (matched by its subtitle)."""
    subtitle = shown.chart(key).figure(PRINT).layout.meta["subtitle"]
    return any(fig.layout.meta["subtitle"] == subtitle for fig, _ in drawn)
