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


def test_every_table_figure_is_printed_on_its_cited_line(hw):
    """Read each cited line of the source document and find the label and both figures on it."""
    for (breakdown, category), rows in hw[hw.breakdown != "occupation"].groupby(["breakdown", "category"]):
        line = source_text(rows.source_file.iloc[0], int(rows.source_line.iloc[0]))
        label = "Total" if breakdown == "all" else category
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
        "late March 2020",
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
    """The Monday-to-Sunday week that belongs to the month by its Thursday (the ISO 8601 rule)."""
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
    by = re.search(r"\bby ([^:)]+)", row.when)
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
    assert one["id"].tolist() == ["dwp-one-colleague-redeployed"]
    assert one["quote"].str.startswith("I ").all()  # in the first person
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
    assert c.loc["norfolk-contact-centre-live", ["precision", "when"]].tolist() == ["part of month", "mid-April 2020"]


# ---- descriptions say what the source and the data say ----


def test_measure_descriptions_quote_the_source_headings_and_add_nothing():
    framing = {"percentage", "of", "people", "in", "employment", "who", "the", "their", "survey", "source's", "heading"}
    for name, measure in resource("homeworking_2019")["measures"].items():
        heading = measure["source_heading"]
        printed = source_text(heading["file"], *heading["lines"])
        assert squash(heading["text"]).casefold() in squash(printed).casefold(), name
        assert f"'{heading['text']}'" in measure["description"], name
        words = set(
            re.findall(r"[a-z]+(?:'[a-z]+)?", measure["description"].casefold().replace(heading["text"].casefold(), ""))
        )
        allowed = (
            framing
            | set(re.findall(r"[a-z]+(?:'[a-z]+)?", heading["text"].casefold()))
            | {"before", "interview", "week"}
        )
        assert words <= allowed, (name, words - allowed)


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
        tmp_path, "by mid-April 2020,,2020-04-20,by", "by mid-April 2020,2020-04-11,2020-04-20,part of month"
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
    assert "claimant is one of organisation itself, editor or journalist" in err
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
    monkeypatch.setattr(data, "VALIDATED_JSON", stale)
    assert not data.validated_before(data.HOMEWORKING_CSV)
    assert data.validated_before(data.COUNCILS_CSV)
