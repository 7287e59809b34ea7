"""Numbers and dates in both languages, and the dates a report states for its period (calendar,
the cut-off convention of periodic CCHC reports, explicit start and end)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from cchc_audit import fmt, report, resources
from cchc_audit.audit import run_audit
from cchc_audit.params import resolve
from cchc_audit.periods import parse_period
from cchc_audit.trends import short_label

SAMPLE = resources.SAMPLE_DIR


@pytest.mark.parametrize("value, vi, en", [
    (0.985, "98,50%", "98.50%"),
    (1, "100,00%", "100.00%"),
    (0, "0,00%", "0.00%"),
    (2 / 3, "66,67%", "66.67%"),
    (12.3456, "1.234,56%", "1,234.56%"),
    (None, "—", "—"),
])
def test_percentages(value, vi, en):
    assert fmt.fmt_pct(value, "vi") == vi
    assert fmt.fmt_pct(value, "en") == en


@pytest.mark.parametrize("value, vi, en", [
    (1234, "1.234", "1,234"), (1234567, "1.234.567", "1,234,567"), (7, "7", "7"), (0, "0", "0"),
    (float("nan"), "—", "—"),
])
def test_whole_numbers(value, vi, en):
    assert fmt.fmt_int(value, "vi") == vi and fmt.fmt_int(value, "en") == en


def test_decimals_thresholds_and_point_changes():
    assert fmt.fmt_number(1234.5, "vi") == "1.234,50" and fmt.fmt_number(1234.5, "en") == "1,234.50"
    assert fmt.fmt_share(0.98, "vi") == "98%" and fmt.fmt_share(0.955, "vi") == "95,5%"
    assert fmt.fmt_share(0.955, "en") == "95.5%"
    assert fmt.fmt_target(">=", 0.98, "vi") == "≥ 98%" and fmt.fmt_target(">", 0.8, "en") == "> 80%"
    assert fmt.fmt_target("any", None, "vi", "có phát sinh") == "có phát sinh"
    assert fmt.fmt_points(0.0144, "vi") == "+1,44" and fmt.fmt_points(-0.3333, "en") == "−33.33"
    assert fmt.fmt_points(0.0, "vi") == "0,00" and fmt.fmt_points(None) == "—"


def test_dates():
    day = dt.date(2024, 4, 5)
    assert fmt.fmt_date_prose(day, "vi") == "05/04/2024" and fmt.fmt_date_prose(day, "en") == "5 April 2024"
    # English dates have one style, in tables as in sentences and the date line.
    assert fmt.fmt_date(day, "vi") == "05/04/2024" and fmt.fmt_date(day, "en") == "5 April 2024"
    assert fmt.fmt_date("2024-12-31", "vi") == "31/12/2024" and fmt.fmt_date(None) == ""
    assert fmt.fmt_datetime(dt.datetime(2024, 4, 5, 9, 7), "vi") == "05/04/2024 09:07"
    assert fmt.fmt_datetime(dt.datetime(2024, 4, 5, 9, 7), "en") == "5 April 2024 09:07"


@pytest.mark.parametrize("day, vi, en", [
    # Nghị định 30/2020: a leading zero for days below 10 and for months 1 and 2 only.
    (dt.date(2024, 4, 5), "ngày 05 tháng 4 năm 2024", "5 April 2024"),
    (dt.date(2024, 2, 19), "ngày 19 tháng 02 năm 2024", "19 February 2024"),
    (dt.date(2024, 1, 9), "ngày 09 tháng 01 năm 2024", "9 January 2024"),
    (dt.date(2024, 12, 31), "ngày 31 tháng 12 năm 2024", "31 December 2024"),
])
def test_dates_in_words(day, vi, en):
    assert fmt.date_words(day, "vi") == vi and fmt.date_words(day, "en") == en
    assert fmt.date_line("Nhà Bè", day, "vi") == f"Nhà Bè, {vi}"
    assert fmt.date_line("", day, "vi") == vi[0].upper() + vi[1:]
    assert fmt.date_line("Nha Be", day, "en") == f"Nha Be, {en}"


def test_month_and_period_labels_for_axes():
    assert fmt.month_label(2024, 3, "vi") == "T3" and fmt.month_label(2023, 12, "vi", True) == "T12/2023"
    assert fmt.month_label(2024, 3, "en") == "Mar" and fmt.month_label(2024, 3, "en", True) == "Mar 2024"
    assert short_label(parse_period("2024-Q3"), False) == "Q3"
    assert short_label(parse_period("2024-Q3")) == "Q3/24"
    assert short_label(parse_period("2024")) == "2024"


# --- the period a report states ---------------------------------------------------------------------

@pytest.mark.parametrize("period, start, end", [
    ("2024-Q1", "15/12/2023", "14/03/2024"),
    ("2024-H1", "15/12/2023", "14/06/2024"),
    ("2024-Q3", "15/06/2024", "14/09/2024"),
    ("2024", "15/12/2023", "14/12/2024"),
])
def test_cut_off_periods(period, start, end):
    got = parse_period(period, "cutoff")
    assert (fmt.fmt_date(got.start), fmt.fmt_date(got.end)) == (start, end)


@pytest.fixture(scope="module")
def cutoff_audit():
    params = resolve(None, period="2024-Q1", convention="cutoff", data=str(SAMPLE))
    return run_audit(params.period_range(), params.data, params.plan_path, params)


def test_a_cut_off_report_states_its_dates_and_convention(cutoff_audit):
    header = report.render(cutoff_audit, "header", "vi", "internal")
    assert "(từ ngày 15/12/2023 đến ngày 14/03/2024, theo kỳ báo cáo CCHC định kỳ" in header
    assert "— Quý I" in header
    english = report.render(cutoff_audit, "header", "en", "internal")
    assert "15 December 2023 to 14 March 2024, by the cut-off of periodic CCHC reports" in english
    # The public report says them on its first screen.
    assert "từ ngày 15/12/2023 đến ngày 14/03/2024" in report.render(cutoff_audit, "overview", "vi", "public")
    for part in ("statistics", "methodology"):  # the appendices state them too
        assert "từ ngày 15/12/2023 đến ngày 14/03/2024" in report.render(cutoff_audit, part, "vi", "public")


def test_cut_off_figures_count_the_cut_off_dates(cutoff_audit):
    """December's second half belongs to the cut-off Q1 and March's second half does not: the
    dossiers counted are exactly those resolved in [15/12/2023, 14/03/2024]."""
    d = cutoff_audit.dossiers
    resolved = d["ngay_co_ket_qua"].between("2023-12-15", "2024-03-14") & ~d["loai_tru"]
    assert cutoff_audit.check("II.1.1.a").denominator == int(resolved.sum())
    calendar = resolve(None, period="2024-Q1", data=str(SAMPLE))
    assert calendar.period_range().start == dt.date(2024, 1, 1)


def test_explicit_dates_are_stated():
    params = resolve(None, start="2024-02-01", end="2024-02-20", data=str(SAMPLE))
    audit = run_audit(params.period_range(), params.data, params.plan_path, params)
    for part, audience in (("header", "internal"), ("overview", "public")):
        assert ("từ ngày 01/02/2024 đến ngày 20/02/2024, theo ngày bắt đầu và kết thúc ghi trong tệp tham số"
                in report.render(audit, part, "vi", audience))


def test_english_report_uses_english_conventions(cutoff_audit):
    html = "".join(report.render(cutoff_audit, p, "en", "internal") for p in ("targets", "statistics"))
    assert re.search(r"\d\.\d\d%", html) and not re.search(r"\d,\d\d%", html)
    assert not re.search(r"\b\d\d/\d\d/\d{4}\b", html)  # no Vietnamese dates in English tables
    assert not re.search(r"\b\d{4}-\d\d-\d\d\b", html)  # nor ISO ones: one style, "5 April 2024"
    assert re.search(r"\b\d{1,2} (January|February|March|April|December) 20\d\d\b", html)
    vi = report.render(cutoff_audit, "targets", "vi", "internal")
    assert re.search(r"\d,\d\d%", vi) and re.search(r"\b\d\d/\d\d/\d{4}\b", vi)
