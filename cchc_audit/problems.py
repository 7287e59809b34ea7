"""Problems found in a unit's input: one record per cell (or file), bilingual, tabular."""

from __future__ import annotations

from dataclasses import asdict, dataclass

# code -> (Vietnamese, English) description of what was expected. `{x}` is filled from `detail`.
EXPECTED = {
    "file_unreadable": ("tệp bảng tính XLSX hoặc CSV đọc được", "a readable XLSX or CSV spreadsheet"),
    "file_encoding": ("tệp CSV mã hóa UTF-8 (có hoặc không có BOM)", "a CSV file encoded in UTF-8 (with or without BOM)"),
    "file_empty": ("tệp có dữ liệu", "a file with data"),
    "file_duplicate": ("chỉ một tệp cho mỗi sổ ({x})", "one file per register ({x})"),
    "header_not_found": ("một dòng tiêu đề có các cột bắt buộc: {x}", "a header row holding the required columns: {x}"),
    "missing_column": ("cột bắt buộc \"{x}\"", "the required column \"{x}\""),
    "empty_required": ("một giá trị (cột bắt buộc)", "a value (required column)"),
    "bad_date": ("ngày dạng dd/mm/yyyy hoặc yyyy-mm-dd", "a date as dd/mm/yyyy or yyyy-mm-dd"),
    "impossible_date": ("một ngày có thật (dd/mm/yyyy)", "a real calendar date (dd/mm/yyyy)"),
    "ambiguous_date": ("ngày có năm đủ 4 chữ số, dạng dd/mm/yyyy", "a date with a four-digit year, dd/mm/yyyy"),
    "bad_bool": ("có/không, x/để trống, 1/0, đúng/sai, true/false, yes/no", "có/không, x/empty, 1/0, đúng/sai, true/false, yes/no"),
    "bad_int": ("số nguyên không âm", "a whole number >= 0"),
    "bad_number": ("số không âm", "a number >= 0"),
    "bad_enum": ("một trong: {x}", "one of: {x}"),
    "bad_level": ("mức 1-5 hoặc nhãn: {x}", "a level 1-5 or its label: {x}"),
    "bad_month": ("tháng dạng yyyy-mm hoặc mm/yyyy", "a month as yyyy-mm or mm/yyyy"),
    "unknown_procedure": ("mã thủ tục có trong danh mục thu_tuc", "a procedure code listed in thu_tuc"),
    "unknown_task": ("mã nhiệm vụ có trong kế hoạch ({x})", "a task id of the plan ({x})"),
    "before_receipt": ("một ngày không trước {x}", "a date not before {x}"),
    "duplicate_code": ("mã không trùng (đã có ở dòng {x})", "a unique code (already used on row {x})"),
}


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    column: str | None
    value: str | None
    code: str
    detail: str = ""

    def expected(self, lang: str = "vi") -> str:
        vi, en = EXPECTED[self.code]
        return (en if lang == "en" else vi).format(x=self.detail)

    def message(self, lang: str = "vi") -> str:
        where = [self.file]
        if self.row is not None:
            where.append(("row " if lang == "en" else "dòng ") + str(self.row))
        if self.column is not None:
            where.append(("column " if lang == "en" else "cột ") + f"\"{self.column}\"")
        value = "" if self.value is None else (
            f" value \"{self.value}\";" if lang == "en" else f" giá trị \"{self.value}\";")
        expect = "expected" if lang == "en" else "cần"
        return f"{', '.join(where)}:{value} {expect} {self.expected(lang)}"

    def to_json(self, lang: str = "vi") -> dict:
        data = asdict(self)
        data["expected"] = self.expected(lang)
        data["message"] = self.message(lang)
        return data
