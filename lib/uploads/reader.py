"""Uploaded files read in a separate process, under a memory limit and a time limit.

Reading a crafted file can take gigabytes or minutes; in the server's own process that
would stop every session. A `Reader` runs `lib.uploads.parse.read_upload` (the declared-size
checks, the decoding, the validation) in a process of its own for each file. That process
may use at most `Limits.worker_memory_gb` of address space (`RLIMIT_AS`) and
`Limits.timeout_s` of wall-clock time; when it runs out of either, or dies, it is killed
and the person is told in words. At most `Limits.workers` files are read at once; the
next waits its turn.

Each process is a fresh `python` started by `subprocess`, which imports pandas, pyarrow and
openpyxl and reads a two-line file before any upload arrives: one such process is always
kept ready, so a file costs no start-up time, and after it the process ends (killed if it
must be), its memory with it. Not `multiprocessing`: Streamlit runs every page with its
script installed as `__main__`, and every `multiprocessing` child (pool worker or
forkserver) would run the whole dashboard again to import it. Not a pool of long-lived
workers either: `concurrent.futures` cannot stop a running job, and a worker would keep
the memory a big file left behind.

The file goes to the process over a socket pair; back come JSON events (progress, the
notes, or the first problems and how many) and the validated rows as Arrow IPC: the
server never unpickles what a reader sends, and holds no more of the file than those
rows. The readers run as the server's own user: this bounds memory and time; it is not a
sandbox for code.
"""

from __future__ import annotations

import json
import math
import os
import resource
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from lib.data import Problem, load_homeworking
from lib.limits import LIMITS, Limits
from lib.uploads.parse import Progress, Upload, UploadError, read_upload

ROOT = Path(__file__).resolve().parents[2]
# Arrow's default allocator, mimalloc, reserves a gigabyte of address space on first use: under a
# reader's RLIMIT_AS that gigabyte would be lost to the file. The system allocator reserves none.
# Arrow reads the choice when it is imported, so the reading process starts with it set.
READER_ENVIRONMENT = {"ARROW_DEFAULT_MEMORY_POOL": "system"}
READY = b"ready"
START_S = 60  # a reading process imports pandas and pyarrow in about 2 s; on a very busy machine, longer
START_RULE = "the server is too busy to start a process to read the file: check it again in a minute"
WARM_UP = b"breakdown,category,measure,percent\nsector,Education,ever,38.3\n"


class Reader:
    """Reads uploads in limited processes, `limits.workers` at a time; one per server, shared by every session."""

    def __init__(self, limits: Limits = LIMITS):
        self.limits = limits
        self._slots = threading.BoundedSemaphore(limits.workers)
        self._lock = threading.Lock()
        self._running: set[int] = set()
        self._waiting = 0  # files waiting for a free reader, each held whole in memory meanwhile
        self._standby = _Process.start()  # imports now, not when the first file arrives

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
        """`lib.uploads.parse.read_upload` in a separate, limited process: rows, or UploadError in words.

        `progress(fraction, message)` hears each stage, and every second while a stage lasts.
        """
        report = progress or (lambda fraction, message: None)
        name = str(filename or "the file")
        reference = load_homeworking() if reference is None else reference
        self._join_the_queue(name)
        try:
            self._wait_for_a_reader(name, report)
        finally:
            with self._lock:
                self._waiting -= 1
        try:
            return self._read(data, name, source, reference, report)
        finally:
            self._slots.release()

    def _join_the_queue(self, name: str) -> None:
        """Refuse at once when `limits.waiting_uploads` files already wait: each holds up to `upload_mb`."""
        with self._lock:
            busy = self._waiting >= self.limits.waiting_uploads
            if not busy:
                self._waiting += 1
        if busy:
            rule = (
                f"the server is busy: {self.limits.waiting_uploads} files are already waiting to be read, and each is "
                "held in memory while it waits, so yours was not taken: check it again in a minute"
            )
            raise UploadError(name, [Problem(None, None, rule)])

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

    def _take(self) -> _Process:
        """The process kept ready; a new one starts warming up in its place at once."""
        with self._lock:
            taken, self._standby = self._standby, _Process.start()
            self._running.add(taken.pid)
        return taken

    def _read(self, data: bytes, name: str, source: str, reference: pd.DataFrame, report: Progress) -> Upload:
        limits = self.limits
        at_most = f"at most {limits.timeout_s:g} s and {limits.worker_memory_gb:g} GB"
        report(0.01, f"Reading in a separate process ({at_most})")
        header = json.dumps({"name": name, "source": source, "limits": asdict(limits)}).encode()
        for attempt in range(2):
            reader, given = self._take(), False
            try:
                reader.ready()
                deadline = time.monotonic() + limits.timeout_s
                for payload in (header, _arrow_ipc(reference), data):
                    reader.send(payload)
                given = True
                return self._answer(reader, name, deadline, report)
            except TimeoutError:
                rule = self._rule_time() if given else START_RULE
                raise UploadError(name, [Problem(None, None, rule)]) from None
            except (EOFError, OSError):
                if given or attempt:  # it died on the file, or twice before it: say so
                    raise self._stopped(reader, name) from None
                # it died while it waited (killed, or out of memory warming up): a fresh one takes the file
            finally:
                reader.end()
                with self._lock:
                    self._running.discard(reader.pid)
        raise UploadError(name, [Problem(None, None, START_RULE)])  # both readers died before the file reached them

    def _answer(self, reader: _Process, name: str, deadline: float, report: Progress) -> Upload:
        """Relay the reader's progress until its answer (TimeoutError when it runs over its time)."""
        started = time.monotonic()
        fraction, message = 0.02, "Starting"
        while True:
            if not reader.waiting(min(deadline - time.monotonic(), 1.0)):
                if time.monotonic() >= deadline:
                    raise TimeoutError
                report(fraction, f"{message} ({time.monotonic() - started:.0f} s)")
                continue
            event = json.loads(reader.receive(deadline))
            if "progress" in event:
                fraction, message = event["progress"]
                report(fraction, message)
            elif "problems" in event:
                problems = [Problem(p["row"], p["column"], p["rule"], p["value"]) for p in event["problems"]]
                raise UploadError(name, problems, total=event["total"])
            elif "memory" in event:
                raise UploadError(name, [Problem(None, None, self._rule_memory())])
            else:
                rows = pa.ipc.open_stream(reader.receive(deadline)).read_all().to_pandas()
                return Upload(
                    rows, tuple(event["notes"]), event.get("uploaded_at"), event.get("permalink"), event.get("basis")
                )

    def _stopped(self, reader: _Process, name: str) -> UploadError:
        """The reader ended without an answer: killed from outside, crashed, or out of memory in C code."""
        code = reader.end()
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


