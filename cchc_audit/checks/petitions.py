"""Section II.1.1 (complaints, denunciations) and II.2.3 (feedback and petitions, PAKN): đơn thư."""

from __future__ import annotations

from ..codes import Reason
from ..results import Note
from .base import Context, Measure, check, concat

LETTER_COLUMNS = ["ma_don", "loai", "ngay_nhan", "han_giai_quyet", "ngay_giai_quyet", "ngay_tra_loi",
                  "ngay_cong_khai", "nguoi_gui"]


@check("complaints_on_time")
def complaints_on_time(ctx: Context) -> Measure:
    """II.1.1.b: complaints and denunciations resolved in P on or before their deadline."""
    letters = ctx.registers["don_thu"]
    kind = letters["loai"].isin(["khieu_nai", "to_cao"]).fillna(False).to_numpy(bool)
    counted = kind & ctx.in_period(letters["ngay_giai_quyet"]).to_numpy(bool)
    on_time = counted & (letters["ngay_giai_quyet"] <= letters["han_giai_quyet"]).fillna(False).to_numpy(bool)
    return Measure(int(on_time.sum()), int(counted.sum()),
                   ctx.items_at_end(letters, counted & ~on_time, LETTER_COLUMNS, Reason.GIAI_QUYET_TRE_HAN))


@check("feedback_answered")
def feedback_answered(ctx: Context) -> Measure:
    """II.2.3: PAKN received in P answered and the answer published by the end of P; those still
    unanswered whose deadline is after the end are left out and listed as pending."""
    letters = ctx.registers["don_thu"]
    received = ((letters["loai"] == "phan_anh_kien_nghi").fillna(False).to_numpy(bool)
                & ctx.in_period(letters["ngay_nhan"]).to_numpy(bool))
    answered = ctx.by_end(letters["ngay_tra_loi"]).to_numpy(bool)
    pending = received & ~answered & (letters["han_giai_quyet"] > ctx.end).fillna(False).to_numpy(bool)
    counted = received & ~pending
    published = ctx.by_end(letters["ngay_cong_khai"]).to_numpy(bool)
    good = counted & answered & published
    found = concat(ctx.items_at_end(letters, counted & ~answered, LETTER_COLUMNS, Reason.CHUA_TRA_LOI),
                   ctx.items_at_end(letters, counted & answered & ~published, LETTER_COLUMNS, Reason.CHUA_CONG_KHAI),
                   ctx.items_at_end(letters, pending, LETTER_COLUMNS, Reason.DANG_TRONG_HAN))
    notes = []
    if pending.any():
        notes.append(Note.of("note.petitions_pending", count=int(pending.sum())))
    return Measure(int(good.sum()), int(counted.sum()), found, notes)
