"""Comparison arithmetic on the tidy homeworking table: gaps, ratios, ranks, regularity, sentences.

Pure functions: tidy DataFrame in, numbers or text out. Every figure they produce is
derived (not printed in the source) and is labelled as such where it is shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from lib.data import MEASURES

UK = ("all", "All in employment")
UK_OPTION = "UK: all in employment"  # how a page offers the UK as a comparison; also its URL value

MEASURE_PHRASES = {
    "week_prior": "worked from home in the week before interview",
    "ever": "ever worked from home",
}
MEASURE_LABELS = {
    "week_prior": "Worked from home in the week before interview",
    "ever": "Have ever worked from home",
}
MEASURE_SHORT = {"week_prior": "Week before interview", "ever": "Ever"}
MEASURE_PANELS = {"week_prior": "Worked from home in the week before interview", "ever": "Ever worked from home"}


def percent_of(df: pd.DataFrame, breakdown: str, category: str, measure: str) -> float:
    """One published figure; NaN where the source gives none."""
    hit = df[(df["breakdown"] == breakdown) & (df["category"] == category) & (df["measure"] == measure)]["percent"]
    return float(hit.iloc[0]) if len(hit) else math.nan


def uk_reference(df: pd.DataFrame) -> dict[str, float]:
    """The UK (all in employment) on each measure: the reference line of every breakdown's chart."""
    return {measure: percent_of(df, *UK, measure) for measure in MEASURES}


def categories(df: pd.DataFrame, breakdown: str) -> list[str]:
    """The categories of a breakdown in the source's display order."""
    rows = df[df["breakdown"] == breakdown]
    if "order" in rows:
        rows = rows.sort_values("order", kind="stable")
    return list(dict.fromkeys(rows["category"]))


def by_category(df: pd.DataFrame) -> pd.DataFrame:
    """Tidy rows → one row per category (in order of appearance), one column per measure; first value wins.

    A plain loop: for the few dozen rows of a chart it is ten times quicker than
    pandas' pivot_table, which factorises every string column first.
    """
    values: dict[str, dict[str, float]] = {}
    for category, measure, percent in zip(df["category"], df["measure"], df["percent"], strict=True):
        values.setdefault(category, {}).setdefault(measure, percent)
    table = pd.DataFrame.from_dict(values, orient="index", dtype=float)
    table.index.name = "category"
    table.columns.name = "measure"
    return table.reindex(columns=[m for m in MEASURES if m in table.columns])


def wide(df: pd.DataFrame, breakdown: str) -> pd.DataFrame:
    """One row per category, one column per measure, in display order."""
    return by_category(df[df["breakdown"] == breakdown]).reindex(categories(df, breakdown))


def gap_points(a: float, b: float) -> float:
    """Difference in percentage points, a − b, rounded to the source's one decimal."""
    return round(a - b, 1)


def relation(gap: float, *, close: float = 2.0) -> str:
    """'close to', 'above' or 'below': how a gap in points reads in a sentence."""
    if abs(gap) < close:
        return "close to"
    return "above" if gap > 0 else "below"


def ratio(a: float, b: float) -> float:
    """How many times as likely: a ÷ b (NaN when b is zero or missing)."""
    if b is None or math.isnan(b) or b == 0 or math.isnan(a):
        return math.nan
    return a / b


def regularity(week_prior: float, ever: float) -> float:
    """Share of ever-homeworkers who also worked from home in the week before (week ÷ ever), in %.

    Treats the week-before group as a subset of the ever group, as the survey's
    questions imply; a high share means homeworking there was a habit, not a one-off.
    """
    return ratio(week_prior, ever) * 100


def rank_of(df: pd.DataFrame, breakdown: str, category: str, measure: str) -> tuple[int, int]:
    """Rank (1 = highest share) of a category among its breakdown's listed categories, and how many."""
    values = df[(df["breakdown"] == breakdown) & (df["measure"] == measure)].dropna(subset=["percent"])
    values = values.drop_duplicates("category").set_index("category")["percent"]
    if category not in values.index:
        return (0, len(values))
    ranks = values.rank(ascending=False, method="min")
    return int(ranks[category]), len(values)


