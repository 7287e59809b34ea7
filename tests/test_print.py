"""The printed report as REPORT-FORM.md's "Pages" says, on the real PDF that `cchc-audit run --pdf`
archives for the sample's Q1 (the session's `sample_q1`), read with poppler (pdftotext,
pdftoppm) and, for the column widths, measured in Chromium with the print stylesheet.

Page numbers from page 2 (none on page 1); part V, the end mark and the signature block on one
page; no heading or lead-in line at the foot of a page; a table's header row on every page it
spans; no cell whose content is wider than its column. Page 1 and the signature page are saved as
PNG under tests/artifacts/ to be looked at.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import soup
from browser import Browser, chromium_or_skip, tool_or_skip
from PIL import Image

from cchc_audit import report
from cchc_audit.audit import run_audit
from cchc_audit.params import resolve

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
BODY_PAGES_AT_MOST = 14  # a document a principal signs: the sample's Q1 body is 14 pages (it was 20)


@pytest.fixture(scope="module")
def printed(sample_q1) -> tuple[Path, list[str]]:
    """The archived PDF and the text of each of its pages (pdftotext -layout)."""
    if not sample_q1.with_pdf:
        chromium_or_skip()
    pdftotext = tool_or_skip("pdftotext")
    pdf = sample_q1.path / "bao-cao-noi-bo.pdf"
    done = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    pages = done.stdout.split("\f")
    return pdf, pages[:-1] if not pages[-1].strip() else pages


def lines(page: str) -> list[str]:
    return [line.strip() for line in page.splitlines() if line.strip()]


def signature_page(pages: list[str]) -> int:
    return next(i for i, page in enumerate(pages) if "HIỆU TRƯỞNG" in page and "Nơi nhận:" in page)


def test_every_page_from_the_second_has_its_number_and_the_first_none(printed):
    _, pages = printed
    assert len(pages) > 10
    assert not re.fullmatch(r"\d+", lines(pages[0])[0])  # page 1 starts with the header, no number
    for number, page in enumerate(pages[1:], start=2):
        assert lines(page)[0] == str(number), (number, lines(page)[:2])


def test_the_signature_block_stays_with_the_end_of_the_body(printed):
    _, pages = printed
    index = signature_page(pages)
    page = pages[index]
    assert "./." in page and "V. KIẾN NGHỊ, ĐỀ XUẤT" in page and "Nguyễn Thị Minh Thư" in page
    assert "3. Nguyên nhân" in page  # part IV's last point, part V and the end mark with it
    assert page.index("./.") < page.index("Nơi nhận:")
    assert len(lines(page)) >= 12  # body text on the page, not a signature alone
    print(f"\nsample Q1: {len(pages)} pages, the body ends on page {index + 1}")
    assert index + 1 <= BODY_PAGES_AT_MOST


def test_no_heading_or_lead_in_ends_a_page(printed, sample_q1):
    _, pages = printed
    html = soup.parse((sample_q1.path / "bao-cao-noi-bo.html").read_text(encoding="utf-8"))
    heads = {" ".join(soup.text_of(h).split())[:40] for h in html.select("h2, h3, h4, .lead-in")
             if not h.find_parent(class_="screen-only") and not h.find_parent(class_="part-overview")}
    heads |= {h.upper() for h in heads}  # part headings print in capitals
    for number, page in enumerate(pages, start=1):
        last = " ".join(lines(page)[-1].split())
        assert not any(last.startswith(h[: max(12, len(last))]) for h in heads if h), (number, last)


def test_a_table_repeats_its_header_on_every_page_it_spans(printed):
    _, pages = printed
    start = next(i for i, page in enumerate(pages) if "PHỤ LỤC I\n" in page or re.search(r"PHỤ LỤC I\s*$", page, re.M))
    end = next(i for i, page in enumerate(pages) if "PHỤ LỤC II" in page)
    assert end - start >= 3  # Phụ lục I spans pages: each one after its first opens with the header
    for page in pages[start + 1:end]:
        assert lines(page)[1].startswith("STT"), lines(page)[:3]


def test_no_cell_is_wider_than_its_column_on_paper(sample_q1, tmp_path):
    """In Chromium with the print stylesheet, at the width of the A4 page's text (165 mm portrait,
    262 mm landscape): no table cell's content overflows it, in Vietnamese (the archived report)
    and in English (its longer headers, the same audit)."""
    browser = chromium_or_skip()
    english = tmp_path / "english.html"
    params = resolve(sample_q1.path / "params.yaml")
    audit = run_audit(params.period_range(), params.data, params.plan_path, params)
    english.write_text(report.standalone_html(audit, "en", "internal"), encoding="utf-8")
    overflowing = """(wide) => { const cells = [...document.querySelectorAll('table.data th, table.data td')]
        .filter(c => !!c.closest('.wide') === wide && !c.closest('.screen-only') && c.offsetParent !== null);
        return [cells.length, cells.filter(c => c.scrollWidth > c.clientWidth + 1)
            .map(c => c.closest('section').className + ': ' + c.textContent.trim().slice(0, 40))]; }"""
    with Browser(browser) as b:
        b.page("Emulation.setEmulatedMedia", media="print")
        for page in (sample_q1.path / "bao-cao-noi-bo.html", english):
            for width_mm, wide in ((165, False), (262, True)):
                width = round(width_mm / 25.4 * 96)
                b.page("Emulation.setDeviceMetricsOverride", width=width, height=1100, deviceScaleFactor=1,
                       mobile=False)
                b.open(page)
                measured, over = b.evaluate(f"({overflowing})({str(wide).lower()})")
                assert measured > 300 and over == [], (page.name, width_mm, over)
        # "Giải quyết trễ hạn" in II.1.1.a's list keeps its reason column readable: at most 2 lines.
        b.page("Emulation.setDeviceMetricsOverride", width=624, height=1100, deviceScaleFactor=1, mobile=False)
        b.open(sample_q1.path / "bao-cao-noi-bo.html")
        heights = b.evaluate("""[...document.querySelectorAll('td.reason')].map(td =>
            td.getBoundingClientRect().height / parseFloat(getComputedStyle(td).lineHeight))""")
        assert heights and max(heights) < 2.6


def test_page_one_and_the_signature_page_are_kept_to_look_at(printed):
    pdf, pages = printed
    pdftoppm = tool_or_skip("pdftoppm")
    ARTIFACTS.mkdir(exist_ok=True)
    saved = []
    for name, number in (("pdf-page-1", 1), ("pdf-signature-page", signature_page(pages) + 1)):
        prefix = ARTIFACTS / name
        subprocess.run([pdftoppm, "-r", "50", "-png", "-singlefile", "-f", str(number), "-l", str(number),
                        str(pdf), str(prefix)], check=True)
        png = prefix.with_suffix(".png")
        with Image.open(png) as image:
            grey = image.convert("L")
            assert grey.getextrema()[0] < 100  # ink on the page, not a blank
            assert grey.size[0] < grey.size[1]  # portrait A4
        saved.append(png)
    print("\nprinted pages saved:", *saved, sep="\n  ")
