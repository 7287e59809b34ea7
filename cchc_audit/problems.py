"""Problems found in a unit's input: one record per cell (or file), bilingual, tabular."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import csv_text

# code -> (Vietnamese, English) description of what was expected. `{x}` is filled from `detail`.
EXPECTED = {
    "file_unreadable": ("tệp bảng tính XLSX hoặc CSV đọc được", "a readable XLSX or CSV spreadsheet"),
    "file_type": ("sổ lưu dạng .xlsx hoặc .csv, ví dụ {x}.xlsx (tệp này không phải bảng tính XLSX/CSV)",
                  "a register saved as .xlsx or .csv, e.g. {x}.xlsx (this file is not an XLSX/CSV spreadsheet)"),
    "file_is_workbook": ("tệp CSV dạng văn bản (tệp này là sổ Excel: hãy đổi đuôi thành .xlsx hoặc lưu lại "
                         "dạng \"CSV UTF-8\")",
                         "a CSV text file (this file is an Excel workbook: rename it to .xlsx or save it as "
                         "\"CSV UTF-8\")"),
    "file_is_text": ("bảng tính XLSX (tệp này là văn bản, có thể là CSV: hãy đổi đuôi thành .csv)",
                     "an XLSX workbook (this file is plain text, perhaps CSV: rename it to .csv)"),
    "file_old_excel": ("bảng tính XLSX (tệp này là Excel 97-2003 .xls hoặc có mật khẩu: hãy lưu lại dạng .xlsx "
                       "không mật khẩu)",
                       "an XLSX workbook (this file is an Excel 97-2003 .xls or is password-protected: save it "
                       "as .xlsx without a password)"),
    "file_utf16": ("tệp CSV mã hóa UTF-8 (tệp này mã hóa UTF-16: hãy lưu lại dạng \"CSV UTF-8\")",
                   "a CSV file encoded in UTF-8 (this file is UTF-16: save it as \"CSV UTF-8\")"),
    "file_encoding": ("tệp CSV mã hóa UTF-8, có hoặc không có BOM (dòng này có byte không phải UTF-8: hãy lưu "
                      "lại dạng \"CSV UTF-8\")",
                      "a CSV file encoded in UTF-8, with or without BOM (this line holds bytes that are not "
                      "UTF-8: save the file as \"CSV UTF-8\")"),
    "csv_quote": ("dấu ngoặc kép \" theo cặp: một ô mở bằng \" ở dòng này không được đóng đúng chỗ (các dòng sau "
                  "có thể bị gộp vào ô đó)", "double quotes in pairs: a cell opened with \" on this row is not closed "
                  "properly (later rows may run into that cell)"),
    "file_empty": ("tệp có dữ liệu (với XLSX: ở trang tính đầu tiên)", "a file with data (for XLSX: on the first sheet)"),
    "unit_file": ("tệp YAML dạng khóa: giá trị (ten_don_vi, ma_don_vi, ...)",
                  "a YAML file of key: value pairs (ten_don_vi, ma_don_vi, ...)"),
    # Refused before reading (safeio.py): the data folder is a boundary, and reading is bounded.
    "file_outside": ("một tệp nằm trong thư mục dữ liệu (tệp này là liên kết trỏ ra ngoài, tới {x})",
                     "a file inside the data folder (this one is a link leading out of it, to {x})"),
    "path_outside": ("đường dẫn tương đối nằm trong thư mục của tệp, không có \"..\" ({x} ra ngoài thư mục)",
                     "a relative path inside the file's folder, without \"..\" ({x} leads out of it)"),
    "file_link_loop": ("một tệp thông thường (đây là liên kết vòng tròn)", "a regular file (this is a symlink loop)"),
    "file_link_broken": ("một tệp thông thường (đây là liên kết hỏng)", "a regular file (this is a broken link)"),
    "file_is_folder": ("một tệp thông thường (đây là thư mục)", "a regular file (this is a folder)"),
    "file_is_special": ("một tệp thông thường (đây là FIFO, thiết bị hoặc socket)",
                        "a regular file (this is a FIFO, a device or a socket)"),
    "file_too_large": ("một tệp không quá {x}", "a file of at most {x}"),
    "xlsx_too_large": ("trang tính đầu tiên không quá {x} ô (tệp ghi ô ở rất xa, ví dụ XFD1048576: hãy xóa các "
                       "dòng, cột thừa rồi lưu lại)", "a first sheet of at most {x} cells (the file has a cell very "
                       "far out, e.g. XFD1048576: delete the extra rows and columns and save it again)"),
    "xlsx_bomb": ("tệp XLSX thông thường (dữ liệu giải nén vượt {x} hoặc tỷ lệ nén bất thường)",
                  "an ordinary XLSX file (its content decompresses past {x}, or at an abnormal ratio)"),
    "cell_too_long": ("ô không quá {x} ký tự (giới hạn của Excel)", "a cell of at most {x} characters (Excel's limit)"),
    "yaml_alias": ("YAML không dùng neo/bí danh (& và *; ở đây: {x})", "YAML without anchors and aliases (& and *; here: {x})"),
    "yaml_too_deep": ("YAML lồng nhau không quá {x} cấp", "YAML nested at most {x} levels deep"),
    "file_duplicate": ("chỉ một tệp cho mỗi sổ ({x})", "one file per register ({x})"),
    "header_not_found": ("một dòng tiêu đề có các cột bắt buộc: {x} (với XLSX: ở trang tính đầu tiên; với CSV: "
                         "phân cách bằng dấu phẩy hoặc chấm phẩy)", "a header row holding the required columns: {x} "
                         "(for XLSX: on the first sheet; for CSV: separated by commas or semicolons)"),
    "missing_column": ("cột bắt buộc \"{x}\"", "the required column \"{x}\""),
    "duplicate_column": ("mỗi cột một lần (cột này trùng với cột {x})", "each column once (this one repeats column {x})"),
    "no_header": ("giá trị nằm dưới một cột có tiêu đề (ở CSV, giá trị chứa dấu phân cách phải đặt trong "
                  "ngoặc kép)", "a value under a column with a header (in CSV, a value holding the separator "
                  "must be in double quotes)"),
    "formula_no_value": ("một giá trị (ô có công thức nhưng chưa lưu kết quả: mở tệp bằng Excel rồi lưu lại, "
                         "hoặc nhập giá trị)", "a value (the cell holds a formula with no saved result: open and "
                         "save the file in Excel, or type the value)"),
    "cell_error": ("một giá trị, không phải lỗi công thức", "a value, not a formula error"),
    "empty_required": ("một giá trị (cột bắt buộc)", "a value (required column)"),
    "bad_date": ("ngày dạng dd/mm/yyyy hoặc yyyy-mm-dd", "a date as dd/mm/yyyy or yyyy-mm-dd"),
    "impossible_date": ("một ngày có thật (dd/mm/yyyy)", "a real calendar date (dd/mm/yyyy)"),
    "ambiguous_date": ("ngày có năm đủ 4 chữ số, dạng dd/mm/yyyy", "a date with a four-digit year, dd/mm/yyyy"),
    "date_out_of_range": ("một ngày trong các năm 1900-2100", "a date within the years 1900-2100"),
    "bad_bool": ("có/không, x/để trống, 1/0, đúng/sai, true/false, yes/no", "có/không, x/empty, 1/0, đúng/sai, true/false, yes/no"),
    "bad_int": ("số nguyên không âm (0 đến 1.000.000.000)", "a whole number >= 0 (0 to 1,000,000,000)"),
    "bad_number": ("số không âm", "a number >= 0"),
    "ambiguous_number": ("số viết không nhập nhằng: 1500 hoặc 1.500 (nghìn), 1,5 (thập phân)",
                         "an unambiguous number: 1500 or 1.500 (thousands), 1,5 (decimal)"),
    "bad_enum": ("một trong: {x}", "one of: {x}"),
    "bad_level": ("mức 1-5 hoặc nhãn: {x}", "a level 1-5 or its label: {x}"),
    "bad_month": ("tháng dạng yyyy-mm hoặc mm/yyyy", "a month as yyyy-mm or mm/yyyy"),
    "unknown_procedure": ("mã thủ tục có trong danh mục thu_tuc", "a procedure code listed in thu_tuc"),
    "unknown_task": ("mã nhiệm vụ có trong kế hoạch ({x})", "a task id of the plan ({x})"),
    "before_receipt": ("một ngày không trước {x}", "a date not before {x}"),
    "duplicate_code": ("mã không trùng (đã có ở dòng {x})", "a unique code (already used on row {x})"),
}


# The problem table (`cchc-audit validate --format csv|json`), one row per problem.
TABLE_COLUMNS = ("file", "row", "column", "cell", "value", "code", "expected", "message")
_CELL = re.compile(r"^([A-Z]+)\d+$")


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None  # as Excel shows it, title rows counted
    column: str | None  # the header as the user wrote it
    value: str | None
    code: str
    detail: str = ""
    cell: str = ""  # the Excel reference, e.g. "C5", when known

    def expected(self, lang: str = "vi") -> str:
        vi, en = EXPECTED[self.code]
        return (en if lang == "en" else vi).format(x=self.detail)

    def message(self, lang: str = "vi") -> str:
        where = [self.file]
        if self.row is not None:
            where.append(("row " if lang == "en" else "dòng ") + str(self.row))
        if self.column is not None:
            where.append(("column " if lang == "en" else "cột ") + f"\"{self.column}\"")
        if self.cell:
            cell = ("cell " if lang == "en" else "ô ") + self.cell
            if self.column is not None:
                where[-1] = f"{where[-1]} ({cell})"
            else:
                where.append(cell)
        value = "" if self.value is None else (
            f" value \"{self.value}\";" if lang == "en" else f" giá trị \"{self.value}\";")
        expect = "expected" if lang == "en" else "cần"
        return f"{', '.join(where)}:{value} {expect} {self.expected(lang)}"

    def to_json(self, lang: str = "vi") -> dict:
        """One row of the problem table (TABLE_COLUMNS), plus the raw `detail`."""
        data = {"file": self.file, "row": self.row, "column": self.column, "cell": self.cell or None,
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
