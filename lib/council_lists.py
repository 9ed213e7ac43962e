"""The councils' charts as lists, for a column too narrow to draw them readably (a phone): the same figures in
the same order, in the source's own words, claims marked."""

from __future__ import annotations

import pandas as pd

from lib.councils import BEFORE, DATED, UNDATED, marked, organisation_order


def timeline_list(items: pd.DataFrame, highlight: str | None = None) -> list[tuple[str, list[str]]]:
    """The timeline as a list, for a column too narrow to draw it: the national instruction, then a group an
    organisation in the lanes' order ("(yours)" for `highlight`), its figures in time order (before the pandemic,
    dated, no date given), each as
    "<when, in the source's words>: <what was counted>: <figure>", claims marked."""
    start = items["draw_from"].fillna(items["draw_to"])
    when = items["panel"].map({BEFORE: 0, "context": 1, DATED: 1, UNDATED: 2})  # before the pandemic comes first
    ordered = items.assign(_when=when, _start=start).sort_values(["_when", "_start"], kind="stable")

    def line(row) -> str:
        printed = isinstance(row.value_text, str) and row.value_text.strip()
        figure = f"{row.measure}: {row.value_text}" if printed else row.measure
        return f"{row.when}: {marked(figure, row.claimant)}"

    context = ordered[ordered["panel"] == "context"]
    groups = [(f"{row.organisation}, {row.when}", [row.measure]) for row in context.itertuples()]
    for organisation in organisation_order(items):
        rows = ordered[(ordered["organisation"] == organisation) & (ordered["panel"] != "context")]
        heading = f"{organisation} (yours)" if organisation == highlight else organisation
        groups.append((heading, [line(row) for row in rows.itertuples()]))
    return groups


def speed_list(rows: pd.DataFrame, highlight: str | None = None) -> list[tuple[str, list[str]]]:
    """How many and how fast as a list, for a column too narrow for the chart's two panels: a group an
    organisation (fastest first, as the chart), each figure "<what was counted>: <count as printed> · <time taken>
    · <rate> (derived)", and "no count given" or "no time given" where the source is silent."""
    by_org = rows.groupby("organisation", sort=False).agg(rate=("rate_per_day", "max"), count=("count", "max"))
    order = by_org.sort_values(["rate", "count"], ascending=False, na_position="last", kind="stable").index
    groups = []
    for organisation in order:
        lines = []
        for row in rows[rows["organisation"] == organisation].itertuples():
            count = row.count_label if pd.notna(row.count) else "no count given"
            took = row.duration if isinstance(row.duration, str) else "no time given"
            rate = f" · {row.rate_label} (derived)" if isinstance(row.rate_label, str) else ""
            lines.append(marked(f"{row.measure}: {count} · {took}{rate}", row.claimant))
        groups.append((f"{organisation} (yours)" if organisation == highlight else organisation, lines))
    return groups
