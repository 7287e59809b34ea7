"""Inspection periods: calendar periods and the cut-off convention of periodic CCHC reports."""

from __future__ import annotations

import calendar as _cal
import datetime as dt
import re
from dataclasses import dataclass

CALENDAR = "calendar"
CUTOFF = "cutoff"  # 15th of the month before the period to the 14th of its last month
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_PATTERN = re.compile(r"^(\d{4})(?:-(H[12]|Q[1-4]|\d{2}))?$", re.IGNORECASE)


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    id: str
    start: dt.date
    end: dt.date
    kind: str  # year, half, quarter, month, custom
    convention: str = CALENDAR

    def label(self, lang: str = "vi") -> str:
        year, part = self.id[:4], self.id[5:]
        if self.kind == "year":
            return f"Year {year}" if lang == "en" else f"Năm {year}"
        if self.kind == "half":
            if lang == "en":
                return f"{'First' if part == 'H1' else 'Second'} half of {year}"
            return f"6 tháng {'đầu' if part == 'H1' else 'cuối'} năm {year}"
        if self.kind == "quarter":
            number = int(part[1])
            return f"Q{number} {year}" if lang == "en" else f"Quý {_ROMAN[number]} năm {year}"
        if self.kind == "month":
            month = int(part)
            return f"{_cal.month_name[month]} {year}" if lang == "en" else f"Tháng {month:02d} năm {year}"
        fmt = "%d/%m/%Y"
        return (f"{self.start:{fmt}} to {self.end:{fmt}}" if lang == "en"
                else f"Từ {self.start:{fmt}} đến {self.end:{fmt}}")

    def to_json(self) -> dict:
        return {"id": self.id, "start": self.start.isoformat(), "end": self.end.isoformat(),
                "kind": self.kind, "convention": self.convention}

    def months(self) -> list[tuple[int, int]]:
        """Calendar months whose last day lies in the period (the months a period reports on)."""
        out = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            last = dt.date(year, month, _cal.monthrange(year, month)[1])
            if self.start <= last <= self.end:
                out.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out


def _month_span(year: int, first: int, last: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, first, 1), dt.date(year, last, _cal.monthrange(year, last)[1])


def parse_period(text: str, convention: str = CALENDAR) -> Period:
    """`2024`, `2024-H1`, `2024-Q1`, `2024-03`, under the calendar or the cut-off convention."""
    match = _PATTERN.match(str(text).strip())
    if not match:
        raise PeriodError(
            f"kỳ \"{text}\" không hợp lệ, cần dạng 2024, 2024-H1, 2024-Q1 hoặc 2024-03 / "
            f"period \"{text}\" is not valid; expected 2024, 2024-H1, 2024-Q1 or 2024-03")
    if convention not in (CALENDAR, CUTOFF):
        raise PeriodError(f"quy ước kỳ \"{convention}\" không hợp lệ (calendar|cutoff) / "
                          f"period convention \"{convention}\" is not valid (calendar|cutoff)")
    year = int(match.group(1))
    part = (match.group(2) or "").upper()
    if not part:
        kind, first, last, pid = "year", 1, 12, f"{year}"
    elif part.startswith("H"):
        half = int(part[1])
        kind, first, last, pid = "half", 6 * half - 5, 6 * half, f"{year}-{part}"
    elif part.startswith("Q"):
        quarter = int(part[1])
        kind, first, last, pid = "quarter", 3 * quarter - 2, 3 * quarter, f"{year}-{part}"
    else:
        month = int(part)
        if not 1 <= month <= 12:
            raise PeriodError(f"tháng \"{part}\" không hợp lệ / month \"{part}\" is not valid")
        kind, first, last, pid = "month", month, month, f"{year}-{month:02d}"
    if convention == CALENDAR:
        start, end = _month_span(year, first, last)
    else:
        before_year, before_month = (year - 1, 12) if first == 1 else (year, first - 1)
        start, end = dt.date(before_year, before_month, 15), dt.date(year, last, 14)
    return Period(pid, start, end, kind, convention)


def explicit_period(start: dt.date, end: dt.date, pid: str | None = None) -> Period:
    if end < start:
        raise PeriodError(f"ngày kết thúc {end:%d/%m/%Y} trước ngày bắt đầu {start:%d/%m/%Y} / "
                          f"end {end} is before start {start}")
    return Period(pid or f"{start.isoformat()}_{end.isoformat()}", start, end, "custom", "explicit")


def year_span(year: int) -> tuple[dt.date, dt.date]:
    """The dates a period of `year` may cover: the calendar year, and under the cut-off convention
    from 15 December of the year before (Quý I/2024 runs from 15/12/2023)."""
    return dt.date(year - 1, 12, 15), dt.date(year, 12, 31)


def in_year(period: Period, year: int) -> bool:
    """Whether `period` is one of `year`'s periods, under either convention: it ends in that year
    and starts no earlier than the cut-off convention's first day."""
    first, last = year_span(year)
    return first <= period.start and period.end <= last and period.end.year == year
