"""The transcribed figures against their source documents, and the validator against broken tables."""

import calendar
import json
import math
import re

import pandas as pd
import pytest

from lib import data
from lib.data import (
    COUNCILS_CSV,
    HOMEWORKING_CSV,
    ONE_PERSON,
    SOURCES_DIR,
    VENDOR_CLAIM,
    DataValidationError,
    load_councils,
    load_homeworking,
    load_package,
    load_regions,
    resource,
    source_for,
    source_text,
)

BREAKDOWNS_WITH_HEADINGS = ("sector", "age", "region")  # the three printed tables, each with its own headings

# The figures as the issue lists them from the printed tables (week before, ever).
SECTORS = {
    "Information and communication": (32.8, 53.1, "J"),
    "Professional, scientific and technical": (26.3, 46.3, "M"),
    "Financial and insurance": (22.8, 38.9, "K"),
    "Education": (12.8, 38.3, "P"),
    "Arts, entertainment and recreation": (17.4, 33.3, "R"),
    "Public administration and defence": (13.7, 29.4, "O"),
    "Administration and support services": (11.2, 23.2, "N"),
    "Manufacturing": (9.3, 21.1, "C"),
    "Health and social work": (8.0, 20.3, "Q"),
    "Transport and storage": (3.4, 11.0, "H"),
}
OCCUPATIONS_EVER = {
    "Chief executives and senior officials": 69,
    "Media professionals": 58,
    "Health and social services managers and directors": 57,
    "Legal professionals": 56,
    "IT and telecoms professionals": 55,
}
GSS = {
    "North East": "E12000001",
    "North West": "E12000002",
    "Yorkshire and The Humber": "E12000003",
    "East Midlands": "E12000004",
    "West Midlands": "E12000005",
    "East of England": "E12000006",
    "London": "E12000007",
    "South East": "E12000008",
    "South West": "E12000009",
    "Wales": "W92000004",
    "Scotland": "S92000003",
    "Northern Ireland": "N92000002",
}


@pytest.fixture(scope="module")
def hw():
    return load_homeworking()


def value(hw, breakdown, category, measure):
    hit = hw[(hw.breakdown == breakdown) & (hw.category == category) & (hw.measure == measure)]
    assert len(hit) == 1, (breakdown, category, measure)
    return hit.percent.iloc[0]


def test_shape_is_one_row_per_breakdown_category_measure(hw):
    assert list(hw.columns[:4]) == ["breakdown", "category", "measure", "percent"]
    assert hw.groupby("breakdown").category.nunique().to_dict() == {
        "all": 1,
        "sector": 10,
        "age": 12,
        "region": 12,
        "occupation": 5,
    }
    assert len(hw) == 40 * 2
    assert hw.percent.dtype == "float64"


@pytest.mark.parametrize("sector", SECTORS)
def test_sector_figures_and_sic_codes(hw, sector):
    week, ever, sic = SECTORS[sector]
    assert value(hw, "sector", sector, "week_prior") == week
    assert value(hw, "sector", sector, "ever") == ever
    assert hw[(hw.category == sector)].code.unique().tolist() == [sic]


def test_uk_all_in_employment(hw):
    assert value(hw, "all", "All in employment", "week_prior") == 12.4
    assert value(hw, "all", "All in employment", "ever") == 26.7


def test_occupations_have_ever_only_and_week_before_is_null(hw):
    for occupation, ever in OCCUPATIONS_EVER.items():
        assert value(hw, "occupation", occupation, "ever") == ever
        assert math.isnan(value(hw, "occupation", occupation, "week_prior"))
    assert (hw[hw.breakdown != "occupation"].percent.notna()).all()
    assert not (hw.percent == 0).any(), "missing is null, never zero"


def test_regions_carry_gss_code_and_official_name(hw):
    regions = load_regions()
    assert dict(zip(regions.official_name, regions.code, strict=False)) == GSS
    yorkshire = hw[hw.category == "Yorkshire & Humber"]
    assert set(yorkshire.official_name) == {"Yorkshire and The Humber"}
    assert value(hw, "region", "Yorkshire & Humber", "week_prior") == 10.5
    assert value(hw, "region", "East of England", "week_prior") == 11.3


def test_age_bands_in_source_order(hw):
    ages = hw[(hw.breakdown == "age") & (hw.measure == "ever")].sort_values("order")
    assert ages.category.iloc[0] == "16-19 yrs"
    assert ages.category.iloc[-1] == "70 and over"
    assert value(hw, "age", "70 and over", "week_prior") == 24.7


def _numbers(text):
    return [float(n) for n in re.findall(r"\d+(?:\.\d+)?", text.replace(",", ""))]


def printed_label(breakdown: str, category: str) -> str:
    """The label the source prints for a category: its own, or the one `category_labels` records for it."""
    relabelled = resource("homeworking_2019")["category_labels"]
    printed = [c["printed"] for c in relabelled if (c["breakdown"], c["category"]) == (breakdown, category)]
    return printed[0] if printed else category


def test_every_table_figure_is_printed_on_its_cited_line(hw):
    """Read each cited line of the source document and find the label and both figures on it."""
    for (breakdown, category), rows in hw[hw.breakdown != "occupation"].groupby(["breakdown", "category"]):
        line = source_text(rows.source_file.iloc[0], int(rows.source_line.iloc[0]))
        label = printed_label(breakdown, category)
        assert line.strip().startswith(label), (category, line)
        week = rows[rows.measure == "week_prior"].percent.iloc[0]
        ever = rows[rows.measure == "ever"].percent.iloc[0]
        assert _numbers(line)[-2:] == [week, ever], (category, line)


def squash(text: str) -> str:
    """Text without whitespace: the PDF extraction breaks lines (and words) mid-sentence."""
    return re.sub(r"\s+", "", text)


def occupation_on_line(category: str, percent: float, file: str, line: int) -> bool:
    """The cited line itself prints the figure, and the occupation's name ends on it or just above."""
    printed = f"{percent:.0f}%" in source_text(file, line)
    named = squash(category).casefold() in squash(source_text(file, line - 3, line)).casefold()
    return printed and named


