"""Reading a unit's registers exactly as DATA-CONTRACT.md says.

Each register file becomes a typed DataFrame with the contract's column names, indexed by the row
number as Excel shows it, and every problem found is collected (never raised one by one), so the
inspector can fix all of them in one pass.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import yaml

from . import safeio, schema
from .archive import sha256_file
from .problems import Problem, column_index, column_letter
from .schema import Column, Register
from .text import slug
from .unit import Unit, load_unit_info

HEADER_SEARCH_ROWS = 50
# A CSV cell may be as long as the file (the size limit bounds it), not csv's default 128 KiB.
csv.field_size_limit(max(csv.field_size_limit(), safeio.LIMITS["csv"]))
READABLE = (".xlsx", ".csv")
YEARS = (1900, 2100)  # a date outside these years is a typing slip, not a register date
MAX_INT = 1_000_000_000
_ZIP, _OLE2 = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_SHORT_YEAR = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2}$")
_MONTH_YM = re.compile(r"^(\d{4})-(\d{1,2})$")
_MONTH_MY = re.compile(r"^(\d{1,2})/(\d{4})$")
_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")
_COMMA_GROUPS = re.compile(r"^\d{1,3}(,\d{3})+$")  # 1,000: one thousand, or 1.0 the Vietnamese way?


@dataclass
class InputFile:
    register: str
    path: Path
    sha256: str
    rows: int


@dataclass
class UnitData:
    data_dir: Path
    unit: Unit
    registers: dict[str, pd.DataFrame] = field(default_factory=dict)
    inputs: list[InputFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # register -> {contract column -> header as the user wrote it}
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    # register -> {contract column -> its Excel column letter}
    letters: dict[str, dict[str, str]] = field(default_factory=dict)


def find_register_files(data_dir: Path) -> dict[str, list[Path]]:
    """Register name -> the files named after it, whatever their extension (`Ho_So.xlsx` and
    `ho-so.csv` are ho_so; `ho_so.pdf` is found too, so that it is reported, not ignored).
    Hidden files and Excel's lock files (`~$ho_so.xlsx`) are not registers. Anything else named like
    a register file (a folder `ho_so.xlsx`, a FIFO, a link) is found, so that it is reported."""
    found: dict[str, list[Path]] = {}
    for path in sorted(Path(data_dir).iterdir()):
        if path.name.startswith((".", "~$")) or (not path.suffix and path.is_dir()):
            continue
        name = slug(path.stem)
        if name in schema.REGISTERS:
            found.setdefault(name, []).append(path)
    return found


def load_unit(data_dir: str | Path) -> UnitData:
    """Read every register present in a unit's folder; absent registers are simply missing."""
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    try:
        unit = load_unit_info(data_dir)
    except safeio.UnsafeInput as exc:
        problems.append(Problem("don_vi.yaml", exc.line, None, None, exc.code, exc.detail))
        unit = Unit(folder=data_dir.resolve().name)
    except (yaml.YAMLError, ValueError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(Problem("don_vi.yaml", None if mark is None else mark.line + 1, None, None, "unit_file"))
        unit = Unit(folder=data_dir.resolve().name)
    data = UnitData(data_dir=data_dir, unit=unit, problems=problems)
    for name, paths in find_register_files(data_dir).items():
        sheets = [p for p in paths if p.suffix.lower() in READABLE]
        data.problems += [Problem(p.name, None, None, None, "file_type", name) for p in paths if p not in sheets]
        if len(sheets) != 1:
            if sheets:
                data.problems.append(Problem(sheets[1].name, None, None, None, "file_duplicate",
                                             " / ".join(p.name for p in sheets)))
            continue
        path = sheets[0]
        try:  # inside the folder, a regular file: a link out, a FIFO or a loop is a problem, unread
            safeio.check_file(path, data_dir)
        except safeio.UnsafeInput as exc:
            data.problems.append(Problem(path.name, None, None, None, exc.code, exc.detail))
            continue
        frame, headers, problems = read_register(path, schema.REGISTERS[name])
        data.problems.extend(problems)
        if frame is None:  # reported; hashed when it can be, so the report lists what was handed in
            try:
                data.inputs.append(InputFile(name, path, sha256_file(path), 0))
            except OSError:
                pass
            continue
        data.inputs.append(InputFile(name, path, sha256_file(path), len(frame)))
        data.registers[name] = frame
        data.headers[name] = headers
        data.letters[name] = frame.attrs.pop("letters", {})
    return data


# ---------------------------------------------------------------------------------------------
# Raw cells


class Unreadable(Exception):
    """A register file that cannot be read as its extension says: (problem code, row)."""

    def __init__(self, code: str, row: int | None = None):
        super().__init__(code)
        self.code, self.row = code, row


def read_cells(path: Path, register: Register | None = None) -> list[list]:
    """All cells of the first sheet (XLSX) or of the file (CSV), row by row, from Excel row 1.

    Raises `Unreadable` when the file is not what its extension says (a workbook saved as .csv,
    text saved as .xlsx, UTF-16, an old .xls) or is not UTF-8; calamine's own errors pass through.
    """
    if path.suffix.lower() == ".csv":
        raw = safeio.read_bytes(path, "csv")
        if raw.startswith((_ZIP, _OLE2)):
            raise Unreadable("file_is_workbook")
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise Unreadable("file_utf16")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise Unreadable("file_encoding", raw[:exc.start].count(b"\n") + 1) from None
        if "\x00" in text:  # valid UTF-8, but no spreadsheet writes it: UTF-16 without BOM, or binary
            raise Unreadable("file_encoding", text[:text.index("\x00")].count("\n") + 1)
        delimiter = ","
        if register is not None:
            # The separator is the one under which the header row is found: cell contents cannot tip it.
            def fit(d):
                rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=d))[:HEADER_SEARCH_ROWS]
                return max((len(_match_header(row, register)) for row in rows), default=0)
            delimiter = max((";", ","), key=fit)
        # Strictly: an unclosed quote would otherwise swallow every later row into one cell.
        rows = []
        try:
            rows.extend(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
        except csv.Error:
            raise Unreadable("csv_quote", len(rows) + 1) from None
        return rows
    raw = safeio.read_bytes(path, "xlsx")
    head = raw[:65536]
    if head.startswith(_OLE2):
        raise Unreadable("file_old_excel")
    if not head.startswith(_ZIP):
        raise Unreadable("file_is_text" if _looks_like_text(head) else "file_unreadable")
    from python_calamine import CalamineWorkbook

    with zipfile.ZipFile(io.BytesIO(raw)) as book:
        safeio.xlsx_preflight(book, _first_sheet_member(book), path)
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(raw))
    rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    for number, row in enumerate(rows, start=1):
        if any(isinstance(v, str) and len(v) > safeio.CELL_MAX_CHARS for v in row):
            raise safeio.UnsafeInput("cell_too_long", path.name, str(safeio.CELL_MAX_CHARS), number)
    return rows


