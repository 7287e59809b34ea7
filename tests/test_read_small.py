"""The read path's shortcuts for a small unit (issue 16), each against the plain way it replaces:
the typed columns built as arrays (convert.py), dates counted in days, the enumeration table kept,
text folded in C, cells gridded in one pass, the header fit stopped at the best there can be, the
CSV separator tried only where it could win, formula marks found by numpy, the farthest cell
bounded, and duplicate codes ruled out by a set."""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_big_registers import _plain_duplicates
from test_read_fast import _refs_by_regex

from cchc_audit import convert, safeio, schema, sheets
from cchc_audit.convert import _CONVERTERS, _Bad, _finish, _to_date
from cchc_audit.headers import cell_grid, cell_of, distinct
from cchc_audit.headers import cell_text as _text
from cchc_audit.registers import _duplicates
from cchc_audit.text import _NON_WORD, fold, slug

HERE = Path(__file__).parent
SAMPLE = HERE.parent / "data" / "sample"
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Cells as a sheet or a CSV gives them, and text that reads as each kind's values (or nearly).
WORDS = ["", " ", "x", "X", "có", "Không", "1", "0", "2", "5", "-3", "1,000", "1.000", "2,5", " 12 ", "Đã giải quyết",
         "Trực tuyến", "Hài lòng", "rất hài lòng", "15/01/2024", "31/02/2024", "2024-03-05", "05/03/24", "1899-12-31",
         "2024-05", "05/2024", "13/2024", "?", "abc", "\u00a0"]
cells = st.one_of(
    st.sampled_from(WORDS), st.text(max_size=6),
    st.integers(-3, 10**10), st.floats(allow_nan=True, allow_infinity=True), st.booleans(), st.none(),
    st.dates(dt.date(1850, 1, 1), dt.date(2150, 12, 31)),
    st.datetimes(dt.datetime(1850, 1, 1), dt.datetime(2150, 12, 31)),
    st.integers(30000, 60000).map(float))


def _kinds() -> list[schema.Column]:
    """One column of each kind the contract has (a nullable and a plain boolean both)."""
    found: dict[tuple, schema.Column] = {}
    for register in schema.REGISTERS.values():
        for column in register.columns:
            found.setdefault((column.kind, column.nullable, column.default_true), column)
    return list(found.values())


def _plain_date(value, column):
    """_to_date without the kept date texts."""
    date = convert._date_cell(value)
    return pd.Timestamp(date) if isinstance(date, dt.date) else date


def _plain_convert(raw: pd.Series, column: schema.Column):
    """convert as it was: Timestamps per distinct cell, pandas' casts of a Series, a Series take."""
    converter = _plain_date if column.kind == schema.DATE else _CONVERTERS[column.kind]
    codes, uniques = distinct(raw.to_numpy(dtype=object))
    results = [converter(cell_of(key), column) for key in uniques]
    failed = [isinstance(r, _Bad) for r in results]
    typed = _finish(pd.Series([None if f else r for r, f in zip(results, failed)], dtype=object), column)
    values = typed.take(codes).set_axis(raw.index)
    cells = raw.to_numpy(dtype=object)
    bad = [(int(raw.index[at]), _text(cells[at]), results[code].code, results[code].detail)
           for at, code in enumerate(codes) if failed[code]]
    return values, bad


@pytest.mark.parametrize("column", _kinds(), ids=lambda c: f"{c.kind}-{c.name}")
@FAST
@given(values=st.lists(cells, max_size=40))
def test_typed_columns_are_pandas_casts_of_the_converted_cells(column, values):
    raw = pd.Series(np.array(values + [None], dtype=object)[:-1] if values else np.zeros(0, dtype=object),
                    index=pd.Index(np.arange(len(values), dtype=np.int64) + 5, name="row"), dtype=object)
    fast, fast_bad = convert.convert(raw, column)
    plain, plain_bad = _plain_convert(raw, column)
    pd.testing.assert_series_equal(fast, plain, check_exact=True)
    assert fast.dtype == plain.dtype and fast_bad == plain_bad


@FAST
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.text(alphabet="0123456789/-. T:", max_size=12)), max_size=30))
def test_date_texts_kept_are_the_dates_they_read_as(texts):
    convert._date_text.cache_clear()
    for _ in range(2):  # read, then kept
        assert [convert._date_of(t, None) for t in texts] == [convert._date_cell(t) for t in texts]
        assert [_to_date(t, None) for t in texts] == [_plain_date(t, None) for t in texts]


