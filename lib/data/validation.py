"""The rules every table is held to (pandera), and their failures as problems a person can act on: which file,
which row, which rule. pandera loads only when something is validated."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # pandera costs the server half a second to import: only validation loads it
    import pandera.pandas as pa

from lib.data.package import (
    BREAKDOWNS,
    CLAIMANTS,
    KEY,
    KINDS,
    MEASURES,
    PRECISIONS,
    QUALIFIERS,
    SOURCES_DIR,
    VENDOR_CLAIM,
    source_for,
)

# Every category the 2019 tables print; a built-in file missing one is incomplete.
EXPECTED_COUNTS = {"all": 1, "sector": 10, "age": 12, "region": 12, "occupation": 5}


@dataclass(frozen=True)
class Problem:
    """One broken rule: which row (as a spreadsheet numbers it: the header is row 1), which column, what rule."""

    row: int | None
    column: str | None
    rule: str
    value: object = None

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "the table"
        col = f", column '{self.column}'" if self.column else ""
        got = "" if self.value is None else f" (found {self.value!r})"
        return f"{where}{col}: {self.rule}{got}"


class DataValidationError(ValueError):
    """A table broke one or more rules; `problems` lists each one (the first `max_problems`, when capped).

    `total` counts every broken rule found, listed or not.
    """

    def __init__(self, file: str, problems: list[Problem], *, total: int | None = None):
        self.file = file
        self.problems = problems
        self.total = max(len(problems), total or 0)
        shown = "\n".join(f"  - {p}" for p in problems[:20])
        more = f"\n  … and {self.total - 20} more" if self.total > 20 else ""
        super().__init__(f"{file} is not valid:\n{shown}{more}")


def _week_not_above_ever(df: pd.DataFrame) -> pd.Series:
    """True for each row unless its category's week-before share exceeds its ever share."""
    wide = df.pivot_table(index=["breakdown", "category"], columns="measure", values="percent", aggfunc="first")
    if "week_prior" not in wide or "ever" not in wide:
        return pd.Series(True, index=df.index)  # an upload with one measure has nothing to order
    bad = (wide["week_prior"] > wide["ever"]).fillna(False)
    if not bad.any():
        return pd.Series(True, index=df.index)
    # Vectorised, not a loop over rows: uploads of a million rows go through this check.
    rows = pd.MultiIndex.from_arrays([df["breakdown"], df["category"]])
    return pd.Series(~rows.isin(bad[bad].index), index=df.index)


def homeworking_schema(*, complete: bool) -> pa.DataFrameSchema:
    """Rules for a homeworking table; `complete` also demands every category of the 2019 tables.

    Uploaded tables use complete=False: they may cover any subset of the breakdowns.
    """
    import pandera.pandas as pa

    checks = [
        pa.Check(
            lambda df: ~df.duplicated(KEY, keep=False),
            error="each breakdown, category and measure appears once (duplicate key)",
            name="unique_key",
        ),
        pa.Check(
            _week_not_above_ever,
            error="the week-before share cannot exceed the ever share for the same category",
            name="week_prior_not_above_ever",
        ),
    ]
    if complete:
        checks.append(
            pa.Check(
                lambda df: all(
                    df.loc[df["breakdown"] == b, "category"].nunique() == n for b, n in EXPECTED_COUNTS.items()
                ),
                error="every category of the 2019 tables is present "
                + ", ".join(f"{n} {b}" for b, n in EXPECTED_COUNTS.items()),
                name="expected_categories",
            )
        )
    nonempty = pa.Check.str_length(min_value=1)
    return pa.DataFrameSchema(
        {
            "breakdown": pa.Column(
                str, pa.Check.isin(BREAKDOWNS, error=f"breakdown is one of {', '.join(BREAKDOWNS)}")
            ),
            "category": pa.Column(str, nonempty, nullable=False),
            "measure": pa.Column(str, pa.Check.isin(MEASURES, error=f"measure is one of {', '.join(MEASURES)}")),
            "percent": pa.Column(
                float,
                pa.Check.in_range(0, 100, error="percent is between 0 and 100"),
                nullable=True,
            ),
        },
        checks=checks,
        coerce=True,
        strict=False,
    )


