"""Exports: every format reads back to the same view, carries its provenance, and cannot run a formula."""

import io
import json
import re
import zipfile
from datetime import UTC, datetime

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

from lib import __version__
from lib.data import load_councils, load_homeworking
from lib.render import export

VIEW_COLUMNS = ["breakdown", "category", "measure", "percent", "code", "official_name", "source", "source_line"]
WHEN = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
OGL = "Open Government Licence v3.0"


@pytest.fixture(scope="module")
def sectors():
    hw = load_homeworking()
    return hw[hw["breakdown"] == "sector"][VIEW_COLUMNS].reset_index(drop=True)


@pytest.fixture(scope="module")
def prov(sectors):
    return export.provenance(sectors, "homeworking_2019", {"breakdown": "sector", "search": "=cmd"}, exported_at=WHEN)


def read_back(fmt, data):
    reader = {
        "csv": pd.read_csv,
        "json": pd.read_json,
        "parquet": pd.read_parquet,
        "xlsx": pd.read_excel,
    }[fmt]
    return reader(io.BytesIO(data))


def exported(fmt, view, prov, **kw):
    if fmt == "csv":
        return export.to_csv(view, **kw)
    if fmt == "json":
        return export.to_json(view)
    return {"parquet": export.to_parquet, "xlsx": export.to_xlsx}[fmt](view, prov)


# ---- round trip: the same values and types as the view -------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet", "xlsx"])
def test_round_trip_gives_the_view_back(fmt, sectors, prov):
    back = read_back(fmt, exported(fmt, sectors, prov))
    assert list(back.columns) == VIEW_COLUMNS
    pd.testing.assert_frame_equal(back, sectors, check_dtype=True)
    row = back[(back["category"] == "Public administration and defence") & (back["measure"] == "week_prior")]
    assert row["percent"].tolist() == [13.7]  # as printed in the ONS table
    assert row["code"].tolist() == ["O"]


def test_excel_friendly_csv_has_a_bom_and_still_reads_without_options(sectors):
    data = export.to_csv(sectors, bom=True)
    assert data.startswith(b"\xef\xbb\xbf") and not export.to_csv(sectors).startswith(b"\xef\xbb\xbf")
    pd.testing.assert_frame_equal(pd.read_csv(io.BytesIO(data)), sectors)


def test_missing_figures_stay_missing_in_every_format(prov):
    hw = load_homeworking()
    occupations = hw[hw["breakdown"] == "occupation"][["category", "measure", "percent"]].reset_index(drop=True)
    for fmt in ("csv", "json", "parquet", "xlsx"):
        back = read_back(fmt, exported(fmt, occupations, prov))
        week = back[back["measure"] == "week_prior"]["percent"]
        assert week.isna().all() and len(week) == 5, fmt
        assert back[back["measure"] == "ever"]["percent"].tolist() == [69.0, 58.0, 57.0, 56.0, 55.0], fmt


@pytest.mark.parametrize("fmt", ["parquet", "xlsx"])
def test_council_dates_and_numbers_round_trip_in_typed_formats(fmt):
    councils = load_councils()
    prov = export.provenance(councils, "council_rollout_2020", {}, exported_at=WHEN)
    back = read_back(fmt, exported(fmt, councils, prov))
    for column in ("period_start", "period_end"):
        back[column] = back[column].astype(councils[column].dtype)
    pd.testing.assert_frame_equal(back, councils, check_dtype=False)
    assert back["period_start"].dtype.kind == "M"
    assert back.set_index("id").loc["norfolk-working-from-home", "value"] == 5000


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_council_dates_are_iso_days_in_text_formats(fmt):
    councils = load_councils()
    back = read_back(fmt, exported(fmt, councils, None))
    assert back.set_index("id").loc["pm-instruction", "period_start"] == "2020-03-23"
    for column in ("period_start", "period_end"):
        back[column] = pd.to_datetime(back[column]).astype(councils[column].dtype)
    pd.testing.assert_frame_equal(back, councils, check_dtype=False)


# ---- provenance travels with every file ------------------------------------------------------


def test_excel_has_an_about_sheet_to_cite(sectors, prov):
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(sectors, prov)))
    assert book.sheetnames == ["Data", "About"]
    about = {row[0]: row[1] for row in book["About"].iter_rows(min_row=2, values_only=True)}
    assert about["Source"].startswith("Office for National Statistics, Annual Population Survey 2019")
    assert about["Licence"].startswith(OGL)
    assert about["Filter: breakdown"] == "sector"
    assert about["Filter: search"] == "=cmd"
    assert about["Product"] == f"Homeworking dashboard {__version__}"
    assert about["Exported at"] == "2026-11-23T09:30:00Z"
    assert about["Column: percent"].startswith("The published percentage (the tables do not print what it is")


