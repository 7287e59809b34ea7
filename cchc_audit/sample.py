"""The sample school: a deterministic year of registers for Trường Mầm non Mạ Non (Nhà Bè, HCMC).

`generate_registers()` builds all ten registers of DATA-CONTRACT.md as typed DataFrames, the way
`registers.load_unit` returns them (contract column names, dates `datetime64[ns]`, booleans `bool`,
nullable booleans `boolean`, enumerations as codes, levels `Int64`, text `string`; the index is the
row number the XLSX writer puts each row on, named `row`). Everything comes from
`numpy.random.default_rng(seed)`: no wall clock, no global random state, and dossiers are generated
with array operations only, so a million of them take seconds. Working days come from the `holidays`
package's VN calendar (`is_working_day`), never from a hand-written list.

`write_unit()` writes the registers as a school hands them in: `<name>.xlsx` (title rows above a
Vietnamese header, real Excel dates with a few typed as text, "x"/"Có"/"Không" booleans, Vietnamese
enumeration labels; byte-identical for the same input) or `<name>.csv` (UTF-8 with BOM, `;`,
`dd/mm/yyyy`), plus `don_vi.yaml`. `build_sample()` does both with the defaults.
`python -m cchc_audit.sample [OUT_DIR]` regenerates the committed sample in `data/sample/`.

Deliberate misses, so that reports have something to say (default arguments; quarters are calendar
quarters of the sample year). The generator enforces them by construction, with quotas rather than
luck, for any seed once there are a few hundred dossiers (and `n_staff` >= 5); `scale` multiplies the
volumes, not the one-off misses (one late complaint, one unanswered PAKN, ... stay one):

- II.1.1.a on time: dossiers resolved in Q3 (the enrolment peak) are about 97% on time (quota: 3%
  late, rounded up); Q1, Q2 and Q4 stay at or above 98% (late quota rounded down).
- II.1.3 apologies: one late dossier resolved in Q3 (about 15% of Q3's late ones) has no
  `ngay_xin_loi`; one late dossier resolved in Q4 apologised one working day *after* its due date.
  Late dossiers otherwise apologise the working day before the due date and carry `ngay_hen_lai`.
  One December dossier (0.2% of dossiers) is overdue and still in progress at year end, apologised.
- II.4 digitization: about 60-70% of dossiers have both `so_hoa` and `ket_qua_dien_tu`, rising from
  Q1 to Q4.
- III.3.6.b data reuse: `tai_su_dung` is at most 78% (Q1) and 79% (Q3) of the dossiers received in
  the quarter and not withdrawn, and at least 83% (Q2) and 84% (Q4): either side of the strict 80%.
- II.2.2 satisfaction on `tthc`: at most 93% satisfied in Q3; every other quarter and `dich_vu_cong`
  at least 95%.
- II.2.3 feedback: one PAKN received in October-November is unanswered (and unpublished) after its
  deadline; another, received in late December, is pending within its deadline.
- II.1.1.b complaints: the first complaint (received in April) is resolved after `han_giai_quyet`, in
  Q2; the last one (December) is still pending within its deadline.
- II.6.2 / II.6.4 staff: two staff in post have no digital signature (`chu_ky_so`), one of them has
  no official e-mail (`thu_cong_vu`) either; one staff member not in post (retired) lacks both and
  must not count; another not in post has both.
- II.6.3: one reporting system of four is not connected to the district's (`ket_noi_huyen`).
- II.1.2 / II.3 monthly publication: `ty_le_dung_han` for May is missing (Q2); `ty_le_hai_long` for
  August is published after its deadline (month end + 5 working days) (Q3). December's figures are
  due in January, outside the year, and are not in the register. `noi_dung` holds the wording
  "Tỷ lệ đúng hạn", "Tỷ lệ hài lòng", "TTHC nội bộ", whose `slug` is the contract's code.
- II.1.4: of four internal procedures (`noi_bo`), three are published in January-February, one on
  18 November: Q1-Q3 miss, Q4 and the year pass.
- II.6.1 documents: two documents in Q1 and two in Q3 were exchanged on paper only; two classified
  (`mat`) documents are paper as they should be and leave the denominator.
- Section III tasks: three tasks have no row at all, one only a `chua_thuc_hien` row, one a
  `dang_thuc_hien` row without `minh_chung` (preferring III.1.11, III.2.5, III.7.8, III.5.6 and
  III.4.1 when the plan has them); one task (III.4.3, staff reduction) has only `khong_phat_sinh`
  rows with a note and no `minh_chung` (June and December).
- One `don_thu.noi_dung` holds `<`, `>`, `&` and double quotes, to exercise escaping.

Other realism: about 10% of dossiers leave `ngay_hen_tra` empty (never a late or overdue one, so the
misses above do not hinge on the date arithmetic of the reader); some online dossiers arrive on
weekends; `ngay` (calendar-day) procedures exist; two procedures charge a fee (`co_phi`); ~2% of
dossiers are withdrawn (no result date), ~1% refused (refusal date as result), a few received in Q4
are paused; dossiers whose result would fall after 31 December are still in progress.
The register is a snapshot taken on 31 December: no date in it is later, except due and re-appointment
dates. Amounts of money and all names are invented.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import math
import re
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import holidays
import numpy as np
import pandas as pd
import yaml
from numpy.dtypes import StringDType

from . import schema
from .schema import REGISTERS, Register

from .resources import SAMPLE_DIR, SAMPLE_PLAN, SAMPLE_PLAN_TEXT  # noqa: F401 - re-exported

DEFAULT_UNIT: dict[str, str] = {
    "ten_don_vi": "Trường Mầm non Mạ Non",
    "ma_don_vi": "TMNMN",
    "co_quan_chu_quan": "Ủy ban nhân dân huyện Nhà Bè",
    "dia_danh": "Nhà Bè",
    "ky_hieu": "TMNMN",
    "hieu_truong": "Nguyễn Thị Minh Thư",  # invented
}

TITLE_ROWS = 3  # unit name, register title, blank; the header is the next row
HEADER_ROW = TITLE_ROWS + 1
FIRST_DATA_ROW = HEADER_ROW + 1

_D = "datetime64[D]"
_NAT = np.datetime64("NaT", "D")

# ---------------------------------------------------------------------------------------------
# Working days


class _Calendar:
    """Vietnam's working days as arrays, so due dates are computed for all dossiers at once."""

    def __init__(self, first_year: int, last_year: int):
        self.days = np.arange(np.datetime64(f"{first_year}-01-01"), np.datetime64(f"{last_year + 1}-01-01"),
                              dtype=_D)
        vn = holidays.country_holidays("VN", years=range(first_year, last_year + 1))
        self.working = np.fromiter((vn.is_working_day(d) for d in self.days.tolist()), bool, len(self.days))
        self.count = np.cumsum(self.working)  # working days on or before each day
        self.work_days = self.days[self.working]

    def _pos(self, dates):
        return (np.asarray(dates, dtype=_D) - self.days[0]).astype(np.int64)

    def is_working(self, dates):
        return self.working[self._pos(dates)]

    def add(self, dates, n):
        """The n-th working day after each date (n >= 1; the date itself is not counted)."""
        return self.work_days[self.count[self._pos(dates)] + np.asarray(n, dtype=np.int64) - 1]

    def before(self, dates):
        """The last working day strictly before each date."""
        return self.work_days[self.count[self._pos(dates) - 1] - 1]

    def on_or_after(self, dates):
        dates = np.asarray(dates, dtype=_D)
        return np.where(self.is_working(dates), dates, self.add(dates, 1))

    def between(self, start, end):
        """Working days d with start < d <= end."""
        return self.count[self._pos(end)] - self.count[self._pos(start)]

    def year_days(self, year: int):
        return self.days[(self.days >= np.datetime64(f"{year}-01-01")) & (self.days <= np.datetime64(f"{year}-12-31"))]


