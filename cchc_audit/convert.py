"""Typed values: raw cells of one register column -> the column's kind (DATA-CONTRACT.md), with
the cells that cannot be read, as (row, value as text, problem code, detail).

Each distinct raw value is converted once, so a large register stays cheap.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import schema
from .headers import blank as _blank
from .headers import cell_of, distinct
from .headers import cell_text as _text
from .problems import ProblemCode as P
from .schema import Column
from .text import KEPT_CHARS, slug

YEARS = (1900, 2100)  # a date outside these years is a typing slip, not a register date
MAX_INT = 1_000_000_000
# Text columns stored as Python strings, chosen here rather than left to whether pyarrow is
# installed (pandas' default then stores them in Arrow, and the checks run slower over it).
STRING = pd.StringDtype("python")  # the contract's text columns: missing is pd.NA
STRING_NAN = pd.StringDtype("python", na_value=np.nan)  # columns outside the contract, as pandas' own `str`
# The text pandas infers inside the checks (labels, np.where of words, maps) follows the same
# choice, unless the user chose a storage themselves ("auto" is pandas' default: Arrow if installed).
if pd.get_option("mode.string_storage") == "auto":
    pd.set_option("mode.string_storage", "python")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_SHORT_YEAR = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2}$")
_MONTH_YM = re.compile(r"^(\d{4})-(\d{1,2})$")
_MONTH_MY = re.compile(r"^(\d{1,2})/(\d{4})$")
_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")
_COMMA_GROUPS = re.compile(r"^\d{1,3}(,\d{3})+$")  # 1,000: one thousand, or 1.0 the Vietnamese way?


def missing_column(column: Column, length: int):
    """The values of a column the file does not have: empty, or the column's default."""
    if column.kind == schema.DATE:
        return pd.Series(pd.NaT, index=range(length), dtype="datetime64[ns]").to_numpy()
    if column.kind == schema.BOOL:
        if column.nullable:
            return pd.array([pd.NA] * length, dtype="boolean")
        return np.full(length, column.default_true, dtype=bool)
    if column.kind in (schema.INT, schema.LEVEL):
        return pd.array([pd.NA] * length, dtype="Int64")
    if column.kind == schema.NUMBER:
        return np.full(length, np.nan)
    return pd.array([pd.NA] * length, dtype=STRING)


def convert(raw: pd.Series, column: Column, found: tuple[np.ndarray, list] | None = None,
            empty: np.ndarray | None = None):
    """Raw cells -> (typed values, [(row, value as text, problem code, detail)]).

    Column-wise: the distinct cells are found at once (headers.distinct, or `found`: the codes of
    `raw`'s cells into distinct cells found beforehand), each distinct cell present is converted
    once, and the typed column is taken from the distinct values' typed column. `empty`, when
    given, is headers.blank of each of `raw`'s cells (found already for the whole sheet)."""
    values, bad = convert_cells(raw.to_numpy(dtype=object), raw.index, column, found, empty)
    return pd.Series(values, index=raw.index, copy=False), bad


def convert_cells(cells: np.ndarray, index: pd.Index, column: Column, found: tuple[np.ndarray, list] | None = None,
                  empty: np.ndarray | None = None):
    """`convert` of a column's cells (objects) in rows `index`: (typed values as an array, bad cells)."""
    converter = _CONVERTERS[column.kind]
    codes, uniques = found if found is not None else distinct(cells)
    if converter is _to_text:
        texts = _stripped(uniques)
        if texts is not None:  # text only: stripped in C, never bad
            # Few passes over the cells: each touches half a million objects scattered in memory.
            typed = take_run(texts, codes)
            typed[typed == "" if empty is None else empty] = pd.NA
            return pd.array(typed, dtype=STRING, copy=False), []
    present = (np.bincount(codes, minlength=len(uniques)) > 0).tolist() if len(uniques) else []
    if converter is _to_text:  # most distinct cells of a text column are text: its own stripped self
        results = [None if not used else (key.strip() or None) if key.__class__ is str
                   else _to_text(cell_of(key), column) for key, used in zip(uniques, present)]
    else:
        results = [converter(cell_of(key), column) if used else None for key, used in zip(uniques, present)]
    failed = np.fromiter(map(_Bad.__instancecheck__, results), bool, len(results))
    values = _take(_typed([None if f else r for r, f in zip(results, failed)], column), codes)
    bad = []
    for at in np.flatnonzero(failed[codes]):
        failure = results[codes[at]]
        bad.append((int(index[at]), _text(cells[at]), failure.code, failure.detail))
    return values, bad


