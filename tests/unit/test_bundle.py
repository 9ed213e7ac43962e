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
