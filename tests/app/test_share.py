"""The Share menu through AppTest: one per page and in presentation mode, what its copy component is given (the
API's PNG of this address, the chart's table, the permalink), the embed snippet and the citation; a session's own
figures never reach a link, an embed or a copied chart."""

from __future__ import annotations

import json

import lxml.html
import pytest

from lib import views
from tests.app.conftest import run_page
from tests.app.test_change import uploaded_then

BASE = "http://localhost:8501"


def popovers(node) -> list[str]:
    found = []
    for child in getattr(node, "children", {}).values():
        if getattr(child, "type", None) == "popover":
            found.append(child.proto.popover.label)
        found += popovers(child)
    return found


def copy_data(at) -> dict:
    [component] = [c for c in at.get("bidi_component") if c.proto.component_name == "homeworking_dashboard.copy"]
    return json.loads(component.proto.json)


def codes(at) -> list[str]:
    return [c.value for c in at.code]


@pytest.mark.parametrize("page", list(views.PAGES))
def test_every_page_has_one_share_menu_and_no_other_download_menu(page):
    at = run_page(f"../pages/{page}.py")
    assert not at.exception
    assert popovers(at.main).count("Share") == 1 and "Download this view" not in popovers(at.main)
    assert [t.label for t in at.tabs][:4] == ["Copy and link", "Embed", "Cite", "Download"]


def test_copy_is_given_the_apis_png_the_charts_table_and_the_permalink():
    at = run_page("../pages/regions.py", {"region": "Wales"})
    data = copy_data(at)
    assert data["png"] == f"{BASE}/api/regions.png?region=Wales"
    assert data["link"] == f"{BASE}/regions?region=Wales" and data["csv"] == f"{BASE}/api/regions.csv?region=Wales"
    header, *rows = data["tsv"].split("\r\n")
    assert header.split("\t") == [
        "As printed in the source",
        "Region or nation",
        "GSS code",
        "Week before interview (%)",
        "Ever (%)",
    ]
    assert any(row.startswith("Wales\t") for row in rows) and rows[-2].startswith("Source: ONS")
    assert lxml.html.fromstring(data["table_html"]).find(".//table") is not None
    assert f"{BASE}/regions?region=Wales" in codes(at)


def test_the_embed_snippet_and_the_citation_hold_this_address():
    at = run_page("../pages/sectors.py", {"sector": "Manufacturing"})
    snippet = next(c for c in codes(at) if c.startswith("<iframe"))
    frame = lxml.html.fragments_fromstring(snippet)[0]
    assert frame.get("src") == f"{BASE}/api/sectors.html?sector=Manufacturing&embed=1"
    assert frame.get("title") == at.header[0].value.replace("\\", "")  # the headline, as the page shows it
    reference = next(c for c in codes(at) if c.startswith("Office for National Statistics."))
    assert f"{BASE}/sectors?sector=Manufacturing (accessed" in reference
    assert any(c.startswith("@misc{homeworking-sectors-manufacturing") for c in codes(at))


def test_explores_share_menu_leaves_the_rows_to_its_own_downloads():
    at = run_page("../pages/explore.py")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count("CSV") == 1  # under "Download these rows", not twice
    assert {"PDF brief", "Web page (.html)", "Everything (.zip)"} <= set(labels)


def test_a_sessions_own_figures_stay_out_of_links_embeds_and_the_copied_chart():
    at = uploaded_then("../pages/regions.py", {"region": "London"})
    assert not at.exception
    data = copy_data(at)
    assert data["png"] == "" and "your own figures" in data["chart_reason"]
    assert "mine=" not in data["link"] and all("mine=" not in c for c in codes(at))
    assert "57.2" in data["tsv"]  # the table copied is what the person sees, theirs included
    assert any("stay in this browser session" in c.value for c in at.caption)


def test_presentation_mode_shares_the_slide_as_drawn():
    at = run_page(None, {"present": "1", "sector": "Manufacturing", "slide": "2"})
    assert not at.exception
    assert "Share" in popovers(at.main)
    data = copy_data(at)
    assert data["png"].startswith(f"{BASE}/api/slide.png?") and "deck=regularity" in data["png"]
    assert "sector=Manufacturing" in data["png"] and "slide=" not in data["png"]
    assert data["tsv"].startswith("Sector\t")