def _looks_like_text(head: bytes) -> bool:
    if not head.strip() or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3  # a character cut by the 64 KiB read
    return True


# XLSX cells that calamine reads as empty although they hold something: a formula saved without its
# result (files written by scripts, never recalculated) and error values (#N/A, #DIV/0!).
# Byte marks of either, found by plain search (a false alarm only costs the full parse below).
_MARKS = (b"<f", b":f", b"=\"e\"", b"='e'")
_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _first_sheet_member(book: zipfile.ZipFile) -> str | None:
    """The zip member holding the first sheet (calamine's sheet 0), via xl/workbook.xml and its
    relationships."""
    try:
        workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return None
    sheets = [e for e in workbook.iter() if _local(e.tag) == "sheet"]
    if not sheets:
        return None
    sheet = sheets[0]
    rid = next((v for k, v in sheet.attrib.items() if _local(k) == "id"), None)
    target = next((e.get("Target") for e in rels if e.get("Id") == rid), None)
    if not target:
        return None
    member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    return member if member in book.namelist() else None


def _hidden_cells(path: Path) -> dict[tuple[int, int], tuple[str, str]]:
    """(row, column) from 0 -> (problem code, text) for cells of the first sheet that hold a formula
    without a saved result, or an error value. Cheap when there are none: one scan of the bytes."""
    with zipfile.ZipFile(path) as book:
        member = _first_sheet_member(book)
        if member is None:
            return {}
        with book.open(member) as handle:
            tail, marked = b"", False
            for chunk in iter(lambda: handle.read(1 << 22), b""):
                window = tail + chunk
                if any(mark in window for mark in _MARKS):
                    marked = True
                    break
                tail = chunk[-8:]
        if not marked:
            return {}
        found: dict[tuple[int, int], tuple[str, str]] = {}
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
                    if element.get("t") == "e":
                        found[(row, column)] = ("cell_error", (value.text or "") if value is not None else "")
                    elif "f" in kids and element.get("t") not in ("str", "inlineStr") and (
                            value is None or not (value.text or "").strip()):
                        formula = kids["f"].text
                        found[(row, column)] = ("formula_no_value", "=" + formula if formula else "=…")
                elif tag == "row" and parent is not None:
                    parent.remove(element)  # keep memory flat on large sheets
    return found


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M") if value.time() != dt.time() else value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def _wanted(register: Register) -> dict[str, str]:
    """Every accepted header spelling (slugged) -> contract column name."""
    wanted: dict[str, str] = {}
    for column in register.columns:
        wanted.setdefault(column.name, column.name)
        wanted.setdefault(slug(column.label_vi), column.name)
    return wanted