def _month(dates) -> np.ndarray:
    return np.asarray(dates, dtype=_D).astype("datetime64[M]").astype(np.int64) % 12 + 1


def _quarter(dates) -> np.ndarray:
    return (_month(dates) - 1) // 3 + 1


def _add_months(dates, n):
    dates = np.asarray(dates, dtype=_D)
    months = dates.astype("datetime64[M]")
    day = (dates - months.astype(_D)).astype(np.int64)
    target = months + np.asarray(n, dtype=np.int64)
    last = (target + 1).astype(_D) - 1
    return np.minimum(target.astype(_D) + day, last)


def _due_dates(cal: _Calendar, receipt, n, unit):
    due = np.full(len(receipt), _NAT)
    for code in ("ngay_lam_viec", "ngay", "thang"):
        m = unit == code
        if not m.any():
            continue
        if code == "ngay_lam_viec":
            due[m] = cal.add(receipt[m], n[m])
        elif code == "ngay":
            due[m] = receipt[m] + n[m].astype("timedelta64[D]")
        else:
            due[m] = _add_months(receipt[m], n[m])
    return due


def _sample_days(rng, cal: _Calendar, year: int, size: int, month_weights, offday_weight: float, until=None):
    """`size` dates of `year` (up to `until`), weighted by month, non-working days down-weighted."""
    days = cal.year_days(year)
    w = np.asarray(month_weights, float)[_month(days) - 1] * np.where(cal.is_working(days), 1.0, offday_weight)
    if until is not None:
        w = np.where(days <= until, w, 0.0)
    return rng.choice(days, size=size, p=w / w.sum())


def _quota(rng, candidates: np.ndarray, share: float, *, low: int = 0, high: int | None = None) -> np.ndarray:
    """A random subset of `candidates` holding round(share * n) of them, kept within [low, high]:
    exact shares per period, so a miss or a pass does not depend on luck."""
    n = len(candidates)
    k = min(max(round(share * n), low), n if high is None else high, n)
    return rng.choice(candidates, size=max(k, 0), replace=False)


def _at_least(share: float, n: int) -> int:
    """The fewest of n items that make a ratio >= share."""
    return math.ceil(share * n - 1e-9)


def _at_most_below(share: float, n: int) -> int:
    """The most of n items that keep a ratio < share."""
    return _at_least(share, n) - 1


# ---------------------------------------------------------------------------------------------
# People


_FAMILY = [("Nguyễn", 38), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Huỳnh", 5), ("Phan", 4.5),
           ("Võ", 4), ("Hoàng", 3), ("Vũ", 2), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 1.5), ("Hồ", 1.5),
           ("Ngô", 1.3), ("Dương", 1), ("Lý", 0.6), ("Trương", 1), ("Lâm", 0.8), ("Đinh", 0.6),
           ("Mai", 0.5), ("Châu", 0.4), ("Tô", 0.3), ("Quách", 0.2), ("Lương", 0.5)]
_F_MIDDLE = [("Thị", 50), ("Ngọc", 10), ("Thanh", 8), ("Thu", 6), ("Kim", 5), ("Mỹ", 5), ("Phương", 4),
             ("Hoài", 3), ("Bích", 3), ("Diễm", 2), ("Thị Thu", 2), ("Thị Ngọc", 2)]
_F_GIVEN = ["Lan", "Hương", "Trang", "Linh", "Hạnh", "Ngân", "Thảo", "Vy", "Nhung", "Hằng", "Dung", "Phượng",
            "Yến", "Trâm", "Quyên", "Nga", "Thúy", "Loan", "Tuyết", "Hà", "Anh", "Mai", "Hồng", "Tâm", "Xuân",
            "Oanh", "Duyên", "Giang", "Hiền", "My", "Nhi", "Uyên"]
_M_MIDDLE = [("Văn", 40), ("Minh", 12), ("Quốc", 8), ("Hoàng", 7), ("Thanh", 6), ("Đức", 6), ("Hữu", 6),
             ("Công", 5), ("Tấn", 5), ("Gia", 3), ("Trọng", 2)]
_M_GIVEN = ["Hùng", "Dũng", "Tuấn", "Minh", "Nam", "Phong", "Khoa", "Long", "Sơn", "Thành", "Trí", "Tài",
            "Phúc", "Hải", "Quang", "Thắng", "Vinh", "Bảo", "Khang", "Hiếu", "Lộc", "Tùng", "Cường", "Nhân"]
_PHONE_PREFIXES = ["090", "091", "093", "094", "096", "097", "098", "099",
                   "032", "033", "034", "035", "036", "037", "038", "039"]
# Citizen ID (CCCD) province codes: mostly Ho Chi Minh City, then the Mekong delta and the centre.
_PROVINCES = [("079", 70), ("080", 4), ("075", 3), ("083", 3), ("082", 3), ("086", 2), ("087", 2),
              ("089", 2), ("092", 2), ("094", 1.5), ("096", 1.5), ("040", 2), ("038", 1.5), ("042", 1),
              ("051", 1), ("052", 1), ("054", 0.5)]


def _pick(rng, table, size):
    values = np.array([v for v, _ in table])
    weights = np.array([w for _, w in table], float)
    return values[rng.choice(len(values), size=size, p=weights / weights.sum())]


# Per-row strings are built with numpy's variable-width strings (C loops): a million dossiers' codes,
# names, phones and ID numbers take about a second.
_STR = StringDType()


def _cat(*parts) -> np.ndarray:
    out = np.asarray(parts[0]).astype(_STR)
    for part in parts[1:]:
        out = np.strings.add(out, np.asarray(part).astype(_STR))
    return out


def _digits(values, width: int) -> np.ndarray:
    return np.strings.zfill(np.asarray(values, dtype=np.int64).astype(_STR), width)


def _names(rng, female: np.ndarray) -> np.ndarray:
    n = len(female)
    family = _pick(rng, _FAMILY, n)
    middle = np.where(female, _pick(rng, _F_MIDDLE, n), _pick(rng, _M_MIDDLE, n))
    given = np.where(female, np.array(_F_GIVEN)[rng.integers(0, len(_F_GIVEN), n)],
                     np.array(_M_GIVEN)[rng.integers(0, len(_M_GIVEN), n)])
    return _cat(family, " ", middle, " ", given)


def _phones(rng, n: int) -> np.ndarray:
    return _cat(np.array(_PHONE_PREFIXES)[rng.integers(0, len(_PHONE_PREFIXES), n)],
                _digits(rng.integers(0, 10**7, n), 7))


