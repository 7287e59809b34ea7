"""Matching a register's header row to the contract's columns.

A header matches a column when its slug equals the column's name, its label or one of its aliases
(schema.py), also after dropping a trailing parenthesised unit: `Thời hạn giải quyết (ngày)` is
`thoi_han`. A header that matches nothing but is close to a column the row lacks is reported, so
that a column worded a little differently is never dropped without a word.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from difflib import SequenceMatcher
from itertools import chain

import numpy as np
import pandas as pd

from .schema import Column, Register
from .text import slug

# A trailing unit or note in brackets: "(ngày)", "(đồng)", "[1]", "(dd/mm/yyyy)".
_UNIT = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")
NEAR_RATIO = 0.85  # difflib ratio above which two header slugs are one column misspelt


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_grid(rows) -> np.ndarray:
    """The rows as one 2-D array of cells (objects), shorter rows padded with empty cells ("")."""
    if isinstance(rows, np.ndarray) and rows.ndim == 2:
        return rows
    lengths = list(map(len, rows))
    width = max(lengths, default=0)
    if min(lengths, default=0) != width:
        rows = [list(row) + [""] * (width - len(row)) for row in rows]
    if not rows or not width:
        return np.empty((len(rows), width), dtype=object)
    # one pass over the cells, each kept as the object it is (faster than numpy's nested-list assignment)
    return np.fromiter(chain.from_iterable(rows), dtype=object, count=len(rows) * width).reshape(len(rows), width)


def cell_of(key):
    """The cell behind a key of `distinct` (booleans and missing cells are keyed as tuples)."""
    return key[1] if isinstance(key, tuple) else key


def _key(value):
    # True == 1.0 in a dict: keep booleans apart from numbers; None and NaN apart from each other.
    if isinstance(value, bool):
        return ("bool", value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ("missing", value)
    return value


def distinct(values: np.ndarray) -> tuple[np.ndarray, list]:
    """(code of each cell, the distinct cells). True == 1.0 and None, NaN are missing to pandas:
    when the column holds any of them, the cells are keyed first so that each stays itself."""
    codes, uniques = pd.factorize(values)
    uniques = uniques.tolist() if uniques.dtype == object else list(uniques)  # objects: the same, listed in C
    kinds = set(map(type, uniques))
    # Keyed only when needed: a missing cell, a boolean, or a 0 or 1 that may stand for one.
    if (codes < 0).any() or bool in kinds or (
            (int in kinds or float in kinds) and (0 in uniques or 1 in uniques) and bool in set(map(type, values))):
        values = np.fromiter((_key(v) for v in values), dtype=object, count=len(values))
        codes, uniques = pd.factorize(values)
        uniques = list(uniques)
    return codes, uniques


class GridColumns:
    """The distinct cells of each column of a grid, found once and shared: the blank test, the
    length limit and the typing of a column each look at its distinct cells only."""

    def __init__(self, grid: np.ndarray):
        self.grid = grid
        self._found: dict[int, tuple[np.ndarray, list]] = {}

    def __call__(self, position: int) -> tuple[np.ndarray, list]:
        found = self._found.get(position)
        if found is None:
            column = self.grid[:, position]
            if len(column) > 4 * _SAMPLE and len(pd.unique(column[:_SAMPLE])) > _SAMPLE // 2:
                # Codes, names, phone numbers: nearly a distinct cell per row, so each cell is its own
                # distinct cell (the same results, without hashing them all to find no repeats).
                found = (np.arange(len(column)), list(column))
            else:
                found = distinct(column)
            self._found[position] = found
        return found


_SAMPLE = 1024  # the first cells of a column, to tell a column of codes from one of repeated values


_NEVER_BLANK = {float, int, bool, dt.date, dt.datetime}


def _blank_distinct(uniques: list) -> np.ndarray:
    """`blank` of each distinct cell; the text ones tested in C (a column of names has a distinct
    cell per row), numbers and dates never blank."""
    kinds = set(map(type, uniques))
    if kinds == {str}:
        each = np.fromiter(map(str.isspace, uniques), bool, len(uniques))
        each |= np.fromiter(map(len, uniques), np.intp, len(uniques)) == 0
        return each
    if kinds <= _NEVER_BLANK | {str}:
        each = np.zeros(len(uniques), dtype=bool)
        text = np.flatnonzero(np.fromiter(map(str.__instancecheck__, uniques), bool, len(uniques)))
        each[text] = [not uniques[at] or uniques[at].isspace() for at in text.tolist()]
        return each
    return np.fromiter((blank(cell_of(u)) for u in uniques), bool, len(uniques))


def blank_cells(grid: np.ndarray, columns: GridColumns | None = None) -> np.ndarray:
    """`blank` of every cell of a 2-D grid, column by column, each distinct cell tested once."""
    columns = columns or GridColumns(grid)
    empty = np.empty(grid.shape, dtype=bool)
    for position in range(grid.shape[1]):
        codes, uniques = columns(position)
        each = _blank_distinct(uniques)
        empty[:, position] = each[codes]
    return empty


def cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M") if value.time() != dt.time() else value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def spellings(column: Column) -> tuple[str, ...]:
    """The column's accepted header spellings, slugged: name, label, aliases."""
    return tuple(dict.fromkeys(slug(s) for s in (column.name, column.label_vi, *column.aliases)))


