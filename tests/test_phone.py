"""The public report on a phone (REPORT-FORM.md, "The public report"), in Chromium at 390 px wide
(a phone's viewport, `mobile` emulation): no sideways scrolling of the page, text at least 16 px,
wide tables and charts inside boxes of their own, a first screen that says in plain words how
the school did, with marks in words, the period, the report date and the school's contacts.
Measured on the archived public report of the session's sample Q1 run; the phone view is saved
under tests/artifacts/ to be looked at.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import Browser, chromium_or_skip
from PIL import Image

from cchc_audit import resources, unit

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PHONE = {"width": 390, "height": 844}

# Elements sticking out of the page on the right, except inside a box that scrolls on its own.
OUTSIDE = """[...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)
    .filter(el => !el.closest('.table-box') && !el.closest('.chart-box'))
    .map(el => el.tagName + '.' + el.className)"""
# Text smaller than 16 px: any element with text of its own (not only its children's).
SMALL_TEXT = """[...document.querySelectorAll('body *')]
    .filter(el => [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
    .filter(el => el.getClientRects().length && parseFloat(getComputedStyle(el).fontSize) < 16)
    .map(el => el.tagName + '.' + el.className + ': ' + el.textContent.trim().slice(0, 30))"""
# The boxes that scroll: each must be no wider than the page.
BOXES = """[...document.querySelectorAll('.table-box, .chart-box')]
    .map(el => [el.getBoundingClientRect().right <= window.innerWidth + 0.5,
                getComputedStyle(el).overflowX])"""


@pytest.fixture(scope="module")
def phone():
    with Browser(chromium_or_skip(), **PHONE) as browser:
        browser.page("Emulation.setDeviceMetricsOverride", deviceScaleFactor=1, mobile=True, **PHONE)
        yield browser


@pytest.mark.parametrize("report", ["bao-cao-cong-khai.html", "bao-cao-noi-bo.html"])
def test_no_sideways_scrolling_at_390_px(phone, sample_q1, report):
    phone.open(sample_q1.path / report)
    width, inner = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert inner == PHONE["width"] and width <= inner
    assert phone.evaluate(OUTSIDE) == []
    boxes = phone.evaluate(BOXES)
    assert boxes and all(fits and overflow == "auto" for fits, overflow in boxes)
    if report == "bao-cao-cong-khai.html":
        assert phone.evaluate(SMALL_TEXT) == []
        assert phone.evaluate("document.documentElement.lang") == "vi"


def test_the_first_screen_says_how_the_school_did(phone, sample_q1):
    phone.open(sample_q1.path / "bao-cao-cong-khai.html")
    summary = phone.evaluate("""(() => { const s = document.querySelector('.public-summary');
        return {top: s.getBoundingClientRect().top, text: s.innerText,
                lead: s.querySelector('p.lead').getBoundingClientRect().bottom,
                marks: [...s.querySelectorAll('li.key-figure .mark')].map(m => m.textContent.trim()),
                names: [...s.querySelectorAll('li.key-figure .name')].map(m => m.textContent.trim())}; })()""")
    assert summary["top"] < PHONE["height"] / 2 and summary["lead"] < PHONE["height"]  # on the first screen
    text = summary["text"]
    assert "Trong quý I năm 2024 (từ ngày 01/01/2024 đến ngày 31/03/2024), Trường Mầm non Mạ Non đạt 10/15" in text
    assert "Báo cáo ngày 05/04/2024." in text
    school = unit.load_unit_info(resources.SAMPLE_DIR)
    assert school.dien_thoai and school.dien_thoai in text and school.email in text
    assert summary["names"][0] == "Hồ sơ thủ tục hành chính giải quyết đúng hạn"
    assert len(summary["names"]) == 5 and set(summary["marks"]) <= {"Đạt", "Chưa đạt", "Miễn trừ", "Chưa đánh giá",
                                                                    "Không phát sinh"}
    assert "98,85% (86/87)" in text and "từ 98% trở lên" in text
    # Codes beside a plain title at most; none of the inspector's words on the first screen.
    for word in ("Tử số", "Mẫu số", "III.3.6.b", "SHA-256"):
        assert word not in text


def test_charts_stay_legible_and_say_their_figures(phone, sample_q1):
    phone.open(sample_q1.path / "bao-cao-cong-khai.html")
    charts = phone.evaluate("""[...document.querySelectorAll('figure.chart')].map(f => ({
        width: f.querySelector('img').getBoundingClientRect().width,
        alt: f.querySelector('img').alt, text: f.querySelector('.chart-text').innerText}))""")
    assert len(charts) == 3
    for chart in charts:
        assert chart["width"] >= 560  # drawn at a size its 8 pt labels read, scrolling in its box
        assert chart["alt"] and chart["text"] == chart["alt"] and "%" in chart["text"]


def test_the_phone_view_is_kept_to_look_at(phone, sample_q1):
    phone.open(sample_q1.path / "bao-cao-cong-khai.html")
    ARTIFACTS.mkdir(exist_ok=True)
    first = phone.screenshot(ARTIFACTS / "phone-first-screen.png")
    whole = phone.screenshot(ARTIFACTS / "phone-public-report.png", full_page=True)
    with Image.open(first) as image:
        assert image.size == (PHONE["width"], PHONE["height"])
    with Image.open(whole) as image:
        assert image.size[0] == PHONE["width"] and image.size[1] > PHONE["height"]
    height = phone.evaluate("document.documentElement.scrollHeight")
    print(f"\nphone view saved: {first}, {whole} ({height / PHONE['height']:.0f} screens long)")
