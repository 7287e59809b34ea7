"""Section II.1, II.4 and III.3.6: procedure dossiers (hồ sơ TTHC) — timeliness, apologies,
digitization, data reuse. Every figure is a vector expression over the whole register."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..codes import Reason
from ..results import Note
from .base import Context, Measure, check, concat, reason_where
from .dossiers import IN_PROGRESS, PAUSED, REFUSED, RESOLVED, WITHDRAWN  # noqa: F401 - used by checks

DOSSIER_COLUMNS = ["ma_ho_so", "ma_thu_tuc", "ngay_tiep_nhan", "han", "ngay_co_ket_qua",
                   "ngay_xin_loi", "nguoi_nop", "so_dien_thoai"]


@check("tthc_on_time")
def tthc_on_time(ctx: Context) -> Measure:
    """II.1.1.a: resolved in P (not withdrawn or refused) on or before the due date."""
    d = ctx.dossiers
    counted = d["tinh_dung_han"].to_numpy(bool)
    on_time = counted & d["dung_han"].to_numpy(bool)
    late = counted & ~on_time
    reason = reason_where(d, late, d["han"].isna(), Reason.KHONG_XAC_DINH_HAN, Reason.TRE_HAN)
    found = ctx.items_at_end(d, late, DOSSIER_COLUMNS, reason)
    notes = []
    if d.loc[counted, "han"].isna().any():
        notes.append(Note.of("note.no_due_date"))
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
    found = concat(ctx.items_at_end(d, late & ~apologised, DOSSIER_COLUMNS, Reason.CHUA_XIN_LOI),
                   ctx.items_at_end(d, tardy, DOSSIER_COLUMNS, Reason.XIN_LOI_MUON))
    notes = []
    if tardy.any():
        notes.append(Note.of("note.apologies_tardy", count=int(tardy.sum())))
    return Measure(int(apologised.sum()), int(late.sum()), found, notes)


@check("digitized")
def digitized(ctx: Context) -> Measure:
    """II.4: resolved in P with components digitized and an electronic result."""
    d = ctx.dossiers
    counted = d["giai_quyet_trong_ky"].to_numpy(bool)
    good = counted & (d["so_hoa"] & d["ket_qua_dien_tu"]).to_numpy(bool)
    reason = reason_where(d, counted & ~good, d["so_hoa"], Reason.CHUA_CO_KET_QUA_DIEN_TU, Reason.CHUA_SO_HOA)
    return Measure(int(good.sum()), int(counted.sum()),
                   ctx.items_at_end(d, counted & ~good, DOSSIER_COLUMNS[:5], reason))


@check("data_reuse")
def data_reuse(ctx: Context) -> Measure:
    """III.3.6.b: received in P, not withdrawn, without re-providing documents (`tai_su_dung`)."""
    d = ctx.dossiers
    counted = (d["tiep_nhan_trong_ky"] & ~d["trang_thai_hieu_luc"].isin([WITHDRAWN])).to_numpy(bool)
    good = counted & d["tai_su_dung"].to_numpy(bool)
    return Measure(int(good.sum()), int(counted.sum()),
                   ctx.items_at_end(d, counted & ~good, DOSSIER_COLUMNS[:3], Reason.KHONG_TAI_SU_DUNG))


def fee_dossiers(ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    """Dossiers received in P of fee-bearing procedures, and those paid online (II.5a, 766 item 3.6)."""
    d = ctx.dossiers
    counted = (d["tiep_nhan_trong_ky"] & d["tt_co_phi"]).to_numpy(bool)
    paid = counted & d["thanh_toan_truc_tuyen"].fillna(False).to_numpy(bool)
    return counted, paid
