"""Where things are on the report's PDF pages, found by their text (poppler's pdftotext, else
pdfminer.six), never by fixed coordinates: the report's layout may change, its words do not.

- the signature block: the line `HIỆU TRƯỞNG` (or the signer's title) on the last body page, and
  the principal's name under it; the space between them is where the signature goes;
- the appendices: the first page of each `PHỤ LỤC ...`, whose top right corner takes the mark
  Nghị định 30/2020 gives a document attached to a signed one.

Coordinates are PDF points from the page's lower left corner, as pyHanko takes them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

_APPENDIX = re.compile(r"^PHỤ LỤC\s+[IVXLC0-9]+\b")


@dataclass(frozen=True)
class Line:
    page: int  # 0-based
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Page:
    index: int
    width: float
    height: float


@dataclass(frozen=True)
class Layout:
    pages: tuple[Page, ...]
    lines: tuple[Line, ...]


def read_layout(pdf: str | Path) -> Layout:
    """Every text line of the PDF with its box: read by poppler's `pdftotext -bbox-layout` where
    it is installed (a second for the report's 35 pages), else by pdfminer.six (pure Python,
    tens of seconds)."""
    tool = shutil.which("pdftotext")
    return poppler_layout(pdf, tool) if tool else pdfminer_layout(pdf)


def poppler_layout(pdf: str | Path, tool: str = "pdftotext") -> Layout:
    import xml.etree.ElementTree as ET

    done = subprocess.run([tool, "-bbox-layout", str(pdf), "-"], capture_output=True, timeout=300)
    if done.returncode != 0:  # a PDF poppler cannot read: the pure-Python reader has its say
        return pdfminer_layout(pdf)
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    pages, lines = [], []
    for index, page in enumerate(ET.fromstring(done.stdout).iter(f"{{{ns['h']}}}page")):
        height = float(page.get("height"))
        pages.append(Page(index, float(page.get("width")), height))
        for line in page.iter(f"{{{ns['h']}}}line"):
            words = " ".join((w.text or "").strip() for w in line.iter(f"{{{ns['h']}}}word")).strip()
            if words:  # poppler measures y from the top; PDF (and pyHanko) from the bottom
                x0, top, x1, bottom = (float(line.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))
                lines.append(Line(index, " ".join(words.split()), x0, height - bottom, x1, height - top))
    return Layout(tuple(pages), tuple(lines))


def pdfminer_layout(pdf: str | Path) -> Layout:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer, LTTextLine

    pages, lines = [], []
    for index, page in enumerate(extract_pages(str(pdf))):
        x0, y0, x1, y1 = page.bbox
        pages.append(Page(index, x1 - x0, y1 - y0))
        for element in page:
            if isinstance(element, LTTextContainer):
                for line in element:
                    if isinstance(line, LTTextLine) and (words := " ".join(line.get_text().split())):
                        lines.append(Line(index, words, *line.bbox))
    return Layout(tuple(pages), tuple(lines))


@dataclass(frozen=True)
class Box:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def appendix_pages(layout: Layout) -> list[int]:
    """The first page of each appendix (a page whose text starts a `PHỤ LỤC ...`)."""
    found = []
    for line in layout.lines:
        if _APPENDIX.match(line.text) and line.page not in found:
            found.append(line.page)
    return found


def signature_box(layout: Layout, title: str, name: str | None, width: float = 190.0) -> Box | None:
    """The space for the signature under the signer's `title` line on the last body page (the last
    such line before the first appendix), down to the signer's `name` when printed below it;
    centred on the title. None when the page holds no such line."""
    first_appendix = min(appendix_pages(layout), default=len(layout.pages))
    titles = [ln for ln in layout.lines if ln.text.upper() == title.upper() and ln.page < first_appendix]
    if not titles:
        return None
    head = titles[-1]
    below = [ln for ln in layout.lines if ln.page == head.page and ln.y1 < head.y0
             and (name is None or ln.text == name)]
    bottom = max((ln.y1 for ln in below), default=head.y0 - 90)
    centre = (head.x0 + head.x1) / 2
    page = layout.pages[head.page]
    x0, x1 = max(centre - width / 2, 0), min(centre + width / 2, page.width)
    y0, y1 = bottom + 3, head.y0 - 3
    if y1 - y0 < 30:  # no room left between title and name: take the band under the title
        y0, y1 = head.y0 - 80, head.y0 - 3
    return Box(head.page, x0, y0, x1, y1)


def top_right(layout: Layout, page: int, width: float = 200.0, height: float = 30.0, margin: float = 42.0) -> Box:
    """A box in the top right corner of `page`, inside a margin of `margin` points (15 mm)."""
    p = layout.pages[page]
    return Box(page, p.width - margin - width, p.height - margin / 2 - height, p.width - margin, p.height - margin / 2)