def _id_numbers(rng, female: np.ndarray, birth_year: np.ndarray) -> np.ndarray:
    """12-digit citizen IDs: province (3), century and sex (1), year (2), serial (6)."""
    century = np.where(birth_year >= 2000, 2, 0) + female.astype(int)
    return _cat(_pick(rng, _PROVINCES, len(female)), _digits(century, 1), _digits(birth_year % 100, 2),
                _digits(rng.integers(0, 10**6, len(female)), 6))


def _codes(prefix: str, n: int, width: int = 4) -> np.ndarray:
    return _cat(prefix, _digits(np.arange(1, n + 1), max(width, len(str(n)))))


# ---------------------------------------------------------------------------------------------
# Procedures


@dataclass(frozen=True)
class _Procedure:
    code: str
    name: str
    days: int  # processing time
    unit: str = "ngay_lam_viec"
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
    _Procedure("TTHC-03", "Chuyển trường đối với trẻ mầm non", 7, "ngay", published=(-1, 8, 15),
               weight=0.10, season="transfer", online=0.35),
    _Procedure("TTHC-04", "Miễn, giảm học phí đối với trẻ mầm non", 10, published=(-1, 8, 15),
               weight=0.12, season="support", online=0.30),
    _Procedure("TTHC-05", "Hỗ trợ chi phí học tập đối với trẻ mẫu giáo", 10, published=(-1, 8, 15),
               weight=0.08, season="support", online=0.30),
    _Procedure("TTHC-06", "Xác nhận trẻ đang học tại trường", 2, published=(-1, 8, 15),
               weight=0.20, season="confirm", online=0.25),
    _Procedure("TTHC-07", "Cấp bản sao Giấy chứng nhận hoàn thành chương trình giáo dục mầm non từ sổ gốc",
               3, fee=True, published=(-1, 8, 15), weight=0.07, season="copy", online=0.35),
    _Procedure("TTHC-08", "Cấp bản sao hồ sơ, giấy tờ lưu trữ của trẻ", 7, "ngay", fee=True,
               published=(-1, 8, 15), weight=0.05, season="copy", online=0.30),
    # Internal procedures (thủ tục hành chính nội bộ): no citizen dossiers.
    _Procedure("NB-01", "Xét nâng bậc lương thường xuyên, nâng bậc lương trước thời hạn đối với viên chức",
               1, "thang", internal=True, published=(0, 1, 15)),
    _Procedure("NB-02", "Cử viên chức tham gia đào tạo, bồi dưỡng", 10, internal=True, published=(0, 1, 15)),
    _Procedure("NB-03", "Xét công nhận danh hiệu thi đua, khen thưởng cuối năm học", 15, internal=True,
               published=(0, 2, 26)),
    # Published late in the year: the II.1.4 miss of Q1-Q3.
    _Procedure("NB-04", "Giải quyết chế độ nghỉ phép năm đối với viên chức, người lao động", 3,
               internal=True, published=(0, 11, 18)),
)

_XAC_NHAN = "TTHC-06"  # often resolved the same day


def _thu_tuc(year: int) -> dict:
    return {
        "ma_thu_tuc": [p.code for p in _PROCEDURES],
        "ten_thu_tuc": [p.name for p in _PROCEDURES],
        "noi_bo": [p.internal for p in _PROCEDURES],
        "thoi_han": [p.days for p in _PROCEDURES],
        "don_vi_thoi_han": [p.unit for p in _PROCEDURES],
        "co_phi": [p.fee for p in _PROCEDURES],
        "ngay_cong_khai": [np.datetime64(dt.date(year + p.published[0], p.published[1], p.published[2]), "D")
                           if p.published else _NAT for p in _PROCEDURES],
    }


# ---------------------------------------------------------------------------------------------
# Dossiers

LATE_SHARE = {1: 0.010, 2: 0.012, 3: 0.030, 4: 0.015}  # share of a quarter's resolved dossiers
LATE_MISS_QUARTERS = frozenset({3})  # on time below the target there, at or above it elsewhere
ON_TIME_TARGET = 0.98
REUSE_TARGET = 0.80  # strictly above
SATISFACTION_TARGET = 0.95
REUSE_SHARE = {1: 0.78, 2: 0.83, 3: 0.79, 4: 0.84}  # tai_su_dung, by quarter of receipt
DIGITIZED_SHARE = {1: 0.62, 2: 0.64, 3: 0.67, 4: 0.70}  # so_hoa and ket_qua_dien_tu


