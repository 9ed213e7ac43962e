"""The Sectors View: your sector against public administration, the UK or another sector."""

from __future__ import annotations

import pandas as pd

from lib import charts, compare
from lib.compare import UK_OPTION
from lib.data import resource
from lib.selections import SectorsChoice, Tables
from lib.views import shared
from lib.views.model import Chart, View
from lib.views.regularity import regularity_chart


def sectors(tables: Tables, chosen: SectorsChoice, user_rows: pd.DataFrame | None = None) -> View:
    hw = tables.homeworking
    sector, benchmark = chosen["sector"], chosen["benchmark"]
    against_uk = benchmark == UK_OPTION
    c = compare.compare_with(hw, "sector", sector, benchmark)
    benchmark_name = "the UK" if against_uk else benchmark.lower()
    uk = shared.uk_of(tables)
    caveats = resource("homeworking_2019")["caveats"]
    highlight: charts.Highlight = {"yours": sector, "benchmark": None if against_uk else benchmark}
    mine = shared.uploaded_of(user_rows, "sector")
    rows = hw[hw["breakdown"] == "sector"]
    bars = Chart(
        key="sectors-all",
        title=c.headline(),
        subtitle="Homeworking by sector, UK, 2019 · 10 selected sectors · % of workers · dashed line: "
        "UK, all in employment",
        alt=f"Bar chart of homeworking in ten sectors on two measures, {sector} highlighted. {c.headline()}.",
        table=shared.wide_table(tables, "sector"),
        columns=shared.measure_columns("Sector"),
        draw=lambda theme, words: charts.category_bars(
            rows, words, reference=uk, user_rows=mine, theme=theme, **highlight
        ),
        caption=" ".join(
            filter(
                None,
                [
                    f"{caveats['sector']} Ten sectors are shown, not the whole economy; ranks are among these ten.",
                    shared.uploaded_caption(mine, "Hatched green bars"),
                ],
            )
        ),
        notes=c.sentence(),
    )
    regularity = regularity_chart(tables, c, "sector", highlight, key="sectors-regularity", label="Sector", by="sector")
    return shared.comparison_view(
        "sectors",
        tables,
        c,
        user_rows,
        selected=sector,
        page_charts=(bars, regularity, _occupation_chart(tables)),
        breakdowns=("sector", "occupation"),
        benchmark_name=benchmark_name,
        selections=dict(chosen),
        filters={"sector": sector, "compared with": benchmark},
        notes=(caveats["sector"], caveats["occupation"], shared.DERIVED_NOTE),
        notices=shared.same_choice("sector", sector, benchmark),
        with_user_rows=mine is not None,
    )


def _occupation_chart(tables: Tables) -> Chart:
    """The five occupations the source quotes: only their 'ever' figure is published."""
    top_occupation, top_share = shared.top_of(tables, "occupation", "ever")
    occupations = tables.homeworking[tables.homeworking["breakdown"] == "occupation"]
    uk = shared.uk_of(tables)
    return Chart(
        key="sectors-occupations",
        title=f"{top_occupation} were the most likely to have ever worked from home ({top_share:.0f}%)",
        subtitle="Selected occupations quoted by the source, UK, 2019 · have ever worked from home",
        alt=f"Bar chart of five occupations' share who have ever worked from home; {top_occupation} highest at "
        f"{top_share:.0f}%.",
        table=shared.wide_table(tables, "occupation"),
        columns=shared.measure_columns("Occupation"),
        draw=lambda theme, words: charts.category_bars(
            occupations,
            words,
            measures=("ever",),
            reference={"ever": uk["ever"]},
            theme=theme,
        ),
        caption=resource("homeworking_2019")["caveats"]["occupation"],
        depends_on=(),
    )