def wanted(register: Register) -> dict[str, str]:
    """Every accepted header spelling (slugged) -> contract column name."""
    table = register.__dict__.get("_wanted")
    if table is None:
        table = {}
        for column in register.columns:
            for spelling in spellings(column):
                table.setdefault(spelling, column.name)
        object.__setattr__(register, "_wanted", table)  # a cache on the frozen definition
    return table


@functools.lru_cache(maxsize=1 << 14)  # the same headers and title lines recur in every file of a batch
def keys(text: str) -> tuple[str, ...]:
    """The slugs a header is looked up under: as written, then without a trailing unit."""
    bare = _UNIT.sub("", text)
    return tuple(dict.fromkeys(k for k in (slug(text), slug(bare)) if k))


_NAMED_MAX = 1 << 14  # texts remembered per register: the header rows searched, not every cell


def column_of(cell, register: Register) -> str | None:
    """The contract column a header cell names, or None."""
    if blank(cell):
        return None
    text = cell_text(cell)
    named = register.__dict__.get("_named")
    if named is None:
        named = {}
        object.__setattr__(register, "_named", named)  # a cache on the frozen definition, as `wanted`
    if text not in named:
        table = wanted(register)
        if len(named) >= _NAMED_MAX:
            named.clear()
        named[text] = next((table[k] for k in keys(text) if k in table), None)
    return named[text]


def match_header(row: list, register: Register) -> dict[str, int]:
    """Contract column -> position of the first header cell naming it."""
    matched: dict[str, int] = {}
    for position, cell in enumerate(row):
        name = column_of(cell, register)
        if name is not None and name not in matched:
            matched[name] = position
    return matched


def _close(header: str, spelling: str) -> bool:
    if SequenceMatcher(None, header, spelling).ratio() >= NEAR_RATIO:
        return True
    a, b = set(header.split("_")), set(spelling.split("_"))
    # One wording holds every word of the other: "Ngày hẹn trả kết quả cho dân" / "Ngày hẹn trả".
    return min(len(a), len(b)) >= 2 and (a <= b or b <= a)


def near_misses(row: list, register: Register, matched: dict[str, int]) -> list[tuple[int, str, Column]]:
    """(position, header as written, column) for each header cell that matches no column but is
    close to one the row does not have."""
    absent = [c for c in register.columns if c.name not in matched]
    found = []
    for position, cell in enumerate(row):
        if blank(cell) or position in matched.values() or column_of(cell, register) is not None:
            continue
        text = cell_text(cell)
        for column in absent:
            if any(_close(k, s) for k in keys(text) for s in spellings(column)):
                found.append((position, text, column))
                break
    return found