def _match_header(row: list, register: Register) -> dict[str, int]:
    wanted = _wanted(register)
    matched: dict[str, int] = {}
    for position, cell in enumerate(row):
        if _blank(cell):
            continue
        name = wanted.get(slug(_text(cell)))
        if name is not None and name not in matched:
            matched[name] = position
    return matched


def read_register(path: Path, register: Register) -> tuple[pd.DataFrame | None, dict[str, str], list[Problem]]:
    """One register file -> (typed frame or None, headers as written, problems).

    The frame's `attrs["letters"]` maps each contract column found to its Excel column letter.
    """
    name = path.name
    try:
        cells = read_cells(path, register)
        hidden = _hidden_cells(path) if path.suffix.lower() == ".xlsx" else {}
    except Unreadable as exc:
        return None, {}, [Problem(name, exc.row, None, None, exc.code)]
    except safeio.UnsafeInput as exc:
        return None, {}, [Problem(name, exc.line, None, None, exc.code, exc.detail)]
    except Exception:  # calamine, zipfile and csv raise their own errors for a damaged file
        return None, {}, [Problem(name, None, None, None, "file_unreadable")]
    if not any(any(not _blank(c) for c in row) for row in cells) and not hidden:
        return None, {}, [Problem(name, None, None, None, "file_empty")]

    required = [c.name for c in register.required]
    best_row, best = None, {}
    for index, row in enumerate(cells[:HEADER_SEARCH_ROWS]):
        matched = _match_header(row, register)
        if all(r in matched for r in required):
            best_row, best = index, matched
            break
        if len(matched) > len(best):
            best_row, best = index, matched
    labels = ", ".join(c.label_vi for c in register.required)
    if best_row is None or len([r for r in required if r in best]) == 0:
        return None, {}, [Problem(name, None, None, None, "header_not_found", labels)]
    problems = [
        Problem(name, best_row + 1, None, None, "missing_column", register.column(r).label_vi)
        for r in required if r not in best
    ]
    if problems:
        return None, {}, problems

    header_cells = cells[best_row]
    headers = {col: _text(header_cells[pos]) for col, pos in best.items()}
    letters = {col: column_letter(pos) for col, pos in best.items()}
    # A column pasted twice: which one holds the register's values cannot be guessed.
    wanted = _wanted(register)
    for position, cell in enumerate(header_cells):
        column = None if _blank(cell) else wanted.get(slug(_text(cell)))
        if column is not None and best[column] != position:
            problems.append(Problem(name, best_row + 1, _text(cell), None, "duplicate_column",
                                    f"{headers[column]} ({letters[column]})", column_letter(position)))
    body = cells[best_row + 1:]
    rows = [best_row + 2 + i for i, row in enumerate(body) if any(not _blank(c) for c in row)]
    body = [cells[r - 1] for r in rows]
    index = pd.Index(rows, name="row", dtype="int64")

    frame = pd.DataFrame(index=index)
    for column in register.columns:
        if column.name not in best:
            frame[column.name] = _missing_column(column, len(rows))
            continue
        position = best[column.name]
        raw = pd.Series([row[position] if position < len(row) else "" for row in body], index=index, dtype=object)
        values, bad = convert(raw, column)
        frame[column.name] = values
        header, letter = headers[column.name], letters[column.name]
        for row_number, value, code, detail in bad:
            problems.append(Problem(name, row_number, header, value, code, detail, f"{letter}{row_number}"))
        if column.required:
            empty = raw.map(_blank)
            for row_number in raw.index[empty.to_numpy(bool)]:
                if (int(row_number) - 1, position) not in hidden:  # reported below, as what it is
                    problems.append(Problem(name, int(row_number), header, "", "empty_required",
                                            cell=f"{letter}{row_number}"))
    # Unknown columns are kept as text, under their own header; a value under no header at all is
    # reported (in a CSV, usually a separator inside an unquoted value), never dropped silently.
    known_positions = set(best.values())
    header_of = {pos: _text(cell) for pos, cell in enumerate(header_cells) if not _blank(cell)}
    for position, label in header_of.items():
        if position in known_positions or label in frame.columns:
            continue
        frame[label] = [(_text(row[position]) if position < len(row) and not _blank(row[position]) else None)
                        for row in body]
    unheaded = [p for p in range(max(map(len, body), default=0)) if p not in header_of]
    for row_number, row in zip(rows, body) if unheaded else ():
        for position in unheaded:
            if position < len(row) and not _blank(row[position]):
                problems.append(Problem(name, row_number, None, _text(row[position]), "no_header",
                                        cell=f"{column_letter(position)}{row_number}"))
    for (row0, position), (code, text) in sorted(hidden.items()):
        if row0 > best_row:
            problems.append(Problem(name, row0 + 1, header_of.get(position), text, code,
                                    cell=f"{column_letter(position)}{row0 + 1}"))
    key = register.key
    if key is not None and key.name in best:
        problems.extend(_duplicates(frame[key.name], name, headers[key.name], letters[key.name]))
    frame.attrs["letters"] = letters
    return frame, headers, problems


