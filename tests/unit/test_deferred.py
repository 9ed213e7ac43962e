"""ui.deferred: work a page leaves for later runs once the page is out, in order, and never after a failed page."""

import pytest

from ui.deferred import after_page, later


def test_outside_a_page_the_work_is_done_at_once():
    done = []
    later(lambda: done.append("menu"))
    assert done == ["menu"]


def test_inside_a_page_the_work_waits_for_the_page_then_runs_in_order():
    done = []
    with after_page():
        later(lambda: done.append("menu"))
        later(lambda: done.append("history"))
        done.append("chart")
    assert done == ["chart", "menu", "history"]


def test_work_left_by_work_runs_too():
    done = []
    with after_page():
        later(lambda: later(lambda: done.append("inner")))
    assert done == ["inner"]


def test_a_page_that_fails_leaves_nothing_for_the_next_run():
    done = []
    with pytest.raises(RuntimeError), after_page():
        later(lambda: done.append("menu"))
        raise RuntimeError("the page stopped")
    with after_page():
        pass
    later(lambda: done.append("now"))
    assert done == ["now"]
