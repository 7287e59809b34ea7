"""What a check is: a named function from the audit context to a `Measure`.

The plan file says which function measures a target and with which comparator; the runner
(`checks/__init__.py`) turns a Measure into a `CheckResult` with its status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from ..calendar import WorkingCalendar
from ..periods import Period
from ..results import Note
from .dossiers import prepare_dossiers

REGISTRY: dict[str, Callable[..., Measure]] = {}


def check(name: str):
    """Register a check function under the name the plan file uses."""

    def register(function):
        REGISTRY[name] = function
        return function

    return register


@dataclass
class Measure:
    numerator: int
    denominator: int
    items: pd.DataFrame | None = None  # the rows behind the figure, `ly_do` = reason code
    notes: list[Note] = field(default_factory=list)
    parts: list[dict] = field(default_factory=list)
    extra: dict = field(default_factory=dict)


@dataclass
class Context:
    period: Period
    registers: dict[str, pd.DataFrame]
    calendar: WorkingCalendar
    params: dict = field(default_factory=dict)
    memo: dict = field(default_factory=dict, repr=False)  # what several checks share, computed once

    @property
    def start(self) -> np.datetime64:
        return np.datetime64(self.period.start, "ns")

    @property
    def end(self) -> np.datetime64:
        return np.datetime64(self.period.end, "ns")

    def in_period(self, dates: pd.Series) -> pd.Series:
        values = _naive_dates(dates)
        if values is None:
            return dates.notna() & (dates >= self.start) & (dates <= self.end)
        # In numpy for plain dates, in the column's own unit (NaT compares false): five Series
        # steps cost more than the check.
        start, end = self.start.astype(values.dtype), self.end.astype(values.dtype)
        return pd.Series((values >= start) & (values <= end), index=dates.index, name=dates.name)

    def by_end(self, dates: pd.Series) -> pd.Series:
        """Dated on or before the end of the period."""
        values = _naive_dates(dates)
        if values is None:
            return dates.notna() & (dates <= self.end)
        return pd.Series(values <= self.end.astype(values.dtype), index=dates.index, name=dates.name)

    @cached_property
    def dossiers(self) -> pd.DataFrame:
        return prepare_dossiers(self)

    def items_at_end(self, frame: pd.DataFrame, mask, columns: list[str], reason: str | pd.Series) -> pd.DataFrame:
        """`items(frame, mask, columns, reason, until=self.end)`, the dates blanked once per frame
        and audit rather than once per list (blanking, then taking rows, gives the same cells)."""
        key = ("at_end", id(frame))
        kept = self.memo.get(key)
        if kept is None or kept[0] is not frame:  # the frame itself is kept, so its id is not reused
            kept = self.memo[key] = (frame, as_at(frame, self.end))
        return items(kept[1], mask, columns, reason)


def _naive_dates(dates: pd.Series) -> np.ndarray | None:
    """The values of a plain (zone-less) date column, None for any other."""
    dtype = dates.dtype
    return dates.to_numpy() if isinstance(dtype, np.dtype) and dtype.kind == "M" else None


def items(frame: pd.DataFrame, mask, columns: list[str], reason: str | pd.Series,
          until: np.datetime64 | None = None) -> pd.DataFrame:
    """The rows behind a figure, with a reason code, as one tidy table indexed by Excel row.

    With `until` (the period's end), event dates after it (`ngay_...`: a result, an apology, an
    answer recorded later) are blanked: the list shows the register as it stood at the end."""
    # Columns first, then rows by position: the same frame as .loc[mask, columns], for less. A
    # frame of its own already (pandas copies on write): no copy of it is needed.
    selected = frame[[c for c in columns if c in frame.columns]].iloc[np.flatnonzero(np.asarray(mask, dtype=bool))]
    if until is not None:
        selected = as_at(selected, until)
    # A plain string column: the code (codes.Reason is a StrEnum), as results.json writes it.
    if isinstance(reason, str):
        selected["ly_do"] = str(reason)
    else:  # per row of the register, or already of the rows selected (`reason_where`)
        selected["ly_do"] = reason if len(reason) == len(selected) else reason[np.asarray(mask, dtype=bool)]
    return selected


def as_at(frame: pd.DataFrame, until: np.datetime64) -> pd.DataFrame:
    """`frame` with its event dates after `until` blanked (`ngay_...` columns), a new frame."""
    out = frame.copy(deep=False)  # pandas copies on write: the columns set here are out's alone
    for column in out.columns:
        if not column.startswith("ngay_"):
            continue
        dtype = out[column].dtype
        if isinstance(dtype, np.dtype) and dtype.kind == "M":
            # In numpy, in the column's own unit: Series.where on dates cost more than the
            # rest of the list. NaT compares false, so it stays NaT.
            values = out[column].to_numpy()
            out[column] = np.where(values <= until.astype(dtype), values, np.datetime64("NaT"))
        elif pd.api.types.is_datetime64_any_dtype(dtype):
            out[column] = out[column].where(out[column] <= until)
    return out


def reason_where(frame: pd.DataFrame, mask, condition, yes: str, no: str) -> pd.Series:
    """The reason of each row `mask` selects: `yes` where `condition`, else `no`; a Series over
    those rows alone (for `items`), so that the words are not written out for every dossier."""
    mask = np.asarray(mask, dtype=bool)
    return pd.Series(np.where(np.asarray(condition)[mask], yes, no), index=frame.index[mask])


def concat(*frames: pd.DataFrame) -> pd.DataFrame:
    frames = [f for f in frames if f is not None and not f.empty]
    if not frames:
        return pd.DataFrame(columns=["ly_do"])
    return pd.concat(frames).sort_index(kind="stable")


def as_date(value: np.datetime64) -> dt.date:
    return pd.Timestamp(value).date()
