"""From a target's words to what the product measures: the comparator and threshold its figure
states (`từ 98% trở lên`, `đạt 95% trở lên`, `tối thiểu 60%`, `trên 80%`, `100%`), and the check
function that measures it, chosen by what the wording is about; and a task's deadline from the
words that say when it is due (`thường xuyên`, `trước ngày 30/6/2024`, `Quý II`).

The rules are data: a new check's words are a new entry of `RULES`, not new code. A wording that
no rule matches, or that several rules match, is reported as uncertain for a person to confirm
(plan_import.py marks it in the drafted file and in the review table).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from .plan import DEADLINE_ONGOING

_PCT = r"(\d{1,3}(?:[.,]\d+)?)\s*%"
# (pattern, comparator, certain): tried in this order; a later pattern never takes a figure an
# earlier one matched. A bare figure other than 100% says no direction: taken as ">=", uncertain.
_FIGURES = (
    (re.compile(rf"\btrên\s+(?:mức\s+)?{_PCT}", re.I), ">", True),
    (re.compile(rf"\b(?:từ|đạt|tối thiểu|ít nhất|không dưới|không thấp hơn)(?:\s+(?:tương ứng|là|đạt|tỷ lệ|mức))*"
                rf"\s+{_PCT}(?:\s+trở lên)?", re.I), ">=", True),
    (re.compile(rf"{_PCT}\s+trở lên", re.I), ">=", True),
    (re.compile(r"\b100\s*%"), ">=", True),
    (re.compile(_PCT), ">=", False),
)


@dataclass(frozen=True)
class Figure:
    comparator: str
    threshold: float  # a share: 0.98
    start: int
    end: int
    words: str  # the words the figure was read from
    certain: bool


def figures(text: str) -> list[Figure]:
    """Every figure of `text` with the comparator its words give, in order of appearance."""
    found: list[Figure] = []
    for pattern, comparator, certain in _FIGURES:
        for m in pattern.finditer(text):
            if any(m.start() < f.end and f.start < m.end() for f in found):
                continue
            number = float((m.group(1) if m.groups() else "100").replace(",", "."))
            if 0 <= number <= 100:
                found.append(Figure(comparator, round(number / 100, 6), m.start(), m.end(), m.group(0), certain))
    return sorted(found, key=lambda f: f.start)


@dataclass(frozen=True)
class Rule:
    check: str
    registers: tuple[str, ...]
    all_of: tuple[tuple[str, ...], ...]  # every group must match (any word of the group)
    none_of: tuple[str, ...] = ()
    params: dict = field(default_factory=dict, hash=False)

    def matches(self, text: str) -> bool:
        low = text.lower()
        return all(any(w in low for w in group) for group in self.all_of) and not any(w in low for w in self.none_of)


_STAFF = ("cán bộ", "công chức", "viên chức")
RULES = (
    Rule("monthly_publication", ("cong_khai",), (("công khai",), ("tỷ lệ",), ("đúng hạn", "trễ hạn")),
         params={"content": "ty_le_dung_han"}),
    Rule("monthly_publication", ("cong_khai",), (("công khai",), ("tỷ lệ",), ("hài lòng",)),
         params={"content": "ty_le_hai_long"}),
    Rule("apologies", ("ho_so", "thu_tuc"), (("xin lỗi",), ("trễ hẹn", "trễ hạn", "quá hạn"))),
    Rule("internal_procedures_published", ("thu_tuc",), (("nội bộ",), ("công bố", "công khai"))),
    Rule("complaints_on_time", ("don_thu",), (("khiếu nại", "tố cáo", "xử lý đơn"),), ("công khai",)),
    Rule("feedback_answered", ("don_thu",), (("phản ánh",), ("kiến nghị",), ("trả lời",))),
    Rule("satisfaction", ("khao_sat",), (("hài lòng",), ("thủ tục hành chính", "tthc")), ("công khai", "dịch vụ"),
         params={"linh_vuc": "tthc"}),
    Rule("satisfaction", ("khao_sat",), (("hài lòng",), ("dịch vụ",)), ("công khai", "thủ tục hành chính"),
         params={"linh_vuc": "dich_vu_cong"}),
    Rule("tthc_on_time", ("ho_so", "thu_tuc"), (("đúng hạn",), ("hồ sơ", "tthc", "thủ tục")),
         ("công khai", "khiếu nại", "tố cáo", "xin lỗi")),
    Rule("digitized", ("ho_so",), (("số hóa",),)),
    Rule("electronic_payment", ("ho_so", "thu_tuc", "thanh_toan"), (("thanh toán điện tử",),)),
    Rule("electronic_documents", ("van_ban",), (("văn bản",), ("môi trường điện tử",)), ("chữ ký số",)),
    Rule("staff_flag", ("can_bo",), (("chữ ký số",), _STAFF), params={"column": "chu_ky_so"}),
    Rule("staff_flag", ("can_bo",), (("thư điện tử",), _STAFF), params={"column": "thu_cong_vu"}),
    Rule("reporting_systems", ("he_thong_bao_cao",), (("hệ thống báo cáo", "hệ thống thông tin báo cáo"),
                                                       ("kết nối", "liên thông"))),
    Rule("data_reuse", ("ho_so",), (("không phải cung cấp lại",),)),
)


def matching_rules(text: str) -> list[Rule]:
    """The rules whose words `text` holds, in the table's order."""
    return [rule for rule in RULES if rule.matches(text)]


