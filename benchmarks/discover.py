"""The app's pages as `dashboard.py` declares them (its `st.Page(...)` list), read without running it.

Reading the entry file keeps the benchmarks in step with the app: a new page, a renamed folder
or an explicit `url_path` is picked up with no change here. A mode the entry file switches on from
the URL (`st.query_params.get("present") == "1"`) is measured on the default page as a view of its own.
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
    query: str = ""  # e.g. "present=1": a mode of the page, switched on from the URL

    @property
    def path(self) -> str:
        """The address a link opens: "/" for the default page, "/sectors" for the others, then any query."""
        base = "/" if self.default else f"/{self.url_path}"
        return f"{base}?{self.query}" if self.query else base

    @property
    def label(self) -> str:
        return f"{self.title} ({self.path})"


def pages(entry: Path = ENTRY) -> list[AppPage]:
    """Every `st.Page("<script>", ...)` written in a list literal in `entry` (the navigation), in order.

    Pages built in a comprehension (presentation mode's stand-ins for every page) are not pages of their own.
    """
    tree = ast.parse(entry.read_text(encoding="utf-8"))
    listed = {id(e) for node in ast.walk(tree) if isinstance(node, ast.List) for e in node.elts}
    calls = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and id(node) in listed and _called(node) == "Page" and node.args):
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


def url_modes(entry: Path = ENTRY) -> list[str]:
    """Query strings the entry file switches a mode on with: `st.query_params.get("k") == "v"` gives "k=v"."""
    found = []
    for node in ast.walk(ast.parse(entry.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.Eq)):
            continue
        call, value = node.left, node.comparators[0]
        if (
            isinstance(call, ast.Call)
            and _called(call) == "get"
            and isinstance(call.func, ast.Attribute)
            and _called_on(call.func) == "query_params"
            and call.args
            and isinstance(call.args[0], ast.Constant)
            and isinstance(value, ast.Constant)
        ):
            found.append(f"{call.args[0].value}={value.value}")
    return sorted(set(found))


def views(entry: Path = ENTRY) -> list[AppPage]:
    """Every page, then the default page in each URL-switched mode."""
    listed = pages(entry)
    default = next((p for p in listed if p.default), listed[0] if listed else None)
    modes = [
        AppPage(default.script, f"{default.title}, ?{query}", default.url_path, default.default, query)
        for query in url_modes(entry)
        if default is not None
    ]
    return [*listed, *modes]


def _called_on(func: ast.Attribute) -> str | None:
    target = func.value
    if isinstance(target, ast.Attribute):
        return target.attr
    return target.id if isinstance(target, ast.Name) else None


def _called(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None
