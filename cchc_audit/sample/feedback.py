"""What families send the school: complaints, denunciations and feedback (don_thu), and answers to
satisfaction surveys (khao_sat)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..calendar import CALENDAR_DAYS, WORKING_DAYS, WorkingCalendar
from .arrays import NAT, at_least, at_most_below, numbered_codes, quarter_of, quota, sample_days
from .people import full_names

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
_DEADLINE = {"khieu_nai": (30, WORKING_DAYS), "to_cao": (30, CALENDAR_DAYS), "phan_anh_kien_nghi": (10, WORKING_DAYS)}


def don_thu(rng, cal: WorkingCalendar, year: int, scale: float, code_prefix: str) -> dict:
    """The year's letters: ordinary ones settled in time, plus the late, open, unanswered and pending
    ones of the II.1.1.b and II.2.3 misses."""
    y = lambda m, d: np.datetime64(dt.date(year, m, d), "D")  # noqa: E731
    n_kn, n_tc, n_pakn = max(3, round(3 * scale)), max(1, round(scale)), max(12, round(18 * scale))
    kind = np.array(["khieu_nai"] * n_kn + ["to_cao"] * n_tc + ["phan_anh_kien_nghi"] * n_pakn)
    n = len(kind)
    # Ordinary letters arrive January to early November and are settled in time.
    received = sample_days(rng, cal, year, n, [1, 0.8, 1, 1, 1, 1, 1, 1.5, 2, 1.5, 1, 0], 0.0, until=y(11, 8))

    kn = np.flatnonzero(kind == "khieu_nai")
    pakn = np.flatnonzero(kind == "phan_anh_kien_nghi")
    late_complaint, open_complaint = kn[0], kn[-1]
    unanswered, pending = pakn[0], pakn[-1]
    received[late_complaint] = cal.working_day_on_or_after([y(4, 1) + rng.integers(0, 15)])[0]
    received[open_complaint] = cal.working_day_on_or_after([y(12, 2) + rng.integers(0, 12)])[0]
    received[unanswered] = cal.working_day_on_or_after([y(10, 14) + rng.integers(0, 20)])[0]
    received[pending] = cal.working_day_on_or_after([y(12, 20) + rng.integers(0, 6)])[0]

    deadline = np.full(n, NAT)
    for k, (days, unit) in _DEADLINE.items():
        m = kind == k
        deadline[m] = cal.due_dates(received[m], np.full(m.sum(), days), np.full(m.sum(), unit))
    room = np.maximum(cal.working_days_between(received, deadline), 1)
    settled = cal.add_working_days(received, rng.integers(np.maximum(room // 3, 1), room + 1))
    settled[late_complaint] = cal.add_working_days(deadline[[late_complaint]], rng.integers(3, 8))[0]
    for i in (open_complaint, unanswered, pending):
        settled[i] = NAT
    answered = settled.copy()
    published = np.full(n, NAT)  # answers are posted on the website 1-3 working days later
    has = ~np.isnat(settled)
    published[has] = cal.add_working_days(settled[has], rng.integers(1, 4, int(has.sum())))
    published[published > np.datetime64(f"{year}-12-31")] = NAT

    content = np.empty(n, dtype=object)
    content[kind == "khieu_nai"] = [_COMPLAINTS[i % len(_COMPLAINTS)] for i in range(n_kn)]
    content[kind == "to_cao"] = [_DENUNCIATIONS[i % len(_DENUNCIATIONS)] for i in range(n_tc)]
    content[pakn] = np.array(_FEEDBACK, dtype=object)[rng.permutation(n_pakn) % len(_FEEDBACK)]
    content[pakn[1]] = _ESCAPE_TEXT

    order = np.lexsort((np.arange(n), received))
    female = rng.random(n) < 0.75
    sender = full_names(rng, female).astype(object)
    frame = {
        "loai": kind, "ngay_nhan": received, "han_giai_quyet": deadline, "ngay_giai_quyet": settled,
        "ngay_tra_loi": answered, "ngay_cong_khai": published, "noi_dung": content, "nguoi_gui": sender,
    }
    frame = {k: np.asarray(v)[order] for k, v in frame.items()}
    return {"ma_don": numbered_codes(f"{code_prefix}-{year}-", n, 3), **frame}


# ---------------------------------------------------------------------------------------------
# Satisfaction surveys

SATISFACTION_TARGET = 0.95
SATISFIED_SHARE = {  # (linh_vuc, quarter) -> share of responses rated 4 or 5
    **{("dich_vu_cong", q): s for q, s in zip((1, 2, 3, 4), (0.97, 0.96, 0.975, 0.965))},
    **{("tthc", q): s for q, s in zip((1, 2, 3, 4), (0.965, 0.97, 0.93, 0.96))},
}
_SURVEY_MONTHS = {
    "dich_vu_cong": [0.6, 0.5, 0.8, 0.8, 2.0, 0.8, 0.5, 0.8, 1.2, 1.0, 1.2, 2.2],  # end of each term
    "tthc": [0.8, 0.6, 0.8, 0.8, 1.0, 2.0, 2.5, 2.5, 2.0, 1.2, 0.8, 0.8],  # follows the dossiers
}


def khao_sat(rng, cal: WorkingCalendar, year: int, scale: float) -> dict:
    """Survey answers with exact satisfied shares per field and quarter (the II.2.2 miss in Q3)."""
    counts = {"dich_vu_cong": max(40, round(230 * scale)), "tthc": max(40, round(190 * scale))}
    field = np.concatenate([np.full(c, f, dtype=object) for f, c in counts.items()])
    day = np.concatenate([sample_days(rng, cal, year, c, _SURVEY_MONTHS[f], 0.15) for f, c in counts.items()])
    satisfied = np.zeros(len(field), bool)
    quarter = quarter_of(day)
    for (f, q), share in SATISFIED_SHARE.items():
        cell = np.flatnonzero((field == f) & (quarter == q))
        limits = ({"low": at_least(SATISFACTION_TARGET, len(cell))} if share >= SATISFACTION_TARGET
                  else {"high": at_most_below(SATISFACTION_TARGET, len(cell))})
        satisfied[quota(rng, cell, share, **limits)] = True
    level = np.where(satisfied, np.where(rng.random(len(field)) < 0.6, 5, 4),
                     np.array([3, 2, 1])[rng.choice(3, size=len(field), p=[0.7, 0.25, 0.05])])
    order = np.lexsort((rng.random(len(field)), day))
    return {
        "ma_phieu": numbered_codes(f"PKS-{year}-", len(field)),
        "ngay": day[order],
        "linh_vuc": field[order].astype(str),
        "muc_do": pd.array(level[order], dtype="Int64"),
    }
