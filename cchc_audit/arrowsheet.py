"""A big XLSX sheet read column by column through fastexcel (Arrow), cell for cell as python-calamine
reads it (issue 16).

python-calamine builds a Python object per cell in Rust, slowly; fastexcel parses the same sheet with
its own build of calamine (another version than python-calamine's) into typed Arrow columns. The
two differ where a column mixes types (the header's text above dates, dates typed as text among
real ones), so a sheet is read in two parts:

- its first HEAD_ROWS rows (every header searched, and the rows just under it) by python-calamine
  itself, from a copy of the workbook whose sheets are cut after those rows (`cut_workbook`);
- the rows below by fastexcel, each column's type inferred over those rows only and strictly (a
  column of one type), except the columns holding dates in the head, read as durations: a date cell
  comes as its serial number in milliseconds, every other cell as an error naming its exact value.

Whatever it cannot prove identical, it declines (`body` returns None) and the caller reads the sheet
with python-calamine whole: a column mixing types found only below the head, error values (#N/A),
NaN, ISO dates (t="d") in a column of dates, elapsed-time formats ([h]:mm), 1904 dates, years
outside 1..9999, rows out of order, serial numbers that python-calamine types by digits the
milliseconds have lost (a date a hair from midnight, NaN, exponents), a failure or a panic of
fastexcel. A decline is logged at DEBUG with its reason. tests/test_read_arrow.py compares both
readers on every workbook fixture and on generated ones.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from . import safeio

HEAD_ROWS = 64  # sheets.HEADER_SEARCH_ROWS and the header's depth, the column numbers and more
MIN_BYTES = 4 << 20  # files from this size on are read this way (tests lower it); smaller ones gain little
PART_BYTES = 48 << 20  # sheet XML read by one thread, at least
MAX_PARTS = 4

_log = logging.getLogger(__name__)

_DAY_MS = 86_400_000
_ROW = re.compile(rb"<row[\s>/]")
_ROW_NUMBER = re.compile(rb'\sr="(\d{1,9})"')
# An elapsed-time format ([h]:mm, built-in 46): calamine reads those cells as durations, which a
# duration column cannot tell from dates. Any bracket before h, m or s counts (a colour name too).
_ELAPSED = re.compile(rb'numFmtId="46"|\[[hms]', re.I)
_DATE1904 = re.compile(rb'date1904="(?:1|true)"', re.I)
# A serial number that python-calamine would type otherwise than its milliseconds say: within half a
# millisecond of midnight but not whole, whose digits then hold eight nines or zeros right after the
# point (or after it anywhere, before an exponent), matched at each point of the sheet (a character
# reference after it counts); or NaN (which fastexcel gives as 0), inf, or a character reference, in a
# value. Not seen: a point itself written as a character reference, an exponent's mantissa without one.
_RUN = rb"(?:99999999|00000000)"
_HAIR = re.compile(rb"\.(?:%s|\d*%s\d*[eE]|\d*&)" % (_RUN, _RUN))
_HAIR_ALL = re.compile(rb"<v>[-+]?(?:\d*\.%s|[\d.]*%s[\d.]*[eE]|[\d.]*[nNiI&])" % (_RUN, _RUN))
_LETTERS = re.compile(rb"<v>[-+]?[\d.]*[nNiI&]")
POINTS = 4096  # points looked at one by one; a sheet with more is searched in one pass
_ISO = (b'"d"', b"'d'")  # the value of a t="d" (ISO date) attribute, in either quotes
_DETAIL = re.compile(r"Expected duration but got '(\w+)\((.*)\)'\Z", re.S)
_ESCAPE = re.compile(r'\\(?:u\{([0-9a-fA-F]{1,6})\}|(.))', re.S)
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", "0": "\0", "\\": "\\", '"': '"', "'": "'"}


class _QuietGuess(logging.Filter):
    """Drops fastexcel's warning that a column of only empty cells is "guessed" as text: nothing to
    say to a user (its other records pass)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Could not determine dtype")


logging.getLogger("fastexcel.types.dtype").addFilter(_QuietGuess())


