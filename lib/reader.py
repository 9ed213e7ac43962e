"""Uploaded files read in a separate process, under a memory limit and a time limit.

Reading a crafted file can take gigabytes or minutes; in the server's own process that
would stop every session. A `Reader` runs `lib.upload.read_upload` (the declared-size
checks, the decoding, the validation) in a process of its own for each file, forked from
one forkserver that has already imported pandas and pyarrow (so a fork costs
milliseconds, not the seconds of a fresh interpreter). That process may use at most
`Limits.worker_memory_gb` of address space (`RLIMIT_AS`) and `Limits.timeout_s` of wall-clock
time; when it runs out of either, or dies, it is killed and the person is told in words.
At most `Limits.workers` files are read at once; the next waits its turn.

Only the validated rows come back to the server, as Arrow IPC (with the notes or the
first problems as JSON): the server never unpickles what a reader sends. The readers run
as the server's own user: this contains memory and time, it is not a sandbox for code.

A process per file, not a pool of long-lived workers: a pool cannot stop a job that runs
over (`concurrent.futures` cannot cancel a running call), and memory a big file leaves
behind would stay with the worker; a forked process is killed and gone.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import resource
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing import forkserver

import pandas as pd
import pyarrow as pa

from lib.data import Problem, load_homeworking
from lib.limits import LIMITS, Limits
from lib.upload import Progress, Upload, UploadError, read_upload

# Imported once by the forkserver, so each reader starts with them in memory ("__main__": the
# server's own entry script, which a reader would otherwise import again, a second each time).
PRELOAD = ["__main__", "lib.reader", "openpyxl", "pandera.backends.pandas.builtin_checks", "pyarrow.pandas_compat"]
# Arrow's default allocator, mimalloc, reserves a gigabyte of address space on first use: under a
# reader's RLIMIT_AS that gigabyte would be lost to the file. The system allocator reserves none.
# Arrow reads the choice when it is imported, so the forkserver is started with it in its environment.
READER_ENVIRONMENT = {"ARROW_DEFAULT_MEMORY_POOL": "system"}
_starting = threading.Lock()
# Of 19: when a reader and the server's threads want the same core, the pages people wait on get about
# three times its share; more (10) starved readers on a busy shared machine until they ran out of time.
READER_NICENESS = 5


class Reader:
    """Reads uploads in limited processes, `limits.workers` at a time; one per server, shared by every session."""

    def __init__(self, limits: Limits = LIMITS):
        self.limits = limits
        self._slots = threading.BoundedSemaphore(limits.workers)
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(PRELOAD)
        with _reader_environment():
            forkserver.ensure_running()  # start importing now, not when the first file arrives
        self._lock = threading.Lock()
        self._running: set[int] = set()

    @property
    def pids(self) -> list[int]:
        """The processes reading a file right now (for tests and benchmarks)."""
        with self._lock:
            return sorted(self._running)

    def read(
        self,
        data: bytes,
        filename: str,
        source: str,
        *,
        reference: pd.DataFrame | None = None,
        progress: Progress | None = None,
    ) -> Upload:
        """`lib.upload.read_upload` in a separate, limited process: rows, or UploadError in words.

        `progress(fraction, message)` hears each stage, and every second while a stage lasts.
        """
        report = progress or (lambda fraction, message: None)
        name = str(filename or "the file")
        reference = load_homeworking() if reference is None else reference
        self._wait_for_a_reader(name, report)
        try:
            return self._read(data, name, source, reference, report)
        finally:
            self._slots.release()

    def _wait_for_a_reader(self, name: str, report: Progress) -> None:
        started = time.monotonic()
        while not self._slots.acquire(timeout=1):
            waited = time.monotonic() - started
            if waited >= self.limits.queue_wait_s:
                rule = (
                    f"the server is busy reading other files ({self.limits.workers} at a time) and none finished "
                    f"within {self.limits.queue_wait_s:g} s: check yours again in a minute"
                )
                raise UploadError(name, [Problem(None, None, rule)])
            report(0.0, f"Waiting for a free reader: other files are being read ({waited:.0f} s)")

    def _read(self, data: bytes, name: str, source: str, reference: pd.DataFrame, report: Progress) -> Upload:
        limits = self.limits
        at_most = f"at most {limits.timeout_s:g} s and {limits.worker_memory_gb:g} GB"
        report(0.01, f"Reading in a separate process ({at_most})")
        ours, process = self._start(name)
        with self._lock:
            self._running.add(process.pid)
        try:
            ours.send((name, source, reference))
            ours.send_bytes(data)
            return self._receive(ours, process, name, report)
        except (BrokenPipeError, ConnectionResetError, EOFError):
            raise self._stopped(process, name) from None
        finally:
            if process.is_alive():
                process.kill()
            process.join()
            ours.close()
            with self._lock:
                self._running.discard(process.pid)

    def _start(self, name: str):
        """A reading process and our end of its pipe; a forkserver that has died is started again, once."""
        for attempt in range(2):
            time.sleep(0.5 * attempt)  # a forkserver just killed may not yet be seen to have died
            ours, theirs = self._context.Pipe()
            process = self._context.Process(
                target=_serve, args=(theirs, self.limits), name="upload-reader", daemon=True
            )
            try:
                with _reader_environment():
                    process.start()
            except (OSError, EOFError) as err:  # EOF: the forkserver died while we asked it for a process
                ours.close()
                why = getattr(err, "strerror", None) or type(err).__name__
            else:
                return ours, process
            finally:
                theirs.close()
        rule = f"the server could not start a process to read the file ({why}): try again in a minute"
        raise UploadError(name, [Problem(None, None, rule)])

    def _receive(self, conn, process, name: str, report: Progress) -> Upload:
        """Relay the reader's progress until its answer; kill it when it runs over its time."""
        started = time.monotonic()
        deadline = started + self.limits.timeout_s
        fraction, message = 0.02, "Starting"
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                process.kill()
                raise UploadError(name, [Problem(None, None, self._rule_time())])
            if not conn.poll(min(left, 1.0)):
                report(fraction, f"{message} ({time.monotonic() - started:.0f} s)")
                continue
            event = json.loads(conn.recv_bytes(self.limits.worker_memory_bytes))
            if "progress" in event:
                fraction, message = event["progress"]
                report(fraction, message)
            elif "problems" in event:
                problems = [Problem(p["row"], p["column"], p["rule"], p["value"]) for p in event["problems"]]
                raise UploadError(name, problems, total=event["total"])
            elif "memory" in event:
                raise UploadError(name, [Problem(None, None, self._rule_memory())])
            elif conn.poll(max(deadline - time.monotonic(), 0)):  # the rows follow the notes
                rows = pa.ipc.open_stream(conn.recv_bytes(self.limits.worker_memory_bytes)).read_all().to_pandas()
                return Upload(rows=rows, notes=tuple(event["notes"]))

    def _stopped(self, process, name: str) -> UploadError:
        """The reader ended without an answer: killed from outside, crashed, or out of memory in C code."""
        process.join(5)
        code = process.exitcode
        how = f"it was stopped by {signal.Signals(-code).name}" if code and code < 0 else f"exit code {code}"
        rule = (
            f"the process reading the file stopped before it finished ({how}); a file that needs more than "
            f"{self.limits.worker_memory_gb:g} GB of memory ends this way: check it again, and if it stops again, "
            "split it into smaller files"
        )
        return UploadError(name, [Problem(None, None, rule)])

    def _rule_time(self) -> str:
        return (
            f"reading the file took longer than {self.limits.timeout_s:g} s, the limit for one file, so it was "
            "stopped: split it into smaller files, or save a workbook as CSV, which reads many times faster"
        )

    def _rule_memory(self) -> str:
        return (
            f"reading the file needed more than {self.limits.worker_memory_gb:g} GB of memory, the limit for one "
            "file, so it was stopped: split it into smaller files"
        )


