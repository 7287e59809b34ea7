"""Tiny unit folders for tests: register files (CSV or XLSX) with Vietnamese headers, written into a
temporary folder next to a copy of the sample plan, then audited.

Rows are dicts keyed by the contract's column names; values are written as a school would type them
(`dd/mm/yyyy` dates, `có`/`không`, labels). Every expectation in the tests is computed by hand from
DOMAIN.md, never from the implementation.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
from pathlib import Path

from cchc_audit import resources

SAMPLE = resources.SAMPLE_DIR
PLAN_FILES = ("ke_hoach.yaml", "ke-hoach-cchc-2024.txt")

# Vietnamese headers as a school writes them; each equals the contract's column name once
# lower-cased, stripped of diacritics and with runs of spaces/punctuation turned into `_`.
HEADERS: dict[str, dict[str, str]] = {
    "thu_tuc": {"ma_thu_tuc": "Mã thủ tục", "ten_thu_tuc": "Tên thủ tục", "noi_bo": "Nội bộ",
                "thoi_han": "Thời hạn", "don_vi_thoi_han": "Đơn vị thời hạn", "co_phi": "Có phí",
                "ngay_cong_khai": "Ngày công khai"},
    "ho_so": {"ma_ho_so": "Mã hồ sơ", "ma_thu_tuc": "Mã thủ tục", "ngay_tiep_nhan": "Ngày tiếp nhận",
              "ngay_hen_tra": "Ngày hẹn trả", "ngay_co_ket_qua": "Ngày có kết quả", "trang_thai": "Trạng thái",
              "kenh_nop": "Kênh nộp", "ngay_xin_loi": "Ngày xin lỗi", "ngay_hen_lai": "Ngày hẹn lại",
              "so_hoa": "Số hóa", "ket_qua_dien_tu": "Kết quả điện tử", "tai_su_dung": "Tái sử dụng",
              "thanh_toan_truc_tuyen": "Thanh toán trực tuyến", "danh_gia": "Đánh giá",
              "nguoi_nop": "Người nộp", "so_dien_thoai": "Số điện thoại", "so_dinh_danh": "Số định danh"},
    "don_thu": {"ma_don": "Mã đơn", "loai": "Loại", "ngay_nhan": "Ngày nhận", "han_giai_quyet": "Hạn giải quyết",
                "ngay_giai_quyet": "Ngày giải quyết", "ngay_tra_loi": "Ngày trả lời",
                "ngay_cong_khai": "Ngày công khai", "noi_dung": "Nội dung", "nguoi_gui": "Người gửi"},
    "khao_sat": {"ma_phieu": "Mã phiếu", "ngay": "Ngày", "linh_vuc": "Lĩnh vực", "muc_do": "Mức độ"},
    "thanh_toan": {"ma_giao_dich": "Mã giao dịch", "ngay": "Ngày", "khoan_thu": "Khoản thu",
                   "so_tien": "Số tiền", "hinh_thuc": "Hình thức"},
    "van_ban": {"so_ky_hieu": "Số, ký hiệu", "ngay": "Ngày", "chieu": "Chiều", "dien_tu": "Điện tử",
                "ky_so": "Ký số", "mat": "Mật"},
    "can_bo": {"ma_can_bo": "Mã cán bộ", "ho_ten": "Họ tên", "chuc_vu": "Chức vụ",
               "dang_cong_tac": "Đang công tác", "chu_ky_so": "Chữ ký số", "thu_cong_vu": "Thư công vụ"},
    "he_thong_bao_cao": {"ten_he_thong": "Tên hệ thống", "ket_noi_huyen": "Kết nối huyện"},
    "cong_khai": {"ngay_dang": "Ngày đăng", "noi_dung": "Nội dung", "ky": "Kỳ", "kenh": "Kênh"},
    "nhiem_vu": {"ma_nhiem_vu": "Mã nhiệm vụ", "ngay": "Ngày", "trang_thai": "Trạng thái",
                 "minh_chung": "Minh chứng", "ghi_chu": "Ghi chú"},
}

# Required columns (DATA-CONTRACT.md, "R"): always written, so a register with no rows still has
# a header row.
REQUIRED: dict[str, tuple[str, ...]] = {
    "thu_tuc": ("ma_thu_tuc", "ten_thu_tuc"),
    "ho_so": ("ma_ho_so", "ma_thu_tuc", "ngay_tiep_nhan"),
    "don_thu": ("ma_don", "loai", "ngay_nhan", "han_giai_quyet"),
    "khao_sat": ("ma_phieu", "ngay", "linh_vuc", "muc_do"),
    "thanh_toan": ("ma_giao_dich", "ngay", "hinh_thuc"),
    "van_ban": ("so_ky_hieu", "ngay"),
    "can_bo": ("ma_can_bo",),
    "he_thong_bao_cao": ("ten_he_thong",),
    "cong_khai": ("ngay_dang", "noi_dung"),
    "nhiem_vu": ("ma_nhiem_vu", "ngay", "trang_thai"),
}

_DMY = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")


def columns_of(register: str, rows: list[dict], columns=None) -> list[str]:
    if columns is not None:
        return list(columns)
    out = list(REQUIRED[register])
    for row in rows:
        out += [c for c in row if c not in out]
    return out


def cell_text(value) -> str:
    if value is None:
        return ""
    if value is True:
        return "có"
    if value is False:
        return "không"
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def header_text(register: str, column: str, headers: dict | None = None) -> str:
    if headers and column in headers:
        return headers[column]
    return HEADERS[register].get(column, column)


def write_csv(folder: Path, register: str, rows: list[dict], *, columns=None, title_rows=(),
              sep: str = ",", bom: bool = False, headers: dict | None = None) -> Path:
    """`<register>.csv`: optional title rows, the header row, then the rows."""
    cols = columns_of(register, rows, columns)
    path = Path(folder) / f"{register}.csv"
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=sep)
        for title in title_rows:
            writer.writerow([title] if title else [])
        writer.writerow([header_text(register, c, headers) for c in cols])
        for row in rows:
            writer.writerow([cell_text(row.get(c)) for c in cols])
    return path


def _excel_value(value, real_dates: bool):
    if value is None:
        return None
    if isinstance(value, bool):
        return "x" if value else None
    if real_dates and isinstance(value, str):
        match = _DMY.match(value)
        if match:
            day, month, year = (int(g) for g in match.groups())
            try:
                return dt.datetime(year, month, day)
            except ValueError:  # an impossible date stays text, as a clerk typed it
                return value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def write_xlsx(folder: Path, register: str, rows: list[dict], *, columns=None, title_rows=(),
               real_dates: bool = True, headers: dict | None = None) -> Path:
    """`<register>.xlsx`: title rows (a blank string = a blank row), the header row, the rows.
    With `real_dates`, `dd/mm/yyyy` strings become real Excel date cells."""
    from openpyxl import Workbook

    cols = columns_of(register, rows, columns)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sổ"
    line = 1
    for title in title_rows:
        if title:
            sheet.cell(row=line, column=1, value=title)
        line += 1
    for position, column in enumerate(cols, start=1):
        sheet.cell(row=line, column=position, value=header_text(register, column, headers))
    for row in rows:
        line += 1
        for position, column in enumerate(cols, start=1):
            value = _excel_value(row.get(column), real_dates)
            if value is not None:
                cell = sheet.cell(row=line, column=position, value=value)
                if isinstance(value, dt.datetime):
                    cell.number_format = "dd/mm/yyyy"
    path = Path(folder) / f"{register}.xlsx"
    workbook.save(path)
    return path


def make_unit(folder: Path, registers: dict[str, list[dict]], fmt: str = "csv", **options) -> Path:
    """A unit folder: the sample plan (YAML and its text) plus one file per register given."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name in PLAN_FILES:
        shutil.copy(SAMPLE / name, folder / name)
    writer = write_xlsx if fmt == "xlsx" else write_csv
    for register, rows in registers.items():
        writer(folder, register, rows, **options)
    return folder