def test_every_occupation_figure_is_printed_on_its_cited_line(hw):
    for row in hw[(hw.breakdown == "occupation") & (hw.measure == "ever")].itertuples():
        assert occupation_on_line(row.category, row.percent, row.source_file, row.source_line), row.category
        week = hw[(hw.category == row.category) & (hw.measure == "week_prior")]
        assert week.source_line.tolist() == [row.source_line], "both measures cite the same line"


def test_the_occupation_check_rejects_a_neighbouring_line(hw):
    """IT and telecoms professionals (55%) was cited at 1187, the line above the one that prints it."""
    assert not occupation_on_line("IT and telecoms professionals", 55, "001_fb8ad442bc8a4fed.txt", 1187)
    for row in hw[(hw.breakdown == "occupation") & (hw.measure == "ever")].itertuples():
        for neighbour in (row.source_line - 1, row.source_line + 1):
            assert not occupation_on_line(row.category, row.percent, row.source_file, neighbour), row.category


def cited_exactly(quote: str, file: str, first: int, last: int) -> bool:
    """The quote is in lines first..last, starts on `first` and ends on `last` (no line more, none less)."""
    quote = squash(quote)
    if first < 1 or last < first or quote not in squash(source_text(file, first, last)):
        return False
    if first == last:
        return True
    return quote not in squash(source_text(file, first + 1, last)) and quote not in squash(
        source_text(file, first, last - 1)
    )


def figure_in_lines(row) -> bool:
    """The figure (as a number or in the source's words) is printed within the cited lines."""
    text = source_text(row.source_file, row.source_line, row.source_line_end)
    if pd.notna(row.value) and row.value in _numbers(text):
        return True
    return pd.notna(row.value_text) and squash(row.value_text) in squash(text)


def test_council_quotes_are_verbatim_at_exactly_their_cited_lines():
    for row in load_councils().itertuples():
        assert cited_exactly(row.quote, row.source_file, row.source_line, row.source_line_end), row.id
        if pd.notna(row.value) or pd.notna(row.value_text):
            assert figure_in_lines(row), row.id


def test_the_council_line_check_rejects_neighbouring_lines():
    for row in load_councils().itertuples():
        first, last = row.source_line, row.source_line_end
        for shifted in ((first - 1, last - 1), (first + 1, last + 1), (first - 1, last), (first, last + 1)):
            assert not cited_exactly(row.quote, row.source_file, *shifted), (row.id, shifted)


def test_council_values_appear_in_their_quotes():
    """Each value is printed in its quote, as a number or in the words the source uses."""
    councils = load_councils().dropna(subset=["value"])
    for row in councils.itertuples():
        assert row.value in _numbers(row.quote) or row.value_text in row.quote, (row.id, row.value)


def test_council_figures_named_in_the_issue():
    c = load_councils().set_index("id")
    assert c.loc["norfolk-stress-test", "value"] == 3500
    assert c.loc["norfolk-working-from-home", ["value", "qualifier", "when"]].tolist() == [
        5000,
        "more than",
        "late March 2020 (year inferred)",
    ]
    assert c.loc["norfolk-users", "value"] == 6700
    assert c.loc["norfolk-teams-telephony-before", "value"] == 1100
    assert c.loc["norfolk-equipment-allowance", ["value", "unit"]].tolist() == [250, "GBP"]
    assert c.loc["durham-teams", ["value", "precision"]].tolist() == [6000, "before the pandemic"]
    assert c.loc["welsh-government-teams", ["value", "duration_max_days", "region"]].tolist() == [
        6000,
        7,
        "Wales",
    ]
    assert c.loc["wiltshire-teams", "value"] == 4000
    assert c.loc["dudley-digital-service-at-home", ["value", "qualifier"]].tolist() == [95, "about"]
    assert pd.isna(c.loc["dudley-laptops", "value"])
    assert c.loc["dudley-laptops", "value_text"] == "several hundred"
    assert c.loc["cantium-office-move", "duration_max_days"] == 3
    assert c.loc["cantium-plans-activated", "period_end"] == pd.Timestamp("2020-03-23")
    assert c.loc["dwp-claims-on-time", "value"] == 90
    assert c.loc["dwp-days-to-operational", ["duration_min_days", "duration_max_days"]].tolist() == [5, 8]


def test_no_invented_days():
    c = load_councils()
    month = c[c.precision == "month"]
    assert (month.period_start.dt.day == 1).all()
    undated = c[c.precision.isin(["undated", "before the pandemic"])]
    assert undated.period_start.isna().all() and undated.period_end.isna().all()
    assert c[c.precision == "day"].id.tolist() == ["pm-instruction", "dwp-one-colleague-redeployed"]


# ---- a date is coded as its words say, under the precision's definition in datapackage.json ----

MONTHS = {name: number for number, name in enumerate(calendar.month_name) if name}
MONTH = "(" + "|".join(MONTHS) + ")"
PARTS = {"early": (1, 10), "start of": (1, 10), "mid": (11, 20), "late": (21, 31)}


