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


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        for name, data in members:
            book.writestr(name, data)
    return buffer.getvalue()


_NS = 'xmlns="http://schemas.openxmlformats.org/'
_WORKBOOK = (f'<workbook {_NS}spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
             '2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>').encode()
_BASE = [("[Content_Types].xml", f'<Types {_NS}package/2006/content-types"><Default Extension="rels" ContentType='
                                  '"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension='
                                  '"xml" ContentType="application/xml"/></Types>'.encode()),
         ("_rels/.rels", f'<Relationships {_NS}package/2006/relationships"><Relationship Id="rId1" Type="http://'
                         'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target='
                         '"xl/workbook.xml"/></Relationships>'.encode()),
         ("xl/workbook.xml", _WORKBOOK)]


def _rels(target: str, kind: str = "worksheet") -> bytes:
    return (f'<Relationships {_NS}package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            f'openxmlformats.org/officeDocument/2006/relationships/{kind}" Target="{target}"/></Relationships>').encode()


def _sheet(text: str) -> bytes:
    return (f'<worksheet {_NS}spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
            f'{text}</t></is></c></row></sheetData></worksheet>').encode()


RELS = "xl/_rels/workbook.xml.rels"
# Where a workbook may keep the sheet calamine reads (found by a fresh reader's review).
WHERE = {
    "another folder": [(RELS, _rels("evil/s.xml")), ("xl/evil/s.xml", _sheet("xl/evil/s.xml"))],
    "outside xl/": [(RELS, _rels("/evil/s.xml")), ("evil/s.xml", _sheet("evil/s.xml"))],
    "dot-dot kept as written": [(RELS, _rels("../evil.xml")), ("xl/../evil.xml", _sheet("xl/../evil.xml"))],
    "dot kept as written": [(RELS, _rels("./evil/s.xml")), ("xl/./evil/s.xml", _sheet("xl/./evil/s.xml"))],
    "double slash": [(RELS, _rels("evil//s.xml")), ("xl/evil//s.xml", _sheet("xl/evil//s.xml"))],
    "backslash": [(RELS, _rels("evil\\s.xml")), ("xl/evil\\s.xml", _sheet("xl/evil\\s.xml"))],
    "other letter case": [(RELS, _rels("Worksheets/Sheet1.xml")),
                          ("xl/Worksheets/Sheet1.xml", _sheet("xl/Worksheets/Sheet1.xml"))],
    "two relationship files, the last one's": [
        ("XL/_rels/workbook.xml.rels", _rels("worksheets/sheet1.xml")), (RELS, _rels("evil/s.xml")),
        ("xl/evil/s.xml", _sheet("xl/evil/s.xml")), ("xl/worksheets/sheet1.xml", _sheet("xl/worksheets/sheet1.xml"))],
    "two relationship files, the first one's": [
        (RELS, _rels("evil/s.xml")), ("XL/_rels/workbook.xml.rels", _rels("worksheets/sheet1.xml")),
        ("xl/evil/s.xml", _sheet("xl/evil/s.xml")), ("xl/worksheets/sheet1.xml", _sheet("xl/worksheets/sheet1.xml"))],
    "two members differing in case": [(RELS, _rels("evil/s.xml")), ("xl/evil/s.xml", _sheet("xl/evil/s.xml")),
                                      ("xl/EVIL/s.xml", _sheet("xl/EVIL/s.xml"))],
    "a relationship of another type": [(RELS, _rels("evil/s.xml", "chartsheet")),
                                       ("xl/evil/s.xml", _sheet("xl/evil/s.xml"))],
}


@pytest.mark.parametrize("where", sorted(WHERE))
def test_the_sheet_calamine_reads_is_one_the_preflight_checks(where):
    """Whatever member calamine takes for the sheet (each sheet here holds its own name), the
    preflight checked it: a hostile sheet cannot hide where calamine finds it and the preflight does not."""
    from python_calamine import CalamineWorkbook

    raw = _zip(_BASE + WHERE[where])
    read = CalamineWorkbook.from_filelike(io.BytesIO(raw)).get_sheet_by_name("S").to_python()[0][0]
    with zipfile.ZipFile(io.BytesIO(raw)) as book:
        assert read in safeio.worksheet_members(book), (where, read)


def test_parts_too_big_or_broken_to_read_make_every_member_checked(monkeypatch):
    broken = _zip(_BASE[:2] + [("xl/workbook.xml", b"<workbook"), (RELS, _rels("evil/s.xml")),
                               ("xl/evil/s.xml", _sheet("x")), ("xl/styles.xml", b"")])
    with zipfile.ZipFile(io.BytesIO(broken)) as book:
        assert safeio.worksheet_members(book) == sorted(n for n in book.namelist())
    monkeypatch.setattr(safeio, "PART_MAX", 10)
    big = _zip(_BASE + [(RELS, _rels("evil/s.xml")), ("xl/evil/s.xml", _sheet("x"))])
    with zipfile.ZipFile(io.BytesIO(big)) as book:
        assert safeio.worksheet_members(book) == sorted(book.namelist())


def test_a_relationship_no_sheet_names_is_not_read_as_a_sheet():
    """The shared strings or styles are not checked as sheets (a second pass over a big file's
    strings): only what a sheet of workbook.xml points to, and xl/worksheets/."""
    rels = _rels("worksheets/sheet1.xml").replace(b"</Relationships>", b'<Relationship Id="rId2" Type="http://'
                                                  b'schemas.openxmlformats.org/officeDocument/2006/relationships/'
                                                  b'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    raw = _zip(_BASE + [(RELS, rels), ("xl/worksheets/sheet1.xml", _sheet("x")), ("xl/sharedStrings.xml", b"<sst/>")])
    with zipfile.ZipFile(io.BytesIO(raw)) as book:
        assert safeio.worksheet_members(book) == ["xl/worksheets/sheet1.xml"]
