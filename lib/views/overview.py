"""The Overview's View: the UK in 2019 and where public administration stood among ten sectors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from lib import charts, compare
from lib.compare import MEASURE_LABELS
from lib.data import resource
from lib.selections import PUBLIC_ADMIN, Tables
from lib.views import shared
from lib.views.model import Chart, Metric, View


def overview(tables: Tables, chosen: Mapping[str, Any], user_rows: pd.DataFrame | None = None) -> View:
    hw = tables.homeworking
    uk = shared.uk_of(tables)
    against_uk = compare.compare(hw, "sector", PUBLIC_ADMIN, compare.UK[1], "all")
    top_sector, top_week = shared.top_of(tables, "sector", "week_prior")
    top_against = compare.compare(hw, "sector", top_sector, PUBLIC_ADMIN)
    week = against_uk.measures["week_prior"]
    headline = (
        f"Public administration ({week.yours:.1f}%) was {compare.relation(week.gap_points)} the UK "
        f"({week.benchmark:.1f}%) and {top_against.measures['week_prior'].gap_points:.1f} points behind "
        f"{top_sector.lower()} ({top_week:.1f}%)."
    )
    sectors = hw[hw["breakdown"] == "sector"]
    title = top_against.headline()
    bars = Chart(
        key="overview-sectors",
        title=title,
        subtitle="Homeworking by sector, UK, 2019 · % of workers · dashed line: all in employment",
        alt=f"Bar chart of homeworking in ten sectors on two measures. {headline}",
        table=shared.wide_table(tables, "sector"),
        columns=shared.measure_columns("Sector"),
        draw=lambda theme, words: charts.category_bars(
            sectors, words, benchmark=PUBLIC_ADMIN, reference=uk, theme=theme
        ),
        caption=resource("homeworking_2019")["caveats"]["sector"],
        notes=f"{top_against.sentence()}",
    )
    return View(
        page="overview",
        headline=headline,
        sentence=(
            "How many people worked from home in 2019, by sector, age and region, from the ONS Annual Population "
            f"Survey — the baseline for the spring-2020 move to homeworking. {top_against.sentence()}"
        ),
        charts=(bars,),
        rows=shared.rows_of(tables, ("all", "sector")),
        resource="homeworking_2019",
        selections={},
        filters={"breakdown": "all, sector"},
        metrics=(
            Metric("UK: week before interview", f"{uk['week_prior']:.1f}%", MEASURE_LABELS["week_prior"] + ", 2019."),
            Metric("UK: ever worked from home", f"{uk['ever']:.1f}%", MEASURE_LABELS["ever"] + ", 2019."),
            Metric(
                "Public administration: week before",
                f"{week.yours:.1f}%",
                f"{top_sector} was highest at {top_week:.1f}%.",
                f"{compare.format_points(week.gap_points, 'pts')} vs the UK (derived)",  # a delta: short, or cut off
            ),
        ),
        notes=(resource("homeworking_2019")["caveats"]["sector"], shared.DERIVED_NOTE),
    )
