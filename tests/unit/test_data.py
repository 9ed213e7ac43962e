"""The transcribed figures against their source documents, and the validator against broken tables."""

import math
import re

import pandas as pd
import pytest

from lib.data import (
    COUNCILS_CSV,
    HOMEWORKING_CSV,
    DataValidationError,
    load_councils,
    load_homeworking,
    load_package,
    load_regions,
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


def test_every_occupation_figure_is_in_its_cited_lines(hw):
    for row in hw[(hw.breakdown == "occupation") & (hw.measure == "ever")].itertuples():
        text = source_text(row.source_file, row.source_line - 3, row.source_line + 1)
        assert f"{row.percent:.0f}%" in text, (row.category, text)


def test_council_quotes_are_verbatim_at_their_cited_lines():
    councils = load_councils()
    for row in councils.itertuples():
        text = source_text(row.source_file, row.source_line, row.source_line_end)
        squash = lambda s: re.sub(r"\s+", "", s)  # noqa: E731 — PDF text breaks lines mid-sentence
        assert squash(row.quote) in squash(text), row.id


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
    assert c.loc["dwp-claims-on-time", "value"] == 90
    assert c.loc["dwp-days-to-operational", ["duration_min_days", "duration_max_days"]].tolist() == [5, 8]


def test_no_invented_days():
    c = load_councils()
    month = c[c.precision == "month"]
    assert (month.period_start.dt.day == 1).all()
    undated = c[c.precision.isin(["undated", "before the pandemic"])]
    assert undated.period_start.isna().all() and undated.period_end.isna().all()
    assert c[c.precision == "day"].id.tolist() == ["pm-instruction"]


def test_datapackage_describes_every_column():
    package = load_package()
    for res in package["resources"]:
        fields = [f["name"] for f in res["schema"]["fields"]]
        path = HOMEWORKING_CSV if res["name"] == "homeworking_2019" else COUNCILS_CSV
        assert fields == pd.read_csv(path, nrows=0).columns.tolist()
    assert package["licenses"][0]["title"] == "Open Government Licence v3.0"
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
