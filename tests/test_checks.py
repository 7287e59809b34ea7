"""Every figure of the audit against DOMAIN.md, on tiny unit folders whose expected numerators,
denominators and statuses are worked out by hand in the comments.

Unless a test says otherwise the period is 2024-Q1 = 01/01/2024–31/03/2024 (calendar convention).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from unitdata import CATALOGUE, audit, make_unit, reasons, run

from cchc_audit.params import Params

D = dt.date
Q1_END = "31/03/2024"


def dossier(code, received, due=None, result=None, status=None, tt="TT1", **more) -> dict:
    row = {"ma_ho_so": code, "ma_thu_tuc": tt, "ngay_tiep_nhan": received, "ngay_hen_tra": due,
           "ngay_co_ket_qua": result, "trang_thai": status}
    row.update(more)
    return row


def figure(result) -> tuple:
    return (result.status, result.numerator, result.denominator)


# =====================================================================================================
# II.1.1.a — on-time rate of procedure dossiers, >= 98%
# =====================================================================================================


def _fifty(late: int) -> list[dict]:
    # Received Fri 01/03/2024, due Wed 06/03 (on the slip); on time = result 05/03, late = 07/03.
    return [dossier(f"HS{i:02d}", "01/03/2024", "06/03/2024", "07/03/2024" if i < late else "05/03/2024")
            for i in range(50)]


def test_on_time_rate_exactly_98_percent_is_met(tmp_path):
    check = run(tmp_path, {"thu_tuc": CATALOGUE, "ho_so": _fifty(late=1)}).check("II.1.1.a")
    assert figure(check) == ("dat", 49, 50)
    assert check.value == pytest.approx(0.98)


def test_on_time_rate_just_under_98_percent_is_not_met(tmp_path):
    check = run(tmp_path, {"thu_tuc": CATALOGUE, "ho_so": _fifty(late=2)}).check("II.1.1.a")
    assert figure(check) == ("khong_dat", 48, 50)
    assert check.value == pytest.approx(0.96)


def test_late_dossiers_are_listed_by_their_excel_row(tmp_path):
    folder = make_unit(tmp_path / "unit", {"thu_tuc": CATALOGUE}, fmt="csv")
    from unitdata import write_csv
    write_csv(folder, "ho_so", _fifty(late=2), title_rows=["SỔ THEO DÕI HỒ SƠ TTHC"])
    check = audit(folder).check("II.1.1.a")
    # Title on row 1, header on row 2: HS00 is on Excel row 3, HS01 on row 4.
    assert sorted(check.items.index) == [3, 4]
    assert sorted(check.items["ma_ho_so"]) == ["HS00", "HS01"]


def test_on_time_rate_exclusions(tmp_path):
    rows = [
        dossier("A1", "04/03/2024", "07/03/2024", "06/03/2024"),               # early: on time
        dossier("A2", "04/03/2024", "07/03/2024", "07/03/2024"),               # on the day: on time
        dossier("A3", "04/03/2024", "07/03/2024", "08/03/2024"),               # late
        dossier("A4", "04/03/2024", "07/03/2024", "20/03/2024", "Rút hồ sơ"),   # withdrawn: out
        dossier("A5", "04/03/2024", "07/03/2024", "20/03/2024", "Từ chối"),     # refused: out
        dossier("A6", "20/03/2024", "25/03/2024", "02/04/2024"),               # result after P: out
        dossier("A7", "20/12/2023", "22/12/2023", "02/01/2024"),               # received before P, late in P
        dossier("A8", "28/12/2023", "03/01/2024", "29/12/2023"),               # result before P: out
        dossier("A9", "25/03/2024", "28/03/2024"),                             # no result: out
    ]
    check = run(tmp_path, {"thu_tuc": CATALOGUE, "ho_so": rows}).check("II.1.1.a")
    assert figure(check) == ("khong_dat", 2, 4)  # {A1, A2} of {A1, A2, A3, A7}
    assert check.value == pytest.approx(0.5)
    assert set(reasons(check)) == {"A3", "A7"}


def test_due_date_computed_from_the_procedure_when_the_slip_has_none(tmp_path):
    rows = [
        # TT1: 3 working days. Received Wed 07/02/2024, Tết 08–14/02 -> due Mon 19/02.
        dossier("B1", "07/02/2024", None, "19/02/2024"),                 # on time
        dossier("B2", "07/02/2024", None, "20/02/2024"),                 # late
        dossier("B3", "07/02/2024", "23/02/2024", "21/02/2024"),         # the slip's date wins: on time
        # TT3: 10 calendar days. Received Mon 04/03 -> due Thu 14/03.
        dossier("B4", "04/03/2024", None, "14/03/2024", tt="TT3"),       # on time
        dossier("B5", "04/03/2024", None, "15/03/2024", tt="TT3"),       # late
        # TT4: 1 month. Received 31/01/2024 -> due 29/02/2024 (no 31 February).
        dossier("B6", "31/01/2024", None, "29/02/2024", tt="TT4"),       # on time
        dossier("B7", "31/01/2024", None, "01/03/2024", tt="TT4"),       # late
        # TT2: 5 working days. Received Sun 10/03 -> Mon 11 (1) ... Fri 15 (5).
        dossier("B8", "10/03/2024", None, "15/03/2024", tt="TT2"),       # on time
        dossier("B9", "10/03/2024", None, "18/03/2024", tt="TT2"),       # late
    ]
    check = run(tmp_path, {"thu_tuc": CATALOGUE, "ho_so": rows}).check("II.1.1.a")
    assert figure(check) == ("khong_dat", 5, 9)
    assert set(reasons(check)) == {"B2", "B5", "B7", "B9"}


def test_days_off_from_params_move_computed_due_dates(tmp_path):
    # TT1 (3 working days), received Tue 12/03/2024, result Mon 18/03.
    # Plain calendar: Wed 13 (1), Thu 14 (2), Fri 15 (3) -> late.
    # With Wed 13/03 declared a day off: Thu 14, Fri 15, Mon 18 -> on time.
    registers = {"thu_tuc": CATALOGUE, "ho_so": [dossier("C1", "12/03/2024", None, "18/03/2024")]}
    folder = make_unit(tmp_path / "unit", registers)
    assert figure(audit(folder).check("II.1.1.a")) == ("khong_dat", 0, 1)
    params = Params(period="2024-Q1", data=folder, extra_days_off=(D(2024, 3, 13),))
    assert figure(audit(folder, params=params).check("II.1.1.a")) == ("dat", 1, 1)


# =====================================================================================================
# II.1.3 — apology letters for every late dossier, 100%
# =====================================================================================================


def _late_set_rows() -> list[dict]:
    return [
        dossier("A", "02/01/2024", "10/01/2024", "12/01/2024", ngay_xin_loi="09/01/2024"),  # late; apology in time
        dossier("B", "02/01/2024", "10/01/2024", "12/01/2024", ngay_xin_loi="10/01/2024"),  # late; apology tardy
        dossier("C", "02/01/2024", "10/01/2024", "12/01/2024"),                             # late; no apology
        dossier("D", "01/03/2024", "15/03/2024", ngay_xin_loi="20/03/2024"),                # overdue; tardy apology
        dossier("E", "01/03/2024", "15/03/2024", ngay_xin_loi="02/04/2024"),                # overdue; apology after P
        dossier("F", "01/03/2024", "10/03/2024", status="Tạm dừng"),                        # paused: not overdue
        dossier("G", "02/01/2024", "10/01/2024", "10/01/2024"),                             # on time
        dossier("H", "01/03/2024", "10/03/2024", status="Rút hồ sơ"),                       # withdrawn
        dossier("I", "20/03/2024", Q1_END),                                                # due on the last day
        dossier("J", "02/04/2024", "05/04/2024"),                                          # received after P
        dossier("K", "01/03/2024", "15/03/2024", "05/04/2024", ngay_xin_loi="25/03/2024"),  # open at end; overdue
        dossier("L", "01/03/2024", "15/03/2024", "20/03/2024", "Từ chối"),                  # refused
        dossier("M", "01/03/2024", "15/03/2024", status="Đang giải quyết",
                ngay_xin_loi="14/03/2024"),                                                 # overdue; in time
    ]


def test_apologies_late_set_and_counting(tmp_path):
    check = run(tmp_path, {"thu_tuc": CATALOGUE, "ho_so": _late_set_rows()}).check("II.1.3")
    # Late set: A, B, C (resolved late in P), D, E, K, M (overdue in progress at 31/03) = 7.
    # Apology on or before 31/03: A, B, D, K, M = 5.
    assert figure(check) == ("khong_dat", 5, 7)
    listed = reasons(check)
    assert {code for code, why in listed.items() if "chua_xin_loi" in why} == {"C", "E"}
    # Later than one day before the due date: B (on 10/01, due 10/01), D (20/03 > 14/03), K (25/03 > 14/03).
    assert {code for code, why in listed.items() if "xin_loi_muon" in why} == {"B", "D", "K"}
    assert not {"A", "F", "G", "H", "I", "J", "L", "M"} & set(listed)


def test_apologies_all_present_is_met_even_if_some_are_tardy(tmp_path):
    rows = [dossier("A", "02/01/2024", "10/01/2024", "12/01/2024", ngay_xin_loi="09/01/2024"),
            dossier("B", "02/01/2024", "10/01/2024", "12/01/2024", ngay_xin_loi="11/01/2024"),
            dossier("G", "02/01/2024", "10/01/2024", "10/01/2024")]
    check = run(tmp_path, {"thu_tuc": CATALOGUE, "ho_so": rows}).check("II.1.3")
    assert figure(check) == ("dat", 2, 2)
    assert {code for code, why in reasons(check).items() if "xin_loi_muon" in why} == {"B"}


def test_apologies_not_arisen_when_nothing_is_late(tmp_path):
    rows = [dossier("G", "02/01/2024", "10/01/2024", "10/01/2024"),
            dossier("F", "01/03/2024", "10/03/2024", status="tam_dung")]
    check = run(tmp_path, {"thu_tuc": CATALOGUE, "ho_so": rows}).check("II.1.3")
    assert figure(check) == ("khong_phat_sinh", 0, 0)
    assert check.value is None


# =====================================================================================================
# II.4 digitization (>= 60%) and III.3.6.b data reuse (> 80%, strictly)
# =====================================================================================================


def _digitization_rows(third_digitized: bool) -> list[dict]:
    return [
        dossier("D1", "01/03/2024", "06/03/2024", "05/03/2024", so_hoa="x", ket_qua_dien_tu="x"),
        dossier("D2", "01/03/2024", "06/03/2024", "05/03/2024", so_hoa="có", ket_qua_dien_tu="có"),
        dossier("D3", "01/03/2024", "06/03/2024", "05/03/2024", so_hoa="x" if third_digitized else "",
                ket_qua_dien_tu="x"),
        dossier("D4", "01/03/2024", "06/03/2024", "05/03/2024", so_hoa="x", ket_qua_dien_tu=""),
        dossier("D5", "01/03/2024", "06/03/2024", "05/03/2024", so_hoa="", ket_qua_dien_tu="x"),
        dossier("D6", "25/03/2024", "28/03/2024", None, so_hoa="x", ket_qua_dien_tu="x"),            # unresolved
        dossier("D7", "10/12/2023", "13/12/2023", "12/12/2023", so_hoa="x", ket_qua_dien_tu="x"),    # before P
    ]


def test_digitization_exactly_60_percent_is_met(tmp_path):
    check = run(tmp_path, {"thu_tuc": CATALOGUE, "ho_so": _digitization_rows(True)}).check("II.4")
    assert figure(check) == ("dat", 3, 5)
    assert check.value == pytest.approx(0.6)


def test_digitization_below_60_percent_is_not_met(tmp_path):
    check = run(tmp_path, {"thu_tuc": CATALOGUE, "ho_so": _digitization_rows(False)}).check("II.4")
    assert figure(check) == ("khong_dat", 2, 5)
    assert set(reasons(check)) == {"D3", "D4", "D5"}


def _reuse(n: int, reused: int) -> list[dict]:
    return [dossier(f"R{i:03d}", "05/03/2024", tai_su_dung="có" if i < reused else "không") for i in range(n)]


def test_data_reuse_exactly_80_percent_is_not_met_because_the_plan_says_tren(tmp_path):
    check = run(tmp_path, {"thu_tuc": CATALOGUE, "ho_so": _reuse(100, 80)}).check("III.3.6.b")
    assert figure(check) == ("khong_dat", 80, 100)
    assert check.value == pytest.approx(0.8)
    assert check.comparator == ">"


def test_data_reuse_81_percent_is_met(tmp_path):
    check = run(tmp_path, {"thu_tuc": CATALOGUE, "ho_so": _reuse(100, 81)}).check("III.3.6.b")
    assert figure(check) == ("dat", 81, 100)


def test_data_reuse_excludes_withdrawn_but_keeps_refused(tmp_path):
    rows = [dossier(f"R{i}", "05/03/2024", tai_su_dung="x") for i in range(4)]
    rows += [
        dossier("R5", "05/03/2024", status="Từ chối", tai_su_dung=""),      # refused: kept
        dossier("R6", "05/03/2024", status="Rút hồ sơ", tai_su_dung=""),    # withdrawn: out
        dossier("R7", "20/12/2023", tai_su_dung="x"),                        # received before P: out
        dossier("R8", "02/04/2024", tai_su_dung="x"),                        # received after P: out
    ]
    check = run(tmp_path, {"thu_tuc": CATALOGUE, "ho_so": rows}).check("III.3.6.b")
    assert figure(check) == ("khong_dat", 4, 5)  # exactly 80% is not "trên 80%"


# =====================================================================================================
# II.5 — electronic payment: (a) fee-bearing dossiers, (b) service payments
# =====================================================================================================


def _payments(electronic_in_p: bool = True) -> list[dict]:
    return [
        {"ma_giao_dich": "G1", "ngay": "05/03/2024", "hinh_thuc": "Chuyển khoản" if electronic_in_p else "Tiền mặt"},
        {"ma_giao_dich": "G2", "ngay": "06/03/2024", "hinh_thuc": "Tiền mặt"},
        {"ma_giao_dich": "G3", "ngay": "07/03/2024", "hinh_thuc": "tien_mat"},
        {"ma_giao_dich": "G4", "ngay": "05/04/2024", "hinh_thuc": "Điện tử"},  # after P
    ]


def _fee_dossiers(paid_online: bool = True) -> list[dict]:
    return [
        dossier("P1", "04/03/2024", "07/03/2024", "06/03/2024", tt="TT1", thanh_toan_truc_tuyen="có" if paid_online else "không"),
        dossier("P2", "04/03/2024", "07/03/2024", "06/03/2024", tt="TT1", thanh_toan_truc_tuyen="không"),
        dossier("P3", "04/03/2024", "11/03/2024", "06/03/2024", tt="TT2"),  # free procedure
        dossier("P4", "10/04/2024", "15/04/2024", "12/04/2024", tt="TT1", thanh_toan_truc_tuyen="có"),  # after P
    ]


def _part(check, part_id):
    return next(p for p in check.parts if p["id"] == part_id)


def test_electronic_payment_both_parts(tmp_path):
    check = run(tmp_path, {"thu_tuc": CATALOGUE, "ho_so": _fee_dossiers(), "thanh_toan": _payments()}).check("II.5")
    assert check.status == "dat"
    a, b = _part(check, "a"), _part(check, "b")
    assert (a["numerator"], a["denominator"]) == (1, 2)  # P1 of {P1, P2}
    assert (b["numerator"], b["denominator"]) == (1, 3)  # G1 of {G1, G2, G3}
    assert a["value"] == pytest.approx(0.5) and b["value"] == pytest.approx(1 / 3)
    # The figure itself counts parts: both arose, both applied electronic payment.
    assert (check.numerator, check.denominator, check.value) == (2, 2, 1.0)


def test_electronic_payment_not_met_when_a_part_has_no_electronic_payment(tmp_path):
    check = run(tmp_path, {"thu_tuc": CATALOGUE, "ho_so": _fee_dossiers(),
                           "thanh_toan": _payments(electronic_in_p=False)}).check("II.5")
    assert check.status == "khong_dat"
    assert (_part(check, "b")["numerator"], _part(check, "b")["denominator"]) == (0, 3)
    assert (check.numerator, check.denominator) == (1, 2)
    check = run(tmp_path / "2", {"thu_tuc": CATALOGUE, "ho_so": _fee_dossiers(paid_online=False),
                                 "thanh_toan": _payments()}).check("II.5")
    assert check.status == "khong_dat"
    assert (_part(check, "a")["numerator"], _part(check, "a")["denominator"]) == (0, 2)


def test_electronic_payment_with_only_one_part_arisen(tmp_path):
    # No fee-bearing dossier in P: part (a) did not arise; (b) has an electronic payment -> met.
    rows = [dossier("P3", "04/03/2024", "11/03/2024", "06/03/2024", tt="TT2")]
    check = run(tmp_path, {"thu_tuc": CATALOGUE, "ho_so": rows, "thanh_toan": _payments()}).check("II.5")
    assert check.status == "dat"
    assert _part(check, "a")["denominator"] == 0
    assert (check.numerator, check.denominator) == (1, 1)


def test_electronic_payment_not_arisen(tmp_path):
    rows = [dossier("P3", "04/03/2024", "11/03/2024", "06/03/2024", tt="TT2")]
    pay = [{"ma_giao_dich": "G4", "ngay": "05/04/2024", "hinh_thuc": "Điện tử"}]
    check = run(tmp_path, {"thu_tuc": CATALOGUE, "ho_so": rows, "thanh_toan": pay}).check("II.5")
    assert check.status == "khong_phat_sinh"


# =====================================================================================================
# II.1.1.b complaints and denunciations (>= 95%), II.2.3 feedback and petitions (100%)
# =====================================================================================================


def _letter(code, kind, received, deadline, resolved=None, answered=None, published=None) -> dict:
    return {"ma_don": code, "loai": kind, "ngay_nhan": received, "han_giai_quyet": deadline,
            "ngay_giai_quyet": resolved, "ngay_tra_loi": answered, "ngay_cong_khai": published}


def _complaints(late: int) -> list[dict]:
    rows = [_letter(f"K{i:02d}", "Khiếu nại" if i % 2 else "Tố cáo", "01/02/2024", "01/03/2024",
                    "05/03/2024" if i < late else ("01/03/2024" if i == late else "20/02/2024"))
            for i in range(20)]
    rows += [
        _letter("X1", "Khiếu nại", "01/11/2023", "01/12/2023", "20/12/2023"),           # resolved before P
        _letter("X2", "Phản ánh, kiến nghị", "01/02/2024", "01/03/2024", "05/03/2024"),  # not a complaint
        _letter("X3", "Tố cáo", "01/03/2024", "20/03/2024"),                             # unresolved
        _letter("X4", "Khiếu nại", "01/03/2024", "20/03/2024", "03/04/2024"),            # resolved after P
    ]
    return rows


def test_complaints_exactly_95_percent_is_met(tmp_path):
    # K00 late (05/03 > 01/03); K01 resolved on its deadline day; the rest early -> 19/20.
    check = run(tmp_path, {"don_thu": _complaints(late=1)}).check("II.1.1.b")
    assert figure(check) == ("dat", 19, 20)
    assert set(reasons(check, "ma_don")) == {"K00"}


def test_complaints_under_95_percent_is_not_met(tmp_path):
    check = run(tmp_path, {"don_thu": _complaints(late=2)}).check("II.1.1.b")
    assert figure(check) == ("khong_dat", 18, 20)


def test_feedback_answered_and_published(tmp_path):
    rows = [
        _letter("P1", "Phản ánh, kiến nghị", "01/02/2024", "20/02/2024", answered="10/02/2024", published="12/02/2024"),
        _letter("P2", "PAKN", "01/02/2024", "20/02/2024", answered="10/02/2024"),                    # not published
        _letter("P3", "Phản ánh, kiến nghị", "25/03/2024", "10/04/2024"),                            # pending, in time
        _letter("P4", "Phản ánh, kiến nghị", "01/03/2024", "20/03/2024"),                            # overdue, unanswered
        _letter("P5", "Phản ánh, kiến nghị", "25/03/2024", "10/04/2024", answered="05/04/2024"),     # pending at end
        _letter("P6", "Phản ánh, kiến nghị", "10/12/2023", "25/12/2023", answered="20/12/2023"),     # received before P
        _letter("P7", "Khiếu nại", "01/03/2024", "20/03/2024"),                                      # not PAKN
        _letter("P8", "Phản ánh, kiến nghị", "01/03/2024", "28/03/2024", answered="25/03/2024",
                published="02/04/2024"),                                                             # published after P
    ]
    check = run(tmp_path, {"don_thu": rows}).check("II.2.3")
    # Counted: P1, P2, P4, P8; good: P1.
    assert figure(check) == ("khong_dat", 1, 4)
    listed = reasons(check, "ma_don")
    assert {c for c, why in listed.items() if "dang_trong_han" in why} == {"P3", "P5"}
    assert {"P2", "P4", "P8"} <= set(listed)
    assert "P1" not in listed


# =====================================================================================================
# II.2.1 / II.2.2 satisfaction (>= 95% each)
# =====================================================================================================


def test_satisfaction_levels_and_labels(tmp_path):
    levels = ["5"] * 10 + ["Hài lòng"] * 5 + ["4"] * 3 + ["Rất hài lòng"] + ["Bình thường"]
    rows = [{"ma_phieu": f"S{i:02d}", "ngay": "15/03/2024", "linh_vuc": "Dịch vụ công", "muc_do": level}
            for i, level in enumerate(levels)]
    rows += [
        {"ma_phieu": "S90", "ngay": "20/12/2023", "linh_vuc": "Dịch vụ công", "muc_do": "1"},  # before P
        {"ma_phieu": "T1", "ngay": "15/03/2024", "linh_vuc": "TTHC", "muc_do": "Hài lòng"},
        {"ma_phieu": "T2", "ngay": "15/03/2024", "linh_vuc": "Thủ tục hành chính", "muc_do": "Không hài lòng"},
        {"ma_phieu": "T3", "ngay": "15/03/2024", "linh_vuc": "tthc", "muc_do": "Rất không hài lòng"},
        {"ma_phieu": "T4", "ngay": "15/03/2024", "linh_vuc": "tthc", "muc_do": "Rat hai long"},
        {"ma_phieu": "T5", "ngay": "02/04/2024", "linh_vuc": "tthc", "muc_do": "1"},  # after P
    ]
    result = run(tmp_path, {"khao_sat": rows})
    assert figure(result.check("II.2.1")) == ("dat", 19, 20)   # 95% exactly
    assert figure(result.check("II.2.2")) == ("khong_dat", 2, 4)  # T1, T4 of T1–T4


# =====================================================================================================
# II.6 electronic workplace
# =====================================================================================================


def test_electronic_documents_leave_out_classified(tmp_path):
    rows = [
        {"so_ky_hieu": "01/TB", "ngay": "05/03/2024", "dien_tu": "có"},
        {"so_ky_hieu": "02/TB", "ngay": "06/03/2024", "dien_tu": "x"},
        {"so_ky_hieu": "03/TB", "ngay": "07/03/2024", "dien_tu": "1"},
        {"so_ky_hieu": "04/M", "ngay": "07/03/2024", "dien_tu": "không", "mat": "x"},  # classified
        {"so_ky_hieu": "05/TB", "ngay": "20/12/2023", "dien_tu": "không"},              # before P
    ]
    assert figure(run(tmp_path, {"van_ban": rows}).check("II.6.1")) == ("dat", 3, 3)
    rows.append({"so_ky_hieu": "06/TB", "ngay": "08/03/2024", "dien_tu": ""})
    check = run(tmp_path / "2", {"van_ban": rows}).check("II.6.1")
    assert figure(check) == ("khong_dat", 3, 4)
    assert set(reasons(check, "so_ky_hieu")) == {"06/TB"}


def test_staff_in_post_signatures_and_email(tmp_path):
    rows = [
        {"ma_can_bo": "A", "dang_cong_tac": "", "chu_ky_so": "có", "thu_cong_vu": "có"},       # in post (empty)
        {"ma_can_bo": "B", "dang_cong_tac": "có", "chu_ky_so": "không", "thu_cong_vu": "không"},
        {"ma_can_bo": "C", "dang_cong_tac": "không", "chu_ky_so": "không", "thu_cong_vu": "không"},  # left
        {"ma_can_bo": "D", "dang_cong_tac": "", "chu_ky_so": "x", "thu_cong_vu": ""},
    ]
    result = run(tmp_path, {"can_bo": rows})
    assert figure(result.check("II.6.2")) == ("khong_dat", 2, 3)  # A, D of A, B, D
    assert figure(result.check("II.6.4")) == ("khong_dat", 1, 3)  # A of A, B, D
    assert set(reasons(result.check("II.6.2"), "ma_can_bo")) == {"B"}


def test_staff_without_an_in_post_column_are_all_in_post(tmp_path):
    rows = [{"ma_can_bo": "A", "chu_ky_so": "có", "thu_cong_vu": "có"},
            {"ma_can_bo": "B", "chu_ky_so": "có", "thu_cong_vu": "có"}]
    result = run(tmp_path, {"can_bo": rows})
    assert figure(result.check("II.6.2")) == ("dat", 2, 2)
    assert figure(result.check("II.6.4")) == ("dat", 2, 2)


def test_reporting_systems_connected(tmp_path):
    rows = [{"ten_he_thong": "CSDL ngành giáo dục", "ket_noi_huyen": "có"},
            {"ten_he_thong": "Phần mềm kế toán", "ket_noi_huyen": "không"}]
    assert figure(run(tmp_path, {"he_thong_bao_cao": rows}).check("II.6.3")) == ("khong_dat", 1, 2)
    rows[1]["ket_noi_huyen"] = "x"
    assert figure(run(tmp_path / "2", {"he_thong_bao_cao": rows}).check("II.6.3")) == ("dat", 2, 2)


# =====================================================================================================
# II.1.4 internal procedures published; II.1.2 / II.3 monthly publication
# =====================================================================================================


def test_internal_procedures_published_by_the_end_of_p(tmp_path):
    rows = [
        {"ma_thu_tuc": "I1", "ten_thu_tuc": "Nội bộ 1", "noi_bo": "có", "ngay_cong_khai": "10/01/2024"},
        {"ma_thu_tuc": "I2", "ten_thu_tuc": "Nội bộ 2", "noi_bo": "có", "ngay_cong_khai": "05/04/2024"},  # after P
        {"ma_thu_tuc": "I3", "ten_thu_tuc": "Nội bộ 3", "noi_bo": "x"},                                  # never
        {"ma_thu_tuc": "I4", "ten_thu_tuc": "Nội bộ 4", "noi_bo": "1", "ngay_cong_khai": "15/06/2023"},  # before P
        {"ma_thu_tuc": "T5", "ten_thu_tuc": "Không nội bộ", "noi_bo": "không"},
    ]
    check = run(tmp_path, {"thu_tuc": rows}).check("II.1.4")
    assert figure(check) == ("khong_dat", 2, 4)
    assert set(reasons(check, "ma_thu_tuc")) == {"I2", "I3"}


def _posts() -> list[dict]:
    return [
        # Deadlines (month end + 5 working days): January -> Wed 07/02/2024 (Tết starts 08/02);
        # February (ends Thu 29/02) -> Thu 07/03/2024; March -> in April, after Q1: not required.
        {"ngay_dang": "07/02/2024", "noi_dung": "ty_le_dung_han", "ky": "2024-01"},
        {"ngay_dang": "08/03/2024", "noi_dung": "ty_le_dung_han", "ky": "02/2024"},   # one day late
        {"ngay_dang": "05/04/2024", "noi_dung": "ty_le_dung_han", "ky": "2024-03"},
        {"ngay_dang": "31/01/2024", "noi_dung": "ty_le_hai_long", "ky": "2024-01"},
        {"ngay_dang": "07/03/2024", "noi_dung": "ty_le_hai_long", "ky": "2024-02"},
        {"ngay_dang": "01/03/2024", "noi_dung": "thong_bao_tuyen_sinh", "ky": "2024-02"},
    ]


def test_monthly_publication_q1(tmp_path):
    result = run(tmp_path, {"cong_khai": _posts()})
    on_time = result.check("II.1.2")
    assert figure(on_time) == ("khong_dat", 1, 2)  # January in time, February late; March not required
    assert list(on_time.items["ky"]) == ["2024-02"]
    assert figure(result.check("II.3")) == ("dat", 2, 2)


def test_monthly_publication_deadline_is_configurable(tmp_path):
    # With 3 working days: January's deadline is Mon 05/02, February's Tue 05/03.
    posts = [{"ngay_dang": "06/02/2024", "noi_dung": "ty_le_hai_long", "ky": "2024-01"},
             {"ngay_dang": "05/03/2024", "noi_dung": "ty_le_hai_long", "ky": "2024-02"}]
    folder = make_unit(tmp_path / "unit", {"cong_khai": posts})
    assert figure(audit(folder).check("II.3")) == ("dat", 2, 2)
    params = Params(period="2024-Q1", data=folder, publication_deadline_working_days=3)
    three = audit(folder, params=params)
    assert figure(three.check("II.3")) == ("khong_dat", 1, 2)
    # The method states the deadline the check used, in both languages.
    method = [n.text(lang) for n in three.methodology for lang in ("vi", "en")]
    assert any("cuối tháng + 3 ngày làm việc" in t for t in method)
    assert any("month end + 3 working days" in t for t in method)
    assert not any("+ 5 " in t or "+ N " in t for t in method)
    # And so do the definitions of appendix IV (part II points there), in both languages.
    from cchc_audit import report

    for lang, said in (("vi", "cuối tháng + 3 ngày làm việc"), ("en", "month end + 3 working days")):
        html = report.render(three, "methodology", lang)
        assert said in html and "+ 5 " not in html, lang
        assert "+ 5 " not in report.render(three, "targets", lang)


def test_monthly_publication_whole_year_requires_january_to_november(tmp_path):
    posts = [{"ngay_dang": f"01/{m + 1:02d}/2024", "noi_dung": "ty_le_dung_han", "ky": f"2024-{m:02d}"}
             for m in range(1, 12)]
    check = run(tmp_path, {"cong_khai": posts}, period="2024").check("II.1.2")
    assert figure(check) == ("dat", 11, 11)


def test_monthly_publication_under_the_cutoff_convention(tmp_path):
    # Q1 under the cut-off convention: 15/12/2023–14/03/2024. December 2023's deadline is Mon 08/01/2024
    # (01/01 is a holiday), January's 07/02, February's 07/03: all three on or before 14/03.
    posts = [{"ngay_dang": "05/02/2024", "noi_dung": "ty_le_dung_han", "ky": "2024-01"},
             {"ngay_dang": "05/03/2024", "noi_dung": "ty_le_dung_han", "ky": "2024-02"}]
    folder = make_unit(tmp_path / "unit", {"cong_khai": posts})
    params = Params(period="2024-Q1", data=folder, convention="cutoff")
    check = audit(folder, params=params).check("II.1.2")
    assert figure(check) == ("khong_dat", 2, 3)
    assert list(check.items["ky"]) == ["2023-12"]


# =====================================================================================================
# Section III tasks
# =====================================================================================================


def test_section_iii_task_evidence(tmp_path):
    rows = [
        {"ma_nhiem_vu": "III.1.1", "ngay": "10/01/2024", "trang_thai": "Hoàn thành", "minh_chung": "QĐ 01/QĐ-TMNMN"},
        {"ma_nhiem_vu": "III.1.2", "ngay": "10/02/2024", "trang_thai": "Đang thực hiện", "minh_chung": "KH 05"},
        {"ma_nhiem_vu": "III.1.3", "ngay": "10/02/2024", "trang_thai": "Hoàn thành", "minh_chung": ""},
        {"ma_nhiem_vu": "III.1.4", "ngay": "10/02/2024", "trang_thai": "Không phát sinh",
         "ghi_chu": "Quý I không có văn bản mới"},
        {"ma_nhiem_vu": "III.1.5", "ngay": "10/02/2024", "trang_thai": "Không phát sinh"},            # no note
        {"ma_nhiem_vu": "III.1.6", "ngay": "05/04/2024", "trang_thai": "Hoàn thành", "minh_chung": "BC 10"},  # after P
        {"ma_nhiem_vu": "III.1.8", "ngay": "10/02/2024", "trang_thai": "Chưa thực hiện", "minh_chung": "KH 06"},
        {"ma_nhiem_vu": "III.3.8a", "ngay": "15/03/2024", "trang_thai": "hoan_thanh", "minh_chung": "BC tự đánh giá 766"},
        {"ma_nhiem_vu": "III.2.1", "ngay": "20/12/2023", "trang_thai": "Hoàn thành", "minh_chung": "QĐ 99"},  # before P
    ]
    result = run(tmp_path, {"nhiem_vu": rows})
    status = {t.id: t.status for t in result.tasks}
    assert len(status) == 52
    assert status["III.1.1"] == "dat"
    assert status["III.1.2"] == "dat"
    assert status["III.1.3"] == "khong_dat"
    assert status["III.1.4"] == "khong_phat_sinh"
    assert status["III.1.5"] == "khong_dat"
    assert status["III.1.6"] == "khong_dat"
    assert status["III.1.8"] == "khong_dat"
    assert status["III.3.8a"] == "dat"
    assert status["III.3.8b"] == "khong_dat"
    assert status["III.2.1"] == "khong_dat"
    assert sum(1 for s in status.values() if s == "dat") == 3
    summary = result.tasks_summary()
    # Evidenced: 1.1, 1.2, 3.8a, and 1.4 (not arisen, with a note) = 4 of 52.
    assert (summary["evidenced"], summary["tasks"]) == (4, 52)
    assert summary["value"] == pytest.approx(4 / 52)
    # Each row that does not evidence its task says why.
    why = {t.id: list(t.items["ly_do"]) for t in result.tasks if t.id in ("III.1.3", "III.1.5", "III.1.8")}
    assert why == {"III.1.3": ["khong_co_minh_chung"], "III.1.5": ["khong_phat_sinh_thieu_ghi_chu"],
                   "III.1.8": ["chua_thuc_hien"]}
    from cchc_audit.report_parts.inspection import remedy_line as _remedy
    remedy = {t.id: _remedy(t, None, "en") for t in result.tasks if t.id in ("III.1.3", "III.1.5")}
    assert remedy["III.1.5"].startswith("Add a note") and remedy["III.1.3"].startswith("Carry the task out")


def test_the_two_tasks_numbered_3_8_are_distinct(tmp_path):
    rows = [{"ma_nhiem_vu": "III.3.8b", "ngay": "15/03/2024", "trang_thai": "Hoàn thành", "minh_chung": "BC tự kiểm tra"}]
    status = {t.id: t.status for t in run(tmp_path, {"nhiem_vu": rows}).tasks}
    assert (status["III.3.8a"], status["III.3.8b"]) == ("khong_dat", "dat")


# =====================================================================================================
# Statuses: not arisen, missing data
# =====================================================================================================

PERIOD_FREE = ["II.1.1.a", "II.1.1.b", "II.1.3", "II.2.1", "II.2.2", "II.2.3", "II.4", "II.5", "II.6.1", "III.3.6.b"]


def _full_unit() -> dict[str, list[dict]]:
    return {
        "thu_tuc": CATALOGUE,
        "ho_so": [dossier("H1", "04/03/2024", "07/03/2024", "06/03/2024", tai_su_dung="x", thanh_toan_truc_tuyen="x"),
                  dossier("H2", "04/03/2024", "07/03/2024", "08/03/2024")],
        "don_thu": [_letter("K1", "Khiếu nại", "01/03/2024", "20/03/2024", "10/03/2024"),
                    _letter("P1", "PAKN", "01/03/2024", "20/03/2024", answered="10/03/2024", published="11/03/2024")],
        "khao_sat": [{"ma_phieu": "S1", "ngay": "15/03/2024", "linh_vuc": "dich_vu_cong", "muc_do": "5"},
                     {"ma_phieu": "S2", "ngay": "15/03/2024", "linh_vuc": "tthc", "muc_do": "5"}],
        "thanh_toan": [{"ma_giao_dich": "G1", "ngay": "05/03/2024", "hinh_thuc": "Chuyển khoản"}],
        "van_ban": [{"so_ky_hieu": "01", "ngay": "05/03/2024", "dien_tu": "x"}],
        "can_bo": [{"ma_can_bo": "A", "chu_ky_so": "x", "thu_cong_vu": "x"}],
        "he_thong_bao_cao": [{"ten_he_thong": "A", "ket_noi_huyen": "x"}],
        "cong_khai": [{"ngay_dang": "05/02/2024", "noi_dung": "ty_le_dung_han", "ky": "2024-01"}],
        "nhiem_vu": [{"ma_nhiem_vu": "III.1.1", "ngay": "05/03/2024", "trang_thai": "Hoàn thành", "minh_chung": "x"}],
    }


def test_an_empty_period_is_not_arisen(tmp_path):
    result = run(tmp_path, _full_unit(), period="2023-Q1")
    for check_id in PERIOD_FREE:
        check = result.check(check_id)
        assert (check_id, check.status, check.denominator, check.value) == (check_id, "khong_phat_sinh", 0, None)


def test_registers_without_rows_are_not_arisen(tmp_path):
    registers = {name: [] for name in ("can_bo", "he_thong_bao_cao", "van_ban", "khao_sat", "don_thu")}
    result = run(tmp_path, registers)
    for check_id in ("II.6.2", "II.6.4", "II.6.3", "II.6.1", "II.2.1", "II.2.2", "II.1.1.b", "II.2.3"):
        assert (check_id, result.check(check_id).status) == (check_id, "khong_phat_sinh")


def test_a_month_period_before_any_deadline_has_no_publication_due(tmp_path):
    # January's deadline (07/02) is after 31/01: nothing is due in the period 2024-01.
    result = run(tmp_path, {"cong_khai": _posts()}, period="2024-01")
    assert figure(result.check("II.1.2")) == ("khong_phat_sinh", 0, 0)


def test_missing_registers_give_missing_data_for_the_checks_that_need_them_only(tmp_path):
    full = _full_unit()
    result = run(tmp_path, {"thu_tuc": full["thu_tuc"], "ho_so": full["ho_so"]})
    computed = {"II.1.1.a", "II.1.3", "II.1.4", "II.4", "III.3.6.b"}
    missing = {"II.1.1.b", "II.1.2", "II.2.1", "II.2.2", "II.2.3", "II.3", "II.5", "II.6.1", "II.6.2", "II.6.3",
               "II.6.4"}
    statuses = {c.id: c.status for c in result.targets}
    assert {i for i, s in statuses.items() if s == "thieu_du_lieu"} == missing
    assert all(statuses[i] != "thieu_du_lieu" for i in computed)
    assert {t.status for t in result.tasks} == {"thieu_du_lieu"}

    only_dossiers = run(tmp_path / "2", {"ho_so": full["ho_so"]})
    statuses = {c.id: c.status for c in only_dossiers.targets}
    assert statuses["II.4"] != "thieu_du_lieu" and statuses["III.3.6.b"] != "thieu_du_lieu"
    assert statuses["II.1.1.a"] == statuses["II.1.3"] == statuses["II.1.4"] == "thieu_du_lieu"


def test_every_register_present_gives_no_missing_data(tmp_path):
    result = run(tmp_path, _full_unit())
    assert not [c.id for c in result.checks if c.status == "thieu_du_lieu"]


# =====================================================================================================
# The 766 index (task III.3.8a)
# =====================================================================================================


def _index_unit() -> dict[str, list[dict]]:
    return {
        "thu_tuc": CATALOGUE,
        "ho_so": [
            dossier("H01", "02/01/2024", "05/01/2024", "04/01/2024", tt="TT1", kenh_nop="Trực tuyến", so_hoa="x",
                    ket_qua_dien_tu="x", tai_su_dung="x", thanh_toan_truc_tuyen="có", danh_gia="5"),
            dossier("H02", "03/01/2024", "08/01/2024", "10/01/2024", tt="TT1", kenh_nop="Trực tiếp", so_hoa="x",
                    thanh_toan_truc_tuyen="không", danh_gia="1"),
            dossier("H03", "04/01/2024", "09/01/2024", "09/01/2024", tt="TT2", kenh_nop="Trực tuyến",
                    ket_qua_dien_tu="x", tai_su_dung="x", danh_gia="Không hài lòng"),
            dossier("H04", "25/03/2024", "05/04/2024", tt="TT2", kenh_nop="Bưu chính", tai_su_dung="x"),
            dossier("H05", "01/03/2024", "15/03/2024", tt="TT2", kenh_nop="Trực tiếp"),
            dossier("H07", "10/12/2023", "15/12/2023", "14/12/2023", tt="TT2", kenh_nop="Trực tuyến", so_hoa="x",
                    ket_qua_dien_tu="x", tai_su_dung="x"),
        ],
        "don_thu": [
            _letter("P1", "PAKN", "01/02/2024", "10/02/2024", answered="08/02/2024"),
            _letter("P2", "PAKN", "01/03/2024", "20/03/2024", answered="22/03/2024"),
            _letter("P3", "PAKN", "25/03/2024", "10/04/2024"),
            _letter("P4", "Khiếu nại", "01/02/2024", "10/02/2024", resolved="09/02/2024"),
            _letter("P5", "PAKN", "10/03/2024", "25/03/2024"),
        ],
    }


# item -> (numerator, denominator, points), worked out by hand:
#   2.1: base = resolved in P {H01, H02, H03} + in progress at end {H04, H05} = 5; on time {H01, H03}
#        + within deadline {H04} = 3 -> 0.6 x 20 / 1.0 = 12
#   3.3: received in P {H01..H05} = 5, online {H01, H03} -> 0.4 x 12 / 0.5 = 9.6
#   3.6: fee-bearing {H01, H02}, paid online {H01} -> 0.5 x 10 = 5
#   4.1: resolved in P 3, electronic result {H01, H03} -> 2/3 x 6 = 4
#   4.2: digitized and electronic {H01} -> 1/3 x 4 / 0.8 = 5/3
#   4.3: reuse {H01, H03, H04} of 5 -> 0.6 x 2 / 0.8 = 1.5
#   5.2: PAKN due in P {P1, P2, P5}, answered by the deadline {P1} -> 1/3 x 6 = 2
#   5.4: late {H02, H05} or rated 1-2 {H02, H03}, once each = 3 of 5 -> 0.4 x 6 / 0.9 = 8/3
EXPECTED_766 = {"2.1": (3, 5, 12.0), "3.3": (2, 5, 9.6), "3.6": (1, 2, 5.0), "4.1": (2, 3, 4.0),
                "4.2": (1, 3, 5 / 3), "4.3": (3, 5, 1.5), "5.2": (1, 3, 2.0), "5.4": (2, 5, 8 / 3)}


def test_index_766_items_and_score(tmp_path):
    index = run(tmp_path, _index_unit()).index_766
    items = {i.id: i for i in index.items}
    for item_id, (numerator, denominator, points) in EXPECTED_766.items():
        item = items[item_id]
        assert (item_id, item.numerator, item.denominator) == (item_id, numerator, denominator)
        assert item.points == pytest.approx(points, abs=0.005), item_id
    assert index.max == pytest.approx(66)
    assert index.score == pytest.approx(sum(p for _, _, p in EXPECTED_766.values()), abs=0.01)


def test_index_766_items_not_arisen_leave_score_and_max(tmp_path):
    unit = _index_unit()
    del unit["don_thu"]  # 5.2 cannot arise
    index = run(tmp_path, unit).index_766
    items = {i.id: i for i in index.items}
    assert not items["5.2"].arisen and items["5.2"].points is None
    assert index.max == pytest.approx(60)
    expected = sum(p for k, (_, _, p) in EXPECTED_766.items() if k != "5.2")
    assert index.score == pytest.approx(expected, abs=0.01)


def _threshold_unit() -> dict[str, list[dict]]:
    # 10 dossiers of a free procedure, all resolved on time in P: 5 online (50%), 9 with an
    # electronic result (90%), 8 digitized with an electronic result (80%), 8 reusing data (80%),
    # one rated 2 (9 of 10 = 90% satisfied). No fee-bearing dossier, no petitions.
    rows = []
    for i in range(10):
        rows.append(dossier(f"E{i}", "01/02/2024", "05/02/2024", "02/02/2024", tt="TT2",
                            kenh_nop="Trực tuyến" if i < 5 else "Trực tiếp",
                            ket_qua_dien_tu="x" if i < 9 else "", so_hoa="x" if i < 8 else "",
                            tai_su_dung="x" if i < 8 else "", danh_gia="2" if i == 9 else "5"))
    return {"thu_tuc": CATALOGUE, "ho_so": rows}


def test_index_766_full_points_at_the_threshold(tmp_path):
    index = run(tmp_path, _threshold_unit()).index_766
    points = {i.id: i.points for i in index.items}
    assert points["2.1"] == pytest.approx(20)
    assert points["3.3"] == pytest.approx(12)   # 50% = threshold
    assert points["4.1"] == pytest.approx(5.4)  # 90% of 6 (threshold 100%)
    assert points["4.2"] == pytest.approx(4)    # 80% = threshold
    assert points["4.3"] == pytest.approx(2)    # 80% = threshold
    assert points["5.4"] == pytest.approx(6)    # 90% = threshold
    assert points["3.6"] is None and points["5.2"] is None
    assert index.max == pytest.approx(50)
    assert index.score == pytest.approx(49.4)


def test_index_766_weights_from_params(tmp_path):
    folder = make_unit(tmp_path / "unit", _threshold_unit())
    params = Params(period="2024-Q1", data=folder, index_766={"3.3": {"points": 10, "threshold": 1.0}})
    index = audit(folder, params=params).index_766
    points = {i.id: i.points for i in index.items}
    assert points["3.3"] == pytest.approx(5)   # 50% of 10 at a 100% threshold
    assert index.max == pytest.approx(48)
    assert index.score == pytest.approx(42.4)


# =====================================================================================================
# The same figures from XLSX registers with title rows and real Excel dates
# =====================================================================================================


def test_figures_are_the_same_from_xlsx(tmp_path):
    from unitdata import write_xlsx

    folder = make_unit(tmp_path / "unit", {})
    write_xlsx(folder, "thu_tuc", CATALOGUE, title_rows=["DANH MỤC THỦ TỤC HÀNH CHÍNH", ""])
    write_xlsx(folder, "ho_so", _late_set_rows(), title_rows=["UBND HUYỆN NHÀ BÈ", "TRƯỜNG MẦM NON MẠ NON",
                                                              "SỔ THEO DÕI HỒ SƠ", ""])
    result = audit(folder)
    assert figure(result.check("II.1.3")) == ("khong_dat", 5, 7)
    # Header on row 5: dossier A is on Excel row 6, C on row 8, E on row 10.
    check = result.check("II.1.3")
    chua = check.items[check.items["ly_do"] == "chua_xin_loi"]
    assert sorted(chua.index) == [8, 10]


# =====================================================================================================
# Waivers (mien_tru) and the status labels of DOMAIN.md
# =====================================================================================================


def test_an_active_waiver_waives_and_an_expired_one_does_not(tmp_path):
    from cchc_audit.audit import run_audit
    from cchc_audit.waivers import Waiver

    rows = [{"ten_he_thong": "Phần mềm kế toán", "ket_noi_huyen": "không"}]
    folder = make_unit(tmp_path / "unit", {"he_thong_bao_cao": rows})
    waiver = Waiver("II.6.3", "Huyện chưa triển khai hệ thống tiếp nhận", D(2024, 12, 31))
    params = Params(period="2024-Q1", data=folder, waivers=(waiver,))
    active = run_audit("2024-Q1", folder, params=params, today=D(2024, 12, 31)).check("II.6.3")
    assert active.status == "mien_tru"
    assert (active.numerator, active.denominator) == (0, 1)  # the figure is still shown
    expired = run_audit("2024-Q1", folder, params=params, today=D(2025, 1, 1)).check("II.6.3")
    assert expired.status == "khong_dat"


@pytest.mark.parametrize("status, label", [("dat", "Đạt"), ("khong_dat", "Không đạt"),
                                           ("khong_phat_sinh", "Không phát sinh"),
                                           ("thieu_du_lieu", "Thiếu dữ liệu"), ("mien_tru", "Miễn trừ")])
def test_status_labels(status, label):
    from cchc_audit.results import status_label

    assert status_label(status) == label


@pytest.mark.parametrize("period, posts, expected", [
    # Q2: April ends on a holiday (30/04), 01/05 too; Thu 02 (1), Fri 03 (2), Sat 04 make-up (3),
    # Mon 06 (4), Tue 07/05 (5). May ends Fri 31/05 -> Fri 07/06. June's deadline is in July.
    ("2024-Q2", [("07/05/2024", "2024-04"), ("07/06/2024", "2024-05")], ("dat", 2, 2)),
    ("2024-Q2", [("08/05/2024", "2024-04"), ("07/06/2024", "2024-05")], ("khong_dat", 1, 2)),
    # Q3: July -> Wed 07/08. August ends Sat 31/08; 02–03/09 National Day: Wed 04 (1) ... Tue 10/09 (5).
    ("2024-Q3", [("07/08/2024", "2024-07"), ("10/09/2024", "2024-08")], ("dat", 2, 2)),
    ("2024-Q3", [("07/08/2024", "2024-07"), ("11/09/2024", "2024-08")], ("khong_dat", 1, 2)),
    # H1: January to May are due by 30/06 (June's deadline is in July).
    ("2024-H1", [("05/02/2024", "2024-01"), ("05/03/2024", "2024-02"), ("05/04/2024", "2024-03"),
                 ("07/05/2024", "2024-04"), ("07/06/2024", "2024-05")], ("dat", 5, 5)),
])
def test_monthly_publication_deadlines_across_holidays(tmp_path, period, posts, expected):
    rows = [{"ngay_dang": day, "noi_dung": "ty_le_hai_long", "ky": month} for day, month in posts]
    assert figure(run(tmp_path, {"cong_khai": rows}, period=period).check("II.3")) == expected


def test_digitization_counts_every_dossier_resolved_in_p_including_refused(tmp_path):
    # II.4's denominator is "dossiers resolved in P": only the timeliness figures leave out
    # withdrawn and refused dossiers; a refused dossier with a result date in P is resolved.
    rows = [dossier("D1", "01/03/2024", "06/03/2024", "05/03/2024", so_hoa="x", ket_qua_dien_tu="x"),
            dossier("D2", "01/03/2024", "06/03/2024", "05/03/2024", "Từ chối", so_hoa="x", ket_qua_dien_tu="x"),
            dossier("D3", "01/03/2024", "06/03/2024", "05/03/2024", so_hoa="", ket_qua_dien_tu="")]
    result = run(tmp_path, {"thu_tuc": CATALOGUE, "ho_so": rows})
    assert figure(result.check("II.4")) == ("dat", 2, 3)
    assert figure(result.check("II.1.1.a")) == ("dat", 2, 2)  # the refused one leaves timeliness


def test_item_lists_show_the_register_as_it_stood_at_the_end_of_the_period(tmp_path):
    # Overdue at 31/03 without apology; resolved and apologised only in April: the Q1 list must
    # not show those April dates beside "no apology".
    rows = [dossier("L1", "01/03/2024", "06/03/2024", "15/04/2024")]
    rows[0]["ngay_xin_loi"] = "10/04/2024"
    check = run(tmp_path, {"thu_tuc": CATALOGUE, "ho_so": rows}).check("II.1.3")
    assert figure(check) == ("khong_dat", 0, 1)
    item = check.items.iloc[0]
    assert item["ly_do"] == "chua_xin_loi"
    assert pd.isna(item["ngay_co_ket_qua"]) and pd.isna(item["ngay_xin_loi"])
    assert item["ngay_tiep_nhan"] == pd.Timestamp("2024-03-01")


def test_section_III_tasks_are_measured_through_the_targets_path(monkeypatch):
    """A task is one more plan entry for `checks.evaluate`: its registered function measures it
    and the common rule gives the status (a stand-in function decides every task here)."""
    from cchc_audit import checks, resources
    from cchc_audit.audit import run_audit
    from cchc_audit.checks.base import Measure
    from cchc_audit.plan import load_plan

    plan = load_plan(resources.SAMPLE_PLAN)
    assert {t.check for t in plan.tasks} == {"task_evidenced"}
    for figures, status in (((1, 1), "dat"), ((0, 0), "khong_phat_sinh"), ((0, 1), "khong_dat")):
        monkeypatch.setitem(checks.REGISTRY, "task_evidenced",
                            lambda ctx, task_id, figures=figures: Measure(*figures))
        audit = run_audit("2024-Q1", resources.SAMPLE_DIR, plan)
        assert {c.status for c in audit.tasks} == {status}
        assert len(audit.tasks) == len(plan.tasks)