def test_parquet_carries_provenance_in_its_key_value_metadata(sectors, prov):
    data = export.to_parquet(sectors, prov)
    metadata = pq.read_schema(io.BytesIO(data)).metadata
    assert metadata[b"homeworking:licence"].decode().startswith(OGL)
    assert metadata[b"homeworking:product_version"].decode() == __version__
    assert metadata[b"homeworking:exported_at"].decode() == "2026-11-23T09:30:00Z"
    assert json.loads(metadata[b"homeworking:filters"]) == {"breakdown": "sector", "search": "=cmd"}
    assert export.read_parquet_provenance(data)["source"].startswith("Office for National Statistics")
    field = pq.read_schema(io.BytesIO(data)).field("percent")
    assert b"Unit: % of the category." in field.metadata[b"description"]


def test_csv_and_json_sidecar_is_a_data_package(sectors, prov):
    package = json.loads(export.datapackage(sectors, prov, "homeworking-2019-sector"))
    assert [r["path"] for r in package["resources"]] == ["homeworking-2019-sector.csv", "homeworking-2019-sector.json"]
    assert package["licenses"][0]["title"] == OGL
    assert [f["name"] for f in package["resources"][0]["schema"]["fields"]] == VIEW_COLUMNS
    assert package["homeworking_export"]["filters"] == {"breakdown": "sector", "search": "=cmd"}
    assert package["homeworking_export"]["product_version"] == __version__
    assert package["created"] == "2026-11-23T09:30:00Z"
    assert any("Annual Population Survey" in s["title"] for s in package["sources"])


def test_uploaded_figures_are_named_as_not_ons(sectors):
    mine = sectors.head(2).assign(source="Our staff survey 2021", percent=[40.0, 60.0])
    prov = export.provenance(pd.concat([sectors, mine]), "homeworking_2019", {}, exported_at=WHEN)
    assert prov.uploaded_sources == ("Our staff survey 2021",)
    about = dict(prov.rows())
    assert about["Uploaded figures"].startswith("Our staff survey 2021 — Uploaded by the user")
    assert about["Filters"] == "none (the whole table)"


def test_export_time_defaults_to_now_in_utc(sectors):
    stamp = export.provenance(sectors, "homeworking_2019", {}).exported_at
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp)


# ---- formula injection guard ----------------------------------------------------------------

RISKY = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "safe text"]


@pytest.fixture
def risky():
    return pd.DataFrame({"category": RISKY, "percent": [-3.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})


def test_csv_neutralises_formula_cells_and_leaves_numbers(risky):
    back = pd.read_csv(io.BytesIO(export.to_csv(risky)))
    assert back["category"].tolist()[:6] == ["'" + text for text in RISKY[:6]]
    assert back["category"].tolist()[6] == "safe text"
    assert back["percent"].tolist() == [-3.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert back["percent"].dtype == "float64"


def test_excel_stores_formula_cells_as_quoted_text_and_numbers_as_numbers(risky, prov):
    data = export.to_xlsx(risky, prov)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Data"]
    cells = [sheet.cell(row=r, column=1) for r in range(2, 9)]
    # A carriage return is stored as Excel's escape _x000D_, which Excel shows as CR and openpyxl leaves as is.
    assert [c.value for c in cells] == [text.replace("\r", "_x000D_") for text in RISKY]
    assert all(c.data_type == "s" for c in cells)
    assert [c.quotePrefix for c in cells] == [True] * 6 + [False]
    numbers = [sheet.cell(row=r, column=2) for r in range(2, 9)]
    assert numbers[0].value == -3.5 and all(c.data_type == "n" for c in numbers)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml  # no cell is a formula


def test_json_and_parquet_keep_text_exactly(risky, prov):
    assert pd.read_json(io.BytesIO(export.to_json(risky)))["category"].tolist() == RISKY
    assert pd.read_parquet(io.BytesIO(export.to_parquet(risky, prov)))["category"].tolist() == RISKY


def test_the_guard_leaves_the_view_itself_untouched(risky):
    export.to_csv(risky)
    assert risky["category"].tolist() == RISKY


# ---- names and limits -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("groups", "filtered", "uploads", "stem"),
    [
        (["sector"], True, False, "homeworking-2019-sector-filtered"),
        (["sector"], False, False, "homeworking-2019-sector"),
        ([], False, False, "homeworking-2019"),
        (["region", "age"], False, True, "homeworking-2019-region-age-with-your-data"),
        (["all", "sector", "age", "region"], False, False, "homeworking-2019-filtered"),
    ],
)
def test_file_names_say_what_is_inside(groups, filtered, uploads, stem):
    assert export.export_stem("homeworking-2019", groups, filtered=filtered, with_uploads=uploads) == stem


def test_council_kinds_become_file_name_words():
    stem = export.export_stem("council-rollout-2020", ["county council"], filtered=False, with_uploads=False)
    assert stem == "council-rollout-2020-county-council"


def test_excel_refuses_more_rows_than_a_sheet_holds(prov):
    with pytest.raises(ValueError, match="at most 1,048,575 rows"):
        export.to_xlsx(pd.DataFrame({"a": range(export.EXCEL_MAX_ROWS + 1)}), prov)


# ---- licences are those of the rows exported, never a blanket one ---------------------------


@pytest.fixture(scope="module")
def vendor_and_cabinet_office():
    """Welsh Government (a Microsoft advertorial) and DWP (four rows from the Cabinet Office report, two a blog)."""
    councils = load_councils()
    return councils[councils["organisation"].isin(["Welsh Government", "Department for Work and Pensions"])]


def test_council_export_lists_the_licences_of_its_rows_and_claims_no_ogl(vendor_and_cabinet_office):
    prov = export.provenance(vendor_and_cabinet_office, "council_rollout_2020", {}, exported_at=WHEN)
    assert prov.licences == (
        "Quotation from a Microsoft guest post (an advertorial) on the Socitm website: no licence is stated and "
        "none is claimed",
        "Quotation from a Cabinet Office document marked 'Official - Sensitive': it states no licence and none is "
        "claimed",
        "Quotation from a DWP Digital blog post, as collected in source 002: no licence is stated there and none is "
        "claimed",
    )
    assert OGL not in prov.licence
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(vendor_and_cabinet_office, prov)))
    about = {row[0]: row[1] for row in book["About"].iter_rows(min_row=2, values_only=True)}
    assert about["Licences (each row's in its licence column)"].split("\n") == list(prov.licences)
    assert "Licence" not in about
    assert "Cabinet Office, Innovation and Lessons Learned" in about["Publications of these rows"]
    assert about["Column: claimant"].startswith("Who makes the claim")
    assert about["Column: licence"].startswith("Added on loading")