def counted(n: int, noun: str) -> str:
    """1 → '1 row', 1234 → '1,234 rows': a count and its noun, singular for one."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def ordinal(n: int) -> str:
    """1 → '1st', 2 → '2nd', 11 → '11th'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def group_noun(breakdown: str, category: str, official_name: str | None = None) -> str:
    """How a sentence names the people in a category ('education staff', 'workers aged 70 and over')."""
    if breakdown == "all":
        return "all workers in the UK"
    if breakdown == "sector":
        return f"{_lower_first(category)} staff"
    if breakdown == "age":
        return f"workers aged {category.removesuffix(' yrs')}"
    if breakdown == "region":
        name = official_name if isinstance(official_name, str) and official_name else category
        return f"workers in {place_name(name)}"
    return _lower_first(category)


def place_name(name: str) -> str:
    """A region's name as a sentence says it: 'the North East', 'London'."""
    return f"the {name}" if name.split()[0] in {"North", "South", "East", "West"} else name


def _lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word is an acronym ('IT and telecoms…')."""
    first = text.split()[0] if text else ""
    if len(first) > 1 and first[:2].isupper():
        return text
    return text[:1].lower() + text[1:]


RATIO_DIGITS = 1  # one precision for every ratio, so a headline and the figures under it never say 1.7× and 1.66×


def format_ratio(value: float) -> str:
    """'1.7×': every ratio a view shows, in its headline, sentence and figures, to RATIO_DIGITS decimals."""
    return "n/a" if math.isnan(value) else f"{value:.{RATIO_DIGITS}f}×"


def format_points(value: float, unit: str = "points") -> str:
    """Signed percentage points: '+9.1 points', '−2.0 points', '0.0 points' ('pts' where space is short)."""
    if math.isnan(value):
        return "n/a"
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return f"{sign}{abs(value):.1f} {unit}"


def likelihood_phrase(a_noun: str, b_noun: str, a: float, b: float, measure: str) -> str:
    """'A were 1.7× as likely as B to have <measure>'; 'less likely … (8.0% against 12.4%)' when A is lower."""
    verb = MEASURE_PHRASES[measure]
    r = ratio(a, b)
    if math.isnan(r):
        return f"There is no published {MEASURE_SHORT[measure].lower()} figure to compare {a_noun} with {b_noun}"
    subject = a_noun[:1].upper() + a_noun[1:]
    if round(r, 1) == 1.0:
        return f"{subject} were about as likely as {b_noun} to have {verb}"
    if r > 1:
        return f"{subject} were {format_ratio(r)} as likely as {b_noun} to have {verb}"
    return f"{subject} were less likely than {b_noun} to have {verb} ({a:.1f}% against {b:.1f}%)"


@dataclass(frozen=True)
class MeasureComparison:
    """Your category against a benchmark on one measure. All but the two percents are derived."""

    measure: str
    yours: float
    benchmark: float
    gap_points: float
    ratio: float
    rank: int
    of: int


@dataclass(frozen=True)
class Comparison:
    breakdown: str
    yours: str
    benchmark: str
    benchmark_breakdown: str
    yours_noun: str
    benchmark_noun: str
    measures: dict[str, MeasureComparison]
    yours_regularity: float
    benchmark_regularity: float

    def headline(self, measure: str = "week_prior") -> str:
        m = self.measures[measure]
        return likelihood_phrase(self.yours_noun, self.benchmark_noun, m.yours, m.benchmark, measure)

    def sentence(self) -> str:
        """Everything in one paragraph of plain English, no arithmetic left to the reader."""
        week, ever = self.measures["week_prior"], self.measures["ever"]
        noun = self.yours_noun[:1].upper() + self.yours_noun[1:]
        parts = [
            f"In 2019, {_pct(week.yours)} of {self.yours_noun} had worked from home in the week before "
            f"interview, against {_pct(week.benchmark)} of {self.benchmark_noun} "
            f"({format_points(week.gap_points)}, {format_ratio(week.ratio)} as likely).",
            f"{_pct(ever.yours)} had ever worked from home, against {_pct(ever.benchmark)} "
            f"({format_points(ever.gap_points)}, {format_ratio(ever.ratio)}).",
        ]
        if week.rank and ever.rank:
            group = {"sector": "sectors", "age": "age bands", "region": "regions and nations"}.get(
                self.breakdown, "categories"
            )
            parts.append(
                f"{noun} rank {ordinal(week.rank)} of {week.of} {group} on the week before and "
                f"{ordinal(ever.rank)} of {ever.of} on ever having worked from home."
            )
        if not math.isnan(self.yours_regularity):
            parts.append(
                f"{self.yours_regularity:.0f}% of their ever-homeworkers had also worked from home in the week "
                f"before, against {self.benchmark_regularity:.0f}% for {self.benchmark_noun}."
            )
        return " ".join(parts)


def _pct(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.1f}%"


def compare(
    df: pd.DataFrame,
    breakdown: str,
    yours: str,
    benchmark: str,
    benchmark_breakdown: str | None = None,
) -> Comparison:
    """Compare `yours` with `benchmark` (a category of the same breakdown, or the UK via 'all')."""
    benchmark_breakdown = benchmark_breakdown or breakdown
    measures = {}
    for measure in MEASURES:
        a = percent_of(df, breakdown, yours, measure)
        b = percent_of(df, benchmark_breakdown, benchmark, measure)
        rank, of = rank_of(df, breakdown, yours, measure)
        measures[measure] = MeasureComparison(measure, a, b, gap_points(a, b), ratio(a, b), rank, of)
    return Comparison(
        breakdown=breakdown,
        yours=yours,
        benchmark=benchmark,
        benchmark_breakdown=benchmark_breakdown,
        yours_noun=group_noun(breakdown, yours, _official(df, breakdown, yours)),
        benchmark_noun=group_noun(benchmark_breakdown, benchmark, _official(df, benchmark_breakdown, benchmark)),
        measures=measures,
        yours_regularity=regularity(measures["week_prior"].yours, measures["ever"].yours),
        benchmark_regularity=regularity(measures["week_prior"].benchmark, measures["ever"].benchmark),
    )


def compare_with(df: pd.DataFrame, breakdown: str, yours: str, choice: str) -> Comparison:
    """`yours` against `choice`: another category of the same breakdown, or UK_OPTION for all in employment."""
    if choice == UK_OPTION:
        return compare(df, breakdown, yours, UK[1], "all")
    return compare(df, breakdown, yours, choice)


def _official(df: pd.DataFrame, breakdown: str, category: str) -> str | None:
    if "official_name" not in df:
        return None
    hit = df[(df["breakdown"] == breakdown) & (df["category"] == category)]["official_name"].dropna()
    return hit.iloc[0] if len(hit) else None


def top(df: pd.DataFrame, breakdown: str, measure: str) -> tuple[str, float]:
    """The category with the highest share on a measure."""
    rows = df[(df["breakdown"] == breakdown) & (df["measure"] == measure)].dropna(subset=["percent"])
    best = rows.loc[rows["percent"].idxmax()]
    return best["category"], float(best["percent"])


def describe_profile(df: pd.DataFrame, breakdown: str = "age", measure: str = "week_prior") -> str:
    """Say in words what shape an ordered profile has: where it peaks, dips and rises again.

    Built from the figures so that a new release with another shape gets a true caption.
    """
    series = wide(df, breakdown)[measure].dropna()
    if len(series) < 3:
        return ""
    labels = [c.removesuffix(" yrs") for c in series.index]
    values = series.to_numpy()
    peak = _first_peak(values)
    text = (
        f"The share who {MEASURE_PHRASES[measure]} rises from {values[0]:.1f}% ({labels[0]}) "
        f"to {values[peak]:.1f}% ({labels[peak]})"
    )
    if peak == len(values) - 1:
        return text + "."
    low = peak + int(values[peak:].argmin())
    text += f", dips to {values[low]:.1f}% ({labels[low]})"
    if low < len(values) - 1:
        end = len(values) - 1
        text += f", then rises again to {values[end]:.1f}% ({labels[end]})"
        if values[end] > values[peak]:
            text += ", the highest of any band"
    return text + "."


def _first_peak(values) -> int:
    """Index of the first local maximum: where a rising profile first turns down."""
    for i in range(1, len(values)):
        if values[i] < values[i - 1]:
            return i - 1
    return len(values) - 1


# ---- your figures against 2019 ------------------------------------------------------------------------

UNCHANGED_POINTS = 0.05  # a change under half a tenth of a point rounds to 0.0: 'unchanged'


@dataclass(frozen=True)
class Change:
    """One of the person's own figures against the 2019 figure for the same category and measure.

    `before` is NaN where the 2019 tables have no such figure (a category or a measure only
    their file has). Points and ratio are derived, and every sentence says so.
    """

    breakdown: str
    category: str
    measure: str
    before: float
    after: float
    source: str

    @property
    def points(self) -> float:
        return gap_points(self.after, self.before)

    @property
    def ratio(self) -> float:
        return ratio(self.after, self.before)

    @property
    def comparable(self) -> bool:
        return not (math.isnan(self.before) or math.isnan(self.after))

    @property
    def direction(self) -> str:
        """'up', 'down', 'unchanged', or '' where there is nothing to compare."""
        if not self.comparable:
            return ""
        if abs(self.after - self.before) < UNCHANGED_POINTS:
            return "unchanged"
        return "up" if self.after > self.before else "down"

    def movement(self) -> str:
        """'up 39.1 points, 3.2× as many (derived)', 'down 2.0 points, 15% fewer (derived)', 'unchanged'."""
        if self.direction == "unchanged":
            return "unchanged (derived)"
        if self.direction == "up":
            return f"up {self.points:.1f} points, {format_ratio(self.ratio)} as many (derived)"
        fewer = (1 - self.ratio) * 100
        return f"down {abs(self.points):.1f} points, {fewer:.0f}% fewer (derived)"

    def sentence(self) -> str:
        """'London: 57.2% worked from home in the week before interview (your figures: ONS LMS April 2020),
        against 18.1% in 2019: up 39.1 points, 3.2× as many (derived)'."""
        phrase = MEASURE_PHRASES[self.measure]
        if math.isnan(self.after):
            return f"{self.category}: your figures ({self.source}) leave the share who {phrase} empty"
        theirs = f"{self.category}: {_pct(self.after)} {phrase} (your figures: {self.source})"
        if math.isnan(self.before):
            return f"{theirs}; the 2019 tables have no such figure to compare it with"
        return f"{theirs}, against {_pct(self.before)} in 2019: {self.movement()}"