def take_run(values: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """values[positions]; a view when the positions count up one by one (a table's rows, a column
    whose every cell is distinct), sparing a copy of every cell."""
    if len(positions) and positions[-1] - positions[0] == len(positions) - 1 and (
            len(positions) == 1 or (np.diff(positions) == 1).all()):
        return values[positions[0]:positions[-1] + 1]
    return values[positions]


def _stripped(uniques: list) -> np.ndarray | None:
    """Each distinct cell stripped, as objects; None when one of them is not text."""
    try:
        return np.fromiter(map(str.strip, uniques), dtype=object, count=len(uniques))
    except TypeError:
        return None


def text_cells(values: np.ndarray, empty: np.ndarray, index: pd.Index,
               found: tuple[np.ndarray, list] | None = None) -> pd.Series:
    """Cells kept as written (a column outside the contract): their text, None where blank."""
    codes, uniques = found if found is not None else distinct(values)
    texts = take_run(cell_texts(uniques), codes)
    texts[empty] = None
    return pd.Series(pd.array(texts, dtype=STRING_NAN, copy=False), index=index, copy=False)


def cell_types(cells) -> tuple[np.ndarray, list[type]]:
    """(the number of each cell's type in `types`, the types), found at C speed: a column of half
    a million cells holds two or three types, each then handled at once."""
    types = list(map(type, cells))
    kinds = list(dict.fromkeys(types))
    if len(kinds) == 1:  # most columns: one type throughout
        return np.zeros(len(types), dtype=np.intp), kinds
    number = {kind: at for at, kind in enumerate(kinds)}
    return np.fromiter(map(number.__getitem__, types), dtype=np.intp, count=len(types)), kinds


def cell_texts(keys: list) -> np.ndarray:
    """headers.cell_text of each distinct cell (`keys` of headers.distinct), as objects: the cells
    of one type together, text and numbers (an STT column) without a call per cell."""
    which, kinds = cell_types(keys)
    cells = np.fromiter(keys, dtype=object, count=len(keys))
    texts = np.empty(len(keys), dtype=object)
    single = len(kinds) == 1  # one type: every cell, not looked for
    for number, kind in enumerate(kinds):
        at = np.arange(len(keys)) if single else np.flatnonzero(which == number)
        group = cells if single else cells[at]
        if kind is str:
            texts[at] = np.fromiter(map(str.strip, group), dtype=object, count=len(group))
        elif kind is int:
            texts[at] = np.fromiter(map(str, group), dtype=object, count=len(group))
        elif kind is float:
            numbers = group.astype(float)
            whole = np.isfinite(numbers) & (numbers == np.trunc(numbers)) & (np.abs(numbers) < 2.0 ** 53)
            texts[at[whole]] = np.fromiter(map(str, numbers[whole].astype(np.int64).tolist()), dtype=object,
                                           count=int(whole.sum()))
            texts[at[~whole]] = np.fromiter(map(_text, group[~whole]), dtype=object, count=int((~whole).sum()))
        else:
            texts[at] = np.fromiter((_text(cell_of(key)) for key in group), dtype=object, count=len(group))
    return texts


@dataclass(frozen=True)
class _Bad:
    code: str
    detail: str = ""


def _to_text(value, column):
    return None if _blank(value) else _text(value)


def _to_date(value, column):
    date = _date_of(value, column)
    return pd.Timestamp(date) if isinstance(date, dt.date) else date


def _date_of(value, column):
    """`_to_date` as a `datetime.date`: the reader's converter (a Timestamp per distinct cell
    costs more than the rest of its conversion; `_typed` counts the days)."""
    if value.__class__ is str and len(value) <= KEPT_CHARS:  # the same date texts recur in every date column of a batch: kept
        return _date_text(value)
    return _date_cell(value)


@functools.lru_cache(maxsize=1 << 14)
def _date_text(value: str):
    return _date_cell(value)


def _date_cell(value):
    if isinstance(value, dt.datetime):  # a workbook's date cells: never blank, so looked at first
        value = value.date()
    if isinstance(value, dt.date):
        return value if YEARS[0] <= value.year <= YEARS[1] else _Bad(P.DATE_OUT_OF_RANGE)
    if _blank(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # A date typed in a cell formatted General or Number: Excel shows its serial, 45306 for 15/01/2024.
        # Said as the date it means, never taken for it (the cell may be a count typed in the wrong column).
        serial = _serial_date(value)
        return _Bad(P.DATE_SERIAL, f"{serial:%d/%m/%Y}") if serial else _Bad(P.BAD_DATE)
    if isinstance(value, bool):
        return _Bad(P.BAD_DATE)
    text = str(value).strip()
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _YMD.match(text)
        if not match:
            return _Bad(P.AMBIGUOUS_DATE if _SHORT_YEAR.match(text) else P.BAD_DATE)
        year, month, day = (int(g) for g in match.groups())
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return _Bad(P.IMPOSSIBLE_DATE)
    return date if YEARS[0] <= year <= YEARS[1] else _Bad(P.DATE_OUT_OF_RANGE)


def _serial_date(value: float) -> dt.date | None:
    if not math.isfinite(value) or not 1 <= value < 2958466:
        return None
    date = dt.date(1899, 12, 30) + dt.timedelta(days=int(value))  # Excel's epoch, past its 1900 leap bug
    return date if 1950 <= date.year <= YEARS[1] else None  # a small number is a count, not a date


def _to_bool(value, column):
    if isinstance(value, bool):
        return value
    if _blank(value):
        if column.nullable:
            return None
        return column.default_true
    if isinstance(value, (int, float)):
        return {1: True, 0: False}.get(value, _Bad(P.BAD_BOOL))
    word = slug(value)
    if not word:  # punctuation only, e.g. "?": not an accepted spelling, and not empty either
        return _Bad(P.BAD_BOOL)
    if word in schema.TRUE_WORDS:
        return True
    if word in schema.FALSE_WORDS:
        return False
    return _Bad(P.BAD_BOOL)


def _number(value):
    """A finite number, None when the cell is not one, or _Bad(P.AMBIGUOUS_NUMBER) for `1,000`."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    if isinstance(value, str):
        text = value.strip().replace(" ", "").replace("\u00a0", "")
        if _COMMA_GROUPS.match(text):
            return _Bad(P.AMBIGUOUS_NUMBER)
        if _THOUSANDS.match(text):
            text = text.replace(".", "")
        value = text.replace(",", ".")
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _checked_number(value, accept, code):
    """A cell as a number that `accept` takes; blank is None, anything else the problem `code`."""
    if _blank(value):
        return None
    number = _number(value)
    if isinstance(number, _Bad):
        return number
    return number if number is not None and accept(number) else _Bad(code)


def _to_int(value, column):
    number = _checked_number(value, lambda n: n.is_integer() and 0 <= n <= MAX_INT, P.BAD_INT)
    return int(number) if isinstance(number, float) else number


def _to_number(value, column):
    return _checked_number(value, lambda n: n >= 0, P.BAD_NUMBER)


def _to_enum(value, column):
    if _blank(value):
        return None
    code = column.enum_lookup().get(slug(_text(value)))
    if code is None:
        choices = ", ".join(f"{spellings[0]} ({code})" for code, spellings in column.choices.items())
        return _Bad(P.BAD_ENUM, choices)
    return code


_LEVELS = {slug(label): level for level, label in schema.LEVEL_LABELS.items()}


def _to_level(value, column):
    if _blank(value):
        return None
    number = _number(value)
    if isinstance(number, float) and number.is_integer() and 1 <= number <= 5:
        return int(number)
    level = _LEVELS.get(slug(_text(value))) if not isinstance(number, float) else None
    if level is None:
        return _Bad(P.BAD_LEVEL, ", ".join(f"{k} {v}" for k, v in schema.LEVEL_LABELS.items()))
    return level


def _to_month(value, column):
    if _blank(value):
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value.year:04d}-{value.month:02d}" if YEARS[0] <= value.year <= YEARS[1] else _Bad(P.BAD_MONTH)
    text = _text(value)
    match = _MONTH_YM.match(text)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
    else:
        match = _MONTH_MY.match(text)
        if not match:
            return _Bad(P.BAD_MONTH)
        month, year = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or not YEARS[0] <= year <= YEARS[1]:
        return _Bad(P.BAD_MONTH)
    return f"{year:04d}-{month:02d}"


_CONVERTERS = {
    schema.TEXT: _to_text,
    schema.DATE: _date_of,
    schema.BOOL: _to_bool,
    schema.INT: _to_int,
    schema.NUMBER: _to_number,
    schema.ENUM: _to_enum,
    schema.LEVEL: _to_level,
    schema.MONTH: _to_month,
}


def _finish(mapped: pd.Series, column: Column):
    """The converted distinct cells (None where blank or bad) as the column's dtype, the plain way
    (pandas' casts); `_typed` builds the same arrays directly (tests/test_read_small.py)."""
    kind = column.kind
    if kind == schema.DATE:
        return pd.to_datetime(mapped, errors="coerce").astype("datetime64[ns]")
    if kind == schema.BOOL:
        if column.nullable:
            return mapped.astype("boolean")
        # A cell that failed to convert reads as false; the problem is reported either way.
        return mapped.fillna(False).astype(bool)
    if kind in (schema.INT, schema.LEVEL):
        return mapped.astype("Int64")
    if kind == schema.NUMBER:
        return mapped.astype("float64")
    return mapped.astype(STRING)


def _typed(values: list, column: Column):
    """`_finish` of the converted distinct cells (None where blank or bad; dates as `_date_of` gives
    them), built as numpy arrays (and a mask) rather than through a Series and pandas' casts: a
    register's columns are many and short, and each pandas call costs more than the cells it converts."""
    kind = column.kind
    count = len(values)
    if kind == schema.DATE:
        # _date_of gives dates or None: nanoseconds from 1970-01-01 (day 719163) to their midnight, NaT for None
        nat = np.iinfo(np.int64).min
        return np.fromiter((nat if v is None else (v.toordinal() - _EPOCH_DAY) * _DAY_NS for v in values), np.int64,
                           count).view("M8[ns]")
    if kind == schema.NUMBER:
        return np.fromiter((np.nan if v is None else v for v in values), np.float64, count)
    if kind == schema.BOOL and not column.nullable:
        # A cell that failed to convert reads as false; the problem is reported either way.
        return np.fromiter((v is not None and bool(v) for v in values), bool, count)
    mask = np.fromiter((v is None for v in values), bool, count)
    if kind == schema.BOOL:
        return np.fromiter((v is not None and bool(v) for v in values), bool, count), mask, "boolean"
    if kind in (schema.INT, schema.LEVEL):
        return np.fromiter((0 if v is None else v for v in values), np.int64, count), mask, "Int64"
    cells = np.fromiter(values, dtype=object, count=count)
    cells[mask] = pd.NA
    return cells, None, STRING


_EPOCH_DAY, _DAY_NS = dt.date(1970, 1, 1).toordinal(), 86_400 * 10**9


def _take(typed, codes: np.ndarray):
    """The column's values from `_typed` of its distinct cells and each cell's code."""
    if isinstance(typed, np.ndarray):
        return typed[codes]
    values, mask, dtype = typed
    if dtype == "boolean":
        return pd.arrays.BooleanArray(values[codes], mask[codes])
    if dtype == "Int64":
        return pd.arrays.IntegerArray(values[codes], mask[codes])
    return pd.array(values[codes], dtype=dtype, copy=False)


def swapped_dates(raw: pd.Series, found: tuple[np.ndarray, list] | None = None):
    """(first row, real date cells, text dates) when a date column shows a CSV opened with an
    English (US) locale: the dates whose day was <= 12 became real dates, month and day swapped,
    the others stayed text. Telltale: every real date has day <= 12, every dd/mm text date a day > 12.
    Looked at over the distinct cells (`found`, as for `convert`), counted over all of them."""
    return swapped_date_cells(raw.to_numpy(dtype=object), raw.index, found)


def swapped_date_cells(cells: np.ndarray, index: pd.Index, found: tuple[np.ndarray, list] | None = None):
    """`swapped_dates` of a column's cells (objects) in rows `index`."""
    codes, uniques = found if found is not None else distinct(cells)
    counts = np.bincount(codes, minlength=len(uniques)) if len(uniques) else np.zeros(0, np.intp)
    cells = [(at, cell_of(key)) for at, (key, count) in enumerate(zip(uniques, counts.tolist())) if count]
    if any(isinstance(v, dt.date) and v.day > 12 for _, v in cells):
        return None
    real = [at for at, v in cells if isinstance(v, (dt.date, dt.datetime))]
    if not real:
        return None
    texts = [(at, _DMY.match(v.strip())) for at, v in cells if isinstance(v, str) and v.strip()]
    days = [(at, int(m.group(1))) for at, m in texts if m and isinstance(_to_date(m.group(0), None), pd.Timestamp)]
    if not days or min(day for _, day in days) <= 12:
        return None
    first = int(np.flatnonzero(np.isin(codes, real))[0])
    return int(index[first]), int(counts[real].sum()), int(sum(counts[at] for at, _ in days))
