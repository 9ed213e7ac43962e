"""The separate reading process: same answers as reading in-process, and every way it can end is a message.

A reader killed in the middle of a file, one that runs over its time or its memory, one
that waits for a free turn, one that dies before a file reaches it: each ends in words (or
not at all), and the next upload is read as if nothing had happened.
"""

import os
import signal
import threading
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
import psutil
import pytest

from lib.data import load_homeworking
from lib.limits import LIMITS
from lib.uploads.parse import UploadError, read_upload
from lib.uploads.reader import Reader
from tests import hostile_files

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "uploads"
SOURCE = "Our staff survey 2021"
GOOD = (FIXTURES / "good_survey.csv").read_bytes()


@pytest.fixture(scope="module")
def hw():
    return load_homeworking()


@pytest.fixture(scope="module")
def reader():
    return Reader()


SLOW_ROWS = LIMITS.xlsx_max_rows - 5_000


@pytest.fixture(scope="module")
def slow_workbook():
    """A valid workbook, within the caps, big enough that openpyxl takes seconds over it."""
    return hostile_files.workbook_of(SLOW_ROWS)


def read_in_background(reader, data, name, hw, seen):
    """Start reading in a thread (as a second session would); the outcome lands in `seen['outcome']`."""

    def run():
        try:
            seen["outcome"] = reader.read(data, name, SOURCE, reference=hw, progress=lambda f, m: seen["log"].append(m))
        except UploadError as err:
            seen["outcome"] = err

    seen.setdefault("log", [])
    thread = threading.Thread(target=run)
    thread.start()
    return thread