def _ho_so(rng, cal: _Calendar, year: int, n: int, ky_hieu: str) -> dict:
    public = [p for p in _PROCEDURES if not p.internal]
    weights = np.array([p.weight for p in public])
    proc = rng.choice(len(public), size=n, p=weights / weights.sum())
    u = rng.random(n)
    online = u < np.array([p.online for p in public])[proc]
    channel = np.where(online, "truc_tuyen", np.where(u > 0.98, "buu_chinh", "truc_tiep"))

    # Receipt dates: seasonal per procedure; online dossiers arrive on weekends too.
    receipt = np.empty(n, dtype=_D)
    for p, procedure in enumerate(public):
        for is_online, offday in ((False, 0.01), (True, 0.3)):
            sel = np.flatnonzero((proc == p) & (online == is_online))
            if sel.size:
                receipt[sel] = _sample_days(rng, cal, year, sel.size, _SEASONS[procedure.season], offday)
    order = np.lexsort((rng.random(n), receipt))
    proc, channel, online, receipt = proc[order], channel[order], online[order], receipt[order]

    end = np.datetime64(f"{year}-12-31")
    code = np.array([p.code for p in public])[proc]
    days = np.array([p.days for p in public])[proc]
    unit = np.array([p.unit for p in public])[proc]
    fee = np.array([p.fee for p in public])[proc]
    due = _due_dates(cal, receipt, days, unit)

    # Status quotas: withdrawn ~2%, refused ~1%, a few paused among Q4 receipts.
    status = np.full(n, "da_giai_quyet", dtype="<U15")
    shuffled = rng.permutation(n)
    n_rut, n_refused = round(0.02 * n), max(1, round(0.01 * n))
    status[shuffled[:n_rut]] = "rut"
    status[shuffled[n_rut:n_rut + n_refused]] = "tu_choi"
    q4 = np.flatnonzero((status == "da_giai_quyet") & (receipt >= np.datetime64(f"{year}-10-01")))
    status[rng.choice(q4, size=min(max(2, round(0.006 * n)), len(q4)), replace=False)] = "tam_dung"

    # On-time results: k-th working day after receipt, k <= working days to the due date.
    room = cal.between(receipt, due)
    k = np.maximum(np.where(rng.random(n) < 0.3, room, rng.integers(1, np.maximum(room, 1) + 1)), 1)
    result = cal.add(receipt, k)
    same_day = (code == _XAC_NHAN) & cal.is_working(receipt) & (rng.random(n) < 0.4)
    result[same_day] = receipt[same_day]
    # Calendar-day deadlines that fall before any working day (received just before Tết): the
    # school settles them on receipt, or on the due date itself.
    no_room = room == 0
    result[no_room] = np.where(cal.is_working(receipt[no_room]), receipt[no_room], due[no_room])
    result[(status == "rut") | (status == "tam_dung")] = _NAT

    # Snapshot on 31 December: later results do not exist yet.
    open_at_end = (status == "da_giai_quyet") & (result > end)
    status[open_at_end] = "dang_giai_quyet"
    result[open_at_end] = _NAT
    refused_open = (status == "tu_choi") & (result > end)
    last_working = end if cal.is_working([end])[0] else cal.before([end])[0]
    result[refused_open] = np.maximum(receipt[refused_open], last_working)

    # Overdue and still in progress at year end (apologised, re-appointed).
    december = np.flatnonzero((status == "da_giai_quyet") & (due >= np.datetime64(f"{year}-12-01"))
                              & (due <= np.datetime64(f"{year}-12-24")))
    overdue_open = rng.choice(december, size=min(max(1, round(0.002 * n)), len(december)), replace=False)
    status[overdue_open] = "dang_giai_quyet"
    result[overdue_open] = _NAT

    # Late results, by quota per quarter of result; a converted dossier stays in its quarter, so each
    # quarter's denominator is unchanged and its on-time rate is exactly what the quota says.
    late = np.zeros(n, bool)
    lateness = 1 + np.minimum(rng.poisson(1.0, n), 6)
    late_result = cal.add(due, lateness)
    resolved = (status == "da_giai_quyet") & ~np.isnat(result)
    result_q = np.where(resolved, _quarter(np.where(resolved, result, receipt)), 0)
    late_q = _quarter(late_result)
    for q, share in LATE_SHARE.items():
        in_q = np.flatnonzero(resolved & (result_q == q))
        candidates = in_q[(late_q[in_q] == q) & (late_result[in_q] <= end)]
        n_q = len(in_q)
        if q in LATE_MISS_QUARTERS:  # on time < 98%: at least 2 late (one without apology, one with)
            k_late = max(2, n_q - _at_most_below(ON_TIME_TARGET, n_q), math.ceil(share * n_q))
        else:  # on time >= 98%, with a late dossier in any busy quarter
            k_late = min(max(round(share * n_q), 1 if n_q >= 50 else 0), n_q - _at_least(ON_TIME_TARGET, n_q))
        chosen = rng.choice(candidates, size=min(k_late, len(candidates)), replace=False)
        result[chosen] = late_result[chosen]
        late[chosen] = True

    # Apologies: the working day before the due date, with a new appointment.
    overdue = late.copy()
    overdue[overdue_open] = True
    apology = np.full(n, _NAT)
    reappointed = np.full(n, _NAT)
    apology[overdue] = np.maximum(receipt[overdue], cal.before(due[overdue]))
    reappointed[late] = result[late]
    reappointed[overdue_open] = cal.add(due[overdue_open], 5)
    late_q3 = np.flatnonzero(late & (result_q == 3))
    no_apology = rng.choice(late_q3, size=min(max(1, round(0.15 * len(late_q3))), len(late_q3)), replace=False)
    apology[no_apology] = _NAT
    reappointed[no_apology] = _NAT
    late_q4 = np.flatnonzero(late & (result_q == 4))
    if not len(late_q4):  # a small year: fall back on Q3's apologised late dossiers
        late_q4 = np.setdiff1d(late_q3, no_apology)
    after_due = rng.choice(late_q4, size=min(max(1, round(0.15 * len(late_q4))), len(late_q4)), replace=False)
    apology[after_due] = cal.add(due[after_due], 1)

    # Receipt slips without a due date (~10%): never a late or overdue dossier.
    recorded_due = due.copy()
    blank = np.flatnonzero(~overdue)
    recorded_due[rng.choice(blank, size=min(round(0.10 * n), len(blank)), replace=False)] = _NAT

    # Digitization, rising through the year: exact shares per quarter of receipt of dossiers with both
    # flags; of the rest, some have only their components digitized, a few only an electronic result.
    receipt_q = _quarter(receipt)
    so_hoa = np.zeros(n, bool)
    ket_qua = np.zeros(n, bool)
    for q, share in DIGITIZED_SHARE.items():
        both = _quota(rng, np.flatnonzero(receipt_q == q), share)
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
        reuse[_quota(rng, in_q, share, **limits)] = True
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
    dd = (receipt - receipt.astype("datetime64[M]").astype(_D)).astype(np.int64) + 1
    _, first, day_index = np.unique(receipt, return_index=True, return_inverse=True)
    seq = np.arange(n) - first[day_index] + 1
    width = max(4, len(str(int(seq.max())))) if n else 4
    ma_ho_so = _cat(f"{ky_hieu}-", _digits((yy % 100) * 10000 + _month(receipt) * 100 + dd, 6), "-",
                    _digits(seq, width))

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
        "nguoi_nop": _names(rng, female),
        "so_dien_thoai": _phones(rng, n),
        "so_dinh_danh": _id_numbers(rng, female, birth),
    }


# ---------------------------------------------------------------------------------------------
# Complaints, denunciations, feedback

_COMPLAINTS = [
    "Khiếu nại việc nhà trường không xét miễn, giảm học phí học kỳ II cho trẻ thuộc hộ cận nghèo",
    "Khiếu nại về việc thu tiền ăn tháng 3 chưa trừ các ngày trẻ nghỉ học có phép",
    "Khiếu nại kết quả xét tuyển trẻ vào lớp Mầm (3 - 4 tuổi) năm học mới",
    "Khiếu nại việc xếp lớp cho trẻ chuyển đến giữa năm học",
]
_DENUNCIATIONS = [
    "Tố cáo việc thu thêm khoản tiền ngoài quy định khi tiếp nhận hồ sơ nhập học",
    "Tố cáo việc sử dụng thực phẩm không rõ nguồn gốc trong bếp ăn bán trú",
]
_FEEDBACK = [
    "Đề nghị nhà trường công khai thực đơn hằng tuần trên trang thông tin điện tử",
    "Phản ánh thời gian trả kết quả xác nhận trẻ đang học còn chậm",
    "Kiến nghị bổ sung hình thức nộp học phí qua ứng dụng ngân hàng",
    "Đề nghị hướng dẫn thủ tục hỗ trợ chi phí học tập cho trẻ thuộc hộ cận nghèo",
    "Phản ánh cổng trường ùn tắc giờ đón trẻ, đề nghị bố trí bảo vệ hướng dẫn",
    "Kiến nghị nhận hồ sơ tuyển sinh trực tiếp vào sáng thứ Bảy",
    "Phản ánh biên lai điện tử gửi qua thư điện tử ghi sai tên trẻ",
    "Đề nghị cung cấp danh mục giấy tờ cần chuẩn bị khi chuyển trường",
    "Phản ánh hệ thống tuyển sinh trực tuyến báo lỗi khi tải ảnh giấy khai sinh",
    "Kiến nghị rút ngắn thời gian giải quyết hồ sơ miễn, giảm học phí",
    "Đề nghị thông báo kết quả xét tuyển qua tin nhắn điện thoại",
    "Phản ánh phòng vệ sinh lớp Lá 2 thiếu nước vào buổi chiều",
]
# Free text with markup characters, so every renderer's escaping is exercised.
_ESCAPE_TEXT = ('Phụ huynh phản ánh thông báo thu ghi "học phí > 160.000 đồng/tháng" trong khi biên lai ghi '
                '<160.000 đồng>; đề nghị nhà trường & kế toán giải thích mục "Khoản thu khác"')
