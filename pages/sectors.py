"""Sectors: your sector against public administration (or the UK, or any sector), in words and one chart."""

import streamlit as st

import ui
from lib.views import PAGES

# 1/ Selections (bound to the URL: ?sector=…&benchmark=…)
st.title(PAGES["sectors"].title)
view = ui.view("sectors", ui.widgets("sectors", st.columns(2)))

# 2/ The answer in words, then the figures
ui.headline(view)
ui.metrics(view)
ui.share_menu(view)

# 3/ All ten sectors, yours and the benchmark highlighted; how regular homeworking was
ui.show_chart(view, view.chart("sectors-all"))
ui.changes(view)
st.header("How regular homeworking was")
ui.show_chart(view, view.chart("sectors-regularity"))

# 4/ Occupations: only the ever figure is published
st.header("Occupations most likely to have ever worked from home")
ui.show_chart(view, view.chart("sectors-occupations"))
