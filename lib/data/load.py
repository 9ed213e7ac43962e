"""Reading the built-in tables: validated once at build time (`python -m lib.data` records their hashes), read
straight into the Data Package's types afterwards."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from lib.data.package import COUNCILS_CSV, HOMEWORKING_CSV, PACKAGE_JSON, VALIDATED_JSON, resource
from lib.data.validation import (
    councils_schema,
    homeworking_schema,
    provenance_schema,
    row_sources,
    validate,
)


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def validation_stamp() -> dict[str, str]:
    """The hashes of the built-in files and their description, as they are now."""
    return {p.name: file_hash(p) for p in (HOMEWORKING_CSV, COUNCILS_CSV, PACKAGE_JSON)}


def validated_before(path: Path) -> bool:
    """True for a built-in file whose content (and the Data Package's) passed `python -m lib.data`."""
    if path.resolve() not in (HOMEWORKING_CSV, COUNCILS_CSV) or not VALIDATED_JSON.is_file():
        return False
    try:
        recorded = json.loads(VALIDATED_JSON.read_text(encoding="utf-8"))
    except ValueError:
        return False
    return all(recorded.get(p.name) == file_hash(p) for p in (path, PACKAGE_JSON))


FIELD_TYPES = {"string": "str", "number": "float64", "integer": "int64"}


def read_typed(path: Path, resource_name: str) -> pd.DataFrame:
    """A file that passed validation, read straight into the types validation gives it (the Data Package's)."""
    fields = {f["name"]: f["type"] for f in resource(resource_name)["schema"]["fields"]}
    df = pd.read_csv(
        path,
        dtype={name: FIELD_TYPES[kind] for name, kind in fields.items() if kind in FIELD_TYPES},
        keep_default_na=False,
        na_values=[""],
        encoding="utf-8",
    )
    for name in (n for n, kind in fields.items() if kind == "date"):
        df[name] = pd.to_datetime(df[name], format="%Y-%m-%d").astype("datetime64[ns]")
    return df


def write_validation_stamp() -> dict[str, str]:
    """Validate every built-in file (raising DataValidationError on the first broken one), then record them."""
    _validate_builtins()
    stamp = validation_stamp()
    VALIDATED_JSON.write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")
    return stamp


def _validate_builtins() -> None:
    raw = read_csv_strict(HOMEWORKING_CSV)
    validate(validate(raw, homeworking_schema(complete=True), str(HOMEWORKING_CSV)), provenance_schema(), "")
    validate(read_csv_strict(COUNCILS_CSV), councils_schema(), str(COUNCILS_CSV))


def read_csv_strict(path: Path) -> pd.DataFrame:
    """Read every cell as text (empty → null) so that typing happens in validation, visibly."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")


def load_homeworking(path: Path | str | None = None) -> pd.DataFrame:
    """The ONS 2019 homeworking figures: one row per breakdown, category and measure.

    Columns: breakdown, category, measure, percent (float, NaN where the source is
    silent), code, official_name, order, source_file, source_line, source.
    """
    path = Path(path) if path else HOMEWORKING_CSV
    if validated_before(path):
        df = read_typed(path, "homeworking_2019")
    else:
        raw = read_csv_strict(path)
        df = validate(raw, homeworking_schema(complete=True), str(path))
        df = validate(df, provenance_schema(), str(path))
    df["source"] = resource("homeworking_2019")["short_citation"]
    return df.reset_index(drop=True)


def load_councils(path: Path | str | None = None) -> pd.DataFrame:
    """The spring-2020 council and public-body rollout figures, one row per figure.

    Each row also gets the `publication` and `licence` of the source its quote is from,
    looked up in the Data Package's `sources` (the one place they are written).
    """
    path = Path(path) if path else COUNCILS_CSV
    if validated_before(path):
        df = read_typed(path, "council_rollout_2020")
    else:
        df = validate(read_csv_strict(path), councils_schema(), str(path)).reset_index(drop=True)
    sources = row_sources(df)  # every row's lines fall in a listed source: validation checks it
    df["publication"] = [s["title"] if s else None for s in sources]
    df["licence"] = [s["licence"] if s else None for s in sources]
    return df


def load_regions() -> pd.DataFrame:
    """The twelve regions and nations: source label, official name, GSS code, display order."""
    hw = load_homeworking()
    regions = hw[(hw["breakdown"] == "region") & (hw["measure"] == "ever")]
    return regions[["category", "official_name", "code", "order"]].sort_values("order").reset_index(drop=True)
