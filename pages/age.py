"""Age: the age profile of homeworking, and one age band against the UK or another band."""

import streamlit as st

import ui
from lib.views import PAGES

# 1/ Selections (bound to the URL: ?band=…&vs=…)
st.title(PAGES["age"].title)
view = ui.view("age", ui.widgets("age", st.columns(2)))

# 2/ What the profile shows, generated from the figures
ui.headline(view)
ui.metrics(view)
ui.share_menu(view)

# 3/ The profile on both measures, the UK as reference
ui.show_chart(view, view.chart("age-profile"))
ui.changes(view)
