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


def _zip(members: dict[str, bytes]) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        for name, data in members.items():
            book.writestr(name, data)
    return zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


def _rels(*targets: str) -> bytes:
    kind = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    return ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="{kind}{t}" Target="{target}"/>'
                      for i, (t, target) in enumerate(targets))
            + "</Relationships>").encode()


def test_every_member_calamine_may_read_as_a_sheet_is_checked(monkeypatch):
    """The sheets the preflight checks when the workbook does not say which is first: those in
    xl/worksheets/ in any letter case, and whatever the relationships name as a worksheet, in any
    folder and letter case; relationships too big or broken to read: every XML member under xl/."""
    book = _zip({"xl/_rels/workbook.xml.rels": _rels(("worksheet", "sheets/a.xml"), ("worksheet", "/xl/B/b.xml"),
                                                      ("styles", "styles.xml"), ("worksheet", "missing.xml")),
                 "xl/sheets/a.xml": b"", "xl/b/B.xml": b"", "xl/Worksheets/Sheet9.xml": b"",
                 "xl/styles.xml": b"", "xl/workbook.xml": b""})
    assert safeio.worksheet_members(book) == ["xl/Worksheets/Sheet9.xml", "xl/b/B.xml", "xl/sheets/a.xml"]
    broken = _zip({"xl/_rels/workbook.xml.rels": b"<Relationships", "xl/sheets/a.xml": b"", "xl/styles.xml": b"",
                   "docProps/app.xml": b""})
    assert safeio.worksheet_members(broken) == ["xl/sheets/a.xml", "xl/styles.xml"]
    monkeypatch.setattr(safeio, "RELS_MAX", 10)
    big = _zip({"xl/_rels/workbook.xml.rels": _rels(("worksheet", "sheets/a.xml")), "xl/sheets/a.xml": b"",
                "xl/x.xml": b""})
    assert safeio.worksheet_members(big) == ["xl/sheets/a.xml", "xl/x.xml"]
