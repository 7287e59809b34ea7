"""Opening a register file as a spreadsheet program would show it.

Which format a file really is (whatever its extension says), which encoding and separator a CSV
uses, which sheet of a workbook holds the register, and what its cells hold beyond their values:
merged ranges, formulas (with or without a saved result) and error values.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import hashlib
import io
import re
import threading
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from itertools import islice, repeat
from pathlib import Path
from xml.etree import ElementTree

from . import arrowsheet, safeio
from .errors import Unreadable
from .headers import GridColumns, cell_grid, match_header
from .problems import ProblemCode as P
from .problems import column_index
from .schema import DATE, Register

HEADER_SEARCH_ROWS = 50
# A CSV cell may be as long as the file (the size limit bounds it), not csv's default 128 KiB.
csv.field_size_limit(max(csv.field_size_limit(), safeio.LIMITS["csv"]))
WORKBOOKS = (".xlsx", ".xlsm", ".xls", ".ods")
READABLE = WORKBOOKS + (".csv",)
_ZIP, _OLE2 = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
DELIMITERS = (";", ",", "\t")


@dataclass
class Sheet:
    rows: list[list]
    kind: str  # "xlsx", "xls", "ods" or "csv": what the file is, not what its name says
    name: str | None = None  # the sheet read, in a workbook
    index: int = 0
    sheet_count: int = 1
    encoding: str | None = None  # CSV only
    delimiter: str | None = None
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # (row0, col0, row1, col1) from 0
    hidden: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)  # see _formula_cells
    formulas: set[tuple[int, int]] = field(default_factory=set)  # cells holding a formula (XLSX)
    # `rows` as one grid (headers.cell_grid) and its columns' distinct cells, when already built
    grid: object = None
    columns: GridColumns | None = None
    sha256: str | None = None  # of the file's bytes, when found while reading them
    # how the cells were read: "calamine" (python-calamine, every cell), "arrow" (arrowsheet.py: the
    # first rows by python-calamine, the rest by fastexcel) or "declined" (arrowsheet.py could not
    # prove its cells the same: python-calamine, every cell)
    reader: str = "calamine"


def header_fit(rows: list[list], register: Register | None) -> tuple[int, int]:
    """(required columns found, columns found) on the best of the first rows: how well a sheet or a
    separator shows the register's header."""
    if register is None:
        return (0, 0)
    required = {c.name for c in register.required}
    most = _most(register)
    best = (0, 0)
    for row in rows[:HEADER_SEARCH_ROWS]:
        matched = match_header(row, register)
        best = max(best, (len(required & matched.keys()), len(matched)))
        if best == most:  # every column: no later row can fit better
            break
    return best


def _most(register: Register) -> tuple[int, int]:
    """The best `header_fit` there can be: every required column, every column."""
    return (len({c.name for c in register.required}), len({c.name for c in register.columns}))


def _delimiter(text: str, register: Register) -> str:
    """The separator under which the register's header is found (`header_fit` of the first rows
    of `text`), the first of DELIMITERS on a tie: cell contents cannot tip it."""
    most = _most(register)
    chosen, best = None, None
    for delimiter in DELIMITERS:
        # Only the rows header_fit looks at are parsed (the csv module reads row by row).
        rows = list(islice(csv.reader(io.StringIO(text[:1 << 16], newline=""), delimiter=delimiter),
                           HEADER_SEARCH_ROWS))
        if best is not None:
            # A row's header names at most as many columns as the row has cells: a separator whose
            # widest row could not fit better than the best so far need not be matched.
            widest = max(map(len, rows), default=0)
            if (min(widest, most[0]), min(widest, most[1])) <= best:
                continue
        fit = header_fit(rows, register)
        if best is None or fit > best:
            chosen, best = delimiter, fit
    return chosen


