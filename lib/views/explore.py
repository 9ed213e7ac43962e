"""The Explore View: the filtered rows of either table and their chart, uploads beside the 2019 figures."""

from __future__ import annotations

import pandas as pd

from lib import charts, compare, explore
from lib.charts import source_note
from lib.data import MEASURES
from lib.selections import ExploreChoice, Tables
from lib.views.model import Chart, Column, View
from lib.views.shared import measure_words

BAR_COLUMNS = {
    "category": Column("Category"),
    "measure": Column("Measure"),
    "percent": Column("Percent", "percent"),
    "source": Column("Source"),
}
COUNCIL_COLUMNS = {  # the Councils page's words
    "organisation": Column("Organisation"),
    "measure": Column("What was counted"),
    "value_text": Column("Value as printed"),
}


def explore_view(tables: Tables, chosen: ExploreChoice, user_rows: pd.DataFrame | None = None) -> View:
    """The filtered rows of either table and their chart, the session's uploads beside the 2019 figures."""
    spec = explore.TABLES[chosen.get("table", "homeworking")]
    is_hw = spec is explore.HOMEWORKING
    table = explore.combine(spec, tables.homeworking, user_rows) if is_hw else explore.combine(spec, tables.councils)
    filters = explore.Filters.chosen(chosen)
    rows = explore.filter_view(table, spec, filters)
    notices = []
    if filters.low is not None and filters.high is not None and filters.low > filters.high:
        name = "Percent" if is_hw else "Value"
        notices.append(f"'{name} at least' is above '{name} at most', so no row can match.")
    if rows.empty:
        notices.append("No rows match these filters. Clear a filter or widen the range to see figures.")
    chart = (
        ()
        if rows.empty
        else (_explore_chart(rows, chosen.get("chart"), table) if is_hw else _council_chart(rows, filters))
    )
    counted = compare.counted(len(rows), "row")
    headline = chart[0].title if chart else counted
    return View(
        page="explore",
        headline=headline,
        sentence=f"{counted} of {spec.label}, filtered as chosen; the downloads hold every one.",
        charts=chart,
        rows=rows,
        resource=spec.resource,
        selections=dict(chosen),
        filters=explore.describe(spec, filters),
        notices=tuple(notices),
        with_user_rows="source" in rows and bool((rows["source"] != spec.short_citation).any()),
    )


def present_breakdowns(rows: pd.DataFrame) -> list[str]:
    return [b for b in explore.BREAKDOWN_ORDER if b in set(rows["breakdown"])]


def _explore_chart(view_rows: pd.DataFrame, chart_on: str | None, table: pd.DataFrame) -> tuple[Chart, ...]:
    present = present_breakdowns(view_rows)
    breakdown = chart_on if chart_on in present else explore.default_chart(present)
    rows = view_rows[view_rows["breakdown"] == breakdown]
    measures = tuple(m for m in MEASURES if m in set(rows["measure"]))
    noun = explore.GROUP_NOUNS[breakdown]
    source = explore.chart_source(rows)
    if rows["category"].nunique() <= explore.MAX_BARS:
        ons, user = explore.split_sources(rows)
        title = explore.bars_takeaway(rows, breakdown, measures)
        uk = {m: compare.percent_of(table, *compare.UK, m) for m in measures}
        return (
            Chart(
                key=f"explore-{breakdown}",
                title=title,
                subtitle=explore.bars_subtitle(breakdown, with_user=bool(len(user))),
                alt=f"Bar chart of {rows['category'].nunique()} {noun} on {compare.counted(len(measures), 'measure')}. "
                f"{title}.",
                table=rows[list(BAR_COLUMNS)].assign(measure=lambda t: measure_words(t["measure"])),
                columns=BAR_COLUMNS,
                draw=lambda theme, words: charts.category_bars(
                    ons,
                    words,
                    reference=uk if breakdown != "all" else None,
                    measures=measures,
                    user_rows=user if len(user) else None,
                    theme=theme,
                ),
                source=source,
            ),
        )
    bands = explore.percent_bands(rows)
    title = explore.distribution_takeaway(bands)
    return (
        Chart(
            key=f"explore-{breakdown}",
            title=title,
            subtitle=explore.distribution_subtitle(rows, noun),
            alt=f"Column chart of how many of {len(rows):,} figures fall in each 5-point band. {title}.",
            table=bands.assign(measure=lambda t: measure_words(t["measure"])),
            columns={
                "source": Column("Source"),
                "measure": Column("Measure"),
                "band_from": Column("From (%)", "number"),
                "band_to": Column("To (%)", "number"),
                "figures": Column("Figures (derived)", "number"),
            },
            draw=lambda theme, words: charts.distribution_chart(rows, words, measures=measures, theme=theme),
            source=source,
        ),
    )


def _council_chart(rows: pd.DataFrame, filters: explore.Filters) -> tuple[Chart, ...]:
    unit = explore.council_unit(rows, filters.measures)
    if unit is None:
        return ()
    drawn = rows[(rows["unit"] == unit) & rows["value"].notna()]
    title = explore.council_takeaway(rows, unit)
    return (
        Chart(
            key="explore-councils",
            title=title,
            subtitle=f"Council and public-body figures, spring 2020 · {unit} · {len(drawn)} of the {len(rows)} rows "
            "in view (other units are in the table)",
            alt=f"Bar chart of {len(drawn)} figures in {unit}. {title}.",
            table=drawn[list(COUNCIL_COLUMNS)],
            columns=COUNCIL_COLUMNS,
            draw=lambda theme, words: charts.council_chart(rows, unit, words, theme=theme),
            source=source_note("council_rollout_2020"),
        ),
    )
