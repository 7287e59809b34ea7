"""Registers as schools really keep them (issue 12): header wordings and aliases, locale-swapped
dates, forms (merged cells, column numbers, footers, pre-filled rows, other sheets), encodings and
separators, date serials, and repeated problems grouped in the text output."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pandas as pd
import pytest
from bad_inputs.build import Sheet, label, reencoded, write_clean
from unitdata import CATALOGUE, write_csv, write_xlsx

from cchc_audit import cli, schema
from cchc_audit.audit import reading_notes, run_audit
from cchc_audit.headers import column_of
from cchc_audit.problems import Problem, problem_lines
from cchc_audit.registers import load_unit
from cchc_audit.report_parts.method import methodology_view

D = dt.date
ALIASES = [(r.name, c.name, alias) for r in schema.REGISTERS.values() for c in r.columns for alias in c.aliases]


def codes(data) -> list[str]:
    return [p.code for p in data.problems]


# --- 1. headers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("register,column,alias", ALIASES, ids=[f"{r}.{c}:{a}" for r, c, a in ALIASES])
def test_each_alias_names_its_column(register, column, alias):
    definition = schema.REGISTERS[register]
    assert column_of(alias, definition) == column
    assert column_of(alias.upper() + " (ghi chú)", definition) == column  # case and a trailing unit


def test_no_spelling_names_two_columns_of_a_register():
    from cchc_audit.headers import spellings

    for register in schema.REGISTERS.values():
        seen: dict[str, str] = {}
        for column in register.columns:
            for spelling in spellings(column):
                assert seen.setdefault(spelling, column.name) == column.name, (register.name, spelling)


def test_fuller_wordings_and_units_are_read_not_dropped(tmp_path):
    """`Thời hạn giải quyết (ngày)` in thu_tuc and `Ngày hẹn trả kết quả` in ho_so were dropped
    without a word: II.1.1.a went from met to failed."""
    write_csv(tmp_path, "thu_tuc", CATALOGUE[:1], headers={"thoi_han": "Thời hạn giải quyết (ngày)"})
    write_csv(tmp_path, "ho_so", [{"ma_ho_so": "H1", "ma_thu_tuc": "TT1", "ngay_tiep_nhan": "04/03/2024",
                                   "ngay_hen_tra": "07/03/2024"}],
              headers={"ngay_hen_tra": "Ngày hẹn trả kết quả"})
    data = load_unit(tmp_path)
    assert data.problems == []
    assert data.registers["thu_tuc"]["thoi_han"].tolist() == [3]
    assert data.registers["ho_so"]["ngay_hen_tra"].tolist() == [pd.Timestamp(2024, 3, 7)]
    assert data.headers["ho_so"]["ngay_hen_tra"] == "Ngày hẹn trả kết quả"


def test_a_header_close_to_a_column_is_a_problem(tmp_path, capsys):
    write_csv(tmp_path, "ho_so", [{"ma_ho_so": "H1", "ma_thu_tuc": "TT1", "ngay_tiep_nhan": "04/03/2024",
                                   "ngay_hen_tra": "07/03/2024"}], headers={"ngay_hen_tra": "Ngày hẹn trả KQ"})
    data = load_unit(tmp_path)
    [problem] = data.problems
    assert (problem.code, problem.row, problem.column, problem.cell) == ("header_near", 1, "Ngày hẹn trả KQ", "D1")
    assert 'giống cột "Ngày hẹn trả (ngay_hen_tra)"' in problem.message("vi")
    assert "looks like" in problem.message("en") and "aliases" in problem.message("en")
    assert cli.main(["validate", "--data", str(tmp_path)]) == 2


def test_an_absent_optional_column_is_named_with_its_fallback(tmp_path):
    """The method section says which optional columns a register lacks and what the checks did."""
    folder = write_clean(tmp_path / "unit", "xlsx")
    sheet = Sheet(folder, "ho_so", "xlsx")
    column = sheet.col(label("ho_so", "ngay_hen_tra"))
    for row in range(sheet.header_row, sheet.max_row + 1):
        sheet.ws.cell(row, column).value = None
    sheet.save()
    data = load_unit(folder)
    assert data.problems == []
    absent = [n for n in data.notices if n.code == "column_absent"]
    assert [n.detail for n in absent] == ["Ngày hẹn trả (ngay_hen_tra)"]
    assert "hạn trả được tính từ thời hạn của thủ tục" in absent[0].message("vi")
    assert "the due date is computed from the procedure's time limit" in absent[0].message("en")
    audit = run_audit("2024", folder, data=data)
    notes = methodology_view(audit, "vi", "internal")["notes"]
    assert any('ho_so.xlsx: không có cột "Ngày hẹn trả (ngay_hen_tra)"' in n for n in notes)
    assert [n.text("en") for n in reading_notes(data)][0].startswith("ho_so.xlsx: no column")


# --- 2. locale-swapped dates -----------------------------------------------------------------------


def swapped_rows():
    # As an en-US Excel reads a dd/mm CSV: 05/03 becomes 3 May (a real date), 15/03 stays text.
    return [
        {"ma_ho_so": "H1", "ma_thu_tuc": "TT1", "ngay_tiep_nhan": D(2024, 5, 3), "ngay_co_ket_qua": "14/03/2024"},
        {"ma_ho_so": "H2", "ma_thu_tuc": "TT1", "ngay_tiep_nhan": "15/03/2024", "ngay_co_ket_qua": D(2024, 3, 1)},
        {"ma_ho_so": "H3", "ma_thu_tuc": "TT1", "ngay_tiep_nhan": D(2024, 4, 11), "ngay_co_ket_qua": "20/11/2024"},
        {"ma_ho_so": "H4", "ma_thu_tuc": "TT1", "ngay_tiep_nhan": "28/02/2024", "ngay_co_ket_qua": D(2024, 4, 3)},
    ]


def test_locale_swapped_dates_are_one_problem_per_column(tmp_path):
    write_xlsx(tmp_path, "ho_so", swapped_rows(), real_dates=False)
    data = load_unit(tmp_path)
    assert codes(data) == ["locale_swapped_dates", "locale_swapped_dates"]
    first = data.problems[0]
    assert (first.row, first.column, first.value, first.detail) == (2, "Ngày tiếp nhận", "03/05/2024", "2 / 2")
    assert "tiếng Anh (Mỹ)" in first.message("vi") and "Vietnamese locale" in first.message("en")
    # no figure from the swapped columns, and no "before receipt" wall quoting them
    assert data.registers["ho_so"]["ngay_tiep_nhan"].isna().all()
    from cchc_audit.validate import all_problems

    assert [p.code for p in all_problems(data)] == ["locale_swapped_dates"] * 2


def test_a_real_mix_of_date_cells_and_text_is_not_called_swapped(tmp_path):
    rows = swapped_rows()
    rows[0]["ngay_tiep_nhan"] = D(2024, 3, 13)  # a real date with a day > 12: typed, not swapped
    rows[1]["ngay_co_ket_qua"] = D(2024, 3, 20)
    write_xlsx(tmp_path, "ho_so", rows, real_dates=False)
    assert "locale_swapped_dates" not in codes(load_unit(tmp_path))


# --- 3. forms --------------------------------------------------------------------------------------


def test_vertically_merged_cells_hold_their_value_on_every_row(tmp_path):
    from openpyxl import load_workbook

    rows = [{"ma_ho_so": f"H{i}", "ma_thu_tuc": "TT1", "ngay_tiep_nhan": "04/03/2024", "so_hoa": True}
            for i in range(1, 5)]
    path = write_xlsx(tmp_path, "ho_so", rows, columns=("ma_ho_so", "ma_thu_tuc", "ngay_tiep_nhan", "so_hoa"))
    book = load_workbook(path)
    sheet = book.active
    for column in ("B", "C", "D"):  # a required text, a required date, an optional boolean
        for row in (3, 4, 5):
            sheet[f"{column}{row}"] = None
        sheet.merge_cells(f"{column}2:{column}5")
    book.save(path)
    data = load_unit(tmp_path)
    assert data.problems == []
    frame = data.registers["ho_so"]
    assert frame["ma_thu_tuc"].tolist() == ["TT1"] * 4 and frame["so_hoa"].tolist() == [True] * 4
    assert frame["ngay_tiep_nhan"].tolist() == [pd.Timestamp(2024, 3, 4)] * 4
    [notice] = [n for n in data.notices if n.code != "column_absent"]
    assert notice.code == "merged" and notice.count == 3 and "B2:B5" in notice.message("en")


def test_a_two_level_header_is_read_as_one(tmp_path):
    """"Ngày" merged over "Tiếp nhận", "Hẹn trả", "Có kết quả"; the other header cells merged down."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["SỔ THEO DÕI HỒ SƠ"])
    sheet.append(["STT", "Mã hồ sơ", "Mã thủ tục", "Ngày", None, None, "Số hóa"])
    sheet.append([None, None, None, "Tiếp nhận", "Hẹn trả", "Có kết quả", None])
    sheet.merge_cells("D2:F2")
    for column in "ABCG":
        sheet.merge_cells(f"{column}2:{column}3")
    sheet.append([1, "H1", "TT1", "04/03/2024", "07/03/2024", "06/03/2024", "có"])
    sheet.append([2, "H2", "TT1", "05/03/2024", "08/03/2024", None, "không"])
    book.save(tmp_path / "ho_so.xlsx")
    data = load_unit(tmp_path)
    assert data.problems == []
    assert data.headers["ho_so"]["ngay_co_ket_qua"] == "Ngày Có kết quả"
    frame = data.registers["ho_so"]
    assert frame.index.tolist() == [4, 5] and frame["so_hoa"].tolist() == [True, False]
    assert frame["ngay_hen_tra"].tolist() == [pd.Timestamp(2024, 3, 7), pd.Timestamp(2024, 3, 8)]


