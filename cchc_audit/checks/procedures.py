"""Section II.1, II.4 and III.3.6: procedure dossiers (hồ sơ TTHC) — timeliness, apologies,
digitization, data reuse. Every figure is a vector expression over the whole register."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..results import Note
from .base import Context, Measure, check, concat, items

WITHDRAWN, REFUSED, PAUSED = "rut", "tu_choi", "tam_dung"
RESOLVED, IN_PROGRESS = "da_giai_quyet", "dang_giai_quyet"
DOSSIER_COLUMNS = ["ma_ho_so", "ma_thu_tuc", "ngay_tiep_nhan", "han", "ngay_co_ket_qua",
                   "ngay_xin_loi", "nguoi_nop", "so_dien_thoai"]


def prepare_dossiers(ctx: Context) -> pd.DataFrame:
    """ho_so with its procedure, effective status, due date (`han`) and the period's flags."""
    dossiers = ctx.registers["ho_so"].copy()
    procedures = ctx.registers.get("thu_tuc")
    if procedures is not None:
        catalogue = procedures.drop_duplicates("ma_thu_tuc").set_index("ma_thu_tuc")
        codes = dossiers["ma_thu_tuc"]
        for column in ("thoi_han", "don_vi_thoi_han", "co_phi", "ten_thu_tuc"):
            dossiers[f"tt_{column}"] = codes.map(catalogue[column]).to_numpy()
    else:
        dossiers["tt_thoi_han"] = pd.array([pd.NA] * len(dossiers), dtype="Int64")
        dossiers["tt_don_vi_thoi_han"] = pd.array([pd.NA] * len(dossiers), dtype="string")
        dossiers["tt_co_phi"] = False
        dossiers["tt_ten_thu_tuc"] = pd.array([pd.NA] * len(dossiers), dtype="string")
    dossiers["tt_co_phi"] = dossiers["tt_co_phi"].astype("boolean").fillna(False).astype(bool)

    has_result = dossiers["ngay_co_ket_qua"].notna()
    status = dossiers["trang_thai"].astype("string")
    dossiers["trang_thai_hieu_luc"] = status.fillna(
        pd.Series(np.where(has_result, RESOLVED, IN_PROGRESS), index=dossiers.index))

    # The due date is the one on the receipt slip; only when it is empty is it computed.
    computed = ctx.calendar.due_dates(dossiers["ngay_tiep_nhan"], dossiers["tt_thoi_han"],
                                      dossiers["tt_don_vi_thoi_han"])
    recorded = dossiers["ngay_hen_tra"]
    dossiers["han_tinh"] = recorded.isna() & ~np.isnat(computed)
    dossiers["han"] = recorded.where(recorded.notna(), pd.Series(computed, index=dossiers.index).astype(
        "datetime64[ns]"))

    start, end = ctx.start, ctx.end
    effective = dossiers["trang_thai_hieu_luc"]
    excluded = effective.isin([WITHDRAWN, REFUSED]).to_numpy(bool)
    result = dossiers["ngay_co_ket_qua"]
    due = dossiers["han"]
    resolved_in_p = ctx.in_period(result).to_numpy(bool)
    on_time = (result.notna() & due.notna() & (result <= due)).to_numpy(bool)
    received_by_end = ctx.by_end(dossiers["ngay_tiep_nhan"]).to_numpy(bool)
    open_at_end = (result.isna() | (result > end)).to_numpy(bool)
    in_progress = received_by_end & open_at_end & ~excluded
    paused = (effective == PAUSED).to_numpy(bool)
    overdue = in_progress & ~paused & (due.notna() & (due < end)).to_numpy(bool)

    dossiers["giai_quyet_trong_ky"] = resolved_in_p  # resolved in P, any status (II.4, 766 4.x)
    dossiers["tinh_dung_han"] = resolved_in_p & ~excluded  # timeliness denominator (II.1.1.a)
    dossiers["dung_han"] = on_time
    dossiers["tre_han"] = resolved_in_p & ~excluded & ~on_time
    dossiers["dang_giai_quyet_cuoi_ky"] = in_progress
    dossiers["qua_han_cuoi_ky"] = overdue
    dossiers["tiep_nhan_trong_ky"] = ctx.in_period(dossiers["ngay_tiep_nhan"]).to_numpy(bool)
    dossiers["loai_tru"] = excluded
    return dossiers


