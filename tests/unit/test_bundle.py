"""Bundles: your figures in one .zip that brings them back — every check again on the way in, and a zip that
is not a bundle, or a tampered one, refused in words."""

import io
import json
import zipfile
from datetime import UTC, datetime

import pytest

from lib import data
from lib.uploads import bundle, parse

APRIL = (
    "breakdown,category,measure,percent\n"
    "region,London,week_prior,57.2\n"
    "region,Yorkshire and The Humber,week_prior,35.0\n"
    "region,Our own patch,week_prior,40.0\n"
)
WHEN = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)
PERMALINK = "https://dash.example/regions?region=London"


@pytest.fixture(scope="module")
def april():
    return parse.read_upload(APRIL.encode(), "lms-april-2020.csv", "", reference=data.load_homeworking())


@pytest.fixture(scope="module")
def made(april):
    return bundle.make_bundle(april.rows, "lms-april-2020", WHEN, PERMALINK)


def members(zipped: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(zipped))
    return {name: archive.read(name) for name in archive.namelist()}


def rezip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_bundle_holds_the_rows_their_name_time_checks_and_view(made, april):
    files = members(made)
    assert set(files) == {"your-figures.csv", "datapackage.json", "README.md"}
    about = json.loads(files["datapackage.json"])["homeworking_bundle"]
    assert about["figures_name"] == "lms-april-2020" and about["uploaded_at"] == "2026-11-30T09:15:00Z"
    assert about["permalink"] == PERMALINK and about["rows"] == len(april.rows) == 3
    assert "percent is a number between 0 and 100, or empty" in about["checks_passed"]
    assert PERMALINK in files["README.md"].decode()
    assert "Yorkshire & Humber" in files["your-figures.csv"].decode()  # the matched 2019 label travels


def test_uploading_the_bundle_brings_back_the_same_figures(made, april):
    back = parse.read_upload(made, "lms-april-2020-bundle.zip", "", reference=data.load_homeworking())
    assert back.rows.equals(april.rows)
    assert (back.uploaded_at, back.permalink) == ("2026-11-30T09:15:00Z", PERMALINK)
    assert back.notes[0] == "Restored from your bundle: 3 rows first uploaded 30 November 2026 at 09:15 UTC."
    renamed = parse.read_upload(made, "b.zip", "April, renamed", reference=data.load_homeworking())
    assert set(renamed.rows["source"]) == {"April, renamed"}  # a name typed on the way in wins


def test_a_tampered_bundle_is_refused_like_any_bad_file(made):
    files = members(made)
    files["your-figures.csv"] = files["your-figures.csv"].replace(b"57.2", b"157.2")
    with pytest.raises(parse.UploadError) as refused:
        parse.read_upload(rezip(files), "edited.zip", "", reference=data.load_homeworking())
    assert refused.value.problems[0].rule == "percent is between 0 and 100"


def test_a_zip_that_is_not_a_bundle_says_so(made):
    foreign = rezip({"datapackage.json": b'{"name": "someone-elses"}', "your-figures.csv": b"a,b\n1,2\n"})
    with pytest.raises(parse.UploadError) as refused:
        parse.read_upload(foreign, "other.zip", "", reference=data.load_homeworking())
    assert "not a bundle's description" in refused.value.problems[0].rule
    many = rezip({f"f{i}.csv": b"x" for i in range(30)} | {"datapackage.json": b"{}"})
    with pytest.raises(parse.UploadError) as crowded:
        parse.read_upload(many, "many.zip", "", reference=data.load_homeworking())
    assert "holds 31 files: a bundle holds three" in crowded.value.problems[0].rule


def test_a_plain_zip_is_not_taken_for_a_bundle():
    assert not bundle.is_bundle(rezip({"data.csv": b"a\n1\n"}))
    assert not bundle.is_bundle(b"breakdown,category\n")


def test_a_bundles_upload_time_is_said_in_words_and_an_edited_one_as_it_is():
    from lib.uploads.parse import _in_words

    assert _in_words("2026-11-30T09:15:00Z") == "30 November 2026 at 09:15 UTC"
    assert _in_words("2026-11-30T10:15:00+01:00") == "30 November 2026 at 09:15 UTC"
    assert _in_words("last Tuesday") == "last Tuesday"


