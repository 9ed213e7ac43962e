"""Councils: how fast councils and public bodies moved staff home in spring 2020, against their region's 2019 habits."""

import streamlit as st

import ui
from lib import council_charts, councils
from lib.charts import source_note
from lib.data import KINDS

# 1/ Data and selections (bound to the URL: ?region=…&kind=…&org=…)
figures = ui.councils()
hw = ui.homeworking()
region_names = hw[hw["breakdown"] == "region"].drop_duplicates("category").sort_values("order")["official_name"]
kind_options = [k for k in KINDS if k != councils.CONTEXT_KIND]
organisations = sorted(figures.loc[figures["kind"] != councils.CONTEXT_KIND, "organisation"].unique())

st.title("How fast councils moved staff home in spring 2020")
st.write(
    "Within weeks of the 23 March 2020 instruction to work from home, councils and public bodies moved "
    "thousands of staff home. Every figure below is quoted from its source, with its date only as precise "
    "as the source gives it; rates and shares are derived here and labelled so."
)
left, middle, right = st.columns(3)
regions = left.multiselect(
    "Region or nation",
    region_names.tolist(),
    key="region",
    bind="query-params",
    placeholder="All regions and nations",
    help="National bodies (DWP, Libraries Connected) have no region, so choosing a region leaves them out.",
)
kinds = middle.multiselect(
    "Kind of organisation", kind_options, key="kind", bind="query-params", placeholder="All kinds"
)
org = right.selectbox(
    "Your organisation (highlighted)",
    organisations,
    index=None,
    key="org",
    bind="query-params",
    placeholder="None",
    help="Drawn in orange and marked '(yours)' in every chart where it appears.",
)
selected = councils.filter_figures(figures, regions=regions, kinds=kinds)
rollout = selected[selected["kind"] != councils.CONTEXT_KIND]
shown_regions = [r for r in region_names if r in set(rollout["region"]) or r in regions]


def region_links() -> None:
    """Each region's 2019 homeworking on the Regions page, which links back here with the same key."""
    if not shown_regions:
        return
    st.caption("The 2019 homeworking figures for these regions and nations:")
    cols = st.columns(4)
    for i, name in enumerate(shown_regions):
        cols[i % 4].page_link("app_pages/regions.py", label=name, icon=":material/map:", query_params={"region": name})


if rollout.empty:
    st.warning(
        "The sources report no council or public-body figures for this choice of region and kind. "
        "Clear a filter to see more."
    )
    region_links()
    st.stop()
if org and org not in set(rollout["organisation"]):
    st.info(f"{org} has no figures in this selection: clear the filters to see it highlighted.")

# 2/ How fast, in words and figures
rates = councils.implied_rates(rollout)
st.header(councils.rate_takeaway(rates))
cols = st.columns(3)
cols[0].metric("Organisations", rollout["organisation"].nunique(), border=True)
cols[1].metric("Figures, each with its quote", len(rollout), border=True)
if len(rates):
    fastest = rates.sort_values("rate_per_day", ascending=False).iloc[0]
    cols[2].metric(
        f"Fastest rollout, {fastest['unit']} a day (derived)",
        f"≥ {fastest['rate_at_least']:,}",
        help=f"{fastest['organisation']}: {fastest['value_text']} {fastest['duration']}, so "
        f"{fastest['rate_label']} on average. Derived here; the source gives the count and the time.",
        border=True,
    )

# 3/ Timeline
st.header("When: one lane per organisation", divider="gray")
items = councils.timeline_items(selected)
timeline_title = councils.timeline_takeaway(items)
ui.show_chart(
    ui.figure(
        council_charts.rollout_timeline,
        items,
        title=timeline_title,
        subtitle="Council and public-body figures, spring 2020 · dates as precise as the source gives them",
        highlight=org,
    ),
    alt=f"Timeline of rollout figures, one lane per organisation, with the 23 March 2020 instruction as a line. "
    f"{timeline_title}.",
    table=items.loc[items["panel"] != "context", ["organisation", "when", "precision", "label", "claimant"]].assign(
        precision=lambda t: t["precision"].map(councils.PRECISION_LABELS)
    ),
    key="councils-timeline",
    column_config={
        "organisation": "Organisation",
        "when": st.column_config.TextColumn("When (the source's words)"),
        "precision": st.column_config.TextColumn("Date precision", help=councils.precision_help()),
        "label": "Figure",
        "claimant": st.column_config.TextColumn("Who says so", help=councils.claimant_help()),
    },
    source=source_note(council_charts.COUNCIL_SOURCE),
)
st.caption(
    "Bars span the period the source gives (a month, part of a month, named weeks), not a day inside it; "
    "◀ marks a date something was done by. Figures from before the pandemic or with no date sit in their "
    "own panels instead of on an invented date. 'Vendor claim' marks a figure from a supplier's advertorial, "
    "not the organisation's own word."
)

