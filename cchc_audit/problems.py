"""Problems found in a unit's input: one record per cell (or file), bilingual, tabular."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import csv_text

# code -> (Vietnamese, English) description of what was expected. `{x}` is filled from `detail`.
EXPECTED = {
    "file_unreadable": ("tệp bảng tính XLSX, XLS, ODS hoặc CSV đọc được",
                        "a readable XLSX, XLS, ODS or CSV spreadsheet"),
    "file_type": ("sổ lưu dạng .xlsx, .xls, .ods hoặc .csv, ví dụ {x}.xlsx (tệp này không phải bảng tính)",
                  "a register saved as .xlsx, .xls, .ods or .csv, e.g. {x}.xlsx (this file is not a spreadsheet)"),
    "file_is_workbook": ("tệp CSV dạng văn bản (tệp này là sổ Excel: hãy đổi đuôi thành .xlsx hoặc lưu lại "
                         "dạng \"CSV UTF-8\")",
                         "a CSV text file (this file is an Excel workbook: rename it to .xlsx or save it as "
                         "\"CSV UTF-8\")"),
    "file_is_text": ("bảng tính XLSX (tệp này là văn bản, có thể là CSV: hãy đổi đuôi thành .csv)",
                     "an XLSX workbook (this file is plain text, perhaps CSV: rename it to .csv)"),
    "file_is_html": ("bảng tính (tệp này là trang web HTML mang đuôi bảng tính: mở bằng Excel hoặc Calc rồi lưu lại "
                     "dạng .xlsx)", "a spreadsheet (this file is an HTML page named as a spreadsheet: open it in "
                     "Excel or Calc and save it as .xlsx)"),
    "file_old_excel": ("bảng tính đọc được (tệp này có mật khẩu hoặc hỏng: hãy lưu lại dạng .xlsx không mật khẩu)",
                       "a readable workbook (this file is password-protected or damaged: save it as .xlsx "
                       "without a password)"),
    "file_encoding": ("tệp CSV mã hóa UTF-8, UTF-16 hoặc Windows-1258 (dòng này có byte không thuộc mã nào "
                      "trong đó: hãy lưu lại dạng \"CSV UTF-8\")",
                      "a CSV file encoded in UTF-8, UTF-16 or Windows-1258 (this line holds bytes none of them "
                      "allows: save the file as \"CSV UTF-8\")"),
    "csv_quote": ("dấu ngoặc kép \" theo cặp: một ô mở bằng \" ở dòng này không được đóng đúng chỗ (các dòng sau "
                  "có thể bị gộp vào ô đó)", "double quotes in pairs: a cell opened with \" on this row is not closed "
                  "properly (later rows may run into that cell)"),
    "file_empty": ("tệp có dữ liệu", "a file with data"),
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
    "header_not_found": ("một dòng tiêu đề có các cột bắt buộc: {x} (ở một trang tính bất kỳ; với CSV: "
                         "phân cách bằng dấu phẩy, chấm phẩy hoặc tab)",
                         "a header row holding the required columns: {x} "
                         "(on any sheet; for CSV: separated by commas, semicolons or tabs)"),
    "header_near": ("tên cột đã biết: cột này giống cột \"{x}\" — đổi tên cột cho đúng, hoặc thêm tên này vào danh "
                    "sách tên khác của cột (schema.py)", "a known column name: this column looks like \"{x}\" — "
                    "rename it, or add this name to that column's aliases (schema.py)"),
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
    "date_serial": ("một ô ngày (ô này là số, tức ngày {x} nếu định dạng kiểu Ngày: hãy định dạng cột là "
                    "Ngày dd/mm/yyyy)", "a date cell (this cell holds a number, the date {x} when formatted as a "
                    "date: format the column as Date dd/mm/yyyy)"),
    "locale_swapped_dates": ("ngày đọc đúng thứ tự dd/mm/yyyy. Cột này trộn ô ngày thật (mọi ngày <= 12) với ngày "
                             "dạng chữ (mọi ngày > 12; ô ngày thật / ô chữ: {x}): tệp CSV đã được mở bằng Excel/Calc "
                             "ngôn ngữ tiếng Anh (Mỹ), đọc dd/mm thành mm/dd nên ngày và tháng bị đảo. Hãy dùng "
                             "lại tệp CSV gốc, hoặc mở lại với ngôn ngữ Tiếng Việt (Calc: Nhập văn bản, Ngôn "
                             "ngữ = Tiếng Việt; Excel: Dữ liệu > Từ văn bản/CSV, kiểu cột Ngày DMY)",
                             "dates read in dd/mm/yyyy order. This column mixes real date cells (every day <= 12) "
                             "with text dates (every day > 12; date cells / text cells: {x}): the CSV was opened in "
                             "Excel/Calc with an English (US) locale, which read dd/mm as mm/dd and swapped day and "
                             "month. Use the original CSV file, or open it again with a Vietnamese locale (Calc: "
                             "Text Import, Language = Vietnamese; Excel: Data > From Text/CSV, column type Date DMY)"),
    "impossible_date": ("một ngày có thật (dd/mm/yyyy)", "a real calendar date (dd/mm/yyyy)"),
    "ambiguous_date": ("ngày có năm đủ 4 chữ số, dạng dd/mm/yyyy", "a date with a four-digit year, dd/mm/yyyy"),
    "date_out_of_range": ("một ngày trong các năm 1900-2100", "a date within the years 1900-2100"),
    "bad_bool": ("có/không, x/để trống, 1/0, đúng/sai, true/false, yes/no", "có/không, x/empty, 1/0, đúng/sai, true/false, yes/no"),
    "bad_int": ("số nguyên không âm (0 đến 1.000.000.000)", "a whole number >= 0 (0 to 1,000,000,000)"),
    "bad_number": ("số không âm", "a number >= 0"),
    "ambiguous_number": ("số viết không nhập nhằng: 1500 hoặc 1.500 (nghìn), 1,5 (thập phân); dấu phẩy ngăn "
                         "nghìn (630,000) là cách viết tiếng Anh, thường do xuất tệp với ngôn ngữ tiếng Anh (Mỹ): "
                         "xuất lại với ngôn ngữ Tiếng Việt hoặc định dạng số không có dấu ngăn nghìn",
                         "an unambiguous number: 1500 or 1.500 (thousands), 1,5 (decimal); a comma between "
                         "thousands (630,000) is the English way, usually from an export with an English (US) "
                         "locale: export again with a Vietnamese locale or a number format without separators"),
    "bad_enum": ("một trong: {x}", "one of: {x}"),
    "bad_level": ("mức 1-5 hoặc nhãn: {x}", "a level 1-5 or its label: {x}"),
    "bad_month": ("tháng dạng yyyy-mm hoặc mm/yyyy", "a month as yyyy-mm or mm/yyyy"),
    "unknown_procedure": ("mã thủ tục có trong danh mục thu_tuc", "a procedure code listed in thu_tuc"),
    "unknown_task": ("mã nhiệm vụ có trong kế hoạch ({x})", "a task id of the plan ({x})"),
    "before_receipt": ("một ngày không trước {x}", "a date not before {x}"),
    "future_date": ("một ngày không sau hôm nay, {x} (việc đã xảy ra không thể mang ngày trong tương lai; "
                    "chỉ ngày hẹn và hạn giải quyết được sau hôm nay)",
                    "a date not after today, {x} (what has happened cannot be dated in the future; only "
                    "appointments and deadlines may lie ahead)"),
    "no_register": ("ít nhất một sổ trong thư mục, mỗi sổ một tệp .xlsx hoặc .csv mang tên sổ (ví dụ "
                    "ho_so.xlsx): {x}; thư mục này không có sổ nào",
                    "at least one register in the folder, each a .xlsx or .csv file named after it (e.g. "
                    "ho_so.xlsx): {x}; this folder holds none"),
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


# ---------------------------------------------------------------------------------------------
# Notices: how a file was read and what of it is not data. Not problems: they never stop a run,
# and the report's method section lists them. {x} is `detail`, {n} `count`, {rows} the rows.
NOTICES = {
    "csv_read": ("đọc dạng CSV mã hóa {x}, phân cách bằng dấu {sep}", "read as CSV encoded in {x}, {sep}-separated"),
    "sheet_read": ("đọc trang tính \"{x}\" (trang {n} trong {extra})", "read from sheet \"{x}\" ({n} of {extra})"),
    "merged": ("{n} ô gộp theo chiều dọc (ví dụ {x}): giá trị ở ô trên cùng được dùng cho mọi dòng của ô gộp",
               "{n} vertically merged cell(s) (e.g. {x}): the top cell's value holds on every row it covers"),
    "column_numbers": ("dòng {rows} là dòng đánh số cột (1), (2), (3)…: bỏ qua",
                       "row {rows} numbers the columns (1), (2), (3)…: skipped"),
    "prefilled": ("{n} dòng chỉ có số thứ tự hoặc kết quả công thức điền sẵn (dòng {rows}): coi là dòng trống",
                  "{n} row(s) holding only a pre-filled STT or formula result (rows {rows}): taken as blank"),
    "footer_total": ("dòng {rows} là dòng tổng cộng dưới bảng: bỏ qua, không tính là dữ liệu",
                     "row(s) {rows} are the total line under the table: skipped, not data"),
    "footer_date": ("dòng {rows} là dòng địa danh, ngày tháng dưới bảng: bỏ qua",
                    "row(s) {rows} are the place and date line under the table: skipped"),
    "footer_signature": ("dòng {rows} là phần ký tên dưới bảng (người lập biểu, hiệu trưởng…): bỏ qua",
                         "row(s) {rows} are the signature block under the table (prepared by, principal…): skipped"),
    "column_absent": ("không có cột \"{x}\": {fallback}", "no column \"{x}\": {fallback}"),
}
_SEPARATORS = {";": ("chấm phẩy", "semicolon"), ",": ("phẩy", "comma"), "\t": ("tab", "tab")}
# What a check falls back to when an optional column is absent (register.column); else every row
# counts as empty in it (DATA-CONTRACT.md says what empty means).
ABSENT = {
    "ho_so.ngay_hen_tra": ("hạn trả được tính từ thời hạn của thủ tục (thu_tuc)",
                           "the due date is computed from the procedure's time limit (thu_tuc)"),
    "thu_tuc.thoi_han": ("hồ sơ không có ngày hẹn trả không xác định được hạn trả, được tính là không đúng hạn",
                         "a dossier with no appointment date has no due date and counts as not on time"),
    "thu_tuc.don_vi_thoi_han": ("thời hạn tính theo ngày làm việc", "time limits count working days"),
    "ho_so.ngay_co_ket_qua": ("không hồ sơ nào được coi là đã có kết quả", "no dossier counts as resolved"),
    "ho_so.trang_thai": ("trạng thái suy từ ngày có kết quả (có: đã giải quyết; không: đang giải quyết)",
                         "the status follows the result date (present: resolved; absent: in progress)"),
    "can_bo.dang_cong_tac": ("mọi cán bộ được coi là đang công tác", "every staff member counts as in post"),
}
_EMPTY = ("các kiểm tra dùng cột này coi mọi dòng là để trống", "checks using it take every row as empty")


def _rows_text(rows, lang: str, shown: int = 5) -> str:
    if not rows:
        return ""
    text = ", ".join(str(r) for r in rows[:shown])
    if len(rows) > shown:
        text += ", …"
    return text


@dataclass(frozen=True)
class Notice:
    file: str
    code: str
    detail: str = ""
    rows: tuple = ()
    count: int = 0
    extra: str = ""
    quiet: bool = False  # the plain case (UTF-8, the first sheet): said in the method section only

    def message(self, lang: str = "vi") -> str:
        en = lang == "en"
        text = NOTICES[self.code][1 if en else 0]
        fallback = ABSENT.get(self.extra, _EMPTY)[1 if en else 0]
        sep = _SEPARATORS.get(self.extra, ("", ""))[1 if en else 0]
        consecutive = len(self.rows) > 1 and list(self.rows) == list(range(self.rows[0], self.rows[-1] + 1))
        rows = f"{self.rows[0]}–{self.rows[-1]}" if consecutive else _rows_text(self.rows, lang)
        return f"{self.file}: " + text.format(x=self.detail, n=_count(self.count, lang), rows=rows,
                                              extra=self.extra, fallback=fallback, sep=sep)


def _count(number: int, lang: str) -> str:
    text = f"{number:,}"
    return text if lang == "en" else text.replace(",", ".")


# One cause behind every problem of the code, whatever the file: said once with every column it hit.
ONE_CAUSE = frozenset({"locale_swapped_dates"})
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
            lines.append((f"{len(group)} date columns: " if lang == "en" else f"{len(group)} cột ngày: ")
                         + where + ("; for example: " if lang == "en" else "; ví dụ: ") + first.message(lang))
            continue
        if len(group) < GROUP_FROM:
            lines += [p.message(lang) for p in group]
            continue
        rows = _rows_text(sorted({p.row for p in group}), lang, shown=3)
        where = first.file + (f", {'column' if lang == 'en' else 'cột'} \"{first.column}\"" if first.column else "")
        count = _count(len(group), lang)
        if lang == "en":
            lines.append(f"{where}: {count} cells, rows {rows}; for example: {first.message(lang)}")
        else:
            lines.append(f"{where}: {count} ô, dòng {rows}; ví dụ: {first.message(lang)}")
    return lines
