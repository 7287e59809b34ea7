"""The Arrow reader of big XLSX sheets reads exactly what python-calamine reads (issue 16).

arrowsheet.py reads a sheet's first rows with python-calamine and the rest with fastexcel; it must
either decline or give the same cell for cell (type and value). Compared here: every workbook
fixture of the tests and the sample, the bad-input corpus's XLSX cases, and workbooks generated
by hypothesis (columns of typed cells, mixed columns, blanks, errors, merges, formulas), with the
fast path forced on small files and the head cut short so that fastexcel really reads rows.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import math
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from bad_inputs.build import CASES, build, write_clean
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from cchc_audit import arrowsheet, schema, sheets
from cchc_audit.registers import load_unit

pytest.importorskip("fastexcel")
pytest.importorskip("pyarrow")

TESTS = Path(__file__).parent
SAMPLE = TESTS.parent / "data" / "sample"
WORKBOOKS = sorted({*TESTS.rglob("*.xlsx"), *SAMPLE.glob("*.xlsx")})


def register_of(path: Path):
    return schema.REGISTERS.get(path.stem)


def same_cell(a, b) -> bool:
    if type(a) is not type(b):
        return False
    return a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b))


def rows_of(sheet: sheets.Sheet) -> list[list]:
    return [list(row) for row in sheets.cell_grid(sheet.rows)]


def assert_same_sheet(fast: sheets.Sheet, old: sheets.Sheet) -> None:
    assert (fast.kind, fast.name, fast.index, fast.sheet_count, fast.sha256) == (
        old.kind, old.name, old.index, old.sheet_count, old.sha256)
    assert (fast.merges, fast.hidden, fast.formulas) == (old.merges, old.hidden, old.formulas)
    a, b = rows_of(fast), rows_of(old)
    assert len(a) == len(b) and all(len(x) == len(y) for x, y in zip(a, b))
    for r, (x, y) in enumerate(zip(a, b)):
        for c, (u, v) in enumerate(zip(x, y)):
            assert same_cell(u, v), (r, c, u, v)


def read_fast(path: Path, register, monkeypatch, head: int | None = None, split: bool = False):
    """The sheet as the fast path reads it; `split`: the rows below the head read in parts, side by
    side, as a big sheet's are."""
    with monkeypatch.context() as patch:
        patch.setattr(arrowsheet, "MIN_BYTES", 0)
        if head is not None:
            patch.setattr(arrowsheet, "HEAD_ROWS", head)
        if split:
            patch.setattr(arrowsheet, "PART_BYTES", 1)
        return sheets.open_sheet(path, register)


def read_old(path: Path, register, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(arrowsheet, "MIN_BYTES", 1 << 60)
        old = sheets.open_sheet(path, register)
    assert old.reader == "calamine"
    return old


def read_both(path: Path, register, monkeypatch, head: int | None = None, split: bool = False):
    """(the sheet as the fast path reads it, as python-calamine reads it)."""
    return read_fast(path, register, monkeypatch, head, split), read_old(path, register, monkeypatch)


def outcome(read):
    """What `read()` gives, or the type of what it raised (python-calamine panics are BaseExceptions)."""
    try:
        return read()
    except BaseException as exc:  # noqa: BLE001 - compared, not swallowed: both readers must do alike
        if isinstance(exc, (KeyboardInterrupt, SystemExit, AssertionError)):
            raise
        return type(exc)


def assert_same_outcome(path: Path, register, monkeypatch, head=None, split=False) -> tuple:
    """Both readers read `path` alike: the same cells, or the same exception."""
    fast = outcome(lambda: read_fast(path, register, monkeypatch, head, split))
    old = outcome(lambda: read_old(path, register, monkeypatch))
    if isinstance(old, type) or isinstance(fast, type):
        assert fast == old
    return fast, old


@pytest.mark.parametrize("head, split", [(None, False), (1, True), (4, False), (4, True), (9, True)])
@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: str(p.relative_to(TESTS.parent)))
def test_every_workbook_fixture_reads_the_same_or_is_declined(path, head, split, monkeypatch):
    fast, old = assert_same_outcome(path, register_of(path), monkeypatch, head, split)
    if isinstance(old, type):  # a damaged fixture: both readers refused it alike
        return
    if head is not None and fast.name != old.name:
        return  # a head shorter than the header search may choose another sheet: only in this test
    assert_same_sheet(fast, old)


