"""Where a page's rerun spends its time: the script thread sampled by pyinstrument under AppTest.

AppTest runs the script on its own thread, which a profiler started on the main thread never sees, so
Streamlit's `exec_func_with_error_handling` is wrapped for the duration: each script run is profiled on
the thread that runs it. Time is then split by whose code was on top of the stack (the product's, Streamlit's,
Plotly's, pandas', other; the standard library and built-ins count for the package that called them), and the
product's own functions are ranked by their inclusive time.

`python -m benchmarks.profiling first-run <path>` profiles a page's first run in a fresh process (imports,
loading the data, first figures): what a cold start adds to the server's start-up.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import parse_qsl

from pyinstrument import Profiler
from pyinstrument.session import Session
from streamlit.runtime.scriptrunner import script_runner

from benchmarks.discover import FLOOR_SCRIPT, ROOT, AppPage

PRODUCT = ("lib/", "pages/", "app/", "ui/", "dashboard.py")
LIBRARIES = {
    "streamlit": "streamlit",
    "plotly": "plotly",
    "_plotly_utils": "plotly",
    "pandas": "pandas",
    "numpy": "numpy",
    "pyarrow": "pyarrow",
    "pandera": "pandera",
    "narwhals": "narwhals",
}


def owner(file_path: str | None) -> str:
    """Whose code a frame runs: "product", a library's name, or "other"."""
    if not file_path:
        return "other"
    path = Path(file_path)
    if path.is_absolute() and path.is_relative_to(ROOT) and not path.is_relative_to(ROOT / "benchmarks"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(PRODUCT):
            return "product"
    for part in path.parts:
        if part in LIBRARIES:
            return LIBRARIES[part]
    return "other"


@contextmanager
def profiled_script_runs(sessions: list[Session], interval: float = 0.001) -> Iterator[None]:
    original = script_runner.exec_func_with_error_handling

    def profiled(*args, **kwargs):
        profiler = Profiler(interval=interval)
        profiler.start()
        try:
            return original(*args, **kwargs)
        finally:
            sessions.append(profiler.stop())

    script_runner.exec_func_with_error_handling = profiled
    try:
        yield
    finally:
        script_runner.exec_func_with_error_handling = original


@dataclass
class Profile:
    page: str
    runs: int
    total_s: float
    by_owner: dict[str, float]  # self time per owner, seconds per run
    product_functions: list[tuple[str, float]]  # "file:function", inclusive seconds per run
    import_s: float = 0.0  # inclusive time of the outermost imports, seconds per run


def summarise(page: str, sessions: list[Session], top: int = 8, *, modules: bool = False) -> Profile:
    """Totals per run. `modules`: rank lib modules' import (`<module>`) frames too, as a first run does."""
    session = functools.reduce(Session.combine, sessions)
    root = session.root_frame()
    runs = len(sessions)
    by_owner: dict[str, float] = defaultdict(float)
    inclusive: dict[str, float] = defaultdict(float)

    imports = 0.0

    def walk(frame, open_keys: frozenset[str], caller: str, importing: bool) -> None:
        nonlocal imports
        if frame.is_synthetic:  # pyinstrument's "[self]" and root frames: already in their parent's self time
            for child in frame.children:
                walk(child, open_keys, caller, importing)
            return
        mine = owner(frame.file_path)
        mine = caller if mine == "other" and caller != "other" else mine
        by_owner[mine] += frame.total_self_time
        if frame.function == "_find_and_load" and not importing:
            imports += frame.time
            importing = True
        keys = open_keys
        if owner(frame.file_path) == "product":
            key = f"{Path(frame.file_path).relative_to(ROOT).as_posix()}:{frame.function}"
            if key not in open_keys:  # count a recursive function once, at its outermost call
                inclusive[key] += frame.time
                keys = open_keys | {key}
        for child in frame.children:
            walk(child, keys, mine, importing)

    if root is not None:
        walk(root, frozenset(), "other", False)
    ranked = sorted(inclusive.items(), key=lambda kv: -kv[1])
    # A page script's <module> frame holds the whole page; the functions under it say more.
    ranked = [
        (k, v / runs) for k, v in ranked if not k.endswith(":<module>") or (modules and k.startswith(("lib/", "ui/")))
    ][:top]
    return Profile(
        page=page,
        runs=runs,
        total_s=(root.time if root is not None else 0.0) / runs,
        by_owner={k: v / runs for k, v in sorted(by_owner.items(), key=lambda kv: -kv[1])},
        product_functions=ranked,
        import_s=imports / runs,
    )


def profile_page(page: AppPage | None, runs: int) -> Profile:
    """Profile `runs` warm reruns of a page (None: the floor)."""
    from benchmarks.server import _app_test

    at = _app_test(page)
    at.run()
    sessions: list[Session] = []
    with profiled_script_runs(sessions):
        for _ in range(runs):
            at.run()
    return summarise("floor" if page is None else page.label, sessions)


def first_run(page: AppPage | None) -> Profile:
    """The first run of a page in a fresh process, profiled in a subprocess so nothing is imported yet."""
    argument = "floor" if page is None else page.path
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.profiling", "first-run", argument],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return Profile(**json.loads(out.stdout.strip().splitlines()[-1]))


def _first_run_here(argument: str) -> Profile:
    from benchmarks.discover import SESSION_SCRIPT, views

    page = None if argument == "floor" else next(p for p in views() if p.path == argument)
    from streamlit.testing.v1 import AppTest

    # The page's own script, run first: the entry file's first run would be the default page instead.
    script = FLOOR_SCRIPT if page is None else SESSION_SCRIPT if page.default else page.script
    at = AppTest.from_file(str(ROOT / script), default_timeout=300)
    for key, value in parse_qsl(page.query if page else ""):
        at.query_params[key] = value
    sessions: list[Session] = []
    with profiled_script_runs(sessions):
        at.run()
    return summarise("floor" if page is None else page.label, sessions, modules=True)


PROFILE_COLUMNS = ("product", "streamlit", "plotly", "pandas", "pandera")


def report(profiles: list[Profile], *, per: str = "rerun") -> str:
    lines = [
        f"| page | profiled script time per {per} | of which imports | "
        + " | ".join("product's own code" if k == "product" else k.capitalize() for k in PROFILE_COLUMNS)
        + " | other |",
        "|---" * (len(PROFILE_COLUMNS) + 4) + "|",
    ]
    for p in profiles:
        other = sum(v for k, v in p.by_owner.items() if k not in PROFILE_COLUMNS)
        cells = [f"{p.by_owner.get(k, 0.0) * 1000:.0f} ms" for k in PROFILE_COLUMNS]
        lines.append(
            f"| {p.page} | {p.total_s * 1000:.0f} ms | {p.import_s * 1000:.0f} ms | {' | '.join(cells)} | "
            f"{other * 1000:.0f} ms |"
        )
    lines += [
        "",
        "Self time by whose code was running (the standard library and built-ins count for whoever called "
        f"them). The product's functions that take longest (inclusive: with the library calls they make), per {per}:",
        "",
    ]
    for p in profiles:
        if p.product_functions:
            ranked = ", ".join(f"`{name}` {seconds * 1000:.0f} ms" for name, seconds in p.product_functions[:5])
            lines.append(f"- {p.page}: {ranked}")
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "first-run":
        sys.exit("usage: python -m benchmarks.profiling first-run <path, e.g. /sectors, or floor>")
    print(json.dumps(asdict(_first_run_here(sys.argv[2]))))
