"""The fast reader reads exactly what the cell-by-cell reader read (issue 16).

Each fast path is compared with the plain one it replaces, on the committed LibreOffice fixtures,
the bad-input corpus's clean folders and CSV variants written here: the CSV parsed by pandas' C
parser against the csv module, the column work over distinct cells against cell by cell, the
numpy scan of an XLSX's cell references against the regex over every reference.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import random
import zipfile
from operator import itemgetter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from bad_inputs.build import write_clean

from cchc_audit import safeio, schema, sheets
from cchc_audit.convert import convert, swapped_dates
from cchc_audit.headers import blank, blank_cells, cell_grid, distinct
from cchc_audit.registers import load_unit, read_register

REAL = Path(__file__).parent / "fixtures" / "real"


@pytest.fixture(scope="module")
def clean_csv(tmp_path_factory) -> Path:
    return write_clean(tmp_path_factory.mktemp("clean") / "csv", "csv")


def csv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline=""), delimiter=";"))


def write_csv(rows, delimiter=";", terminator="\r\n", quoting=csv.QUOTE_MINIMAL) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=terminator, quoting=quoting).writerows(rows)
    return out.getvalue()


VARIANTS = ["utf8_bom_semicolon", "utf8_comma", "tab", "lf", "cr", "mixed_line_ends", "every_cell_quoted",
            "quoted_newlines", "blank_lines", "ragged_rows", "quote_inside_a_cell", "cp1258", "utf16_bom_tab",
            "utf16le_tab", "no_final_line_end", "ends_inside_quotes", "two_byte_order_marks",
            "text_after_closing_quote", "unclosed_quote"]


def variants(clean: Path) -> dict[str, bytes]:
    """ho_so.csv as spreadsheets and scripts write it: separators, line ends, encodings, quoting."""
    rows = csv_rows(clean / "ho_so.csv")
    text = write_csv(rows)
    name = 14  # the applicant's name: free text
    quoted = [list(r) for r in rows]
    quoted[5][name], quoted[9][name], quoted[12][name] = "Nguyễn\nVăn A", 'Trần "Tí" B; C', "x\r\ny"
    blank_lines = [list(r) for r in rows]
    for at, row in ((4, []), (8, ["   "]), (9, ["", ""])):
        blank_lines.insert(at, row)
    blank_lines += [[], []]
    ragged = [list(r) for r in rows]
    ragged[6], ragged[7] = ragged[6][:5], ragged[7] + ["", "ghi chú"]
    return {
        "utf8_bom_semicolon": codecs.BOM_UTF8 + text.encode(),
        "utf8_comma": write_csv(rows, ",").encode(),
        "tab": write_csv(rows, "\t").encode(),
        "lf": write_csv(rows, terminator="\n").encode(),
        "cr": write_csv(rows, terminator="\r").encode(),
        "mixed_line_ends": text.replace("\r\n", "\n", 5).encode(),
        "every_cell_quoted": write_csv(rows, ",", quoting=csv.QUOTE_ALL).encode(),
        "quoted_newlines": codecs.BOM_UTF8 + write_csv(quoted).encode(),
        "blank_lines": write_csv(blank_lines).encode(),
        "ragged_rows": write_csv(ragged).encode(),
        "quote_inside_a_cell": text.replace("Trực tuyến", 'Trực "tuyến"', 3).encode(),
        "cp1258": write_csv(rows).encode("cp1258", errors="replace"),
        "utf16_bom_tab": write_csv(rows, "\t").encode("utf-16"),
        "utf16le_tab": write_csv(rows, "\t").encode("utf-16-le"),
        "no_final_line_end": text.rstrip("\r\n").encode(),
        "ends_inside_quotes": (text.rstrip("\r\n") + ';"Tên\r\ncuối"').encode(),
        "two_byte_order_marks": codecs.BOM_UTF8 * 2 + text.encode(),
        # quote errors: the csv module says where (the fast path hands these files over to it)
        "text_after_closing_quote": text.replace(";", ';"ab"c;', 1).encode(),
        "unclosed_quote": "".join(line.replace(";", ';"ab', 1) if i == 12 else line
                                  for i, line in enumerate(text.splitlines(keepends=True))).encode(),
    }


def both_ways(path: Path, monkeypatch) -> tuple[tuple, tuple, list[bool]]:
    """read_register of `path` by the csv module and by pandas' C parser, and whether the latter
    parsed it (True) or handed it to the csv module (False)."""
    used: list[bool] = []
    grid = sheets._csv_grid

    def spy(*args):
        found = grid(*args)
        used.append(found is not None)
        return found

    monkeypatch.setattr(sheets, "_csv_grid", spy)
    results = []
    for fast in (1 << 62, 0):
        monkeypatch.setattr(sheets, "CSV_FAST_BYTES", fast)
        notices: list = []
        frame, headers, problems = read_register(path, schema.REGISTERS["ho_so"], notices)
        results.append((frame, headers, problems, notices))
    return results[0], results[1], used


def assert_same(slow: tuple, fast: tuple) -> None:
    (f1, h1, p1, n1), (f2, h2, p2, n2) = slow, fast
    assert (h1, p1, n1) == (h2, p2, n2)
    if f1 is None:
        assert f2 is None
        return
    pd.testing.assert_frame_equal(f1, f2, check_exact=True)
    assert f1.attrs == f2.attrs


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_csv_reads_the_same_through_pandas_c_parser(variant, clean_csv, tmp_path, monkeypatch):
    path = tmp_path / "ho_so.csv"
    path.write_bytes(variants(clean_csv)[variant])
    slow, fast, used = both_ways(path, monkeypatch)
    assert_same(slow, fast)
    handed_over = {"two_byte_order_marks", "text_after_closing_quote", "unclosed_quote"}
    assert used == [variant not in handed_over]  # the C parser read it, or the csv module did


def test_a_quote_error_names_the_row_the_csv_module_names(clean_csv, tmp_path, monkeypatch):
    text = write_csv(csv_rows(clean_csv / "ho_so.csv"))
    lines = text.splitlines(keepends=True)
    lines[3] = 'TT-1;"Nguyễn\r\nVăn A";x\r\n'  # a quoted line end: one row, two lines
    lines[12] = lines[12].replace(";", ';"ab', 1)  # never closed: row 12 counting that one as one
    path = tmp_path / "ho_so.csv"
    path.write_bytes("".join(lines).encode())
    monkeypatch.setattr(sheets, "CSV_FAST_BYTES", 0)
    _, _, problems = read_register(path, schema.REGISTERS["ho_so"])
    assert [(p.code, p.row) for p in problems] == [("csv_quote", 13)]


def test_every_csv_of_the_fixtures_and_the_clean_unit_reads_the_same(clean_csv, monkeypatch):
    for path in [*sorted(REAL.glob("*/*.csv")), *sorted(clean_csv.glob("*.csv"))]:
        register = schema.REGISTERS[path.stem]
        results = []
        for fast in (1 << 62, 0):
            monkeypatch.setattr(sheets, "CSV_FAST_BYTES", fast)
            notices: list = []
            results.append((*read_register(path, register, notices), notices))
        assert_same(*results)


def test_strict_quotes_agrees_with_the_csv_module():
    alphabet = ['a', 'b', ';', '"', '""', '\n', '\r', '\r\n', ' ', 'é']
    rng = random.Random(16)
    for _ in range(4000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";", strict=True))
            strict = True
        except csv.Error:
            strict = False
        assert sheets._strict_quotes(text, ";") == strict, repr(text)
        if not strict or text.startswith("\ufeff") or not text:
            continue
        grid = sheets._csv_grid(text.encode(), text, "UTF-8", ";")
        if grid is None:  # pandas failed or warned (a row wider than its widest line): the csv module reads
            continue
        # The same cells; a grid may be wider or narrower by columns that are empty in every row.
        width = max(max(map(len, rows), default=0), grid.shape[1])
        assert grid.shape[0] == len(rows), repr(text)
        assert [list(row) + [""] * (width - len(row)) for row in grid] == [
            row + [""] * (width - len(row)) for row in rows], repr(text)


def _refs_by_regex(xml: bytes):
    refs = safeio._REF.findall(xml)
    if not refs:
        return None
    letters, digits = set(map(itemgetter(0), refs)), set(map(itemgetter(1), refs))
    widest = max(letters, key=lambda letters: (len(letters), letters))
    return max(map(int, digits)), safeio._column_number(widest)


def test_the_farthest_cell_is_found_as_the_regex_finds_it():
    pieces = [b' r="', b'A', b'Z', b'Q', b'0', b'9', b'1', b'"', b' ', b'r', b'=', b'AB', b'XFD', b'ABCD',
              b'1234567890', b'123456789', b'00', b'<row r="7">', b'<c r="B12" t="s"><v>3</v></c>', b'x' * 20,
              b' r="A0', b' r="AZ9"', b' r="ZA1"']
    rng = random.Random(15)
    for _ in range(3000):
        xml = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 120)))
        assert safeio._farthest(xml) == _refs_by_regex(xml), xml
    for path in sorted(REAL.glob("*/*.xlsx")) + sorted(Path(__file__).parents[1].glob("data/sample/*.xlsx")):
        with zipfile.ZipFile(path) as book:
            for member in book.namelist():
                if member.startswith("xl/worksheets/") and member.endswith(".xml"):
                    xml = book.read(member)
                    assert safeio._farthest(xml) == _refs_by_regex(xml), (path, member)


def test_a_sheet_inflated_in_pieces_is_scanned_whole(tmp_path):
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="{"XFD" if r == 77_777 else "C"}{r}">'
                   f'<v>1</v></c></row>' for r in range(1, 200_001))
    xml = f'<worksheet><sheetData>{rows}</sheetData></worksheet>'.encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/worksheets/sheet1.xml", xml)
    with zipfile.ZipFile(buffer) as book:
        assert book.getinfo("xl/worksheets/sheet1.xml").file_size >= 1 << 22  # the threaded way
        read, far = safeio._unzip_scanned(book, "xl/worksheets/sheet1.xml", safeio.XLSX_MAX_UNZIPPED, "x.xlsx")
    assert read == xml and far == (200_000, 16_384) == _refs_by_regex(xml)


def test_distinct_cells_keep_booleans_numbers_and_missing_apart():
    values = np.array([1.0, True, "1", None, float("nan"), 0, False, dt.date(2024, 1, 5), "", "  "], dtype=object)
    codes, uniques = distinct(values)
    cells = [u[1] if isinstance(u, tuple) else u for u in uniques]
    rebuilt = [cells[c] for c in codes]
    assert [type(v) for v in rebuilt] == [type(v) for v in values]
    assert [repr(v) for v in rebuilt] == [repr(v) for v in values]
    grid = cell_grid([list(values), list(reversed(values))])
    assert (blank_cells(grid) == np.vectorize(blank, otypes=[bool])(grid)).all()


@pytest.mark.parametrize("folder", ["reference", "form", "en_us", "calc_resave", "ods", "xls"])
def test_column_work_over_distinct_cells_matches_cell_by_cell(folder):
    """convert and swapped_dates given the distinct cells of the whole column (as the reader does)
    give what they give when they find the distinct cells of the table's cells themselves."""
    for path in sorted((REAL / folder).iterdir()):
        sheet = sheets.open_sheet(path, schema.REGISTERS[path.stem])
        grid = cell_grid(sheet.rows)
        assert (blank_cells(grid) == np.vectorize(blank, otypes=[bool])(grid)).all()
        at = np.arange(len(grid) // 3, len(grid))  # any rows of the grid: the table's, say
        index = pd.Index(at + 1, name="row")
        for position in range(grid.shape[1]):
            codes, uniques = distinct(grid[:, position])
            raw = pd.Series(grid[at, position], index=index, dtype=object)
            assert swapped_dates(raw) == swapped_dates(raw, (codes[at], uniques))
            for column in schema.REGISTERS[path.stem].columns:
                slow, fast = convert(raw, column), convert(raw, column, (codes[at], uniques))
                pd.testing.assert_series_equal(pd.Series(slow[0]), pd.Series(fast[0]), check_exact=True)
                assert slow[1] == fast[1]


def test_the_sample_reads_the_same_in_one_process_twice():
    """The caches (header texts, distinct cells) change nothing on a second read."""
    sample = Path(__file__).parents[1] / "data" / "sample"
    first, second = load_unit(sample), load_unit(sample)
    assert first.problems == second.problems and first.notices == second.notices
    assert first.registers.keys() == second.registers.keys()
    for name, frame in first.registers.items():
        pd.testing.assert_frame_equal(frame, second.registers[name], check_exact=True)
    assert [i.sha256 for i in first.inputs] == [i.sha256 for i in second.inputs]


def test_a_column_of_codes_is_read_cell_by_cell_alike():
    """A column with nearly a distinct cell per row skips the distinct-cell search: same results."""
    from cchc_audit.headers import GridColumns

    rng = random.Random(3)
    cells = [f"HS-{i:06d}" for i in range(6000)]
    for at, value in ((10, True), (11, 1.0), (12, None), (13, ""), (14, "  "), (15, 1), (16, False),
                      (17, dt.date(2024, 2, 30 - 1)), (18, " HS-000001 ")):
        cells[at] = value
    rng.shuffle(cells)
    grid = cell_grid([[c] for c in cells])
    codes, uniques = GridColumns(grid)(0)
    assert len(uniques) == len(cells)  # each cell its own
    assert (blank_cells(grid) == np.vectorize(blank, otypes=[bool])(grid)).all()
    raw = pd.Series(grid[:, 0], index=pd.Index(np.arange(len(cells)) + 1, name="row"), dtype=object)
    for column in schema.REGISTERS["ho_so"].columns:
        slow, fast = convert(raw, column), convert(raw, column, (codes, uniques))
        pd.testing.assert_series_equal(pd.Series(slow[0]), pd.Series(fast[0]), check_exact=True)
        assert slow[1] == fast[1]
