"""Server-side chart images: 1920×1080 PNG and SVG from one warm Chromium, and a clear message without one."""

import os
import re
import struct

import plotly.graph_objects as go
import psutil
import pytest

from lib import charts, compare
from lib.data import load_homeworking
from lib.render.images import ImageExporter, ImageExportUnavailable, find_browser


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG signature and IHDR chunk (PNG spec, section 11.2.2)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def svg_size(data: bytes) -> tuple[float, float]:
    root = re.search(rb"<svg[^>]*>", data).group(0).decode()
    width, height = (float(re.search(rf'\s{name}="([\d.]+)"', root).group(1)) for name in ("width", "height"))
    return width, height


@pytest.fixture(scope="module")
def exporter():
    """One exporter for the module: the point is that it keeps its browser between images."""
    if find_browser() is None:
        reason = "no Chromium for kaleido (apt-get install -y chromium)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    with ImageExporter() as ex:
        yield ex


@pytest.fixture(scope="module")
def sector_figure():
    hw = load_homeworking()
    c = compare.compare(hw, "sector", "Financial and insurance", "Public administration and defence")
    return charts.category_bars(
        hw[hw.breakdown == "sector"],
        charts.Words(c.headline(), "Homeworking by sector, UK, 2019"),
        yours="Financial and insurance",
        benchmark="Public administration and defence",
        theme=charts.PRESENT,
    )


def test_png_is_1920_by_1080(exporter, sector_figure):
    assert png_size(exporter.png(sector_figure)) == (1920, 1080)


def test_svg_is_1920_by_1080_with_the_title_and_source_inside(exporter, sector_figure):
    svg = exporter.svg(sector_figure)
    assert svg_size(svg) == (1920, 1080)
    text = svg.decode()
    assert "Financial and insurance staff were 1.7× as likely" in text
    assert "Source: ONS Annual Population Survey 2019" in text


def test_scale_multiplies_the_layout_size(exporter, sector_figure):
    assert png_size(exporter.png(sector_figure, width=960, height=540, scale=2)) == (1920, 1080)


def test_one_browser_serves_every_image(exporter, sector_figure):
    exporter.png(sector_figure)
    browsers_before = _browsers_started_here()
    for _ in range(3):
        exporter.png(sector_figure)
        exporter.svg(sector_figure)
    # Chromium's own helpers (renderers, utility processes) come and go; the browser it started must not.
    assert browsers_before and _browsers_started_here() == browsers_before


def _browsers_started_here() -> set[int]:
    """Chromium's browser processes (its helpers are started with --type=…)."""
    return {
        p.pid
        for p in psutil.Process().children(recursive=True)
        if "chrom" in p.name().lower() and not any(arg.startswith("--type=") for arg in p.cmdline())
    }


def test_without_chromium_the_export_says_so(tmp_path):
    missing = ImageExporter(str(tmp_path / "no-such-chromium"))
    assert not missing.available
    with pytest.raises(ImageExportUnavailable, match=r"^image export unavailable: no Chromium found$"):
        missing.png(go.Figure())


def test_browser_path_variable_pointing_nowhere_means_no_browser(monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "nothing-here"))
    assert find_browser() is None
    assert not ImageExporter().available


def test_a_browser_that_will_not_start_is_reported_not_raised_raw(tmp_path):
    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\nexit 1\n")
    broken.chmod(0o755)
    with pytest.raises(ImageExportUnavailable, match="did not start"):
        ImageExporter(str(broken), timeout=30).png(go.Figure())


def test_a_start_that_hangs_is_tried_once_more_and_leaves_no_process(exporter, monkeypatch, tmp_path):
    from lib.render import images

    hung = tmp_path / "hung.pid"
    browser = tmp_path / "chromium"  # hangs the first time, as Chromium once did in CI; the real one after
    browser.write_text(
        f'#!/bin/sh\nif [ ! -e {hung} ]; then echo $$ > {hung}; exec sleep 600; fi\nexec {exporter.browser} "$@"\n'
    )
    browser.chmod(0o755)
    monkeypatch.setattr(images, "START_S", 20)
    with ImageExporter(str(browser), timeout=5) as retried:
        assert png_size(retried.png(go.Figure(), width=320, height=200)) == (320, 200)
    assert not psutil.pid_exists(int(hung.read_text())), "the browser that hung is still running"


def test_a_start_that_always_hangs_gives_up_in_words(monkeypatch, tmp_path):
    from lib.render import images

    browser = tmp_path / "chromium"
    browser.write_text("#!/bin/sh\nexec sleep 600\n")
    browser.chmod(0o755)
    monkeypatch.setattr(images, "START_S", 2)
    with pytest.raises(ImageExportUnavailable, match="did not start within 2 s, 2 times"):
        ImageExporter(str(browser), timeout=1).png(go.Figure())


def test_only_png_and_svg(tmp_path):
    with pytest.raises(ValueError, match="png, svg"):
        ImageExporter(str(tmp_path / "unused")).image(go.Figure(), "gif")


def labelled(label: str) -> go.Figure:
    return go.Figure(go.Bar(x=[1, 2], y=[label, "Education"], orientation="h"))


def test_a_text_too_long_to_draw_never_reaches_chromium():
    from lib.limits import DRAWING

    fresh = ImageExporter()
    with pytest.raises(ImageExportUnavailable, match=f"no text over {DRAWING.text_chars:,} is drawn"):
        fresh.image(labelled("x" * 2_000_000))
    assert fresh.browser_pid is None  # no browser was even started for it


def test_a_drawing_that_runs_out_of_time_restarts_the_browser_and_the_next_one_is_drawn():
    from tests.unit.conftest import require_browser

    require_browser()
    with ImageExporter(timeout=4) as slow:
        slow.image(labelled("Warm"))
        stuck = psutil.Process(slow.browser_pid)
        with pytest.raises(ImageExportUnavailable, match="so it was restarted"):
            slow._draw(labelled("x" * 3_000_000), {"format": "png", "width": 800, "height": 600, "scale": 1})
        assert slow.restarts == 1
        assert not stuck.is_running() or stuck.status() == psutil.STATUS_ZOMBIE  # killed, not left working
        assert png_size(slow.image(labelled("Next"), width=400, height=300)) == (400, 300)
        assert slow.browser_pid != stuck.pid
