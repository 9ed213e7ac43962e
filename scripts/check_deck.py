"""Export the deck as PowerPoint, open it in LibreOffice Impress (convert to PDF) and render pages to PNG.

Usage: python scripts/check_deck.py [--out DIR] [--page N] [key=value ...]
e.g.   python scripts/check_deck.py sector="Financial and insurance" band="70 and over"

The key=value pairs are the pages' URL keys (sector, benchmark, band, vs, region, other, org, …).
Prints the paths written; look at the PNGs. Needs Chromium, `libreoffice` (Debian:
libreoffice-impress) and `pdftoppm` (poppler-utils).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lib.data import load_councils, load_homeworking  # noqa: E402
from lib.render import powerpoint  # noqa: E402  (the repository root is put on the path first)
from lib.render.images import ImageExporter  # noqa: E402
from lib.selections import Tables  # noqa: E402
from lib.views import deck  # noqa: E402


def export_deck(selections: dict[str, str], out: Path) -> tuple[Path, list[deck.Slide]]:
    slides = deck.build_deck(Tables(load_homeworking(), load_councils()), selections)
    with ImageExporter() as exporter:
        pptx = powerpoint.deck_pptx(slides, exporter.png)
    path = out / "deck.pptx"
    path.write_bytes(pptx)
    return path, slides


def pptx_to_pdf(pptx: Path, out: Path) -> Path:
    """LibreOffice Impress opens the file and prints it: proof it is a deck Impress can read."""
    with tempfile.TemporaryDirectory() as profile:  # its own profile: another Impress running does not block it
        subprocess.run(
            [
                "libreoffice",
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                str(pptx),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    pdf = out / f"{pptx.stem}.pdf"
    if not pdf.is_file():
        raise RuntimeError(f"LibreOffice wrote no {pdf.name}")
    return pdf


def render_page(pdf: Path, page: int, out: Path) -> Path:
    prefix = out / f"page-{page}"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "96", "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(prefix)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return prefix.with_suffix(".png")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "deck")
    parser.add_argument("--page", type=int, default=0, help="page to render (default: every page)")
    parser.add_argument("selections", nargs="*", metavar="key=value")
    args = parser.parse_args()
    missing = [tool for tool in ("libreoffice", "pdftoppm") if shutil.which(tool) is None]
    if missing:
        print(f"missing {', '.join(missing)}: apt-get install -y libreoffice-impress poppler-utils", file=sys.stderr)
        return 2
    selections = dict(pair.split("=", 1) for pair in args.selections)
    args.out.mkdir(parents=True, exist_ok=True)
    pptx, slides = export_deck(selections, args.out)
    pdf = pptx_to_pdf(pptx, args.out)
    print(pptx)
    print(pdf)
    pages = [args.page] if args.page else range(1, len(slides) + 1)
    for page in pages:
        print(render_page(pdf, page, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
