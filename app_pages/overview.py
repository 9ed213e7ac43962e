"""Overview: the UK picture in 2019 and where public administration stood."""

import streamlit as st

import ui
from lib import charts, compare
from lib.data import resource

PUBLIC_ADMIN = "Public administration and defence"

# 1/ Data
hw = ui.homeworking()
uk = {m: compare.percent_of(hw, *compare.UK, m) for m in ("week_prior", "ever")}
against_uk = compare.compare(hw, "sector", PUBLIC_ADMIN, compare.UK[1], "all")
top_sector, top_week = compare.top(hw, "sector", "week_prior")
top_against = compare.compare(hw, "sector", top_sector, PUBLIC_ADMIN)

# 2/ Headline figures
st.title("Homeworking in the UK before the pandemic")
st.write(
    "How many people worked from home in 2019, by sector, age and region, from the ONS Annual "
    "Population Survey — the baseline for the spring-2020 move to homeworking."
)
cols = st.columns(3)
cols[0].metric(
    "UK: week before interview",
    f"{uk['week_prior']:.1f}%",
    help=compare.MEASURE_LABELS["week_prior"] + ", all in employment, 2019.",
    border=True,
)
cols[1].metric(
    "UK: ever worked from home",
    f"{uk['ever']:.1f}%",
    help=compare.MEASURE_LABELS["ever"] + ", all in employment, 2019.",
    border=True,
)
week = against_uk.measures["week_prior"]
cols[2].metric(
    "Public administration: week before",
    f"{week.yours:.1f}%",
    delta=f"{compare.format_points(week.gap_points)} against the UK (derived)",
    delta_color="off",
    delta_arrow=ui.arrow(week.gap_points),
    help=f"{top_sector} was highest at {top_week:.1f}%.",
    border=True,
)

# 3/ The takeaway and its chart
top_week_gap = top_against.measures["week_prior"].gap_points
takeaway = (
    f"Public administration ({week.yours:.1f}%) was {compare.relation(week.gap_points)} the UK "
    f"({week.benchmark:.1f}%) and {top_week_gap:.1f} points behind {top_sector.lower()} ({top_week:.1f}%)."
)
st.header(takeaway)
sectors = hw[hw["breakdown"] == "sector"]
fig = ui.figure(
    charts.category_bars,
    sectors,
    title=top_against.headline(),
    subtitle="Homeworking by sector, UK, 2019 · % of people in employment · dashed line: all in employment",
    benchmark=PUBLIC_ADMIN,
    reference=uk,
)
table = compare.wide(hw, "sector").reset_index()
ui.show_chart(
    fig,
    alt=f"Bar chart of homeworking in ten sectors on two measures. {takeaway}",
    table=table,
    key="overview-sectors",
    column_config=ui.measure_columns("Sector"),
)
st.caption(resource("homeworking_2019")["caveats"]["sector"])

# 4/ Where to go next
st.header("Go further")
links = st.columns(5)
for column, (page, label, icon) in zip(
    links,
    [
        ("app_pages/sectors.py", "Compare your sector", ":material/work:"),
        ("app_pages/age.py", "Homeworking by age", ":material/groups:"),
        ("app_pages/regions.py", "Regions and nations", ":material/map:"),
        ("app_pages/councils.py", "How fast councils moved in 2020", ":material/apartment:"),
        ("app_pages/explore.py", "Filter, export, add your data", ":material/table_view:"),
    ],
    strict=True,
):
    column.page_link(page, label=label, icon=icon)
