"""The periodic TTHC report's table (Biểu 06 of the Văn phòng Chính phủ's reporting circular):
procedure dossiers received, resolved and in progress, one row per procedure and a total row.

Counted from the checks' own flags on `Audit.dossiers` (checks/procedures.py), so its totals are
the section II figures: resolved = II.1.1.a's denominator, early + on time = its numerator,
overdue with and without an apology = II.1.3's denominator.
"""

from __future__ import annotations

import pandas as pd

from .convert import STRING

COLUMNS = ["nhan_tong", "nhan_truc_tuyen", "nhan_truc_tiep", "nhan_ky_truoc",
           "da_tong", "da_truoc_han", "da_dung_han", "da_qua_han",
           "dang_tong", "dang_trong_han", "dang_qua_han", "qua_han_co_xin_loi", "qua_han_chua_xin_loi"]
# Not a column of the form, but what makes it add up: received = resolved + in progress + this
# (the note under the table states it).
WITHDRAWN = "rut_tu_choi"
TOTAL = "total"


def tthc_statistics(dossiers: pd.DataFrame, period) -> pd.DataFrame:
    """One row per procedure (`<code> — <name>`) with the columns of `COLUMNS` and `WITHDRAWN`,
    and a row `total`.

    "Trước hạn" is a result before the due date, "đúng hạn" on it; received = carried over from
    before the period (received earlier, still open when it began) + received in it, online or in
    person and by post (a dossier with no channel counts as in person). Withdrawn and refused
    dossiers are left out of the results, as they are out of II.1.1.a, and counted in `WITHDRAWN`
    (received in the period, then withdrawn or refused), so that every row adds up."""
    d = dossiers
    start = pd.Timestamp(period.start)
    end = pd.Timestamp(period.end)
    kept = ~d["loai_tru"].astype(bool)
    received = d["tiep_nhan_trong_ky"].astype(bool)
    online = received & (d["kenh_nop"] == "truc_tuyen").fillna(False).astype(bool)
    result, due = d["ngay_co_ket_qua"], d["han"]
    carried = kept & (d["ngay_tiep_nhan"] < start) & (result.isna() | (result >= start))
    resolved = d["tinh_dung_han"].astype(bool)
    early = resolved & (result < due).fillna(False).astype(bool)
    on_due = resolved & (result == due).fillna(False).astype(bool)
    late_set = d["tre_han"].astype(bool) | d["qua_han_cuoi_ky"].astype(bool)
    apologised = late_set & (d["ngay_xin_loi"].notna() & (d["ngay_xin_loi"] <= end))
    in_progress = d["dang_giai_quyet_cuoi_ky"].astype(bool)
    overdue = d["qua_han_cuoi_ky"].astype(bool)
    flags = pd.DataFrame({
        "nhan_truc_tuyen": online, "nhan_truc_tiep": received & ~online, "nhan_ky_truoc": carried,
        "da_tong": resolved, "da_truoc_han": early, "da_dung_han": on_due, "da_qua_han": d["tre_han"].astype(bool),
        "dang_tong": in_progress, "dang_trong_han": in_progress & ~overdue, "dang_qua_han": overdue,
        "qua_han_co_xin_loi": apologised, "qua_han_chua_xin_loi": late_set & ~apologised,
        WITHDRAWN: received & ~kept,
    }, index=d.index).astype(int)
    flags["nhan_tong"] = flags["nhan_truc_tuyen"] + flags["nhan_truc_tiep"] + flags["nhan_ky_truoc"]
    names = d["tt_ten_thu_tuc"].astype(STRING).fillna(d["ma_thu_tuc"].astype(STRING))
    flags["thu_tuc"] = d["ma_thu_tuc"].astype(STRING) + " — " + names
    table = flags.groupby("thu_tuc", sort=True)[COLUMNS + [WITHDRAWN]].sum()
    table = table[table.sum(axis=1) > 0]
    table.loc[TOTAL] = table.sum()
    return table