_DEADLINE = {"khieu_nai": (30, "ngay_lam_viec"), "to_cao": (30, "ngay"), "phan_anh_kien_nghi": (10, "ngay_lam_viec")}


def _don_thu(rng, cal: _Calendar, year: int, scale: float, code_prefix: str) -> dict:
    y = lambda m, d: np.datetime64(dt.date(year, m, d), "D")  # noqa: E731
    n_kn, n_tc, n_pakn = max(3, round(3 * scale)), max(1, round(scale)), max(12, round(18 * scale))
    kind = np.array(["khieu_nai"] * n_kn + ["to_cao"] * n_tc + ["phan_anh_kien_nghi"] * n_pakn)
    n = len(kind)
    # Ordinary letters arrive January to early November and are settled in time.
    received = _sample_days(rng, cal, year, n, [1, 0.8, 1, 1, 1, 1, 1, 1.5, 2, 1.5, 1, 0], 0.0, until=y(11, 8))

    kn = np.flatnonzero(kind == "khieu_nai")
    pakn = np.flatnonzero(kind == "phan_anh_kien_nghi")
    late_complaint, open_complaint = kn[0], kn[-1]
    unanswered, pending = pakn[0], pakn[-1]
    received[late_complaint] = cal.on_or_after([y(4, 1) + rng.integers(0, 15)])[0]
    received[open_complaint] = cal.on_or_after([y(12, 2) + rng.integers(0, 12)])[0]
    received[unanswered] = cal.on_or_after([y(10, 14) + rng.integers(0, 20)])[0]
    received[pending] = cal.on_or_after([y(12, 20) + rng.integers(0, 6)])[0]

    deadline = np.full(n, _NAT)
    for k, (days, unit) in _DEADLINE.items():
        m = kind == k
        deadline[m] = _due_dates(cal, received[m], np.full(m.sum(), days), np.full(m.sum(), unit))
    room = np.maximum(cal.between(received, deadline), 1)
    settled = cal.add(received, rng.integers(np.maximum(room // 3, 1), room + 1))
    settled[late_complaint] = cal.add(deadline[[late_complaint]], rng.integers(3, 8))[0]
    for i in (open_complaint, unanswered, pending):
        settled[i] = _NAT
    answered = settled.copy()
    published = np.full(n, _NAT)  # answers are posted on the website 1-3 working days later
    has = ~np.isnat(settled)
    published[has] = cal.add(settled[has], rng.integers(1, 4, int(has.sum())))
    published[published > np.datetime64(f"{year}-12-31")] = _NAT

    content = np.empty(n, dtype=object)
    content[kind == "khieu_nai"] = [_COMPLAINTS[i % len(_COMPLAINTS)] for i in range(n_kn)]
    content[kind == "to_cao"] = [_DENUNCIATIONS[i % len(_DENUNCIATIONS)] for i in range(n_tc)]
    content[pakn] = np.array(_FEEDBACK, dtype=object)[rng.permutation(n_pakn) % len(_FEEDBACK)]
    content[pakn[1]] = _ESCAPE_TEXT

    order = np.lexsort((np.arange(n), received))
    female = rng.random(n) < 0.75
    sender = _names(rng, female).astype(object)
    frame = {
        "loai": kind, "ngay_nhan": received, "han_giai_quyet": deadline, "ngay_giai_quyet": settled,
        "ngay_tra_loi": answered, "ngay_cong_khai": published, "noi_dung": content, "nguoi_gui": sender,
    }
    frame = {k: np.asarray(v)[order] for k, v in frame.items()}
    return {"ma_don": _codes(f"{code_prefix}-{year}-", n, 3), **frame}


# ---------------------------------------------------------------------------------------------
# Satisfaction surveys

SATISFIED_SHARE = {  # (linh_vuc, quarter) -> share of responses rated 4 or 5
    **{("dich_vu_cong", q): s for q, s in zip((1, 2, 3, 4), (0.97, 0.96, 0.975, 0.965))},
    **{("tthc", q): s for q, s in zip((1, 2, 3, 4), (0.965, 0.97, 0.93, 0.96))},
}
_SURVEY_MONTHS = {
    "dich_vu_cong": [0.6, 0.5, 0.8, 0.8, 2.0, 0.8, 0.5, 0.8, 1.2, 1.0, 1.2, 2.2],  # end of each term
    "tthc": [0.8, 0.6, 0.8, 0.8, 1.0, 2.0, 2.5, 2.5, 2.0, 1.2, 0.8, 0.8],  # follows the dossiers
}


def _khao_sat(rng, cal: _Calendar, year: int, scale: float) -> dict:
    counts = {"dich_vu_cong": max(40, round(230 * scale)), "tthc": max(40, round(190 * scale))}
    field = np.concatenate([np.full(c, f, dtype=object) for f, c in counts.items()])
    day = np.concatenate([_sample_days(rng, cal, year, c, _SURVEY_MONTHS[f], 0.15) for f, c in counts.items()])
    satisfied = np.zeros(len(field), bool)
    quarter = _quarter(day)
    for (f, q), share in SATISFIED_SHARE.items():
        cell = np.flatnonzero((field == f) & (quarter == q))
        limits = ({"low": _at_least(SATISFACTION_TARGET, len(cell))} if share >= SATISFACTION_TARGET
                  else {"high": _at_most_below(SATISFACTION_TARGET, len(cell))})
        satisfied[_quota(rng, cell, share, **limits)] = True
    level = np.where(satisfied, np.where(rng.random(len(field)) < 0.6, 5, 4),
                     np.array([3, 2, 1])[rng.choice(3, size=len(field), p=[0.7, 0.25, 0.05])])
    order = np.lexsort((rng.random(len(field)), day))
    return {
        "ma_phieu": _codes(f"PKS-{year}-", len(field)),
        "ngay": day[order],
        "linh_vuc": field[order].astype(str),
        "muc_do": pd.array(level[order], dtype="Int64"),
    }


# ---------------------------------------------------------------------------------------------
# Service payments: tuition and meals, monthly per child

MEAL_PRICE = {"old": 30_000, "new": 32_000}  # đồng per day, invented
TUITION = {"old": 100_000, "new": 120_000}  # đồng per month, invented


def _thanh_toan(rng, cal: _Calendar, year: int, scale: float) -> dict:
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
        school_days = int(cal.between(first - 1, (first.astype("datetime64[M]") + 1).astype(_D) - 1))
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
    day = np.where(electronic, day, cal.on_or_after(day))  # cash only at the school's counter
    order = np.lexsort((rng.random(n), day))
    return {
        "ma_giao_dich": _codes(f"GD-{year}-", n, 6),
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


def _van_ban(rng, cal: _Calendar, year: int, scale: float, ky_hieu: str) -> dict:
    n = max(60, round(380 * scale))
    day = np.sort(_sample_days(rng, cal, year, n, [1, 0.7, 1, 1, 1, 0.8, 0.7, 1, 1.3, 1.1, 1, 1.2], 0.0))
    incoming = rng.random(n) < 0.6
    symbol = np.empty(n, dtype=object)
    out = np.flatnonzero(~incoming)
    kinds = _pick(rng, _OUT_TYPES, len(out))
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
    quarter = _quarter(day)
    for q in (1, 3):  # paper only: the II.6.1 misses
        pool = np.flatnonzero((quarter == q) & ~classified)
        paper[rng.choice(pool, size=min(max(2, round(2 * scale)), len(pool)), replace=False)] = True
    electronic = ~paper & ~classified
    signed = electronic & (rng.random(n) < np.where(incoming, 0.95, 0.97))
    return {
        "so_ky_hieu": symbol.astype(str), "ngay": day, "chieu": np.where(incoming, "den", "di"),
        "dien_tu": electronic, "ky_so": signed, "mat": classified,
        # for the evidence register; dropped before the frame is built
        "_out_kind": np.array([_OUT_TYPE_NAMES[k] for k in kinds], dtype=object), "_out_rows": out,
    }


# ---------------------------------------------------------------------------------------------
# Staff, reporting systems

_ROLES = [("Hiệu trưởng", 1), ("Phó Hiệu trưởng", 2), ("Kế toán", 1), ("Nhân viên văn thư", 1),
          ("Nhân viên y tế", 1), ("Nhân viên bảo vệ", 2), ("Nhân viên nấu ăn", 4), ("Nhân viên phục vụ", 1)]


def _can_bo(rng, n_staff: int, principal: str) -> dict:
    roles = [r for r, k in _ROLES for _ in range(k)]
    roles = (roles + ["Giáo viên"] * max(0, n_staff - len(roles)))[:n_staff]
    roles = np.array(roles, dtype=object)
    female = np.where(roles == "Nhân viên bảo vệ", False,
                      np.where(roles == "Nhân viên nấu ăn", rng.random(n_staff) < 0.6, rng.random(n_staff) < 0.97))
    names = _names(rng, female).astype(object)
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
    return {"ma_can_bo": _codes("CB", n_staff, 2), "ho_ten": names, "chuc_vu": roles.astype(str),
            "dang_cong_tac": in_post, "chu_ky_so": signature, "thu_cong_vu": mail}


_SYSTEMS = [
    ("Cơ sở dữ liệu ngành Giáo dục và Đào tạo", True),
    ("Phần mềm quản lý văn bản và điều hành", True),
    ("Hệ thống báo cáo thống kê giáo dục mầm non", True),
    ("Phần mềm quản lý tài sản công", False),  # the II.6.3 miss
]


def _he_thong_bao_cao() -> dict:
    return {"ten_he_thong": [s for s, _ in _SYSTEMS], "ket_noi_huyen": [c for _, c in _SYSTEMS]}


# ---------------------------------------------------------------------------------------------
# Publications

PUBLICATION_DEADLINE_WORKING_DAYS = 5  # DOMAIN.md's default: month end + 5 working days
MISSING_PUBLICATION = ("ty_le_dung_han", 5)
LATE_PUBLICATION = ("ty_le_hai_long", 8)
_WEBSITE, _BOARD = "Trang thông tin điện tử của trường", "Bảng thông báo tại trường"
# The register's wording for the contract's contents: `slug` of each is the contract code.
PUBLICATION_WORDING = {"ty_le_dung_han": "Tỷ lệ đúng hạn", "ty_le_hai_long": "Tỷ lệ hài lòng",
                       "tthc_noi_bo": "TTHC nội bộ"}


def _cong_khai(rng, cal: _Calendar, year: int, internal_published: Sequence[np.datetime64]) -> dict:
    rows: list[tuple] = []
    for month in range(1, 12):  # December's figures are due in January: outside the year
        month_end = (np.datetime64(f"{year}-{month:02d}") + 1).astype(_D) - 1
        deadline = cal.add([month_end], PUBLICATION_DEADLINE_WORKING_DAYS)[0]
        for content in ("ty_le_dung_han", "ty_le_hai_long"):
            if (content, month) == MISSING_PUBLICATION:
                continue
            if (content, month) == LATE_PUBLICATION:
                day = cal.add([deadline], 4)[0]
            else:
                day = cal.add([month_end], int(rng.integers(1, PUBLICATION_DEADLINE_WORKING_DAYS)))[0]
            wording = PUBLICATION_WORDING[content]
            rows.append((day, wording, f"{year}-{month:02d}", _WEBSITE))
            if content == "ty_le_dung_han" and month <= 3:  # also pinned on the notice board
                rows.append((cal.add([day], 1)[0], wording, f"{year}-{month:02d}", _BOARD))
    for day in sorted(set(internal_published)):
        if not np.isnat(day) and day.astype("datetime64[Y]").astype(int) + 1970 == year:
            rows.append((day, PUBLICATION_WORDING["tthc_noi_bo"], None, _WEBSITE))
    rows += [
        (cal.on_or_after([np.datetime64(f"{year}-01-20")])[0], f"Công khai dự toán ngân sách năm {year}", None, _WEBSITE),
        (cal.on_or_after([np.datetime64(f"{year}-06-12")])[0], f"Công khai chất lượng giáo dục năm học {year - 1} - {year}",
         None, _BOARD),
        (cal.on_or_after([np.datetime64(f"{year}-08-26")])[0], f"Công khai các khoản thu năm học {year} - {year + 1}",
         None, _WEBSITE),
    ]
    rows.sort(key=lambda r: (r[0], r[1]))
    return {"ngay_dang": [r[0] for r in rows], "noi_dung": [r[1] for r in rows],
            "ky": [r[2] for r in rows], "kenh": [r[3] for r in rows]}


# ---------------------------------------------------------------------------------------------
# Evidence for section III tasks

NO_ROWS = ("III.1.11", "III.2.5", "III.7.8")  # preferred ids for tasks without any row
NOT_STARTED = "III.5.6"  # only a chua_thuc_hien row
NO_EVIDENCE_REF = "III.4.1"  # a dang_thuc_hien row without minh_chung
NOT_ARISEN = "III.4.3"  # staff reduction: khong_phat_sinh with a note


def _nhiem_vu(rng, cal: _Calendar, year: int, task_ids: Sequence[str], documents: dict) -> dict:
    ids = list(dict.fromkeys(task_ids))
    pool = [t for t in ids if t not in (*NO_ROWS, NOT_STARTED, NO_EVIDENCE_REF, NOT_ARISEN)]
    pool = [pool[i] for i in rng.permutation(len(pool))]

    def take(preferred):  # the preferred id if the plan has it, else a random other task
        if preferred in ids:
            return preferred
        return pool.pop() if pool else None

    no_rows = [take(t) for t in NO_ROWS]
    not_started, no_ref, not_arisen = take(NOT_STARTED), take(NO_EVIDENCE_REF), take(NOT_ARISEN)
    special = {t for t in (*no_rows, not_started, no_ref, not_arisen) if t}

    out_rows = documents["_out_rows"]
    out_days = documents["ngay"][out_rows]
    out_symbols = documents["so_ky_hieu"][out_rows]
    out_kinds = documents["_out_kind"]
    fmt = lambda d: pd.Timestamp(d).strftime("%d/%m/%Y")  # noqa: E731

    rows: list[tuple] = []
    for task in ids:
        if task in special:
            continue
        n_rows = int(rng.integers(1, 5))
        for j, pick in enumerate(np.sort(rng.choice(len(out_rows), size=n_rows, replace=False))):
            kind = rng.random()
            if kind < 0.6:
                day = out_days[pick]
                evidence = f"{out_kinds[pick]} số {out_symbols[pick]} ngày {fmt(day)}"
            elif kind < 0.85:
                day = out_days[pick]
                evidence = f"Biên bản họp Hội đồng sư phạm ngày {fmt(day)}"
            else:
                day = cal.on_or_after([out_days[pick]])[0]
                evidence = f"Bài viết chuyên mục CCHC trên trang thông tin điện tử của trường ngày {fmt(day)}"
            last = j == n_rows - 1
            done = last and _month([day])[0] >= 6 and rng.random() < 0.7
            rows.append((task, day, "hoan_thanh" if done else "dang_thuc_hien", evidence, None))
    mid = cal.before([np.datetime64(f"{year}-06-15")])[0]
    late = cal.before([np.datetime64(f"{year}-12-14")])[0]
    if not_started:
        rows.append((not_started, mid, "chua_thuc_hien", None, "Chưa triển khai, chờ hướng dẫn của cấp trên"))
    if no_ref:
        rows.append((no_ref, cal.before([np.datetime64(f"{year}-09-20")])[0], "dang_thuc_hien", None,
                     "Đang xây dựng dự thảo phương án"))
    if not_arisen:
        note = "Trong kỳ, đơn vị không có trường hợp thuộc diện tinh giản biên chế"
        rows += [(not_arisen, mid, "khong_phat_sinh", None, note), (not_arisen, late, "khong_phat_sinh", None, note)]
    rows.sort(key=lambda r: (r[1], ids.index(r[0])))
    return {"ma_nhiem_vu": [r[0] for r in rows], "ngay": [r[1] for r in rows], "trang_thai": [r[2] for r in rows],
            "minh_chung": [r[3] for r in rows], "ghi_chu": [r[4] for r in rows]}


# ---------------------------------------------------------------------------------------------
# Frames


def _frame(register: Register, data: Mapping) -> pd.DataFrame:
    """Typed as `registers.load_unit` types them, indexed by the XLSX row number."""
    n = len(next(iter(data.values())))
    index = pd.Index(np.arange(FIRST_DATA_ROW, FIRST_DATA_ROW + n, dtype="int64"), name="row")
    columns = {}
    for column in register.columns:
        values = data[column.name]
        kind = column.kind
        if kind == schema.DATE:
            series = pd.Series(np.asarray(values, dtype=_D), index=index).astype("datetime64[ns]")
        elif kind == schema.BOOL:
            series = pd.Series(values, index=index, dtype="boolean" if column.nullable else bool)
        elif kind in (schema.INT, schema.LEVEL):
            series = pd.Series(values, index=index, dtype="Int64")
        elif kind == schema.NUMBER:
            series = pd.Series(values, index=index, dtype="float64")
        elif isinstance(values, np.ndarray) and values.dtype == _STR:
            series = pd.Series(pd.array(values, dtype="string"), index=index)
        else:
            series = pd.Series(values, index=index, dtype=object).astype("string")
        columns[column.name] = series
    return pd.DataFrame(columns, index=index)


def default_task_ids(plan_path: str | Path = SAMPLE_PLAN) -> tuple[str, ...]:
    """The section III task ids of the sample plan (`ke_hoach.yaml`, via `plan.load_plan`).

    Until that file exists, the ids are read from the plan's text with `plan.parse_plan_text`, the
    same numbering the YAML transcribes.
    """
    from .plan import load_plan, parse_plan_text

    plan_path = Path(plan_path)
    if plan_path.exists():
        return load_plan(plan_path).task_ids
    items = parse_plan_text(SAMPLE_PLAN_TEXT, sections=("III",))["items"]
    return tuple(items)


def generate_registers(year: int = 2024, *, n_dossiers: int = 600, n_staff: int = 35, seed: int = 2024,
                       task_ids: Sequence[str] | None = None, scale: float = 1.0) -> dict[str, pd.DataFrame]:
    """All ten registers of the sample school for `year`.

    `n_dossiers * scale` dossiers; `scale` also multiplies the other volumes (survey responses,
    payments, documents, letters). `task_ids` are the plan's section III ids (default: the sample
    plan's, see `default_task_ids`).
    """
    if scale <= 0 or n_dossiers < 0 or n_staff < 1:
        raise ValueError("scale must be > 0, n_dossiers >= 0 and n_staff >= 1")
    rng = np.random.default_rng(seed)
    ky_hieu = DEFAULT_UNIT["ky_hieu"]
    cal = _Calendar(year - 1, year + 1)  # the year before: "working days before 1 January"
    if task_ids is None:
        task_ids = default_task_ids()
    thu_tuc = _thu_tuc(year)
    documents = _van_ban(rng, cal, year, scale, ky_hieu)
    data = {
        "thu_tuc": thu_tuc,
        "ho_so": _ho_so(rng, cal, year, round(n_dossiers * scale), ky_hieu),
        "don_thu": _don_thu(rng, cal, year, scale, "DT"),
        "khao_sat": _khao_sat(rng, cal, year, scale),
        "thanh_toan": _thanh_toan(rng, cal, year, scale),
        "van_ban": documents,
        "can_bo": _can_bo(rng, n_staff, DEFAULT_UNIT["hieu_truong"]),
        "he_thong_bao_cao": _he_thong_bao_cao(),
        "cong_khai": _cong_khai(rng, cal, year, [d for d, internal in zip(thu_tuc["ngay_cong_khai"],
                                                                            thu_tuc["noi_bo"]) if internal]),
        "nhiem_vu": _nhiem_vu(rng, cal, year, task_ids, documents),
    }
    return {name: _frame(REGISTERS[name], data[name]) for name in REGISTERS}


# ---------------------------------------------------------------------------------------------
# Writing a unit's folder

# Booleans written "Có"/"Không"; the rest "x"/empty. `dang_cong_tac` must not be "x"/empty: there an
# empty cell means true. Nullable booleans need "Không" to differ from empty.
_YES_NO = {("thu_tuc", "noi_bo"), ("thu_tuc", "co_phi"), ("can_bo", "dang_cong_tac"), ("can_bo", "chu_ky_so"),
           ("can_bo", "thu_cong_vu"), ("he_thong_bao_cao", "ket_noi_huyen")}
_LEVEL_AS_LABEL = {("khao_sat", "muc_do")}
TEXT_DATE_SHARE = 0.03  # date cells typed as dd/mm/yyyy text, as clerks do
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # zip entry timestamps: reproducible bytes


def _display(register: Register, frame: pd.DataFrame, *, csv: bool) -> dict[str, list]:
    """Each column as the cells a school's file holds (Python values for XLSX, text for CSV)."""
    rng = np.random.default_rng(zlib.crc32(register.name.encode()))
    out: dict[str, list] = {}
    n = len(frame)
    for column in register.columns:
        s = frame[column.name] if column.name in frame.columns else pd.Series([None] * n, index=frame.index)
        missing = s.isna().to_numpy()
        kind = column.kind
        if kind == schema.DATE:
            text = pd.Series(s).dt.strftime("%d/%m/%Y").astype(object)
            if csv:
                values = text.to_numpy()
            else:
                values = np.array(pd.Series(s).dt.date.to_numpy(), dtype=object)
                as_text = rng.random(n) < TEXT_DATE_SHARE
                values[as_text] = text.to_numpy()[as_text]
        elif kind == schema.BOOL:
            truth = s.fillna(False).to_numpy(bool)
            if (register.name, column.name) in _YES_NO or column.nullable:
                values = np.where(truth, "Có", "Không").astype(object)
            else:
                values = np.where(truth, "x", None).astype(object)
        elif kind == schema.ENUM:
            labels = {code: spellings[0] for code, spellings in column.choices.items()}
            values = s.astype(object).map(labels).to_numpy(dtype=object)
        elif kind == schema.LEVEL and (register.name, column.name) in _LEVEL_AS_LABEL:
            values = s.astype(object).map(schema.LEVEL_LABELS).to_numpy(dtype=object)
        elif kind in (schema.INT, schema.NUMBER, schema.LEVEL):
            values = np.array([None if v is None or v is pd.NA or v != v else int(v) if float(v).is_integer()
                               else float(v) for v in s.astype(object)], dtype=object)
        elif kind == schema.MONTH:  # "2024-05" -> "05/2024", the Vietnamese way
            values = s.astype(object).map(lambda v: f"{v[5:7]}/{v[:4]}" if isinstance(v, str) else None).to_numpy()
        else:
            values = s.astype(object).to_numpy()
        values = np.array(values, dtype=object)  # a writable copy
        values[missing] = None
        if csv:
            values = np.array(["" if v is None else str(v) for v in values], dtype=object)
        out[column.label_vi] = values.tolist()
    return out


def _register_title(register: Register, year: int | None) -> str:
    title = register.title_vi.upper()
    return f"{title} NĂM {year}" if year else title


def _xlsx_bytes(register: Register, columns: dict[str, list], unit: Mapping, year: int | None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    labels = ["STT", *columns]
    kinds = [None, *(c.kind for c in register.columns)]
    wb = Workbook(write_only=True)
    sheet_title = re.sub(r"[\[\]:*?/\\]", " ", register.title_vi)[:31].strip()
    ws = wb.create_sheet(sheet_title)
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    for i, label in enumerate(labels, start=1):
        width = 6 if i == 1 else min(max(12, len(label) + 4), 40)
        ws.column_dimensions[get_column_letter(i)].width = width

    def title_row(text, size):
        cells = []
        for i in range(len(labels)):
            cell = WriteOnlyCell(ws, value=text if i == 0 else None)
            cell.font = Font(name="Times New Roman", bold=True, size=size)
            cell.alignment = Alignment(horizontal="centerContinuous")
            cells.append(cell)
        return cells

    ws.append(title_row(str(unit.get("ten_don_vi", "")).upper(), 12))
    ws.append(title_row(_register_title(register, year), 14))
    ws.append([])
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header = []
    for label in labels:
        cell = WriteOnlyCell(ws, value=label)
        cell.font = Font(name="Times New Roman", bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.border = border
        header.append(cell)
    ws.append(header)

    date_positions = [i for i, k in enumerate(kinds) if k == schema.DATE]
    money_positions = [i for i, k in enumerate(kinds) if k == schema.NUMBER]
    for number, row in enumerate(zip(*columns.values()), start=1):
        values = [number, *row]
        for i in date_positions:
            if isinstance(values[i], dt.date):
                cell = WriteOnlyCell(ws, value=values[i])
                cell.number_format = "DD/MM/YYYY"
                values[i] = cell
        for i in money_positions:
            if values[i] is not None:
                cell = WriteOnlyCell(ws, value=values[i])
                cell.number_format = "#,##0"
                values[i] = cell
        ws.append(values)

    stamp = dt.datetime(year or 2000, 12, 31, 17, 0, 0)
    wb.properties.creator = "cchc-audit"
    wb.properties.created = stamp
    wb.properties.title = _register_title(register, year)
    buffer = io.BytesIO()
    wb.save(buffer)
    return _reproducible_zip(buffer.getvalue(), stamp)


def _reproducible_zip(data: bytes, stamp: dt.datetime) -> bytes:
    """Same workbook, same bytes: fixed entry timestamps and a fixed `modified` property
    (openpyxl stamps the wall clock into both when it saves)."""
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    source = zipfile.ZipFile(io.BytesIO(data))
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                                 rb"\g<1>" + iso.encode() + rb"\g<2>", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            fixed.create_system = 3
            target.writestr(fixed, content)
    return target_buffer.getvalue()


def _csv_bytes(columns: dict[str, list]) -> bytes:
    frame = pd.DataFrame(columns)
    text = frame.to_csv(sep=";", index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def _infer_year(registers: Mapping[str, pd.DataFrame]) -> int | None:
    for name, column in (("ho_so", "ngay_tiep_nhan"), ("van_ban", "ngay"), ("thanh_toan", "ngay"),
                         ("khao_sat", "ngay"), ("nhiem_vu", "ngay")):
        frame = registers.get(name)
        if frame is not None and column in frame and frame[column].notna().any():
            return int(frame[column].dt.year.mode().iloc[0])
    return None


def write_unit(out_dir: str | Path, registers: Mapping[str, pd.DataFrame], *, fmt: str = "xlsx",
               unit: Mapping | None = None, year: int | None = None) -> list[Path]:
    """Write each register as `<name>.xlsx` or `<name>.csv`, and `don_vi.yaml`; return the paths.

    `unit` is the content of `don_vi.yaml` (default: the sample school); `year` goes into the XLSX
    titles (default: the year most dossiers were received in).
    """
    if fmt not in ("xlsx", "csv"):
        raise ValueError(f"fmt must be 'xlsx' or 'csv', not {fmt!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    unit = dict(DEFAULT_UNIT if unit is None else unit)
    year = year if year is not None else _infer_year(registers)
    written = []
    for name, frame in registers.items():
        register = REGISTERS[name]
        columns = _display(register, frame, csv=fmt == "csv")
        data = _xlsx_bytes(register, columns, unit, year) if fmt == "xlsx" else _csv_bytes(columns)
        path = out / f"{name}.{fmt}"
        path.write_bytes(data)
        written.append(path)
    path = out / "don_vi.yaml"
    path.write_text(yaml.safe_dump(unit, allow_unicode=True, sort_keys=False), encoding="utf-8")
    written.append(path)
    return written


def build_sample(out_dir: str | Path = SAMPLE_DIR, *, fmt: str = "xlsx", **options) -> list[Path]:
    """Generate with the defaults (or `options` for `generate_registers`) and write the unit."""
    registers = generate_registers(**options)
    return write_unit(out_dir, registers, fmt=fmt, year=options.get("year", 2024))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Ghi dữ liệu mẫu của Trường Mầm non Mạ Non / write the sample school")
    parser.add_argument("out_dir", nargs="?", default=str(SAMPLE_DIR))
    parser.add_argument("--fmt", choices=("xlsx", "csv"), default="xlsx")
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--n-dossiers", type=int, default=600)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    paths = build_sample(args.out_dir, fmt=args.fmt, year=args.year, seed=args.seed,
                         n_dossiers=args.n_dossiers, scale=args.scale)
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
