"""The app's pages, from their Page records (lib.views.PAGES): a new page is measured with no change here.

Presentation mode, which the URL switches on (`?present=1`), is measured on the default page as a view of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOOR_SCRIPT = "benchmarks/floor_app.py"
# What every session of the app runs: AppTest runs it; `streamlit run` serves dashboard.py, whose st.App names it.
SESSION_SCRIPT = "app/navigation.py"


@dataclass(frozen=True)
class AppPage:
    """One page: its script (from the repository root), title and the URL path that opens it."""

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
    def navigation_path(self) -> str:
        """The script as the navigation registers it (relative to SESSION_SCRIPT), for AppTest.switch_page."""
        return f"../{self.script}"

    @property
    def label(self) -> str:
        return f"{self.title} ({self.path})"


def pages() -> list[AppPage]:
    """Every page of the app, in navigation order, from its Page record (lib.views.PAGES)."""
    from lib.views import PAGES

    return [AppPage(p.script, p.nav_title, p.url_path, p.default) for p in PAGES.values()]


def url_modes() -> list[str]:
    """Query strings that switch the whole app into a mode: presentation mode (`?present=1`)."""
    from lib.selections import PRESENT

    return [f"{PRESENT.key}={option}" for option in PRESENT.choices(None)]  # its options need no tables


def views() -> list[AppPage]:
    """Every page, then the default page in each URL-switched mode."""
    listed = pages()
    default = next(p for p in listed if p.default)
    modes = [
        AppPage(default.script, f"{default.title}, ?{query}", default.url_path, True, query) for query in url_modes()
    ]
    return [*listed, *modes]