def available() -> bool:
    """Whether fastexcel and pyarrow can be imported (the package works without them)."""
    try:
        import fastexcel  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def _cut(xml: bytes, rows: int) -> bytes | None:
    """The sheet's XML without the rows from Excel row `rows` + 1 on (the rest kept: merged ranges...);
    `xml` itself when it has no such row; None when its rows cannot be told apart plainly (no row
    number, numbers out of order, a prefixed namespace) or a kept cell names a later row."""
    start, end = xml.find(b"<sheetData"), xml.rfind(b"</sheetData>")
    if start < 0 or end < 0:
        return None if b":sheetData" in xml else xml
    previous = 0
    for match in _ROW.finditer(xml, start, end):
        close = xml.find(b">", match.start(), end)
        number = _ROW_NUMBER.search(xml, match.start(), close)
        if close < 0 or number is None or int(number.group(1)) <= previous:
            return None
        previous = int(number.group(1))
        if previous > rows:
            head = xml[start:match.start()]
            far = safeio._farthest(head)
            if far is not None and far[0] > rows:
                return None
            return xml[:match.start()] + xml[end:]
    return xml


def cut_workbook(raw: bytes, sheets: dict[str, bytes], rows: int | None = None) -> tuple[bytes, set[str]] | None:
    """(The workbook with each sheet in `sheets` (member -> XML) cut after its first `rows` rows, the
    members cut); None when a sheet cannot be cut or the workbook is of a kind read whole (above),
    or its styles or workbook part cannot be found to tell."""
    rows = HEAD_ROWS if rows is None else rows
    out = io.BytesIO()
    cut: set[str] = set()
    with zipfile.ZipFile(io.BytesIO(raw)) as book, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
        names = book.namelist()
        # calamine finds these two by their names, in any letter case
        for path, kind in (("xl/styles.xml", _ELAPSED), ("xl/workbook.xml", _DATE1904)):
            member = safeio.find_member(names, path)
            if member is None or kind.search(book.read(member)):
                return None
        for info in book.infolist():
            if info.filename in sheets:
                xml = sheets[info.filename]
                data = _cut(xml, rows)
                if data is None:
                    return None
                if data is not xml:
                    cut.add(info.filename)
            else:
                data = book.read(info.filename)
            copy.writestr(info.filename, data)
    return out.getvalue(), cut


