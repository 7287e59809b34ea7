"""A register kept as a Vietnamese form: what around and inside the table is not data.

Vertically merged cells (the value sits in the top-left cell only) hold that value on every row
they cover; a column-number row "(1) (2) (3) …" under the header, a total row, the place and date
line and the signature block under the table are not rows of the register; a row holding only a
pre-filled STT or a formula result is a blank row.
"""

from __future__ import annotations

import re

import numpy as np

from .convert import cell_types
from .headers import blank, cell_text
from .text import slug

_COLUMN_NUMBER = re.compile(r"^\(?(\d{1,2})\)?$")
_TOTAL = re.compile(r"^(tong_cong(_.*)?|tong_so|tong|cong|cong_so)$")
_SIGNATURE = re.compile(
    r"^((kt|tm|q|tl)_)*(nguoi_lap(_bieu|_bang|_so)?|nguoi_ghi_so|nguoi_kiem_tra|(pho_)?hieu_truong|thu_truong(_don_vi)?"
    r"|ke_toan(_truong)?|thu_quy|ban_giam_hieu|xac_nhan(_.*)?|ky_(va_)?(ghi_ro_|dong_dau_)?(ho_)?(va_)?ten(_.*)?"
    r"|ky_ghi_ro(_.*)?|ky_dong_dau(_.*)?)$")
# "Nhà Bè, ngày 05 tháng 04 năm 2024", "Nhà Bè, ngày … tháng … năm …", "Ngày 05 tháng 4 năm 2024"
_DATE_LINE = re.compile(r"^([a-z0-9_]+_)?ngay(_\d+)?_thang(_\d+)?_nam(_\d+)?$|^[a-z_]+_ngay$")


def vertical_merges(merges, first_row: int) -> list[tuple[int, int, int]]:
    """(top row, column, bottom row) from 0 of each merge spanning rows that starts at or below
    `first_row`."""
    return [(r0, c0, r1) for r0, c0, r1, c1 in merges if r1 > r0 and r0 >= first_row]


def header_depth(merges, header_row: int) -> int:
    """Rows under the header row that belong to it: those covered by header cells merged downwards."""
    return max((r1 - header_row for r0, c0, r1, c1 in merges if r0 == header_row and r1 > r0), default=0)


def grouped_header(rows: list[list], merges, index: int) -> list | None:
    """Row `index` read with the row under it when it holds group headers merged across columns:
    each column under a group is named "<group> <sub-header>" ("Ngày" over "Tiếp nhận" is "Ngày Tiếp
    nhận"); None when the row has no such group."""
    groups = [(c0, c1) for r0, c0, r1, c1 in merges if r0 == index == r1 and c1 > c0]
    if not groups or index + 1 >= len(rows):
        return None
    top, below = list(rows[index]), rows[index + 1]
    for c0, c1 in groups:
        if c0 >= len(top) or blank(top[c0]):
            continue
        for c in range(c0, c1 + 1):
            sub = below[c] if c < len(below) else None
            if not blank(sub):
                top.extend([""] * (c + 1 - len(top)))
                top[c] = f"{cell_text(rows[index][c0])} {cell_text(sub)}"
    return top


