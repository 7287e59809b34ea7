"""The procedures the school handles (thu_tuc) and a year of citizens' dossiers (ho_so), with the
on-time, apology, digitization and data-reuse misses built in by quota."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..calendar import CALENDAR_DAYS, MONTHS, WORKING_DAYS, WorkingCalendar
from .arrays import (
    DAY,
    NAT,
    at_least,
    at_most_below,
    concat_strings,
    month_of,
    quarter_of,
    quota,
    sample_days,
    zero_padded,
)
from .people import citizen_ids, full_names, phone_numbers


@dataclass(frozen=True)
class _Procedure:
    code: str
    name: str
    days: int  # processing time
    unit: str = WORKING_DAYS
    fee: bool = False
    internal: bool = False
    published: tuple[int, int, int] | None = None  # (year offset, month, day)
    weight: float = 0.0  # share of the year's dossiers
    season: str = "flat"
    online: float = 0.0  # share submitted online


_SEASONS = {  # relative weight of each month, January first
    "enrol": [0.2, 0.2, 0.3, 0.4, 1.0, 6.0, 8.0, 6.0, 1.0, 0.3, 0.2, 0.2],  # tuyển sinh June-August
    "midyear": [1.2, 1.0, 1.0, 0.6, 0.3, 0.2, 0.2, 0.6, 1.5, 1.2, 1.0, 0.8],
    "transfer": [1.5, 0.8, 0.7, 0.6, 0.6, 1.0, 2.0, 3.0, 2.5, 1.0, 0.8, 0.7],
    "support": [1.5, 1.2, 0.4, 0.3, 0.2, 0.2, 0.3, 0.8, 4.0, 3.0, 1.0, 0.5],  # start of school year
    "confirm": [1.0, 0.8, 1.0, 1.0, 1.2, 1.2, 1.5, 2.0, 1.8, 1.0, 1.0, 1.0],
    "copy": [0.6, 0.5, 0.6, 0.8, 1.5, 2.0, 1.5, 1.0, 0.8, 0.6, 0.6, 0.6],
    "flat": [1.0] * 12,
}

_PROCEDURES = (
    _Procedure("TTHC-01", "Tuyển sinh trẻ vào lớp đầu cấp trường mầm non", 5, published=(-1, 5, 20),
               weight=0.30, season="enrol", online=0.65),
    _Procedure("TTHC-02", "Tiếp nhận trẻ vào học giữa năm học", 3, published=(-1, 8, 15),
               weight=0.08, season="midyear", online=0.25),
    _Procedure("TTHC-03", "Chuyển trường đối với trẻ mầm non", 7, CALENDAR_DAYS, published=(-1, 8, 15),
               weight=0.10, season="transfer", online=0.35),
    _Procedure("TTHC-04", "Miễn, giảm học phí đối với trẻ mầm non", 10, published=(-1, 8, 15),
               weight=0.12, season="support", online=0.30),
    _Procedure("TTHC-05", "Hỗ trợ chi phí học tập đối với trẻ mẫu giáo", 10, published=(-1, 8, 15),
               weight=0.08, season="support", online=0.30),
    _Procedure("TTHC-06", "Xác nhận trẻ đang học tại trường", 2, published=(-1, 8, 15),
               weight=0.20, season="confirm", online=0.25),
    _Procedure("TTHC-07", "Cấp bản sao Giấy chứng nhận hoàn thành chương trình giáo dục mầm non từ sổ gốc",
               3, fee=True, published=(-1, 8, 15), weight=0.07, season="copy", online=0.35),
    _Procedure("TTHC-08", "Cấp bản sao hồ sơ, giấy tờ lưu trữ của trẻ", 7, CALENDAR_DAYS, fee=True,
               published=(-1, 8, 15), weight=0.05, season="copy", online=0.30),
    # Internal procedures (thủ tục hành chính nội bộ): no citizen dossiers.
    _Procedure("NB-01", "Xét nâng bậc lương thường xuyên, nâng bậc lương trước thời hạn đối với viên chức",
               1, MONTHS, internal=True, published=(0, 1, 15)),
    _Procedure("NB-02", "Cử viên chức tham gia đào tạo, bồi dưỡng", 10, internal=True, published=(0, 1, 15)),
    _Procedure("NB-03", "Xét công nhận danh hiệu thi đua, khen thưởng cuối năm học", 15, internal=True,
               published=(0, 2, 26)),
    # Published late in the year: the II.1.4 miss of Q1-Q3.
    _Procedure("NB-04", "Giải quyết chế độ nghỉ phép năm đối với viên chức, người lao động", 3,
               internal=True, published=(0, 11, 18)),
)

_XAC_NHAN = "TTHC-06"  # often resolved the same day


def thu_tuc(year: int) -> dict:
    """The procedures register: the eight public procedures and four internal ones."""
    return {
        "ma_thu_tuc": [p.code for p in _PROCEDURES],
        "ten_thu_tuc": [p.name for p in _PROCEDURES],
        "noi_bo": [p.internal for p in _PROCEDURES],
        "thoi_han": [p.days for p in _PROCEDURES],
        "don_vi_thoi_han": [p.unit for p in _PROCEDURES],
        "co_phi": [p.fee for p in _PROCEDURES],
        "ngay_cong_khai": [np.datetime64(dt.date(year + p.published[0], p.published[1], p.published[2]), "D")
                           if p.published else NAT for p in _PROCEDURES],
    }


LATE_SHARE = {1: 0.010, 2: 0.012, 3: 0.030, 4: 0.015}  # share of a quarter's resolved dossiers
LATE_MISS_QUARTERS = frozenset({3})  # on time below the target there, at or above it elsewhere
ON_TIME_TARGET = 0.98
REUSE_TARGET = 0.80  # strictly above
REUSE_SHARE = {1: 0.78, 2: 0.83, 3: 0.79, 4: 0.84}  # tai_su_dung, by quarter of receipt
DIGITIZED_SHARE = {1: 0.62, 2: 0.64, 3: 0.67, 4: 0.70}  # so_hoa and ket_qua_dien_tu


def ho_so(rng, cal: WorkingCalendar, year: int, n: int, ky_hieu: str) -> dict:
    """`n` dossiers received in `year`, as the register stands on 31 December."""
    public = [p for p in _PROCEDURES if not p.internal]
    weights = np.array([p.weight for p in public])
    proc = rng.choice(len(public), size=n, p=weights / weights.sum())
    u = rng.random(n)
    online = u < np.array([p.online for p in public])[proc]
    channel = np.where(online, "truc_tuyen", np.where(u > 0.98, "buu_chinh", "truc_tiep"))

    # Receipt dates: seasonal per procedure; online dossiers arrive on weekends too.
    receipt = np.empty(n, dtype=DAY)
    for p, procedure in enumerate(public):
        for is_online, offday in ((False, 0.01), (True, 0.3)):
            sel = np.flatnonzero((proc == p) & (online == is_online))
            if sel.size:
                receipt[sel] = sample_days(rng, cal, year, sel.size, _SEASONS[procedure.season], offday)
    order = np.lexsort((rng.random(n), receipt))
    proc, channel, online, receipt = proc[order], channel[order], online[order], receipt[order]

    end = np.datetime64(f"{year}-12-31")
    code = np.array([p.code for p in public])[proc]
    days = np.array([p.days for p in public])[proc]
    unit = np.array([p.unit for p in public])[proc]
    fee = np.array([p.fee for p in public])[proc]
    due = cal.due_dates(receipt, days, unit)

    # Status quotas: withdrawn ~2%, refused ~1%, a few paused among Q4 receipts.
    status = np.full(n, "da_giai_quyet", dtype="<U15")
    shuffled = rng.permutation(n)
    n_rut, n_refused = round(0.02 * n), max(1, round(0.01 * n))
    status[shuffled[:n_rut]] = "rut"
    status[shuffled[n_rut:n_rut + n_refused]] = "tu_choi"
    q4 = np.flatnonzero((status == "da_giai_quyet") & (receipt >= np.datetime64(f"{year}-10-01")))
    status[rng.choice(q4, size=min(max(2, round(0.006 * n)), len(q4)), replace=False)] = "tam_dung"

    # On-time results: k-th working day after receipt, k <= working days to the due date.
    room = cal.working_days_between(receipt, due)
    k = np.maximum(np.where(rng.random(n) < 0.3, room, rng.integers(1, np.maximum(room, 1) + 1)), 1)
    result = cal.add_working_days(receipt, k)
    same_day = (code == _XAC_NHAN) & cal.are_working_days(receipt) & (rng.random(n) < 0.4)
    result[same_day] = receipt[same_day]
    # Calendar-day deadlines that fall before any working day (received just before Tết): the
    # school settles them on receipt, or on the due date itself.
    no_room = room == 0
    result[no_room] = np.where(cal.are_working_days(receipt[no_room]), receipt[no_room], due[no_room])
    result[(status == "rut") | (status == "tam_dung")] = NAT

    # Snapshot on 31 December: later results do not exist yet.
    open_at_end = (status == "da_giai_quyet") & (result > end)
    status[open_at_end] = "dang_giai_quyet"
    result[open_at_end] = NAT
    refused_open = (status == "tu_choi") & (result > end)
    last_working = cal.working_day_before([end + 1])[0]  # on or before 31 December
    result[refused_open] = np.maximum(receipt[refused_open], last_working)

    # Overdue and still in progress at year end (apologised, re-appointed).
    december = np.flatnonzero((status == "da_giai_quyet") & (due >= np.datetime64(f"{year}-12-01"))
                              & (due <= np.datetime64(f"{year}-12-24")))
    overdue_open = rng.choice(december, size=min(max(1, round(0.002 * n)), len(december)), replace=False)
    status[overdue_open] = "dang_giai_quyet"
    result[overdue_open] = NAT

    # Late results, by quota per quarter of result; a converted dossier stays in its quarter, so each
    # quarter's denominator is unchanged and its on-time rate is exactly what the quota says.
    late = np.zeros(n, bool)
    lateness = 1 + np.minimum(rng.poisson(1.0, n), 6)
    late_result = cal.add_working_days(due, lateness)
    resolved = (status == "da_giai_quyet") & ~np.isnat(result)
    result_q = np.where(resolved, quarter_of(np.where(resolved, result, receipt)), 0)
    late_q = quarter_of(late_result)
    for q, share in LATE_SHARE.items():
        in_q = np.flatnonzero(resolved & (result_q == q))
        candidates = in_q[(late_q[in_q] == q) & (late_result[in_q] <= end)]
        n_q = len(in_q)
        if q in LATE_MISS_QUARTERS:  # on time < 98%: at least 2 late (one without apology, one with)
            k_late = max(2, n_q - at_most_below(ON_TIME_TARGET, n_q), math.ceil(share * n_q))
        else:  # on time >= 98%, with a late dossier in any busy quarter
            k_late = min(max(round(share * n_q), 1 if n_q >= 50 else 0), n_q - at_least(ON_TIME_TARGET, n_q))
        chosen = rng.choice(candidates, size=min(k_late, len(candidates)), replace=False)
        result[chosen] = late_result[chosen]
        late[chosen] = True

    # Apologies: the working day before the due date, with a new appointment.
    overdue = late.copy()
    overdue[overdue_open] = True
    apology = np.full(n, NAT)
    reappointed = np.full(n, NAT)
    apology[overdue] = np.maximum(receipt[overdue], cal.working_day_before(due[overdue]))
    reappointed[late] = result[late]
    reappointed[overdue_open] = cal.add_working_days(due[overdue_open], 5)
    late_q3 = np.flatnonzero(late & (result_q == 3))
    no_apology = rng.choice(late_q3, size=min(max(1, round(0.15 * len(late_q3))), len(late_q3)), replace=False)
    apology[no_apology] = NAT
    reappointed[no_apology] = NAT
    late_q4 = np.flatnonzero(late & (result_q == 4))
    if not len(late_q4):  # a small year: fall back on Q3's apologised late dossiers
        late_q4 = np.setdiff1d(late_q3, no_apology)
    after_due = rng.choice(late_q4, size=min(max(1, round(0.15 * len(late_q4))), len(late_q4)), replace=False)
    apology[after_due] = cal.add_working_days(due[after_due], 1)

    # Receipt slips without a due date (~10%): never a late or overdue dossier.
    recorded_due = due.copy()
    blank = np.flatnonzero(~overdue)
    recorded_due[rng.choice(blank, size=min(round(0.10 * n), len(blank)), replace=False)] = NAT

    # Digitization, rising through the year: exact shares per quarter of receipt of dossiers with both
    # flags; of the rest, some have only their components digitized, a few only an electronic result.
    receipt_q = quarter_of(receipt)
    so_hoa = np.zeros(n, bool)
    ket_qua = np.zeros(n, bool)
    for q, share in DIGITIZED_SHARE.items():
        both = quota(rng, np.flatnonzero(receipt_q == q), share)
        so_hoa[both] = ket_qua[both] = True
    rest = np.flatnonzero(~so_hoa)
    u = rng.random(len(rest))
    so_hoa[rest[u < 0.35]] = True
    ket_qua[rest[u > 0.85]] = True
    ket_qua &= ~np.isnat(result)  # no result, no electronic result

    # Data reuse: exact shares per quarter of receipt over dossiers not withdrawn.
    reuse = np.zeros(n, bool)
    for q, share in REUSE_SHARE.items():
        in_q = np.flatnonzero((receipt_q == q) & (status != "rut"))
        bound = math.floor(REUSE_TARGET * len(in_q) + 1e-9)  # at most this many: ratio <= 80%
        limits = {"low": bound + 1} if share > REUSE_TARGET else {"high": bound}
        reuse[quota(rng, in_q, share, **limits)] = True
    withdrawn = np.flatnonzero(status == "rut")
    reuse[withdrawn] = rng.random(len(withdrawn)) < 0.8

    # Online payment of fees: only fee-bearing procedures have a value.
    paid_online = pd.array(np.where(online, rng.random(n) < 0.85, rng.random(n) < 0.35), dtype="boolean")
    paid_online[~fee] = pd.NA

    # Ratings: about 45% of resolved dossiers; late ones are rated lower.
    rated = ~np.isnat(result) & (status == "da_giai_quyet") & (rng.random(n) < 0.45)
    cdf = np.where(late[:, None], np.cumsum([0.15, 0.25, 0.30, 0.20, 0.10]),
                   np.cumsum([0.01, 0.02, 0.07, 0.35, 0.55]))
    level = (rng.random(n)[:, None] > cdf[:, :4]).sum(axis=1) + 1
    rating = pd.array(np.where(rated, level, 0), dtype="Int64")
    rating[~rated] = pd.NA

    # Who submitted: mostly mothers, born 1982-2001.
    female = rng.random(n) < 0.72
    birth = rng.integers(1982, 2002, n)

    # Codes as the one-stop desk numbers them: unit, receipt date (yymmdd), sequence within the day.
    yy = receipt.astype("datetime64[Y]").astype(np.int64) + 1970
    dd = (receipt - receipt.astype("datetime64[M]").astype(DAY)).astype(np.int64) + 1
    _, first, day_index = np.unique(receipt, return_index=True, return_inverse=True)
    seq = np.arange(n) - first[day_index] + 1
    width = max(4, len(str(int(seq.max())))) if n else 4
    yymmdd = (yy % 100) * 10000 + month_of(receipt) * 100 + dd
    ma_ho_so = concat_strings(f"{ky_hieu}-", zero_padded(yymmdd, 6), "-", zero_padded(seq, width))

    return {
        "ma_ho_so": ma_ho_so,
        "ma_thu_tuc": code,
        "ngay_tiep_nhan": receipt,
        "ngay_hen_tra": recorded_due,
        "ngay_co_ket_qua": result,
        "trang_thai": status,
        "kenh_nop": channel,
        "ngay_xin_loi": apology,
        "ngay_hen_lai": reappointed,
        "so_hoa": so_hoa,
        "ket_qua_dien_tu": ket_qua,
        "tai_su_dung": reuse,
        "thanh_toan_truc_tuyen": paid_online,
        "danh_gia": rating,
        "nguoi_nop": full_names(rng, female),
        "so_dien_thoai": phone_numbers(rng, n),
        "so_dinh_danh": citizen_ids(rng, female, birth),
    }
