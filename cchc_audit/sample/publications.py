"""What the school publishes (cong_khai): monthly figures, internal procedures, budget and fees."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..calendar import WorkingCalendar
from ..params import DEFAULT_PUBLICATION_DAYS as PUBLICATION_DEADLINE_WORKING_DAYS  # noqa: E402
from .arrays import DAY

MISSING_PUBLICATION = ("ty_le_dung_han", 5)
LATE_PUBLICATION = ("ty_le_hai_long", 8)
_WEBSITE, _BOARD = "Trang thông tin điện tử của trường", "Bảng thông báo tại trường"
# The register's wording for the contract's contents: `slug` of each is the contract code.
PUBLICATION_WORDING = {"ty_le_dung_han": "Tỷ lệ đúng hạn", "ty_le_hai_long": "Tỷ lệ hài lòng",
                       "tthc_noi_bo": "TTHC nội bộ"}


def cong_khai(rng, cal: WorkingCalendar, year: int, internal_published: Sequence[np.datetime64]) -> dict:
    """The year's publications, with the missing and late monthly figures of II.1.2 / II.3."""
    rows: list[tuple] = []
    for month in range(1, 12):  # December's figures are due in January: outside the year
        month_end = (np.datetime64(f"{year}-{month:02d}") + 1).astype(DAY) - 1
        deadline = cal.add_working_days([month_end], PUBLICATION_DEADLINE_WORKING_DAYS)[0]
        for content in ("ty_le_dung_han", "ty_le_hai_long"):
            if (content, month) == MISSING_PUBLICATION:
                continue
            if (content, month) == LATE_PUBLICATION:
                day = cal.add_working_days([deadline], 4)[0]
            else:
                early = int(rng.integers(1, PUBLICATION_DEADLINE_WORKING_DAYS))
                day = cal.add_working_days([month_end], early)[0]
            wording = PUBLICATION_WORDING[content]
            rows.append((day, wording, f"{year}-{month:02d}", _WEBSITE))
            if content == "ty_le_dung_han" and month <= 3:  # also pinned on the notice board
                rows.append((cal.add_working_days([day], 1)[0], wording, f"{year}-{month:02d}", _BOARD))
    for day in sorted(set(internal_published)):
        if not np.isnat(day) and day.astype("datetime64[Y]").astype(int) + 1970 == year:
            rows.append((day, PUBLICATION_WORDING["tthc_noi_bo"], None, _WEBSITE))
    on_or_after = lambda day: cal.working_day_on_or_after([np.datetime64(f"{year}-{day}")])[0]  # noqa: E731
    rows += [
        (on_or_after("01-20"), f"Công khai dự toán ngân sách năm {year}", None, _WEBSITE),
        (on_or_after("06-12"), f"Công khai chất lượng giáo dục năm học {year - 1} - {year}", None, _BOARD),
        (on_or_after("08-26"), f"Công khai các khoản thu năm học {year} - {year + 1}", None, _WEBSITE),
    ]
    rows.sort(key=lambda r: (r[0], r[1]))
    return {"ngay_dang": [r[0] for r in rows], "noi_dung": [r[1] for r in rows],
            "ky": [r[2] for r in rows], "kenh": [r[3] for r in rows]}
