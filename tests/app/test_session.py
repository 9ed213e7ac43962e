"""What a tab keeps when its server goes away: the uploaded figures' name in the URL while the session holds
them, and a plain notice when a session finds the name but not the figures (after a failover, or in a link
made by someone else's session). The failover itself is in tests/browser/test_failover.py."""

from pathlib import Path

import pytest

import ui
from tests.app.conftest import run_page

EXPLORE = "../pages/explore.py"
SECTORS = "../pages/sectors.py"
MINE = "Our staff survey 2021"
SURVEY = (Path(__file__).resolve().parents[1] / "fixtures" / "uploads" / "good_survey.csv").read_bytes()


def upload(at, source: str = MINE):
    at.file_uploader(key="upload-file").upload("survey.csv", SURVEY, "text/csv")
    at.text_input(key="upload-source").input(source)
    at.form_submit_button[0].click().run()
    return at


def notices(at) -> list[str]:
    return [w.value for w in at.warning if "are not in this view" in w.value]


def test_an_upload_puts_its_name_in_the_url_and_every_page_keeps_it():
    at = upload(run_page(EXPLORE))
    assert not at.exception
    assert at.query_params[ui.OWN_FIGURES_KEY] == MINE
    at.switch_page(SECTORS).run()  # a page switch clears the URL's parameters
    assert at.query_params[ui.OWN_FIGURES_KEY] == MINE
    assert "are your own uploaded figures (Our staff survey 2021)" in " ".join(c.value for c in at.caption)
    assert notices(at) == []


def test_removing_your_figures_takes_the_name_out_without_a_notice():
    at = upload(run_page(EXPLORE))
    at.button(key="remove-upload").click().run()
    assert not at.exception
    assert ui.OWN_FIGURES_KEY not in at.query_params
    assert notices(at) == []


@pytest.mark.parametrize("page", [SECTORS, EXPLORE, None])
def test_a_name_without_figures_says_they_are_gone_and_how_to_bring_them_back(page):
    at = run_page(page, {ui.OWN_FIGURES_KEY: MINE, "sector": "Information and communication"})
    assert not at.exception
    [notice] = notices(at)
    assert f"Your own figures (“{MINE}”) are not in this view." in notice
    assert "shows the ONS 2019 figures only" in notice
    assert "upload your file or its bundle again" in notice and "Explore page" in notice
    assert "your own uploaded figures" not in " ".join(c.value for c in at.caption)
    if page == SECTORS:
        assert at.selectbox(key="sector").value == "Information and communication"


def test_dismiss_takes_the_notice_and_the_name_out_of_the_url():
    at = run_page(SECTORS, {ui.OWN_FIGURES_KEY: MINE, "sector": "Information and communication"})
    at.button(key="own-figures-dismiss").click().run()
    assert not at.exception
    assert notices(at) == []
    assert ui.OWN_FIGURES_KEY not in at.query_params
    assert at.query_params["sector"] == "Information and communication"


def test_uploading_again_replaces_the_notice_with_the_new_figures():
    at = upload(run_page(EXPLORE, {ui.OWN_FIGURES_KEY: "Someone else's survey"}), source="Ours, again")
    assert not at.exception
    assert notices(at) == []
    assert at.query_params[ui.OWN_FIGURES_KEY] == "Ours, again"


def test_the_name_is_shown_as_text_and_shortened():
    at = run_page(SECTORS, {ui.OWN_FIGURES_KEY: "**bold** [x](http://e) " + "y" * 200})
    [notice] = notices(at)
    assert "“\\*\\*bold\\*\\* \\[x\\](http:\u2060//e) yyy" in notice  # no link, no bold: shown as typed
    assert "y" * 100 not in notice and "…”" in notice


def test_slides_keep_the_name_but_show_no_notice():
    at = run_page(None, {"present": "1", ui.OWN_FIGURES_KEY: MINE})
    assert not at.exception
    assert notices(at) == []
    assert at.query_params[ui.OWN_FIGURES_KEY] == MINE


def test_explores_shared_view_never_carries_another_sessions_upload():
    """Explore's View of the built-in figures is shared between sessions (ui.view); one with uploads never is."""
    theirs = upload(run_page(EXPLORE))
    rows_with_upload = theirs.header[0].value
    mine = run_page(EXPLORE)  # the same address, in another session, after theirs was built
    assert not mine.exception
    assert mine.header[0].value != rows_with_upload
    assert MINE not in " ".join(i.value for i in mine.info)
    again = theirs.run()
    assert again.header[0].value == rows_with_upload
