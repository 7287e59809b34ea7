"""The school office's own registers: tuition and meal payments (thanh_toan), documents in and out
(van_ban), staff (can_bo) and the reporting systems it uses (he_thong_bao_cao)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from ..calendar import WorkingCalendar
from .arrays import DAY, numbered_codes, pick, quarter_of, sample_days
from .people import full_names

# ---------------------------------------------------------------------------------------------
# Service payments: tuition and meals, monthly per child

MEAL_PRICE = {"old": 30_000, "new": 32_000}  # đồng per day, invented
TUITION = {"old": 100_000, "new": 120_000}  # đồng per month, invented


def thanh_toan(rng, cal: WorkingCalendar, year: int, scale: float) -> dict:
    """Monthly meal and tuition payments per child, electronic payment rising through the year."""
    n_old = max(20, round(290 * scale))  # school year ending in May
    returning = round(0.65 * n_old)
    n_new = max(20, round(310 * scale))  # school year starting in September
    n_children = n_old + n_new - returning
    old = np.arange(n_children) < n_old
    new = np.arange(n_children) >= n_old - returning
    summer = old & (rng.random(n_children) < 0.4)
    exempt = rng.random(n_children) < 0.08
    propensity = rng.normal(0.0, 0.12, n_children)  # some families always pay cash

    child_parts, month_parts, item_parts, amount_parts = [], [], [], []
    for month in range(1, 13):
        year_kind = "old" if month <= 8 else "new"
        present = np.flatnonzero(new if month >= 9 else (summer if month >= 6 else old))
        first = np.datetime64(dt.date(year, month, 1), "D")
        school_days = int(cal.working_days_between(first - 1, (first.astype("datetime64[M]") + 1).astype(DAY) - 1))
        days = school_days - rng.binomial(school_days, 0.08, len(present))
        child_parts.append(present)
        month_parts.append(np.full(len(present), month))
        item_parts.append(np.full(len(present), "Tiền ăn", dtype=object))
        amount_parts.append(days * MEAL_PRICE[year_kind])
        if month <= 5 or month >= 9:
            paying = present[~exempt[present]]
            child_parts.append(paying)
            month_parts.append(np.full(len(paying), month))
            item_parts.append(np.full(len(paying), "Học phí", dtype=object))
            amount_parts.append(np.full(len(paying), TUITION[year_kind]))
    child = np.concatenate(child_parts)
    month = np.concatenate(month_parts)
    item = np.concatenate(item_parts)
    amount = np.concatenate(amount_parts).astype(float)

    n = len(child)
    p_electronic = np.clip(0.70 + 0.15 * (month - 1) / 11 + propensity[child], 0.02, 0.98)
    electronic = rng.random(n) < p_electronic
    first_of_month = np.array([np.datetime64(f"{year}-{m:02d}-01") for m in range(1, 13)])[month - 1]
    day = first_of_month + rng.integers(2, 16, n).astype("timedelta64[D]")
    day = np.where(electronic, day, cal.working_day_on_or_after(day))  # cash only at the school's counter
    order = np.lexsort((rng.random(n), day))
    return {
        "ma_giao_dich": numbered_codes(f"GD-{year}-", n, 6),
        "ngay": day[order],
        "khoan_thu": item[order].astype(str),
        "so_tien": amount[order],
        "hinh_thuc": np.where(electronic, "dien_tu", "tien_mat")[order],
    }


# ---------------------------------------------------------------------------------------------
# Documents in and out

_OUT_TYPES = [("KH", 0.25), ("BC", 0.30), ("QĐ", 0.15), ("TB", 0.15), ("", 0.15)]  # "" = công văn
_OUT_TYPE_NAMES = {"KH": "Kế hoạch", "BC": "Báo cáo", "QĐ": "Quyết định", "TB": "Thông báo", "": "Công văn"}
_IN_ISSUERS = [  # (symbol template, documents per day of year issued by the sender, weight)
    ("{n}/GDĐT-MN", 6.0, 0.30), ("{n}/GDĐT-TCCB", 6.0, 0.10), ("{n}/KH-GDĐT", 1.0, 0.08),
    ("{n}/UBND", 12.0, 0.12), ("{n}/UBND-VX", 4.0, 0.10), ("{n}/SGDĐT-GDMN", 12.0, 0.12),
    ("{n}/UBND-VP", 2.0, 0.08), ("{n}/BHXH-QLT", 3.0, 0.05), ("{n}/PYT", 1.0, 0.05),
]


def van_ban(rng, cal: WorkingCalendar, year: int, scale: float, ky_hieu: str) -> dict:
    """Documents in and out, with the paper-only ones of the II.6.1 misses and a few classified ones."""
    n = max(60, round(380 * scale))
    day = np.sort(sample_days(rng, cal, year, n, [1, 0.7, 1, 1, 1, 0.8, 0.7, 1, 1.3, 1.1, 1, 1.2], 0.0))
    incoming = rng.random(n) < 0.6
    symbol = np.empty(n, dtype=object)
    out = np.flatnonzero(~incoming)
    kinds = pick(rng, _OUT_TYPES, len(out))
    symbol[out] = [f"{i}/{k}-{ky_hieu}" if k else f"{i}/{ky_hieu}" for i, k in zip(range(1, len(out) + 1), kinds)]
    inc = np.flatnonzero(incoming)
    issuer = rng.choice(len(_IN_ISSUERS), size=len(inc), p=[w for _, _, w in _IN_ISSUERS])
    doy = (day[inc] - np.datetime64(f"{year}-01-01")).astype(int) + 1
    rate = np.array([r for _, r, _ in _IN_ISSUERS])[issuer]
    numbers = np.maximum(1, (doy * rate + rng.integers(-3, 4, len(inc))).astype(int))
    symbol[inc] = [_IN_ISSUERS[i][0].format(n=k) for i, k in zip(issuer, numbers)]

    classified = np.zeros(n, bool)
    classified[rng.choice(inc, size=max(2, round(2 * scale)), replace=False)] = True
    paper = np.zeros(n, bool)
    quarter = quarter_of(day)
    for q in (1, 3):  # paper only: the II.6.1 misses
        pool = np.flatnonzero((quarter == q) & ~classified)
        paper[rng.choice(pool, size=min(max(2, round(2 * scale)), len(pool)), replace=False)] = True
    electronic = ~paper & ~classified
    signed = electronic & (rng.random(n) < np.where(incoming, 0.95, 0.97))
    return {
        "so_ky_hieu": symbol.astype(str), "ngay": day, "chieu": np.where(incoming, "den", "di"),
        "dien_tu": electronic, "ky_so": signed, "mat": classified,
        # Not columns: the outgoing documents, for `tasks.nhiem_vu`; `typed_frame` keeps only columns.
        "outgoing_kind": np.array([_OUT_TYPE_NAMES[k] for k in kinds], dtype=object), "outgoing_rows": out,
    }


# ---------------------------------------------------------------------------------------------
# Staff, reporting systems

_ROLES = [("Hiệu trưởng", 1), ("Phó Hiệu trưởng", 2), ("Kế toán", 1), ("Nhân viên văn thư", 1),
          ("Nhân viên y tế", 1), ("Nhân viên bảo vệ", 2), ("Nhân viên nấu ăn", 4), ("Nhân viên phục vụ", 1)]


def can_bo(rng, n_staff: int, principal: str) -> dict:
    """The staff, the principal first, with the II.6.2 / II.6.4 misses."""
    roles = [r for r, k in _ROLES for _ in range(k)]
    roles = (roles + ["Giáo viên"] * max(0, n_staff - len(roles)))[:n_staff]
    roles = np.array(roles, dtype=object)
    female = np.where(roles == "Nhân viên bảo vệ", False,
                      np.where(roles == "Nhân viên nấu ăn", rng.random(n_staff) < 0.6, rng.random(n_staff) < 0.97))
    names = full_names(rng, female).astype(object)
    names[0] = principal
    in_post = np.ones(n_staff, bool)
    signature = np.ones(n_staff, bool)
    mail = np.ones(n_staff, bool)
    others = rng.permutation(np.arange(1, n_staff))  # never the principal
    if len(others) >= 4:
        retired, moved, new_teacher, cook = others[:4]
        in_post[[retired, moved]] = False
        signature[retired] = mail[retired] = False  # not in post: must not count
        signature[[new_teacher, cook]] = False
        mail[new_teacher] = False
    return {"ma_can_bo": numbered_codes("CB", n_staff, 2), "ho_ten": names, "chuc_vu": roles.astype(str),
            "dang_cong_tac": in_post, "chu_ky_so": signature, "thu_cong_vu": mail}


_SYSTEMS = [
    ("Cơ sở dữ liệu ngành Giáo dục và Đào tạo", True),
    ("Phần mềm quản lý văn bản và điều hành", True),
    ("Hệ thống báo cáo thống kê giáo dục mầm non", True),
    ("Phần mềm quản lý tài sản công", False),  # the II.6.3 miss
]


def he_thong_bao_cao() -> dict:
    """The four reporting systems, one not connected to the district's (II.6.3)."""
    return {"ten_he_thong": [s for s, _ in _SYSTEMS], "ket_noi_huyen": [c for _, c in _SYSTEMS]}
