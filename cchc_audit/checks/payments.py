"""Section II.5: electronic payment, in procedures (fee-bearing dossiers) and in public services
(the `thanh_toan` register: tuition, meals)."""

from __future__ import annotations

from ..codes import Reason
from ..i18n import text
from ..results import ratio
from .base import Context, Measure, check, items
from .procedures import fee_dossiers


@check("electronic_payment")
def electronic_payment(ctx: Context) -> Measure:
    """Met when every part that arose in P has at least one electronic payment; both ratios shown."""
    counted, paid = fee_dossiers(ctx)
    payments = ctx.registers["thanh_toan"]
    in_p = ctx.in_period(payments["ngay"]).to_numpy(bool)
    electronic = in_p & (payments["hinh_thuc"] == "dien_tu").fillna(False).to_numpy(bool)
    parts = [
        {"id": "a", "register": "ho_so", "title_vi": text("payment_part.a", "vi"),
         "title_en": text("payment_part.a", "en"),
         "numerator": int(paid.sum()), "denominator": int(counted.sum())},
        {"id": "b", "register": "thanh_toan", "title_vi": text("payment_part.b", "vi"),
         "title_en": text("payment_part.b", "en"),
         "numerator": int(electronic.sum()), "denominator": int(in_p.sum())},
    ]
    for part in parts:
        part["value"] = ratio(part["numerator"], part["denominator"])
        part["arisen"] = part["denominator"] > 0
    # The figure counts parts: those that arose (denominator) and applied electronic payment at
    # least once (numerator); "100%" of the parts is the plan's "ứng dụng thanh toán điện tử".
    arisen = [p for p in parts if p["arisen"]]
    applied = [p for p in arisen if p["numerator"] >= 1]
    d = ctx.dossiers
    found = items(d, counted & ~paid, ["ma_ho_so", "ma_thu_tuc", "ngay_tiep_nhan"], Reason.THANH_TOAN_KHONG_DIEN_TU)
    return Measure(len(applied), len(arisen), found, parts=parts)
