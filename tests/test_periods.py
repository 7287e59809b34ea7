"""Periods (DOMAIN.md, "Periods and statuses"; REPORT-FORM.md, the cut-off convention)."""

from __future__ import annotations

import datetime as dt

import pytest

from cchc_audit.periods import parse_period

D = dt.date


@pytest.mark.parametrize("text, start, end, kind", [
    ("2024", D(2024, 1, 1), D(2024, 12, 31), "year"),
    ("2024-H1", D(2024, 1, 1), D(2024, 6, 30), "half"),
    ("2024-H2", D(2024, 7, 1), D(2024, 12, 31), "half"),
    ("2024-Q1", D(2024, 1, 1), D(2024, 3, 31), "quarter"),
    ("2024-Q2", D(2024, 4, 1), D(2024, 6, 30), "quarter"),
    ("2024-Q3", D(2024, 7, 1), D(2024, 9, 30), "quarter"),
    ("2024-Q4", D(2024, 10, 1), D(2024, 12, 31), "quarter"),
    ("2024-03", D(2024, 3, 1), D(2024, 3, 31), "month"),
    ("2024-04", D(2024, 4, 1), D(2024, 4, 30), "month"),
    ("2024-12", D(2024, 12, 1), D(2024, 12, 31), "month"),
    ("2024-02", D(2024, 2, 1), D(2024, 2, 29), "month"),  # leap year
    ("2023-02", D(2023, 2, 1), D(2023, 2, 28), "month"),
    ("2100-02", D(2100, 2, 1), D(2100, 2, 28), "month"),  # divisible by 100, not by 400: not leap
    ("2000-02", D(2000, 2, 1), D(2000, 2, 29), "month"),
])
def test_calendar_periods(text, start, end, kind):
    period = parse_period(text)
    assert (period.start, period.end, period.kind) == (start, end, kind)
    assert period.id == text


@pytest.mark.parametrize("text, start, end", [
    ("2024-Q1", D(2023, 12, 15), D(2024, 3, 14)),
    ("2024-Q2", D(2024, 3, 15), D(2024, 6, 14)),
    ("2024-Q3", D(2024, 6, 15), D(2024, 9, 14)),
    ("2024-Q4", D(2024, 9, 15), D(2024, 12, 14)),
    ("2024-H1", D(2023, 12, 15), D(2024, 6, 14)),
    ("2024-H2", D(2024, 6, 15), D(2024, 12, 14)),
    ("2024", D(2023, 12, 15), D(2024, 12, 14)),
    ("2024-03", D(2024, 2, 15), D(2024, 3, 14)),
    ("2024-01", D(2023, 12, 15), D(2024, 1, 14)),
])
def test_cutoff_convention(text, start, end):
    period = parse_period(text, convention="cutoff")
    assert (period.start, period.end) == (start, end)


def test_cutoff_quarters_tile_the_year_without_gap_or_overlap():
    quarters = [parse_period(f"2024-Q{q}", convention="cutoff") for q in (1, 2, 3, 4)]
    for before, after in zip(quarters, quarters[1:]):
        assert after.start - before.end == dt.timedelta(days=1)
    year = parse_period("2024", convention="cutoff")
    assert (quarters[0].start, quarters[-1].end) == (year.start, year.end)


@pytest.mark.parametrize("text", [
    "", "2024-Q5", "2024-Q0", "2024-H3", "2024-13", "2024-00", "24-Q1", "Q1-2024", "2024Q1", "2024-",
    "2024-1-1", "năm 2024", "abcd", "2024-Q1-extra",
])
def test_invalid_period_strings_are_rejected(text):
    with pytest.raises(ValueError):
        parse_period(text)


def test_unknown_convention_is_rejected():
    with pytest.raises(ValueError):
        parse_period("2024-Q1", convention="fiscal")


def test_explicit_dates():
    from cchc_audit.periods import explicit_period

    period = explicit_period(D(2024, 2, 15), D(2024, 5, 14))
    assert (period.start, period.end) == (D(2024, 2, 15), D(2024, 5, 14))
    with pytest.raises(ValueError):
        explicit_period(D(2024, 5, 14), D(2024, 2, 15))


def test_explicit_dates_from_params_drive_the_audit(tmp_path):
    from unitdata import audit, make_unit

    from cchc_audit.params import Params

    folder = make_unit(tmp_path / "unit", {"van_ban": [
        {"so_ky_hieu": "01", "ngay": "14/02/2024", "dien_tu": "x"},  # the day before the start: out
        {"so_ky_hieu": "02", "ngay": "15/02/2024", "dien_tu": "x"},  # first day: in
        {"so_ky_hieu": "03", "ngay": "14/05/2024", "dien_tu": ""},   # last day: in
        {"so_ky_hieu": "04", "ngay": "15/05/2024", "dien_tu": "x"},  # the day after: out
    ]})
    params = Params(period="dot-1", data=folder, start=D(2024, 2, 15), end=D(2024, 5, 14))
    result = audit(folder, period="dot-1", params=params)
    assert (result.period.start, result.period.end) == (D(2024, 2, 15), D(2024, 5, 14))
    check = result.check("II.6.1")
    assert (check.numerator, check.denominator) == (1, 2)
