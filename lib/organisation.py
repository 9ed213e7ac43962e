"""One organisation's own story, for the Councils page when a person names theirs: its figures in words, each as
precise as its source, the ones that say where its staff were working first, in the order things happened.

Pure: the council table in, sentences out. Every figure is the source's own (`value_text`, `measure`, `when`);
nothing is rounded or restated, a year the source does not print is not printed either, and a vendor's claim
or one person's account keeps its mark.
"""

from __future__ import annotations

import re

import pandas as pd

from lib.councils import CONTEXT_KIND, DATED, duration_text, figure_label, implied_rates, marked, timeline_items
from lib.data import ONE_PERSON
from lib.selections import HEADLINE_MAX

HEADLINE_FIGURES = 3  # a headline says three things at most; the sentence says the rest
# A figure "says where its staff were working" when its measure names them, their home or their office: the page
# asks how fast staff moved home, so these lead.
WHERE_STAFF_WORK = re.compile(r"\b(?:staff|colleagues|home|office)\b", re.IGNORECASE)
INFERRED_YEAR = re.compile(r"\s*\b\d{4} \(year inferred\)")
NO_DATE = "no date given"
OPENING_WORDS = ("start", "end", "beginning", "turn")  # "at the start of April"; otherwise "in late March"


def figure_phrase(row: pd.Series) -> str:
    """What was counted, with the printed figure: 'more than 5,000 staff working from home', 'about 95% of the
    digital and ICT service working from home', 'only the contact centre staff still in the office'."""
    measure, text = row["measure"], row["value_text"]
    unit = row["unit"] if isinstance(row["unit"], str) else None
    if not isinstance(text, str) or (text.startswith(("the ", "a ")) and not re.search(r"\d", text)):
        return measure  # no figure, or words that name their own thing ("the rest"): the measure says it
    if unit == "percent" and measure.startswith("share of "):
        return f"{text}{measure.removeprefix('share')}"  # "about 95%" of the service
    word = unit.removeprefix("% ") if unit else None
    if word and measure.startswith(f"{word} ") and text.endswith(f" {word}"):
        return f"{text}{measure.removeprefix(word)}"  # "about three days" to move
    if (
        word
        and re.search(rf"\b{re.escape(word)}\b", measure)
        and (measure.startswith(word) or not str(unit).startswith("%"))
    ):
        return f"{text} {measure}"  # the measure says what was counted: "more than 5,000" + "staff working …"
    return f"{figure_label(text, unit)}: {measure}"


def when_phrase(row: pd.Series) -> str:
    """When, in the source's words with a preposition: 'in late March', 'at the start of April', 'by mid-April',
    'before the pandemic', 'no date given'. A year the source does not print (marked '(year inferred)') is
    left out; an undated figure keeps the time it took, where the source gives one ('within a week')."""
    precision = row["precision"]
    words = INFERRED_YEAR.sub("", str(row["when"])).strip()
    if precision == "by":
        inner = words.partition("(")[2].split(":")[0].rstrip(")").strip()
        return words.split(" (")[0] if words.startswith("by ") else inner if inner.startswith("by ") else words
    if precision == "day":
        return f"on {words}"
    if precision == "weeks":
        return words if words.startswith("the ") else f"in the {words}"
    if precision == "part of month":
        return f"at the {words}" if words.startswith(OPENING_WORDS) else f"in {words}"
    if precision == "month":
        return f"in {words}"
    if precision == "before the pandemic":
        return words
    took = None if row["unit"] == "days" else duration_text(row["duration_min_days"], row["duration_max_days"])
    return f"{took}, {NO_DATE}" if took else NO_DATE


def said(row: pd.Series) -> str:
    """One figure in words, with when and any claim mark."""
    when = when_phrase(row)
    return marked(f"{figure_phrase(row)}{', ' if when == NO_DATE else ' '}{when}", row["claimant"])


def story_order(councils: pd.DataFrame, organisation: str) -> pd.DataFrame:
    """The organisation's figures, those that lead first: dated since the national instruction and saying where
    staff worked; then its other figures since the instruction; then the rest (earlier, before the pandemic,
    undated); one person's account last. Within each, in the order things happened."""
    items = timeline_items(councils[(councils["organisation"] == organisation) | (councils["kind"] == CONTEXT_KIND)])
    context = items[items["panel"] == "context"]
    instruction = context["draw_from"].min() if len(context) else pd.NaT
    rows = items[items["organisation"] == organisation].copy()
    since = (rows["panel"] == DATED) & (pd.isna(instruction) | (rows["draw_to"] > instruction))
    about_staff = rows["measure"].str.contains(WHERE_STAFF_WORK)
    rows["tier"] = [0 if s and a else 1 if s else 2 for s, a in zip(since, about_staff, strict=True)]
    rows.loc[rows["claimant"] == ONE_PERSON, "tier"] = 3  # one person's account never speaks for the organisation
    rows["at"] = rows["draw_from"].fillna(rows["draw_to"] - pd.Timedelta(days=1))
    return rows.sort_values(["tier", "at"], kind="stable", na_position="last")


def headline(councils: pd.DataFrame, organisation: str) -> str:
    """'Norfolk County Council: more than 5,000 staff working from home in late March; only the contact centre
    staff still in the office at the start of April; …', its leading figures in time order."""
    lead = _lead(story_order(councils, organisation))
    return f"{organisation}: {'; '.join(said(row) for _, row in lead.iterrows())}"


def sentence(councils: pd.DataFrame, organisation: str) -> str:
    """Its other figures in words (dated ones in time order), the rates derived from them, and how many say no
    date."""
    ordered = story_order(councils, organisation)
    lead = _lead(ordered)
    rest = ordered.drop(lead.index)
    dated = rest[rest["panel"] == DATED].sort_values("at", kind="stable")
    first = ordered.iloc[0]
    parts = [f"{organisation} ({first['kind']}{', ' + first['region'] if isinstance(first['region'], str) else ''})"]
    if len(dated):
        parts[0] += f" also reports: {'; '.join(said(row) for _, row in dated.iterrows())}."
    elif rest.empty:
        parts[0] += ": these are all its figures in the sources."
    else:
        parts[0] += " reports no other dated figure."
    rates = implied_rates(ordered)
    if len(rates):
        worded = [f"{r.rate_label} ({r.value_text} {r.measure} {r.duration})" for r in rates.itertuples()]
        parts.append(f"Derived here: {'; '.join(worded)}.")
    undated = len(rest) - len(dated)
    if undated:
        verbs = ("gives", "says") if undated == 1 else ("give", "say")
        parts.append(
            f"{undated} more of its figures {verbs[0]} no date or {verbs[1]} only 'before the pandemic': see the "
            "timeline."
        )
    return " ".join(parts)


def _lead(ordered: pd.DataFrame) -> pd.DataFrame:
    """The figures a headline leads with, in time order: the first HEADLINE_FIGURES in story order, fewer if the
    headline would run past HEADLINE_MAX characters (a sentence, not a paragraph); always the first."""
    for count in range(min(HEADLINE_FIGURES, len(ordered)), 1, -1):
        lead = ordered.head(count)
        if sum(len(said(row)) + 2 for _, row in lead.iterrows()) + len(lead.iloc[0]["organisation"]) <= HEADLINE_MAX:
            break
    else:
        lead = ordered.head(1)
    return lead.sort_values("at", kind="stable", na_position="last")