def named_week(which: str, month: int, year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The Monday-to-Sunday week that holds the month's first (or last) Thursday, as datapackage.json defines it."""
    thursdays = [
        d for d in pd.date_range(f"{year}-{month:02d}-01", periods=31) if d.month == month and d.day_of_week == 3
    ]
    thursday = thursdays[0] if which == "first" else thursdays[-1]
    return thursday - pd.Timedelta(days=3), thursday + pd.Timedelta(days=3)


def span_of(words: str) -> tuple[str, pd.Timestamp, pd.Timestamp] | None:
    """The precision and span that the source's words name, by the definitions in datapackage.json."""
    if m := re.fullmatch(rf"(\d{{1,2}}) {MONTH} (\d{{4}})", words):
        day = pd.Timestamp(int(m[3]), MONTHS[m[2]], int(m[1]))
        return "day", day, day
    if m := re.fullmatch(rf"(early|start of|mid|late)[- ]{MONTH} (\d{{4}})", words):
        first = pd.Timestamp(int(m[3]), MONTHS[m[2]], PARTS[m[1]][0])
        last = first + pd.offsets.MonthEnd(0) if m[1] == "late" else first.replace(day=PARTS[m[1]][1])
        return "part of month", first, last
    if m := re.fullmatch(rf"{MONTH} (\d{{4}})", words):
        first = pd.Timestamp(int(m[2]), MONTHS[m[1]], 1)
        return "month", first, first + pd.offsets.MonthEnd(0)
    if m := re.fullmatch(rf"(first|last) week of {MONTH} and (?:the )?(first|last) week of {MONTH} (\d{{4}})", words):
        year = int(m[5])
        return "weeks", named_week(m[1], MONTHS[m[2]], year)[0], named_week(m[3], MONTHS[m[4]], year)[1]
    return None  # words no precision names


def coded_as_its_words(row) -> bool:
    """A dated row's precision and span are the ones its `when` names ("by": the end only)."""
    said = row.when.split(" (")[0]
    by = re.search(r"\bby ([^:()]+)", said) or re.search(r"\bby ([^:()]+)", row.when)
    if row.precision == "by":
        named = span_of(by[1].strip()) if by else None
        return named is not None and pd.isna(row.period_start) and row.period_end == named[2]
    return span_of(said) == (row.precision, row.period_start, row.period_end)


DATED = ["day", "month", "part of month", "weeks", "by"]


def test_every_dated_figure_is_coded_as_its_words_say():
    for row in load_councils().query("precision in @DATED").itertuples():
        assert coded_as_its_words(row), (row.id, row.when, row.precision, row.period_start, row.period_end)


def test_the_date_check_rejects_the_old_norfolk_codings():
    c = load_councils().set_index("id")
    # "had the rest completed by mid-April": coded as the span 11-20 April, as if a start were given
    rest = c.loc[["norfolk-teams-telephony-complete"]].assign(
        precision="part of month", period_start=pd.Timestamp("2020-04-11")
    )
    assert not coded_as_its_words(next(rest.reset_index().itertuples()))
    # "the last week of March and the first week of April" as 25 March-7 April: not calendar weeks
    weeks = c.loc[["norfolk-teams-telephony-migrated"]].assign(
        period_start=pd.Timestamp("2020-03-25"), period_end=pd.Timestamp("2020-04-07")
    )
    assert not coded_as_its_words(next(weeks.reset_index().itertuples()))


def test_named_weeks_are_the_calendar_weeks_the_definition_names():
    weeks = load_councils().set_index("id").loc["norfolk-teams-telephony-migrated"]
    assert (weeks.period_start, weeks.period_end) == (pd.Timestamp("2020-03-23"), pd.Timestamp("2020-04-05"))
    assert weeks.period_start.day_name() == "Monday" and weeks.period_end.day_name() == "Sunday"
    definition = resource("council_rollout_2020")["precision"]["weeks"]
    assert "Monday to Sunday" in definition and "23-29 March" in definition and "30 March-5 April" in definition
    assert "ISO" not in definition  # ISO 8601's Thursday rule numbers the weeks of a year, not those of a month


def when_words_in_lines(row) -> bool:
    """Each word of a dated row's `when` (outside its bracketed note; not the year or 'by') is in the cited lines."""
    text = source_text(row.source_file, row.source_line, row.source_line_end).casefold()
    said = row.when.split(" (")[0].casefold()
    words = [w for w in re.findall(r"[a-z]+|\d+", said) if w != "by" and not re.fullmatch(r"\d{4}", w)]
    return all(re.search(rf"\b{w}\b", text) for w in words)


def test_the_words_of_every_date_are_in_its_cited_lines():
    for row in load_councils().query("precision in @DATED").itertuples():
        assert when_words_in_lines(row), (row.id, row.when)


def test_cantium_dates_the_activation_not_a_completed_move():
    c = load_councils().set_index("id")
    activated, move = c.loc["cantium-plans-activated"], c.loc["cantium-office-move"]
    assert (activated.precision, activated.period_end) == ("by", pd.Timestamp("2020-03-23"))
    assert "23 March 2020" in activated.quote and "already activated its homeworking plans" in activated.quote
    assert move.precision == "undated" and pd.isna(move.period_end)
    assert (move.value, move.qualifier, move.duration_max_days) == (3, "about", 3)
    # The old row, "completed by 23 March 2020" on lines 978-982: those lines say neither "completed" nor the date.
    old = move.to_frame().T.assign(when="completed by 23 March 2020", precision="by").reset_index()
    assert not when_words_in_lines(next(old.itertuples()))


# ---- licences, publications and who makes each claim ----

OGL = "Open Government Licence v3.0"


def test_licences_are_per_resource_and_per_source_never_a_blanket_ogl():
    package = load_package()
    assert "licenses" not in package, "the package mixes ONS statistics and quotations: no one licence covers it"
    assert [lic["title"] for lic in resource("homeworking_2019")["licenses"]] == [OGL]
    councils = resource("council_rollout_2020")
    assert all(OGL not in lic["title"] for lic in councils["licenses"])
    ons = next(s for s in package["sources"] if s["name"] == "ons-aps-2019")
    assert [lic["title"] for lic in ons["licenses"]] == [OGL]
    assert [s["name"] for s in package["sources"] if s["licenses"]] == ["ons-aps-2019"]


def test_the_cabinet_office_document_keeps_its_marking_and_claims_no_licence():
    entry = source_for("003_db5378e7a82752dc.txt", 145)
    assert entry["marking"] == "Official - Sensitive" and entry["licenses"] == []
    assert "'Official - Sensitive'" in entry["licence"] and "none is claimed" in entry["licence"]
    text = (SOURCES_DIR / entry["file"]).read_text(encoding="utf-8")
    assert source_text(entry["file"], 5) == "Official - Sensitive"
    assert "licence" not in text.casefold() and "license" not in text.casefold()
    # Where the marking is printed, exactly: the extraction keeps no page breaks, so nothing says "every page".
    marked = [n for n, line in enumerate(text.split("\n"), 1) if line.strip() == "Official - Sensitive"]
    assert entry["marking_lines"] == marked and len(marked) == 26
    assert "every page" not in entry["licence"] and "cannot be checked" in entry["note"]


def test_every_council_row_carries_its_sources_publication_and_licence():
    c = load_councils().set_index("id")
    assert c["licence"].str.startswith("Quotation from").all() and not c["licence"].str.contains(OGL).any()
    assert c.loc["welsh-government-teams", "publication"].startswith("Microsoft, guest blog post")
    assert (
        "Microsoft advertorial" in c.loc["durham-teams", "licence"]
        or "Microsoft guest post" in c.loc["durham-teams", "licence"]
    )
    assert c.loc["swindon-rpa-after", "publication"].startswith("Jadu, ")
    assert "Official - Sensitive" in c.loc["dwp-claims-on-time", "licence"]
    assert c.loc["norfolk-stress-test", "licence"].startswith("Quotation from Socitm, In Our View issue 19")
    assert c.loc["dwp-one-colleague-redeployed", "publication"].startswith("DWP Digital, blog post")


def test_every_source_entry_points_at_real_lines():
    for entry in load_package()["sources"]:
        if "file" not in entry:
            continue
        lines = (SOURCES_DIR / entry["file"]).read_text(encoding="utf-8").split("\n")
        first, last = entry.get("lines", [1, len(lines)])
        assert 1 <= first <= last <= len(lines), entry["name"]
        assert entry["licence"] and entry["publisher"] and entry["title"], entry["name"]


def test_vendor_claims_are_the_advertorial_figures_and_say_so():
    c = load_councils().set_index("id")
    vendor = sorted(c.index[c["claimant"] == "vendor claim (advertorial)"])
    assert vendor == [
        "durham-teams",
        "london-boroughs-apps",
        "swindon-rpa-after",
        "swindon-rpa-before",
        "welsh-government-teams",
        "wiltshire-teams",
    ]
    web = source_for("004_535077cdee380919.txt", 6)
    assert web["vendor"] == "Microsoft"
    assert "This is an advertorial in issue 19 of In our View." in source_text(web["file"], 21)
    assert source_for("001_fb8ad442bc8a4fed.txt", 1890, 1892)["vendor"] == "Jadu"
    assert "www.jadu.net/channel-shift" in source_text("001_fb8ad442bc8a4fed.txt", 1797)


def test_one_persons_account_is_labelled_as_one_person():
    c = load_councils()
    one = c[c["claimant"] == "one person's account"]
    assert one["id"].tolist() == [
        "dwp-one-colleague-redeployed",
        "dwp-one-colleague-training",
        "dwp-one-colleague-course-condensed",
    ]
    # each quote is from the colleagues' own accounts, after 'This is what some of them had to say…' (002:353)
    assert set(one["source_file"]) == {"002_6664e2bd9ac29511.txt"}
    assert one["source_line"].between(357, 387).all() and one["source_line_end"].between(357, 387).all()
    assert "This is what some of them had to say" in source_text("002_6664e2bd9ac29511.txt", 353)
    assert one["measure"].str.startswith("one ").all()


def test_claimants_are_described_in_the_data_package():
    res = resource("council_rollout_2020")
    field = next(f for f in res["schema"]["fields"] if f["name"] == "claimant")
    assert tuple(field["constraints"]["enum"]) == tuple(res["claimants"])
    assert {VENDOR_CLAIM, ONE_PERSON} <= set(res["claimants"])  # the two marks lib names
    assert set(load_councils()["claimant"]) <= set(res["claimants"])


# ---- added figures: the same quote and line discipline ----


def test_norfolks_own_five_thousand_sits_beside_the_news_summary():
    c = load_councils().set_index("id")
    own, news = c.loc["norfolk-at-home-every-day"], c.loc["norfolk-working-from-home"]
    assert (own.value, own.qualifier, own.claimant) == (5000, "more than", "organisation itself")
    assert own.quote == "We now have more than 5,000 people working at home every day."
    assert (own.source_line, own.source_line_end) == (2469, 2470)
    assert news.claimant == "editor or journalist"  # Socitm's news page summarising it (lines 681-682)
    assert c.loc["norfolk-contact-centre-live", "precision"] == "part of month"
    assert c.loc["norfolk-contact-centre-live", "when"] == "mid-April 2020 (year inferred)"


# ---- descriptions say what the source and the data say ----


def test_measure_descriptions_quote_the_source_headings_and_add_nothing():
    """Each measure's description quotes every table's heading as printed, and adds no word of its own beyond
    framing (no 'people in employment': the tables never print it)."""
    framing = {"percentage", "or", "the", "their", "as", "printed", "headings", "table", "tables", "and", "before"}
    framing |= set(BREAKDOWNS_WITH_HEADINGS)
    for name, measure in resource("homeworking_2019")["measures"].items():
        headings = measure["source_headings"]
        assert [h["breakdown"] for h in headings] == list(BREAKDOWNS_WITH_HEADINGS), name
        description = measure["description"].casefold()
        heading_words = set()
        for heading in headings:
            assert f"'{heading['text']}'" in measure["description"], (name, heading["breakdown"])
            heading_words |= set(re.findall(r"[a-z]+", heading["text"].casefold()))
        for text in {h["text"].casefold() for h in headings}:
            description = description.replace(text, "")
        words = set(re.findall(r"[a-z]+", description))
        assert words <= framing | heading_words, (name, words - framing - heading_words)
        assert "employment" not in measure["description"] and "people" not in measure["description"]


def test_order_is_what_its_description_says(hw):
    ever = hw[hw.measure == "ever"]
    described = next(f for f in resource("homeworking_2019")["schema"]["fields"] if f["name"] == "order")["description"]
    for breakdown in ("sector", "age"):  # the source's order: the order of the printed lines
        rows = ever[ever.breakdown == breakdown]
        assert rows.sort_values("order").source_line.is_monotonic_increasing, breakdown
    regions = ever[ever.breakdown == "region"].sort_values("order")
    english = regions[regions.code.str.startswith("E")]
    assert english.code.is_monotonic_increasing and len(english) == 9
    assert regions.official_name.tolist()[9:] == ["Wales", "Scotland", "Northern Ireland"]
    assert "English regions in GSS code order, then Wales, Scotland and Northern Ireland" in described
    occupations = ever[ever.breakdown == "occupation"].sort_values("order")
    assert occupations.percent.is_monotonic_decreasing
    assert "Occupations: ranked by the ever share, highest first" in described


def test_datapackage_describes_every_column():
    package = load_package()
    for res in package["resources"]:
        fields = [f["name"] for f in res["schema"]["fields"]]
        path = HOMEWORKING_CSV if res["name"] == "homeworking_2019" else COUNCILS_CSV
        assert fields == pd.read_csv(path, nrows=0).columns.tolist()
    council_fields = [f["name"] for f in resource("council_rollout_2020")["schema"]["fields"]]
    added = [f["name"] for f in resource("council_rollout_2020")["derived_fields"]]
    assert load_councils().columns.tolist() == council_fields + added == [*council_fields, "publication", "licence"]
    hw_res = package["resources"][0]
    assert hw_res["caveats"]["sector"] == "Data is shown for selected economic sectors only."


# ---- every heading, label and licence with its basis; the scope and the figures added (third pass) ----

F1 = "001_fb8ad442bc8a4fed.txt"
F4 = "004_535077cdee380919.txt"


def recorded_headings():
    """Each heading, title and printed name the Data Package records with its lines: (what, text, file, first, last)."""
    hw_res = resource("homeworking_2019")
    for name, measure in hw_res["measures"].items():
        for heading in measure["source_headings"]:
            yield f"{name} heading, {heading['breakdown']}", heading["text"], heading["file"], *heading["lines"]
    for name, table in hw_res["tables"].items():
        yield f"{name} title", table["title"], table["file"], *table["lines"]
    for fact, recorded in hw_res["survey"]["facts"].items():
        if "printed" in recorded:
            yield f"survey {fact}", recorded["printed"], recorded["file"], *recorded["lines"]
        for implied in recorded.get("implied_by", []):
            yield f"survey {fact}, implied by", implied["printed"], implied["file"], *implied["lines"]
    credit = data.source_entry("ons-aps-2019")["credit"]
    yield "ONS credit line", credit["text"], credit["file"], *credit["lines"]
    for entry in resource("council_rollout_2020")["organisations"]["entries"]:
        yield f"organisation {entry['organisation']}", entry["printed"], entry["file"], *entry["lines"]


def test_every_recorded_heading_and_name_is_printed_on_exactly_its_cited_lines():
    recorded = list(recorded_headings())
    assert len(recorded) >= 6 + 4 + 8 + 1 + 8  # six headings, four titles, the survey's facts, the credit, the names
    for what, text, file, first, last in recorded:
        assert cited_exactly(text, file, first, last), what


def test_the_heading_check_rejects_neighbouring_lines():
    for what, text, file, first, last in recorded_headings():
        for shifted in ((first - 1, last - 1), (first + 1, last + 1), (first - 1, last), (first, last + 1)):
            assert not cited_exactly(text, file, *shifted), (what, shifted)


def test_the_headings_differ_by_table_as_printed():
    wording = data.baseline_survey()["question_wording"]
    assert wording["week_prior"] == {
        "sector": "% that worked from home in week prior to interview",
        "age": "% that worked at home in the week prior to interview",
        "region": "% that worked at home in the week prior to interview",
    }
    assert wording["ever"] == {
        "sector": "% that have ever worked from home",
        "age": "% that have ever worked from home",
        "region": "% that ever work at home",
    }


def test_the_total_row_keeps_its_printed_label_and_nothing_claims_the_display_label_was_printed(hw):
    (label,) = resource("homeworking_2019")["category_labels"]
    assert (label["breakdown"], label["category"], label["printed"]) == ("all", "All in employment", "Total")
    assert set(hw.loc[hw.breakdown == "all", "source_line"]) <= set(label["printed_on_lines"]) == {1419, 1438}
    for line in label["printed_on_lines"]:
        assert source_text(label["file"], line).startswith("Total "), line
        for neighbour in (line - 1, line + 1):
            assert not source_text(label["file"], neighbour).startswith("Total"), neighbour
    assert "all in employment" not in (SOURCES_DIR / F1).read_text(encoding="utf-8").casefold()
    assert label["note"].startswith("A display label, not the source's")
    category = next(f for f in resource("homeworking_2019")["schema"]["fields"] if f["name"] == "category")
    assert "except the row printed 'Total'" in category["description"]


def test_no_description_adds_people_in_employment_or_months_the_source_does_not_print():
    hw_res = resource("homeworking_2019")
    ons = data.source_entry("ons-aps-2019")
    for text in (hw_res["description"], ons["title"], hw_res["citation"]):
        assert "January" not in text and "in employment" not in text, text
    percent = next(f for f in hw_res["schema"]["fields"] if f["name"] == "percent")
    assert "employment" not in percent["unit"] + percent["description"]
    assert squash("published March 2020") in squash(source_text(F1, 1421))  # the year is in the tables' titles


def test_the_baseline_survey_gives_what_a_comparison_needs():
    survey = data.baseline_survey()
    assert (survey["survey"], survey["publisher"], survey["period"], survey["published"]) == (
        "Annual Population Survey",
        "Office for National Statistics",
        "2019",
        "March 2020",
    )
    assert "not printed" in survey["population"] and survey["population_outside_seeds"] == "people in employment"
    assert "outside the seed documents" in survey["facts"]["population"]["outside_seeds"]["note"]
    assert "outside" in survey["facts"]["period"]["note"] and "not checked" in survey["facts"]["period"]["note"]
    for name, fact in survey["facts"].items():  # printed with lines, implied by printed lines, or said to be absent
        assert "lines" in fact or "implied_by" in fact or fact["value"] == "not printed", name
    guidance = survey["guidance"]
    assert guidance["outside_seeds"] is True and guidance["checked_against_a_copy_held_here"] is False
    assert guidance["title"].endswith("'Coronavirus and homeworking in the UK: April 2020' (statistical bulletin)")
    assert guidance["path"] == (
        "https://www.ons.gov.uk/employmentandlabourmarket/peopleinwork/employmentandemployeetypes/bulletins/"
        "coronavirusandhomeworkingintheuk/april2020"
    )
    assert "should not be read as one series" in guidance["gist"] and "not checked" in guidance["gist_basis"]
    survey["guidance"]["title"] = "changed"  # a copy: the package itself is not changed
    assert data.baseline_survey()["guidance"]["title"] != "changed"


def test_sources_from_outside_the_seeds_are_marked_and_say_where_they_are_published():
    sources = load_package()["sources"]
    outside = [s for s in sources if s.get("outside_seeds")]
    assert [s["name"] for s in outside] == ["ons-licence-statement", "ons-homeworking-comparison-guidance"]
    for entry in outside:
        assert "file" not in entry and "lines" not in entry, entry["name"]
        assert entry["path"].startswith("https://www.ons.gov.uk/"), entry["name"]
        assert entry["outside_seeds"] is True and entry["checked_against_a_copy_held_here"] is False
        assert "not checked" in entry.get("statement_basis", entry.get("gist_basis", "")), entry["name"]
    for entry in sources:  # every other source is a seed document, or (the ONS figures) read through one
        if not entry.get("outside_seeds"):
            assert "file" in entry or entry.get("via") in {s["name"] for s in sources if "file" in s}, entry["name"]
    statement = data.source_entry("ons-licence-statement")
    assert "Open Government Licence v3.0" in statement["statement"]
    assert "except where otherwise stated" in statement["statement"]


def test_the_ons_figures_say_they_reached_us_through_socitms_reprint():
    ons = data.source_entry("ons-aps-2019")
    assert ons["via"] == "socitm-iov-19" and "reached us through Socitm's reprint" in ons["note"]
    credit = ons["credit"]
    assert credit["lines"] == [1421, 1421] and "licen" not in source_text(F1, 1421).casefold()
    assert "reprint" in ons["licence"] and "states no licence" in ons["licence"]


def licence_basis_holds(entry: dict) -> bool:
    """A source's terms rest on a basis: a licence claimed is stated (in a seed's lines, or by a source from outside
    the seeds, marked so, with where it is published); no licence claimed rests on the seed's own lines stating none."""
    basis = entry.get("licence_basis")
    if not basis:
        return False
    if entry["licenses"]:
        if "source" in basis:
            stated = data.source_entry(basis["source"])
            return (
                stated.get("outside_seeds") is True
                and stated.get("path", "").startswith("https://")
                and all(lic["title"] in stated.get("statement", "") for lic in entry["licenses"])
            )
        printed = squash(source_text(basis["file"], *basis["lines"]))
        return all(squash(lic["title"]) in printed for lic in entry["licenses"])
    if "file" not in basis:
        return False
    text = source_text(basis["file"], *basis["lines"])
    return not re.search(r"open government licen|creative commons|licensed under|copyright", text, re.IGNORECASE)


def test_every_licence_claim_has_a_basis():
    for row in load_councils().itertuples():
        entry = source_for(row.source_file, row.source_line, row.source_line_end)
        assert licence_basis_holds(entry), (row.id, entry["name"])
    for res in load_package()["resources"]:
        named = [data.source_entry(n) for n in res.get("source_names", [])]
        for lic in res["licenses"]:
            if lic["name"] == "quotation":  # no licence: each row's own terms, checked above
                continue
            holders = [s for s in named if lic["title"] in [held["title"] for held in s["licenses"]]]
            assert holders and all(licence_basis_holds(s) for s in holders), (res["name"], lic["title"])


def test_the_licence_basis_check_rejects_a_claim_without_one():
    ons = data.source_entry("ons-aps-2019")
    assert not licence_basis_holds({**ons, "licence_basis": None})
    assert not licence_basis_holds({**ons, "licence_basis": {"source": "socitm-iov-19"}})  # a seed states no OGL
    assert not licence_basis_holds({**ons, "licence_basis": {"file": F1, "lines": [1421, 1421]}})
    socitm = data.source_entry("socitm-iov-19")
    assert not licence_basis_holds({**socitm, "licence_basis": {"finding": "none"}})


def test_measurement_windows_are_windows_not_durations():
    c = load_councils().set_index("id")
    windows = c[c["window_days"].notna()]
    assert windows["window_days"].to_dict() == {
        "norfolk-stress-test": 1,
        "croydon-grant-applications": 0.5,
        "libraries-new-members": 21,
    }
    assert windows["duration_min_days"].isna().all() and windows["duration_max_days"].isna().all()
    for figure_id, words in (
        ("norfolk-stress-test", "on a single day"),
        ("croydon-grant-applications", "in the first 12 hours"),
        ("libraries-new-members", "in the three weeks after"),
    ):
        assert words in c.loc[figure_id, "quote"], figure_id
        assert "window" in resource("council_rollout_2020")["notes"]["rows"][figure_id], figure_id


def test_rejects_a_window_that_is_also_a_duration(tmp_path):
    err = reject_councils(tmp_path, "undated,,,0.5,It had", "undated,0.5,0.5,0.5,It had")
    assert "a row has a measurement window (window_days) or a duration of the change, never both" in err


def test_a_year_the_quote_does_not_print_is_marked_as_inferred():
    inferred = set()
    for row in load_councils().query("precision in @DATED").itertuples():
        year = str(row.period_end.year)
        marked = "(year inferred)" in row.when
        if marked:
            inferred.add(row.id)
        if year in row.quote:
            assert not marked, row.id
        else:
            assert marked or "(by May 2020: the date of the issue)" in row.when, (row.id, row.when)
    assert inferred == {
        "norfolk-stress-test",
        "norfolk-working-from-home",
        "norfolk-teams-telephony-migrated",
        "norfolk-teams-telephony-complete",
        "norfolk-office-start-of-april",
        "norfolk-contact-centre-live",
        "libraries-online-loans",
        "dwp-one-colleague-redeployed",
    }
    one = load_councils().set_index("id").loc["dwp-one-colleague-redeployed"]
    assert (one.precision, one.when) == ("day", "6 April 2020 (year inferred)")
    res = resource("council_rollout_2020")
    assert "(year inferred)" in res["precision"]["day"] and "from what the post is about" in res["inferred_years"]
    assert "without a year" in res["notes"]["rows"]["dwp-one-colleague-redeployed"]


# (precision, claimant, value, value_text, unit, qualifier) of each figure the second pass left out
ADDED = {
    "norfolk-standfirst-staff": ("undated", "editor or journalist", 5000, "5,000", "staff", None),
    "norfolk-teams-live-broadcasts": ("by", "organisation itself", None, "200-300", "people", None),
    "cantium-change-programme": ("undated", "organisation itself", 3, "three weeks", "weeks", "probably"),
    "london-boroughs-apps": ("undated", VENDOR_CLAIM, None, "within a few days", "days", None),
    "dwp-one-colleague-training": ("undated", ONE_PERSON, 5, "5 days", "days", None),
    "dwp-one-colleague-course-condensed": ("undated", ONE_PERSON, 6, "a 6-week face to face course", "weeks", None),
    "surrey-library-memberships": ("undated", "organisation itself", None, "nearly doubled", None, None),
    "surrey-library-downloads": ("undated", "organisation itself", 10, "a factor of 10", "times", None),
    "surrey-rhymetime-views": ("undated", "organisation itself", 7200, "7,200", "views", None),
}


def nullable(value):
    return None if pd.isna(value) else value


@pytest.mark.parametrize("figure_id", ADDED)
def test_the_figures_left_out_before_are_in_with_their_words(figure_id):
    row = load_councils().set_index("id").loc[figure_id]
    value, unit, qualifier = nullable(row.value), nullable(row.unit), nullable(row.qualifier)
    assert (row.precision, row.claimant, value, row.value_text, unit, qualifier) == ADDED[figure_id]


def test_the_added_figures_keep_their_dates_and_times_as_the_source_gives_them():
    c = load_councils().set_index("id")
    broadcasts = c.loc["norfolk-teams-live-broadcasts"]
    assert pd.isna(broadcasts.period_start) and broadcasts.period_end == pd.Timestamp("2020-05-31")
    assert broadcasts.when == "now (by May 2020: the date of the issue)"
    # the standfirst is the magazine's, in the third person about the council
    assert c.loc["norfolk-standfirst-staff", "quote"].startswith("How Norfolk County Council expanded")
    # only a time the change took is a duration: the 5 days of training; not the course's normal 6 weeks,
    # not 'a few days' (no number), not the chief executive's 'probably ... in three weeks'
    assert c.loc["dwp-one-colleague-training", ["duration_min_days", "duration_max_days"]].tolist() == [5, 5]
    for figure_id in ("dwp-one-colleague-course-condensed", "london-boroughs-apps", "cantium-change-programme"):
        assert c.loc[figure_id, ["duration_min_days", "duration_max_days", "window_days"]].isna().all(), figure_id
    # the London boroughs' claim is also printed in the magazine's version of Microsoft's piece
    assert cited_exactly("built and deployed within a few days", F1, 1757, 1758)
    assert source_for(F1, 1754, 1758)["vendor"] == "Microsoft"


def test_cantium_is_named_and_described_as_the_sources_allow():
    c = load_councils()
    cantium = c[c["organisation"].str.startswith("Cantium")]
    assert set(cantium["organisation"]) == {"Cantium Business Solutions"}
    assert set(cantium["kind"]) == {"company serving local authorities"}
    assert "council-owned company" not in data.KINDS
    assert set(cantium["region"]) == {"South East"}
    entries = resource("council_rollout_2020")["organisations"]["entries"]
    entry = next(e for e in entries if e["organisation"] == "Cantium Business Solutions")
    assert squash("Cantium serves several local authorities") in squash(source_text(F1, 1038, 1039))
    assert squash("The company provides HR, IT and financial services") in squash(source_text(F1, 962, 963))
    assert "Kent Police" in source_text(F1, 965) and "channel ports" in source_text(F1, 960)
    assert "Inferred, not printed" in entry["region_basis"] and "Kent" not in "".join(cantium["organisation"])
    note = resource("council_rollout_2020")["notes"]["rows"]["cantium-plans-activated"]
    assert "'By this point'" in note and squash("By this point") in squash(source_text(F1, 978, 979))


def test_every_organisation_is_named_as_printed_or_its_normalisation_is_recorded():
    entries = {e["organisation"]: e for e in resource("council_rollout_2020")["organisations"]["entries"]}
    for organisation, rows in load_councils().groupby("organisation"):
        printed = any(
            squash(organisation).casefold() in squash((SOURCES_DIR / f).read_text(encoding="utf-8")).casefold()
            for f in set(rows["source_file"])
        )
        if organisation in entries:
            entry = entries[organisation]
            assert printed == ("kind_basis" in entry), organisation  # recorded as normalised, or for its kind
        else:
            assert printed, f"{organisation} is not printed as such: record its printed name"
    assert entries["Durham County Council"]["printed"] == "Durham Council"
    assert "Durham Council" in source_text(F1, 1718)


def test_library_figures_say_average_and_second_hand():
    c = load_councils().set_index("id")
    loans = c.loc["libraries-online-loans"]
    assert "average" in loans.measure and "up an average of 63%" in loans.quote
    libraries = c.loc[["libraries-online-loans", "libraries-new-members"], "claimant"]
    assert set(libraries) == {"organisation, at second hand"}
    assert "told the BBC" in source_text(F1, 747)
    assert "told another outlet" in resource("council_rollout_2020")["claimants"]["organisation, at second hand"]


def test_attributions_say_how_they_are_known():
    microsoft = data.source_entry("microsoft-advertorial-iov-19")
    assert "The same piece" in microsoft["note"] and "same text as" not in microsoft["note"]
    assert "as described on page 36" in source_text(F1, 1717) and "as described on page 36" not in source_text(F4, 6)
    assert "Advertorial" in source_text(F1, 1697) and "Guest blog post from Microsoft." in source_text(F4, 2)
    jadu = data.source_entry("jadu-advertorial-iov-19")
    assert jadu["attribution"] == "inferred" and jadu["note"].startswith("No label ('Advertorial') and no byline")
    assert "advertorial" not in source_text(F1, *jadu["lines"]).casefold()
    assert "Jadu Library" in source_text(F1, 1858)


def test_the_scope_decision_is_recorded_with_its_lines():
    res = resource("council_rollout_2020")
    c = load_councils()
    ids = set(c["id"])
    assert set(res["notes"]["rows"]) <= ids
    scope = res["scope"]
    for decision in scope["added_siblings"] + scope["left_out"]:
        text = source_text(decision["file"], *decision["lines"])
        for figure in re.findall(r"£?\d[\d,.]*\d|£?\d", decision["what"]):
            assert figure in text, (decision["lines"], figure)
    for left in scope["left_out"]:  # nothing in the table is quoted from what was left out
        first, last = left["lines"]
        cited = c[(c["source_file"] == left["file"]) & (c["source_line_end"] >= first) & (c["source_line"] <= last)]
        assert cited.empty, left["lines"]
    assert len(scope["added_siblings"]) == 1
    assert set(c.loc[(c["source_line"] == 769) & (c["source_line_end"] == 775), "id"]) == {
        "surrey-library-memberships",
        "surrey-library-downloads",
        "surrey-rhymetime-views",
    }


# ---- the validator rejects crafted bad tables, naming file, row and rule ----


def broken(tmp_path, edit):
    lines = HOMEWORKING_CSV.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "broken.csv"
    path.write_text("\n".join(edit(lines)) + "\n", encoding="utf-8")
    return path


def reject(path):
    with pytest.raises(DataValidationError) as err:
        load_homeworking(path)
    assert str(path) in str(err.value)
    return err.value


def replace_line(lines, index, old, new):
    lines = list(lines)
    lines[index] = lines[index].replace(old, new)
    return lines


def test_rejects_percent_out_of_range(tmp_path):
    # line 4 of the file is Information and communication, week before (32.8)
    err = reject(broken(tmp_path, lambda ls: replace_line(ls, 3, "32.8", "132.8")))
    assert "row 4, column 'percent': percent is between 0 and 100 (found 132.8)" in str(err)


def test_rejects_week_before_above_ever(tmp_path):
    err = reject(broken(tmp_path, lambda ls: replace_line(ls, 3, "32.8", "62.8")))
    assert any(p.row == 4 and "week-before share cannot exceed the ever share" in p.rule for p in err.problems)
    assert "sector / Information and communication / week_prior" in str(err)


def test_rejects_duplicate_key(tmp_path):
    err = reject(broken(tmp_path, lambda ls: [*ls[:4], ls[3], *ls[4:]]))
    rows = sorted(p.row for p in err.problems if "duplicate key" in p.rule)
    assert rows == [4, 5]


def test_rejects_missing_category(tmp_path):
    err = reject(broken(tmp_path, lambda ls: [line for line in ls if "Manufacturing" not in line]))
    assert "sector needs 10 categories, found 9" in str(err)


def test_rejects_wrong_type(tmp_path):
    err = reject(broken(tmp_path, lambda ls: replace_line(ls, 3, "32.8", "thirty")))
    assert "row 4, column 'percent': must be a number (found 'thirty')" in str(err)


def test_rejects_unknown_breakdown_and_missing_column(tmp_path):
    err = reject(broken(tmp_path, lambda ls: replace_line(ls, 3, "sector,", "sectr,")))
    assert "row 4, column 'breakdown': breakdown is one of" in str(err)
    err = reject(broken(tmp_path, lambda ls: replace_line(ls, 0, "percent", "pct")))
    assert "a column named 'percent' is required" in str(err)


def test_rejects_council_day_the_source_does_not_give(tmp_path):
    lines = COUNCILS_CSV.read_text(encoding="utf-8").splitlines()
    lines = [line.replace("2020-02-01,2020-02-29,month", "2020-02-14,2020-02-14,month") for line in lines]
    path = tmp_path / "councils.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        load_councils(path)
    assert "period_start and period_end fit the precision" in str(err.value)
    assert "row 3" in str(err.value)


def reject_councils(tmp_path, old, new):
    text = COUNCILS_CSV.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "councils.csv"
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        load_councils(path)
    return str(err.value)


def test_rejects_a_by_date_coded_with_a_start(tmp_path):
    # Norfolk's "had the rest completed by mid-April" as it was first coded: a span 11-20 April.
    err = reject_councils(
        tmp_path,
        "by mid-April 2020 (year inferred),,2020-04-20,by",
        "by mid-April 2020 (year inferred),2020-04-11,2020-04-20,part of month",
    )
    assert "row 8: a date the source gives as 'by …' has precision 'by': an end, no start" in err


def test_rejects_named_weeks_that_are_not_calendar_weeks(tmp_path):
    # "the last week of March and the first week of April" as 25 March-7 April (Wednesday to Tuesday)
    err = reject_councils(tmp_path, "2020-03-23,2020-04-05,weeks", "2020-03-25,2020-04-07,weeks")
    assert "row 7: period_start and period_end fit the precision" in err


def test_rejects_part_of_a_month_that_is_not_its_first_middle_or_last_third(tmp_path):
    err = reject_councils(tmp_path, "2020-03-21,2020-03-31,part of month", "2020-03-20,2020-03-31,part of month")
    assert "row 4: period_start and period_end fit the precision" in err


def test_rejects_a_vendor_claim_passed_off_as_the_organisations_own(tmp_path):
    err = reject_councils(
        tmp_path,
        'within a week",vendor claim (advertorial),004',
        'within a week",organisation itself,004',
    )
    assert "a quote from a vendor's advertorial has claimant 'vendor claim (advertorial)'" in err


def test_rejects_an_unknown_claimant_and_a_quote_from_an_unlisted_source(tmp_path):
    err = reject_councils(tmp_path, ",another body,003", ",a blogger,003")
    assert "claimant is one of organisation itself, organisation, at second hand, editor or journalist" in err
    err = reject_councils(
        tmp_path,
        "one person's account,002_6664e2bd9ac29511.txt,359,359",
        "one person's account,002_6664e2bd9ac29511.txt,59,59",
    )
    assert "source_file and lines fall in one entry of the Data Package's sources" in err


def test_the_validation_stamp_is_current():
    """data/validated.json records the built-in files that passed validation; after editing one, run
    `python -m lib.data` (which validates them all) so that servers start without validating again."""
    recorded = json.loads(data.VALIDATED_JSON.read_text(encoding="utf-8"))
    assert recorded == data.validation_stamp(), "run `python -m lib.data` to validate the data and record it"


def test_a_stamped_file_loads_exactly_as_validation_would(tmp_path):
    for name, load in (
        ("homeworking_2019.csv", data.load_homeworking),
        ("council_rollout_2020.csv", data.load_councils),
    ):
        copy = tmp_path / name
        copy.write_bytes((data.DATA_DIR / name).read_bytes())
        assert data.validated_before(data.DATA_DIR / name) and not data.validated_before(copy)
        pd.testing.assert_frame_equal(load(), load(copy))  # typed straight from the file, or through pandera


def test_a_changed_file_is_validated_again(tmp_path, monkeypatch):
    stale = tmp_path / "validated.json"
    stale.write_text(json.dumps({**data.validation_stamp(), "homeworking_2019.csv": "0" * 64}), encoding="utf-8")
    monkeypatch.setattr(data.load, "VALIDATED_JSON", stale)
    assert not data.validated_before(data.HOMEWORKING_CSV)
    assert data.validated_before(data.COUNCILS_CSV)
