"""The dossier table every procedure check reads: ho_so joined with its procedure, its effective
status and due date, and the period's flags, computed once per audit (`Context.dossiers`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..convert import STRING

WITHDRAWN, REFUSED, PAUSED = "rut", "tu_choi", "tam_dung"
RESOLVED, IN_PROGRESS = "da_giai_quyet", "dang_giai_quyet"


def prepare_dossiers(ctx) -> pd.DataFrame:
    """ho_so with its procedure, effective status, due date (`han`) and the period's flags."""
    # A shallow copy: pandas copies on write, so the columns added here never reach the register.
    dossiers = ctx.registers["ho_so"].copy(deep=False)
    procedures = ctx.registers.get("thu_tuc")
    if procedures is not None:
        catalogue = procedures.drop_duplicates("ma_thu_tuc").set_index("ma_thu_tuc")
        codes = dossiers["ma_thu_tuc"]
        # Looked up once per distinct code (a dozen procedures), then spread over the dossiers:
        # the same values, typed alike, as mapping every dossier's code.
        which, distinct_codes = pd.factorize(codes.array, use_na_sentinel=False)
        keys = pd.Series(distinct_codes, dtype=codes.dtype)
        for column in ("thoi_han", "don_vi_thoi_han", "co_phi", "ten_thu_tuc"):
            values = keys.map(catalogue[column]).to_numpy()[which]
            # Text keeps its storage (convert.STRING), whatever pandas would infer from objects.
            dossiers[f"tt_{column}"] = pd.array(values, dtype=STRING) if catalogue[column].dtype == STRING else values
    else:
        dossiers["tt_thoi_han"] = pd.array([pd.NA] * len(dossiers), dtype="Int64")
        dossiers["tt_don_vi_thoi_han"] = pd.array([pd.NA] * len(dossiers), dtype=STRING)
        dossiers["tt_co_phi"] = False
        dossiers["tt_ten_thu_tuc"] = pd.array([pd.NA] * len(dossiers), dtype=STRING)
    dossiers["tt_co_phi"] = dossiers["tt_co_phi"].astype("boolean").fillna(False).astype(bool)

    has_result = dossiers["ngay_co_ket_qua"].notna().to_numpy(bool)
    status = dossiers["trang_thai"].astype(STRING)
    unstated = status.isna().to_numpy(bool)
    if unstated.any():  # filled where empty only: the words are not written out for every dossier
        filled = status.array.copy()
        filled[unstated] = np.where(has_result[unstated], RESOLVED, IN_PROGRESS).astype(object)
        status = pd.Series(filled, index=dossiers.index)
    dossiers["trang_thai_hieu_luc"] = status

    # The due date is the one on the receipt slip; only when it is empty is it computed.
    computed = ctx.calendar.due_dates(dossiers["ngay_tiep_nhan"], dossiers["tt_thoi_han"],
                                      dossiers["tt_don_vi_thoi_han"])
    recorded = dossiers["ngay_hen_tra"]
    dossiers["han_tinh"] = recorded.isna() & ~np.isnat(computed)
    dossiers["han"] = recorded.where(recorded.notna(), pd.Series(computed, index=dossiers.index).astype(
        "datetime64[ns]"))

    end = ctx.end
    effective = dossiers["trang_thai_hieu_luc"]
    excluded = effective.isin([WITHDRAWN, REFUSED]).to_numpy(bool)
    result = dossiers["ngay_co_ket_qua"]
    due = dossiers["han"]
    resolved_in_p = ctx.in_period(result).to_numpy(bool)
    on_time = (result.notna() & due.notna() & (result <= due)).to_numpy(bool)
    received_by_end = ctx.by_end(dossiers["ngay_tiep_nhan"]).to_numpy(bool)
    open_at_end = (result.isna() | (result > end)).to_numpy(bool)
    in_progress = received_by_end & open_at_end & ~excluded
    paused = effective.isin([PAUSED]).to_numpy(bool)  # isin: a third of the time of == over text
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
