"""Unit-test helpers: a test that needs Chromium (or poppler) skips without it, unless REQUIRE_BROWSER=1."""

import os
import shutil

import pytest

from lib.render.images import find_browser


def require_browser(*tools: str) -> None:
    """Skip (or, under REQUIRE_BROWSER=1, fail) when Chromium or one of `tools` (pdftotext, …) is missing."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if find_browser() is None:
        missing.append("chromium")
    if not missing:
        return
    reason = f"missing {', '.join(missing)} (apt-get install -y chromium poppler-utils)"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)
