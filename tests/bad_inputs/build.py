"""The corpus of bad register folders: a small clean school (`cchc_audit.sample`), then one defect each.

Each defect edits the clean files the way a clerk or an export would, and says what must be reported:
`Expect(file, row, column, value, code)` with the row as Excel shows it, found by looking at the
written file itself (openpyxl for XLSX, the csv module for CSV), never by asking the reader under
test. Nothing here is committed as data: `python tests/bad_inputs/build.py OUT` writes the whole
corpus to OUT for a look (or for another tool).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
import shutil
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cchc_audit import sample
from cchc_audit.schema import REGISTERS

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
PLAN_FILES = ("ke_hoach.yaml", "ke-hoach-cchc-2024.txt")
FORMATS = ("xlsx", "csv")


@dataclass(frozen=True)
class Expect:
    file: str
    row: int | None  # as Excel shows it, title rows counted
    column: str | None  # the header as written in the file
    value: str | None
    code: str


def write_clean(folder: Path, fmt: str) -> Path:
    """A small clean unit in `fmt`: the sample school's registers at 1/20 of their volume (XLSX with
    Vietnamese headers and title rows; CSV UTF-8 with BOM and `;`), don_vi.yaml and the plan."""
    folder = Path(folder)
    registers = sample.generate_registers(n_dossiers=600, n_staff=6, scale=0.03)
    sample.write_unit(folder, registers, fmt=fmt)
    for name in PLAN_FILES:
        shutil.copy(SAMPLE / name, folder / name)
    return folder


# --- editing a written register as a person would ------------------------------------------------

def label(register: str, column: str) -> str:
    """The header the sample writer gives a contract column."""
    return REGISTERS[register].column(column).label_vi


class Sheet:
    """One register file, opened for editing: the first sheet of an XLSX, or a `;` CSV with BOM."""

    def __init__(self, folder: Path, register: str, fmt: str):
        self.register, self.fmt = register, fmt
        self.path = Path(folder) / f"{register}.{fmt}"
        if fmt == "xlsx":
            from openpyxl import load_workbook

            self.book = load_workbook(self.path)
            self.ws = self.book.worksheets[0]
        else:
            text = self.path.read_bytes().decode("utf-8-sig")
            self.grid = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
        # The header row: the first row holding the register's first column's header.
        first = REGISTERS[register].columns[0].label_vi
        self.header_row = next(r for r in range(1, self.max_row + 1) if first in self.row_values(r))

    @property
    def file(self) -> str:
        return self.path.name

    @property
    def max_row(self) -> int:
        return self.ws.max_row if self.fmt == "xlsx" else len(self.grid)

    def row_values(self, row: int) -> list:
        if self.fmt == "xlsx":
            return [c.value for c in self.ws[row]]
        return list(self.grid[row - 1]) if row <= len(self.grid) else []

    def col(self, header: str) -> int:
        """1-based column of a header in the header row."""
        return self.row_values(self.header_row).index(header) + 1

    def data_rows(self) -> list[int]:
        return [r for r in range(self.header_row + 1, self.max_row + 1)
                if any(v not in (None, "") for v in self.row_values(r))]

    def get(self, row: int, header: str):
        values = self.row_values(row)
        position = self.col(header) - 1
        return values[position] if position < len(values) else None

    def set(self, row: int, column: int | str, value, *, text: bool = True) -> None:
        """Write a cell; `text=False` lets openpyxl take `=...` as a formula and numbers as numbers."""
        position = column if isinstance(column, int) else self.col(column)
        if self.fmt == "xlsx":
            cell = self.ws.cell(row=row, column=position)
            cell.value = value  # ws.cell(value=None) would leave the old value
            if text and isinstance(value, str):
                cell.data_type = "s"
            return
        while len(self.grid) < row:
            self.grid.append([])
        line = self.grid[row - 1]
        line += [""] * (position - len(line))
        line[position - 1] = "" if value is None else str(value)

    def save(self) -> None:
        if self.fmt == "xlsx":
            self.book.save(self.path)
            return
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(self.grid)
        self.path.write_bytes(buffer.getvalue().encode("utf-8-sig"))


def date_text(value) -> str:
    """A date cell as the reader reports it: dd/mm/yyyy."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%d/%m/%Y")
    return dt.datetime.strptime(str(value).strip(), "%d/%m/%Y").strftime("%d/%m/%Y")


