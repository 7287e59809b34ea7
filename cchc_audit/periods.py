"""Inspection periods: calendar periods and the cut-off convention of periodic CCHC reports."""

from __future__ import annotations

import calendar as _cal
import datetime as dt
import re
from dataclasses import dataclass

from .errors import PeriodError
from .i18n import text

CALENDAR = "calendar"
CUTOFF = "cutoff"  # 15th of the month before the period to the 14th of its last month
_PATTERN = re.compile(r"^(\d{4})(?:-(H[12]|Q[1-4]|\d{2}))?(-cutoff)?$", re.IGNORECASE)
# A cut-off period's id says so: `2024-Q1-cutoff` is not `2024-Q1`, and is archived apart from it.
CUTOFF_SUFFIX = "-cutoff"
YEARS = (1900, 2100)  # as for register dates: a year outside is a typing slip


@dataclass(frozen=True)
class Period:
    id: str
    start: dt.date
    end: dt.date
    kind: str  # year, half, quarter, month, custom
    convention: str = CALENDAR

    def label(self, lang: str = "vi") -> str:
        """`Quý I năm 2024` / `Q1 2024`: the catalog's `period.<kind>[.<part>]`."""
        year = self.id[:4]
        if self.kind == "year":
            return text("period.year", lang, year=year)
        if self.kind in ("half", "quarter", "month"):
            return text(f"period.{self.kind}.{self.part}", lang, year=year)
        return text("period.range", lang, start=self.start, end=self.end)

    @property
    def part(self) -> str:
        """`Q1`, `H2`, `03` or "" (a year) of a named period's id, without the convention."""
        return self.id[5:].removesuffix(CUTOFF_SUFFIX).removeprefix("cutoff")

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
        raise PeriodError("period.invalid", text=text)
    if match.group(3):  # the id of a cut-off period names its convention
        convention = CUTOFF
    if convention not in (CALENDAR, CUTOFF):
        raise PeriodError("period.bad_convention", convention=convention)
    year = int(match.group(1))
    if not YEARS[0] <= year <= YEARS[1]:
        raise PeriodError("period.year_outside", year=year, text=text, first=YEARS[0], last=YEARS[1])
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
            raise PeriodError("period.bad_month", part=part)
        kind, first, last, pid = "month", month, month, f"{year}-{month:02d}"
    if convention == CALENDAR:
        start, end = _month_span(year, first, last)
    else:
        pid += CUTOFF_SUFFIX
        before_year, before_month = (year - 1, 12) if first == 1 else (year, first - 1)
        start, end = dt.date(before_year, before_month, 15), dt.date(year, last, 14)
    return Period(pid, start, end, kind, convention)


def range_period(start: dt.date, end: dt.date, text: str | None = None) -> Period:
    """The period of an explicit `start`..`end`. When `text` names a period (calendar or cut-off)
    it must be this very range, and the period is that one; a range that contradicts it raises
    PeriodError (a 2023 audit is never archived as `2024-Q1`). Otherwise the range is its own
    period, its id the dates themselves (a free label such as `dot-1` does not become an id)."""
    if end < start:
        return explicit_period(start, end)  # raises
    for year in (start.year, end.year):
        if not YEARS[0] <= year <= YEARS[1]:
            raise PeriodError("period.range_year_outside", year=year, first=YEARS[0], last=YEARS[1])
    if text is None or not _PATTERN.match(str(text).strip()):
        return explicit_period(start, end)
    named = [parse_period(text, convention) for convention in (CALENDAR, CUTOFF)]
    for period in named:
        if (period.start, period.end) == (start, end):
            return period
    shown = named[1] if text.strip().lower().endswith(CUTOFF_SUFFIX) else named[0]
    raise PeriodError("period.contradicts", text=text, period_start=shown.start, period_end=shown.end,
                      start=start, end=end)


def explicit_period(start: dt.date, end: dt.date, pid: str | None = None) -> Period:
    if end < start:
        raise PeriodError("period.end_before_start", end=end, start=start)
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