# --- a task's deadline (Thời hạn) -------------------------------------------------------------
# What a task's words say of when it is due: `thuong_xuyen` (plan.DEADLINE_ONGOING) for work the
# plan asks "thường xuyên" or "định kỳ" (the committed plan's reading), a date for "trước ngày
# 30/6/2024" and its kin. Readings that take a step beyond the words are uncertain, said for
# review: a date printed without its year (the plan's year), "Quý II" and "trong tháng 6" (the
# quarter's, the month's last day), "hằng tháng"/"hằng quý" (recurring work: ongoing). "Hằng năm"
# says nothing in a one-year plan (what it does not date is due within its year), "kịp thời" and
# "đột xuất" name no time: neither gives a deadline.
_DAY_MONTH_YEAR = (r"(\d{1,2})(?:\s*[/.-]\s*|\s+tháng\s+)(\d{1,2})"
                   r"(?:(?:\s*[/.-]\s*|\s+năm\s+)(\d{4}))?")
_DEADLINE_PATTERNS = (
    ("ongoing", re.compile(r"\b(?:thường xuyên|định kỳ)\b", re.I)),
    ("recurring", re.compile(r"\b(?:hằng|hàng)\s+(?:ngày|tuần|tháng|quý)\b", re.I)),
    ("date", re.compile(r"\b(?:trước|chậm nhất(?:\s+là)?|muộn nhất|hạn chót|hạn cuối|thời hạn|đến hết)"
                        rf"\s*:?\s*(?:vào\s+)?(?:ngày\s+)?{_DAY_MONTH_YEAR}\b", re.I)),
    ("quarter", re.compile(r"\b(?i:quý)\s+(IV|I{1,3}|[1-4])\b(?:\s*(?:/|(?i:năm))\s*(\d{4}))?")),
    ("month", re.compile(r"\b(?i:trong|cuối|hết)\s+(?i:tháng)\s+(\d{1,2})\b(?:\s*(?:/|(?i:năm))\s*(\d{4}))?")),
)
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


@dataclass(frozen=True)
class Deadline:
    value: dt.date | str | None  # a date, "thuong_xuyen", or None: the words name no calendar day
    start: int
    end: int
    words: str
    certain: bool


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def deadlines(text: str, year: int) -> list[Deadline]:
    """Every deadline `text` states, in order of appearance; `year` is the plan's, for a date or
    quarter printed without one."""
    found: list[Deadline] = []
    for kind, pattern in _DEADLINE_PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < d.end and d.start < m.end() for d in found):
                continue
            value: dt.date | str | None
            try:
                if kind in ("ongoing", "recurring"):
                    value, certain = DEADLINE_ONGOING, kind == "ongoing"
                elif kind == "date":
                    day, month, y = m.groups()
                    value, certain = dt.date(int(y or year), int(month), int(day)), y is not None
                elif kind == "quarter":
                    q = _ROMAN.get(m.group(1).upper()) or int(m.group(1))
                    value, certain = _month_end(int(m.group(2) or year), 3 * q), False
                else:
                    value, certain = _month_end(int(m.group(2) or year), int(m.group(1))), False
            except ValueError:  # 31/2, tháng 13: no day of the calendar
                value, certain = None, False
            found.append(Deadline(value, m.start(), m.end(), m.group(0), certain))
    return sorted(found, key=lambda d: d.start)
