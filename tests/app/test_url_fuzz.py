"""Hostile URLs: every page, driven through AppTest with random query strings, never raises, shows what
lib.selections reads from the same address (so the page, the deck, the API and the report agree), and
never renders a value from the URL as HTML."""

from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib import data, selections, views
from lib.views import deck
from tests.app.conftest import ROOT, run_page

TABLES = selections.Tables(data.load_homeworking(), data.load_councils())


def app_pages() -> list[str]:
    """Every page the navigation offers, from the Page records, so a new page is fuzzed too."""
    return [f"../{page.script}" for page in views.PAGES.values()]


KNOWN_KEYS = deck.url_keys()
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<b>bold</b>",
    "javascript:alert(1)",
    "../../etc/passwd",
    "x" * 5000,
    "NaN",
    "-1",
    "1e309",
    "",
    "‮gnp.exe",
    "🦆" * 50,
    "\x00",
]
values = st.one_of(st.sampled_from(HOSTILE), st.text(min_size=0, max_size=60))
queries = st.dictionaries(
    keys=st.one_of(st.sampled_from(KNOWN_KEYS), st.text(min_size=1, max_size=12)),
    values=st.lists(values, min_size=1, max_size=3),
    min_size=1,
    max_size=5,
)


@cache
def default_view(page: str) -> dict:
    at = run_page(page)
    assert not at.exception
    return {w.key: w.value for w in _choice_widgets(at)}


def _choice_widgets(at):
    return [*at.selectbox, *at.radio, *at.multiselect]


def _value(widget):
    return list(widget.value) if isinstance(widget.value, list | tuple) else widget.value


def _is_option(widget, value: str) -> bool:
    return value in [str(o) for o in widget.options]


@pytest.mark.parametrize("page", app_pages())
@settings(max_examples=6, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(query=queries)
def test_hostile_query_string_never_breaks_a_page(page, query):
    query = {k.replace("\x00", ""): [v.replace("\x00", "") for v in vs] for k, vs in query.items()}
    at = run_page(page, query)
    assert not at.exception, at.exception
    defaults = default_view(page)
    for widget in _choice_widgets(at):
        supplied = query.get(widget.key)
        if supplied and not any(_is_option(widget, v) for v in supplied) and widget.key in defaults:
            assert widget.value == defaults[widget.key], (widget.key, supplied)
    name = Path(page).stem
    if name in views.PAGES and name != "explore":  # Explore's options also depend on the session's uploads
        expected = selections.read(views.PAGES[name].keys, query, TABLES)
        for widget in _choice_widgets(at):
            assert _value(widget) == expected[widget.key], (widget.key, query.get(widget.key))
    tainted = [v for vs in query.values() for v in vs if "<" in v]
    for element in at.markdown:
        if any(v in element.value for v in tainted):
            assert not element.proto.allow_html, element.value


def test_every_key_the_pages_bind_is_in_the_selection_model():
    bound = set()
    for page, query in [*((p, {}) for p in app_pages()), (None, {"present": "1"})]:
        at = run_page(page, query)
        widgets = [*_choice_widgets(at), *at.number_input, *at.text_input, *at.segmented_control]
        bound |= {w.proto.query_param_key for w in widgets if w.proto.query_param_key}
    assert bound and bound <= set(KNOWN_KEYS), bound - set(KNOWN_KEYS)


def test_pages_are_discovered():
    pages = app_pages()
    assert pages[0] == "../pages/overview.py" and len(pages) == len(views.PAGES)
    assert all((ROOT / "app" / p).resolve().is_file() for p in pages)
