"""The registers reader against DATA-CONTRACT.md: headers, dates, booleans, enumerations, CSV
dialects, title rows and the problems it reports (file, Excel row, column, value)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from unitdata import write_csv, write_xlsx

from cchc_audit.registers import load_unit

D = dt.date


def load(folder):
    return load_unit(folder)


def dates(series) -> list:
    return [None if pd.isna(v) else pd.Timestamp(v).date() for v in series]


def problem_codes(data) -> list[tuple]:
    return [(p.file, p.row, p.column, p.value, p.code) for p in data.problems]


# --- headers -----------------------------------------------------------------------------------


def test_headers_with_and_without_diacritics_and_in_capitals(tmp_path):
    headers = {"ma_ho_so": "MÃ HỒ SƠ", "ma_thu_tuc": "MA THU TUC", "ngay_tiep_nhan": "ngay_tiep_nhan",
               "ngay_hen_tra": "Ngày  hẹn trả", "ngay_co_ket_qua": "Ngày có kết quả:", "so_hoa": "SỐ HÓA",
               "ket_qua_dien_tu": "Ket-qua dien tu"}
    write_csv(tmp_path, "ho_so", [
        {"ma_ho_so": "H1", "ma_thu_tuc": "TT1", "ngay_tiep_nhan": "05/03/2024", "ngay_hen_tra": "08/03/2024",
         "ngay_co_ket_qua": "07/03/2024", "so_hoa": "có", "ket_qua_dien_tu": "x"},
    ], headers=headers)
    data = load(tmp_path)
    assert data.problems == []
    frame = data.registers["ho_so"]
    row = frame.iloc[0]
    assert row["ma_ho_so"] == "H1" and row["ma_thu_tuc"] == "TT1"
    assert dates(frame["ngay_tiep_nhan"]) == [D(2024, 3, 5)]
    assert dates(frame["ngay_hen_tra"]) == [D(2024, 3, 8)]
    assert dates(frame["ngay_co_ket_qua"]) == [D(2024, 3, 7)]
    assert bool(row["so_hoa"]) and bool(row["ket_qua_dien_tu"])


def test_the_letter_d_with_stroke_folds_to_d(tmp_path):
    write_csv(tmp_path, "can_bo", [{"ma_can_bo": "CB1", "dang_cong_tac": "không", "chu_ky_so": "có"}],
              headers={"dang_cong_tac": "ĐANG CÔNG TÁC", "chu_ky_so": "Chữ ký số"})
    data = load(tmp_path)
    assert data.problems == []
    assert not bool(data.registers["can_bo"]["dang_cong_tac"].iloc[0])
    assert bool(data.registers["can_bo"]["chu_ky_so"].iloc[0])


def test_unknown_columns_are_kept(tmp_path):
    write_csv(tmp_path, "he_thong_bao_cao", [{"ten_he_thong": "CSDL ngành", "ket_noi_huyen": "x",
                                              "Ghi chú thêm": "abc"}])
    data = load(tmp_path)
    assert data.problems == []
    assert "abc" in data.registers["he_thong_bao_cao"].astype(str).to_numpy().ravel().tolist()


# --- title rows and Excel row numbers ------------------------------------------------------------


def test_xlsx_title_rows_above_the_header_are_skipped_and_rows_are_excel_rows(tmp_path):
    write_xlsx(tmp_path, "khao_sat", [
        {"ma_phieu": "P1", "ngay": "05/03/2024", "linh_vuc": "Dịch vụ công", "muc_do": "5"},
        {},  # a blank row inside the data
        {"ma_phieu": "P2", "ngay": "06/03/2024", "linh_vuc": "TTHC", "muc_do": "Hài lòng"},
    ], title_rows=["TRƯỜNG MẦM NON MẠ NON", "PHIẾU KHẢO SÁT HÀI LÒNG NĂM 2024", ""],
        columns=["ma_phieu", "ngay", "linh_vuc", "muc_do"])
    data = load(tmp_path)
    assert data.problems == []
    frame = data.registers["khao_sat"]
    # Titles on rows 1-3, header on row 4, data on rows 5 and 7 (row 6 blank).
    assert list(frame.index) == [5, 7]
    assert list(frame["ma_phieu"]) == ["P1", "P2"]
    assert dates(frame["ngay"]) == [D(2024, 3, 5), D(2024, 3, 6)]
    assert list(frame["linh_vuc"]) == ["dich_vu_cong", "tthc"]
    assert list(frame["muc_do"]) == [5, 4]


def test_csv_title_rows_are_skipped(tmp_path):
    write_csv(tmp_path, "thanh_toan", [
        {"ma_giao_dich": "G1", "ngay": "05/03/2024", "hinh_thuc": "Chuyển khoản", "so_tien": "1500000"},
    ], title_rows=["SỔ THU DỊCH VỤ", ""])
    data = load(tmp_path)
    assert data.problems == []
    frame = data.registers["thanh_toan"]
    assert list(frame.index) == [4]
    assert list(frame["hinh_thuc"]) == ["dien_tu"]
    assert float(frame["so_tien"].iloc[0]) == 1_500_000


def test_bad_date_is_reported_at_its_excel_row(tmp_path):
    write_xlsx(tmp_path, "ho_so", [
        {"ma_ho_so": "H1", "ma_thu_tuc": "TT1", "ngay_tiep_nhan": "05/03/2024"},
        {"ma_ho_so": "H2", "ma_thu_tuc": "TT1", "ngay_tiep_nhan": "31/02/2024"},
    ], title_rows=["SỔ THEO DÕI HỒ SƠ", ""])
    data = load(tmp_path)
    # Title rows 1-2, header row 3, H1 on row 4, H2 on row 5.
    assert problem_codes(data) and all(p.row == 5 for p in data.problems)
    problem = data.problems[0]
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "ho_so.xlsx", 5, "Ngày tiếp nhận", "31/02/2024")


# --- dates ----------------------------------------------------------------------------------------


def test_dates_vietnamese_order_iso_with_time_and_excel_dates(tmp_path):
    write_xlsx(tmp_path, "van_ban", [
        {"so_ky_hieu": "01/BC", "ngay": "03/04/2024"},                      # text, dd/mm/yyyy
        {"so_ky_hieu": "02/BC", "ngay": "2024-04-03"},                      # ISO
        {"so_ky_hieu": "03/BC", "ngay": "2024-04-03 14:30"},                # ISO with a time
        {"so_ky_hieu": "04/BC", "ngay": "03/04/2024 08:15:00"},             # dd/mm/yyyy with a time
        {"so_ky_hieu": "05/BC", "ngay": dt.datetime(2024, 4, 3)},          # real Excel date
        {"so_ky_hieu": "06/BC", "ngay": dt.datetime(2024, 4, 3, 16, 45)},  # real Excel date-time
        {"so_ky_hieu": "07/BC", "ngay": "2024-04-03T09:00:00"},
    ], real_dates=False)
    data = load(tmp_path)
    assert data.problems == []
    assert dates(data.registers["van_ban"]["ngay"]) == [D(2024, 4, 3)] * 7


def test_dates_in_csv(tmp_path):
    write_csv(tmp_path, "van_ban", [
        {"so_ky_hieu": "01", "ngay": "03/04/2024"},
        {"so_ky_hieu": "02", "ngay": "2024-04-03 07:00"},
        {"so_ky_hieu": "03", "ngay": "3/4/2024"},
        {"so_ky_hieu": "04", "ngay": "29/02/2024"},
    ])
    data = load(tmp_path)
    assert data.problems == []
    assert dates(data.registers["van_ban"]["ngay"]) == [D(2024, 4, 3)] * 3 + [D(2024, 2, 29)]


@pytest.mark.parametrize("value", ["31/02/2024", "29/02/2023", "2024-13-01", "03/04/24", "hôm qua", "45292",
                                   "2024/04/03 abc", "04-2024"])
def test_a_date_that_is_not_a_date_is_a_problem_with_file_row_column_value(tmp_path, value):
    write_csv(tmp_path, "van_ban", [
        {"so_ky_hieu": "01", "ngay": "03/04/2024"},
        {"so_ky_hieu": "02", "ngay": value},
    ])
    data = load(tmp_path)
    assert len(data.problems) == 1
    problem = data.problems[0]
    assert (problem.file, problem.row, problem.column, problem.value) == ("van_ban.csv", 3, "Ngày", value)
    # Never a guess: the bad cell has no date.
    assert dates(data.registers["van_ban"]["ngay"])[0] == D(2024, 4, 3)
    assert dates(data.registers["van_ban"]["ngay"])[1] is None
    assert "van_ban.csv" in problem.message() and "3" in problem.message() and value in problem.message()


# --- booleans -------------------------------------------------------------------------------------

TRUE_SPELLINGS = ["có", "Có", "CÓ", "co", "x", "X", "1", "true", "TRUE", "True", "đúng", "Đúng", "dung",
                  "yes", "Yes", "YES"]
FALSE_SPELLINGS = ["không", "Không", "KHÔNG", "khong", "", "0", "false", "FALSE", "sai", "Sai", "SAI", "no",
                   "No", "NO"]


def test_booleans_in_every_listed_spelling(tmp_path):
    rows = [{"ma_can_bo": f"T{i}", "chu_ky_so": v} for i, v in enumerate(TRUE_SPELLINGS)]
    rows += [{"ma_can_bo": f"F{i}", "chu_ky_so": v} for i, v in enumerate(FALSE_SPELLINGS)]
    write_csv(tmp_path, "can_bo", rows)
    data = load(tmp_path)
    assert data.problems == []
    values = [bool(v) for v in data.registers["can_bo"]["chu_ky_so"]]
    assert values == [True] * len(TRUE_SPELLINGS) + [False] * len(FALSE_SPELLINGS)


def test_booleans_in_xlsx_including_real_booleans_and_numbers(tmp_path):
    write_xlsx(tmp_path, "can_bo", [
        {"ma_can_bo": "A", "chu_ky_so": "x"},
        {"ma_can_bo": "B", "chu_ky_so": None},
        {"ma_can_bo": "C", "chu_ky_so": 1},
        {"ma_can_bo": "D", "chu_ky_so": 0},
        {"ma_can_bo": "E", "chu_ky_so": "Có"},
    ], columns=["ma_can_bo", "chu_ky_so"])
    data = load(tmp_path)
    assert data.problems == []
    assert [bool(v) for v in data.registers["can_bo"]["chu_ky_so"]] == [True, False, True, False, True]


def test_a_boolean_outside_the_spellings_is_a_problem(tmp_path):
    write_csv(tmp_path, "can_bo", [{"ma_can_bo": "A", "chu_ky_so": "có lẽ"}])
    data = load(tmp_path)
    assert [(p.file, p.row, p.column, p.value) for p in data.problems] == [("can_bo.csv", 2, "Chữ ký số", "có lẽ")]


def test_a_cell_of_punctuation_only_is_not_an_empty_boolean(tmp_path):
    # "?" is not one of the contract's spellings and is not empty: it must be reported, not read
    # silently as "không".
    write_csv(tmp_path, "can_bo", [{"ma_can_bo": "A", "chu_ky_so": "?"}])
    data = load(tmp_path)
    assert [(p.file, p.row, p.column, p.value) for p in data.problems] == [("can_bo.csv", 2, "Chữ ký số", "?")]


def test_empty_is_false_except_in_nullable_and_in_post_columns(tmp_path):
    write_csv(tmp_path, "ho_so", [
        {"ma_ho_so": "H1", "ma_thu_tuc": "TT1", "ngay_tiep_nhan": "05/03/2024", "so_hoa": "",
         "thanh_toan_truc_tuyen": ""},
        {"ma_ho_so": "H2", "ma_thu_tuc": "TT1", "ngay_tiep_nhan": "05/03/2024", "so_hoa": "x",
         "thanh_toan_truc_tuyen": "không"},
    ])
    write_csv(tmp_path, "can_bo", [{"ma_can_bo": "A", "dang_cong_tac": ""},
                                   {"ma_can_bo": "B", "dang_cong_tac": "không"}])
    data = load(tmp_path)
    assert data.problems == []
    dossiers = data.registers["ho_so"]
    assert [bool(v) for v in dossiers["so_hoa"]] == [False, True]
    assert pd.isna(dossiers["thanh_toan_truc_tuyen"].iloc[0])  # nullable: empty stays unknown
    assert dossiers["thanh_toan_truc_tuyen"].notna().iloc[1] and not bool(dossiers["thanh_toan_truc_tuyen"].iloc[1])
    assert [bool(v) for v in data.registers["can_bo"]["dang_cong_tac"]] == [True, False]


# --- enumerations and levels -----------------------------------------------------------------------


def test_enumeration_labels_with_or_without_diacritics_or_codes(tmp_path):
    write_csv(tmp_path, "ho_so", [
        {"ma_ho_so": f"H{i}", "ma_thu_tuc": "TT1", "ngay_tiep_nhan": "05/03/2024", "trang_thai": status,
         "kenh_nop": channel}
        for i, (status, channel) in enumerate([
            ("Đang giải quyết", "Trực tiếp"), ("Da giai quyet", "TRUC TUYEN"), ("tam_dung", "Bưu chính"),
            ("Rút hồ sơ", "truc_tiep"), ("TU CHOI", "buu chinh"), ("", "")])
    ])
    data = load(tmp_path)
    assert data.problems == []
    frame = data.registers["ho_so"]
    assert list(frame["trang_thai"].astype(object).where(frame["trang_thai"].notna(), None)) == [
        "dang_giai_quyet", "da_giai_quyet", "tam_dung", "rut", "tu_choi", None]
    assert list(frame["kenh_nop"].astype(object).where(frame["kenh_nop"].notna(), None)) == [
        "truc_tiep", "truc_tuyen", "buu_chinh", "truc_tiep", "buu_chinh", None]


def test_letter_kinds_and_levels_by_label(tmp_path):
    write_csv(tmp_path, "don_thu", [
        {"ma_don": "D1", "loai": "Khiếu nại", "ngay_nhan": "01/03/2024", "han_giai_quyet": "30/03/2024"},
        {"ma_don": "D2", "loai": "To cao", "ngay_nhan": "01/03/2024", "han_giai_quyet": "30/03/2024"},
        {"ma_don": "D3", "loai": "Phản ánh, kiến nghị", "ngay_nhan": "01/03/2024", "han_giai_quyet": "30/03/2024"},
        {"ma_don": "D4", "loai": "phan_anh_kien_nghi", "ngay_nhan": "01/03/2024", "han_giai_quyet": "30/03/2024"},
    ])
    write_csv(tmp_path, "khao_sat", [
        {"ma_phieu": f"P{i}", "ngay": "05/03/2024", "linh_vuc": "Thủ tục hành chính", "muc_do": label}
        for i, label in enumerate(["Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng",
                                   "Rất hài lòng", "rat hai long", "KHONG HAI LONG", "3"])
    ])
    data = load(tmp_path)
    assert data.problems == []
    assert list(data.registers["don_thu"]["loai"]) == ["khieu_nai", "to_cao", "phan_anh_kien_nghi",
                                                       "phan_anh_kien_nghi"]
    assert [int(v) for v in data.registers["khao_sat"]["muc_do"]] == [1, 2, 3, 4, 5, 5, 2, 3]
    assert set(data.registers["khao_sat"]["linh_vuc"]) == {"tthc"}


@pytest.mark.parametrize("register, row, column, value", [
    ("ho_so", {"ma_ho_so": "H1", "ma_thu_tuc": "TT1", "ngay_tiep_nhan": "05/03/2024", "trang_thai": "Xong"},
     "Trạng thái", "Xong"),
    ("khao_sat", {"ma_phieu": "P1", "ngay": "05/03/2024", "linh_vuc": "tthc", "muc_do": "6"}, "Mức độ", "6"),
    ("khao_sat", {"ma_phieu": "P1", "ngay": "05/03/2024", "linh_vuc": "Y tế", "muc_do": "4"}, "Lĩnh vực", "Y tế"),
])
def test_a_value_outside_its_enumeration_is_a_problem(tmp_path, register, row, column, value):
    write_csv(tmp_path, register, [row])
    data = load(tmp_path)
    assert [(p.file, p.row, p.column, p.value) for p in data.problems] == [(f"{register}.csv", 2, column, value)]


# --- CSV dialects ------------------------------------------------------------------------------------


@pytest.mark.parametrize("sep, bom", [(",", False), (",", True), (";", False), (";", True)])
def test_csv_with_or_without_bom_comma_or_semicolon(tmp_path, sep, bom):
    write_csv(tmp_path, "don_thu", [
        {"ma_don": "D1", "loai": "Phản ánh, kiến nghị", "ngay_nhan": "01/03/2024", "han_giai_quyet": "15/03/2024",
         "noi_dung": "Đề nghị; sửa, cổng trường"},
    ], sep=sep, bom=bom)
    data = load(tmp_path)
    assert data.problems == []
    frame = data.registers["don_thu"]
    assert list(frame["ma_don"]) == ["D1"]  # the BOM does not stick to the first header
    assert list(frame["loai"]) == ["phan_anh_kien_nghi"]
    assert dates(frame["han_giai_quyet"]) == [D(2024, 3, 15)]
    assert list(frame.index) == [2]


# --- other problems of the contract ----------------------------------------------------------------


def test_missing_required_column_is_a_problem(tmp_path):
    write_csv(tmp_path, "ho_so", [{"ma_ho_so": "H1", "ma_thu_tuc": "TT1"}], columns=["ma_ho_so", "ma_thu_tuc"])
    data = load(tmp_path)
    assert len(data.problems) == 1
    problem = data.problems[0]
    assert problem.file == "ho_so.csv" and problem.code == "missing_column"
    assert "Ngày tiếp nhận" in problem.message()


def test_empty_required_cell_and_duplicate_code_are_problems_at_their_rows(tmp_path):
    write_csv(tmp_path, "ho_so", [
        {"ma_ho_so": "H1", "ma_thu_tuc": "TT1", "ngay_tiep_nhan": "05/03/2024"},
        {"ma_ho_so": "H2", "ma_thu_tuc": "TT1", "ngay_tiep_nhan": ""},
        {"ma_ho_so": "H1", "ma_thu_tuc": "TT1", "ngay_tiep_nhan": "06/03/2024"},
    ])
    data = load(tmp_path)
    found = {(p.row, p.column) for p in data.problems}
    assert (3, "Ngày tiếp nhận") in found
    assert (4, "Mã hồ sơ") in found
    assert all(p.file == "ho_so.csv" for p in data.problems)


def test_every_problem_is_reported_at_once(tmp_path):
    write_csv(tmp_path, "van_ban", [
        {"so_ky_hieu": "01", "ngay": "31/02/2024"},
        {"so_ky_hieu": "02", "ngay": "2024-02-30"},
        {"so_ky_hieu": "03", "ngay": "03/04/2024", "dien_tu": "hmm"},
    ])
    write_csv(tmp_path, "can_bo", [{"ma_can_bo": "A", "chu_ky_so": "chưa rõ"}])
    data = load(tmp_path)
    assert {(p.file, p.row) for p in data.problems} == {("van_ban.csv", 2), ("van_ban.csv", 3),
                                                        ("van_ban.csv", 4), ("can_bo.csv", 2)}


def test_a_file_that_is_not_a_spreadsheet_is_a_problem(tmp_path):
    (tmp_path / "ho_so.xlsx").write_bytes(b"this is not a workbook")
    data = load(tmp_path)
    assert [p.file for p in data.problems] == ["ho_so.xlsx"]
    assert "ho_so" not in data.registers


def test_absent_registers_are_not_errors(tmp_path):
    write_csv(tmp_path, "he_thong_bao_cao", [{"ten_he_thong": "A"}])
    data = load(tmp_path)
    assert data.problems == []
    assert set(data.registers) == {"he_thong_bao_cao"}


def test_cross_register_problems(tmp_path):
    from unitdata import SAMPLE

    from cchc_audit.plan import load_plan
    from cchc_audit.validate import all_problems

    write_csv(tmp_path, "thu_tuc", [{"ma_thu_tuc": "TT1", "ten_thu_tuc": "A"}])
    write_csv(tmp_path, "ho_so", [
        {"ma_ho_so": "H1", "ma_thu_tuc": "TT9", "ngay_tiep_nhan": "05/03/2024"},
        {"ma_ho_so": "H2", "ma_thu_tuc": "TT1", "ngay_tiep_nhan": "05/03/2024", "ngay_co_ket_qua": "04/03/2024"},
    ])
    write_csv(tmp_path, "nhiem_vu", [
        {"ma_nhiem_vu": "III.1.7", "ngay": "05/03/2024", "trang_thai": "Hoàn thành", "minh_chung": "x"},
        {"ma_nhiem_vu": "III.3.8a", "ngay": "05/03/2024", "trang_thai": "Hoàn thành", "minh_chung": "x"},
    ])
    data = load(tmp_path)
    assert data.problems == []
    found = {(p.file, p.row, p.value) for p in all_problems(data, load_plan(SAMPLE / "ke_hoach.yaml"))}
    assert ("ho_so.csv", 2, "TT9") in found          # procedure not in the catalogue
    assert any(f[:2] == ("ho_so.csv", 3) for f in found)  # result before receipt
    assert ("nhiem_vu.csv", 2, "III.1.7") in found   # the plan has no 1.7
    assert not any(f[:2] == ("nhiem_vu.csv", 3) for f in found)


def test_comma_csv_whose_cells_hold_semicolons(tmp_path):
    # Evidence references are commonly listed with semicolons; in a comma-separated file they sit
    # inside quoted cells and must not make the reader take `;` for the separator.
    evidence = "QĐ 01/QĐ-TMNMN; KH 02/KH-TMNMN; BC 03; TB 04; BC 05; QĐ 06; KH 07; BC 08; TB 09; BC 10"
    write_csv(tmp_path, "nhiem_vu", [
        {"ma_nhiem_vu": "III.1.1", "ngay": "05/03/2024", "trang_thai": "Hoàn thành", "minh_chung": evidence},
    ], columns=["ma_nhiem_vu", "ngay", "trang_thai", "minh_chung"])
    data = load(tmp_path)
    assert data.problems == []
    frame = data.registers["nhiem_vu"]
    assert list(frame["minh_chung"]) == [evidence]
    assert list(frame["trang_thai"]) == ["hoan_thanh"]


def test_semicolon_csv_whose_cells_hold_commas(tmp_path):
    text = ("Phụ huynh phản ánh về giờ đón, trả trẻ, vệ sinh, bếp ăn, sân chơi, cổng trường, bãi giữ xe, "
            "nhà vệ sinh, phòng học, đồng phục, học phí, tiền ăn, sổ liên lạc, camera, bảo vệ, y tế")
    write_csv(tmp_path, "don_thu", [
        {"ma_don": "D1", "loai": "Phản ánh, kiến nghị", "ngay_nhan": "01/03/2024", "han_giai_quyet": "15/03/2024",
         "noi_dung": text},
    ], columns=["ma_don", "loai", "ngay_nhan", "han_giai_quyet", "noi_dung"], sep=";")
    data = load(tmp_path)
    assert data.problems == []
    frame = data.registers["don_thu"]
    assert list(frame["noi_dung"]) == [text]
    assert dates(frame["han_giai_quyet"]) == [D(2024, 3, 15)]


def test_xlsx_with_empty_leading_rows_and_columns_keeps_excel_row_numbers(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet["B3"], sheet["C3"] = "Số, ký hiệu", "Ngày"          # rows 1-2 and column A left empty
    sheet["B4"], sheet["C4"] = "01/TB", dt.datetime(2024, 3, 5)
    sheet["B5"], sheet["C5"] = "02/TB", "31/02/2024"
    workbook.save(tmp_path / "van_ban.xlsx")
    data = load(tmp_path)
    assert list(data.registers["van_ban"].index) == [4, 5]
    assert dates(data.registers["van_ban"]["ngay"]) == [D(2024, 3, 5), None]
    assert [(p.file, p.row, p.column, p.value) for p in data.problems] == [("van_ban.xlsx", 5, "Ngày", "31/02/2024")]