def test_column_numbers_totals_dates_and_signatures_are_not_rows(tmp_path, capsys):
    path = tmp_path / "thanh_toan.csv"
    path.write_text(
        "SỔ THU DỊCH VỤ\n"
        "Mã giao dịch,Ngày,Khoản thu,Số tiền,Hình thức\n"
        "1,2,3,4,5\n"
        "GD1,04/03/2024,Tiền ăn,630000,Tiền mặt\n"
        "GD2,05/03/2024,Tiền ăn,630000,Chuyển khoản\n"
        "Cộng,,,1260000,\n"
        ",,,,\"Nhà Bè, ngày 31 tháng 03 năm 2024\"\n"
        "Người lập biểu,,,,HIỆU TRƯỞNG\n"
        "\"(Ký, ghi rõ họ tên)\",,,,\n"
        "Trần Thị Bích,,,,Nguyễn Văn An\n", encoding="utf-8")
    data = load_unit(tmp_path)
    assert data.problems == []
    assert data.registers["thanh_toan"].index.tolist() == [4, 5]
    assert [(n.code, n.rows) for n in data.notices] == [
        ("csv_read", ()), ("column_numbers", (3,)), ("footer_total", (6,)), ("footer_date", (7,)),
        ("footer_signature", (8, 9, 10))]
    assert cli.main(["validate", "--data", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "dòng 6 là dòng tổng cộng" in out and "dòng 8–10 là phần ký tên" in out
    assert "UTF-8" not in out  # the plain case is said in the method section only
    assert cli.main(["validate", "--data", str(tmp_path), "--format", "json", "--lang", "en"]) == 0
    notices = json.loads(capsys.readouterr().out)["notices"]
    assert [(n["code"], n["rows"]) for n in notices][2] == ("footer_total", [6])


def test_a_staff_row_whose_post_is_principal_stays_a_row(tmp_path):
    write_csv(tmp_path, "can_bo", [{"ma_can_bo": "CB1", "ho_ten": "Lê Thị Hoa", "chuc_vu": "Giáo viên"},
                                   {"ma_can_bo": "CB2", "ho_ten": "Nguyễn Văn An", "chuc_vu": "Hiệu trưởng"}])
    data = load_unit(tmp_path)
    assert data.registers["can_bo"]["ma_can_bo"].tolist() == ["CB1", "CB2"]
    assert [n.code for n in data.notices if n.code != "column_absent"] == ["csv_read"]


def test_a_signature_block_across_the_key_column_is_not_rows(tmp_path):
    """In can_bo the signature lines and names fall in the code column and in another: still the
    form's footer, while the principal's own staff row above stays a row."""
    path = tmp_path / "can_bo.csv"
    path.write_text("Mã cán bộ,Họ và tên,Chức vụ,Đang công tác,Chữ ký số,Thư công vụ\n"
                    "CB1,Nguyễn Văn An,Hiệu trưởng,có,có,có\n"
                    "CB2,Lê Thị Hoa,Giáo viên,có,không,có\n"
                    "Tổng cộng,2,,,,\n"
                    ",,,,\"Nhà Bè, ngày 31 tháng 3 năm 2024\",\n"
                    "Người lập biểu,,,,HIỆU TRƯỞNG,\n"
                    "Trần Thị Bích,,,,Nguyễn Văn An,\n", encoding="utf-8")
    data = load_unit(tmp_path)
    assert data.problems == [] and data.registers["can_bo"]["ma_can_bo"].tolist() == ["CB1", "CB2"]
    assert [(n.code, n.rows) for n in data.notices][1:] == [
        ("footer_total", (4,)), ("footer_date", (5,)), ("footer_signature", (6, 7))]


def test_a_footer_line_among_data_rows_is_not_skipped(tmp_path):
    """Only what follows the last data row is a footer: a stray "Cộng" between rows is reported."""
    path = tmp_path / "thanh_toan.csv"
    path.write_text("Mã giao dịch,Ngày,Khoản thu,Số tiền,Hình thức\n"
                    "GD1,04/03/2024,Tiền ăn,630000,Tiền mặt\n"
                    "Cộng,,,630000,\n"
                    "GD2,05/03/2024,Tiền ăn,630000,Chuyển khoản\n", encoding="utf-8")
    data = load_unit(tmp_path)
    assert {p.code for p in data.problems} == {"empty_required"} and {p.row for p in data.problems} == {3}


def test_rows_of_only_a_prefilled_stt_or_formula_are_blank(tmp_path):
    from openpyxl import load_workbook

    rows = [{"ma_phieu": "P1", "ngay": "04/03/2024", "linh_vuc": "tthc", "muc_do": 5}]
    path = write_xlsx(tmp_path, "khao_sat", rows, columns=("ma_phieu", "ngay", "linh_vuc", "muc_do", "STT"))
    book = load_workbook(path)
    sheet = book.active
    sheet["E2"] = 1
    for row in range(3, 203):
        sheet[f"E{row}"] = row - 1  # STT typed in advance
        sheet[f"D{row}"] = f'=IF(A{row}="","",1)'  # a formula filled down (no saved result: empty text)
    book.save(path)
    data = load_unit(tmp_path)
    assert [p.code for p in data.problems if p.code != "formula_no_value"] == []
    assert data.registers["khao_sat"].index.tolist() == [2]


def test_the_register_is_found_on_the_sheet_holding_its_header(tmp_path):
    from openpyxl import load_workbook

    path = write_xlsx(tmp_path, "khao_sat", [{"ma_phieu": "P1", "ngay": "04/03/2024", "linh_vuc": "tthc",
                                              "muc_do": 5}])
    book = load_workbook(path)
    guide = book.create_sheet("Hướng dẫn", 0)
    guide["A1"] = "Ghi mỗi phiếu một dòng."
    book.save(path)
    data = load_unit(tmp_path)
    assert data.problems == [] and len(data.registers["khao_sat"]) == 1
    assert data.inputs[0].sheet == "Sổ"
    assert [n.message("vi") for n in data.notices] == ['khao_sat.xlsx: đọc trang tính "Sổ" (trang 2 trong 2)']
    assert not data.notices[0].quiet


# --- 4. formats and encodings ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def clean_csv(tmp_path_factory):
    return write_clean(tmp_path_factory.mktemp("clean") / "csv", "csv")


def frames(folder) -> dict:
    data = load_unit(folder)
    assert data.problems == [], [p.message("en") for p in data.problems[:3]]
    return data


# Windows-1258 writes most tones as combining marks, which Python's codec does not: the LibreOffice
# fixture (test_real_files.py) stands for it.
@pytest.mark.parametrize("encoding,name", [("utf-16", "UTF-16"), ("utf-16-le", "UTF-16"), ("utf-16-be", "UTF-16"),
                                           ("utf-8", "UTF-8")])
def test_csv_encodings_read_like_utf8(clean_csv, tmp_path, encoding, name):
    folder = tmp_path / "unit"
    shutil.copytree(clean_csv, folder)
    path = folder / "don_thu.csv"
    path.write_bytes(reencoded(encoding)(folder, path))
    expected, got = frames(clean_csv), frames(folder)
    pd.testing.assert_frame_equal(got.registers["don_thu"], expected.registers["don_thu"])
    assert [i.encoding for i in got.inputs if i.register == "don_thu"] == [name]


def test_a_tab_separated_csv_is_read(clean_csv, tmp_path):
    folder = tmp_path / "unit"
    shutil.copytree(clean_csv, folder)
    path = folder / "van_ban.csv"
    path.write_text(path.read_text(encoding="utf-8-sig").replace(";", "\t"), encoding="utf-8")
    pd.testing.assert_frame_equal(frames(folder).registers["van_ban"], frames(clean_csv).registers["van_ban"])


def test_a_workbook_is_read_as_what_it_is_whatever_its_extension(tmp_path):
    clean = write_clean(tmp_path / "clean", "xlsx")
    folder = tmp_path / "unit"
    shutil.copytree(clean, folder)
    (folder / "ho_so.xlsx").rename(folder / "ho_so.xls")  # an xlsx saved under an old name
    pd.testing.assert_frame_equal(frames(folder).registers["ho_so"], frames(clean).registers["ho_so"])


def test_a_web_page_saved_as_xls_is_said_to_be_one(tmp_path):
    (tmp_path / "ho_so.xls").write_text("<html><body><table><tr><td>Mã hồ sơ</td></tr></table></body></html>",
                                        encoding="utf-8")
    [problem] = load_unit(tmp_path).problems
    assert problem.code == "file_is_html" and "HTML" in problem.message("en")


# --- 5. problems said once, dates said as dates ----------------------------------------------------


def test_a_date_serial_is_said_as_the_date_it_means(tmp_path):
    path = write_xlsx(tmp_path, "ho_so", [{"ma_ho_so": "H1", "ma_thu_tuc": "TT1", "ngay_tiep_nhan": 45306}])
    data = load_unit(tmp_path)
    [problem] = data.problems
    assert (problem.code, problem.value) == ("date_serial", "45306")
    assert "15/01/2024" in problem.message("vi") and "15/01/2024" in problem.message("en")
    assert path.exists()


def test_one_problem_on_many_rows_is_one_line(tmp_path, capsys):
    """An en-US export with money as "630,000": one line with the count, the first rows and a
    sample on screen; the JSON table still lists every cell."""
    rows = [{"ma_giao_dich": f"GD{i}", "ngay": "04/03/2024", "so_tien": "630,000", "hinh_thuc": "Tiền mặt"}
            for i in range(1, 1201)]
    write_csv(tmp_path, "thanh_toan", rows)
    assert cli.main(["validate", "--data", str(tmp_path)]) == 2
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Dữ liệu có 1200 lỗi") and len([line for line in out if line.startswith("  - ")]) == 1
    assert out[1].startswith('  - thanh_toan.csv, cột "Số tiền": 1.200 ô, dòng 2, 3, 4, …; ví dụ: ')
    assert '"630,000"' in out[1]
    assert cli.main(["validate", "--data", str(tmp_path), "--format", "json"]) == 2
    assert len(json.loads(capsys.readouterr().out)["problems"]) == 1200
    assert cli.main(["validate", "--data", str(tmp_path), "--lang", "en"]) == 2
    assert ": 1,200 cells, rows 2, 3, 4, …; for example: " in capsys.readouterr().out


def test_a_few_problems_stay_one_line_each():
    problems = [Problem("ho_so.csv", row, "Ngày", "x", "bad_date", cell=f"C{row}") for row in (2, 3, 4)]
    assert problem_lines(problems) == [p.message() for p in problems]
    problems.append(Problem("ho_so.csv", 5, "Ngày", "x", "bad_date", cell="C5"))
    assert len(problem_lines(problems)) == 1