# 4/ Scale and speed
st.header("How many, and how fast", divider="gray")
speed_rows = councils.scale_and_speed_rows(rollout)
if speed_rows.empty:
    st.info("No figure in this selection counts staff or users moved, or says how long a move took.")
else:
    speed_title = councils.speed_takeaway(speed_rows)
    ui.show_chart(
        ui.figure(
            council_charts.scale_and_speed,
            speed_rows,
            title=speed_title,
            subtitle="Staff or users as printed, and time taken as given, spring 2020 · rates derived: count ÷ days",
            highlight=org,
        ),
        alt=f"Bar charts of how many staff or users each organisation moved and how long it took. {speed_title}.",
        table=speed_rows[["organisation", "measure", "value_text", "when", "duration", "rate_label"]],
        key="councils-speed",
        column_config={
            "organisation": "Organisation",
            "measure": "What was counted",
            "value_text": "Value as printed",
            "when": "When (the source's words)",
            "duration": "Time taken (as given)",
            "rate_label": st.column_config.TextColumn(
                "Implied rate (derived)",
                help="Count ÷ the longest time the source allows ('within a week' = 7 days): a lower bound.",
            ),
        },
        source=source_note(council_charts.COUNCIL_SOURCE),
    )

# 5/ Against the region's 2019 baseline
st.header("Against the region's 2019 baseline", divider="gray")
shares = councils.shares_at_home(rollout, hw)
if shares.empty:
    st.info(councils.share_takeaway(shares))
else:
    share_title = councils.share_takeaway(shares)
    ui.show_chart(
        ui.figure(
            council_charts.share_against_baseline,
            shares,
            title=share_title,
            subtitle="% at home: the organisation's own figure (2020) vs the ONS figure for its region, week "
            "before interview (2019) · different sources and measures: illustrative, not a statistic",
            highlight=org,
        ),
        alt=f"Bars of each organisation's share of staff at home in 2020 beside its region's 2019 "
        f"homeworking. {share_title}. Different sources and measures: illustrative only.",
        table=shares[["organisation", "region", "when", "share_label", "basis", "derived", "region_week_prior"]],
        key="councils-baseline",
        column_config={
            "organisation": "Organisation",
            "region": "Region or nation",
            "when": "When (the source's words)",
            "share_label": "Share at home, 2020",
            "basis": "Basis",
            "derived": st.column_config.CheckboxColumn("Derived here", help="Unticked: printed by the source."),
            "region_week_prior": ui.percent_column(
                "Region, 2019 (%)", "ONS: worked from home in the week before interview, all workers in the region."
            ),
        },
        source=council_charts.baseline_sources(),
    )
st.caption(
    "The 2020 share counts one organisation's staff (or one service); the 2019 figure is the ONS survey share of "
    "all workers in the region who worked from home in the week before interview. Read them side by side, not as "
    "a change."
)
region_links()

# 6/ Every figure, with its quote and source
st.header("Every figure, with its source", divider="gray")
st.dataframe(
    councils.figure_table(rollout, hw),
    hide_index=True,
    width="stretch",
    height="content",
    placeholder="—",
    column_config={
        "organisation": st.column_config.TextColumn("Organisation", width="medium"),
        "value_as_printed": "Value as printed",
        "claimant": st.column_config.TextColumn("Who says so", width="medium", help=councils.claimant_help()),
        "quote": st.column_config.TextColumn("Quote (verbatim)", width="large"),
        "source": st.column_config.TextColumn("Source file:lines", help="In data/sources/ of this repository."),
        "publication": st.column_config.TextColumn("Published in", width="medium"),
        "licence": st.column_config.TextColumn(
            "Licence", width="medium", help="The source's terms: only the ONS statistics are openly licensed."
        ),
        "derived": st.column_config.TextColumn(
            "Derived figures", help="Computed here from the printed figures, not printed by the source."
        ),
        "measure": st.column_config.TextColumn("What was counted", width="medium"),
        "when": st.column_config.TextColumn("When (the source's words)"),
        "date_precision": st.column_config.TextColumn("Date precision", help=councils.precision_help()),
        "region": "Region or nation",
        "kind": "Kind",
        "region_2019_week_prior": ui.percent_column(
            "Region, 2019 (%)", "ONS: worked from home in the week before interview, all workers in the region."
        ),
    },
)
st.caption(source_note(council_charts.COUNCIL_SOURCE))