@contextmanager
def _reader_environment() -> Iterator[None]:
    """The server's environment with `READER_ENVIRONMENT` while a forkserver may be launched, then as it was."""
    with _starting:
        saved = {name: os.environ.get(name) for name in READER_ENVIRONMENT}
        os.environ.update(READER_ENVIRONMENT)
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    del os.environ[name]
                else:
                    os.environ[name] = value


# ---- in the reading process --------------------------------------------------------------


def _serve(conn, limits: Limits) -> None:
    """Read one file under the limits and send back JSON events, then the rows as Arrow IPC."""
    _confine(limits)

    def send(event: dict) -> None:
        conn.send_bytes(json.dumps(event).encode())

    try:
        name, source, reference = conn.recv()
        data = conn.recv_bytes()
        result = read_upload(
            data,
            name,
            source,
            reference=reference,
            limits=limits,
            progress=lambda fraction, message: send({"progress": [fraction, message]}),
        )
        rows = _arrow_ipc(result.rows)
    except UploadError as err:
        send({"problems": [_plain(p) for p in err.problems[: limits.max_problems]], "total": err.total})
    except MemoryError:
        send({"memory": True})
    else:
        send({"notes": list(result.notes)})
        conn.send_bytes(rows)
    finally:
        conn.close()


def _confine(limits: Limits) -> None:
    """The limits of this process: address space, no core dump of the file, CPU time as a backstop, low priority.

    The CPU limit ends a reader whose server has gone (and so cannot kill it on time); the
    low priority gives the cores to the pages people are waiting on first.
    """
    os.nice(READER_NICENESS)
    cpu = math.ceil(limits.timeout_s * (os.cpu_count() or 1)) + 5
    for kind, value in (
        (resource.RLIMIT_AS, limits.worker_memory_bytes),
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_CPU, cpu),
    ):
        hard = resource.getrlimit(kind)[1]
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(kind, (value, value))
    pa.set_io_thread_count(1)  # every file is already in memory: no I/O threads (and their stacks) needed


def _arrow_ipc(rows: pd.DataFrame) -> pa.Buffer:
    table = pa.Table.from_pandas(rows, preserve_index=False)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema, options=pa.ipc.IpcWriteOptions(compression="lz4")) as writer:
        writer.write_table(table)
    return sink.getvalue()


def _plain(problem: Problem) -> dict:
    """A problem as JSON: the value found stays a string or a number, as the page shows it."""
    value = problem.value
    if value is not None and not isinstance(value, str | int | float):
        value = value.item() if hasattr(value, "item") else str(value)
    return {"row": problem.row, "column": problem.column, "rule": problem.rule, "value": value}
