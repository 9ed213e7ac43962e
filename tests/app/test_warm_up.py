"""The warm-up that fills a started server's shared caches steps aside while a visitor's script runs."""

import threading
import time

import ui


def _script(done: threading.Event) -> threading.Thread:
    """A thread named as Streamlit names the one running a session's script; it ends when `done` is set."""
    script = threading.Thread(target=done.wait, args=(10,), name=ui.cache.SCRIPT_THREAD, daemon=True)
    script.start()
    return script


def test_warm_up_waits_for_a_running_script_to_finish():
    done = threading.Event()
    script = _script(done)
    threading.Timer(0.5, done.set).start()
    ui.cache.after_visitors(longest_s=5)
    assert not script.is_alive()


def test_warm_up_goes_ahead_on_a_server_that_never_goes_quiet():
    done = threading.Event()
    script = _script(done)
    started = time.monotonic()
    try:
        ui.cache.after_visitors(longest_s=0.3)
        assert script.is_alive()
        assert time.monotonic() - started < 3
    finally:
        done.set()
        script.join()


def test_warm_up_does_not_wait_on_an_idle_server():
    started = time.monotonic()
    ui.cache.after_visitors(longest_s=5)
    assert time.monotonic() - started < 1