def test_parquet_and_sidecar_carry_each_rows_terms(vendor_and_cabinet_office):
    prov = export.provenance(vendor_and_cabinet_office, "council_rollout_2020", {}, exported_at=WHEN)
    metadata = pq.read_schema(io.BytesIO(export.to_parquet(vendor_and_cabinet_office, prov))).metadata
    assert json.loads(metadata[b"homeworking:licences"]) == list(prov.licences)
    package = json.loads(export.datapackage(vendor_and_cabinet_office, prov, "council-rollout-2020-filtered"))
    assert package["licenses"] == []  # quotations: no licence object is claimed for them
    assert [s["name"] for s in package["sources"]] == [
        "microsoft-guest-post-web",
        "dwp-digital-blog-2020",
        "cabinet-office-lessons-2022",
    ]
    cabinet_office = package["sources"][2]
    assert cabinet_office["marking"] == "Official - Sensitive" and cabinet_office["licenses"] == []
    fields = [f["name"] for f in package["resources"][0]["schema"]["fields"]]
    assert fields[-3:] == ["source_line_end", "publication", "licence"] and "claimant" in fields


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet", "xlsx"])
def test_vendor_claims_and_licences_travel_with_the_rows(fmt, vendor_and_cabinet_office):
    prov = export.provenance(vendor_and_cabinet_office, "council_rollout_2020", {}, exported_at=WHEN)
    back = read_back(fmt, exported(fmt, vendor_and_cabinet_office, prov)).set_index("id")
    assert back.loc["welsh-government-teams", "claimant"] == "vendor claim (advertorial)"
    assert back.loc["dwp-one-colleague-redeployed", "claimant"] == "one person's account"
    assert "'Official - Sensitive'" in back.loc["dwp-claims-on-time", "licence"]


def test_a_view_of_uploaded_rows_only_claims_no_ons_licence(sectors):
    mine = sectors.head(2).assign(source="Our staff survey 2021")
    prov = export.provenance(mine, "homeworking_2019", {}, exported_at=WHEN)
    assert prov.licences == ()
    about = dict(prov.rows())
    assert about["Licence"] == "none claimed: no built-in rows in this view"
    assert "the uploader's terms apply" in about["Uploaded figures"]
    package = json.loads(export.datapackage(mine, prov, "mine"))
    assert package["licenses"] == [] and package["sources"] == []


def test_the_ons_view_names_only_the_ons_source(sectors, prov):
    package = json.loads(export.datapackage(sectors, prov, "homeworking-2019-sector"))
    assert [s["name"] for s in package["sources"]] == ["ons-aps-2019"]
    assert [lic["title"] for lic in package["licenses"]] == [OGL]