def _duplicates(codes: pd.Series, file: str, header: str, letter: str = "") -> list[Problem]:
    present = codes.dropna()
    dup = present[present.duplicated(keep=False)]
    first_row = {}
    found = []
    for row_number, code in dup.items():
        if code in first_row:
            found.append(Problem(file, int(row_number), header, str(code), "duplicate_code", str(first_row[code]),
                                 f"{letter}{row_number}" if letter else ""))
        else:
            first_row[code] = int(row_number)
    return found
def _missing_column(column: Column, length: int):
    if column.kind == schema.DATE:
        return pd.Series(pd.NaT, index=range(length), dtype="datetime64[ns]").to_numpy()
    if column.kind == schema.BOOL:
        if column.nullable:
            return pd.array([pd.NA] * length, dtype="boolean")
        return np.full(length, column.default_true, dtype=bool)
    if column.kind in (schema.INT, schema.LEVEL):
        return pd.array([pd.NA] * length, dtype="Int64")
    if column.kind == schema.NUMBER:
        return np.full(length, np.nan)
    return pd.array([pd.NA] * length, dtype="string")


# ---------------------------------------------------------------------------------------------
# Typed conversion: each distinct raw value is converted once, so a large register stays cheap.


def convert(raw: pd.Series, column: Column):
    """Raw cells -> (typed values, [(row, value as text, problem code, detail)])."""
    converter = _CONVERTERS[column.kind]
    table: dict = {}
    failures: dict = {}
    keys = raw.map(_key)
    for key in dict.fromkeys(keys.tolist()):
        result = converter(key[1] if isinstance(key, tuple) else key, column)
        if isinstance(result, _Bad):
            failures[key] = result
            table[key] = None
        else:
            table[key] = result
    mapped = keys.map(lambda k: table[k])
    bad = []
    if failures:
        failed = keys.isin(list(failures))
        for row_number, key in keys[failed].items():
            failure = failures[key]
            bad.append((int(row_number), _text(raw[row_number]), failure.code, failure.detail))
    return _finish(mapped, column), bad


def _key(value):
    # True == 1.0 in a dict: keep booleans apart from numbers.
    return ("bool", value) if isinstance(value, bool) else value


@dataclass(frozen=True)
class _Bad:
    code: str
    detail: str = ""


def _to_text(value, column):
    return None if _blank(value) else _text(value)


