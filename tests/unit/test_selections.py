"""lib.selections: every URL key once, its options from the data, its default, and how a URL value is read
(leniently, as a page does) or checked (strictly, as the API does)."""

import pytest

from lib import data, selections, views
from lib.compare import UK_OPTION
from lib.selections import SelectionError, Tables
from lib.views import deck


@pytest.fixture(scope="module")
def tables():
    return Tables(data.load_homeworking(), data.load_councils())


def test_every_page_has_its_keys_and_each_key_a_label(tables):
    assert list(views.PAGES) == ["overview", "sectors", "age", "regions", "councils", "explore"]
    for page in views.PAGES.values():
        assert len({s.key for s in page.keys}) == len(page.keys), page.name  # a key once a page
        for selection in page.keys:
            assert selection.label, (page.name, selection.key)


def test_options_come_from_the_figures(tables):
    assert selections.SECTOR.choices(tables)[:2] == [
        "Information and communication",
        "Professional, scientific and technical",
    ]
    assert len(selections.SECTOR.choices(tables)) == 10
    assert selections.BENCHMARK.choices(tables)[:2] == ["Public administration and defence", UK_OPTION]
    assert len(selections.BAND.choices(tables)) == 12
    assert "Yorkshire and The Humber" in selections.REGION.choices(tables)  # official names, not the source's labels
    assert "national announcement" not in selections.COUNCIL_KINDS.choices(tables)
    assert "Norfolk County Council" in selections.ORGANISATION.choices(tables)


@pytest.mark.parametrize(
    ("selection", "default"),
    [
        (selections.SECTOR, "Education"),
        (selections.BENCHMARK, "Public administration and defence"),
        (selections.BAND, "45-49 yrs"),
        (selections.VERSUS, UK_OPTION),
        (selections.REGION, "London"),
        (selections.OTHER, UK_OPTION),
        (selections.MAP, "week_prior"),
        (selections.COUNCIL_REGIONS, []),
        (selections.ORGANISATION, None),
        (selections.TABLE, "homeworking"),
        (selections.SORT, "source order"),
        (deck.DECK, ["sector", "change", "regularity", "age", "region", "councils"]),
    ],
)
def test_nothing_or_nonsense_means_the_default(tables, selection, default):
    assert selection.read(None, tables) == default
    assert selection.read("<script>alert(1)</script>", tables) == default
    assert selection.read("", tables) == default


def test_a_single_key_takes_the_last_value_as_streamlit_does(tables):
    assert selections.SECTOR.read(["Education", "Manufacturing"], tables) == "Manufacturing"
    assert selections.SECTOR.read(["Manufacturing", "nonsense"], tables) == "Education"


def test_a_multiple_key_keeps_the_known_values_once_in_order(tables):
    regions = ["Wales", "Atlantis", "London", "Wales"]
    assert selections.COUNCIL_REGIONS.read(regions, tables) == ["Wales", "London"]
    with pytest.raises(SelectionError) as bad:
        selections.COUNCIL_REGIONS.check(regions, tables)
    assert bad.value.key == "region" and bad.value.given == "Atlantis" and "Wales" in bad.value.allowed


def test_labels_are_what_the_url_holds(tables):
    assert selections.MAP.read("Ever", tables) == "ever"  # the radio shows, and binds, "Ever"
    assert selections.MAP.to_url("ever") == ["Ever"]
    assert selections.TABLE.read("Councils", tables) == "councils"


def test_numbers_and_text(tables):
    assert selections.LOW.read("12.5", tables) == 12.5
    assert selections.LOW.read("1e309", tables) is None  # not finite: no bound
    assert selections.TABLE_PAGE.read("3", tables) == 3
    assert selections.TABLE_PAGE.read("0", tables) == 1
    with pytest.raises(SelectionError):
        selections.TABLE_PAGE.check("2.5", tables)
    assert deck.HEADLINES["sector"].read("x" * 500, tables) == "x" * selections.HEADLINE_MAX


def test_keys_that_depend_on_earlier_choices(tables):
    homeworking = selections.read(views.PAGES["explore"].keys, {"breakdown": "age", "category": "16-19 yrs"}, tables)
    assert homeworking["category"] == ["16-19 yrs"] and "unit" not in homeworking
    councils = selections.read(views.PAGES["explore"].keys, {"table": "Councils", "kind": "charity"}, tables)
    assert councils["kind"] == ["charity"] and "breakdown" not in councils
    # A category of another breakdown than the one chosen is an option the OpenAPI description lists: the API reads
    # it as the page does (dropped), where one that is nowhere an option is refused.
    query = {"breakdown": "age", "category": "London"}
    assert selections.check(views.PAGES["explore"].keys, query, tables) == selections.read(
        views.PAGES["explore"].keys, query, tables
    )
    with pytest.raises(SelectionError):
        selections.check(views.PAGES["explore"].keys, {"breakdown": "age", "category": "Atlantis"}, tables)
    with pytest.raises(SelectionError):  # a key of the other table is still checked
        selections.check(views.PAGES["explore"].keys, {"org": "AAA"}, tables)