@pytest.mark.parametrize("split", [False, True])
def test_the_sample_register_is_read_by_the_fast_path(split, monkeypatch):
    fast, old = read_both(SAMPLE / "ho_so.xlsx", schema.REGISTERS["ho_so"], monkeypatch, 9, split)
    assert fast.reader == "arrow"
    assert_same_sheet(fast, old)


def unit_result(folder: Path):
    data = load_unit(folder)
    return data.registers, data.problems, data.notices, data.headers, data.letters


def assert_same_unit(folder: Path, monkeypatch, head: int | None) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(arrowsheet, "MIN_BYTES", 0)
        if head is not None:
            patch.setattr(arrowsheet, "HEAD_ROWS", head)
            patch.setattr(arrowsheet, "PART_BYTES", 1 if head % 2 else arrowsheet.PART_BYTES)
        fast = unit_result(folder)
    with monkeypatch.context() as patch:
        patch.setattr(arrowsheet, "MIN_BYTES", 1 << 60)
        old = unit_result(folder)
    assert fast[0].keys() == old[0].keys()
    for name in old[0]:
        pd.testing.assert_frame_equal(fast[0][name], old[0][name], check_exact=True)
        assert fast[0][name].attrs == old[0][name].attrs
    assert fast[1:] == old[1:]


@pytest.mark.parametrize("head", [None, 3, 7])
def test_the_sample_unit_loads_the_same(head, monkeypatch, tmp_path):
    shutil.copytree(SAMPLE, tmp_path / "u")
    assert_same_unit(tmp_path / "u", monkeypatch, head)


@pytest.fixture(scope="module")
def clean_xlsx(tmp_path_factory) -> Path:
    return write_clean(tmp_path_factory.mktemp("clean") / "xlsx", "xlsx")


@pytest.mark.parametrize("case", [name for name, fmt in CASES if fmt == "xlsx"] + ["several"])
def test_every_bad_input_case_loads_the_same(case, clean_xlsx, monkeypatch, tmp_path):
    build(case, "xlsx", tmp_path / "u", clean_xlsx)
    assert_same_unit(tmp_path / "u", monkeypatch, 3)


# --- generated workbooks ------------------------------------------------------------------------

texts = st.one_of(
    st.sampled_from(["", " ", "NA", "nan", "NaN", "null", "N/A", "#N/A", "0", "12", "1.5", "1e5", "true",
                     "01/02/2024", "2024-01-02", "Nguyễn Văn A", "Nguye\u0302\u0303n", 'a"b\\c', "x\ny\tz", "'q'"]),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
)
numbers = st.one_of(st.integers(-10**6, 10**6).map(float), st.floats(allow_nan=False, allow_infinity=False,
                                                                     width=64, min_value=-1e15, max_value=1e15))
# from 1900-01-01 (calamine's day 60 that never was lies in these), to the microsecond, and a day's
# last microsecond (openpyxl writes it a hair from midnight)
dates = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))
datetimes = st.one_of(st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 12, 31)),
                      st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)).map(
                          lambda d: dt.datetime.combine(d, dt.time.max)))
times = st.one_of(st.times(), st.just(dt.time.max))
KINDS = {"text": texts, "number": numbers, "date": dates, "datetime": datetimes, "time": times,
         "bool": st.booleans(), "blank": st.none(), "error": st.just("#N/A"), "formula": st.just("=1+1")}


@st.composite
def workbooks(draw):
    width = draw(st.integers(1, 4))
    columns = []
    for _ in range(width):
        kinds = draw(st.lists(st.sampled_from(sorted(KINDS)), min_size=1, max_size=3, unique=True))
        columns.append(kinds)
    height = draw(st.integers(1, 14))
    header_at = draw(st.integers(0, 3))
    cells = [[draw(st.one_of(st.none(), *(KINDS[k] for k in kinds))) for kinds in columns] for _ in range(height)]
    merges = draw(st.lists(st.tuples(st.integers(0, height + header_at), st.integers(0, width - 1)), max_size=2))
    return header_at, columns, cells, merges