def audit(folder: Path, period="2024-Q1", params=None, allow_problems: bool = False):
    from cchc_audit.audit import run_audit

    result = run_audit(period, folder, params=params)
    if not allow_problems:
        assert result.problems == [], [p.message() for p in result.problems]
    return result


def run(tmp_path: Path, registers: dict[str, list[dict]], period="2024-Q1", params=None, fmt="csv"):
    """Write the registers and audit them for one period."""
    return audit(make_unit(tmp_path / "unit", registers, fmt=fmt), period, params)


def reasons(result, key: str = "ma_ho_so") -> dict[str, set[str]]:
    """Code -> the reason codes listed for it in a result's items."""
    out: dict[str, set[str]] = {}
    if result.items is None or len(result.items) == 0:
        return out
    for code, reason in zip(result.items[key], result.items["ly_do"]):
        out.setdefault(str(code), set()).add(str(reason))
    return out


# A catalogue most tests share: TT1 is a 3-working-day, fee-bearing procedure; TT2 is free, 5
# working days; TT3 counts in calendar days, TT4 in months.
CATALOGUE = [
    {"ma_thu_tuc": "TT1", "ten_thu_tuc": "Tiếp nhận trẻ vào trường", "thoi_han": "3",
     "don_vi_thoi_han": "Ngày làm việc", "co_phi": True},
    {"ma_thu_tuc": "TT2", "ten_thu_tuc": "Chuyển trường", "thoi_han": "5",
     "don_vi_thoi_han": "ngay_lam_viec", "co_phi": False},
    {"ma_thu_tuc": "TT3", "ten_thu_tuc": "Cấp bản sao", "thoi_han": "10", "don_vi_thoi_han": "Ngày",
     "co_phi": False},
    {"ma_thu_tuc": "TT4", "ten_thu_tuc": "Xét miễn giảm học phí", "thoi_han": "1", "don_vi_thoi_han": "Tháng",
     "co_phi": False},
]
