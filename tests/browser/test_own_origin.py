"""A visit asks nothing of any other host: no font, icon or script from a CDN, so no visitor's address goes to
another company, and a council network without the internet shows the whole page, its tab icon too."""

from urllib.parse import urlparse

import pytest

from lib.views import PAGES
from tests.browser.conftest import assert_no_exception, wait_for_app

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("query", ["", "?present=1"])
def test_every_page_is_served_from_the_dashboard_alone(page, app_url, query):
    own = urlparse(app_url).netloc
    elsewhere: list[str] = []
    page.on("request", lambda r: elsewhere.append(r.url) if urlparse(r.url).netloc not in (own, "") else None)
    for record in PAGES.values():
        page.goto(f"{app_url}/{record.url_path}{query}")
        wait_for_app(page, timeout=60_000)
        assert_no_exception(page)
    icon = page.locator('link[rel="shortcut icon"], link[rel="icon"]').first.get_attribute("href")
    assert icon.startswith("data:image/svg+xml"), icon  # the tab's icon travels inside the page
    assert elsewhere == []