def wait_for(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


@pytest.mark.parametrize("name", ["good_survey.csv", "windows_1252.csv", "semicolon_excel.csv"])
def test_rows_and_notes_are_the_same_as_reading_in_process(name, reader, hw):
    data = (FIXTURES / name).read_bytes()
    isolated = reader.read(data, name, SOURCE, reference=hw)
    in_process = read_upload(data, name, SOURCE, reference=hw)
    pd.testing.assert_frame_equal(isolated.rows, in_process.rows)
    assert isolated.notes == in_process.notes


def test_excel_and_parquet_come_back_as_the_same_rows(reader, hw, tmp_path):
    table = pd.read_csv(FIXTURES / "good_survey.csv")
    table.to_excel(tmp_path / "s.xlsx", index=False)
    table.to_parquet(tmp_path / "s.parquet", index=False)
    expected = read_upload(GOOD, "g.csv", SOURCE, reference=hw).rows
    for name in ("s.xlsx", "s.parquet"):
        pd.testing.assert_frame_equal(
            reader.read((tmp_path / name).read_bytes(), name, SOURCE, reference=hw).rows, expected
        )


@pytest.mark.parametrize("name", ["not_a_number.csv", "week_above_ever.csv", "wrong_columns.csv", "binary.csv"])
def test_problems_are_the_same_as_reading_in_process(name, reader, hw):
    data = (FIXTURES / name).read_bytes()
    with pytest.raises(UploadError) as isolated:
        reader.read(data, name, SOURCE, reference=hw)
    with pytest.raises(UploadError) as in_process:
        read_upload(data, name, SOURCE, reference=hw)
    assert isolated.value.problems == in_process.value.problems
    assert isolated.value.file == name


def test_a_file_with_thousands_of_problems_lists_the_first_and_counts_them_all(reader, hw):
    rows = "".join(f"sector,Team {i},ever,lots\n" for i in range(5_000))
    data = ("breakdown,category,measure,percent\n" + rows).encode()
    with pytest.raises(UploadError) as err:
        reader.read(data, "many.csv", SOURCE, reference=hw)
    assert err.value.total == 5_000
    assert len(err.value.problems) == LIMITS.max_problems
    assert [p.row for p in err.value.problems[:3]] == [2, 3, 4]
    assert str(err.value.problems[0]) == "row 2, column 'percent': must be a number (found 'lots')"


def test_progress_is_relayed_from_the_reading_process(reader, hw):
    seen = []
    reader.read(
        GOOD, "g.csv", SOURCE, reference=hw, progress=lambda fraction, message: seen.append((fraction, message))
    )
    messages = [m for _, m in seen]
    assert messages[0].startswith("Reading in a separate process (at most 25 s and 2 GB)")
    assert "Checking what the file declares about its size" in messages
    assert seen[-1] == (1.0, "5 rows ready")


def test_a_reader_killed_in_the_middle_of_a_file_is_a_message_and_the_next_upload_works(reader, hw, slow_workbook):
    seen = {}
    thread = read_in_background(reader, slow_workbook, "slow.xlsx", hw, seen)
    wait_for(lambda: reader.pids and "Reading the file" in seen["log"])
    [pid] = reader.pids
    os.kill(pid, signal.SIGKILL)
    thread.join(60)
    outcome = seen["outcome"]
    assert isinstance(outcome, UploadError)
    assert str(outcome.problems[0]).startswith(
        "the table: the process reading the file stopped before it finished (it was stopped by SIGKILL)"
    )
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert len(reader.read(GOOD, "g.csv", SOURCE, reference=hw).rows) == 5
    assert reader.pids == []


def test_a_file_that_runs_over_its_time_is_stopped_and_the_next_upload_works(hw, slow_workbook):
    hurried = Reader(replace(LIMITS, timeout_s=1))
    started = time.monotonic()
    with pytest.raises(UploadError) as err:
        hurried.read(slow_workbook, "slow.xlsx", SOURCE, reference=hw)
    assert time.monotonic() - started < 15
    assert str(err.value.problems[0]) == (
        "the table: reading the file took longer than 1 s, the limit for one file, so it was stopped: split it "
        "into smaller files, or save a workbook as CSV, which reads many times faster"
    )
    assert hurried.pids == []
    assert len(hurried.read(GOOD, "g.csv", SOURCE, reference=hw).rows) == 5


def test_a_file_that_needs_more_memory_than_the_reader_has_is_stopped_in_words(hw):
    """With the declared-size caps lifted, the parquet bomb meets the reader's memory limit instead."""
    trusting = Reader(replace(LIMITS, max_rows=10**9, max_cells=10**12, worker_memory_gb=1))
    started = time.monotonic()
    with pytest.raises(UploadError) as err:
        trusting.read(hostile_files.parquet_bomb(), "bomb.parquet", SOURCE, reference=hw)
    assert time.monotonic() - started < 60
    assert "more than 1 GB of memory" in str(err.value.problems[0])
    assert len(trusting.read(GOOD, "g.csv", SOURCE, reference=hw).rows) == 5


def test_when_every_reader_is_busy_the_next_file_waits_then_is_told_to_come_back(hw, slow_workbook):
    single = Reader(replace(LIMITS, workers=1, queue_wait_s=2))
    seen = {}
    thread = read_in_background(single, slow_workbook, "slow.xlsx", hw, seen)
    wait_for(lambda: single.pids)
    waiting = []
    with pytest.raises(UploadError) as err:
        single.read(GOOD, "g.csv", SOURCE, reference=hw, progress=lambda f, m: waiting.append(m))
    assert str(err.value.problems[0]) == (
        "the table: the server is busy reading other files (1 at a time) and none finished within 2 s: "
        "check yours again in a minute"
    )
    assert waiting[0].startswith("Waiting for a free reader")
    os.kill(single.pids[0], signal.SIGKILL)
    thread.join(60)
    assert len(single.read(GOOD, "g.csv", SOURCE, reference=hw).rows) == 5


def waiting_readers(reader):
    """The processes kept ready for the next file (children of this process, reading nothing yet); a child that
    has just ended (a zombie not yet reaped) is not one of them."""
    return [p for p in psutil.Process().children() if _is_reader(p) and p.pid not in reader.pids]


def _is_reader(process: psutil.Process) -> bool:
    try:
        return "from lib.uploads.reader import serve" in " ".join(process.cmdline())
    except psutil.Error:  # ended meanwhile
        return False


def test_a_reading_process_that_dies_while_it_waits_is_replaced(reader, hw):
    reader.read(GOOD, "g.csv", SOURCE, reference=hw)
    waiting = waiting_readers(reader)
    assert waiting
    for process in waiting:
        process.kill()  # not reaped here: the reader notices its own child has gone
        wait_for(lambda process=process: process.status() == psutil.STATUS_ZOMBIE)
    assert len(reader.read(GOOD, "g.csv", SOURCE, reference=hw).rows) == 5


def test_the_reading_process_has_the_memory_limit_and_the_system_allocator(reader, hw, slow_workbook):
    seen = {}
    thread = read_in_background(reader, slow_workbook, "slow.xlsx", hw, seen)
    wait_for(lambda: reader.pids and "Reading the file" in seen["log"])
    [pid] = reader.pids
    limits = psutil.Process(pid).rlimit(psutil.RLIMIT_AS)
    environment = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    thread.join(60)
    assert limits == (LIMITS.worker_memory_bytes, LIMITS.worker_memory_bytes)
    assert b"ARROW_DEFAULT_MEMORY_POOL=system" in environment
    assert "ARROW_DEFAULT_MEMORY_POOL" not in os.environ  # the server's own environment is as it was
    assert len(seen["outcome"].rows) == SLOW_ROWS
