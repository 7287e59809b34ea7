"""Reading a unit's registers exactly as DATA-CONTRACT.md says.

Each register file becomes a typed DataFrame with the contract's column names, indexed by the row
number as Excel shows it, and every problem found is collected (never raised one by one), so the
inspector can fix all of them in one pass.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from . import forms, safeio, schema
from .archive import sha256_file
from .convert import convert_cells, missing_column, swapped_date_cells, take_run, text_cells
from .errors import Unreadable
from .headers import GridColumns, blank_cells, cell_grid, column_of, near_misses
from .headers import blank as _blank
from .headers import cell_text as _text
from .headers import match_header as _match_header
from .problems import Notice, Problem, column_letter
from .problems import NoticeCode as N
from .problems import ProblemCode as P
from .schema import Register
from .sheets import HEADER_SEARCH_ROWS, READABLE, Sheet, open_sheet
from .text import slug
from .unit import TimeZoneError, Unit, load_unit_info


@dataclass
class InputFile:
    register: str
    path: Path
    sha256: str
    rows: int
    sheet: str | None = None  # the sheet read, in a workbook of several
    encoding: str | None = None  # CSV: as detected


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
    # how the files were read (sheet, encoding, rows skipped, columns absent): not problems
    notices: list[Notice] = field(default_factory=list)


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
    except TimeZoneError as exc:  # a value of a key, named with its line
        problems.append(exc.problem)
        unit = Unit(folder=data_dir.resolve().name)
    except (yaml.YAMLError, ValueError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(Problem("don_vi.yaml", None if mark is None else mark.line + 1, None, None, P.UNIT_FILE))
        unit = Unit(folder=data_dir.resolve().name)
    data = UnitData(data_dir=data_dir, unit=unit, problems=problems)
    with _no_cycle_collection():
        _read_registers(data, data_dir)
    if not data.inputs:  # a folder without registers would audit to nothing but "Thiếu dữ liệu"
        data.problems.append(Problem(data_dir.resolve().name + "/", None, None, None, P.NO_REGISTER,
                                     ", ".join(schema.REGISTERS)))
    return data


@contextmanager
def _no_cycle_collection():
    """Python's cycle collector paused while registers are read: a big register is millions of
    cells and row lists, in no cycle and freed by their reference counts as ever, which each full
    collection would walk again (more than half a second of a 500 000-row workbook's reading)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read_registers(data: UnitData, data_dir: Path) -> None:
    """Every register file of the folder into `data`: frames, headers, letters, inputs, problems."""
    for name, paths in find_register_files(data_dir).items():
        sheets = [p for p in paths if p.suffix.lower() in READABLE]
        data.problems += [Problem(p.name, None, None, None, P.FILE_TYPE, name) for p in paths if p not in sheets]
        if len(sheets) != 1:
            if sheets:
                data.problems.append(Problem(sheets[1].name, None, None, None, P.FILE_DUPLICATE,
                                             " / ".join(p.name for p in sheets)))
            continue
        path = sheets[0]
        try:  # inside the folder, a regular file: a link out, a FIFO or a loop is a problem, unread
            safeio.check_file(path, data_dir)
        except safeio.UnsafeInput as exc:
            data.problems.append(Problem(path.name, None, None, None, exc.code, exc.detail))
            continue
        frame, headers, problems = read_register(path, schema.REGISTERS[name], data.notices)
        data.problems.extend(problems)
        if frame is None:  # reported; hashed when it can be, so the report lists what was handed in
            try:
                data.inputs.append(InputFile(name, path, sha256_file(path), 0))
            except OSError:
                pass
            continue
        read = frame.attrs.pop("sheet", {})
        data.inputs.append(InputFile(name, path, read.get("sha256") or sha256_file(path), len(frame),
                                     read.get("sheet"), read.get("encoding")))
        data.registers[name] = frame
        data.headers[name] = headers
        data.letters[name] = frame.attrs.pop("letters", {})


# ---------------------------------------------------------------------------------------------
# One file: sheets.py opens it, headers.py matches its header, forms.py tells the table from the
# form around it.


def read_register(path: Path, register: Register, notices: list[Notice] | None = None
                  ) -> tuple[pd.DataFrame | None, dict[str, str], list[Problem]]:
    """One register file -> (typed frame or None, headers as written, problems).

    The frame's `attrs["letters"]` maps each contract column found to its Excel column letter and
    `attrs["sheet"]` says how the file was read; how it was read, and what of it is not data (a
    signature block, a total row...), is appended to `notices`.
    """
    name = path.name
    notices = [] if notices is None else notices
    try:
        sheet = open_sheet(path, register)
    except Unreadable as exc:
        return None, {}, [Problem(name, exc.row, None, None, exc.code)]
    except safeio.UnsafeInput as exc:
        return None, {}, [Problem(name, exc.line, None, None, exc.code, exc.detail, exc.cell, exc.sheet)]
    except Exception:  # noqa: BLE001 - calamine, zipfile and csv raise their own errors for a damaged file
        return None, {}, [Problem(name, None, None, None, P.FILE_UNREADABLE)]
    cells, hidden = sheet.rows, sheet.hidden
    if not any(any(not _blank(c) for c in row) for row in cells) and not hidden:
        return None, {}, [Problem(name, None, None, None, P.FILE_EMPTY)]

    required = [c.name for c in register.required]
    best_row, best, header_cells, grouped = None, {}, [], False
    for index, row in enumerate(cells[:HEADER_SEARCH_ROWS]):
        # a two-level header ("Ngày" merged over "Tiếp nhận", "Có kết quả") is read as one row
        two_level = forms.grouped_header(cells, sheet.merges, index)
        for candidate in ((row, two_level) if two_level else (row,)):
            matched = _match_header(candidate, register)
            full, best_full = all(r in matched for r in required), all(r in best for r in required)
            if (full and not best_full) or (full == best_full and len(matched) > len(best)):
                best_row, best, header_cells, grouped = index, matched, candidate, candidate is two_level
        if all(r in best for r in required):
            break
    labels = ", ".join(c.label_vi for c in register.required)
    if best_row is None or len([r for r in required if r in best]) == 0:
        return None, {}, [Problem(name, None, None, None, P.HEADER_NOT_FOUND, labels)]
    # A header worded a little differently from every spelling we know: never dropped in silence.
    problems = [Problem(name, best_row + 1, text, None, P.HEADER_NEAR, f"{column.label_vi} ({column.name})",
                        f"{column_letter(position)}{best_row + 1}")
                for position, text, column in near_misses(header_cells, register, best)]
    problems += [
        Problem(name, best_row + 1, None, None, P.MISSING_COLUMN, register.column(r).label_vi)
        for r in required if r not in best
    ]
    if any(p.code == P.MISSING_COLUMN for p in problems):
        return None, {}, problems
    _sheet_notices(sheet, name, notices)

    headers = {col: _text(header_cells[pos]) for col, pos in best.items()}
    letters = {col: column_letter(pos) for col, pos in best.items()}
    # A column pasted twice: which one holds the register's values cannot be guessed.
    for position, cell in enumerate(header_cells):
        column = column_of(cell, register)
        if column is not None and best[column] != position:
            problems.append(Problem(name, best_row + 1, _text(cell), None, P.DUPLICATE_COLUMN,
                                    f"{headers[column]} ({letters[column]})", column_letter(position)))
    first = best_row + 1 + max(forms.header_depth(sheet.merges, best_row), 1 if grouped else 0)
    rows, skipped, grid, empty, columns = _table_rows(sheet, first, best, [best[r] for r in required], name,
                                                      notices)
    at = rows - 1  # the table's rows in the cell grid
    body, body_empty = take_run(grid, at), take_run(empty, at)  # views of the grid when its rows run on
    index = pd.Index(np.asarray(rows, dtype=np.int64), name="row")

    # the frame's columns, built at once: inserting them one by one costs more than a short register's cells
    frame: dict[str, object] = {}
    for column in register.columns:
        if column.name not in best:
            frame[column.name] = missing_column(column, len(rows))
            if not column.required and not column.personal:
                notices.append(Notice(name, N.COLUMN_ABSENT, f"{column.label_vi} ({column.name})",
                                      extra=f"{register.name}.{column.name}"))
            continue
        position = best[column.name]
        cells = body[:, position]  # a header cell's column: in the grid, read only (not copied)
        codes, uniques = columns(position)
        found = (codes[at], uniques)  # the table's cells among the column's distinct cells
        header, letter = headers[column.name], letters[column.name]
        swapped = swapped_date_cells(cells, index, found) if column.kind == schema.DATE else None
        if swapped is not None:
            # Every value of this column may be wrong: one problem naming the cause, and no figure from it.
            row_number, count_real, count_text = swapped
            value = _text(cells[index.get_loc(row_number)])
            problems.append(Problem(name, row_number, header, value, P.LOCALE_SWAPPED_DATES,
                                    f"{count_real} / {count_text}", f"{letter}{row_number}"))
            frame[column.name] = missing_column(column, len(rows))
            continue
        values, bad = convert_cells(cells, index, column, found, body_empty[:, position])
        frame[column.name] = values
        for row_number, value, code, detail in bad:
            problems.append(Problem(name, row_number, header, value, code, detail, f"{letter}{row_number}"))
        if column.required:
            for row_number in rows[body_empty[:, position]].tolist():
                if (int(row_number) - 1, position) not in hidden:  # reported below, as what it is
                    problems.append(Problem(name, int(row_number), header, "", P.EMPTY_REQUIRED,
                                            cell=f"{letter}{row_number}"))
    # Unknown columns are kept as text, under their own header; a value under no header at all is
    # reported (in a CSV, usually a separator inside an unquoted value), never dropped silently.
    known_positions = set(best.values())
    header_of = {pos: _text(cell) for pos, cell in enumerate(header_cells) if not _blank(cell)}
    for position, label in header_of.items():
        if position in known_positions or label in frame:
            continue
        codes, uniques = columns(position)
        frame[label] = text_cells(body[:, position], body_empty[:, position], index, (codes[at], uniques))
    unheaded = [p for p in range(body.shape[1]) if p not in header_of]
    where = np.argwhere(~body_empty[:, unheaded]) if unheaded else ()
    for at_row, at_column in where:  # row by row, left to right
        row_number, position = int(rows[at_row]), unheaded[at_column]
        problems.append(Problem(name, row_number, None, _text(body[at_row, position]), P.NO_HEADER,
                                cell=f"{column_letter(position)}{row_number}"))
    for (row0, position), (code, text) in sorted(hidden.items()):
        if row0 > best_row and row0 + 1 not in skipped:
            problems.append(Problem(name, row0 + 1, header_of.get(position), text, code,
                                    cell=f"{column_letter(position)}{row0 + 1}"))
    key = register.key
    frame = pd.DataFrame(frame, index=index, copy=False)  # the arrays are its own: one block each, as inserted
    if key is not None and key.name in best:
        problems.extend(_duplicates(frame[key.name], name, headers[key.name], letters[key.name]))
    frame.attrs["letters"] = letters
    frame.attrs["sheet"] = {"sheet": sheet.name if sheet.sheet_count > 1 else None, "encoding": sheet.encoding,
                            "sha256": sheet.sha256}
    return frame, headers, problems


def _table_rows(sheet: Sheet, first: int, best: dict[str, int], required_positions: list[int], name: str,
                notices: list[Notice]) -> tuple[np.ndarray, set[int], np.ndarray, np.ndarray, GridColumns]:
    """(Excel rows of the register's table, rows skipped as the form's footer), from row `first`
    (from 0) under the header: merged cells filled, the column-number row, rows of only a
    pre-filled STT or formula and the footer left out, each said once in `notices`."""
    cells = sheet.rows
    filled = forms.fill_merges(cells, forms.vertical_merges(sheet.merges, first))
    if filled:
        r0, c0, r1 = filled[0]
        notices.append(Notice(name, N.MERGED, f"{column_letter(c0)}{r0 + 1}:{column_letter(c0)}{r1 + 1}",
                              count=len(filled)))
    numbers = next((i for i in range(first, min(first + 3, len(cells))) if any(not _blank(c) for c in cells[i])),
                   None)  # the first non-blank row under the header
    if numbers is not None and forms.is_column_numbers(cells[numbers]):
        notices.append(Notice(name, N.COLUMN_NUMBERS, rows=(numbers + 1,)))
        first = numbers + 1
    if sheet.grid is not None and not filled:  # as opened: its distinct cells are found already
        grid, columns = sheet.grid, sheet.columns or GridColumns(sheet.grid)
    else:
        grid = cell_grid(cells)
        columns = GridColumns(grid)
    empty = blank_cells(grid, columns)
    rows, prefilled = forms.data_rows(grid, empty, first, set(best.values()), sheet.formulas, sheet.hidden)
    if prefilled:
        notices.append(Notice(name, N.PREFILLED, rows=tuple(prefilled), count=len(prefilled)))
    enough = max(2, (len(best) + 1) // 2)  # a data row fills its required cells and half the register's

    def data_like(row):
        cells_filled = sum(1 for p in best.values() if p < len(row) and not _blank(row[p]))
        return cells_filled >= enough and all(p < len(row) and not _blank(row[p]) for p in required_positions)

    footer = forms.footer(cells, rows - 1, data_like)
    for kind, indexes in footer.items():
        notices.append(Notice(name, N(f"footer_{kind}"), rows=tuple(i + 1 for i in indexes), count=len(indexes)))
    skipped = {i + 1 for indexes in footer.values() for i in indexes}
    if skipped:
        rows = rows[~np.isin(rows, sorted(skipped))]
    return rows, skipped, grid, empty, columns


def _sheet_notices(sheet: Sheet, name: str, notices: list[Notice]) -> None:
    if sheet.kind == "csv":
        notices.append(Notice(name, N.CSV_READ, sheet.encoding, extra=sheet.delimiter,
                              quiet=sheet.encoding == "UTF-8"))
    elif sheet.sheet_count > 1:
        notices.append(Notice(name, N.SHEET_READ, sheet.name, count=sheet.index + 1, extra=str(sheet.sheet_count),
                              quiet=sheet.index == 0))


def _duplicates(codes: pd.Series, file: str, header: str, letter: str = "") -> list[Problem]:
    values = codes.to_numpy(dtype=object)
    # Text codes (and at most one missing) all distinct, as a set of them says: nothing repeats.
    if isinstance(codes.dtype, pd.StringDtype) and len(set(values)) == len(values):
        return []
    # Equal codes share their hash: the codes themselves are compared only where a hash repeats
    # (a register's codes are nearly all distinct, and numbers are matched faster than text).
    hashes = np.fromiter(map(hash, values), dtype=np.int64, count=len(codes))
    shared = codes[pd.Series(hashes).duplicated(keep=False).to_numpy()].dropna()
    dup = shared[shared.duplicated(keep=False)]
    first_row = {}
    found = []
    for row_number, code in dup.items():
        if code in first_row:
            found.append(Problem(file, int(row_number), header, str(code), P.DUPLICATE_CODE, str(first_row[code]),
                                 f"{letter}{row_number}" if letter else ""))
        else:
            first_row[code] = int(row_number)
    return found