@cache
def provenance_schema() -> pa.DataFrameSchema:
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "code": pa.Column(str, nullable=True),
            "official_name": pa.Column(str, nullable=True),
            "order": pa.Column(int, pa.Check.ge(1, error="order is 1 or more")),
            "source_file": pa.Column(
                str,
                pa.Check(
                    lambda s: s.map(lambda f: (SOURCES_DIR / f).is_file()),
                    element_wise=False,
                    error="source_file names a file in data/sources/",
                ),
            ),
            "source_line": pa.Column(int, pa.Check.ge(1, error="source_line is 1 or more")),
        },
        coerce=True,
        strict=False,
    )


def problems_from(err: pa.errors.SchemaErrors, df: pd.DataFrame, limit: int | None = None) -> list[Problem]:
    """Turn pandera's failure cases into row-level problems a person can act on.

    A column that could not be parsed is reported once per bad cell and the rule
    checks that then fail on the unparsed text are left out as noise; a whole-row
    rule (duplicate key, week above ever) is reported once per row, not per cell.
    With a `limit`, only the cases of the first rows become problems: a million bad
    rows took 26 s to list one by one, and nobody reads past the first screenful.
    """
    cases = _relevant_cases(err)
    if limit is not None and len(cases) > limit:
        rows = pd.to_numeric(cases["index"], errors="coerce")
        cases = cases.loc[rows.sort_values(na_position="first", kind="stable").index[:limit]]
    messages = _rule_messages(err.schema)
    problems = []
    for case in cases.to_dict("records"):
        name = str(case["check"])
        index, column, value = case["index"], case["column"], case["failure_case"]
        row = None if _isnull(index) else int(index) + 2
        if not isinstance(column, str) or column == err.schema.name:
            column = None
        if name.startswith("coerce_dtype"):
            rule = "must be a number" if ("float" in name or "int" in name) else "must be text"
        elif name.startswith("datetime64") or "datetime" in name:
            rule = "must be a date (YYYY-MM-DD)"
        elif name == "column_in_dataframe":
            rule, column, row, value = f"a column named '{value}' is required", None, None, None
        elif name == "column_in_schema":
            rule, column, row, value = f"the column '{value}' is not expected", None, None, None
        elif name == "not_nullable":
            rule, value = "must not be empty", None
        elif case["schema_context"] == "DataFrameSchema" and row is not None:
            rule, column, value = messages.get(name, name), None, _row_key(df, index)
        else:
            rule = messages.get(name, name)
        if row is None and column is None and not isinstance(value, str):
            value = None
        problems.append(Problem(row, column, rule, None if _isnull(value) else value))
    completeness = messages.get("expected_categories")
    if completeness and any(p.rule == completeness for p in problems):
        problems = [p for p in problems if p.rule != completeness]
        problems.extend(_missing_categories(df))
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (p.row is None, p.row or 0, p.column or ""))


def _relevant_cases(err: pa.errors.SchemaErrors) -> pd.DataFrame:
    """The failure cases worth a problem each: parse failures alone when there are any, and no crashed checks."""
    cases = err.failure_cases
    check = cases["check"].astype(str)
    if check.str.startswith("coerce_dtype").any():
        cases = cases[check.str.startswith("coerce_dtype")]
    crashed = cases["failure_case"].astype(str).str.match(r"^[A-Za-z]+(Error|Exception)\(")
    if (~crashed).any():
        cases = cases[~crashed]
    return cases


def _row_key(df: pd.DataFrame, index: object) -> str | None:
    """A row's key as text, so a whole-row problem says which figure it is about."""
    try:
        row = df.loc[index]
    except KeyError:
        return None
    return " / ".join(str(row[c]) for c in KEY if c in row.index)