def write(header_at, columns, cells, merges) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.cell(1, 1, "SỔ THEO DÕI")
    for c, kinds in enumerate(columns, start=1):
        sheet.cell(header_at + 2, c, f"Cột {'/'.join(kinds)}")
    for r, row in enumerate(cells, start=header_at + 3):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(r, c)
            if value == "#N/A":
                cell.value, cell.data_type = value, "e"
            else:
                cell.value = value
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime) and r % 2:
                cell.number_format = "dd/mm/yyyy"
    done = set()
    for r, c in merges:
        if (r, c) not in done and (r + 1, c) not in done:
            sheet.merge_cells(start_row=r + 1, start_column=c + 1, end_row=r + 2, end_column=c + 1)
            done |= {(r, c), (r + 1, c)}
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(workbooks(), st.integers(1, 5), st.booleans())
def test_generated_workbooks_read_the_same_or_are_declined(tmp_path, monkeypatch, book, head, split):
    path = tmp_path / "ho_so.xlsx"
    path.write_bytes(write(*book))
    fast, old = read_both(path, None, monkeypatch, head, split)
    # python-calamine alone exactly when no row lies below the head (no sheet cut)
    assert (fast.reader == "calamine") == (last_row(path) <= head), fast.reader
    event(fast.reader)  # how many the fast path read, in hypothesis's statistics
    assert_same_sheet(fast, old)


def last_row(path: Path) -> int:
    with zipfile.ZipFile(path) as book:
        xml = book.read("xl/worksheets/sheet1.xml")
    return max(map(int, re.findall(rb'<row [^>]*r="(\d+)"', xml)), default=0)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["text", "number", "date", "bool"]), min_size=1, max_size=4), st.data())
def test_columns_of_one_type_are_read_by_fastexcel(tmp_path, monkeypatch, kinds, data):
    cells = [[data.draw(st.one_of(st.none(), KINDS[k]) if k != "text" else st.text("abcđươ", min_size=1))
              for k in kinds] for _ in range(8)]
    # Rows below the head to read at all (a sheet whose every row is in the head is python-calamine's).
    assume(any(value is not None for value in cells[-1]))
    path = tmp_path / "ho_so.xlsx"
    path.write_bytes(write(0, [[k] for k in kinds], cells, []))
    fast, old = read_both(path, None, monkeypatch, 2, data.draw(st.booleans()))
    assert fast.reader == "arrow"
    assert_same_sheet(fast, old)


def test_a_date_column_with_dates_typed_as_text_is_read_by_fastexcel(tmp_path, monkeypatch):
    cells = [[dt.date(2024, 1, 1 + i) if i % 3 else f"0{i}/01/2024", float(i)] for i in range(1, 9)]
    cells[4][0] = None
    path = tmp_path / "ho_so.xlsx"
    path.write_bytes(write(0, [["date", "text"], ["number"]], cells, [(5, 0)]))
    fast, old = read_both(path, None, monkeypatch, 3, True)
    assert fast.reader == "arrow"
    assert_same_sheet(fast, old)


@pytest.mark.parametrize("value, declined", [("#N/A", True), ("nan", True), ("12", True), ("=1+1", False)])
def test_what_fastexcel_cannot_tell_apart_is_declined(value, declined, tmp_path, monkeypatch):
    cells = [[float(i)] for i in range(10)]
    cells[7][0] = value
    path = tmp_path / "ho_so.xlsx"
    path.write_bytes(write(0, [["number"]], cells, []))
    fast, old = read_both(path, None, monkeypatch, 3)
    assert fast.reader == ("declined" if declined else "arrow")
    assert_same_sheet(fast, old)


def test_an_elapsed_time_format_is_read_whole_by_calamine(tmp_path, monkeypatch):
    book = openpyxl.Workbook()
    for r in range(1, 12):
        book.active.cell(r, 1, dt.time(1, r)).number_format = "[h]:mm"
    path = tmp_path / "ho_so.xlsx"
    book.save(path)
    fast, old = read_both(path, None, monkeypatch, 3)
    assert fast.reader == "calamine"
    assert_same_sheet(fast, old)


def test_rust_debug_strings_read_back():
    assert arrowsheet._value("Expected duration but got 'String(\"a\\\"b\\\\c\\nd\\u{301}\")'") == ('a"b\\c\nd\u0301',)
    assert arrowsheet._value("Expected duration but got 'SharedString(\"x'y\")'") == ("x'y",)
    assert arrowsheet._value("Expected duration but got 'Float(1e20)'") == (1e20,)
    assert arrowsheet._value("Expected duration but got 'Bool(false)'") == (False,)
    assert arrowsheet._value("Expected duration but got 'Error(NA)'") == ("",)
    assert arrowsheet._value("Expected duration but got 'Float(NaN)'") is None
    assert arrowsheet._value("Expected duration but got 'String(\"\\q\")'") is None
    assert arrowsheet._value("Expected date but got 'Int(3)'") is None


