"""The periodic TTHC report's table (Biểu 06 of the Văn phòng Chính phủ's reporting circular):
procedure dossiers received, resolved and in progress, one row per procedure and a total row.

Counted from the checks' own flags on `Audit.dossiers` (checks/procedures.py), so its totals are
the section II figures: resolved = II.1.1.a's denominator, early + on time = its numerator,
overdue with and without an apology = II.1.3's denominator.
"""

from __future__ import annotations

import numpy as np
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
    # The flags in numpy (the checks' own columns are numpy booleans and dates): a Series per
    # step cost more than the table. NaT compares false in numpy, as in pandas.
    start = pd.Timestamp(period.start)
    end = pd.Timestamp(period.end)
    kept = ~_flag(d, "loai_tru")
    received = _flag(d, "tiep_nhan_trong_ky")
    online = received & (d["kenh_nop"] == "truc_tuyen").fillna(False).to_numpy(bool)
    result, due, apology = _dates(d, "ngay_co_ket_qua"), _dates(d, "han"), _dates(d, "ngay_xin_loi")
    carried = kept & _true(_dates(d, "ngay_tiep_nhan") < start) & (_missing(result) | _true(result >= start))
    resolved = _flag(d, "tinh_dung_han")
    early = resolved & _true(result < due)
    on_due = resolved & _true(result == due)
    late = _flag(d, "tre_han")
    overdue = _flag(d, "qua_han_cuoi_ky")
    late_set = late | overdue
    apologised = late_set & ~_missing(apology) & _true(apology <= end)
    in_progress = _flag(d, "dang_giai_quyet_cuoi_ky")
    flags = pd.DataFrame({name: values.astype(np.int64) for name, values in {
        "nhan_truc_tuyen": online, "nhan_truc_tiep": received & ~online, "nhan_ky_truoc": carried,
        "da_tong": resolved, "da_truoc_han": early, "da_dung_han": on_due, "da_qua_han": late,
        "dang_tong": in_progress, "dang_trong_han": in_progress & ~overdue, "dang_qua_han": overdue,
        "qua_han_co_xin_loi": apologised, "qua_han_chua_xin_loi": late_set & ~apologised,
        WITHDRAWN: received & ~kept,
    }.items()}, index=d.index)
    flags["nhan_tong"] = flags["nhan_truc_tuyen"] + flags["nhan_truc_tiep"] + flags["nhan_ky_truoc"]
    names = d["tt_ten_thu_tuc"].astype(STRING).fillna(d["ma_thu_tuc"].astype(STRING))
    flags["thu_tuc"] = d["ma_thu_tuc"].astype(STRING) + " — " + names
    table = flags.groupby("thu_tuc", sort=True)[COLUMNS + [WITHDRAWN]].sum()
    table = table[table.sum(axis=1) > 0]
    table.loc[TOTAL] = table.sum()
    return table


def _flag(d: pd.DataFrame, name: str) -> np.ndarray:
    column = d[name]
    return column.to_numpy() if column.dtype == np.bool_ else column.astype(bool).to_numpy()


def _dates(d: pd.DataFrame, name: str):
    """A date column as numpy dates, or the Series itself when it holds other dates (a zone)."""
    column = d[name]
    return column.to_numpy() if isinstance(column.dtype, np.dtype) and column.dtype.kind == "M" else column


def _missing(dates) -> np.ndarray:
    return np.isnat(dates) if isinstance(dates, np.ndarray) else dates.isna().to_numpy(bool)


def _true(compared) -> np.ndarray:
    """A comparison's result as booleans, missing as false (`fillna(False)` of a Series)."""
    if isinstance(compared, np.ndarray):
        return compared.astype(bool)
    return compared.fillna(False).to_numpy(bool)
