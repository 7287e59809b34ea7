"""Evidence for the plan's section III tasks (nhiem_vu), drawn from the outgoing documents."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..calendar import WorkingCalendar
from .arrays import month_of

NO_ROWS = ("III.1.11", "III.2.5", "III.7.8")  # preferred ids for tasks without any row
NOT_STARTED = "III.5.6"  # only a chua_thuc_hien row
NO_EVIDENCE_REF = "III.4.1"  # a dang_thuc_hien row without minh_chung
NOT_ARISEN = "III.4.3"  # staff reduction: khong_phat_sinh with a note


def nhiem_vu(rng, cal: WorkingCalendar, year: int, task_ids: Sequence[str], documents: dict) -> dict:
    """Progress rows for every task but the special ones above, citing `documents` (`office.van_ban`)."""
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

    out_rows = documents["outgoing_rows"]
    out_days = documents["ngay"][out_rows]
    out_symbols = documents["so_ky_hieu"][out_rows]
    out_kinds = documents["outgoing_kind"]
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
                day = cal.working_day_on_or_after([out_days[pick]])[0]
                evidence = f"Bài viết chuyên mục CCHC trên trang thông tin điện tử của trường ngày {fmt(day)}"
            last = j == n_rows - 1
            done = last and month_of([day])[0] >= 6 and rng.random() < 0.7
            rows.append((task, day, "hoan_thanh" if done else "dang_thuc_hien", evidence, None))
    mid = cal.working_day_before([np.datetime64(f"{year}-06-15")])[0]
    late = cal.working_day_before([np.datetime64(f"{year}-12-14")])[0]
    if not_started:
        rows.append((not_started, mid, "chua_thuc_hien", None, "Chưa triển khai, chờ hướng dẫn của cấp trên"))
    if no_ref:
        rows.append((no_ref, cal.working_day_before([np.datetime64(f"{year}-09-20")])[0], "dang_thuc_hien", None,
                     "Đang xây dựng dự thảo phương án"))
    if not_arisen:
        note = "Trong kỳ, đơn vị không có trường hợp thuộc diện tinh giản biên chế"
        rows += [(not_arisen, mid, "khong_phat_sinh", None, note), (not_arisen, late, "khong_phat_sinh", None, note)]
    rows.sort(key=lambda r: (r[1], ids.index(r[0])))
    return {"ma_nhiem_vu": [r[0] for r in rows], "ngay": [r[1] for r in rows], "trang_thai": [r[2] for r in rows],
            "minh_chung": [r[3] for r in rows], "ghi_chu": [r[4] for r in rows]}
