"""Array helpers shared by the register generators: the date dtype, per-row strings, quotas, and
days drawn from the working-day calendar."""

from __future__ import annotations

import math

import numpy as np
from numpy.dtypes import StringDType

from ..calendar import WorkingCalendar

DAY = "datetime64[D]"
NAT = np.datetime64("NaT", "D")
# Per-row strings are built with numpy's variable-width strings (C loops): a million dossiers' codes,
# names, phones and ID numbers take about a second.
STR = StringDType()


def month_of(dates) -> np.ndarray:
    """The month (1-12) of each date."""
    return np.asarray(dates, dtype=DAY).astype("datetime64[M]").astype(np.int64) % 12 + 1


def quarter_of(dates) -> np.ndarray:
    """The calendar quarter (1-4) of each date."""
    return (month_of(dates) - 1) // 3 + 1


def sample_days(rng, cal: WorkingCalendar, year: int, size: int, month_weights, offday_weight: float, until=None):
    """`size` dates of `year` (up to `until`), weighted by month, non-working days down-weighted."""
    days = cal.days_of_year(year)
    w = np.asarray(month_weights, float)[month_of(days) - 1] * np.where(cal.are_working_days(days), 1.0, offday_weight)
    if until is not None:
        w = np.where(days <= until, w, 0.0)
    return rng.choice(days, size=size, p=w / w.sum())


def quota(rng, candidates: np.ndarray, share: float, *, low: int = 0, high: int | None = None) -> np.ndarray:
    """A random subset of `candidates` holding round(share * n) of them, kept within [low, high]:
    exact shares per period, so a miss or a pass does not depend on luck."""
    n = len(candidates)
    k = min(max(round(share * n), low), n if high is None else high, n)
    return rng.choice(candidates, size=max(k, 0), replace=False)


def at_least(share: float, n: int) -> int:
    """The fewest of n items that make a ratio >= share."""
    return math.ceil(share * n - 1e-9)


def at_most_below(share: float, n: int) -> int:
    """The most of n items that keep a ratio < share."""
    return at_least(share, n) - 1


def pick(rng, table, size):
    """`size` values drawn from a table of (value, weight) pairs."""
    values = np.array([v for v, _ in table])
    weights = np.array([w for _, w in table], float)
    return values[rng.choice(len(values), size=size, p=weights / weights.sum())]


def concat_strings(*parts) -> np.ndarray:
    """The parts (arrays or scalars) joined element by element."""
    out = np.asarray(parts[0]).astype(STR)
    for part in parts[1:]:
        out = np.strings.add(out, np.asarray(part).astype(STR))
    return out


def zero_padded(values, width: int) -> np.ndarray:
    """Integers as text, zero-padded to `width` digits."""
    return np.strings.zfill(np.asarray(values, dtype=np.int64).astype(STR), width)


def numbered_codes(prefix: str, n: int, width: int = 4) -> np.ndarray:
    """`prefix` followed by 1..n, zero-padded (wider when n needs it)."""
    return concat_strings(prefix, zero_padded(np.arange(1, n + 1), max(width, len(str(n)))))