FRAME = struct.Struct("!Q")  # every message: its length, then its bytes


@dataclass
class _Process:
    """A reading process and the server's end of the socket pair it answers on."""

    process: subprocess.Popen
    sock: socket.socket
    ended: int | None = None  # its exit code, once it has ended

    @classmethod
    def start(cls) -> _Process:
        ours, theirs = socket.socketpair()
        with theirs:
            process = subprocess.Popen(  # noqa: S603 — this interpreter and this module; nothing from the file
                [sys.executable, "-c", f"from lib.uploads.reader import serve; serve({theirs.fileno()})"],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                cwd=ROOT,
                env={**os.environ, **READER_ENVIRONMENT},
            )
        return cls(process, ours)

    @property
    def pid(self) -> int:
        return self.process.pid

    def send(self, payload: bytes | pa.Buffer) -> None:
        self.sock.settimeout(None)
        self.sock.sendall(FRAME.pack(len(payload)))
        self.sock.sendall(payload)

    def ready(self) -> None:
        """Wait until the process has imported what it needs (TimeoutError after `START_S`)."""
        if _receive(self.sock, time.monotonic() + START_S) != READY:
            raise EOFError

    def waiting(self, timeout: float) -> bool:
        """Whether a message (or the end of the process) is there to read within `timeout` seconds."""
        return bool(select.select([self.sock], [], [], max(timeout, 0))[0])

    def receive(self, deadline: float) -> bytes:
        """The next message, whole; TimeoutError at the deadline, EOFError when the process has ended."""
        return _receive(self.sock, deadline)

    def end(self) -> int:
        """Kill the process if it is still there; its exit code."""
        if self.ended is None:
            self.sock.close()
            if self.process.poll() is None:
                self.process.kill()
            self.ended = self.process.wait()
        return self.ended


def _receive(sock: socket.socket, deadline: float | None) -> bytes:
    (size,) = FRAME.unpack(_exactly(sock, FRAME.size, deadline))
    return _exactly(sock, size, deadline)


def _exactly(sock: socket.socket, size: int, deadline: float | None) -> bytes:
    buffer = bytearray(size)
    view, got = memoryview(buffer), 0
    while got < size:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            sock.settimeout(left)
        count = sock.recv_into(view[got:])
        if not count:
            raise EOFError
        got += count
    return bytes(buffer)


# ---- in the reading process --------------------------------------------------------------


def serve(fd: int) -> None:
    """A reading process: warm up, say ready, read one file under the limits, answer, end.

    Events go back as JSON (progress, then the notes, the first problems, or out of memory),
    and the rows as Arrow IPC. A server that has gone ends the process quietly.
    """
    sock = socket.socket(fileno=fd)
    read_upload(WARM_UP, "warm-up.csv", "Warm-up")  # every module a read needs, imported now
    try:
        _send(sock, READY)
        header = json.loads(_receive(sock, None))
        limits = Limits(**header["limits"])
        _confine(limits)
        _answer_one(sock, header, limits)
    except (EOFError, ConnectionError):
        return


def _answer_one(sock: socket.socket, header: dict, limits: Limits) -> None:
    try:
        reference = pa.ipc.open_stream(_receive(sock, None)).read_all().to_pandas()
        data = _receive(sock, None)
        result = read_upload(
            data,
            header["name"],
            header["source"],
            reference=reference,
            limits=limits,
            progress=lambda fraction, message: _send_json(sock, {"progress": [fraction, message]}),
        )
        rows = _arrow_ipc(result.rows)
    except UploadError as err:
        _send_json(sock, {"problems": [_plain(p) for p in err.problems[: limits.max_problems]], "total": err.total})
    except MemoryError:
        _send_json(sock, {"memory": True})
    else:
        _send_json(
            sock,
            {
                "notes": list(result.notes),
                "uploaded_at": result.uploaded_at,
                "permalink": result.permalink,
                "basis": result.basis,
            },
        )
        _send(sock, rows)


def _send(sock: socket.socket, payload: bytes | pa.Buffer) -> None:
    sock.sendall(FRAME.pack(len(payload)))
    sock.sendall(payload)


def _send_json(sock: socket.socket, event: dict) -> None:
    _send(sock, json.dumps(event).encode())


def _confine(limits: Limits) -> None:
    """The limits of this process: address space, no core dump of the file, and CPU time as a backstop.

    The CPU limit ends a reader whose server has gone (and so cannot kill it on time).
    """
    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu = math.ceil(used.ru_utime + used.ru_stime + limits.timeout_s * (os.cpu_count() or 1)) + 5
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
