"""An upload's labels: matched to the built-in ones in any spelling ("Yorkshire and The Humber"), and those that
look like a typo of a known one ("Walse": did you mean Wales?) asked about, with the person's answer applied.

The regions, sectors and age bands of the 2019 tables are closed lists: a region called "Walse" is almost
certainly Wales, and kept as it is it would be a region of its own, with no 2019 figure to compare. A label of a
closed breakdown that the spelling-blind matching (`match_labels`) did not place, but that is
close to a known one, is flagged before the rows are added, with the nearest known label; the person may take it
or keep theirs as a category of their own. A label close to none ("Our own patch") is plainly meant as new: it is
kept, and the upload's notes say so.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lib.data import resource

IDENTIFIERS = ("code", "official_name")  # what a matched label brings from the built-in table, where a file has none
FILLER_WORDS = r"(?:^| )(?:the|aged|yrs|years|to)(?: |$)"  # "Aged 16 to 19 years" is "16-19 yrs"
# Footnote marks a published table puts after a label: "London [note 3]", "Wales (1)", "Scotland¹", "Northern
# Ireland*", and the no-figure marks ("[x]", "[c]"). A label is matched without them.
FOOTNOTE_MARKS = r"(?:\s*(?:\[[^\]]{1,15}\]|\((?:notes? ?)?\d{1,2}[a-z]?\)|[¹²³⁴⁵⁶⁷⁸⁹⁰]+|[*†‡]+))+\s*$"


def without_marks(text: str) -> str:
    """A header cell or label without the footnote marks after it ("percent [note 2]" → "percent")."""
    return re.sub(FOOTNOTE_MARKS, "", text)


def label_keys(labels: pd.Series) -> pd.Series:
    """Each label's key for matching: case, '&', punctuation, filler words and footnote marks ignored.

    Runs in Arrow's compute kernels: half a million labels take a fraction of a second.
    """
    keys = pa.array(labels.astype("str"), type=pa.large_string(), from_pandas=True)
    keys = pc.replace_substring_regex(pc.utf8_lower(keys), FOOTNOTE_MARKS, "")
    keys = pc.replace_substring(keys, "&", " and ")
    keys = pc.replace_substring_regex(keys, r"[^\p{L}\p{N}]+", " ")
    keys = pc.utf8_trim_whitespace(pc.replace_substring_regex(keys, FILLER_WORDS, " "))
    return pd.Series(keys.to_numpy(zero_copy_only=False), index=labels.index, dtype="str")


def match_labels(table: pd.DataFrame, reference: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Rename categories that name a built-in one by its label, official name or code; fill its codes.

    Keys are computed once per distinct label, and only rows whose label could match are
    joined, so a million rows of new categories cost one vectorised pass, not a join.
    """
    if not {"breakdown", "category"} <= set(table.columns):
        return table, []
    known = _known_labels(reference)
    labels = pd.Series(table["category"].dropna().unique(), dtype="str")
    keys = label_keys(labels)
    could = keys.isin(set(known["_key"])).to_numpy()
    candidates = table[table["category"].isin(labels[could])][["breakdown", "category"]]
    key_of = dict(zip(labels[could], keys[could], strict=True))
    joined = candidates.assign(_key=candidates["category"].map(key_of)).merge(
        known, on=["breakdown", "_key"], how="left"
    )
    joined.index = candidates.index
    matched = joined[joined["_label"].notna()]
    pairs = matched.drop_duplicates(["breakdown", "category"])
    renamed = pairs[pairs["_label"] != pairs["category"]]
    unmatched = joined.loc[joined["_label"].isna(), "category"].unique().tolist()
    new = [*labels[~could].head(5), *unmatched]
    new_count = int((~could).sum()) + len(unmatched)
    notes = []
    if len(renamed):
        first = zip(renamed["category"][:10], renamed["_label"][:10], strict=True)
        shown = "; ".join(f"'{old}' → '{label}'" for old, label in first)
        more = f" and {len(renamed) - 10:,} more" if len(renamed) > 10 else ""
        notes.append(f"Matched to the 2019 labels: {shown}{more}.")
    if new_count:
        more = f" and {new_count - 5:,} more" if new_count > 5 else ""
        notes.append(f"Not in the 2019 tables, kept as your own categories: {', '.join(new[:5])}{more}.")
    if matched.empty:
        return table, notes
    out = table.copy()
    out.loc[matched.index, "category"] = matched["_label"]
    for column in IDENTIFIERS:
        if column not in out:
            out[column] = pd.Series(index=out.index, dtype="str")
        gaps = matched.index[out.loc[matched.index, column].isna().to_numpy()]
        out.loc[gaps, column] = matched.loc[gaps, f"_{column}"]
    return out, notes


def total_keys(reference: pd.DataFrame) -> set[str]:
    """Every spelling-blind key that names the whole-UK row ('Total', 'United Kingdom', 'K02000001', 'All workers')."""
    known = _known_labels(reference)
    return set(known.loc[known["breakdown"] == "all", "_key"])


def _known_labels(reference: pd.DataFrame) -> pd.DataFrame:
    """(breakdown, spelling-blind key) → built-in label, code and official name.

    Keys come from the label's other names (`_other_names`), the code, the official name and the label itself;
    the label wins a tie.
    """
    rows = reference.drop_duplicates(["breakdown", "category"])
    named = {c: rows[c] for c in ("code", "official_name", "category") if c in rows}
    others = _other_names(rows)
    spellings = [
        pd.DataFrame(
            {"breakdown": others["breakdown"], "_key": label_keys(others["name"]), "_label": others["_label"]}
        ),
        *(
            pd.DataFrame({"breakdown": rows["breakdown"], "_key": label_keys(v.dropna()), "_label": rows["category"]})
            for v in named.values()
        ),
    ]
    known = pd.concat(spellings).dropna(subset=["_key"])
    known = known[known["_key"] != ""].drop_duplicates(["breakdown", "_key"], keep="last")
    codes = rows.set_index(["breakdown", "category"])
    for column in IDENTIFIERS:
        lookup = codes[column] if column in codes else pd.Series(dtype="str")
        known[f"_{column}"] = lookup.reindex(pd.MultiIndex.from_frame(known[["breakdown", "_label"]])).to_numpy()
    return known


# The whole-UK row's names in other tables; the source prints it "Total" (data/datapackage.json, category_labels).
UK_NAMES = ("All", "All workers", "All persons", "UK")


def _other_names(rows: pd.DataFrame) -> pd.DataFrame:
    """(breakdown, name, _label) of names the built-in table does not carry: a label as the source prints it, and
    the whole-UK row's names elsewhere; only for labels the table has."""
    printed = [(c["breakdown"], c["printed"], c["category"]) for c in resource("homeworking_2019")["category_labels"]]
    uk = [("all", name, label) for label in rows.loc[rows["breakdown"] == "all", "category"] for name in UK_NAMES]
    names = pd.DataFrame([*printed, *uk], columns=["breakdown", "name", "_label"])
    return names.merge(rows[["breakdown", "category"]].rename(columns={"category": "_label"}))


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