def fill_merges(rows: list[list], merges) -> list[str]:
    """Copy each merge's top-left value to every row it covers (in place); the ranges filled."""
    filled = []
    for r0, c0, r1 in merges:
        if r0 >= len(rows) or c0 >= len(rows[r0]) or blank(rows[r0][c0]):
            continue
        value = rows[r0][c0]
        for r in range(r0 + 1, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            if len(row) <= c0:
                row.extend([""] * (c0 + 1 - len(row)))
            if blank(row[c0]):
                row[c0] = value
        filled.append((r0, c0, r1))
    return filled


def is_column_numbers(row: list) -> bool:
    """A row numbering the columns: (1) (2) (3) … or 1 2 3 …, counting up from 1, at least three."""
    numbers = []
    for cell in row:
        if blank(cell):
            continue
        match = _COLUMN_NUMBER.match(cell_text(cell))
        if not match:
            return False
        numbers.append(int(match.group(1)))
    return len(numbers) >= 3 and numbers == list(range(numbers[0], numbers[0] + len(numbers))) and numbers[0] <= 1


def _cell_kind(cell) -> str | None:
    if blank(cell) or not isinstance(cell, str):
        return None
    key = slug(cell)
    if _TOTAL.match(key) and len(key) <= 40:  # "Tổng cộng", "Cộng", "Tổng cộng số tiền"
        return "total"
    if _DATE_LINE.match(key):
        return "date"
    if _SIGNATURE.match(key):
        return "signature"
    return None


def footer_kind(row: list) -> str | None:
    """"total", "date" or "signature" when a text cell of the row is that part of a form."""
    return next((kind for kind in map(_cell_kind, row) if kind), None)


def _only_footer(row: list) -> bool:
    """Every text cell is a footer line ("Người lập biểu", "HIỆU TRƯỞNG"), the others numbers (a total)."""
    return all(blank(c) or not isinstance(c, str) or _cell_kind(c) for c in row)


def footer(rows: list[list], indexes: list[int], data_like) -> dict[str, list[int]]:
    """The trailing rows (indexes into `rows`) that are the form's footer, by kind: from the first
    row that is a total, date or signature line, when no row from it on looks like data
    (`data_like(row)`, unless the row holds only footer lines and numbers): a staff row whose post is
    "Hiệu trưởng" stays a row, the names under the signatures do not."""
    kinds: dict[int, str | None] = {}
    start = None
    for position in range(len(indexes) - 1, -1, -1):
        row = rows[indexes[position]]
        kind = footer_kind(row)
        if data_like(row) and not (kind and _only_footer(row)):
            break
        if kind is None and sum(not blank(c) for c in row) > 2:  # more than the names under signatures
            break
        kinds[position] = kind
        if kind is not None:
            start = position
    found: dict[str, list[int]] = {}
    if start is None:
        return found
    current = "signature"
    for position in range(start, len(indexes)):
        current = kinds[position] or ("signature" if current == "total" else current)
        found.setdefault(current, []).append(int(indexes[position]))
    return found


def data_rows(grid, empty, first: int, known: set[int], formulas, hidden) -> tuple[np.ndarray, list[int]]:
    """(Excel rows holding data, rows holding only a pre-filled STT or formula result) from row `first`
    (from 0) of the cell `grid` (headers.cell_grid; `empty` its headers.blank_cells). A number under
    no register column (`known` positions), an STT, or a formula result (`formulas`: (row, column)
    from 0) is not data alone; a formula without its result (`hidden`) is reported, so its row stays."""
    cells, present = grid[first:], ~empty[first:]
    alone = np.zeros(present.shape, dtype=bool)  # cells that are not data on their own
    for position in range(grid.shape[1]):
        if position not in known:
            alone[:, position] = _numbers(cells[:, position])
    held = np.zeros(len(cells), dtype=bool)  # rows with a formula cell lacking its result
    for marks, into in ((formulas, alone), (hidden, None)):
        for row, position in marks:
            if row >= first and row < len(grid) and position < grid.shape[1]:
                if into is not None:
                    into[row - first, position] = True
                elif present[row - first, position]:
                    held[row - first] = True
    filled = present.any(axis=1)
    prefilled = filled & (alone | ~present).all(axis=1) & ~held
    numbers = np.arange(first + 1, len(grid) + 1)
    return numbers[filled & ~prefilled], numbers[prefilled].tolist()


def _numbers(cells: np.ndarray) -> np.ndarray:
    """Whether each cell is a number (int or float, not a bool): decided once per type of cell."""
    which, kinds = cell_types(cells)
    number = np.array([issubclass(kind, (int, float)) and not issubclass(kind, bool) for kind in kinds], dtype=bool)
    return number[which] if len(kinds) else np.zeros(len(cells), dtype=bool)
