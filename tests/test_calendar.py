"""Working days (DOMAIN.md, "Working days"): every expected date below is counted by hand on the
2024/2025 Vietnamese calendar (Tết 08–14/02/2024; 27/04–01/05/2024 with Monday 29/04 off and
Saturday 04/05 worked; 02–03/09/2024 National Day; 2025: Friday 02/05 off, Saturday 26/04 worked)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from cchc_audit.calendar import WorkingCalendar

D = dt.date


def as_date(value) -> dt.date:
    return pd.Timestamp(value).date()


@pytest.fixture(scope="module")
def cal():
    return WorkingCalendar(2023, 2026)


def add(cal, start: dt.date, n: int) -> dt.date:
    return as_date(cal.add_working_days(np.array([start], dtype="datetime64[D]"), n)[0])


def due(cal, received: dt.date, amount, unit) -> dt.date:
    return as_date(cal.due_dates([received], [amount], [unit])[0])


# --- which days work ------------------------------------------------------------------------------


@pytest.mark.parametrize("day, working", [
    (D(2024, 2, 7), True),    # Wednesday before Tết
    (D(2024, 2, 8), False),   # Tết (29 Tháng Chạp)
    (D(2024, 2, 14), False),  # last day of the Tết break
    (D(2024, 2, 15), True),
    (D(2024, 2, 17), False),  # an ordinary Saturday
    (D(2024, 4, 18), False),  # Giỗ Tổ Hùng Vương (10/3 âm lịch)
    (D(2024, 4, 29), False),  # swapped day off
    (D(2024, 4, 30), False),
    (D(2024, 5, 1), False),
    (D(2024, 5, 4), True),    # make-up Saturday
    (D(2024, 9, 2), False),
    (D(2024, 9, 3), False),
    (D(2024, 9, 4), True),
    (D(2025, 4, 26), True),   # make-up Saturday of 2025 (in the package since a later release)
    (D(2025, 5, 2), False),
])
def test_working_days_follow_the_vietnamese_calendar(cal, day, working):
    assert cal.is_working_day(day) is working


# --- deadlines of N working days -------------------------------------------------------------------


def test_three_working_days_across_tet_2024(cal):
    # Received Wed 07/02; 08–14/02 are Tết, then Thu 15 (1), Fri 16 (2), Mon 19 (3).
    assert add(cal, D(2024, 2, 7), 3) == D(2024, 2, 19)
    assert due(cal, D(2024, 2, 7), 3, "ngay_lam_viec") == D(2024, 2, 19)


def test_three_working_days_across_the_make_up_saturday_of_may_2024(cal):
    # Received Thu 02/05: Fri 03 (1), Sat 04 make-up (2), Mon 06 (3).
    assert add(cal, D(2024, 5, 2), 3) == D(2024, 5, 6)


def test_receipt_day_is_not_counted(cal):
    # Received Mon 04/03/2024: 1 working day -> Tue 05/03.
    assert add(cal, D(2024, 3, 4), 1) == D(2024, 3, 5)
    # Received Fri 08/03/2024: 1 working day -> Mon 11/03.
    assert add(cal, D(2024, 3, 8), 1) == D(2024, 3, 11)


def test_dossier_received_on_a_sunday_counts_from_the_next_working_day(cal):
    # Received Sun 10/03/2024: the first working day after it is Mon 11/03 (day 1).
    assert add(cal, D(2024, 3, 10), 1) == D(2024, 3, 11)
    assert add(cal, D(2024, 3, 10), 3) == D(2024, 3, 13)
    # Received Sat 10/02/2024, in the middle of Tết: Thu 15 (1), Fri 16 (2).
    assert add(cal, D(2024, 2, 10), 2) == D(2024, 2, 16)


def test_received_on_a_public_holiday(cal):
    # Received Tue 30/04/2024 (holiday): Thu 02/05 (1), Fri 03/05 (2), Sat 04/05 (3).
    assert add(cal, D(2024, 4, 30), 3) == D(2024, 5, 4)
    # Received Mon 02/09/2024: 03/09 is also off, Wed 04/09 (1), Thu 05/09 (2).
    assert add(cal, D(2024, 9, 2), 2) == D(2024, 9, 5)


def test_zero_working_days_is_the_day_itself(cal):
    assert add(cal, D(2024, 3, 12), 0) == D(2024, 3, 12)
    assert due(cal, D(2024, 3, 12), 0, "ngay_lam_viec") == D(2024, 3, 12)


def test_deadline_spilling_into_the_next_year(cal):
    # Received Mon 30/12/2024: Tue 31/12 (1), 01/01/2025 is off, Thu 02/01 (2), Fri 03/01 (3).
    assert add(cal, D(2024, 12, 30), 3) == D(2025, 1, 3)


# --- other units ------------------------------------------------------------------------------------


def test_calendar_days_unit(cal):
    # 10 calendar days from Mon 04/03/2024 -> Thu 14/03/2024 (the weekend inside is counted).
    assert due(cal, D(2024, 3, 4), 10, "ngay") == D(2024, 3, 14)
    # Across Tết, calendar days ignore the holiday: 7 days from Wed 07/02 -> Wed 14/02.
    assert due(cal, D(2024, 2, 7), 7, "ngay") == D(2024, 2, 14)


def test_months_unit(cal):
    assert due(cal, D(2024, 1, 15), 2, "thang") == D(2024, 3, 15)
    # No 31 February: the period ends on the month's last day (Bộ luật Dân sự 2015, Điều 147).
    assert due(cal, D(2024, 1, 31), 1, "thang") == D(2024, 2, 29)
    assert due(cal, D(2023, 1, 31), 1, "thang") == D(2023, 2, 28)


def test_unit_defaults_to_working_days(cal):
    assert due(cal, D(2024, 2, 7), 3, None) == D(2024, 2, 19)


def test_unknown_processing_time_gives_no_deadline(cal):
    out = cal.due_dates([D(2024, 2, 7)], [None], ["ngay_lam_viec"])
    assert pd.isna(out[0])


# --- params overrides ----------------------------------------------------------------------------


def test_the_2025_swap_given_in_params():
    # Friday 02/05/2025 off, Saturday 26/04/2025 worked (whether or not the package knows it).
    cal = WorkingCalendar(2024, 2026, extra_days_off=(D(2025, 5, 2),), extra_working_days=(D(2025, 4, 26),))
    assert cal.is_working_day(D(2025, 4, 26)) is True
    assert cal.is_working_day(D(2025, 5, 2)) is False
    # Received Fri 25/04/2025: Sat 26/04 (1), Mon 28/04 (2), Tue 29/04 (3).
    assert add(cal, D(2025, 4, 25), 3) == D(2025, 4, 29)
    # Received Tue 29/04/2025: 30/04, 01/05 holidays, 02/05 swapped off, Mon 05/05 (1).
    assert add(cal, D(2025, 4, 29), 1) == D(2025, 5, 5)


def test_overrides_change_the_calendar():
    # A swap the package cannot know: Wed 13/03/2024 off, Sat 16/03/2024 worked.
    plain = WorkingCalendar(2023, 2025)
    swapped = WorkingCalendar(2023, 2025, extra_days_off=(D(2024, 3, 13),),
                              extra_working_days=(D(2024, 3, 16),))
    assert plain.is_working_day(D(2024, 3, 13)) and not swapped.is_working_day(D(2024, 3, 13))
    assert not plain.is_working_day(D(2024, 3, 16)) and swapped.is_working_day(D(2024, 3, 16))
    # Received Tue 12/03, 2 working days: plain Wed 13, Thu 14; swapped Thu 14, Fri 15.
    assert add(plain, D(2024, 3, 12), 2) == D(2024, 3, 14)
    assert add(swapped, D(2024, 3, 12), 2) == D(2024, 3, 15)
    # Received Thu 14/03, 2 working days: plain Fri 15, Mon 18; swapped Fri 15, Sat 16.
    assert add(plain, D(2024, 3, 14), 2) == D(2024, 3, 18)
    assert add(swapped, D(2024, 3, 14), 2) == D(2024, 3, 16)


# --- vectorised --------------------------------------------------------------------------------------


def test_due_dates_vectorised_with_mixed_units(cal):
    received = [D(2024, 2, 7), D(2024, 5, 2), D(2024, 3, 10), D(2024, 3, 4), D(2024, 1, 31), None,
                D(2024, 3, 12)]
    amount = [3, 3, 1, 10, 1, 3, None]
    unit = ["ngay_lam_viec", "ngay_lam_viec", "ngay_lam_viec", "ngay", "thang", "ngay_lam_viec",
            "ngay_lam_viec"]
    out = [None if pd.isna(v) else as_date(v) for v in cal.due_dates(received, amount, unit)]
    assert out == [D(2024, 2, 19), D(2024, 5, 6), D(2024, 3, 11), D(2024, 3, 14), D(2024, 2, 29), None, None]


def test_many_dates_at_once_agree_with_counting_day_by_day(cal):
    import holidays

    vn = holidays.country_holidays("VN", years=range(2023, 2027))

    def by_hand(start: dt.date, n: int) -> dt.date:
        day, counted = start, 0
        while counted < n:
            day += dt.timedelta(days=1)
            if vn.is_working_day(day):
                counted += 1
        return day

    starts = pd.date_range("2024-01-01", "2024-12-31").date  # every day of 2024, weekends included
    for n in (1, 3, 5, 15):
        got = cal.add_working_days(np.array(starts, dtype="datetime64[D]"), n)
        expected = np.array([by_hand(s, n) for s in starts], dtype="datetime64[D]")
        assert (got.astype("datetime64[D]") == expected).all(), n


def test_vectorised_over_a_large_register_is_fast(cal):
    import time

    starts = np.repeat(np.array(pd.date_range("2024-01-01", "2024-12-31").date, dtype="datetime64[D]"), 300)
    begin = time.perf_counter()
    out = cal.due_dates(starts, np.full(len(starts), 3), np.full(len(starts), "ngay_lam_viec", dtype=object))
    assert time.perf_counter() - begin < 5
    assert len(out) == len(starts) == 366 * 300
    assert as_date(out[starts == np.datetime64("2024-02-07")][0]) == D(2024, 2, 19)


# --- array forms used by the sample generator ---------------------------------------------------------


def days(*values) -> np.ndarray:
    return np.array(values, dtype="datetime64[D]")


def dates(values) -> list[dt.date]:
    return [as_date(v) for v in values]


def test_are_working_days_agrees_with_is_working_day(cal):
    every_day = np.array(pd.date_range("2023-01-01", "2026-12-31").date, dtype="datetime64[D]")
    got = cal.are_working_days(every_day)
    assert got.dtype == bool and got.shape == every_day.shape
    assert got.tolist() == [cal.is_working_day(d) for d in every_day.astype(object)]
    # Tết 2024, the make-up Saturday of May 2024, National Day.
    assert cal.are_working_days(days("2024-02-07", "2024-02-08", "2024-05-04", "2024-09-02")).tolist() == [
        True, False, True, False]


def test_days_of_year(cal):
    assert len(cal.days_of_year(2024)) == 366 and len(cal.days_of_year(2023)) == 365
    assert dates(cal.days_of_year(2024)[[0, -1]]) == [D(2024, 1, 1), D(2024, 12, 31)]
    with pytest.raises(ValueError):
        cal.days_of_year(2030)


def test_working_days_between_counts_after_the_start_up_to_the_end(cal):
    # Wed 07/02/2024 -> Mon 19/02/2024: Thu 15, Fri 16, Mon 19 (Tết and the weekend not counted).
    assert cal.working_days_between(days("2024-02-07"), days("2024-02-19")).tolist() == [3]
    # The start is not counted, the end is; a day off at either end counts nothing.
    assert cal.working_days_between(days("2024-03-04", "2024-03-09", "2024-03-04"),
                                    days("2024-03-05", "2024-03-10", "2024-03-04")).tolist() == [1, 0, 0]
    # The working days of March 2024 (21: no holiday): from the last day of February to the last of March.
    assert int(cal.working_days_between(np.datetime64("2024-02-29"), np.datetime64("2024-03-31"))) == 21
    # The inverse of add_working_days for any start.
    starts = np.array(pd.date_range("2024-01-01", "2024-12-31").date, dtype="datetime64[D]")
    assert (cal.working_days_between(starts, cal.add_working_days(starts, 5)) == 5).all()


def test_working_day_before(cal):
    # Strictly before: a Monday gives the Friday; the day after Tết gives the day before it.
    assert dates(cal.working_day_before(days("2024-03-11", "2024-02-15", "2024-03-13", "2024-05-06"))) == [
        D(2024, 3, 8), D(2024, 2, 7), D(2024, 3, 12), D(2024, 5, 4)]  # 04/05/2024: a make-up Saturday


def test_working_day_on_or_after(cal):
    # A working day is itself; a day off moves to the next working day.
    assert dates(cal.working_day_on_or_after(days("2024-03-12", "2024-03-09", "2024-02-10", "2024-04-30"))) == [
        D(2024, 3, 12), D(2024, 3, 11), D(2024, 2, 15), D(2024, 5, 2)]


def test_array_forms_refuse_dates_outside_the_calendar(cal):
    outside = days("2022-12-31")
    for method in (cal.are_working_days, cal.working_day_before, cal.working_day_on_or_after):
        with pytest.raises(ValueError):
            method(outside)
        with pytest.raises(ValueError):
            method(days("NaT"))
    with pytest.raises(ValueError):
        cal.working_days_between(outside, days("2024-01-05"))
    # 01/01/2023 is a day off: nothing in the calendar comes before it.
    with pytest.raises(ValueError):
        cal.working_day_before(days("2023-01-02"))