@check("tthc_on_time")
def tthc_on_time(ctx: Context) -> Measure:
    """II.1.1.a: resolved in P (not withdrawn or refused) on or before the due date."""
    d = ctx.dossiers
    counted = d["tinh_dung_han"].to_numpy(bool)
    on_time = counted & d["dung_han"].to_numpy(bool)
    reason = pd.Series(np.where(d["han"].isna(), "khong_xac_dinh_han", "tre_han"), index=d.index)
    found = items(d, counted & ~on_time, DOSSIER_COLUMNS, reason, until=ctx.end)
    notes = []
    if d.loc[counted, "han"].isna().any():
        notes.append(Note("Có hồ sơ không xác định được hạn trả (không có ngày hẹn trả và thời hạn của thủ tục): "
                          "được tính là không đúng hạn.",
                          "Some dossiers have no due date (no recorded date and no processing time): "
                          "counted as not on time."))
    return Measure(int(on_time.sum()), int(counted.sum()), found, notes)


@check("apologies")
def apologies(ctx: Context) -> Measure:
    """II.1.3: every dossier resolved late in P or overdue at its end has an apology by the end."""
    d = ctx.dossiers
    late = (d["tre_han"] | d["qua_han_cuoi_ky"]).to_numpy(bool)
    apology = d["ngay_xin_loi"]
    apologised = late & ctx.by_end(apology).to_numpy(bool)
    # Nghị định 61/2018, Điều 19: the apology is due at least one day before the due date.
    tardy = apologised & (apology > d["han"] - pd.Timedelta(days=1)).fillna(False).to_numpy(bool)
    found = concat(items(d, late & ~apologised, DOSSIER_COLUMNS, "chua_xin_loi", until=ctx.end),
                   items(d, tardy, DOSSIER_COLUMNS, "xin_loi_muon", until=ctx.end))
    notes = []
    if tardy.any():
        notes.append(Note(f"{int(tardy.sum())} văn bản xin lỗi gửi sau thời điểm chậm nhất (01 ngày trước hạn trả, "
                          "Nghị định 61/2018/NĐ-CP, Điều 19): vẫn được tính, nêu tại danh sách.",
                          f"{int(tardy.sum())} apologies were sent later than one day before the due date "
                          "(Decree 61/2018, Art. 19): still counted, listed as findings."))
    return Measure(int(apologised.sum()), int(late.sum()), found, notes)


@check("digitized")
def digitized(ctx: Context) -> Measure:
    """II.4: resolved in P with components digitized and an electronic result."""
    d = ctx.dossiers
    counted = d["giai_quyet_trong_ky"].to_numpy(bool)
    good = counted & (d["so_hoa"] & d["ket_qua_dien_tu"]).to_numpy(bool)
    reason = pd.Series(np.where(d["so_hoa"], "chua_co_ket_qua_dien_tu", "chua_so_hoa"), index=d.index)
    return Measure(int(good.sum()), int(counted.sum()),
                   items(d, counted & ~good, DOSSIER_COLUMNS[:5], reason, until=ctx.end))


@check("data_reuse")
def data_reuse(ctx: Context) -> Measure:
    """III.3.6.b: received in P, not withdrawn, without re-providing documents (`tai_su_dung`)."""
    d = ctx.dossiers
    counted = (d["tiep_nhan_trong_ky"] & (d["trang_thai_hieu_luc"] != WITHDRAWN)).to_numpy(bool)
    good = counted & d["tai_su_dung"].to_numpy(bool)
    return Measure(int(good.sum()), int(counted.sum()),
                   items(d, counted & ~good, DOSSIER_COLUMNS[:3], "khong_tai_su_dung", until=ctx.end))


def fee_dossiers(ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    """Dossiers received in P of fee-bearing procedures, and those paid online (II.5a, 766 item 3.6)."""
    d = ctx.dossiers
    counted = (d["tiep_nhan_trong_ky"] & d["tt_co_phi"]).to_numpy(bool)
    paid = counted & d["thanh_toan_truc_tuyen"].fillna(False).to_numpy(bool)
    return counted, paid
