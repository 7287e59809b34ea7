"""Problems found in a unit's input: one record per cell (or file), in either language, tabular.

Their wording is the catalog's (locale/*/input.po): `expected.<code>` for each ProblemCode,
`notice.<code>` for each NoticeCode, `absent.<register>.<column>` for an optional column's fallback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from .i18n import has, text
from .text import csv_text


class ProblemCode(StrEnum):
    """What is wrong with an input file or cell; the catalog's `expected.<code>` says what was
    expected, its `{x}` filled from the problem's `detail`. Members equal their strings, so the
    JSON and CSV tables carry the plain code."""

    FILE_UNREADABLE = "file_unreadable"
    FILE_TYPE = "file_type"
    FILE_IS_WORKBOOK = "file_is_workbook"
    FILE_IS_TEXT = "file_is_text"
    FILE_IS_HTML = "file_is_html"
    FILE_OLD_EXCEL = "file_old_excel"
    FILE_ENCODING = "file_encoding"
    CSV_QUOTE = "csv_quote"
    FILE_EMPTY = "file_empty"
    UNIT_FILE = "unit_file"
    UNIT_TIME_ZONE = "unit_time_zone"
    FILE_OUTSIDE = "file_outside"
    PATH_OUTSIDE = "path_outside"
    FILE_LINK_LOOP = "file_link_loop"
    FILE_LINK_BROKEN = "file_link_broken"
    FILE_IS_FOLDER = "file_is_folder"
    FILE_IS_SPECIAL = "file_is_special"
    FILE_TOO_LARGE = "file_too_large"
    XLSX_TOO_LARGE = "xlsx_too_large"
    XLSX_BOMB = "xlsx_bomb"
    CELL_TOO_LONG = "cell_too_long"
    YAML_ALIAS = "yaml_alias"
    YAML_TOO_DEEP = "yaml_too_deep"
    FILE_DUPLICATE = "file_duplicate"
    HEADER_NOT_FOUND = "header_not_found"
    HEADER_NEAR = "header_near"
    MISSING_COLUMN = "missing_column"
    DUPLICATE_COLUMN = "duplicate_column"
    NO_HEADER = "no_header"
    FORMULA_NO_VALUE = "formula_no_value"
    CELL_ERROR = "cell_error"
    EMPTY_REQUIRED = "empty_required"
    BAD_DATE = "bad_date"
    DATE_SERIAL = "date_serial"
    LOCALE_SWAPPED_DATES = "locale_swapped_dates"
    IMPOSSIBLE_DATE = "impossible_date"
    AMBIGUOUS_DATE = "ambiguous_date"
    DATE_OUT_OF_RANGE = "date_out_of_range"
    BAD_BOOL = "bad_bool"
    BAD_INT = "bad_int"
    BAD_NUMBER = "bad_number"
    AMBIGUOUS_NUMBER = "ambiguous_number"
    BAD_ENUM = "bad_enum"
    BAD_LEVEL = "bad_level"
    BAD_MONTH = "bad_month"
    UNKNOWN_PROCEDURE = "unknown_procedure"
    UNKNOWN_TASK = "unknown_task"
    BEFORE_RECEIPT = "before_receipt"
    FUTURE_DATE = "future_date"
    NO_REGISTER = "no_register"
    DUPLICATE_CODE = "duplicate_code"


# The problem table (`cchc-audit validate --format csv|json`), one row per problem.
TABLE_COLUMNS = ("file", "row", "column", "cell", "value", "code", "expected", "message")
_CELL = re.compile(r"^([A-Z]+)\d+$")


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None  # as Excel shows it, title rows counted
    column: str | None  # the header as the user wrote it
    value: str | None
    code: str  # a ProblemCode
    detail: str = ""
    cell: str = ""  # the Excel reference, e.g. "C5", when known
    sheet: str = ""  # the workbook's sheet, when the file has several it could be

    def expected(self, lang: str = "vi") -> str:
        return text(f"expected.{self.code}", lang, x=self.detail)

    def where(self, lang: str = "vi") -> str:
        """`file, sheet "S", row 5, column "Ngày" (cell C5)`: as much of the place as is known."""
        where = [self.file]
        if self.sheet:
            where.append(text("problem.sheet", lang, sheet=self.sheet))
        if self.row is not None:
            where.append(text("problem.row", lang, row=self.row))
        if self.column is not None:
            where.append(text("problem.column", lang, column=self.column))
        if self.cell:
            cell = text("problem.cell", lang, cell=self.cell)
            if self.column is not None:
                where[-1] = f"{where[-1]} ({cell})"
            else:
                where.append(cell)
        return ", ".join(where)

    def message(self, lang: str = "vi") -> str:
        if self.value is None:
            return text("problem.message", lang, where=self.where(lang), expected=self.expected(lang))
        return text("problem.message_value", lang, where=self.where(lang), value=self.value,
                    expected=self.expected(lang))

    def to_json(self, lang: str = "vi") -> dict:
        """One row of the problem table (TABLE_COLUMNS), plus the sheet and the raw `detail`."""
        data = {"file": self.file, "sheet": self.sheet or None, "row": self.row, "column": self.column, "cell": self.cell or None,
                "value": self.value, "code": self.code, "expected": self.expected(lang),
                "message": self.message(lang), "detail": self.detail}
        return data

    def sort_key(self) -> tuple:
        """File, then row (file-level problems first), then column left to right."""
        match = _CELL.match(self.cell or "")
        return (self.file, -1 if self.row is None else self.row, column_index(match.group(1)) if match else -1)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: a column as Excel names it (a CSV opened in Excel too)."""
    number, letters = index + 1, ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """A -> 0, AA -> 26: the inverse of column_letter."""
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number - 1


