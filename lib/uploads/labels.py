"""Labels an upload brings that look like a typo of a known one ("Walse": did you mean Wales?), and the person's
answer applied.

The regions, sectors and age bands of the 2019 tables are closed lists: a region called "Walse" is almost
certainly Wales, and kept as it is it would be a region of its own, with no 2019 figure to compare. A label of a
closed breakdown that the spelling-blind matching (lib.uploads.parse.match_labels) did not place, but that is
close to a known one, is flagged before the rows are added, with the nearest known label; the person may take it
or keep theirs as a category of their own. A label close to none ("Our own patch") is plainly meant as new: it is
kept, and the upload's notes say so.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import pandas as pd

from lib.uploads.parse import match_labels

CLOSED = ("region", "sector", "age")  # the breakdowns whose categories the 2019 tables list in full
CUTOFF = 0.75  # difflib's similarity at least: "Walse"/"Wales" 0.8, "Londn"/"London" 0.91, "Our own patch" none


@dataclass(frozen=True)
class Suggestion:
    """An uploaded label of a closed breakdown that is not a known one, and the known label nearest to it."""

    breakdown: str
    label: str
    nearest: str

    @property
    def question(self) -> str:
        return f"{self.label}: did you mean {self.nearest}?"


def suggestions(rows: pd.DataFrame, reference: pd.DataFrame) -> list[Suggestion]:
    """Each unknown label of a closed breakdown with a known label close to it, in the file's order."""
    found = []
    uploaded = rows[rows["breakdown"].isin(CLOSED)].drop_duplicates(["breakdown", "category"])
    known = {b: list(dict.fromkeys(reference.loc[reference["breakdown"] == b, "category"])) for b in CLOSED}
    for breakdown, label in zip(uploaded["breakdown"], uploaded["category"], strict=True):
        if label in known[breakdown]:
            continue
        nearest = _nearest(label, known[breakdown])
        if nearest is not None:
            found.append(Suggestion(breakdown, label, nearest))
    return found


def _nearest(label: str, known: list[str]) -> str | None:
    lowered = {k.lower(): k for k in known}
    match = difflib.get_close_matches(label.lower(), list(lowered), n=1, cutoff=CUTOFF)
    return lowered[match[0]] if match else None


class Clash(ValueError):
    """Taking a suggestion would give the file two figures for one category and measure; the message says which."""


def relabel(
    rows: pd.DataFrame, taken: list[Suggestion], reference: pd.DataFrame, notes: tuple[str, ...] = ()
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The rows with each taken suggestion's label replaced by the known one (with its code and official name),
    and the upload's `notes` brought up to date; Clash where the file already has a figure for that category and
    measure."""
    out = rows.copy()
    for suggestion in taken:
        where = (out["breakdown"] == suggestion.breakdown) & (out["category"] == suggestion.label)
        already = out[(out["breakdown"] == suggestion.breakdown) & (out["category"] == suggestion.nearest)]
        clash = set(out.loc[where, "measure"]) & set(already["measure"])
        if clash:
            raise Clash(
                f"Your file already has {suggestion.nearest} ({', '.join(sorted(clash))}): keep "
                f"“{suggestion.label}” as a category of your own, or correct the file and upload it again."
            )
        out.loc[where, "category"] = suggestion.nearest
        out.loc[where, ["code", "official_name"]] = None  # the known category's own, filled by the matching
    matched, matching = match_labels(out, reference)
    kept = [note for note in notes if not note.startswith(NEW_CATEGORIES)]
    changed = [f"'{s.label}' → '{s.nearest}'" for s in taken]
    said = [f"Changed at your word: {'; '.join(changed)}."] if changed else []
    return matched[list(rows.columns)], (*kept, *said, *(n for n in matching if n.startswith(NEW_CATEGORIES)))


NEW_CATEGORIES = "Not in the 2019 tables"  # how the matching's note on new categories begins