def _to_date(value, column):
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return pd.Timestamp(value) if YEARS[0] <= value.year <= YEARS[1] else _Bad("date_out_of_range")
    if isinstance(value, (bool, int, float)):
        return _Bad("bad_date")
    text = str(value).strip()
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _YMD.match(text)
        if not match:
            return _Bad("ambiguous_date" if _SHORT_YEAR.match(text) else "bad_date")
        year, month, day = (int(g) for g in match.groups())
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return _Bad("impossible_date")
    return pd.Timestamp(date) if YEARS[0] <= year <= YEARS[1] else _Bad("date_out_of_range")


def _to_bool(value, column):
    if isinstance(value, bool):
        return value
    if _blank(value):
        if column.nullable:
            return None
        return column.default_true
    if isinstance(value, (int, float)):
        return {1: True, 0: False}.get(value, _Bad("bad_bool"))
    word = slug(value)
    if not word:  # punctuation only, e.g. "?": not an accepted spelling, and not empty either
        return _Bad("bad_bool")
    if word in schema.TRUE_WORDS:
        return True
    if word in schema.FALSE_WORDS:
        return False
    return _Bad("bad_bool")


def _number(value):
    """A finite number, None when the cell is not one, or _Bad("ambiguous_number") for `1,000`."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    if isinstance(value, str):
        text = value.strip().replace(" ", "").replace("\u00a0", "")
        if _COMMA_GROUPS.match(text):
            return _Bad("ambiguous_number")
        if _THOUSANDS.match(text):
            text = text.replace(".", "")
        value = text.replace(",", ".")
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _to_int(value, column):
    if _blank(value):
        return None
    number = _number(value)
    if isinstance(number, _Bad):
        return number
    if number is None or not number.is_integer() or not 0 <= number <= MAX_INT:
        return _Bad("bad_int")
    return int(number)


def _to_number(value, column):
    if _blank(value):
        return None
    number = _number(value)
    if isinstance(number, _Bad):
        return number
    if number is None or number < 0:
        return _Bad("bad_number")
    return number


def _to_enum(value, column):
    if _blank(value):
        return None
    code = column.enum_lookup().get(slug(_text(value)))
    if code is None:
        choices = ", ".join(f"{spellings[0]} ({code})" for code, spellings in column.choices.items())
        return _Bad("bad_enum", choices)
    return code


_LEVELS = {slug(label): level for level, label in schema.LEVEL_LABELS.items()}


def _to_level(value, column):
    if _blank(value):
        return None
    number = _number(value)
    if isinstance(number, float) and number.is_integer() and 1 <= number <= 5:
        return int(number)
    level = _LEVELS.get(slug(_text(value))) if not isinstance(number, float) else None
    if level is None:
        return _Bad("bad_level", ", ".join(f"{k} {v}" for k, v in schema.LEVEL_LABELS.items()))
    return level


def _to_month(value, column):
    if _blank(value):
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value.year:04d}-{value.month:02d}" if YEARS[0] <= value.year <= YEARS[1] else _Bad("bad_month")
    text = _text(value)
    match = _MONTH_YM.match(text)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
    else:
        match = _MONTH_MY.match(text)
        if not match:
            return _Bad("bad_month")
        month, year = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or not YEARS[0] <= year <= YEARS[1]:
        return _Bad("bad_month")
    return f"{year:04d}-{month:02d}"


_CONVERTERS = {
    schema.TEXT: _to_text,
    schema.DATE: _to_date,
    schema.BOOL: _to_bool,
    schema.INT: _to_int,
    schema.NUMBER: _to_number,
    schema.ENUM: _to_enum,
    schema.LEVEL: _to_level,
    schema.MONTH: _to_month,
}


def _finish(mapped: pd.Series, column: Column):
    kind = column.kind
    if kind == schema.DATE:
        return pd.to_datetime(mapped, errors="coerce").astype("datetime64[ns]")
    if kind == schema.BOOL:
        if column.nullable:
            return mapped.astype("boolean")
        # A cell that failed to convert reads as false; the problem is reported either way.
        return mapped.fillna(False).astype(bool)
    if kind in (schema.INT, schema.LEVEL):
        return mapped.astype("Int64")
    if kind == schema.NUMBER:
        return mapped.astype("float64")
    return mapped.astype("string")
