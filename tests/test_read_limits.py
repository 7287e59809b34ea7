"""The XLSX preflight's bounds scale with the sheet: a city's register with millions of distinct
strings is read, a short sheet with a huge shared-string table (or huge strings) is refused.
Small sheets here, with the bounds patched down to their size."""

from __future__ import annotations

import io
import zipfile

import pytest

from cchc_audit import safeio
from cchc_audit.problems import ProblemCode

SHEET = "xl/worksheets/sheet1.xml"


def _book(rows: int, columns: int, strings: list[str]) -> zipfile.ZipFile:
    """A sheet of rows x columns cells, each naming a shared string in turn."""
    letters = "ABCDEFGHIJ"[:columns]
    cells = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}" t="s"><v>{(r * columns + i) % len(strings)}</v></c>'
                                   for i, c in enumerate(letters)) + "</row>"
        for r in range(1, rows + 1))
    shared = "".join(f"<si><t>{s}</t></si>" for s in strings)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr(SHEET, f"<worksheet><sheetData>{cells}</sheetData></worksheet>")
        book.writestr("xl/sharedStrings.xml", f"<sst>{shared}</sst>")
    return zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


def test_a_shared_table_may_hold_as_many_entries_as_the_sheet_has_cells(monkeypatch):
    monkeypatch.setattr(safeio, "XLSX_MAX_SHARED", 10)
    safeio.xlsx_preflight(_book(5, 4, [f"s{i}" for i in range(20)]), SHEET, "ho_so.xlsx")  # 20 cells
    with pytest.raises(safeio.UnsafeInput) as refused:
        safeio.xlsx_preflight(_book(5, 4, [f"s{i}" for i in range(21)]), SHEET, "ho_so.xlsx")
    assert refused.value.code == ProblemCode.XLSX_BOMB


def test_shared_text_is_bounded_per_cell_beyond_the_fixed_bound(monkeypatch):
    monkeypatch.setattr(safeio, "XLSX_MAX_TEXT", 100)
    per_cell = safeio.XLSX_TEXT_PER_CELL
    safeio.xlsx_preflight(_book(5, 4, ["x" * per_cell]), SHEET, "ho_so.xlsx")  # 20 cells x 64 characters
    with pytest.raises(safeio.UnsafeInput) as refused:
        safeio.xlsx_preflight(_book(5, 4, ["x" * (per_cell + 1)]), SHEET, "ho_so.xlsx")
    assert refused.value.code == ProblemCode.XLSX_BOMB
