"""Cite this view (lib.cite): who produced the figures, from the Data Package; a reference line, BibTeX and CSL-JSON
that hold the permalink and the day; every text escaped for BibTeX."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date

import pytest

from lib import cite, data, views
from lib.selections import Tables

DAY = date(2026, 12, 2)
LINK = "https://dash.example/sectors?sector=Education"


@pytest.fixture(scope="module")
def tables():
    return Tables(data.load_homeworking(), data.load_councils())


def test_the_ons_figures_are_cited_to_the_office_for_national_statistics(tables):
    for page in ("overview", "sectors", "age", "regions", "explore"):
        assert cite.producers(views.for_query(page, tables, {})) == ("Office for National Statistics",), page


def test_council_figures_are_cited_to_the_publishers_of_their_own_sources(tables):
    shown = views.for_query("councils", tables, {"region": "Wales"})
    sources = [data.source_for(r.source_file, r.source_line, r.source_line_end) for r in shown.rows.itertuples()]
    expected = {s["publisher"] for s in sources}
    assert set(cite.producers(shown)) == expected and "Office for National Statistics" not in expected
    everything = views.for_query("councils", tables, {})
    assert set(cite.producers(everything)) > expected  # more rows, more publishers (the Cabinet Office, …)
    empty = replace(everything, rows=everything.rows.iloc[0:0])
    assert set(cite.producers(empty)) >= set(cite.producers(everything))


def test_the_reference_line_names_producer_title_dashboard_year_permalink_and_day(tables):
    shown = views.for_query("sectors", tables, {"sector": "Education"})
    line = cite.cite(shown, LINK, DAY).reference()
    assert line.startswith(
        "Office for National Statistics. Your sector against public administration (sector: Education"
    )
    assert "Homeworking dashboard, 2026." in line and line.endswith(f"{LINK} (accessed 2 December 2026).")


def test_bibtex_is_one_misc_entry_with_balanced_braces_and_escaped_text(tables):
    shown = views.for_query("sectors", tables, {})
    shown = replace(shown, title="50% of R&D_staff {really} #1 $5 ~ ^ \\")
    entry = cite.cite(shown, "https://d.example/a b{c}", DAY).bibtex()
    assert entry.startswith("@misc{homeworking-sectors-education-public-administration-and-defence-2026,")
    depth = 0
    for i, char in enumerate(entry):
        if char in "{}" and (i == 0 or entry[i - 1] != "\\"):
            depth += 1 if char == "{" else -1
            assert depth >= 0
    assert depth == 0
    assert r"50\% of R\&D\_staff \{really\} \#1 \$5 \~{} \^{} \textbackslash{}" in entry
    assert "url = {https://d.example/a%20b%7Bc%7D}" in entry and "urldate = {2026-12-02}" in entry
    assert re.search(r"author = \{\{Office for National Statistics\}\}", entry)


def test_csl_json_reads_back_with_the_permalink_and_the_days(tables):
    shown = views.for_query("councils", tables, {})
    citation = cite.cite(shown, LINK, DAY)
    [item] = json.loads(citation.csl_json())
    assert item["URL"] == LINK and item["type"] == "dataset" and item["title"] == cite.title(shown)
    assert item["accessed"] == {"date-parts": [[2026, 12, 2]]} and item["issued"] == {"date-parts": [[2026]]}
    assert [a["literal"] for a in item["author"]] == list(cite.producers(shown))
    assert item["id"] == citation.key