@given(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)))
def test_a_date_counted_in_days_is_its_timestamp(date):
    column = schema.REGISTERS["ho_so"].column("ngay_tiep_nhan")
    typed = convert._typed([date, None], column)
    assert typed.dtype == np.dtype("M8[ns]")
    assert typed[0] == np.datetime64(pd.Timestamp(date).value, "ns") and np.isnat(typed[1])


def _plain_lookup(column: schema.Column) -> dict[str, str]:
    table = {}
    for code, spellings in column.choices.items():
        table[slug(code)] = code
        for spelling in spellings:
            table[slug(spelling)] = code
    return table


def test_the_enumeration_table_is_kept_until_its_choices_change():
    for register in schema.REGISTERS.values():
        for column in register.columns:
            assert column.enum_lookup() == _plain_lookup(column)
            assert column.enum_lookup() == _plain_lookup(column)  # kept
    column = schema.Column("c", "C", schema.ENUM, choices={"a": ("Một",), "b": ("Hai",)})
    assert column.enum_lookup() == {"a": "a", "mot": "a", "b": "b", "hai": "b"}
    column.choices["c"] = ("Ba",)  # the table follows what it is made from
    assert column.enum_lookup() == _plain_lookup(column)
    column.choices["a"] = ("Bốn",)
    assert column.enum_lookup() == _plain_lookup(column) and "mot" not in column.enum_lookup()


def _plain_fold(text) -> str:
    text = str(text).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").lower()


VIETNAMESE = "Ngày tiếp nhận Hồ sơ ĐƯỢC đánh giá Ủy ban Thời hạn (ngày) Số định danh ỗ ữ ẵ Ị"


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet=VIETNAMESE + "\u0301\u0327\u20dd\u1dc0K\u212a\u0130ß–“"),
                 st.integers(), st.floats()))
def test_fold_is_the_character_by_character_fold(text):
    assert fold(text) == _plain_fold(text)
    for _ in range(2):  # worked out, then kept
        assert slug(text) == _NON_WORD.sub("_", _plain_fold(text)).strip("_")


def test_the_marks_dropped_in_c_are_all_marks():
    assert all(unicodedata.category(chr(c)) == "Mn" for c in range(0x300, 0x370))


def _plain_grid(rows) -> np.ndarray:
    width = max(map(len, rows), default=0)
    rows = [list(row) + [""] * (width - len(row)) for row in rows]
    grid = np.empty((len(rows), width), dtype=object)
    if rows and width:
        grid[:] = rows
    return grid


@FAST
@given(st.lists(st.lists(cells, max_size=6), max_size=8))
def test_cells_gridded_in_one_pass_are_the_same_objects(rows):
    fast, plain = cell_grid(rows), _plain_grid(rows)
    assert fast.shape == plain.shape and fast.dtype == plain.dtype == object
    assert all(a is b or (a == "" and b == "") for a, b in zip(fast.ravel().tolist(), plain.ravel().tolist()))


def _plain_fit(rows, register) -> tuple[int, int]:
    from cchc_audit.headers import match_header

    required = {c.name for c in register.required}
    best = (0, 0)
    for row in rows[:sheets.HEADER_SEARCH_ROWS]:
        matched = match_header(row, register)
        best = max(best, (len(required & matched.keys()), len(matched)))
    return best


def _plain_delimiter(text: str, register) -> str:
    def fit(d):
        return _plain_fit(list(csv.reader(io.StringIO(text[:1 << 16], newline=""), delimiter=d)), register)
    return max(sheets.DELIMITERS, key=fit)


def _header_pieces(register) -> list[str]:
    pieces = [c.label_vi for c in register.columns] + [c.name for c in register.columns]
    return pieces + ["STT", "Ghi chú", "x", "15/01/2024", "Tổng", "", " "]


@pytest.mark.parametrize("name", ["ho_so", "thanh_toan", "can_bo"])
@settings(max_examples=120, deadline=None)
@given(data=st.data())
def test_the_separator_and_the_fit_are_the_plain_ones(name, data):
    register = schema.REGISTERS[name]
    cell = st.sampled_from(_header_pieces(register))
    sep = st.sampled_from([";", ",", "\t", ", ", ";;"])
    lines = data.draw(st.lists(st.tuples(st.lists(cell, max_size=len(register.columns) + 2), sep), max_size=8))
    text = "\n".join(s.join(row) for row, s in lines)
    assert sheets._delimiter(text, register) == _plain_delimiter(text, register)
    rows = [row for row, _ in lines]
    assert sheets.header_fit(rows, register) == _plain_fit(rows, register)


