"""Reading a unit's registers exactly as DATA-CONTRACT.md says.

Each register file becomes a typed DataFrame with the contract's column names, indexed by the row
number as Excel shows it, and every problem found is collected (never raised one by one), so the
inspector can fix all of them in one pass.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import schema
from .problems import Problem
from .schema import Column, Register
from .text import slug
from .unit import Unit, load_unit_info

HEADER_SEARCH_ROWS = 50
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_SHORT_YEAR = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2}$")
_MONTH_YM = re.compile(r"^(\d{4})-(\d{1,2})$")
_MONTH_MY = re.compile(r"^(\d{1,2})/(\d{4})$")
_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


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


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def find_register_files(data_dir: Path) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    for path in sorted(Path(data_dir).iterdir()):
        if path.is_file() and path.suffix.lower() in (".xlsx", ".csv") and path.stem in schema.REGISTERS:
            found.setdefault(path.stem, []).append(path)
    return found


def load_unit(data_dir: str | Path) -> UnitData:
    """Read every register present in a unit's folder; absent registers are simply missing."""
    data_dir = Path(data_dir)
    data = UnitData(data_dir=data_dir, unit=load_unit_info(data_dir))
    for name, paths in find_register_files(data_dir).items():
        if len(paths) > 1:
            data.problems.append(Problem(paths[1].name, None, None, None, "file_duplicate",
                                         " / ".join(p.name for p in paths)))
            continue
        path = paths[0]
        frame, headers, problems = read_register(path, schema.REGISTERS[name])
        data.problems.extend(problems)
        data.inputs.append(InputFile(name, path, sha256_file(path), 0 if frame is None else len(frame)))
        if frame is not None:
            data.registers[name] = frame
            data.headers[name] = headers
    return data


# ---------------------------------------------------------------------------------------------
# Raw cells


def read_cells(path: Path, register: Register | None = None) -> list[list]:
    """All cells of the first sheet (XLSX) or of the file (CSV), row by row, from Excel row 1."""
    if path.suffix.lower() == ".csv":
        text = path.read_bytes().decode("utf-8-sig")  # UnicodeDecodeError is reported by the caller
        parsed = {d: list(csv.reader(io.StringIO(text, newline=""), delimiter=d)) for d in (";", ",")}
        if register is None:
            return parsed[","]
        # The separator is the one under which the header row is found: cell contents cannot tip it.
        def fit(rows):
            return max((len(_match_header(row, register)) for row in rows[:HEADER_SEARCH_ROWS]), default=0)
        return max(parsed.values(), key=fit)
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    return workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)


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


def _match_header(row: list, register: Register) -> dict[str, int]:
    wanted: dict[str, str] = {}
    for column in register.columns:
        wanted.setdefault(column.name, column.name)
        wanted.setdefault(slug(column.label_vi), column.name)
    matched: dict[str, int] = {}
    for position, cell in enumerate(row):
        if _blank(cell):
            continue
        name = wanted.get(slug(_text(cell)))
        if name is not None and name not in matched:
            matched[name] = position
    return matched


def read_register(path: Path, register: Register) -> tuple[pd.DataFrame | None, dict[str, str], list[Problem]]:
    """One register file -> (typed frame or None, headers as written, problems)."""
    name = path.name
    try:
        cells = read_cells(path, register)
    except UnicodeDecodeError:
        return None, {}, [Problem(name, None, None, None, "file_encoding")]
    except Exception:  # calamine raises its own error types for anything that is not a workbook
        return None, {}, [Problem(name, None, None, None, "file_unreadable")]
    if not any(any(not _blank(c) for c in row) for row in cells):
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
        header = headers[column.name]
        for row_number, value, code, detail in bad:
            problems.append(Problem(name, row_number, header, value, code, detail))
        if column.required:
            empty = raw.map(_blank)
            for row_number in raw.index[empty.to_numpy(bool)]:
                problems.append(Problem(name, int(row_number), header, "", "empty_required"))
    # Unknown columns are kept as text, under their own header.
    known_positions = set(best.values())
    for position, cell in enumerate(header_cells):
        if position in known_positions or _blank(cell):
            continue
        label = _text(cell)
        if label in frame.columns:
            continue
        frame[label] = [(_text(row[position]) if position < len(row) and not _blank(row[position]) else None)
                        for row in body]
    key = register.key
    if key is not None and key.name in best:
        problems.extend(_duplicates(frame[key.name], name, headers[key.name]))
    return frame, headers, problems


def _duplicates(codes: pd.Series, file: str, header: str) -> list[Problem]:
    present = codes.dropna()
    dup = present[present.duplicated(keep=False)]
    first_row = {}
    found = []
    for row_number, code in dup.items():
        if code in first_row:
            found.append(Problem(file, int(row_number), header, str(code), "duplicate_code", str(first_row[code])))
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
        return pd.Timestamp(value.date())
    if isinstance(value, dt.date):
        return pd.Timestamp(value)
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
        return pd.Timestamp(dt.date(year, month, day))
    except ValueError:
        return _Bad("impossible_date")


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
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    if _THOUSANDS.match(text):
        text = text.replace(".", "")
    text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def _to_int(value, column):
    if _blank(value):
        return None
    number = _number(value)
    if number is None or not float(number).is_integer() or number < 0:
        return _Bad("bad_int")
    return int(number)


def _to_number(value, column):
    if _blank(value):
        return None
    number = _number(value)
    if number is None or number < 0 or np.isnan(number):
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
    if number is not None and float(number).is_integer() and 1 <= number <= 5:
        return int(number)
    level = _LEVELS.get(slug(_text(value))) if number is None else None
    if level is None:
        return _Bad("bad_level", ", ".join(f"{k} {v}" for k, v in schema.LEVEL_LABELS.items()))
    return level


def _to_month(value, column):
    if _blank(value):
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value.year:04d}-{value.month:02d}"
    text = _text(value)
    match = _MONTH_YM.match(text)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
    else:
        match = _MONTH_MY.match(text)
        if not match:
            return _Bad("bad_month")
        month, year = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
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
