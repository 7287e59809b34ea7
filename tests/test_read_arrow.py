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
import math
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from bad_inputs.build import CASES, build, write_clean
from hypothesis import HealthCheck, assume, given, settings
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


def read_both(path: Path, register, monkeypatch, head: int | None = None, split: bool = False):
    """(the sheet as the fast path reads it, as python-calamine reads it); `split`: the rows below
    the head read in parts, side by side, as a big sheet's are."""
    with monkeypatch.context() as patch:
        patch.setattr(arrowsheet, "MIN_BYTES", 0)
        if head is not None:
            patch.setattr(arrowsheet, "HEAD_ROWS", head)
        if split:
            patch.setattr(arrowsheet, "PART_BYTES", 1)
        fast = sheets.open_sheet(path, register)
    with monkeypatch.context() as patch:
        patch.setattr(arrowsheet, "MIN_BYTES", 1 << 60)
        old = sheets.open_sheet(path, register)
    assert old.reader == "calamine"
    return fast, old


@pytest.mark.parametrize("head, split", [(None, False), (1, True), (4, False), (4, True), (9, True)])
@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: str(p.relative_to(TESTS.parent)))
def test_every_workbook_fixture_reads_the_same_or_is_declined(path, head, split, monkeypatch):
    try:
        fast, old = read_both(path, register_of(path), monkeypatch, head, split)
    except Exception as exc:  # noqa: BLE001 - a damaged fixture: both readers must refuse it alike
        with monkeypatch.context() as patch:
            patch.setattr(arrowsheet, "MIN_BYTES", 1 << 60)
            with pytest.raises(type(exc)):
                sheets.open_sheet(path, register_of(path))
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
dates = st.dates(dt.date(1900, 3, 1), dt.date(2100, 12, 31))
datetimes = st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(2100, 12, 31)).map(lambda d: d.replace(microsecond=0))
times = st.times().map(lambda t: t.replace(microsecond=0))
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
    assert fast.reader in ("arrow", "declined", "calamine")
    assert_same_sheet(fast, old)


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


def test_a_failure_of_the_fast_path_falls_back_to_calamine(monkeypatch):
    def fail(*args):
        raise OSError("no memory file")

    monkeypatch.setattr(arrowsheet, "_sheet", fail)
    fast, old = read_both(SAMPLE / "ho_so.xlsx", schema.REGISTERS["ho_so"], monkeypatch, 9, True)
    assert fast.reader == "declined"
    assert_same_sheet(fast, old)
