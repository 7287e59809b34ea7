"""The service-quality index of Quyết định 766/QĐ-TTg (task III.3.8a), from the registers.

Only the items the registers can measure are scored; an item whose denominator is 0 is shown as
not arisen and left out of both the score and its maximum.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from fractions import Fraction

from ..i18n import LANGS, text
from .base import Context
from .procedures import fee_dossiers

# id -> (default points, default threshold for full points); the item's name is the catalog's `index766.<id>`.
ITEMS = {
    "2.1": (20, 1.0),
    "3.3": (12, 0.5),
    "3.6": (10, 1.0),
    "4.1": (6, 1.0),
    "4.2": (4, 0.8),
    "4.3": (2, 0.8),
    "5.2": (6, 1.0),
    "5.4": (6, 0.9),
}


@dataclass
class IndexItem:
    id: str
    group: str
    title_vi: str
    title_en: str
    numerator: int
    denominator: int
    value: float | None
    threshold: float
    max_points: float
    points: float | None
    arisen: bool


@dataclass
class Index766:
    score: float
    max: float
    items: list[IndexItem] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"score": self.score, "max": self.max, "items": [asdict(i) for i in self.items]}


def points(numerator: int, denominator: int, max_points: float, threshold: float) -> float:
    """Full points at or above the threshold, else proportional: ratio x max / threshold."""
    share = Fraction(numerator, denominator)
    limit = Fraction(str(threshold))
    if share >= limit:
        return float(max_points)
    return float(share * Fraction(str(max_points)) / limit)


def _counts(ctx: Context) -> dict[str, tuple[int, int]]:
    counts: dict[str, tuple[int, int]] = {}
    if "ho_so" in ctx.registers:
        d = ctx.dossiers
        timely = d["tinh_dung_han"]
        in_progress = d["dang_giai_quyet_cuoi_ky"]
        within = in_progress & ~d["qua_han_cuoi_ky"]
        base = timely | in_progress
        counts["2.1"] = (int((timely & d["dung_han"]).sum() + within.sum()), int(base.sum()))
        received = d["tiep_nhan_trong_ky"]
        online = d["kenh_nop"].isin(["truc_tuyen"])  # as == then fillna(False), for less
        counts["3.3"] = (int((received & online).sum()), int(received.sum()))
        if "thu_tuc" in ctx.registers:
            fee, paid = fee_dossiers(ctx)
            counts["3.6"] = (int(paid.sum()), int(fee.sum()))
        resolved = d["giai_quyet_trong_ky"]
        counts["4.1"] = (int((resolved & d["ket_qua_dien_tu"]).sum()), int(resolved.sum()))
        counts["4.2"] = (int((resolved & d["so_hoa"] & d["ket_qua_dien_tu"]).sum()), int(resolved.sum()))
        counts["4.3"] = (int((received & d["tai_su_dung"]).sum()), int(received.sum()))
        late = d["tre_han"] | d["qua_han_cuoi_ky"]
        unhappy = d["danh_gia"].isin([1, 2]).fillna(False)
        counts["5.4"] = (int((base & ~(late | unhappy)).sum()), int(base.sum()))
    if "don_thu" in ctx.registers:
        letters = ctx.registers["don_thu"]
        pakn = (letters["loai"] == "phan_anh_kien_nghi").fillna(False)
        due = pakn & ctx.in_period(letters["han_giai_quyet"])
        answered = (letters["ngay_tra_loi"] <= letters["han_giai_quyet"]).fillna(False)
        counts["5.2"] = (int((due & answered).sum()), int(due.sum()))
    return counts


def index_766(ctx: Context, weights: dict | None = None) -> Index766:
    """Score the measurable items; `weights` (params `index_766`) may set points and thresholds."""
    weights = weights or {}
    counts = _counts(ctx)
    out = []
    for item_id, (default_points, default_threshold) in ITEMS.items():
        custom = weights.get(item_id, {}) or {}
        max_points = float(custom.get("points", default_points))
        threshold = float(custom.get("threshold", default_threshold))
        numerator, denominator = counts.get(item_id, (0, 0))
        arisen = denominator > 0
        out.append(IndexItem(
            item_id, item_id.split(".")[0], *(text(f"index766.{item_id}", lang) for lang in LANGS),
            numerator, denominator,
            numerator / denominator if arisen else None, threshold, max_points,
            points(numerator, denominator, max_points, threshold) if arisen else None, arisen))
    scored = [i for i in out if i.arisen]
    score = round(sum(i.points for i in scored), 2)
    for item in scored:
        item.points = round(item.points, 2)
    return Index766(score, sum(i.max_points for i in scored), out)
