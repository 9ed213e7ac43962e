"""Downloads made when clicked (`ui.guarded`): a failure keeps its reason for the page and never escapes raw."""

import pytest
from streamlit.testing.v1 import AppTest

import ui
from lib.render.images import ImageExportUnavailable

SLOW = "image export unavailable: Chromium did not draw the image within 60 s"


def failing(err: Exception):
    def make() -> bytes:
        raise err

    return make


def test_a_working_download_gives_its_bytes_and_keeps_nothing():
    failures = {}
    assert ui.guarded(lambda: b"PNG", "chart-png", failures)() == b"PNG"
    assert failures == {}


def test_an_image_export_failure_keeps_its_own_words():
    failures = {}
    with pytest.raises(ui.DownloadFailed) as err:
        ui.guarded(failing(ImageExportUnavailable(SLOW)), "chart-png", failures)()
    assert failures == {"chart-png": SLOW}
    assert str(err.value) == SLOW
    assert err.value.__suppress_context__  # Streamlit logs this one short error, not the browser's traceback


def test_any_other_failure_is_named_not_dumped():
    failures = {}
    with pytest.raises(ui.DownloadFailed):
        ui.guarded(failing(RuntimeError("websocket to the browser closed at 0x7f3a")), "download-pptx", failures)()
    assert failures == {"download-pptx": "the server could not make it (RuntimeError)"}


def deck_button():
    import ui

    ui.download_button("Download the deck as PowerPoint", data=lambda: b"PK", file_name="d.pptx", key="download-pptx")


def test_the_next_run_of_the_page_says_why_once():
    at = AppTest.from_function(deck_button)
    at.session_state[ui.downloads.DOWNLOAD_FAILURES_KEY] = {"download-pptx": SLOW}
    at.run()
    assert [w.value for w in at.warning] == [
        f"**Download the deck as PowerPoint** gave no file: {SLOW}. Try again in a minute."
    ]
    assert at.get("download_button")[0].proto.label == "Download the deck as PowerPoint"
    at.run()
    assert not at.warning


def test_the_pages_static_page_waits_its_turn_to_draw_and_one_made_while_chromium_failed_is_not_kept(monkeypatch):
    from lib import views
    from lib.render import drawing
    from tests.unit.test_share import FlakyBrowser
    from ui import downloads

    browser, service = FlakyBrowser(), drawing.DrawingService()
    monkeypatch.setattr(downloads, "image_exporter", lambda: browser)
    monkeypatch.setattr(drawing, "shared_service", lambda: service)
    shown = views.for_query("age", ui.tables(), {})

    without_chart = downloads.page_file(shown, "html")()
    assert b"could not draw the chart" in without_chart
    assert service.counts["drawn"] == 1  # in the queue, as the other drawn files
    browser.failing = False
    with_chart = downloads.page_file(shown, "html")()
    assert b"could not draw the chart" not in with_chart and b"<rect" in with_chart
    assert service.counts["drawn"] == 2 and service.counts["kept"] == 0  # the page without its chart was not kept
    browser.failing = True
    assert downloads.page_file(shown, "html")() == with_chart  # the page with it is
    assert service.counts["drawn"] == 2 and service.counts["kept"] == 1