def changes(df: pd.DataFrame, user_rows: pd.DataFrame | None, breakdown: str | None = None) -> list[Change]:
    """Every figure the person brought (of one breakdown, or all), each against the 2019 figure it matches:
    their categories in their file's order, week before then ever."""
    if user_rows is None or not len(user_rows):
        return []
    rows = user_rows if breakdown is None else user_rows[user_rows["breakdown"] == breakdown]
    baseline = {
        (b, c, m): p for b, c, m, p in zip(df["breakdown"], df["category"], df["measure"], df["percent"], strict=True)
    }
    order = {m: i for i, m in enumerate(MEASURES)}
    found = [
        Change(b, c, m, float(baseline.get((b, c, m), math.nan)), float(p), str(s))
        for b, c, m, p, s in zip(
            rows["breakdown"], rows["category"], rows["measure"], rows["percent"], rows["source"], strict=True
        )
    ]
    first_seen = {c: i for i, c in reversed(list(enumerate(rows["category"])))}
    return sorted(found, key=lambda ch: (first_seen[ch.category], order.get(ch.measure, 9)))


def changes_summary(found: list[Change], noun: str) -> str:
    """'Your figures (X) are up on 3 of 4 sectors against 2019 (derived)': the chart's title without a lead."""
    names = ", ".join(dict.fromkeys(ch.source for ch in found))
    compared = [ch for ch in found if ch.comparable]
    if not compared:
        return f"Your figures ({names}): none of their {noun} has a 2019 figure to compare with"
    up = sum(ch.direction == "up" for ch in compared)
    return f"Your figures ({names}) are up on {up} of the {len(compared)} figures with a 2019 figure (derived)"


def headline_change(found: list[Change], category: str) -> Change | None:
    """The change a page leads with for the chosen category: the week before if both sides have it, else ever."""
    mine = [ch for ch in found if ch.category == category]
    return next((ch for ch in mine if ch.comparable), mine[0] if mine else None)