def test_the_separator_of_every_register_file_is_the_plain_one():
    import glob

    for path in sorted(glob.glob(str(HERE / "fixtures" / "real" / "*" / "*.csv"))):
        register = schema.REGISTERS[Path(path).stem]
        text, _ = sheets._decode(Path(path).read_bytes())
        assert sheets._delimiter(text, register) == _plain_delimiter(text, register), path


def test_a_workbook_sheet_is_chosen_as_by_the_plain_rule():
    """The sheet holding the header (the first of the best fits), the only sheet whatever it holds."""
    from python_calamine import CalamineWorkbook

    paths = sorted((HERE / "fixtures" / "real").glob("*/*.xlsx")) + sorted(SAMPLE.glob("*.xlsx"))
    for path in paths:
        register = schema.REGISTERS[path.stem]
        workbook = CalamineWorkbook.from_path(str(path))
        fits = [_plain_fit(workbook.get_sheet_by_name(n).to_python(skip_empty_area=False), register)
                for n in workbook.sheet_names]
        assert sheets.open_sheet(path, register).name == workbook.sheet_names[fits.index(max(fits))], path


MARK_PIECES = [b"<f", b":f", b'="e"', b"='e'", b"<", b"f", b":", b"=", b'"', b"'", b"e", b"x", b"<c r=\"A1\">", b"ff"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(MARK_PIECES[4:]), max_size=60), st.lists(st.sampled_from(MARK_PIECES), max_size=3))
def test_marks_found_by_numpy_are_those_found_as_bytes(plain, marked):
    for xml in (b"".join(plain), b"".join(plain + marked), b"".join(marked + plain)):
        expected = any(mark in xml for mark in sheets._MARKS)
        saved = sheets.MARK_WORDS_BYTES
        try:
            for threshold in (0, 1 << 15, 1 << 40):
                sheets.MARK_WORDS_BYTES = threshold
                assert sheets._marked(xml) == expected, xml
        finally:
            sheets.MARK_WORDS_BYTES = saved


def test_marks_in_a_longer_sheet_are_found_wherever_they_are():
    body = b"<row><c r=\"A1\" t=\"n\"><v>1</v></c></row>" * 2000
    assert len(body) > sheets.MARK_WORDS_BYTES and not sheets._marked(body)
    for mark in sheets._MARKS:
        for at in (0, 1, 2, 3, len(body) // 2 + 1, len(body) - 1):
            assert sheets._marked(body[:at] + mark + body[at:]), (mark, at)


REF_PIECES = [b' r="', b"A", b"Z", b"AB", b"XFD", b"ABCD", b"0", b"9", b"1234", b"12345", b"99999", b"123456789",
              b"1234567890", b'"', b" ", b"x", b'<row r="7">', b'<c r="B12" t="s"><v>3</v></c>', b' r="A9999"',
              b' r="Z1"', b' r="AA1"', b' r="10000"', b' r="A0']


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(REF_PIECES), max_size=40))
def test_small_references_bound_the_farthest_cell(pieces):
    xml = b"".join(pieces)
    far = _refs_by_regex(xml)
    if safeio._small_refs(xml, safeio._ref_starts(xml)):
        assert far is None or (far[0] <= safeio.SMALL_REFS[0] and far[1] <= safeio.SMALL_REFS[1]), xml
    assert safeio._farthest(xml, starts=safeio._ref_starts(xml)) == far


def _workbook(sheet_xml: bytes, shared: int) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if shared:
            book.writestr("xl/sharedStrings.xml", b"<sst>" + b"<si><t>a</t></si>" * shared + b"</sst>")
    return zipfile.ZipFile(buffer)


def _refusal(book: zipfile.ZipFile):
    try:
        safeio.xlsx_preflight(book, None, "x.xlsx")
    except safeio.UnsafeInput as exc:
        return exc.code, exc.detail
    return None


@pytest.mark.parametrize("dimension", [b"", b'<dimension ref="A1:F20"/>', b'<dimension ref="A1:ZZ9000"/>',
                                       b'<dimension ref="A1:XFD1048576"/>'])