TRIGGERS = (
    "breakdown,category,measure,percent\n"
    "age,-5 to 0 band,ever,10.0\n"
    "age,+ more,ever,11.0\n"
    'age,"=SUM(A1:A2)",ever,12.0\n'
    "age,@home,ever,13.0\n"
    "age,'quoted already,ever,14.0\n"
    "age,''two,ever,15.0\n"
)


def test_the_round_trip_is_exact_for_labels_a_spreadsheet_would_run():
    upload = parse.read_upload(TRIGGERS.encode(), "bands.csv", "Bands", reference=data.load_homeworking())
    labels = list(upload.rows["category"])
    assert labels == ["-5 to 0 band", "+ more", "=SUM(A1:A2)", "@home", "'quoted already", "''two"]
    made = bundle.make_bundle(upload.rows, "Bands", WHEN, PERMALINK)
    written = members(made)["your-figures.csv"].decode()
    assert "'-5 to 0 band" in written and "'=SUM(A1:A2)" in written  # still safe to open in a spreadsheet
    back = parse.read_upload(made, "bands-bundle.zip", "", reference=data.load_homeworking())
    assert list(back.rows["category"]) == labels
    assert back.rows.equals(upload.rows)


def test_a_bundle_made_before_its_own_mark_loses_only_the_exports_quote(april):
    files = members(bundle.make_bundle(april.rows, "old", WHEN, PERMALINK))
    about = json.loads(files["datapackage.json"])
    del about["homeworking_bundle"]["text_guard"]
    files["datapackage.json"] = json.dumps(about).encode()
    files["your-figures.csv"] = files["your-figures.csv"].replace(b"Our own patch", b"'-5 band")
    back = parse.read_upload(rezip(files), "old.zip", "", reference=data.load_homeworking())
    assert "-5 band" in set(back.rows["category"])


def read_with(made, **about_bundle):
    """The bundle read back after its datapackage.json's homeworking_bundle fields were edited to `about_bundle`."""
    files = members(made)
    about = json.loads(files["datapackage.json"])
    about["homeworking_bundle"].update(about_bundle)
    files["datapackage.json"] = json.dumps(about).encode()
    return parse.read_upload(rezip(files), "edited.zip", "", reference=data.load_homeworking())


@pytest.mark.parametrize("stamp", ["last Tuesday", 20261130, None, ["2026"], "2026-13-45T99:00:00Z"])
def test_a_bundle_whose_time_is_not_one_is_read_with_the_time_unknown(made, stamp):
    back = read_with(made, uploaded_at=stamp)
    assert back.uploaded_at is None
    assert back.notes[0] == "Restored from your bundle: 3 rows."
    assert any("first uploaded is unknown" in note for note in back.notes)


@pytest.mark.parametrize("address", ["javascript:alert(1)", "x" * 3000, 42, "//no-scheme.example/"])
def test_a_bundles_address_that_is_not_a_web_address_is_dropped_with_a_note(made, address):
    back = read_with(made, permalink=address)
    assert back.permalink is None
    assert any("not one of this dashboard's" in note for note in back.notes)


@pytest.mark.parametrize("name", [None, 7, ["a"]])
def test_a_bundle_without_a_name_for_its_figures_is_refused(made, name):
    files = members(made)
    about = json.loads(files["datapackage.json"])
    about["homeworking_bundle"]["figures_name"] = name
    files["datapackage.json"] = json.dumps(about).encode()
    with pytest.raises(parse.UploadError, match="names no figures"):
        parse.read_upload(rezip(files), "edited.zip", "", reference=data.load_homeworking())


def test_a_bundle_inside_a_bundle_is_refused_at_once(made):
    nested = made
    for _ in range(400):  # as deep as the issue found recursion stopping it
        files = members(made)
        files["your-figures.csv"] = nested
        nested = rezip(files)
        if len(nested) > 200_000:
            break
    with pytest.raises(parse.UploadError) as refused:
        parse.read_upload(nested, "nested.zip", "", reference=data.load_homeworking())
    assert "a bundle inside a bundle is not read" in refused.value.problems[0].rule