def test_the_strict_reading_refuses_what_the_description_does_not_allow(tables):
    for query in ({"sector": ""}, {"sector": ["Education", "Atlantis"]}, {"min": ""}, {"page": "2000000"}):
        with pytest.raises(SelectionError):
            selections.check(views.PAGES["sectors"].keys + views.PAGES["explore"].keys, query, tables)
    with pytest.raises(SelectionError):
        deck.HEADLINES["sector"].check("x" * (selections.HEADLINE_MAX + 1), tables)
    # Characters XML forbids and bidirectional controls carry no meaning in a headline: dropped, by both readings.
    assert deck.HEADLINES["sector"].check("a\uffffb\x0b\u202ec", tables) == "abc"
    assert deck.HEADLINES["sector"].read("a\uffffb", tables) == "ab"


def test_query_string_leaves_defaults_out(tables):
    chosen = selections.read(views.PAGES["regions"].keys, {"region": "Wales", "map": "Ever"}, tables)
    assert selections.query_string(views.PAGES["regions"].keys, chosen, tables) == [
        ("region", "Wales"),
        ("map", "Ever"),
    ]


def test_url_keys_lists_every_key_once():
    keys = deck.url_keys()
    assert len(keys) == len(set(keys))
    assert {"sector", "benchmark", "band", "vs", "region", "other", "map", "kind", "org", "table", "breakdown"} <= set(
        keys
    )
    assert {"chart", "page", "deck", "slide", "present", "headline_sector", "headline_councils"} <= set(keys)


def every_selection():
    seen = {}
    for group in (*(p.keys for p in views.PAGES.values()), selections.DECK_KEYS, deck.PRESENTATION):
        for selection in group:
            seen[id(selection)] = selection
    return list(seen.values())


@pytest.mark.parametrize("selection", every_selection(), ids=lambda s: f"{s.key}-{s.label[:20]}")
def test_every_key_reads_nonsense_as_its_default_and_checks_it_strictly(tables, selection):
    chosen = {"table": "homeworking"}
    default = selection.default_value(tables, chosen)
    assert selection.read(None, tables, chosen) == default
    if selection.kind == "text":
        assert selection.read("<b>x</b>", tables, chosen) == "<b>x</b>"  # text is kept as typed, shown escaped
        return
    assert selection.read("\x00nonsense<script>", tables, chosen) == default
    with pytest.raises(SelectionError) as bad:
        selection.check("\x00nonsense<script>", tables, chosen)
    assert bad.value.key == selection.key and bad.value.allowed
    if selection.options is not None:
        for option in selection.choices(tables, chosen)[:3]:
            value = selection.check(selection.to_url([option] if selection.multiple else option), tables, chosen)
            assert value == ([option] if selection.multiple else option)


def test_what_tables_derive_once_is_made_once_and_kept_with_those_tables():
    made = []
    first = Tables(data.load_homeworking(), data.load_councils())
    second = Tables(data.load_homeworking(), data.load_councils())

    def make():
        made.append(1)
        return len(made)

    assert first.once("count", make) == 1
    assert first.once("count", make) == 1  # kept: not made again
    assert second.once("count", make) == 2  # other tables (another session's uploads) make their own
    assert (
        views.build("sectors", first, {"sector": "Education", "benchmark": UK_OPTION}).main.table
        is views.build("sectors", first, {"sector": "Information and communication", "benchmark": UK_OPTION}).main.table
    )


@pytest.mark.parametrize(
    ("given", "meant"),
    [("wales", "Wales"), (" WALES ", "Wales"), ("Walse", "Wales"), ("Yorkshire and the Humber", "Yorkshire & Humber")],
)
def test_a_refused_value_names_the_allowed_one_it_most_likely_meant(given, meant):
    regions = ["North East", "Yorkshire & Humber", "Wales", "London"]
    assert selections.SelectionError("region", given, regions).nearest == meant


def test_a_value_like_none_allowed_is_refused_without_a_guess():
    assert selections.SelectionError("region", "Atlantis", ["Wales", "London"]).nearest is None
    assert selections.SelectionError("min", "lots", "a number").nearest is None


def test_an_address_typed_in_another_case_is_respelled_as_the_page_offers_it():
    tables = Tables(data.load_homeworking(), data.load_councils())
    keys = views.PAGES["councils"].keys
    query = {"region": ["east of england", "Wales"], "org": ["norfolk county council"], "utm": ["x"]}
    read = selections.spelling(keys, query, tables)
    assert read.respelled and not read.unoffered
    assert read.query == {"region": ["East of England", "Wales"], "org": ["Norfolk County Council"], "utm": ["x"]}
    assert not selections.spelling(keys, {"region": ["Wales"]}, tables).respelled
    sectors = selections.spelling(views.PAGES["sectors"].keys, {"sector": ["education"]}, tables)
    assert sectors.query == {"sector": ["Education"]}


def test_an_address_value_that_is_no_option_is_named_with_the_one_it_most_likely_meant():
    tables = Tables(data.load_homeworking(), data.load_councils())
    read = selections.spelling(views.PAGES["regions"].keys, {"region": ["Walse"], "other": ["Atlantis"]}, tables)
    assert not read.respelled
    assert [(s.key, given, meant) for s, given, meant in read.unoffered] == [
        ("region", "Walse", "Wales"),
        ("other", "Atlantis", None),
    ]
