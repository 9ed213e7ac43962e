"""Entry point: `streamlit run dashboard.py`. Builds the navigation and nothing else."""

import streamlit as st

st.set_page_config(
    page_title="Homeworking dashboard",
    page_icon=":material/home_work:",
    layout="wide",
)

pages = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("pages/sectors.py", title="Sectors", icon=":material/work:"),
    st.Page("pages/age.py", title="Age", icon=":material/groups:"),
    st.Page("pages/regions.py", title="Regions", icon=":material/map:"),
    st.Page("pages/councils.py", title="Councils", icon=":material/apartment:"),
    st.Page("pages/explore.py", title="Explore", icon=":material/table_view:"),
]
st.navigation(pages).run()