def problems_csv(problems, lang: str = "vi") -> str:
    """The problem table as CSV (UTF-8, comma). A value that a spreadsheet would take for a formula
    (starting with = + - @) is prefixed with ' so that opening the table never runs register text."""
    rows = (problem.to_json(lang) for problem in problems)
    return csv_text(TABLE_COLUMNS, ([row[c] for c in TABLE_COLUMNS] for row in rows))


# ---------------------------------------------------------------------------------------------
# Notices: how a file was read and what of it is not data. Not problems: they never stop a run,
# and the report's method section lists them. The catalog's `notice.<code>`: {x} is `detail`, {n}
# `count`, {rows} the rows, {sep} the CSV separator's name, {fallback} what stands in for an absent
# optional column.
class NoticeCode(StrEnum):
    CSV_READ = "csv_read"
    SHEET_READ = "sheet_read"
    MERGED = "merged"
    COLUMN_NUMBERS = "column_numbers"
    PREFILLED = "prefilled"
    FOOTER_TOTAL = "footer_total"
    FOOTER_DATE = "footer_date"
    FOOTER_SIGNATURE = "footer_signature"
    COLUMN_ABSENT = "column_absent"


# A CSV separator -> its name's key (`separator.<name>`).
SEPARATORS = {";": "semicolon", ",": "comma", "\t": "tab"}


def absent_fallback(column: str, lang: str = "vi") -> str:
    """What a check falls back to when the optional `column` (`register.column`) is absent; else
    every row counts as empty in it (DATA-CONTRACT.md says what empty means)."""
    key = f"absent.{column}"
    return text(key if has(key, lang) else "absent.default", lang)


def _rows_text(rows, lang: str, shown: int = 5) -> str:
    if not rows:
        return ""
    listed = ", ".join(str(r) for r in rows[:shown])
    return listed + ", …" if len(rows) > shown else listed


@dataclass(frozen=True)
class Notice:
    file: str
    code: str  # a NoticeCode
    detail: str = ""
    rows: tuple = ()
    count: int = 0
    extra: str = ""
    quiet: bool = False  # the plain case (UTF-8, the first sheet): said in the method section only

    def message(self, lang: str = "vi") -> str:
        sep = text(f"separator.{SEPARATORS[self.extra]}", lang) if self.extra in SEPARATORS else ""
        consecutive = len(self.rows) > 1 and list(self.rows) == list(range(self.rows[0], self.rows[-1] + 1))
        rows = f"{self.rows[0]}–{self.rows[-1]}" if consecutive else _rows_text(self.rows, lang)
        return f"{self.file}: " + text(f"notice.{self.code}", lang, x=self.detail, n=_count(self.count, lang),
                                       rows=rows, extra=self.extra, fallback=absent_fallback(self.extra, lang),
                                       sep=sep)


def _count(number: int, lang: str) -> str:
    text = f"{number:,}"
    return text if lang == "en" else text.replace(",", ".")


# One cause behind every problem of the code, whatever the file: said once with every column it hit.
ONE_CAUSE = frozenset({ProblemCode.LOCALE_SWAPPED_DATES})
GROUP_FROM = 4  # this many problems of one kind in one column are one line of the text output


def problem_lines(problems, lang: str = "vi") -> list[str]:
    """The text output: one line per problem, except that one problem repeated on many rows of one
    column is one line with the count, the first rows and the first as a sample. (The JSON/CSV
    tables list every cell.)"""
    groups: dict[tuple, list[Problem]] = {}
    for problem in problems:
        if problem.code in ONE_CAUSE:
            key = (problem.code,)
        else:
            key = (problem.file, problem.column, problem.code) if problem.row is not None else (id(problem),)
        groups.setdefault(key, []).append(problem)
    lines = []
    for group in groups.values():
        first = group[0]
        if first.code in ONE_CAUSE and len(group) > 1:
            columns: dict[str, list[str]] = {}
            for p in group:
                columns.setdefault(p.file, []).append(f"\"{p.column}\"")
            where = "; ".join(f"{file} ({', '.join(cols)})" for file, cols in columns.items())
            lines.append(text("problem.one_cause", lang, count=len(group), where=where,
                              example=first.message(lang)))
            continue
        if len(group) < GROUP_FROM:
            lines += [p.message(lang) for p in group]
            continue
        rows = _rows_text(sorted({p.row for p in group}), lang, shown=3)
        where = first.file + (", " + text("problem.column", lang, column=first.column) if first.column else "")
        lines.append(text("problem.group", lang, where=where, count=_count(len(group), lang), rows=rows,
                          example=first.message(lang)))
    return lines
