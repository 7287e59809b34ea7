"""Section II.2.1 and II.2.2: satisfaction survey responses (khảo sát hài lòng)."""

from __future__ import annotations

from ..codes import Reason
from .base import Context, Measure, check, items

SATISFIED = 4  # levels 4 (Hài lòng) and 5 (Rất hài lòng)


@check("satisfaction")
def satisfaction(ctx: Context, linh_vuc: str) -> Measure:
    """Satisfied responses in P over responses in P, on one subject (`dich_vu_cong` or `tthc`)."""
    survey = ctx.registers["khao_sat"]
    counted = ((survey["linh_vuc"] == linh_vuc).fillna(False).to_numpy(bool)
               & ctx.in_period(survey["ngay"]).to_numpy(bool) & survey["muc_do"].notna().to_numpy(bool))
    good = counted & (survey["muc_do"] >= SATISFIED).fillna(False).to_numpy(bool)
    return Measure(int(good.sum()), int(counted.sum()),
                   items(survey, counted & ~good, ["ma_phieu", "ngay", "muc_do"], Reason.KHONG_HAI_LONG),
                   extra={"levels": {int(k): int(v) for k, v in
                                     survey.loc[counted, "muc_do"].value_counts().sort_index().items()}})
