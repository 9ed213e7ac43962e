"""Your figures, kept by you: a bundle (.zip) that brings them back, with nothing stored on the server.

A bundle holds the person's validated rows as CSV, a `datapackage.json` with the name they
gave their figures, when they were uploaded, the checks they passed and the permalink of the
view they were on, and a short README. Uploaded again on the Explore page, its rows go
through every check an upload goes through (a bundle is only a file someone may have edited),
and its permalink is offered back.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from lib import __version__
from lib.comparability import Basis, verdict
from lib.data import Problem
from lib.limits import LIMITS
from lib.render import export

PROFILE = "homeworking-dashboard-bundle"
ROWS_FILE = "your-figures.csv"
COLUMNS = ("breakdown", "category", "measure", "percent", "code", "official_name")
CHECKS = (
    "breakdown is one of all, sector, age, region, occupation",
    "measure is one of week_prior, ever",
    "percent is a number between 0 and 100, or empty",
    "each breakdown, category and measure appears once",
    "the week-before share does not exceed the ever share for the same category",
)


@dataclass(frozen=True)
class Bundle:
    """What a bundle brings back: the rows' CSV (to be checked again), their name, and where they were shown."""

    rows_csv: bytes
    name: str
    uploaded_at: str
    permalink: str
    basis: dict  # where the figures come from, as declared (lib.comparability.Basis); {} when not said


class NotABundle(ValueError):
    """A zip that is not a bundle made here, or one whose description is missing or damaged."""

    def __init__(self, problem: Problem):
        super().__init__(problem.rule)
        self.problem = problem


def make_bundle(rows: pd.DataFrame, name: str, uploaded_at: datetime, permalink: str) -> bytes:
    """The person's rows as a bundle (.zip): CSV, datapackage.json, README; where they come from, and the caution
    on comparing them with 2019, travel in the datapackage.json."""
    basis = Basis.of_rows(rows)
    csv = export.to_csv(rows[[c for c in COLUMNS if c in rows]].reset_index(drop=True))
    package = {
        "profile": PROFILE,
        "name": "your-homeworking-figures",
        "title": name,
        "created": uploaded_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "homeworking_bundle": {
            "figures_name": name,
            "uploaded_at": uploaded_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "checks_passed": list(CHECKS),
            "rows": len(rows),
            "permalink": permalink,
            "basis": basis.declared(),
            "caution": verdict(basis).caution(),
            "made_by": f"{export.PRODUCT} {__version__}",
        },
        "resources": [
            {
                "name": "your-figures",
                "path": ROWS_FILE,
                "format": "csv",
                "encoding": "utf-8",
                "description": f"{name}: figures uploaded by you, in the shape of the 2019 homeworking table. "
                "Not ONS figures.",
                "licenses": [{"name": "uploader", "title": export.UPLOADED_LICENCE}],
                "schema": {"fields": export.fields_of(rows[[c for c in COLUMNS if c in rows]], "homeworking_2019")},
            }
        ],
    }
    readme = (
        f"# {name}\n\nYour own homeworking figures, saved from the homeworking dashboard on "
        f"{package['created']}. Nothing of them is kept on the server: this file is the only copy.\n\n"
        f"To bring them back, upload this .zip on the dashboard's Explore page (Add your own figures). "
        f"The view you were on: {permalink}\n\n- `{ROWS_FILE}`: your {len(rows):,} rows\n"
        "- `datapackage.json`: their name, when they were uploaded, the checks they passed and that permalink\n"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(ROWS_FILE, csv)
        archive.writestr("datapackage.json", json.dumps(package, ensure_ascii=False, indent=2))
        archive.writestr("README.md", readme)
    return buffer.getvalue()


def is_bundle(data: bytes) -> bool:
    """A zip with a datapackage.json at its top: what a bundle looks like before it is read."""
    if data[:4] != b"PK\x03\x04":
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "datapackage.json" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def read_bundle(data: bytes, *, max_member_bytes: int) -> Bundle:
    """The bundle's CSV and description; NotABundle when it is not one made here (the rows are checked after).

    What the zip declares is checked before anything is unpacked: a few entries, none larger than
    `max_member_bytes` (what an upload may be); Python's zipfile unpacks no more than a member declares.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise NotABundle(_problem("the file is not a zip archive that can be read")) from None
    with archive:
        if len(archive.infolist()) > LIMITS.bundle_members:
            raise NotABundle(_problem(f"this zip holds {len(archive.infolist()):,} files: a bundle holds three"))
        names = set(archive.namelist())
        if "datapackage.json" not in names or ROWS_FILE not in names:
            raise NotABundle(
                _problem(
                    f"this zip is not a bundle of your figures (it has no datapackage.json and {ROWS_FILE}): "
                    "upload the bundle this dashboard made, or the CSV, Excel or Parquet file itself"
                )
            )
        for member in (archive.getinfo("datapackage.json"), archive.getinfo(ROWS_FILE)):
            if member.file_size > max_member_bytes:
                raise NotABundle(_problem(f"{member.filename} in this zip is too large to be a bundle of figures"))
        damaged = NotABundle(
            _problem("this zip's datapackage.json is not a bundle's description (it was not made here, or edited)")
        )
        try:
            package = json.loads(archive.read("datapackage.json"))
            about = package["homeworking_bundle"]
            name, uploaded, permalink = (str(about[k]) for k in ("figures_name", "uploaded_at", "permalink"))
        except (ValueError, KeyError, TypeError):
            raise damaged from None
        if package.get("profile") != PROFILE:
            raise damaged
        basis = Basis.from_mapping(about.get("basis")).declared()  # checked as a form's fields are
        return Bundle(archive.read(ROWS_FILE), name, uploaded, permalink, basis)


def _problem(rule: str) -> Problem:
    return Problem(None, None, rule)
