"""The Regions View: the tile map, the ranked bars, one region against the UK or another."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from lib import charts, compare, selections
from lib.compare import MEASURE_LABELS, MEASURE_PHRASES, UK_OPTION
from lib.data import resource
from lib.selections import RegionsChoice, Tables
from lib.views import shared
from lib.views.model import Chart, Column, View


def regions(tables: Tables, chosen: RegionsChoice, user_rows: pd.DataFrame | None = None) -> View:
    hw = tables.homeworking
    region, other, measure = chosen["region"], chosen["other"], chosen["map"]
    against_uk = other == UK_OPTION
    category_of = selections.region_names(hw)
    c = compare.compare_with(hw, "region", category_of[region], category_of.get(other, other))
    uk = shared.uk_of(tables)
    rows = hw[hw["breakdown"] == "region"]
    names = rows.drop_duplicates("category").sort_values("order").set_index("category")
    highlight: charts.Highlight = {
        "yours": category_of[region],
        "benchmark": None if against_uk else category_of[other],
    }
    top_region, top_share = shared.top_of(tables, "region", measure)
    top_name = names.loc[top_region, "official_name"]
    table = names[["official_name", "code"]].join(compare.wide(hw, "region")).reset_index()
    columns = shared.measure_columns("As printed in the source") | {
        "official_name": Column("Region or nation"),
        "code": Column("GSS code"),
    }
    tile_map = Chart(
        key="regions-map",
        title=f"{top_name} was highest at {top_share:.1f}%",
        subtitle=f"{MEASURE_LABELS[measure]}, by region of workplace, 2019 · darker = higher",
        alt=f"Tile map of the twelve UK regions and nations shaded by the share who {MEASURE_PHRASES[measure]}; "
        f"{top_name} highest at {top_share:.1f}%, {region} {c.measures[measure].yours:.1f}%.",
        table=table,
        columns=columns,
        draw=lambda theme, words: charts.tile_map(
            rows,
            words,
            measure=measure,
            theme=replace(theme, title_wrap=theme.shared_row_title_wrap) if theme.shared_row_title_wrap else theme,
            **highlight,
        ),
    )
    mine = shared.uploaded_of(user_rows, "region")
    bars = Chart(
        key="regions-bars",
        title=c.headline(),
        subtitle="Homeworking by region of workplace, UK, 2019 · % of workers · dashed line: UK, all in employment",
        alt=f"Bar chart of the twelve regions and nations on two measures, {region} highlighted. {c.headline()}.",
        table=table,
        columns=columns,
        draw=lambda theme, words: charts.category_bars(
            rows, words, reference=uk, user_rows=mine, theme=theme, **highlight
        ),
        caption=shared.uploaded_caption(mine, "Hatched green bars"),
        notes=c.sentence(),
    )
    return shared.comparison_view(
        "regions",
        tables,
        c,
        user_rows,
        selected=category_of[region],
        page_charts=(bars, tile_map),
        breakdowns=("region",),
        benchmark_name="the UK" if against_uk else other,
        selections=dict(chosen),
        filters={"region": region, "compared with": other, "map": MEASURE_LABELS[measure]},
        notes=(resource("homeworking_2019")["caveats"]["region"], shared.DERIVED_NOTE),
        notices=shared.same_choice("region", region, other),
        with_user_rows=mine is not None,
    )
