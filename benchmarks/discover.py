"""The app's pages as `dashboard.py` declares them (its `st.Page(...)` list), read without running it.

Reading the entry file keeps the benchmarks in step with the app: a new page, a renamed folder
or an explicit `url_path` is picked up with no change here.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from streamlit.source_util import page_icon_and_name

ROOT = Path(__file__).resolve().parents[1]
ENTRY = ROOT / "dashboard.py"
FLOOR_SCRIPT = "benchmarks/floor_app.py"


@dataclass(frozen=True)
class AppPage:
    """One page: its script (as the entry file names it), title and the URL path that opens it."""

    script: str
    title: str
    url_path: str
    default: bool

    @property
    def path(self) -> str:
        """The path a link opens: "/" for the default page, "/sectors" for the others."""
        return "/" if self.default else f"/{self.url_path}"

    @property
    def label(self) -> str:
        return f"{self.title} ({self.path})"


def pages(entry: Path = ENTRY) -> list[AppPage]:
    """Every `st.Page("<script>", ...)` call in `entry`, in the order written."""
    calls = []
    for node in ast.walk(ast.parse(entry.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and _called(node) == "Page" and node.args):
            continue
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        options = {k.arg: k.value.value for k in node.keywords if isinstance(k.value, ast.Constant)}
        inferred = page_icon_and_name(Path(first.value))[1]
        calls.append(
            (
                (node.lineno, node.col_offset),
                AppPage(
                    script=first.value,
                    title=options.get("title") or inferred.replace("_", " "),
                    url_path=str(options.get("url_path") or inferred).strip("/"),
                    default=bool(options.get("default", False)),
                ),
            )
        )
    return [page for _, page in sorted(calls, key=lambda c: c[0])]


def _called(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None