def open_sheet(path: Path, register: Register | None = None) -> Sheet:
    """The cells of the sheet holding the register's header (the first sheet when none does), or of
    the CSV file, row by row from Excel row 1. Raises `Unreadable`; calamine's own errors pass through."""
    is_csv = path.suffix.lower() == ".csv"
    # Read once, bounded and without blocking (safeio.py); everything below parses these bytes.
    raw = safeio.read_bytes(path, "csv" if is_csv else "xlsx")
    head = raw[:65536]
    if is_csv:
        if head.startswith((_ZIP, _OLE2)):
            raise Unreadable(P.FILE_IS_WORKBOOK)
        sheet = _read_csv(raw, register)
        sheet.sha256 = hashlib.sha256(raw).hexdigest()  # the bytes read: the file is not read again to hash it
        return sheet
    if head.startswith(_ZIP):
        kind = "ods" if head[30:38] == b"mimetype" and _ODS_MIME in head[:200] else "xlsx"
    elif head.startswith(_OLE2):
        kind = "xls"
    elif b"<table" in head.lower() or b"<html" in head.lower():  # a web system's "Excel" export
        raise Unreadable(P.FILE_IS_HTML)
    else:
        raise Unreadable(P.FILE_IS_TEXT if _looks_like_text(head) else P.FILE_UNREADABLE)
    book = zipfile.ZipFile(io.BytesIO(raw)) if kind == "xlsx" else None  # opened once: preflight, sheet, marks
    try:
        return _open_workbook(path, raw, kind, register, book)
    finally:
        if book is not None:
            book.close()


def _open_workbook(path: Path, raw: bytes, kind: str, register: Register | None, book) -> Sheet:
    """`open_sheet` of a workbook's bytes; `book`: them as a zip, for XLSX."""
    from python_calamine import CalamineWorkbook

    sheets: dict[str, bytes] = {}  # sheet member -> its XML, as the preflight decompressed it
    if kind == "xlsx":  # a hostile workbook is refused before calamine allocates for it
        try:
            safeio.xlsx_preflight(book, None, path, sheets.__setitem__)
        except safeio.UnsafeInput as exc:
            if exc.member:  # the sheet refused, named as the user sees it in Excel
                exc.sheet = exc.member
                with contextlib.suppress(Exception):  # the refusal stands whatever the name's lookup meets
                    exc.sheet = _sheet_name(book, exc.member) or exc.member
            raise
    # Calamine lets go of the GIL while it parses: meanwhile a thread searches each sheet for the
    # marks of _formula_cells and hashes the file, instead of doing it before or after.
    background = _Background(lambda: ({member: _marked(xml) for member, xml in sheets.items()},
                                      hashlib.sha256(raw).hexdigest()), inline=len(raw) < THREAD_BYTES)
    # A big workbook: python-calamine reads only each sheet's first rows (arrowsheet.py), fastexcel the rest.
    cut = None
    if kind == "xlsx" and len(raw) >= arrowsheet.MIN_BYTES and arrowsheet.available():
        cut = arrowsheet.cut_workbook(raw, sheets)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(raw if cut is None else cut[0]))
    except Exception:
        if kind == "xls":  # an OLE2 file calamine cannot read: a password-protected workbook
            raise Unreadable(P.FILE_OLD_EXCEL) from None
        raise
    names = [m.name for m in workbook.sheets_metadata if str(m.typ).endswith("WorkSheet")] or workbook.sheet_names
    chosen, best = None, None
    for index, name in enumerate(names):
        sheet = workbook.get_sheet_by_name(name)
        rows = sheet.to_python(skip_empty_area=False)
        # the first rows only: the same on a cut sheet; a workbook's only sheet is read whatever its fit
        fit = header_fit(rows, register) if len(names) > 1 else None
        if best is None or fit > best[0]:
            chosen, best = (index, name, sheet, rows), (fit,)
        if register is not None and fit is not None and fit[0] == len(register.required) and fit[0]:
            break
    reader = "calamine"
    if chosen is not None and cut is not None and cut[1]:
        index, name, sheet, rows = chosen
        member = _sheet_member(book, name)
        grid = None
        if member in cut[1]:
            grid = arrowsheet.body(raw, name, member, sheets[member], rows, _date_positions(rows, register))
        if grid is None:  # not proven the same cell for cell (or not its sheet's rows): python-calamine reads it whole
            sheet = CalamineWorkbook.from_filelike(io.BytesIO(raw)).get_sheet_by_name(name)
            chosen = (index, name, sheet, sheet.to_python(skip_empty_area=False))
            reader = "declined" if member in cut[1] else "calamine"
        else:
            chosen, reader = (index, name, sheet, grid), "arrow"
    marked, digest = background.result()
    sheets.clear()
    if chosen is None:
        return Sheet([], kind, sha256=digest)
    index, name, sheet, rows = chosen
    grid = cell_grid(rows)
    columns = GridColumns(grid)  # found once here, reused by the reader (registers.py)
    longest = max((max(map(len, filter(str.__instancecheck__, columns(p)[1])), default=0)
                   for p in range(grid.shape[1])), default=0)
    if longest > safeio.CELL_MAX_CHARS:
        number = next(n for n, row in enumerate(rows, start=1)
                      if any(isinstance(v, str) and len(v) > safeio.CELL_MAX_CHARS for v in row))
        raise safeio.UnsafeInput(P.CELL_TOO_LONG, path.name, str(safeio.CELL_MAX_CHARS), number)
    merges = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
    if kind == "ods" and not merges:  # calamine gives no merged ranges for ODS: read them from its XML
        merges = _ods_merges(io.BytesIO(raw), name)
    result = Sheet(rows, kind, name, names.index(name), len(names), merges=merges, grid=grid, columns=columns,
                   sha256=digest, reader=reader)
    if kind == "xlsx":
        result.hidden, result.formulas = _formula_cells(book, name, marked)
    return result


