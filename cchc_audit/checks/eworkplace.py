"""Section II.6: the electronic workplace — documents, digital signatures, reporting systems,
official e-mail."""

from __future__ import annotations

from ..codes import Reason
from .base import Context, Measure, check, items

STAFF_REASONS = {"chu_ky_so": Reason.THIEU_CHU_KY_SO, "thu_cong_vu": Reason.THIEU_THU_CONG_VU}


@check("electronic_documents")
def electronic_documents(ctx: Context) -> Measure:
    """II.6.1: documents dated in P, not classified, exchanged electronically."""
    docs = ctx.registers["van_ban"]
    counted = ctx.in_period(docs["ngay"]).to_numpy(bool) & ~docs["mat"].to_numpy(bool)
    good = counted & docs["dien_tu"].to_numpy(bool)
    return Measure(int(good.sum()), int(counted.sum()),
                   items(docs, counted & ~good, ["so_ky_hieu", "ngay", "chieu"], Reason.KHONG_DIEN_TU))


@check("staff_flag")
def staff_flag(ctx: Context, column: str) -> Measure:
    """II.6.2 / II.6.4: staff in post who have a digital signature / an official e-mail account."""
    staff = ctx.registers["can_bo"]
    counted = staff["dang_cong_tac"].to_numpy(bool)
    good = counted & staff[column].to_numpy(bool)
    return Measure(int(good.sum()), int(counted.sum()),
                   items(staff, counted & ~good, ["ma_can_bo", "ho_ten", "chuc_vu"], STAFF_REASONS[column]))


@check("reporting_systems")
def reporting_systems(ctx: Context) -> Measure:
    """II.6.3: the unit's reporting systems connected to the district's."""
    systems = ctx.registers["he_thong_bao_cao"]
    good = systems["ket_noi_huyen"].to_numpy(bool)
    return Measure(int(good.sum()), len(systems),
                   items(systems, ~good, ["ten_he_thong"], Reason.CHUA_KET_NOI))
