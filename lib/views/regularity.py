"""How regular homeworking was in each category of a breakdown: the week-before share ÷ the ever share (derived).

Sectors ranks its ten sectors by it; Age keeps its bands in age order, where it rises with age."""

from __future__ import annotations

import pandas as pd

from lib import charts, compare
from lib.selections import Tables
from lib.views import shared
from lib.views.model import Chart, Column


def regularity_chart(
    tables: Tables,
    c: compare.Comparison,
    breakdown: str,
    highlight: charts.Highlight,
    *,
    key: str,
    label: str,
    by: str,
    ranked: bool = True,
) -> Chart:
    """The chart of one breakdown's regularity, `label` naming its categories ("Sector") and `by` the breakdown in
    its subtitle ("sector", "age of worker"); `ranked` puts the most regular on top, else the source's order."""
    uk = shared.uk_of(tables)
    title = regularity_takeaway(c)
    table = tables.once(f"regularity-{breakdown}", lambda: regularity_table(tables.homeworking, breakdown))
    rows = tables.homeworking[tables.homeworking["breakdown"] == breakdown]
    return Chart(
        key=key,
        title=title,
        subtitle=f"Regularity of homeworking by {by}, UK, 2019 · week-before share ÷ ever share (derived) · dashed "
        "line: UK",
        alt=f"Bar chart of the share of ever-homeworkers who also worked from home in the week before, "
        f"{len(table)} categories by {by}, {highlight['yours']} highlighted. {title}.",
        table=table,
        columns={
            "category": Column(label),
            "regularity": Column(
                "Regularity (derived, %)", "percent", "Week-before share ÷ ever share: derived, not published."
            ),
        },
        draw=lambda theme, words: charts.regularity_bars(
            rows,
            words,
            reference=compare.regularity(uk["week_prior"], uk["ever"]),
            ranked=ranked,
            theme=theme,
            **highlight,
        ),
        notes=regularity_notes(c),
    )


def regularity_table(hw: pd.DataFrame, breakdown: str) -> pd.DataFrame:
    wide = compare.wide(hw, breakdown)
    shares = [compare.regularity(w, e) for w, e in zip(wide["week_prior"], wide["ever"], strict=True)]
    return pd.DataFrame({"category": wide.index, "regularity": [round(s, 1) for s in shares]})


def regularity_takeaway(c: compare.Comparison) -> str:
    """'33% of education staff who had ever worked from home had also done so in the week before, against 47% …'."""
    return (
        f"{c.yours_regularity:.0f}% of {c.yours_noun} who had ever worked from home had also done so in the "
        f"week before interview, against {c.benchmark_regularity:.0f}% of {c.benchmark_noun}"
    )


def regularity_notes(c: compare.Comparison) -> str:
    """The arithmetic behind the regularity shares, in words, for the speaker."""
    week, ever = c.measures["week_prior"], c.measures["ever"]
    return (
        f"Regularity is derived: the week-before share divided by the ever share. {shared.capital(c.yours_noun)}: "
        f"{week.yours:.1f}% ÷ {ever.yours:.1f}% = {c.yours_regularity:.0f}%. {shared.capital(c.benchmark_noun)}: "
        f"{week.benchmark:.1f}% ÷ {ever.benchmark:.1f}% = {c.benchmark_regularity:.0f}%. "
        "A high share means homeworking there was a habit, not a one-off."
    )
