"""The floor: the least a Streamlit app can do that is still ours to compare with — one selectbox, one Plotly
chart of a five-row DataFrame. Every benchmark figure of the dashboard is reported as a ratio to this app's.

Run it as the benchmarks do: `streamlit run benchmarks/floor_app.py`.
"""

import pandas as pd
import plotly.express as px
import streamlit as st

FIGURES = pd.DataFrame(
    {
        "category": ["Alpha", "Bravo", "Charlie", "Delta", "Echo"],
        "percent": [12.5, 7.1, 30.2, 4.4, 18.9],
    }
)

chosen = st.selectbox("Category", FIGURES["category"].tolist(), key="category")
figure = px.bar(
    FIGURES,
    x="category",
    y="percent",
    color=FIGURES["category"].eq(chosen).map({True: "chosen", False: "other"}),
    title=f"{chosen}: {FIGURES.set_index('category').at[chosen, 'percent']:.1f}%",
)
st.plotly_chart(figure, key="floor", theme=None)
