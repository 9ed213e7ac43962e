"""The Councils View: spring-2020 rollouts on a timeline, how fast each was, each against its region's 2019
baseline, and every figure with its quote."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lib import charts, council_lists, councils, organisation
from lib.charts import Theme, source_note
from lib.selections import CouncilsChoice, Tables
from lib.views.model import Chart, Column, Metric, View

COUNCIL_CAVEAT = (
    "Every figure is quoted from its source, with its date only as precise as the source gives it; rates and "
    "shares are derived here and labelled so. Rates are lower bounds: the count ÷ the longest time the source "
    "allows. The 2020 share counts one organisation's staff; the 2019 figure is the ONS survey share of all workers "
    "in the region: read them side by side, not as a change."
)


SPRING_2020 = (
    "Within weeks of the 23 March 2020 instruction to work from home, councils and public bodies moved thousands of "
    "staff home."
)
QUOTED = (
    "Every figure below is quoted from its source, with its date only as precise as the source gives it; rates and "
    "shares are derived here and labelled so."
)


def councils_view(tables: Tables, chosen: CouncilsChoice, user_rows: pd.DataFrame | None = None) -> View:
    figures, hw = tables.councils, tables.homeworking
    regions_, kinds, org = list(chosen["region"]), list(chosen["kind"]), chosen["org"]
    selected = councils.filter_figures(figures, regions=regions_, kinds=kinds)
    rollout = selected[selected["kind"] != councils.CONTEXT_KIND]
    notices: tuple[str, ...] = ()
    if rollout.empty:
        notices = (
            "The sources report no council or public-body figures for this choice of region and kind. "
            "Clear a filter to see more.",
        )
    elif org and org not in set(rollout["organisation"]):
        notices = (f"{org} has no figures in this selection: clear the filters to see it highlighted.",)
    rates = councils.implied_rates(rollout)
    source = source_note(charts.COUNCIL_SOURCE)
    yours = org if org and org in set(rollout["organisation"]) else None  # the story leads with it
    story = (organisation.headline(selected, yours), organisation.sentence(selected, yours)) if yours else None
    charts_ = () if rollout.empty else _charts(selected, rollout, hw, org, source, story)
    metrics = [
        *_your_rate(rates, yours),
        Metric("Organisations", f"{rollout['organisation'].nunique()}"),
        Metric("Figures, each with its quote", f"{len(rollout)}"),
    ]
    if len(rates):
        fastest = rates.sort_values("rate_per_day", ascending=False).iloc[0]
        metrics.append(
            Metric(
                f"Fastest rollout, {fastest['unit']} a day (derived)",
                f"≥ {fastest['rate_at_least']:,}",
                f"{fastest['organisation']}: {fastest['value_text']} {fastest['duration']}, so "
                f"{fastest['rate_label']} on average. Derived here; the source gives the count and the time.",
            )
        )
    rows = selected.reset_index(drop=True)
    missing = {
        "councils-speed": "No figure in this selection counts staff or users moved, or says how long a move took.",
        "councils-baseline": councils.share_takeaway(pd.DataFrame()),
    }
    return View(
        page="councils",
        headline=story[0] if story else councils.rate_takeaway(rates),
        sentence=story[1] if story else f"{SPRING_2020} {QUOTED}",  # the caveat says the rest (notes)
        charts=charts_,
        rows=rows,
        resource="council_rollout_2020",
        selections=dict(chosen),
        filters={
            "region": ", ".join(regions_) or "all",
            "kind": ", ".join(kinds) or "all",
            "organisation highlighted": org or "none",
        },
        metrics=tuple(metrics) if not rollout.empty else (),
        notes=(COUNCIL_CAVEAT,),
        notices=notices,
        missing={key: why for key, why in missing.items() if all(c.key != key for c in charts_)},
        make_detail=lambda: councils.figure_table(rollout, hw),
    )


def _your_rate(rates: pd.DataFrame, yours: str | None) -> tuple[Metric, ...]:
    """Your organisation's fastest derived rate, first among the figures, where its figures give one."""
    own = rates[rates["organisation"] == yours] if yours else rates.iloc[0:0]
    if own.empty:
        return ()
    fastest = own.sort_values("rate_per_day", ascending=False).iloc[0]
    return (
        Metric(
            f"Yours: {fastest['unit']} a day (derived)",
            f"≥ {fastest['rate_at_least']:,}",
            f"{yours}: {fastest['value_text']} {fastest['measure']} {fastest['duration']}, so "
            f"{fastest['rate_label']} on average. Derived here; the source gives the count and the time.",
        ),
    )


REGION_2019 = Column(
    "Region, 2019 (%)", "percent", "ONS: worked from home in the week before interview, all workers in the region."
)
COUNCIL_FIGURE_COLUMNS = {
    "organisation": Column("Organisation"),
    "value_as_printed": Column("Value as printed"),
    "claimant": Column("Who says so", help=councils.claimant_help()),
    "quote": Column("Quote (verbatim)"),
    "source": Column("Source file:lines", help="In data/sources/ of this repository."),
    "publication": Column("Published in"),
    "licence": Column("Licence", help="The source's terms: only the ONS statistics are openly licensed."),
    "derived": Column("Derived figures", help="Computed here from the printed figures, not printed by the source."),
    "measure": Column("What was counted"),
    "when": Column("When (the source's words)"),
    "date_precision": Column("Date precision", help=councils.precision_help()),
    "region": Column("Region or nation"),
    "kind": Column("Kind"),
    "region_2019_week_prior": REGION_2019,
}