def _parts(xml: bytes, rows: int) -> list[tuple[int, int, int]] | None:
    """The sheet's rows from Excel row `rows` + 1 on, in parts of about PART_BYTES (one per core at
    most): (first byte, end byte, first row from 0) of each, at row elements; None when unclear.
    Rows out of order across the parts are found when they are read (`_part_cells`)."""
    start, end = xml.find(b"<sheetData"), xml.rfind(b"</sheetData>")
    first = None
    for match in _ROW.finditer(xml, start, end):
        number = _ROW_NUMBER.search(xml, match.start(), xml.find(b">", match.start(), end))
        if number is None:
            return None
        if int(number.group(1)) > rows:
            first = match.start()
            break
    if first is None:
        return None
    count = max(1, min(os.cpu_count() or 1, MAX_PARTS, (end - first) // PART_BYTES + 1))
    bounds, numbers = [first], [rows]
    for k in range(1, count):
        match = _ROW.search(xml, first + (end - first) * k // count, end)
        number = match and _ROW_NUMBER.search(xml, match.start(), xml.find(b">", match.start(), end))
        if match is None or number is None or match.start() <= bounds[-1]:
            break
        if int(number.group(1)) - 1 <= numbers[-1]:  # rows out of order
            return None
        bounds.append(match.start())
        numbers.append(int(number.group(1)) - 1)
    bounds.append(end)
    return [(bounds[k], bounds[k + 1], numbers[k]) for k in range(len(numbers))]


def _load(raw: bytes, member: str, xml: bytes, part: tuple[int, int, int], name: str, dated: list[int]):
    """(columns, Arrow table, cell errors) of one part of the sheet, read by fastexcel from a copy
    of the workbook holding only that part's rows (stored, not compressed: nothing to inflate),
    from Excel row 1: the rows above the part's first come empty unless the part holds rows out of
    order (fastexcel places each cell where calamine does, so none is skipped unseen)."""
    begin, stop, _ = part
    if not hasattr(os, "memfd_create"):
        out = io.BytesIO()
        _write_part(out, raw, member, xml, begin, stop)
        return _sheet(out.getvalue(), name, dated)
    # Linux: the copy in a file in memory that fastexcel opens by its name and reads as it parses,
    # rather than bytes it would copy whole into its own memory (a copy fewer, per part)
    fd = os.memfd_create("cchc-audit-sheet", getattr(os, "MFD_CLOEXEC", 0))
    with open(fd, "w+b") as handle:
        _write_part(handle, raw, member, xml, begin, stop)
        handle.flush()
        return _sheet(f"/proc/self/fd/{fd}", name, dated)


# What another sheet of a part's copy holds: fastexcel reads one sheet, the others need only be there.
_EMPTY_SHEET = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'


def _write_part(out, raw: bytes, member: str, xml: bytes, begin: int, stop: int) -> None:
    """The workbook `raw` into `out` (stored), its sheet `member` holding only the rows at bytes
    `begin` to `stop` of its XML `xml`, its other sheets empty."""
    opening = xml.index(b">", xml.find(b"<sheetData")) + 1
    with zipfile.ZipFile(io.BytesIO(raw)) as book, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
        for info in book.infolist():
            if info.filename != member:
                other = info.filename.lower()
                sheet = other.startswith("xl/worksheets/") and other.endswith(".xml") and other.count("/") == 2
                copy.writestr(info.filename, _EMPTY_SHEET if sheet else book.read(info.filename))
                continue
            with copy.open(info.filename, "w", force_zip64=True) as handle:
                view = memoryview(xml)
                for piece in (view[:opening], view[begin:stop], view[xml.rfind(b"</sheetData>"):]):
                    handle.write(piece)


def _sheet(workbook: bytes | str, name: str, dated: list[int]):
    """(columns, Arrow table, cell errors) of the sheet `name` of `workbook` (its bytes or its path)
    from Excel row 1, each column of one type, or of durations for the `dated` ones."""
    import fastexcel

    sheet = fastexcel.read_excel(workbook).load_sheet(
        name, header_row=None, skip_rows=0, schema_sample_rows=None, dtype_coercion="strict",
        dtypes={c: "duration" for c in dated} or None)
    table, errors = sheet.to_arrow_with_errors()
    return sheet.selected_columns, table, errors


class _Declined(Exception):
    """What the fast path cannot prove the same as python-calamine; its text says why."""


class _Marks:
    """Byte searches over the sheet's rows below the head (from byte `begin` of `xml`), each made
    once and only when a column needs it."""

    def __init__(self, xml: bytes, begin: int):
        self._xml, self._begin = xml, begin
        self._found: dict[str, bool] = {}

    def iso(self) -> bool:
        """Whether a cell may be an ISO date (t="d"), which python-calamine types by its text."""
        if "iso" not in self._found:
            self._found["iso"] = any(self._xml.find(value, self._begin) >= 0 for value in _ISO)
        return self._found["iso"]

    def hair(self) -> bool:
        """Whether a serial number may be a hair from midnight (`_HAIR`). A point is rare in most
        sheets (dates, counts and codes are written without one) and found by memchr: each is looked
        at; past POINTS of them, one pass of `_HAIR_ALL` over the values."""
        if "hair" not in self._found:
            xml, at = self._xml, self._begin
            for _ in range(POINTS):
                at = xml.find(b".", at)
                if at < 0 or _HAIR.match(xml, at):
                    break
                at += 1
            else:  # the points left in one pass; _HAIR_ALL from the start of the value `at` is in
                value = max(self._begin, xml.rfind(b"<v>", self._begin, at))
                at = -1 if _HAIR.search(xml, at) is None and _HAIR_ALL.search(xml, value) is None else at
            self._found["hair"] = at >= 0
        return self._found["hair"]

    def letters(self) -> bool:
        """Whether a value may be NaN, inf or a character reference (`_LETTERS`): one pass, made only
        when a column of dates holds a serial number 0, as NaN comes."""
        if "letters" not in self._found:
            self._found["letters"] = _LETTERS.search(self._xml, self._begin) is not None
        return self._found["letters"]


def body(raw: bytes, name: str, member: str, xml: bytes, head: list[list], dates: set[int] = frozenset(),
         rows: int | None = None) -> np.ndarray | None:
    """The sheet `name` (zip member `member`, its XML `xml`) as one grid of cells (headers.cell_grid)
    from Excel row 1: `head` (its first `rows` rows as python-calamine read them) above the rows
    fastexcel reads, in parts read side by side (fastexcel lets go of the GIL); None when declined.
    `dates`: positions of columns the register's header names as dates."""
    rows = HEAD_ROWS if rows is None else rows
    dated = sorted(set(dates) | {c for row in head for c, v in enumerate(row)
                                 if isinstance(v, (dt.date, dt.time, dt.timedelta))})
    parts = _parts(xml, rows)
    if parts is None:
        _log.debug("%s: read whole by python-calamine (no rows below the head told apart plainly)", name)
        return None
    marks = _Marks(xml, parts[0][0])
    width, height = len(head[0]) if head else 0, len(head)
    found = []  # (first row, {column position: its cells}) of each part
    pool = ThreadPoolExecutor(len(parts))
    reason = None
    try:
        loads = [pool.submit(_load, raw, member, xml, part, name, dated) for part in parts]
        if dated:  # searched while fastexcel parses (it lets go of the GIL), not after
            marks.hair()
        for number, (part, load) in enumerate(zip(parts, loads)):
            columns, table, errors = load.result()
            if number + 1 < len(parts) and table.num_rows > parts[number + 1][2]:
                raise _Declined("a row of a part numbered as one of the next: rows out of order")
            found.append((part[2], _part_cells(columns, table, errors, dated, marks, part[2])))
            width = max([width] + [c.absolute_index + 1 for c in columns])
            height = max(height, table.num_rows)
    except _Declined as exc:
        reason = str(exc)
    except Exception as exc:  # noqa: BLE001 - fastexcel's, pyarrow's or the system's: python-calamine reads it
        reason = f"{type(exc).__name__}: {exc}"
    except BaseException as exc:
        # a panic in fastexcel's Rust (pyo3's PanicException derives from BaseException)
        if type(exc).__name__ != "PanicException":
            raise
        reason = f"fastexcel panicked: {exc}"
    finally:
        pool.shutdown(cancel_futures=True)  # the parts not started yet are not read; running ones end
    if reason is not None:
        _log.debug("%s: read whole by python-calamine (%s)", name, reason)
        return None
    grid = np.full((height, width), "", dtype=object)
    if head:
        grid[:len(head), :len(head[0])] = np.array(head, dtype=object).reshape(len(head), len(head[0]))
    for skip, cells in found:
        for position, values in cells.items():
            grid[skip:skip + len(values), position] = values
    return grid


def _part_cells(columns, table, errors, dated: list[int], marks: _Marks, skip: int) -> dict[int, np.ndarray]:
    """{column position: its cells from row `skip` (from 0) on} of one part read by fastexcel from
    Excel row 1; raises `_Declined` when not proven."""
    found = {}
    for column, array in zip(columns, table.columns):
        above = array.slice(0, skip)
        if above.null_count != len(above):
            raise _Declined("a cell above its part's first row: rows out of order")
        is_dated = column.absolute_index in dated
        # A column of dates found only below the head: unless the sheet holds ISO dates (t="d"), which
        # python-calamine types by their text, fastexcel by their value.
        if column.dtype == "datetime" and not is_dated and marks.iso():
            raise _Declined("ISO dates (t=\"d\") in a column of dates")
        if (is_dated or column.dtype == "datetime") and (marks.hair() or (_zero(array) and marks.letters())):
            raise _Declined("a serial number a hair from midnight, NaN, inf or hidden by a character reference")
        cells = _cells(array.slice(skip), is_dated)
        if cells is None:
            raise _Declined(f"column {column.absolute_index}: cells of {array.type} not proven the same")
        found[column.absolute_index] = cells
    at = {c.index: c.absolute_index for c in columns}
    for error in (errors.errors if errors is not None else ()):
        _, index = error.position
        row = error.offset_position[0] - skip
        value = _value(error.detail) if at.get(index) in dated else None
        if row < 0:
            raise _Declined("a cell above its part's first row: rows out of order")
        if value is None:
            raise _Declined(f"a cell fastexcel could not type: {error.detail}")
        found[at[index]][row] = value[0]
    return found


def _zero(array) -> bool:
    """Whether a column of durations or timestamps holds serial number 0 (1899-12-30 00:00)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    zero = 0 if pa.types.is_duration(array.type) else -2_209_161_600_000
    return bool(pc.any(pc.equal(array.cast(pa.int64()), zero)).as_py())


def _cells(array, dated: bool):
    """A column's Arrow cells as python-calamine's objects ("" where empty); None when unproven."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = array.type
    empty = array.is_null().to_numpy(zero_copy_only=False)
    if pa.types.is_null(kind):
        return np.full(len(array), "", dtype=object)
    if dated:
        if not pa.types.is_duration(kind):
            return None
        return _dates(array.fill_null(0).cast(pa.int64()).to_numpy(), empty)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        # each distinct text made a Python string once (a column of statuses holds a handful)
        coded = pc.dictionary_encode(array.fill_null(""))
        return coded.dictionary.to_numpy(zero_copy_only=False)[coded.indices.to_numpy()]
    if pa.types.is_floating(kind):
        if pc.any(pc.is_nan(array)).as_py():  # text "nan" reads as NaN: not a number calamine gave
            return None
        cells = array.fill_null(0.0).to_numpy().astype(object)
    elif pa.types.is_boolean(kind):
        cells = array.fill_null(False).to_numpy(zero_copy_only=False).astype(object)
    elif pa.types.is_timestamp(kind) and kind.unit == "ms" and kind.tz is None:
        # calamine's serial number again, in milliseconds: from 1899-12-30, a day less before March 1900
        ms = array.fill_null(0).cast(pa.int64()).to_numpy() + 2_209_161_600_000
        cells = _dates(np.where(ms < 60 * _DAY_MS, ms - _DAY_MS, ms), empty)
        if cells is None:
            return None
    else:
        return None
    cells[empty] = ""
    return cells


def _dates(serial: np.ndarray, empty: np.ndarray):
    """Cells from calamine's serial numbers in milliseconds, as python-calamine types them: before
    day 1 a time of day, on a whole day a date, else a date and time (None: a year it cannot hold)."""
    epoch = np.datetime64("1899-12-30T00:00:00.000", "ms")
    # calamine counts a day 60 (29 February 1900) that never was: its dates before March 1900 are a day off
    moment = epoch + np.where(serial < 60 * _DAY_MS, serial + _DAY_MS, serial).astype("timedelta64[ms]")
    cells = np.full(len(serial), "", dtype=object)
    full = ~empty
    if full.any():
        years = moment[full].astype("datetime64[Y]").astype(np.int64) + 1970
        time_only = serial < _DAY_MS
        if ((years < 1) | (years > 9999))[~time_only[full]].any():
            return None
        whole = full & ~time_only & (serial % _DAY_MS == 0)
        stamp = full & ~time_only & ~whole
        days, at = np.unique(moment[whole].astype("datetime64[D]"), return_inverse=True)
        cells[whole] = days.astype(object)[at]  # each distinct day made a date once
        cells[stamp] = moment[stamp].astype(object)
        times = np.flatnonzero(full & time_only)
        cells[times] = [v.time() for v in moment[times].astype(object)]
    return cells


def _value(detail: str):
    """(cell,) from a duration column's error, which names the cell's value as calamine holds it;
    None when it names something else. A 1-tuple, so that no cell's value is taken for "unknown"."""
    match = _DETAIL.match(detail)
    if match is None:
        return None
    kind, text = match.groups()
    if kind in ("String", "SharedString") and len(text) >= 2 and text[0] == text[-1] == '"':
        text = _unescape(text[1:-1])
        return None if text is None else (text,)
    if kind == "Float":
        value = float(text)
        return None if value != value else (value,)
    if kind == "Bool" and text in ("true", "false"):
        return (text == "true",)
    if kind == "Error":
        return ("",)  # python-calamine gives an error value as an empty cell (sheets._formula_cells reports it)
    return None


def _unescape(text: str) -> str | None:
    """A Rust string's Debug form read back (\\" \\\\ \\n \\u{301} ...); None for an escape it does not know."""
    if "\\" not in text:
        return text
    unknown = []

    def one(match):
        code, char = match.groups()
        if code:
            if int(code, 16) <= 0x10FFFF:
                return chr(int(code, 16))
            unknown.append(code)
            return ""
        if char not in _SIMPLE:
            unknown.append(char)
        return _SIMPLE.get(char, "")

    text = _ESCAPE.sub(one, text)
    return None if unknown else text
