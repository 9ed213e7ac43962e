"""Regions: a tile map of the twelve regions and nations, ranked bars, and one region against another."""

from dataclasses import replace

import streamlit as st

import ui
from lib import charts, compare, councils
from lib.compare import MEASURE_SHORT

# 1/ Data and selections (bound to the URL: ?region=…&other=…&map=…)
hw = ui.homeworking()
regions = hw[(hw["breakdown"] == "region")]
names = regions.drop_duplicates("category").sort_values("order")
category_of = dict(zip(names["official_name"], names["category"], strict=True))
official = list(category_of)

st.title("Homeworking by region and nation")
left, middle, right = st.columns([2, 2, 1])
region = left.selectbox(
    "Your region or nation",
    official,
    index=official.index(compare.DEFAULT_SELECTIONS["region"]),
    key="region",
    bind="query-params",
)
other = middle.selectbox("Compare with", [compare.UK_OPTION, *official], key="other", bind="query-params")
map_measure = right.radio(
    "Map shows",
    list(MEASURE_SHORT.values()),
    key="map",
    bind="query-params",
    help="Which measure shades the map.",
)
measure = next(m for m, label in MEASURE_SHORT.items() if label == map_measure)
against_uk = other == compare.UK_OPTION
c = compare.compare_with(hw, "region", category_of[region], category_of.get(other, other))
if region == other:
    st.info("Your region and the comparison are the same: pick another to see a gap.")

# 2/ The answer in words, then the figures
st.header(c.headline())
st.write(c.sentence())
ui.comparison_metrics(c, "the UK" if against_uk else other)

# 3/ Map and ranked bars
uk = {m: compare.percent_of(hw, *compare.UK, m) for m in ("week_prior", "ever")}
top_region, top_share = compare.top(hw, "region", measure)
top_name = names.set_index("category").loc[top_region, "official_name"]
region_table = names.set_index("category")[["official_name", "code"]].join(compare.wide(hw, "region")).reset_index()
region_columns = ui.measure_columns("As printed in the source") | {
    "official_name": "Region or nation",
    "code": "GSS code",
}
map_col, councils_col = st.columns([3, 2])
with map_col:
    tile_fig = ui.figure(
        charts.tile_map,
        regions,
        measure=measure,
        title=f"{top_name} was highest at {top_share:.1f}%",
        subtitle=f"{compare.MEASURE_LABELS[measure]}, by region of workplace, 2019 · darker = higher",
        yours=category_of[region],
        benchmark=None if against_uk else category_of[other],
        theme=replace(charts.NORMAL, title_wrap=56),
    )
    ui.show_chart(
        tile_fig,
        alt=f"Tile map of the twelve UK regions and nations shaded by the share who "
        f"{compare.MEASURE_PHRASES[measure]}; {top_name} highest at {top_share:.1f}%, {region} "
        f"{c.measures[measure].yours:.1f}%.",
        table=region_table,
        key="regions-map",
        column_config=region_columns,
    )
mine = ui.user_rows_for("region")
bars_fig = ui.figure(
    charts.category_bars,
    regions,
    title=c.headline(),
    subtitle="Homeworking by region of workplace, 2019 · dashed line: UK, all in employment",
    yours=category_of[region],
    benchmark=None if against_uk else category_of[other],
    reference=uk,
    user_rows=mine,
)
ui.show_chart(
    bars_fig,
    alt=f"Bar chart of the twelve regions and nations on two measures, {region} highlighted. {c.headline()}.",
    table=region_table,
    key="regions-bars",
    column_config=region_columns,
)
ui.uploaded_note(mine, "Hatched green bars")

# 4/ Councils and public bodies in this region (spring 2020), beside the map
in_region = ui.councils()
in_region = in_region[in_region["region"] == region]
with councils_col:
    st.header(f"Councils in {compare.place_name(region)} that moved staff home in spring 2020")
    if in_region.empty:
        st.write(f"The source documents report no council rollout figures for {compare.place_name(region)}.")
    for organisation, rows in in_region.groupby("organisation", sort=False):
        figures = "; ".join(
            councils.marked(
                f"{row.value_text} {row.measure}, {row.when}" if isinstance(row.value_text, str) else row.measure,
                row.claimant,
            )
            for row in rows.itertuples()
        )
        st.markdown(f"**{organisation}** ({rows['kind'].iloc[0]}): {figures}")
    if not in_region.empty:
        st.page_link(
            "app_pages/councils.py",
            label=f"Their rollouts on the Councils page, against {compare.place_name(region)}'s 2019 figure",
            icon=":material/apartment:",
            query_params={"region": region},
        )