def _missing_categories(df: pd.DataFrame) -> list[Problem]:
    counts = df.groupby("breakdown")["category"].nunique()
    return [
        Problem(None, "category", f"{breakdown} needs {n} categories, found {counts.get(breakdown, 0)}")
        for breakdown, n in EXPECTED_COUNTS.items()
        if counts.get(breakdown, 0) != n
    ]


def _isnull(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _rule_messages(schema: pa.DataFrameSchema) -> dict[str, str]:
    """Map each check's name to the plain-English rule it enforces."""
    messages = {}
    checks = list(schema.checks)
    for column in schema.columns.values():
        checks.extend(column.checks)
    for check in checks:
        if check.error:
            messages[check.name] = check.error
            messages[str(check.error)] = check.error
    return messages


def validate(
    df: pd.DataFrame, schema: pa.DataFrameSchema, file: str, *, max_problems: int | None = None
) -> pd.DataFrame:
    """Validate against `schema`, reporting every broken rule at once (the first `max_problems` of them)."""
    import pandera.pandas as pa

    try:
        return schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        problems = problems_from(err, df, max_problems)
        capped = max_problems is not None and len(problems) >= max_problems
        raise DataValidationError(file, problems, total=len(_relevant_cases(err)) if capped else None) from None


def row_sources(df: pd.DataFrame) -> list[dict | None]:
    return [
        source_for(f, a, b) for f, a, b in zip(df["source_file"], df["source_line"], df["source_line_end"], strict=True)
    ]


def _quoted_from_a_listed_source(df: pd.DataFrame) -> pd.Series:
    return pd.Series([s is not None for s in row_sources(df)], index=df.index)


def _vendor_claims_are_advertorials(df: pd.DataFrame) -> pd.Series:
    """A quote from a vendor's piece is a vendor claim, and only such a quote is."""
    from_vendor = [s is not None and "vendor" in s for s in row_sources(df)]
    return pd.Series(from_vendor, index=df.index) == (df["claimant"] == VENDOR_CLAIM)


def _regions_match_codes(df: pd.DataFrame) -> pd.Series:
    from lib.data.load import load_regions  # the regions are the homeworking table's (which loads through here)

    regions = load_regions()
    lookup = dict(zip(regions["official_name"], regions["code"], strict=False))
    return pd.Series(
        [
            (pd.isna(r) and pd.isna(c)) or lookup.get(r) == c
            for r, c in zip(df["region"], df["region_code"], strict=False)
        ],
        index=df.index,
    )


def _period_matches_precision(df: pd.DataFrame) -> pd.Series:
    """A span's bounds must fit its precision as data/datapackage.json defines it: no day the source does not give.

    A month runs from the 1st to its end; part of a month is days 1-10, 11-20 or 21 to the
    end; named weeks are whole calendar weeks (Monday to Sunday); "by" has an end and no start.
    """
    start, end, precision = df["period_start"], df["period_end"], df["precision"]
    ok = pd.Series(True, index=df.index)
    ok &= ~((start > end).fillna(False))
    day = precision == "day"
    ok &= ~day | ((start == end) & start.notna())
    month = precision == "month"
    ok &= ~month | (start.notna() & end.notna() & (start.dt.day == 1) & (end == start + pd.offsets.MonthEnd(0)))
    part = precision == "part of month"
    thirds = (
        ((start.dt.day == 1) & (end == start + pd.Timedelta(days=9)))
        | ((start.dt.day == 11) & (end == start + pd.Timedelta(days=9)))
        | ((start.dt.day == 21) & (end == start + pd.offsets.MonthEnd(0)))
    )
    ok &= ~part | (start.notna() & end.notna() & thirds)
    weeks = precision == "weeks"  # calendar weeks: Monday to Sunday
    ok &= ~weeks | (start.notna() & end.notna() & (start.dt.day_of_week == 0) & (end.dt.day_of_week == 6))
    by = precision == "by"
    ok &= ~by | (start.isna() & end.notna())
    undated = precision.isin(["before the pandemic", "undated"])
    ok &= ~undated | (start.isna() & end.isna())
    return ok


def _council_columns() -> dict:
    """Each column of the council rollout table and the rule its cells follow."""
    import pandera.pandas as pa

    nonempty = pa.Check.str_length(min_value=1)
    return {
        "id": pa.Column(str, nonempty, unique=True, report_duplicates="all"),
        "organisation": pa.Column(str, nonempty),
        "kind": pa.Column(str, pa.Check.isin(KINDS, error=f"kind is one of {', '.join(KINDS)}")),
        "region": pa.Column(str, nullable=True),
        "region_code": pa.Column(str, nullable=True),
        "measure": pa.Column(str, nonempty),
        "value": pa.Column(float, pa.Check.ge(0, error="value is 0 or more"), nullable=True),
        "qualifier": pa.Column(
            str,
            pa.Check.isin(QUALIFIERS, error=f"qualifier is one of {', '.join(QUALIFIERS)}"),
            nullable=True,
        ),
        "value_text": pa.Column(str, nullable=True),
        "unit": pa.Column(str, nullable=True),
        "when": pa.Column(str, nonempty),
        "period_start": pa.Column("datetime64[ns]", nullable=True),
        "period_end": pa.Column("datetime64[ns]", nullable=True),
        "precision": pa.Column(str, pa.Check.isin(PRECISIONS, error=f"precision is one of {', '.join(PRECISIONS)}")),
        "duration_min_days": pa.Column(float, pa.Check.gt(0), nullable=True),
        "duration_max_days": pa.Column(float, pa.Check.gt(0), nullable=True),
        "window_days": pa.Column(float, pa.Check.gt(0), nullable=True),
        "quote": pa.Column(str, nonempty),
        "claimant": pa.Column(str, pa.Check.isin(CLAIMANTS, error=f"claimant is one of {', '.join(CLAIMANTS)}")),
        "source_file": pa.Column(
            str,
            pa.Check(
                lambda s: s.map(lambda f: (SOURCES_DIR / f).is_file()),
                error="source_file names a file in data/sources/",
            ),
        ),
        "source_line": pa.Column(int, pa.Check.ge(1)),
        "source_line_end": pa.Column(int, pa.Check.ge(1)),
    }


def councils_schema() -> pa.DataFrameSchema:
    """Rules for the council rollout table."""
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        _council_columns(),
        checks=[
            pa.Check(
                _regions_match_codes,
                error="region is an official ONS region or nation name and region_code is its GSS code",
                name="region_code_matches",
            ),
            pa.Check(
                _period_matches_precision,
                error="period_start and period_end fit the precision (no day the source does not give)",
                name="period_fits_precision",
            ),
            pa.Check(
                lambda df: ~df["when"].str.match(r"(?i)by\b") | (df["precision"] == "by"),
                error="a date the source gives as 'by …' has precision 'by': an end, no start",
                name="by_means_by",
            ),
            pa.Check(
                _quoted_from_a_listed_source,
                error="source_file and lines fall in one entry of the Data Package's sources",
                name="listed_source",
            ),
            pa.Check(
                _vendor_claims_are_advertorials,
                error=f"a quote from a vendor's advertorial has claimant '{VENDOR_CLAIM}', and only such a quote",
                name="vendor_claims",
            ),
            pa.Check(
                lambda df: df["value"].isna() | df["unit"].notna(),
                error="a value has a unit",
                name="value_has_unit",
            ),
            pa.Check(
                lambda df: ~(df["duration_min_days"] > df["duration_max_days"]).fillna(False),
                error="duration_min_days is not above duration_max_days",
                name="duration_ordered",
            ),
            pa.Check(
                lambda df: df["window_days"].isna() | (df["duration_min_days"].isna() & df["duration_max_days"].isna()),
                error="a row has a measurement window (window_days) or a duration of the change, never both",
                name="window_is_not_a_duration",
            ),
            pa.Check(
                lambda df: df["source_line_end"] >= df["source_line"],
                error="source_line_end is not before source_line",
                name="lines_ordered",
            ),
        ],
        coerce=True,
        strict=True,
    )
