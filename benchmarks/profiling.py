"""Where a page's rerun spends its time: the script thread sampled by pyinstrument under AppTest.

AppTest runs the script on its own thread, which a profiler started on the main thread never sees, so
Streamlit's `exec_func_with_error_handling` is wrapped for the duration: each script run is profiled on
the thread that runs it. Time is then split by whose code was on top of the stack (the product's, Streamlit's,
Plotly's, pandas', other), and the product's own functions are ranked by their inclusive time.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pyinstrument import Profiler
from pyinstrument.session import Session
from streamlit.runtime.scriptrunner import script_runner

from benchmarks.discover import ROOT, AppPage

PRODUCT = ("lib/", "pages/", "app_pages/", "ui.py", "dashboard.py")
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


def summarise(page: str, sessions: list[Session], top: int = 8) -> Profile:
    session = functools.reduce(Session.combine, sessions)
    root = session.root_frame()
    runs = len(sessions)
    by_owner: dict[str, float] = defaultdict(float)
    inclusive: dict[str, float] = defaultdict(float)

    def walk(frame, open_keys: frozenset[str]) -> None:
        if frame.is_synthetic:  # pyinstrument's "[self]" and root frames: already in their parent's self time
            for child in frame.children:
                walk(child, open_keys)
            return
        by_owner[owner(frame.file_path)] += frame.total_self_time
        keys = open_keys
        if owner(frame.file_path) == "product":
            key = f"{Path(frame.file_path).relative_to(ROOT).as_posix()}:{frame.function}"
            if key not in open_keys:  # count a recursive function once, at its outermost call
                inclusive[key] += frame.time
                keys = open_keys | {key}
        for child in frame.children:
            walk(child, keys)

    if root is not None:
        walk(root, frozenset())
    ranked = sorted(inclusive.items(), key=lambda kv: -kv[1])
    # A page script's <module> frame holds the whole page; the functions under it say more.
    ranked = [(k, v / runs) for k, v in ranked if not k.endswith(":<module>")][:top]
    return Profile(
        page=page,
        runs=runs,
        total_s=(root.time if root is not None else 0.0) / runs,
        by_owner={k: v / runs for k, v in sorted(by_owner.items(), key=lambda kv: -kv[1])},
        product_functions=ranked,
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


def report(profiles: list[Profile]) -> str:
    lines = [
        "| page | profiled script time per rerun | product's own code | Streamlit | Plotly | pandas | other |",
        "|---|---|---|---|---|---|---|",
    ]
    for p in profiles:
        known = ("product", "streamlit", "plotly", "pandas")
        other = sum(v for k, v in p.by_owner.items() if k not in known)
        cells = [f"{p.by_owner.get(k, 0.0) * 1000:.0f} ms" for k in known]
        lines.append(f"| {p.page} | {p.total_s * 1000:.0f} ms | {' | '.join(cells)} | {other * 1000:.0f} ms |")
    lines += [
        "",
        "Self time: the function on top of the stack when sampled. The product's functions that take longest "
        "(inclusive: with the Plotly/pandas calls they make), per rerun:",
        "",
    ]
    for p in profiles:
        if p.product_functions:
            ranked = ", ".join(f"`{name}` {seconds * 1000:.0f} ms" for name, seconds in p.product_functions[:5])
            lines.append(f"- {p.page}: {ranked}")
    return "\n".join(lines)
