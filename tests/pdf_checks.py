"""Reading a PDF the way its reader meets it, for the brief's tests: the size of every word on paper (pdftotext
-bbox-layout) and its tagged structure (pikepdf). A second line behind the independent PDF/UA checker: these say
what the brief's own promises are (a figure with the chart's alt text, a table with header cells, the reading
order), where a validator says only that the rules hold."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pikepdf

LINE = re.compile(r"<line [^>]*>(.*?)</line>", re.S)
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
BLOCK = re.compile(r"<block [^>]*>(.*?)</block>", re.S)
PAGE = re.compile(r"<page [^>]*>(.*?)</page>", re.S)


@dataclass(frozen=True)
class Word:
    text: str
    thickness: float  # pt: the height of its box across the line (its width, for a word set upright)
    page: int


def words(pdf: Path) -> list[Word]:
    """Every word with the thickness of its box. pdftotext gives boxes, not sizes: a word set sideways (an axis
    title) is a line whose words share one column, and its thickness is its box's width; a word at an angle has a
    box larger than its type, so it can only pass, never fail wrongly."""
    layout = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    found = []
    for number, page in enumerate(PAGE.findall(layout), start=1):
        for line in LINE.findall(page):
            boxes = [(float(a), float(b), float(c), float(d), text) for a, b, c, d, text in WORD.findall(line)]
            lefts, tops = {round(b[0]) for b in boxes}, {round(b[1]) for b in boxes}
            upright = len(boxes) > 1 and len(lefts) == 1 and len(tops) > 1
            for x0, y0, x1, y1, text in boxes:
                found.append(Word(text, (x1 - x0) if upright else (y1 - y0), number))
    return found


def blocks(pdf: Path) -> list[list[Word]]:
    """The words of each block of text (a paragraph, a table cell, a chart label), for finding one by its words."""
    layout = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    return [
        [Word(text, float(y1) - float(y0), 0) for _, y0, _, y1, text in WORD.findall(block)]
        for block in BLOCK.findall(layout)
    ]


def structure(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element in document order (depth first): the order a screen reader reads them in."""
    out: list[pikepdf.Dictionary] = []

    def walk(element) -> None:
        out.append(element)
        for kid in kids(element):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                walk(kid)

    for top in kids(pdf.Root.StructTreeRoot):
        walk(top)
    return out


def kids(element) -> list:
    k = element.get("/K")
    return [] if k is None else list(k) if isinstance(k, pikepdf.Array) else [k]


def kind(element) -> str:
    return str(element.S).lstrip("/")


def untagged_content(pdf: pikepdf.Pdf) -> list[str]:
    """Text or images drawn outside any marked content: neither tagged (an MCID) nor marked as an artifact."""
    problems = []
    for number, page in enumerate(pdf.pages, start=1):
        depth = 0
        for _, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op in ("BDC", "BMC"):
                depth += 1
            elif op == "EMC":
                depth -= 1
            elif op in ("Tj", "TJ", "'", '"', "Do", "BI") and depth == 0:
                problems.append(f"page {number}: {op} outside marked content")
    return problems


def link_annotations(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    return [a for page in pdf.pages for a in page.get("/Annots", []) if a.get("/Subtype") == "/Link"]


def tagged_annotations(pdf: pikepdf.Pdf) -> list:
    """The annotations a Link structure element holds (as object references)."""
    return [
        kid.Obj.objgen
        for element in structure(pdf)
        if kind(element) == "Link"
        for kid in kids(element)
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR"
    ]