def _timeline_chart(selected: pd.DataFrame, org: str | None, source: str, story: tuple[str, str] | None) -> Chart:
    """The timeline; titled with your organisation's own story when you name one that is in the selection."""
    items = councils.timeline_items(selected)
    rollout = selected[selected["kind"] != councils.CONTEXT_KIND]
    title = story[0] if story else councils.timeline_takeaway(items)
    notes = story[1] if story else councils.rate_takeaway(councils.implied_rates(rollout))
    subtitle = "Council and public-body figures, spring 2020 · dates as precise as the source gives them"

    def draw(theme: Theme, words: charts.Words) -> go.Figure:
        lanes, undated = _compact_lanes(items, org) if theme.compact else (items, 0)
        return charts.rollout_timeline(lanes, words, highlight=org, undated=undated, theme=theme)

    return Chart(
        key="councils-timeline",
        title=title,
        subtitle=subtitle,
        alt=f"Timeline of rollout figures, one lane per organisation, with the 23 March 2020 instruction as a line"
        f"{', ' + org + ' highlighted' if org else ''}. {title}.",
        table=items.loc[items["panel"] != "context", ["organisation", "when", "precision", "label", "claimant"]].assign(
            precision=lambda t: t["precision"].map(councils.PRECISION_LABELS)
        ),
        columns={
            "organisation": Column("Organisation"),
            "when": Column("When (the source's words)"),
            "precision": Column("Date precision", help=councils.precision_help()),
            "label": Column("Figure"),
            "claimant": Column("Who says so", help=councils.claimant_help()),
        },
        draw=draw,
        as_list=lambda: council_lists.timeline_list(items, org),
        source=source,
        caption="Bars span the period the source gives (a month, part of a month, named weeks), not a day inside "
        "it; ◀ marks a date something was done by. Figures from before the pandemic or with no date sit in their "
        "own panels instead of on an invented date. 'Vendor claim' marks a figure from a supplier's advertorial, "
        "not the organisation's own word.",
        notes=f"{title}. {notes}".removesuffix(".") + ".",
    )


def _compact_lanes(items: pd.DataFrame, org: str | None) -> tuple[pd.DataFrame, int]:
    """A slide or a printed brief keeps the lanes with a dated figure, and the presenter's own: a screen holds
    about eight lanes at presentation size, and the undated ones are listed on the Councils page. Also returns how
    many organisations it leaves out, for the chart's subtitle."""
    dated = set(items.loc[items["panel"] == councils.DATED, "organisation"])
    if not dated:
        return items, 0
    keep = items["organisation"].isin(dated | {org}) | (items["panel"] == "context")
    return items[keep], items.loc[~keep, "organisation"].nunique()


def _charts(
    selected: pd.DataFrame,
    rollout: pd.DataFrame,
    hw: pd.DataFrame,
    org: str | None,
    source: str,
    story: tuple[str, str] | None,
) -> tuple[Chart, ...]:
    """The timeline; how many and how fast, where any figure has both; shares at home, where any is given."""
    speed = councils.scale_and_speed_rows(rollout)
    shares = councils.shares_at_home(rollout, hw)
    return (
        _timeline_chart(selected, org, source, story),
        *([_speed_chart(speed, org, source)] if len(speed) else []),
        *([_baseline_chart(shares, org)] if len(shares) else []),
    )


def _speed_chart(rows: pd.DataFrame, org: str | None, source: str) -> Chart:
    title = councils.speed_takeaway(rows)
    return Chart(
        key="councils-speed",
        title=title,
        subtitle="Staff or users as printed, and time taken as given, spring 2020 · rates derived: count ÷ days",
        alt=f"Bar charts of how many staff or users each organisation moved and how long it took. {title}.",
        table=rows[["organisation", "measure", "value_text", "when", "duration", "rate_label"]],
        columns={
            "organisation": Column("Organisation"),
            "measure": Column("What was counted"),
            "value_text": Column("Value as printed"),
            "when": Column("When (the source's words)"),
            "duration": Column("Time taken (as given)"),
            "rate_label": Column(
                "Implied rate (derived)",
                help="Count ÷ the longest time the source allows ('within a week' = 7 days): a lower bound.",
            ),
        },
        draw=lambda theme, words: charts.scale_and_speed(rows, words, highlight=org, theme=theme),
        as_list=lambda: council_lists.speed_list(rows, org),
        source=source,
    )


def _baseline_chart(shares: pd.DataFrame, org: str | None) -> Chart:
    title = councils.share_takeaway(shares)
    return Chart(
        key="councils-baseline",
        title=title,
        subtitle="% at home: the organisation's own figure (2020) vs the ONS figure for its region, week before "
        "interview (2019) · different sources and measures: illustrative, not a statistic",
        alt=f"Bars of each organisation's share of staff at home in 2020 beside its region's 2019 homeworking. "
        f"{title}. Different sources and measures: illustrative only.",
        table=shares[["organisation", "region", "when", "share_label", "basis", "derived", "region_week_prior"]],
        columns={
            "organisation": Column("Organisation"),
            "region": Column("Region or nation"),
            "when": Column("When (the source's words)"),
            "share_label": Column("Share at home, 2020"),
            "basis": Column("Basis"),
            "derived": Column("Derived here", "check", "Unticked: printed by the source."),
            "region_week_prior": REGION_2019,
        },
        draw=lambda theme, words: charts.share_against_baseline(shares, words, highlight=org, theme=theme),
        source=charts.baseline_sources(),
        caption="The 2020 share counts one organisation's staff (or one service); the 2019 figure is the ONS "
        "survey share of all workers in the region who worked from home in the week before interview. Read them "
        "side by side, not as a change.",
    )
