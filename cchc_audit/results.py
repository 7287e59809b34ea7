"""Results as plain records that serialize to JSON."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from .codes import Status
from .i18n import text

STATUSES = tuple(Status)


def status_label(status: str, lang: str = "vi") -> str:
    return text(f"status.{Status(status)}", lang)


def compare(numerator: int, denominator: int, comparator: str, target: float | None) -> bool:
    """Exact rational comparison, so 49/50 against 98% is met and never lost to float error. The
    comparators are the plan's (plan.COMPARATORS)."""
    if comparator == "any":
        return numerator >= 1
    ratio = Fraction(numerator, denominator)
    threshold = Fraction(str(target))
    if comparator == ">=":
        return ratio >= threshold
    if comparator == ">":
        return ratio > threshold
    raise ValueError(f"unknown comparator {comparator!r}")


@dataclass
class Note:
    """A bilingual remark attached to a result (a finding that is not a failure, a waiver...)."""

    vi: str
    en: str

    @classmethod
    def of(cls, key: str, **values) -> Note:
        """The catalog's message `key` in both languages (results.json keeps both texts)."""
        return cls(*(text(key, lang, **values) for lang in ("vi", "en")))

    def text(self, lang: str = "vi") -> str:
        return self.en if lang == "en" else self.vi


@dataclass
class CheckResult:
    id: str
    kind: str  # "target" (section II or a figure of section III) or "task" (section III)
    area: str
    title_vi: str
    title_en: str
    status: str
    numerator: int | None = None
    denominator: int | None = None
    value: float | None = None
    target: float | None = None
    comparator: str | None = None
    registers: tuple[str, ...] = ()
    # The items behind the figure: one row per dossier, response, staff member...; the index is
    # the row number as Excel shows it, `ly_do` a reason code (the catalog's `reason.*`).
    items: pd.DataFrame | None = None
    parts: list[dict] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    waiver: dict | None = None
    extra: dict = field(default_factory=dict)

    def title(self, lang: str = "vi") -> str:
        return self.title_en if lang == "en" else self.title_vi

    def to_json(self, personal_columns: frozenset[str] = frozenset()) -> dict[str, Any]:
        """JSON record; personal data never leaves in results.json."""
        data = {
            "id": self.id,
            "kind": self.kind,
            "area": self.area,
            "title_vi": self.title_vi,
            "title_en": self.title_en,
            "status": self.status,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "value": self.value,
            "target": self.target,
            "comparator": self.comparator,
            "registers": list(self.registers),
            "parts": self.parts,
            "notes": [asdict(n) for n in self.notes],
            "waiver": self.waiver,
            "items": frame_records(self.items, personal_columns),
        }
        if self.extra:
            data["extra"] = to_jsonable(self.extra)
        return data


def ratio(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else numerator / denominator


_PLAIN = (str, int, bool, type(None))


def to_jsonable(value: Any) -> Any:
    if type(value) in _PLAIN:  # most cells of results.json: nothing to convert
        return value
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.date().isoformat() if not pd.isna(value) else None
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is pd.NaT or value is None:
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def frame_records(frame: pd.DataFrame | None, drop: frozenset[str] = frozenset()) -> list[dict]:
    """The rows of `frame` as JSON records (`row`: Excel's row number, then the columns but
    `drop`), codes and catalogue names masked as `privacy.mask_codes` masks them."""
    if frame is None or frame.empty:
        return []
    from .privacy import code_maskers

    if not frame.columns.is_unique:  # a name would select several columns: cut the frame first
        frame = frame[[c for c in frame.columns if c not in drop]]
    names = [c for c in frame.columns if c not in drop]
    # Each kept column read from the frame itself: a frame of the kept columns was a copy of them.
    # A masker depends on its column alone, so those of dropped columns are simply not used.
    maskers = code_maskers(frame)  # an ID number as a code, a name in a title
    # Column by column in plain Python: a pandas call per row (or per cell) cost more than the
    # masking itself.
    columns = [_json_column(frame[name], maskers.get(name)) for name in names]
    cells = zip(*columns) if columns else ((),) * len(frame)
    return [{"row": to_jsonable(row), **dict(zip(names, values))} for row, values in zip(frame.index, cells)]


def _json_column(series: pd.Series, mask=None) -> list:
    """`to_jsonable` of each value of `series`, after `mask` (missing values are not masked)."""
    dates = _iso_dates(series) if mask is None else None
    if dates is not None:
        return dates
    values = series.tolist()
    if mask is not None:
        masked: dict = {}
        values = [v if missing else masked[v] if v in masked else masked.setdefault(v, mask(v))
                  for v, missing in zip(values, series.array.isna().tolist())]
    # Each distinct value converted once (registers repeat their dates, codes and counts); NA and
    # NaN are not looked up (NA's equality is no boolean, NaN equals nothing).
    done: dict = {}
    out = []
    for v in values:
        if type(v) in _PLAIN:
            out.append(v)
        elif v is pd.NA or (isinstance(v, float) and v != v):
            out.append(None)
        else:
            try:
                out.append(done[v])
            except KeyError:
                out.append(done.setdefault(v, to_jsonable(v)))
            except TypeError:  # unhashable
                out.append(to_jsonable(v))
    return out


def _iso_dates(series: pd.Series) -> list | None:
    """A plain datetime64 column as `to_jsonable` gives it (`YYYY-MM-DD`, None for NaT), in numpy;
    None for any other column, or dates outside the years 1-9999 (Python's dates)."""
    dtype = series.dtype
    if not isinstance(dtype, np.dtype) or dtype.kind != "M":
        return None
    days = series.to_numpy().astype("datetime64[D]")
    present = ~np.isnat(days)
    if present.any():
        years = days[present].astype("datetime64[Y]").astype(np.int64) + 1970
        if years.min() < 1 or years.max() > 9999:
            return None
    text = np.datetime_as_string(days, unit="D").tolist()
    return [t if p else None for t, p in zip(text, present.tolist())]


def run_summary(results: dict | None) -> dict:
    """Counts of one run's `results.json`: targets by status, tasks evidenced, the 766 score."""
    results = results or {}
    checks = [c for c in results.get("checks") or [] if isinstance(c, dict)]
    targets = Counter(c.get("status") for c in checks if c.get("kind") == "target")
    tasks = results.get("tasks_summary") or {}
    index = results.get("index_766") or {}
    return {"targets": sum(targets.values()), "by_status": {s: targets.get(s, 0) for s in STATUSES},
            "tasks": tasks.get("tasks"), "evidenced": tasks.get("evidenced"),
            "index_score": index.get("score"), "index_max": index.get("max")}