@pytest.mark.parametrize("refs", [[b'<c r="A5">'], [b'<c r="F9999">', b'<row r="12">'], [b'<c r="Z100000">'],
                                  [b'<c r="AB3">'], [b'<row r="100">'], []])
def test_a_sheet_refused_with_the_bound_is_refused_without(monkeypatch, dimension, refs):
    xml = b"<worksheet>" + dimension + b"<sheetData>" + b"".join(refs) + b"</sheetData></worksheet>"
    for shared in (0, 3):
        with_bound = _refusal(_workbook(xml, shared))
        with monkeypatch.context() as patched:
            patched.setattr(safeio, "_small_refs", lambda xml, at: False)
            assert _refusal(_workbook(xml, shared)) == with_bound


@FAST
@given(st.lists(st.one_of(st.none(), st.sampled_from(["HS-1", "HS-2", "hs-1", "HS-1 ", "3", ""])), max_size=30),
       st.sampled_from([convert.STRING, convert.STRING_NAN, object]))
def test_codes_ruled_out_by_a_set_repeat_nowhere(codes, dtype):
    column = pd.Series(pd.array(codes, dtype=dtype) if dtype is not object else np.array(codes + [0], object)[:-1],
                       index=pd.Index(np.arange(len(codes), dtype=np.int64) + 3, name="row"))
    assert [repr(p) for p in _duplicates(column, "f.csv", "Mã", "A")] == [
        repr(p) for p in _plain_duplicates(column, "f.csv", "Mã", "A")]


def _plain_member(book: zipfile.ZipFile, name):
    from xml.etree import ElementTree

    saved = sheets._parsed
    try:
        sheets._parsed = ElementTree.fromstring
        return sheets._sheet_member(book, name)
    finally:
        sheets._parsed = saved


def test_sheet_members_found_with_kept_xml_are_the_plain_ones():
    from python_calamine import CalamineWorkbook

    sheets._parsed_short.cache_clear()
    paths = sorted((HERE / "fixtures" / "real").glob("*/*.xlsx")) + sorted(SAMPLE.glob("*.xlsx"))
    for _ in range(2):
        for path in paths:
            names = CalamineWorkbook.from_path(str(path)).sheet_names + [None, "no such sheet"]
            with zipfile.ZipFile(path) as book:
                for name in names:
                    assert sheets._sheet_member(book, name) == _plain_member(book, name), (path, name)
                    assert sheets._formula_cells(book, name) == sheets._formula_cells(path, name)


def _plain_cell_types(cells):
    types = list(map(type, cells))
    kinds = list(dict.fromkeys(types))
    number = {kind: at for at, kind in enumerate(kinds)}
    return [number[t] for t in types], kinds


@FAST
@given(st.one_of(st.lists(cells, max_size=30), st.lists(st.text(max_size=3), max_size=30),
                 st.lists(st.floats(), max_size=30), st.lists(st.integers(), max_size=30)))
def test_cells_of_one_type_are_typed_and_told_as_each_alone(values):
    from cchc_audit.convert import cell_texts, cell_types

    column = np.fromiter(values, dtype=object, count=len(values))
    which, kinds = cell_types(column)
    assert (which.tolist(), kinds) == _plain_cell_types(values)
    codes, uniques = distinct(column)
    plain_codes, plain_uniques = pd.factorize(column)
    if len(plain_codes) == len(codes) and (plain_codes >= 0).all() and not any(isinstance(u, tuple) for u in uniques):
        assert codes.tolist() == plain_codes.tolist() and all(a is b for a, b in zip(uniques, list(plain_uniques)))
    assert cell_texts(uniques).tolist() == [_text(cell_of(u)) for u in uniques]


dates = st.one_of(st.none(), st.dates(dt.date(2023, 12, 1), dt.date(2024, 2, 1)))


@FAST
@given(st.lists(st.tuples(dates, dates, dates), max_size=12), st.dates(dt.date(2023, 12, 1), dt.date(2024, 2, 1)),
       st.sampled_from(["ns", "us", "s"]))
