"""The Data Package (data/datapackage.json): where the files are, what each resource and source says, and the
vocabularies the tables use. Read once, never retyped elsewhere."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
SOURCES_DIR = DATA_DIR / "sources"
HOMEWORKING_CSV = DATA_DIR / "homeworking_2019.csv"
COUNCILS_CSV = DATA_DIR / "council_rollout_2020.csv"
PACKAGE_JSON = DATA_DIR / "datapackage.json"
# Which built-in files passed validation, by content hash: written by `python -m lib.data` (tests check it is
# current). A server loads a file whose hash is here without validating it again (no pandera at start-up);
# any other file, or a changed one, is validated as it loads.
VALIDATED_JSON = DATA_DIR / "validated.json"
BREAKDOWNS = ("all", "sector", "age", "region", "occupation")
MEASURES = ("week_prior", "ever")
KEY = ["breakdown", "category", "measure"]


@cache
def load_package() -> dict:
    """The Data Package description: sources, licences, fields, units, caveats."""
    return json.loads(PACKAGE_JSON.read_text(encoding="utf-8"))


def resource(name: str) -> dict:
    """One resource of the Data Package, by name."""
    return next(r for r in load_package()["resources"] if r["name"] == name)


def source_note(resource_name: str = "homeworking_2019") -> str:
    """The source line under every chart, from data/datapackage.json (never retyped).

    The licence part is the resource's `licence_note`: the ONS figures' licence, or, for the
    council quotations, where each figure's own terms are given.
    """
    res = resource(resource_name)
    return f"Source: {res['short_citation']} · {res['licence_note']}"


PRECISIONS = (
    "day",
    "month",
    "part of month",
    "weeks",
    "by",
    "before the pandemic",
    "undated",
)


def _enum(resource_name: str, field: str) -> tuple[str, ...]:
    """A field's allowed values, as data/datapackage.json lists them (never retyped)."""
    fields = resource(resource_name)["schema"]["fields"]
    return tuple(next(f for f in fields if f["name"] == field)["constraints"]["enum"])


KINDS = _enum("council_rollout_2020", "kind")
CLAIMANTS = _enum("council_rollout_2020", "claimant")
QUALIFIERS = tuple(q for q in _enum("council_rollout_2020", "qualifier") if q)  # "" in the enum is an empty cell
VENDOR_CLAIM = "vendor claim (advertorial)"
ONE_PERSON = "one person's account"
SECOND_HAND = "organisation, at second hand"
ADDED_ON_LOAD = tuple(f["name"] for f in resource("council_rollout_2020")["derived_fields"])


def source_for(file: str, first_line: int, last_line: int | None = None) -> dict | None:
    """The entry of the Data Package's `sources` that a quote at these lines of `file` is taken from.

    A piece listed with its own lines (an advertorial inside the magazine) wins over the
    entry for the whole file; None when no entry, or more than one piece, holds every line.
    """
    last_line = first_line if last_line is None else last_line
    entries = [s for s in load_package()["sources"] if s.get("file") == file]
    pieces = [s for s in entries if "lines" in s and s["lines"][0] <= first_line and last_line <= s["lines"][1]]
    found = pieces or [s for s in entries if "lines" not in s]
    return found[0] if len(found) == 1 else None


def source_entry(name: str) -> dict:
    """One entry of the Data Package's `sources`, by name (a copy: the package itself stays as read)."""
    return copy.deepcopy(next(s for s in load_package()["sources"] if s["name"] == name))


def baseline_survey() -> dict:
    """What a comparison with the 2019 figures needs to know about the survey behind them.

    survey, publisher, published, period, geography, population: in words, as data/datapackage.json
    records them (`facts` keeps each with the source lines that print it, or its mark as from
    outside the seed documents); question_wording: each measure's heading as each table prints it
    (the seeds print no survey question); guidance: ONS's caution on comparing its homeworking
    surveys, a source from outside the seed documents.
    """
    res = resource("homeworking_2019")
    survey = copy.deepcopy(res["survey"])
    facts = survey["facts"]
    return {
        **{name: facts[name]["value"] for name in ("survey", "publisher", "published", "period")},
        "geography": facts["geography"]["value"],
        "population": facts["population"]["value"],
        "population_outside_seeds": facts["population"]["outside_seeds"]["value"],
        "question_wording": {
            measure: {h["breakdown"]: h["text"] for h in res["measures"][measure]["source_headings"]}
            for measure in MEASURES
        },
        "question_note": facts["questions"]["note"],
        "facts": facts,
        "guidance": source_entry(survey["guidance_source"]),
    }


def source_text(file: str, first_line: int, last_line: int | None = None) -> str:
    """The lines of a source document that a row cites, for tracing a figure to its words."""
    lines = (SOURCES_DIR / file).read_text(encoding="utf-8").split("\n")
    return "\n".join(lines[first_line - 1 : (last_line or first_line)])
