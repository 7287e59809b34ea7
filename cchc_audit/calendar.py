"""The working-day calendar (ngày làm việc) from the `holidays` package, with params overrides.

Deadlines are computed by array look-up: the sorted array of working days is searched once per
register, never day by day per dossier.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

import numpy as np
import pandas as pd

from .errors import InputError
from .i18n import text

WORKING_DAYS, CALENDAR_DAYS, MONTHS = "ngay_lam_viec", "ngay", "thang"
_OUTSIDE = "calendar.outside"  # a ValueError, as bad dates are


# Kept per process: a batch's worker audits unit after unit over the same years, and the
# holidays package works each year out again for every calendar object it is asked for. Both are
# functions of the years alone (and of the installed package). Kept between runs too, in the
# user's cache (usercache.py), under the holidays package's version: importing its countries and
# working the years out is a tenth of a second and more of a single run.

@lru_cache(maxsize=1)
def holidays_version() -> str:
    """The installed holidays package's version, without importing it. Read once per process,
    as the calendars kept per process (`_vn_working_days`) are: the version a run reports is the
    one its calendars were worked out with."""
    from importlib.metadata import version

    return version("holidays")


def _kept(name: str, compute, encode, decode):
    """`compute()`, kept in the user's cache under `name` and the holidays package's version."""
    from . import usercache

    return usercache.kept("calendars", f"{name}-{usercache.key(holidays_version())}", compute, encode, decode)


@lru_cache(maxsize=32)
def _vn_working_days(first_year: int, last_year: int) -> tuple[np.ndarray, np.ndarray]:
    """Every day of the years and whether it is a working day in Việt Nam, read-only."""
    days = np.arange(np.datetime64(f"{first_year}-01-01", "D"), np.datetime64(f"{last_year + 1}-01-01", "D"))

    def compute() -> np.ndarray:
        import holidays

        calendar = holidays.country_holidays("VN", years=range(first_year, last_year + 1))
        return np.fromiter((calendar.is_working_day(d) for d in days.astype(object)), dtype=bool, count=len(days))

    def decode(data: bytes) -> np.ndarray:
        if len(data) != (len(days) + 7) // 8:
            raise ValueError("not this span's calendar")
        return np.unpackbits(np.frombuffer(data, dtype=np.uint8), count=len(days)).astype(bool)

    working = _kept(f"working-{first_year}-{last_year}", compute, lambda w: np.packbits(w).tobytes(), decode)
    days.setflags(write=False)
    working.setflags(write=False)
    return days, working


@lru_cache(maxsize=32)
def _vn_holiday_names(first_year: int, last_year: int, language: str) -> MappingProxyType:
    """The public holidays of the years, date -> name in `language`, read-only."""
    import json

    def compute() -> dict:
        import holidays

        return dict(holidays.country_holidays("VN", years=range(first_year, last_year + 1), language=language).items())

    def encode(names: dict) -> bytes:
        return json.dumps({d.isoformat(): name for d, name in names.items()}, ensure_ascii=False).encode()

    def decode(data: bytes) -> dict:
        return {dt.date.fromisoformat(d): str(name) for d, name in json.loads(data).items()}

    return MappingProxyType(_kept(f"names-{first_year}-{last_year}-{language}", compute, encode, decode))


def warm(spans) -> None:
    """Compute, ahead of the first audit, the calendars of `spans` ((first year, last year) each,
    as `WorkingCalendar.covering` asks for them: a year before the registers' first date to two
    after their last) and the holiday names of their years."""
    for first, last in spans:
        _vn_working_days(first, last)
        for year in range(first, last + 1):
            for language in ("vi", "en_US"):
                _vn_holiday_names(year, year, language)


@dataclass
class WorkingCalendar:
    first_year: int
    last_year: int
    extra_days_off: tuple[dt.date, ...] = ()
    extra_working_days: tuple[dt.date, ...] = ()
    days: np.ndarray = field(init=False, repr=False)  # every day of the span, datetime64[D]
    working: np.ndarray = field(init=False, repr=False)  # bool per day
    workdays: np.ndarray = field(init=False, repr=False)  # the working days, sorted

    def __post_init__(self):
        self.days, working = _vn_working_days(self.first_year, self.last_year)
        self.working = working.copy()  # the process's copy stays as the holidays package gives it
        off = np.array(self.extra_days_off, dtype="datetime64[D]")
        on = np.array(self.extra_working_days, dtype="datetime64[D]")
        self.working[np.isin(self.days, off)] = False
        self.working[np.isin(self.days, on)] = True
        self.workdays = self.days[self.working]

    @classmethod
    def covering(cls, dates, extra_days_off=(), extra_working_days=(), spare_years: int = 2):
        """A calendar spanning every date given (plus spare years for deadlines that spill over)."""
        years = [d.year for d in dates if d is not None and not pd.isna(d)]
        years += [d.year for d in (*extra_days_off, *extra_working_days)]
        first = min(years) if years else dt.date.today().year
        last = max(years) if years else first
        return cls(first - 1, last + spare_years, tuple(extra_days_off), tuple(extra_working_days))

    @property
    def package_version(self) -> str:
        return holidays_version()

    def is_working_day(self, day: dt.date) -> bool:
        index = (np.datetime64(day, "D") - self.days[0]).astype(int)
        return bool(self.working[index])

    # Array forms for many dates at once (the sample generator draws whole registers with them).
    # A date outside the calendar, or NaT, is an error rather than a silent wrap-around.

    def _inside(self, dates) -> np.ndarray:
        dates = np.asarray(dates, dtype="datetime64[D]")
        if not ((dates >= self.days[0]) & (dates <= self.days[-1])).all():
            raise InputError(_OUTSIDE)
        return dates

    def are_working_days(self, dates) -> np.ndarray:
        """`is_working_day` of each date: a bool array of the same shape."""
        return self.working[(self._inside(dates) - self.days[0]).astype(np.int64)]

    def days_of_year(self, year: int) -> np.ndarray:
        """Every day of `year`, datetime64[D]."""
        first, last = self._inside([f"{year}-01-01", f"{year}-12-31"])
        return self.days[(self.days >= first) & (self.days <= last)]

    def working_days_between(self, start, end) -> np.ndarray:
        """The number of working days d with start < d <= end, for each pair (the start is not
        counted, as in `add_working_days`)."""
        return (np.searchsorted(self.workdays, self._inside(end), side="right")
                - np.searchsorted(self.workdays, self._inside(start), side="right"))

    def working_day_before(self, dates) -> np.ndarray:
        """The last working day strictly before each date."""
        index = np.searchsorted(self.workdays, self._inside(dates), side="left") - 1
        if (index < 0).any():
            raise InputError(_OUTSIDE)
        return self.workdays[index]

    def working_day_on_or_after(self, dates) -> np.ndarray:
        """Each date if it is a working day, else the next working day."""
        index = np.searchsorted(self.workdays, self._inside(dates), side="left")
        if (index >= len(self.workdays)).any():
            raise InputError(_OUTSIDE)
        return self.workdays[index]

    def add_working_days(self, start, n) -> np.ndarray:
        """The n-th working day after each start date (the start itself not counted; n = 0 gives
        the start). A start on a day off counts from the next working day."""
        start = np.asarray(start, dtype="datetime64[D]")
        n = np.broadcast_to(np.asarray(n, dtype=np.int64), start.shape)
        valid = ~np.isnat(start)
        counted = np.searchsorted(self.workdays, start, side="right")  # working days <= start
        position = counted + n - 1
        if valid.any() and ((start[valid] < self.days[0]).any()
                            or (position[valid] >= len(self.workdays)).any()):
            raise InputError(_OUTSIDE)
        result = self.workdays[np.clip(position, 0, len(self.workdays) - 1)]
        result = np.where(n == 0, start, result)
        return np.where(valid, result, np.datetime64("NaT"))

    def due_dates(self, received, amount, unit) -> np.ndarray:
        """Deadline of each dossier from its procedure's processing time and unit."""
        received = pd.to_datetime(pd.Series(received)).to_numpy(dtype="datetime64[D]")
        amount = pd.Series(amount, dtype="Int64")
        unit = pd.Series(unit, dtype="string").fillna(WORKING_DAYS).to_numpy(dtype=object)
        known = amount.notna().to_numpy() & ~np.isnat(received)
        n = amount.fillna(0).to_numpy(dtype=np.int64)
        due = np.full(received.shape, np.datetime64("NaT"), dtype="datetime64[D]")
        mask = known & (unit == WORKING_DAYS)
        if mask.any():
            due[mask] = self.add_working_days(received[mask], n[mask])
        mask = known & (unit == CALENDAR_DAYS)
        due[mask] = received[mask] + n[mask].astype("timedelta64[D]")
        mask = known & (unit == MONTHS)
        for months in np.unique(n[mask]):  # one vector operation per distinct length
            rows = mask & (n == months)
            shifted = pd.DatetimeIndex(received[rows]) + pd.DateOffset(months=int(months))
            due[rows] = shifted.to_numpy(dtype="datetime64[D]")
        return due

    def days_off_between(self, start: dt.date, end: dt.date, lang: str = "vi") -> list[tuple[dt.date, str]]:
        """Weekdays off and the holiday names in [start, end], for the methodology section."""
        names = _vn_holiday_names(start.year, end.year, "en_US" if lang == "en" else "vi")
        fallback = text("calendar.params_day_off", lang)
        return [(day, names.get(day) or fallback) for day in self._days_between(start, end, weekend=False, working=False)]

    def weekend_working_days_between(self, start: dt.date, end: dt.date) -> list[dt.date]:
        return self._days_between(start, end, weekend=True, working=True)

    def _days_between(self, start: dt.date, end: dt.date, weekend: bool, working: bool) -> list[dt.date]:
        """The days of [start, end] on a weekend (or on a weekday) that are working days (or days
        off), as dates: in numpy, looked up as `is_working_day` looks a day up."""
        days = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1)
        weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday (3)
        is_working = self.working[(days - self.days[0]).astype(int)]
        return days[((weekday >= 5) == weekend) & (is_working == working)].astype(object).tolist()