def _date_positions(rows: list[list], register: Register | None) -> set[int]:
    """Positions of the columns that a header in the first rows names as one of the register's dates."""
    if register is None:
        return set()
    return {position for row in rows[:HEADER_SEARCH_ROWS] for name, position in match_header(row, register).items()
            if register.column(name).kind == DATE}


THREAD_BYTES = 1 << 20  # a file smaller than this is read without helper threads


class _Background:
    """`work()` run in a thread from now on; `result()` waits for it (and raises what it raised)."""

    def __init__(self, work, inline: bool = False):
        self._value, self._error = None, None
        if inline:  # small work: a thread would only cost its start and the hand-over of the GIL
            self._thread = None
            self._value = work()
            return

        def run():
            try:
                self._value = work()
            except BaseException as exc:  # noqa: BLE001 - handed to the caller of result()
                self._error = exc

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def result(self):
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


def _decode(raw: bytes) -> tuple[str, str]:
    """(text, encoding name): UTF-8 (BOM or not), UTF-16 (BOM, or its zero bytes), else Windows-1258,
    the "CSV" of Excel on Vietnamese Windows. Raises `Unreadable` on bytes none of them allows."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "UTF-16"
    sample = raw[:4096]
    if len(sample) >= 4:  # ASCII text in UTF-16 without a BOM: every other byte is zero
        odd, even = sample[1::2].count(0), sample[0::2].count(0)
        if odd > len(sample) * 0.3 and even == 0:
            return _strict(raw, "utf-16-le"), "UTF-16"
        if even > len(sample) * 0.3 and odd == 0:
            return _strict(raw, "utf-16-be"), "UTF-16"
    try:
        return raw.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    try:
        # Windows-1258 writes some tones as combining marks: compose them as UTF-8 files have them.
        return unicodedata.normalize("NFC", raw.decode("cp1258")), "Windows-1258"
    except UnicodeDecodeError:
        raise Unreadable(P.FILE_ENCODING, raw[:first_bad].count(b"\n") + 1) from None


def _strict(raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        raise Unreadable(P.FILE_ENCODING, None) from None


def _read_csv(raw: bytes, register: Register | None) -> Sheet:
    text, encoding = _decode(raw)
    if "\x00" in text:  # decodes, but no spreadsheet writes it: binary, or UTF-16 read wrongly
        raise Unreadable(P.FILE_ENCODING, text[:text.index("\x00")].count("\n") + 1)
    delimiter = "," if register is None else _delimiter(text, register)
    grid = _csv_grid(raw, text, encoding, delimiter) if len(raw) >= CSV_FAST_BYTES else None
    if grid is not None:
        return Sheet(grid, "csv", encoding=encoding, delimiter=delimiter, grid=grid)
    # Strictly: an unclosed quote would otherwise swallow every later row into one cell.
    rows: list[list] = []
    try:
        rows.extend(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error:
        raise Unreadable(P.CSV_QUOTE, len(rows) + 1) from None
    return Sheet(rows, "csv", encoding=encoding, delimiter=delimiter)


# From this size on, a CSV is parsed by pandas' C parser (below); a smaller one by the csv module,
# which is faster there: pandas' fixed cost and the quote scan outweigh its speed until some
# 300 KB (a 90 KB register: 0.9 ms against 3 ms). Both give the same cells (tests/test_read_fast.py
# reads every fixture both ways).
CSV_FAST_BYTES = 1 << 18


def _strict_quotes(text: str, delimiter: str) -> bool:
    """Whether every quoted cell of `text` is closed and followed by a separator or a line end, as
    the csv module in strict mode requires: one match of the whole text, run by the regex engine
    (possessive, never backtracking). A cell only starting with a quote is quoted; a quote inside
    an unquoted cell is a character of it."""
    d = re.escape(delimiter)
    pattern = _QUOTED.get(delimiter)
    if pattern is None:
        pattern = _QUOTED[delimiter] = re.compile(
            rf'(?:"(?:[^"]|""){{0,}}+"(?=[{d}\r\n]|\Z)|[^"{d}\r\n][^{d}\r\n]*+|[{d}\r\n]++)*+')
    return pattern.match(text).end() == len(text)


_QUOTED: dict[str, re.Pattern] = {}


def _csv_grid(raw: bytes, text: str, encoding: str, delimiter: str):
    """The cells of a CSV as one grid (headers.cell_grid), parsed by pandas' C parser; None when it
    could read them otherwise than the csv module does (the caller then uses the csv module, which
    also says where a quote is wrong): a quote error, a second byte-order mark, a parser error."""
    import pandas as pd

    if text.startswith("\ufeff") or ('"' in text and not _strict_quotes(text, delimiter)):
        return None
    if encoding == "UTF-8":  # the bytes as they are, less their byte-order mark
        data = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    else:
        data = text.encode("utf-8")  # as decoded (UTF-16, Windows-1258 composed)
    if not data:
        return None
    # Columns: the most separators on one line (quoted ones too: a column more, empty, changes nothing;
    # a quoted line end can make a row wider still: pandas then warns or fails, and the csv module reads).
    lines = (data.replace(b"\r", b"\n") if b"\r" in data else data).split(b"\n")
    width = max(map(bytes.count, lines, repeat(delimiter.encode()))) + 1
    del lines
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)  # a row wider than `width`: not read here
            frame = pd.read_csv(io.BytesIO(data), sep=delimiter, header=None, names=list(range(width)),
                                index_col=False, dtype=object, na_filter=False, skip_blank_lines=False, engine="c",
                                encoding="utf-8", quoting=csv.QUOTE_MINIMAL, doublequote=True, low_memory=False)
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError, pd.errors.ParserWarning):
        return None
    return frame.to_numpy(dtype=object)


def _looks_like_text(head: bytes) -> bool:
    if not head.strip() or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3  # a character cut by the 64 KiB read
    return True


# XLSX cells that calamine reads as empty although they hold something: a formula saved without its
# result (files written by scripts, never recalculated) and error values (#N/A, #DIV/0!); and cells
# holding a formula at all (a pre-filled formula row is not data). Byte marks of either, found by
# plain search (a false alarm only costs the full parse below).
_MARKS = (b"<f", b":f", b'="e"', b"='e'")


def _marked(xml: bytes) -> bool:
    # Each mark looked for as plain bytes in a short sheet (many times faster than one pattern of
    # alternatives); in a longer one as words compared by numpy, faster still past some 32 KiB,
    # and numpy lets go of the GIL (the reader runs meanwhile).
    if len(xml) < MARK_WORDS_BYTES:
        return any(mark in xml for mark in _MARKS)
    import numpy as np

    step = MARK_STEP
    for begin in range(0, len(xml), step):
        piece = memoryview(xml)[begin:begin + step + 3]  # a mark across two pieces is in the first
        for mark in _MARKS:
            value = int.from_bytes(mark, "little")
            for shift in range(len(mark)):
                count = (len(piece) - shift) // len(mark)
                if count > 0 and (np.frombuffer(piece, f"<u{len(mark)}", count, shift) == value).any():
                    return True
    return False


MARK_WORDS_BYTES = 1 << 15
MARK_STEP = 1 << 26  # bytes compared at a time: the comparisons' memory bounded, a mark found early stops

_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")


_local = safeio.local_name


def _sheets(book: zipfile.ZipFile) -> list[tuple[str | None, str | None]] | None:
    """Every sheet of xl/workbook.xml in its order, as (name, the zip member holding it or None),
    via the workbook's relationships, each member found in any letter case as calamine does; None
    when the two parts are missing or do not parse. Worked out once per call, in time linear in
    the sheets and the members (a hostile workbook may list thousands of sheets)."""
    names = book.namelist()
    parts = [safeio.find_member(names, p) for p in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")]
    try:
        workbook, rels = (_parsed(book.read(p)) for p in parts)
    except (KeyError, ElementTree.ParseError):
        return None
    by_case = safeio.members_by_case(names)
    targets: dict[str, str] = {}
    for element in rels:
        targets.setdefault(element.get("Id"), element.get("Target"))

    found = []
    for sheet in (e for e in workbook.iter() if _local(e.tag) == "sheet"):
        rid = next((v for k, v in sheet.attrib.items() if _local(k) == "id"), None)
        target = targets.get(rid)
        found.append((sheet.get("name"), safeio.target_member(by_case, target) if target else None))
    return found


def _sheet_member(book: zipfile.ZipFile, name: str | None) -> str | None:
    """The zip member holding the sheet called `name` (the first sheet when None)."""
    sheets = _sheets(book) or []
    return next((member for sheet, member in sheets if name is None or sheet == name), None)


def _sheet_name(book: zipfile.ZipFile, member: str) -> str | None:
    """The name of the sheet held in the zip member `member` (`_sheet_member`'s inverse: the first
    sheet of each name counts); None when no sheet of xl/workbook.xml leads to it."""
    first: dict[str, str | None] = {}
    for name, held in _sheets(book) or []:
        if name:
            first.setdefault(name, held)
    return next((name for name, held in first.items() if held == member), None)


def _parsed(xml: bytes) -> ElementTree.Element:
    """The XML parsed, to be read only: a short one is kept for the same bytes again (the same
    workbook.xml and relationships are in every file a program writes)."""
    return _parsed_short(xml) if len(xml) <= 1 << 16 else ElementTree.fromstring(xml)


@functools.lru_cache(maxsize=32)
def _parsed_short(xml: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(xml)


def _formula_cells(path, sheet: str | None = None, marked: dict[str, bool] | None = None):
    """({(row, column) from 0 -> (problem code, text)} for cells holding a formula without a saved
    result or an error value, {(row, column) of every formula cell}). Cheap when there are none;
    `marked` says of sheet members already searched whether they hold a mark. `path`: the
    workbook (a file or its bytes), or it opened as a zip."""
    if isinstance(path, zipfile.ZipFile):
        return _formula_cells_in(path, sheet, marked)
    with zipfile.ZipFile(path) as book:
        return _formula_cells_in(book, sheet, marked)


def _formula_cells_in(book: zipfile.ZipFile, sheet: str | None, marked: dict[str, bool] | None):
    found: dict[tuple[int, int], tuple[str, str]] = {}
    formulas: set[tuple[int, int]] = set()
    member = _sheet_member(book, sheet)
    seen = None if member is None or marked is None else marked.get(member)
    if member is None or seen is False:
        return found, formulas
    if seen is None:
        with book.open(member) as handle:
            tail, seen = b"", False
            for chunk in iter(lambda: handle.read(1 << 22), b""):
                window = tail + chunk
                if _marked(window):
                    seen = True
                    break
                tail = chunk[-8:]
    if not seen:
        return found, formulas
    row, column, parent = -1, -1, None
    with book.open(member) as handle:
        for event, element in ElementTree.iterparse(handle, events=("start", "end")):
            tag = _local(element.tag)
            if event == "start":
                if tag == "sheetData":
                    parent = element
                elif tag == "row":
                    row = int(element.get("r")) - 1 if (element.get("r") or "").isdigit() else row + 1
                    column = -1
                continue
            if tag == "c":
                match = _CELL_REF.match(element.get("r") or "")
                if match:
                    row, column = int(match.group(2)) - 1, column_index(match.group(1))
                else:
                    column += 1
                kids = {_local(k.tag): k for k in element}
                value = kids.get("v")
                if "f" in kids:
                    formulas.add((row, column))
                if element.get("t") == "e":
                    found[(row, column)] = ("cell_error", (value.text or "") if value is not None else "")
                elif "f" in kids and element.get("t") not in ("str", "inlineStr") and (
                        value is None or not (value.text or "").strip()):
                    formula = kids["f"].text
                    found[(row, column)] = ("formula_no_value", "=" + formula if formula else "=…")
            elif tag == "row" and parent is not None:
                parent.remove(element)  # keep memory flat on large sheets
    return found, formulas


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def _ods_merges(path, sheet: str) -> list[tuple[int, int, int, int]]:
    """(row0, col0, row1, col1) from 0 of the merged cells of an ODS sheet: cells spanning rows or
    columns (`table:number-rows-spanned`), counting repeated rows and cells as Calc writes them."""
    merges: list[tuple[int, int, int, int]] = []
    inside, row = False, 0
    try:
        with zipfile.ZipFile(path) as book, book.open("content.xml") as handle:
            for event, element in ElementTree.iterparse(handle, events=("start", "end")):
                if element.tag == _TABLE + "table":
                    if event == "start":
                        inside = element.get(_TABLE + "name") == sheet
                    elif inside:
                        break
                    continue
                if not inside or event != "end" or element.tag != _TABLE + "table-row":
                    continue
                column = 0
                for cell in element:
                    if cell.tag not in (_TABLE + "table-cell", _TABLE + "covered-table-cell"):
                        continue
                    rows = int(cell.get(_TABLE + "number-rows-spanned", "1"))
                    columns = int(cell.get(_TABLE + "number-columns-spanned", "1"))
                    if rows > 1 or columns > 1:
                        merges.append((row, column, row + rows - 1, column + columns - 1))
                    column += int(cell.get(_TABLE + "number-columns-repeated", "1"))
                row += int(element.get(_TABLE + "number-rows-repeated", "1"))
                element.clear()  # keep memory flat on large sheets
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, ValueError):
        return []
    return merges
