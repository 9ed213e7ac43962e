"""Your figures, kept by you: a bundle (.zip) that brings them back, with nothing stored on the server.

A bundle holds the person's validated rows as CSV, a `datapackage.json` with the name they
gave their figures, when they were uploaded, the checks they passed and the permalink of the
view they were on, and a short README. Uploaded again on the Explore page, its rows go
through every check an upload goes through (a bundle is only a file someone may have edited),
and its permalink is offered back.

A bundle is data, checked: every field of its description is validated (a time that is not one
becomes unknown, with a note; an address that is not a web address is dropped), a bundle inside a
bundle is refused, and the rows come back exactly as they went: their CSV marks every text cell a
spreadsheet could run as a formula with a leading apostrophe, and also every cell that already
began with one, so reading a bundle takes exactly one apostrophe off each marked cell
(`-5 to 0 band` comes back as it went, never as `'-5 to 0 band`).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pandas as pd

from lib import __version__
from lib.comparability import Basis, verdict
from lib.data import Problem
from lib.limits import LIMITS
from lib.render import export

PROFILE = "homeworking-dashboard-bundle"
GUARD = "apostrophe"  # the bundle's own mark on text cells: one apostrophe before a formula trigger or an apostrophe
PERMALINK_CHARS = 2_000  # an address a browser opens; longer is not one this dashboard wrote
UNKNOWN = "unknown"
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
    uploaded_at: str  # an ISO time, or UNKNOWN
    permalink: str | None
    notes: tuple[str, ...] = ()
    basis: dict = field(default_factory=dict)  # where the figures come from, as declared (lib.comparability.Basis)


class NotABundle(ValueError):
    """A zip that is not a bundle made here, or one whose description is missing or damaged."""

    def __init__(self, problem: Problem):
        super().__init__(problem.rule)
        self.problem = problem


def make_bundle(rows: pd.DataFrame, name: str, uploaded_at: datetime, permalink: str) -> bytes:
    """The person's rows as a bundle (.zip): CSV, datapackage.json, README; where they come from, and the caution
    on comparing them with 2019, travel in the datapackage.json."""
    basis = Basis.of_rows(rows)
    rows_csv = _guarded_csv(rows[[c for c in COLUMNS if c in rows]].reset_index(drop=True))
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
            "text_guard": GUARD,
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
        archive.writestr(ROWS_FILE, rows_csv)
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
        rows_csv = archive.read(ROWS_FILE)
        package = _description(archive.read("datapackage.json"))
    if rows_csv[:4] == b"PK\x03\x04":
        raise NotABundle(
            _problem("this bundle holds another zip where its rows should be: a bundle inside a bundle is not read")
        )
    about = package["homeworking_bundle"]
    name = about.get("figures_name")
    if not isinstance(name, str):
        raise NotABundle(_problem("this zip's datapackage.json names no figures (it was not made here, or edited)"))
    uploaded_at, notes = _checked_time(about.get("uploaded_at"))
    permalink = _checked_address(about.get("permalink"))
    if about.get("permalink") and permalink is None:
        notes += ("The view it was saved from is not offered: its address is not one of this dashboard's.",)
    basis = Basis.from_mapping(about.get("basis")).declared()  # checked as the upload form's fields are
    return Bundle(_unguarded(rows_csv, about.get("text_guard")), name, uploaded_at, permalink, notes, basis)


def _description(raw: bytes) -> dict:
    """The bundle's datapackage.json, if it is one made here; NotABundle otherwise."""
    damaged = NotABundle(
        _problem("this zip's datapackage.json is not a bundle's description (it was not made here, or edited)")
    )
    try:
        package = json.loads(raw)
    except ValueError:
        raise damaged from None
    if not isinstance(package, dict) or package.get("profile") != PROFILE:
        raise damaged
    if not isinstance(package.get("homeworking_bundle"), dict):
        raise damaged
    return package


def _checked_time(value: object) -> tuple[str, tuple[str, ...]]:
    """The bundle's upload time as ISO text, or UNKNOWN and a note saying why."""
    try:
        moment = datetime.fromisoformat(str(value).removesuffix("Z")) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        shown = str(value)[:40]
        return UNKNOWN, (
            f"When these figures were first uploaded is unknown: the bundle's date ('{shown}') is not a time.",
        )
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), ()


def _checked_address(value: object) -> str | None:
    """A web address, or None."""
    if not isinstance(value, str) or len(value) > PERMALINK_CHARS:
        return None
    parts = urlsplit(value)
    return value if parts.scheme in ("http", "https") and parts.netloc else None


def _guarded_csv(rows: pd.DataFrame) -> bytes:
    """The rows as CSV, every text cell that starts with a formula trigger or an apostrophe marked by one more."""
    marked = rows.copy()
    for column in marked.columns:
        if pd.api.types.is_string_dtype(marked[column]) or marked[column].dtype == object:
            text = marked[column]
            risky = text.str.startswith((*export.FORMULA_TRIGGERS, "'"), na=False)
            marked[column] = text.where(~risky, "'" + text)
    return marked.to_csv(index=False, lineterminator="\r\n").encode("utf-8")


def _unguarded(rows_csv: bytes, guard: object) -> bytes:
    """The rows as they were: one apostrophe off each marked cell (GUARD); a bundle made before GUARD carried the
    exports' own guard, which marks only formula triggers."""
    try:
        text = rows_csv.decode("utf-8-sig")
    except UnicodeDecodeError:
        return rows_csv  # the reader says what is wrong with it
    starts = ("'",) if guard == GUARD else tuple(f"'{t}" for t in export.FORMULA_TRIGGERS)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""))):
        writer.writerow(cells if number == 0 else [c[1:] if c.startswith(starts) else c for c in cells])
    return out.getvalue().encode("utf-8")


def _problem(rule: str) -> Problem:
    return Problem(None, None, rule)
