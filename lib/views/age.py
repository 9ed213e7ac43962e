"""The Age View: the age profile on both measures, one band against the UK or another band, and how regular
homeworking was in each band."""

from __future__ import annotations

import pandas as pd

from lib import charts, compare
from lib.compare import UK_OPTION
from lib.selections import AgeChoice, Tables
from lib.views import shared
from lib.views.model import Chart, View
from lib.views.regularity import regularity_chart


def age(tables: Tables, chosen: AgeChoice, user_rows: pd.DataFrame | None = None) -> View:
    hw = tables.homeworking
    band, versus = chosen["band"], chosen["vs"]
    against_uk = versus == UK_OPTION
    c = compare.compare_with(hw, "age", band, versus)
    uk = shared.uk_of(tables)
    shape = compare.describe_profile(hw, "age", "week_prior")
    mine = shared.uploaded_of(user_rows, "age")
    rows = hw[hw["breakdown"] == "age"]
    profile = Chart(
        key="age-profile",
        title=c.headline(),
        subtitle="Homeworking by age of worker, UK, 2019 · dotted lines: UK, all in employment",
        alt=f"Line chart of homeworking by age band on two measures, {band} highlighted. {shape}",
        table=shared.wide_table(tables, "age"),
        columns=shared.measure_columns("Age band"),
        draw=lambda theme, words: charts.profile_chart(
            rows,
            words,
            highlight=(band,),
            compare_with=None if against_uk else versus,
            reference=uk,
            user_rows=mine,
            theme=theme,
        ),
        caption=" ".join(
            filter(
                None,
                [
                    f"{shape} {compare.describe_profile(hw, 'age', 'ever')}",
                    shared.uploaded_caption(mine, "Green square markers"),
                ],
            )
        ),
        notes=f"{c.sentence()} {shape}",
    )
    highlight: charts.Highlight = {"yours": band, "benchmark": None if against_uk else versus}
    regularity = regularity_chart(
        tables, c, "age", highlight, key="age-regularity", label="Age band", by="age of worker", ranked=False
    )
    return shared.comparison_view(
        "age",
        tables,
        c,
        user_rows,
        selected=band,
        page_charts=(profile, regularity),
        breakdowns=("age",),
        benchmark_name="the UK" if against_uk else c.benchmark_noun,
        selections=dict(chosen),
        filters={"age band": band, "compared with": versus},
        notes=(shape, shared.DERIVED_NOTE),
        notices=shared.same_choice("band", band, versus),
        with_user_rows=mine is not None,
    )