@pytest.mark.parametrize("mark", sheets._MARKS)
def test_the_marks_are_found_by_numpy_as_by_a_byte_search(mark, monkeypatch):
    monkeypatch.setattr(sheets, "MARK_WORDS_BYTES", 0)
    monkeypatch.setattr(sheets, "MARK_STEP", 1024)
    size = 3 * 1024 + 64  # more pieces: marks across the cuts between them
    for at in (0, 1, 2, 3, 1021, 1022, 1023, 1024, 2047, size - len(mark)):
        data = bytearray(b"<c r=" * (size // 5 + 1))[:size]
        data[at:at + len(mark)] = mark
        assert sheets._marked(bytes(data)) == (mark in data), at
    assert not sheets._marked(bytes(b"<c r=" * (size // 5)))


class PanicException(BaseException):
    """As pyo3 names a panic of Rust code: not an Exception."""


@pytest.mark.parametrize("error", [OSError("no memory file"), PanicException("index out of bounds")])
def test_a_failure_of_the_fast_path_falls_back_to_calamine(error, monkeypatch, caplog):
    def fail(*args):
        raise error

    monkeypatch.setattr(arrowsheet, "_sheet", fail)
    with caplog.at_level(logging.DEBUG, logger="cchc_audit.arrowsheet"):
        fast, old = read_both(SAMPLE / "ho_so.xlsx", schema.REGISTERS["ho_so"], monkeypatch, 9, True)
    assert fast.reader == "declined"
    assert_same_sheet(fast, old)
    assert str(error) in caplog.text  # the reason, at DEBUG


def test_an_interrupt_is_not_taken_for_a_decline(monkeypatch):
    def fail(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(arrowsheet, "_sheet", fail)
    with pytest.raises(KeyboardInterrupt):
        read_fast(SAMPLE / "ho_so.xlsx", schema.REGISTERS["ho_so"], monkeypatch, 9)


def test_the_head_holds_every_row_the_header_is_searched_in():
    assert arrowsheet.HEAD_ROWS >= sheets.HEADER_SEARCH_ROWS


# --- workbooks written as XML: what openpyxl does not write -------------------------------------

def _date_style() -> bytes:
    """openpyxl's styles part with a date-time format at index 1 (s="1")."""
    book = openpyxl.Workbook()
    book.active["A1"] = 1.5
    book.active["A1"].number_format = "dd/mm/yyyy hh:mm:ss"
    out = io.BytesIO()
    book.save(out)
    return zipfile.ZipFile(out).read("xl/styles.xml")


DATE_STYLE = _date_style()


def xml_book(path: Path, rows: list[str], rename: dict[str, str] | None = None, styles: bytes = DATE_STYLE) -> Path:
    """An XLSX whose one sheet holds `rows` (row elements, as written); `rename`: members moved to
    other names (other letter case), the relationships and content types pointing at them."""
    book = openpyxl.Workbook()
    book.active["A1"] = "x"
    out = io.BytesIO()
    book.save(out)
    rename = rename or {}
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"<sheetData>.*</sheetData>|<sheetData ?/>", b"<sheetData>" + "".join(rows).encode()
                              + b"</sheetData>", re.sub(rb"<dimension[^>]*/>", b"", data), flags=re.S)
            if info.filename == "xl/styles.xml":
                data = styles
            if info.filename.endswith(".rels") or info.filename == "[Content_Types].xml":
                for old, new in rename.items():  # targets are written from xl/ or whole
                    data = data.replace(old.encode(), new.encode()).replace(old[3:].encode(), new[3:].encode())
            copy.writestr(rename.get(info.filename, info.filename), data)
    return path


def text_row(r: int, *texts: str) -> str:
    cells = "".join(f'<c r="{chr(65 + c)}{r}" t="inlineStr"><is><t>{t}</t></is></c>' for c, t in enumerate(texts))
    return f'<row r="{r}">{cells}</row>'


def value_row(r: int, *values, style: str = "", kind: str = "") -> str:
    """A row of <v> cells; `style` ' s="1"' for dates, `kind` ' t="d"' for ISO dates (any quotes)."""
    cells = "".join(f'<c r="{chr(65 + c)}{r}"{style}{kind}><v>{v}</v></c>' for c, v in enumerate(values))
    return f'<row r="{r}">{cells}</row>'


def numbers_rows(first: int, last: int) -> list[str]:
    return [value_row(r, r, r * 2, r * 3) for r in range(first, last + 1)]


@pytest.mark.parametrize("late, split, declined", [(2, False, True), (3, False, True), (2, True, True),
                                                   (10, True, True), (10, False, False), (30, True, False)])
def test_rows_out_of_order_are_declined(late, split, declined, tmp_path, monkeypatch):
    """A row of the head, or of an earlier part, written again after the rows below it, is declined;
    again in its own part, fastexcel places it as python-calamine does."""
    rows = [text_row(1, "a", "b", "c")] + numbers_rows(2, 40) + [value_row(late, 99, 99, 99)]
    path = xml_book(tmp_path / "ho_so.xlsx", rows)
    monkeypatch.setattr(arrowsheet.os, "cpu_count", lambda: 2)  # split: two parts, from rows 4 and about 23
    fast, old = read_both(path, None, monkeypatch, 3, split)
    assert fast.reader == ("declined" if declined else "arrow")
    assert_same_sheet(fast, old)


def test_a_cell_naming_a_row_above_its_own_is_declined(tmp_path, monkeypatch):
    rows = [text_row(1, "a", "b", "c")] + numbers_rows(2, 40)
    rows[20] = rows[20].replace('<c r="C21">', '<c r="C2">')
    path = xml_book(tmp_path / "ho_so.xlsx", rows)
    fast, old = read_both(path, None, monkeypatch, 3)
    assert fast.reader == "declined"
    assert_same_sheet(fast, old)


def test_rows_in_order_are_read_by_fastexcel_in_several_parts(tmp_path, monkeypatch):
    rows = [text_row(1, "a", "b", "c")] + numbers_rows(2, 200)
    path = xml_book(tmp_path / "ho_so.xlsx", rows)
    loads = []
    real = arrowsheet._load
    monkeypatch.setattr(arrowsheet, "_load", lambda *args: loads.append(args[3]) or real(*args))
    monkeypatch.setattr(arrowsheet.os, "cpu_count", lambda: 8)
    fast, old = read_both(path, None, monkeypatch, 3, True)
    assert fast.reader == "arrow" and len(loads) == arrowsheet.MAX_PARTS
    assert_same_sheet(fast, old)


# Serial numbers python-calamine types by their exact value (a datetime, a time) where the milliseconds
# fastexcel gives say a whole day; NaN, which fastexcel gives as 0.
HAIRS = ["45000.9999999999", "0.99999999999", "1.0000000001", "45001.000000001", "0.999999995", "NaN",
         "4.50009999999999E4", "4.500100000000001e+4"]


@pytest.mark.parametrize("dated", [True, False])  # the column dated in the head (durations) or not (timestamps)
@pytest.mark.parametrize("serial", HAIRS)
def test_serials_a_hair_from_midnight_are_declined(serial, dated, tmp_path, monkeypatch):
    rows = [text_row(1, "Ngày"), value_row(2, 45000, style=' s="1"') if dated else text_row(2, "x")]
    rows += [value_row(r, serial if r == 6 else 45000 + r, style=' s="1"') for r in range(3, 10)]
    path = xml_book(tmp_path / "ho_so.xlsx", rows)
    fast, old = read_both(path, None, monkeypatch, 2)
    assert fast.reader == "declined"
    assert_same_sheet(fast, old)


def test_a_days_last_microsecond_is_declined(tmp_path, monkeypatch):
    book = openpyxl.Workbook()
    book.active.append(["Ngày tiếp nhận", "Giờ"])
    book.active.append([dt.datetime(2024, 5, 1, 8, 0), dt.time(8, 0)])
    for day in range(2, 12):
        book.active.append([dt.datetime(2024, 5, day, 23, 59, 59, 999999), dt.time(23, 59, 59, 999999)])
    path = tmp_path / "ho_so.xlsx"
    book.save(path)
    for head in (1, 2):
        fast, old = read_both(path, None, monkeypatch, head)
        assert fast.reader == "declined"
        assert_same_sheet(fast, old)


@pytest.mark.parametrize("quote", ['"', "'"])
def test_iso_dates_in_either_quotes_are_declined(quote, tmp_path, monkeypatch):
    rows = [text_row(1, "Ngày")] + [value_row(r, f"2024-01-{r:02d}T00:00:00", kind=f" t={quote}d{quote}")
                                    for r in range(2, 12)]
    path = xml_book(tmp_path / "ho_so.xlsx", rows)
    fast, old = read_both(path, None, monkeypatch, 1)
    assert fast.reader == "declined"
    assert_same_sheet(fast, old)


def _elapsed_style() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = dt.timedelta(hours=3)
    book.active["A1"].number_format = "[h]:mm"
    out = io.BytesIO()
    book.save(out)
    return zipfile.ZipFile(out).read("xl/styles.xml")


@pytest.mark.parametrize("rename", [{"xl/styles.xml": "xl/Styles.xml"}, {"xl/styles.xml": "xl/styles2.xml"}])
def test_styles_are_found_in_any_letter_case_or_the_fast_path_is_not_taken(rename, tmp_path, monkeypatch):
    rows = [text_row(1, "Thời gian")] + [value_row(r, r / 24 + 0.25, style=' s="1"') for r in range(2, 12)]
    path = xml_book(tmp_path / "ho_so.xlsx", rows, rename, styles=_elapsed_style())
    fast, old = read_both(path, None, monkeypatch, 2)
    assert fast.reader == "calamine"
    assert_same_sheet(fast, old)


RENAMES = [{"xl/worksheets/sheet1.xml": "xl/Worksheets/Sheet1.xml"}, {"xl/workbook.xml": "xl/Workbook.xml"},
           {"xl/_rels/workbook.xml.rels": "xl/_rels/Workbook.xml.rels"}]


@pytest.mark.parametrize("rename", RENAMES, ids=lambda r: next(iter(r.values())))
def test_members_in_other_letter_case_are_read_whole(rename, tmp_path, monkeypatch):
    """calamine finds members whatever their letter case: the sheet is never cut short unseen."""
    rows = [text_row(1, "STT", "Số")] + [value_row(r, r, r * 2) for r in range(2, 101)]
    path = xml_book(tmp_path / "ho_so.xlsx", rows, rename)
    fast, old = read_both(path, None, monkeypatch, 5)
    assert len(fast.rows) == len(old.rows) == 100
    assert_same_sheet(fast, old)


def test_a_relationship_target_in_other_letter_case_is_followed(tmp_path, monkeypatch):
    """The sample's register with its sheet's Target written Worksheets/Sheet1.xml (calamine finds it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(SAMPLE / "ho_so.xlsx") as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = re.sub(rb'Target="/?(?:xl/)?worksheets/sheet(\d+).xml"', rb'Target="Worksheets/Sheet\1.xml"', data)
            copy.writestr(info, data)
    path = tmp_path / "ho_so.xlsx"
    path.write_bytes(out.getvalue())
    fast, old = read_both(path, schema.REGISTERS["ho_so"], monkeypatch)
    assert fast.reader == "arrow" and len(fast.rows) == len(old.rows) > arrowsheet.HEAD_ROWS
    assert_same_sheet(fast, old)


def test_other_sheets_are_empty_in_a_parts_copy(tmp_path, monkeypatch):
    book = openpyxl.Workbook()
    book.active.title = "ho_so"
    for r in range(40):
        book.active.append([float(r), f"t {r}"])
    other = book.create_sheet("other")
    for r in range(400):
        other.append([float(r), f"other {r}"])
    path = tmp_path / "ho_so.xlsx"
    book.save(path)
    copies = []
    real = arrowsheet._write_part

    def spy(out, *args):
        real(out, *args)
        out.seek(0)
        with zipfile.ZipFile(out) as part:
            copies.append({n: part.read(n) for n in part.namelist() if n.startswith("xl/worksheets/")})

    monkeypatch.setattr(arrowsheet, "_write_part", spy)
    fast, old = read_both(path, None, monkeypatch, 3, True)
    assert fast.reader == "arrow" and copies
    assert all(c["xl/worksheets/sheet2.xml"] == arrowsheet._EMPTY_SHEET for c in copies)
    assert_same_sheet(fast, old)


def test_fastexcels_guess_is_not_logged_and_its_logger_is_left_alone(tmp_path, monkeypatch, caplog):
    book = openpyxl.Workbook()
    for r in range(1, 12):
        book.active.append([float(r), None, f"t{r}"])
        book.active.cell(r, 2).number_format = "0.00"  # an empty column fastexcel "guesses"
    path = tmp_path / "ho_so.xlsx"
    book.save(path)
    with caplog.at_level(logging.WARNING):
        fast, old = read_both(path, None, monkeypatch, 3)
        logging.getLogger("fastexcel.types.dtype").warning("another warning")
    assert fast.reader == "arrow"
    assert "Could not determine dtype" not in caplog.text and "another warning" in caplog.text
    assert logging.getLogger("fastexcel").level == logging.NOTSET


# Generated sheets in XML: rows in any order (some again), cells of every kind calamine reads, ISO
# dates in either quotes, serials at the edges, members in other letter case.
CELLS = st.one_of(
    st.integers(-5, 3000).map(lambda v: f'><v>{v}</v>'),
    st.sampled_from(["1.5", "1e-05", "NaN", "inf", "-0"] + HAIRS).map(lambda v: f'><v>{v}</v>'),
    st.sampled_from(["45000", "45000.5", "59", "60", "61", "0", "0.25", "2958465"] + HAIRS).map(
        lambda v: f' s="1"><v>{v}</v>'),
    st.sampled_from(["a", "Nguyễn", "01/02/2024", "&amp;"]).map(lambda v: f' t="inlineStr"><is><t>{v}</t></is>'),
    st.sampled_from(["2024-01-02", "2024-01-02T10:00:00", "10:30:00"]).flatmap(
        lambda v: st.sampled_from(['"', "'"]).map(lambda q: f' t={q}d{q}><v>{v}</v>')),
    st.sampled_from(["1", "0"]).map(lambda v: f' t="b"><v>{v}</v>'),
    st.just(' t="e"><v>#N/A</v>'),
)


@st.composite
def xml_books(draw):
    width = draw(st.integers(1, 3))
    kinds = [draw(st.lists(CELLS, min_size=1, max_size=3)) for _ in range(width)]  # a column's few cells
    height = draw(st.integers(2, 16))
    numbers = list(range(2, height + 2))
    if draw(st.booleans()):  # out of order: shuffled, or a row again
        numbers = draw(st.permutations(numbers)) + draw(st.lists(st.sampled_from(numbers), max_size=2))
    rows = [text_row(1, *(f"Cột {c}" for c in range(width)))]
    for r in numbers:
        cells = "".join(f'<c r="{chr(65 + c)}{r}"' + draw(st.sampled_from(kinds[c])) + "</c>" for c in range(width))
        rows.append(f'<row r="{r}">{cells}</row>')
    rename = draw(st.sampled_from([None] + RENAMES))
    return rows, rename


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(xml_books(), st.integers(1, 5), st.booleans())
def test_generated_xml_sheets_read_the_same_or_are_declined(tmp_path, monkeypatch, book, head, split):
    path = xml_book(tmp_path / "ho_so.xlsx", *book)
    fast, old = assert_same_outcome(path, None, monkeypatch, head, split)
    if not isinstance(old, type):
        event(fast.reader)
        assert_same_sheet(fast, old)


VALUES = st.one_of(st.sampled_from(["45000", "45000.5", "1.5", "1e-05", "NaN", "#N/A", "0.30000000000000004"] + HAIRS),
                   st.floats(allow_nan=False, allow_infinity=False).map(repr), st.text("0123456789.eE+-&", max_size=24))


@settings(max_examples=300, deadline=None)
@given(st.lists(VALUES, max_size=12), st.sampled_from([1, 2, 4096]))
def test_points_looked_at_one_by_one_find_what_one_search_finds(values, points):
    xml = "".join(f"<c><v>{v}</v></c>" for v in values).encode()
    plain = arrowsheet._HAIR.search(xml) is not None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(arrowsheet, "POINTS", points)
        found = arrowsheet._Marks(xml, 0).hair()
    # past POINTS points, the one pass over the values finds more (never less)
    assert found == plain if xml.count(b".") < points else found >= plain


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2958465), st.floats(-5.7e-9, 5.7e-9).filter(bool))
def test_every_serial_whose_milliseconds_say_midnight_but_is_not_whole_is_found(day, hair):
    serial = day + hair
    assume(serial != round(serial) and serial >= 1 - 5.8e-9)
    assert arrowsheet._Marks(f"<c><v>{serial!r}</v></c>".encode(), 0).hair()
