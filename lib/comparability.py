"""Whether a change against 2019 compares like with like, and the caution that goes wherever one is stated.

A person's later figures (ONS's April 2020 estimates, a later survey, their own staff survey) come
from another survey, question, population or period than the 2019 Annual Population Survey, and
any of these can account for part of a change: ONS cautions against reading its homeworking
sources as one series (its guidance is a source of the Data Package, `baseline_survey()["guidance"]`).
A person may say where their figures come from (the upload form, or their bundle); this says which
points differ from the 2019 figures and which match, in words, for the page, the charts, the slide,
the brief, the files' provenance and the bundle. Pure: no Streamlit.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from functools import cache

import pandas as pd

from lib.data import baseline_survey

NOT_SAID = ""
GEOGRAPHIES = ("United Kingdom", "Great Britain", "England", "Wales", "Scotland", "Northern Ireland", "other")
WHO = ("people in employment", "all adults", "other")
LABELS = {"survey": "survey", "question": "question", "geography": "geography", "who": "population", "period": "period"}
ATTR = "homeworking:basis"  # the uploaded rows carry their basis in their DataFrame's `attrs`, not in a column


@dataclass(frozen=True)
class Basis:
    """Where a set of figures comes from, as the person declared it; "" where they did not say."""

    survey: str = NOT_SAID
    question: str = NOT_SAID
    geography: str = NOT_SAID  # one of GEOGRAPHIES
    who: str = NOT_SAID  # one of WHO
    period: str = NOT_SAID

    @classmethod
    def from_mapping(cls, values: dict | None) -> Basis:
        """A basis from a form or a bundle: unknown keys dropped, values as short single-line text."""
        values = values if isinstance(values, dict) else {}
        return cls(**{f.name: _clean(values.get(f.name)) for f in fields(cls)})

    @classmethod
    def of_rows(cls, rows: pd.DataFrame) -> Basis:
        """The basis uploaded rows carry (one per upload; none said: every point unsaid)."""
        return cls.from_mapping(rows.attrs.get(ATTR))

    def on_rows(self, rows: pd.DataFrame) -> pd.DataFrame:
        """The same rows, carrying this basis (in `attrs`: the table's columns stay the upload's)."""
        carried = rows.copy(deep=False)
        carried.attrs[ATTR] = asdict(self)
        return carried

    def declared(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v}


MAX_CHARS = 120  # a declared value is a short phrase, shown beside every change


def _clean(value: object) -> str:
    if not isinstance(value, str):
        return NOT_SAID
    text = " ".join(value.split())
    return text[:MAX_CHARS]


@cache
def baseline() -> Basis:
    """The 2019 figures' own basis, from the Data Package (what the seed documents print, or imply)."""
    survey = baseline_survey()
    return Basis(
        survey=survey["survey"],
        question="worked from home in the week before interview; ever worked from home (the tables' headings)",
        geography="United Kingdom",
        who="people in employment",
        period=survey["period"],
    )


def _same(field: str, yours: str) -> bool:
    """Whether a declared value matches the 2019 figures' on that point."""
    text = yours.casefold()
    if field == "survey":
        return "annual population survey" in text or text.strip(" ()") == "aps"
    if field == "period":
        return text.strip() in ("2019", "january to december 2019", "jan-dec 2019")
    if field == "question":
        return "worked from home in the week" in text or "worked at home in the week" in text
    return text == getattr(baseline(), field).casefold()


@dataclass(frozen=True)
class Verdict:
    """Which declared points differ from the 2019 figures, which match, and which were not said."""

    differ: tuple[str, ...]
    match: tuple[str, ...]
    unsaid: tuple[str, ...]
    basis: Basis

    def caution(self) -> str:
        """The caution stated beside a change, in words."""
        guidance = baseline_survey()["guidance"]
        cite = f"ONS cautions against reading its homeworking sources as one series ({guidance['title']})"
        if self.differ:
            points = _listed(
                f"{LABELS[f]} ({getattr(self.basis, f)}, against {getattr(baseline(), f)})" for f in self.differ
            )
            return (
                f"Not one series: your figures differ from the 2019 Annual Population Survey in {points}, and "
                f"part of the change can come from that, not from homeworking itself. {cite}."
            )
        if self.match and not self.unsaid:
            return (
                f"Your figures match the 2019 Annual Population Survey on {_listed(LABELS[f] for f in self.match)}, "
                "as you declared them: comparable on those points."
            )
        unsaid = _listed(LABELS[f] for f in self.unsaid)
        matched = (
            f"Your figures match the 2019 Annual Population Survey on {_listed(LABELS[f] for f in self.match)}; "
            if self.match
            else "Your figures may come from another survey, question, population or period than the 2019 Annual "
            "Population Survey; "
        )
        return (
            f"{matched}a different {unsaid} can account for part of a change. {cite}. Say where your figures come "
            "from when you upload them, and this says which points differ."
        )

    def short(self) -> str:
        """A few words for a chart's subtitle, where the whole caution does not fit."""
        if self.differ:
            return f"not one series: {_listed(LABELS[f] for f in self.differ)} differ from the 2019 APS"
        if self.match and not self.unsaid:
            return "comparable with the 2019 APS on every point declared"
        return "survey, question, population or period may differ from the 2019 APS"


def verdict(basis: Basis) -> Verdict:
    declared = basis.declared()
    order = [f.name for f in fields(Basis)]
    differ = tuple(f for f in order if f in declared and not _same(f, declared[f]))
    match = tuple(f for f in order if f in declared and _same(f, declared[f]))
    return Verdict(differ, match, tuple(f for f in order if f not in declared), basis)


def caution_for(rows: pd.DataFrame | None) -> str:
    """The caution for a view stating changes with these uploaded rows ("" without any)."""
    if rows is None or not len(rows):
        return ""
    return verdict(Basis.of_rows(rows)).caution()


def _listed(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