def test_dates_ruled_out_at_once_are_those_pandas_finds(rows, today, unit):
    from cchc_audit import validate
    from cchc_audit.registers import UnitData
    from cchc_audit.unit import Unit

    def column(i):
        return pd.Series(pd.to_datetime([r[i] for r in rows]).astype(f"datetime64[{unit}]"),
                         index=pd.Index(np.arange(len(rows), dtype=np.int64) + 2, name="row"))

    frame = pd.DataFrame({"ngay_tiep_nhan": column(0), "ngay_hen_tra": column(1), "ngay_co_ket_qua": column(2)})
    for values, bound in ((frame["ngay_tiep_nhan"], pd.Timestamp(today)), (frame["ngay_tiep_nhan"], frame["ngay_co_ket_qua"]),
                          (frame["ngay_hen_tra"].astype(object), pd.Timestamp(today))):
        assert not validate._none_after(values, bound) or not (values > bound).fillna(False).any()
    data = UnitData(data_dir=Path("."), unit=Unit(folder="t"), registers={"ho_so": frame})
    fast = validate.all_problems(data, today=today)
    saved = validate._none_after
    try:
        validate._none_after = lambda values, bound: False
        assert [repr(p) for p in fast] == [repr(p) for p in validate.all_problems(data, today=today)]
    finally:
        validate._none_after = saved


def test_long_texts_are_worked_out_but_not_kept():
    """The memos of recurring words and date texts keep short texts only: a cell may hold 32,767
    characters, and a batch worker lives through thousands of registers."""
    from cchc_audit import convert, text

    long = "Ngày tiếp nhận " * 40
    assert len(long) > text.KEPT_CHARS
    for memo, call, expected in ((text._slug_text, lambda: text.slug(long), text._NON_WORD.sub("_", text.fold(long)).strip("_")),
                                 (convert._date_text, lambda: convert._date_of(long, None), convert._date_cell(long))):
        before = memo.cache_info()
        assert call() == expected
        after = memo.cache_info()
        assert (after.hits, after.misses, after.currsize) == (before.hits, before.misses, before.currsize)
    import uuid

    short = f"Ngày tiếp nhận {uuid.uuid4().hex}"  # not met before in this process
    misses = text._slug_text.cache_info().misses
    text.slug(short), text.slug(short)
    assert text._slug_text.cache_info().misses == misses + 1


def test_a_sheet_too_large_is_named_by_its_far_corner():
    """The refusal says where to look: the sheet's member, its last row and the cell where that row
    meets its last column (where Excel's Ctrl+End goes), even when no one cell is both."""
    xml = b'<worksheet><sheetData><row r="3"><c r="XFD3"/></row><row r="70000"><c r="B70000"/></row></sheetData></worksheet>'
    with pytest.raises(safeio.UnsafeInput) as refused:
        safeio.xlsx_preflight(_workbook(xml, 0), None, "x.xlsx")
    assert (refused.value.code, refused.value.member) == ("xlsx_too_large", "xl/worksheets/sheet1.xml")
    assert (refused.value.line, refused.value.cell) == (70000, "XFD70000")


def test_a_refused_sheet_is_named_in_one_pass_over_the_workbook():
    """A hostile workbook may list thousands of sheets: naming the refused one reads
    xl/workbook.xml and its relationships once, not once per sheet (which took minutes)."""
    from cchc_audit import sheets

    count = 3000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr("xl/workbook.xml", "<workbook><sheets>" + "".join(
            f'<sheet name="S{i}" sheetId="{i}" r:id="rId{i}" xmlns:r="urn:r"/>' for i in range(1, count + 1))
            + "</sheets></workbook>")
        book.writestr("xl/_rels/workbook.xml.rels", "<Relationships>" + "".join(
            f'<Relationship Id="rId{i}" Target="worksheets/Sheet{i}.xml"/>' for i in range(1, count + 1))
            + "</Relationships>")
        for i in range(1, count + 1):
            book.writestr(f"xl/worksheets/sheet{i}.xml", "<worksheet/>")  # found in any letter case

    class Counted(zipfile.ZipFile):
        reads = 0

        def read(self, name, pwd=None):
            Counted.reads += 1
            return super().read(name, pwd)

    book = Counted(io.BytesIO(buffer.getvalue()))
    assert sheets._sheet_name(book, f"xl/worksheets/sheet{count}.xml") == f"S{count}"
    assert Counted.reads == 2
    assert sheets._sheet_member(book, "S17") == "xl/worksheets/sheet17.xml"
    assert sheets._sheet_member(book, None) == "xl/worksheets/sheet1.xml"
    assert sheets._sheet_name(book, "xl/worksheets/nowhere.xml") is None