def as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.datetime.strptime(str(value).strip(), "%d/%m/%Y").date()


def letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


def patch_cell(path: Path, ref: str, xml: str) -> None:
    """Replace one cell's XML in the first worksheet, for what openpyxl cannot write: a formula
    with its saved result, an error value."""
    source = zipfile.ZipFile(path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                pattern = re.compile(rf'<c r="{ref}"(?:\s[^>]*)?(?:/>|>.*?</c>)'.encode(), re.S)
                content, count = pattern.subn(xml.encode(), content, count=1)
                assert count == 1, ref
            target.writestr(info, content)
    source.close()
    path.write_bytes(buffer.getvalue())


# --- the defects ---------------------------------------------------------------------------------

def set_one(folder, fmt, register, column, value, code, *, pick=0, text=True, reported=None):
    """Put `value` into the `pick`-th data row of a column: one problem, `code`, at that cell."""
    sheet = Sheet(folder, register, fmt)
    header = label(register, column)
    row = sheet.data_rows()[pick]
    sheet.set(row, header, value, text=text)
    sheet.save()
    return [Expect(sheet.file, row, header, str(value) if reported is None else reported, code)]


def cell_defect(register, column, value, code, **options) -> Callable:
    return lambda folder, fmt: set_one(folder, fmt, register, column, value, code, **options)


def duplicate_code(folder, fmt):
    sheet = Sheet(folder, "ho_so", fmt)
    header = label("ho_so", "ma_ho_so")
    first, second = sheet.data_rows()[:2]
    code = str(sheet.get(first, header))
    sheet.set(second, header, code)
    sheet.save()
    return [Expect(sheet.file, second, header, code, "duplicate_code")]


def date_before(register, later, earlier, where=None) -> Callable:
    """Set `later` to the day before `earlier` on the first row (matching `where`) that has both."""
    def build(folder, fmt):
        sheet = Sheet(folder, register, fmt)
        later_h, earlier_h = label(register, later), label(register, earlier)
        rows = [r for r in sheet.data_rows() if sheet.get(r, earlier_h) not in (None, "")
                and (where is None or where(sheet, r))]
        row = rows[0]
        value = (as_date(sheet.get(row, earlier_h)) - dt.timedelta(days=1)).strftime("%d/%m/%Y")
        sheet.set(row, later_h, value)
        sheet.save()
        return [Expect(sheet.file, row, later_h, value, "before_receipt")]
    return build


def is_feedback(sheet, row):
    return sheet.get(row, label("don_thu", "loai")) == "Phản ánh, kiến nghị"


def missing_column(folder, fmt):
    sheet = Sheet(folder, "ho_so", fmt)
    sheet.set(sheet.header_row, label("ho_so", "ngay_tiep_nhan"), "Ngày nộp")  # renamed (not an alias)
    sheet.save()
    return [Expect(sheet.file, sheet.header_row, None, None, "missing_column")]


def duplicate_column(folder, fmt):
    sheet = Sheet(folder, "ho_so", fmt)
    header = label("ho_so", "ngay_tiep_nhan")
    position = len([v for v in sheet.row_values(sheet.header_row) if v not in (None, "")]) + 1
    sheet.set(sheet.header_row, position, header)
    for row in sheet.data_rows():
        sheet.set(row, position, sheet.get(row, header))
    sheet.save()
    return [Expect(sheet.file, sheet.header_row, header, None, "duplicate_column")]


def value_without_header(folder, fmt):
    """XLSX: a note typed right of the table. CSV: a `;` inside an unquoted name shifts the row's
    last cells one column right, so the id number lands under no header."""
    if fmt == "xlsx":
        sheet = Sheet(folder, "ho_so", fmt)
        row = sheet.data_rows()[1]
        position = len([v for v in sheet.row_values(sheet.header_row) if v not in (None, "")]) + 2
        sheet.set(row, position, "đã gọi điện")
        sheet.save()
        return [Expect(sheet.file, row, None, "đã gọi điện", "no_header")]
    sheet = Sheet(folder, "ho_so", fmt)
    name_h, phone_h, id_h = (label("ho_so", c) for c in ("nguoi_nop", "so_dien_thoai", "so_dinh_danh"))
    row = next(r for r in sheet.data_rows() if " " in str(sheet.get(r, name_h) or "") and sheet.get(r, id_h))
    ident = sheet.get(row, id_h)
    assert sheet.col(id_h) == len(sheet.row_values(sheet.header_row))  # the last column
    line = sheet.grid[row - 1]
    name = line[sheet.col(name_h) - 1]
    line[sheet.col(name_h) - 1: sheet.col(name_h)] = name.split(" ", 1)  # "Nguyễn; Văn A" unquoted
    sheet.save()
    return [Expect(sheet.file, row, None, str(ident), "no_header")]


def header_not_found(folder, fmt):
    sheet = Sheet(folder, "van_ban", fmt)
    english = {label("van_ban", c): e for c, e in (("so_ky_hieu", "Number"), ("ngay", "Date"))}
    for position, value in enumerate(sheet.row_values(sheet.header_row), start=1):
        if value in english:
            sheet.set(sheet.header_row, position, english[value])
    sheet.save()
    return [Expect(sheet.file, None, None, None, "header_not_found")]


def xlsx_formula_without_value(folder, fmt):
    formula = '=HYPERLINK("http://example.invalid/x","02/01/2024")'
    sheet = Sheet(folder, "ho_so", fmt)
    header = label("ho_so", "ngay_tiep_nhan")
    row = sheet.data_rows()[0]
    sheet.set(row, header, formula, text=False)  # openpyxl saves the formula, no result
    sheet.save()
    return [Expect(sheet.file, row, header, formula, "formula_no_value")]


def xlsx_formula_with_cached_value(folder, fmt):
    """A hyperlink formula whose saved result repeats another dossier's code: read as that result."""
    sheet = Sheet(folder, "ho_so", fmt)
    header = label("ho_so", "ma_ho_so")
    first, second = sheet.data_rows()[:2]
    code = str(sheet.get(first, header))
    ref = f"{letter(sheet.col(header))}{second}"
    patch_cell(sheet.path, ref, f'<c r="{ref}" t="str"><f>HYPERLINK("http://example.invalid","{code}")</f>'
                                f"<v>{code}</v></c>")
    return [Expect(sheet.file, second, header, code, "duplicate_code")]


def xlsx_error_value(folder, fmt):
    sheet = Sheet(folder, "ho_so", fmt)
    header = label("ho_so", "ma_thu_tuc")
    row = sheet.data_rows()[2]
    ref = f"{letter(sheet.col(header))}{row}"
    patch_cell(sheet.path, ref, f'<c r="{ref}" t="e"><f>VLOOKUP(A{row},Sheet2!A:B,2,FALSE)</f><v>#N/A</v></c>')
    return [Expect(sheet.file, row, header, "#N/A", "cell_error")]


def replaced(register, make: Callable[[Path, Path], Path], code) -> Callable:
    """Replace a register's file by `make(folder, original) -> new path`; one file-level problem."""
    def build(folder, fmt):
        original = Path(folder) / f"{register}.{fmt}"
        path = make(Path(folder), original)
        return [Expect(path.name, None, None, None, code)]
    return build


def renamed(ext):
    def make(folder, original):
        target = original.with_suffix(ext)
        original.rename(target)
        return target
    return make


def rewritten(content: Callable[[Path, Path], bytes]):
    def make(folder, original):
        original.write_bytes(content(folder, original))
        return original
    return make


def other_format_bytes(register):
    """The same register written in the other format (XLSX bytes for a .csv name and vice versa)."""
    def content(folder, original):
        other = "csv" if original.suffix == ".xlsx" else "xlsx"
        regs = sample.generate_registers(n_dossiers=60, n_staff=3, scale=0.05)
        tmp = folder / ".other"
        sample.write_unit(tmp, {register: regs[register]}, fmt=other)
        data = (tmp / f"{register}.{other}").read_bytes()
        shutil.rmtree(tmp)
        return data
    return content


def random_bytes(folder, original):
    rng = random.Random(3)
    return b"\x00\x9f" + bytes(rng.randrange(256) for _ in range(2048))


def truncated(folder, original):
    data = original.read_bytes()
    return data[: len(data) // 2]


def old_excel(folder, original):
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)  # an OLE2 header: Excel 97-2003 or encrypted


def empty_workbook(folder, original):
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def reencoded(encoding):
    def content(folder, original):
        text = original.read_bytes().decode("utf-8-sig")
        return text.encode(encoding, errors="replace")
    return content


def csv_undecodable(folder, fmt):
    """Bytes that neither UTF-8, UTF-16 nor Windows-1258 allows (0x81 is unassigned in the last)."""
    path = Path(folder) / "ho_so.csv"
    lines = path.read_bytes().split(b"\n")
    lines[4] = lines[4] + b"\x81"
    path.write_bytes(b"\n".join(lines))
    return [Expect(path.name, 5, None, None, "file_encoding")]


def csv_unclosed_quote(folder, fmt):
    """A name typed with an opening quote and no closing one: every later row would run into it."""
    sheet = Sheet(folder, "ho_so", fmt)
    name_h = label("ho_so", "nguoi_nop")
    row = sheet.data_rows()[3]
    sheet.save()
    lines = sheet.path.read_bytes().decode("utf-8-sig").split("\r\n")
    cells = lines[row - 1].split(";")
    position = sheet.col(name_h) - 1
    cells[position] = '"' + cells[position]
    lines[row - 1] = ";".join(cells)
    sheet.path.write_bytes("\r\n".join(lines).encode("utf-8-sig"))
    return [Expect(sheet.file, row, None, None, "csv_quote")]


def both_formats(folder, fmt):
    """ho_so.xlsx and ho_so.csv side by side: which one is the register cannot be guessed."""
    other = "csv" if fmt == "xlsx" else "xlsx"
    content = other_format_bytes("ho_so")(Path(folder), Path(folder) / f"ho_so.{fmt}")
    (Path(folder) / f"ho_so.{other}").write_bytes(content)
    return [Expect("ho_so.xlsx", None, None, None, "file_duplicate")]


def broken_unit_file(folder, fmt):
    (Path(folder) / "don_vi.yaml").write_text("ten_don_vi: Trường Mầm non\n\tma_don_vi: X\n", encoding="utf-8")
    return [Expect("don_vi.yaml", 2, None, None, "unit_file")]


# name -> (formats it applies to, builder)
DEFECTS: dict[str, tuple[tuple[str, ...], Callable]] = {
    "missing_column": (FORMATS, missing_column),
    "duplicate_column": (FORMATS, duplicate_column),
    "header_not_found": (FORMATS, header_not_found),
    "empty_required": (FORMATS, cell_defect("ho_so", "ma_thu_tuc", None, "empty_required", reported="")),
    "bad_date": (FORMATS, cell_defect("ho_so", "ngay_tiep_nhan", "hôm qua", "bad_date")),
    "impossible_date": (FORMATS, cell_defect("ho_so", "ngay_tiep_nhan", "31/02/2024", "impossible_date")),
    "ambiguous_date": (FORMATS, cell_defect("ho_so", "ngay_tiep_nhan", "03/04/24", "ambiguous_date")),
    "date_out_of_range": (FORMATS, cell_defect("van_ban", "ngay", "15/03/2204", "date_out_of_range")),
    "result_before_receipt": (FORMATS, date_before("ho_so", "ngay_co_ket_qua", "ngay_tiep_nhan")),
    "appointment_before_receipt": (FORMATS, date_before("ho_so", "ngay_hen_tra", "ngay_tiep_nhan")),
    "apology_before_receipt": (FORMATS, date_before("ho_so", "ngay_xin_loi", "ngay_tiep_nhan")),
    "answer_before_receipt": (FORMATS, date_before("don_thu", "ngay_tra_loi", "ngay_nhan", is_feedback)),
    # Dates of things that happened, after the day the command runs (DOMAIN.md): far enough ahead
    # that the real today never catches up with them.
    "future_result_date": (FORMATS, cell_defect("ho_so", "ngay_co_ket_qua", "09/01/2042", "future_date")),
    "future_survey_date": (FORMATS, cell_defect("khao_sat", "ngay", "15/03/2091", "future_date")),
    "duplicate_code": (FORMATS, duplicate_code),
    "unknown_procedure": (FORMATS, cell_defect("ho_so", "ma_thu_tuc", "TT-99", "unknown_procedure")),
    "unknown_task": (FORMATS, cell_defect("nhiem_vu", "ma_nhiem_vu", "III.9.99", "unknown_task")),
    "bad_enum": (FORMATS, cell_defect("ho_so", "trang_thai", "Đã xong", "bad_enum")),
    "bad_bool": (FORMATS, cell_defect("ho_so", "so_hoa", "có lẽ", "bad_bool")),
    "bad_level": (FORMATS, cell_defect("khao_sat", "muc_do", 6, "bad_level", text=False)),
    "negative_amount": (FORMATS, cell_defect("thanh_toan", "so_tien", -50000, "bad_number", text=False)),
    "ambiguous_amount": (FORMATS, cell_defect("thanh_toan", "so_tien", "1,500", "ambiguous_number")),
    "negative_processing_time": (FORMATS, cell_defect("thu_tuc", "thoi_han", -3, "bad_int", text=False)),
    "value_without_header": (FORMATS, value_without_header),
    "formula_as_text": (("csv",), cell_defect("ho_so", "ngay_tiep_nhan", '=HYPERLINK("http://x","02/01/2024")',
                                              "bad_date")),
    "formula_without_value": (("xlsx",), xlsx_formula_without_value),
    "formula_cached_value": (("xlsx",), xlsx_formula_with_cached_value),
    "error_value": (("xlsx",), xlsx_error_value),
    "saved_as_txt": (("csv",), replaced("ho_so", renamed(".txt"), "file_type")),
    "saved_as_pdf": (("xlsx",), replaced("ho_so", renamed(".pdf"), "file_type")),
    "xlsx_holding_csv_text": (("xlsx",), replaced("ho_so", rewritten(other_format_bytes("ho_so")), "file_is_text")),
    "xlsx_random_bytes": (("xlsx",), replaced("ho_so", rewritten(random_bytes), "file_unreadable")),
    "xlsx_truncated": (("xlsx",), replaced("ho_so", rewritten(truncated), "file_unreadable")),
    "xlsx_old_excel": (("xlsx",), replaced("ho_so", rewritten(old_excel), "file_old_excel")),
    "xlsx_empty_sheet": (("xlsx",), replaced("ho_so", rewritten(empty_workbook), "file_empty")),
    "csv_empty": (("csv",), replaced("ho_so", rewritten(lambda f, o: b""), "file_empty")),
    "csv_holding_xlsx": (("csv",), replaced("ho_so", rewritten(other_format_bytes("ho_so")), "file_is_workbook")),
    "csv_undecodable": (("csv",), csv_undecodable),
    "csv_unclosed_quote": (("csv",), csv_unclosed_quote),
    "two_files_one_register": (FORMATS, both_formats),
    "broken_unit_file": (("csv",), broken_unit_file),
}


def several(folder, fmt):
    """Several defects across registers in one folder: every one must be reported, at once."""
    found = []
    for name in ("impossible_date", "duplicate_code", "answer_before_receipt", "negative_amount", "bad_level",
                 "unknown_task", "negative_processing_time"):
        found += DEFECTS[name][1](folder, fmt)
    (Path(folder) / "van_ban.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")  # a printout left beside
    found.append(Expect("van_ban.pdf", None, None, None, "file_type"))
    return found


CASES = [(name, fmt) for name, (formats, _) in DEFECTS.items() for fmt in formats]


def build(name: str, fmt: str, folder: Path, clean: Path | None = None) -> list[Expect]:
    """Write the defect `name` ("several" for the combined folder) in `fmt` into `folder`, copied
    from `clean` (a folder from write_clean) when given; return what must be reported."""
    folder = Path(folder)
    if clean is not None:
        shutil.copytree(clean, folder)
    else:
        write_clean(folder, fmt)
    return several(folder, fmt) if name == "several" else DEFECTS[name][1](folder, fmt)


def main(argv=None) -> int:
    out = Path((argv or sys.argv[1:] or ["bad_inputs_corpus"])[0])
    for fmt in FORMATS:
        write_clean(out / f"clean_{fmt}", fmt)
    for name, fmt in CASES + [("several", "xlsx"), ("several", "csv")]:
        build(name, fmt, out / f"{name}_{fmt}", out / f"clean_{fmt}")
        print(out / f"{name}_{fmt}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
