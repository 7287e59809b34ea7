"""Section II.1.2, II.1.4 and II.3: publication (công khai) — internal procedures, and the monthly
on-time and satisfaction rates kept current."""

from __future__ import annotations

import calendar as _cal
import datetime as dt

import numpy as np
import pandas as pd

from ..codes import Reason
from ..params import DEFAULT_PUBLICATION_DAYS
from ..results import Note
from ..text import slug
from .base import Context, Measure, as_date, check, items


@check("internal_procedures_published")
def internal_procedures_published(ctx: Context) -> Measure:
    """II.1.4: internal procedures (`noi_bo`) published on or before the end of P."""
    procedures = ctx.registers["thu_tuc"]
    counted = procedures["noi_bo"].to_numpy(bool)
    good = counted & ctx.by_end(procedures["ngay_cong_khai"]).to_numpy(bool)
    return Measure(int(good.sum()), int(counted.sum()),
                   items(procedures, counted & ~good, ["ma_thu_tuc", "ten_thu_tuc", "ngay_cong_khai"],
                         Reason.CHUA_CONG_KHAI))


def publication_deadline(ctx: Context, year: int, month: int) -> dt.date:
    """Month end + N working days (N = params `publication_deadline_working_days`, default 5)."""
    n = int(ctx.params.get("publication_deadline_working_days", DEFAULT_PUBLICATION_DAYS))
    month_end = np.array([dt.date(year, month, _cal.monthrange(year, month)[1])], dtype="datetime64[D]")
    return as_date(ctx.calendar.add_working_days(month_end, n)[0])


@check("monthly_publication")
def monthly_publication(ctx: Context, content: str) -> Measure:
    """II.1.2 / II.3: each month of P whose publication deadline falls in P has a publication of
    `content` for that month dated on or before the deadline."""
    posts = ctx.registers["cong_khai"]
    about = (posts["noi_dung"].fillna("").map(slug) == content).to_numpy(bool)
    rows = []
    for year, month in ctx.period.months():
        deadline = publication_deadline(ctx, year, month)
        if deadline > ctx.period.end:
            continue
        ky = f"{year:04d}-{month:02d}"
        mine = about & (posts["ky"] == ky).fillna(False).to_numpy(bool)
        dates = posts.loc[mine, "ngay_dang"].dropna()
        in_time = dates[dates <= pd.Timestamp(deadline)]
        first = dates.min() if not dates.empty else pd.NaT
        rows.append({"ky": ky, "han_cong_khai": pd.Timestamp(deadline),
                     "ngay_dang": in_time.min() if not in_time.empty else first,
                     "dat": not in_time.empty,
                     "ly_do": None if not in_time.empty else (Reason.CONG_KHAI_MUON if not dates.empty
                                                              else Reason.THANG_CHUA_CONG_KHAI)})
    table = pd.DataFrame(rows, columns=["ky", "han_cong_khai", "ngay_dang", "dat", "ly_do"])
    published = int(table["dat"].sum()) if len(table) else 0
    found = table[~table["dat"].astype(bool)].drop(columns="dat").set_index(pd.Index(
        [None] * int((~table["dat"].astype(bool)).sum()), name="row")) if len(table) else None
    undated = about & posts["ky"].isna().to_numpy(bool)
    notes = []
    if undated.any():
        notes.append(Note.of("note.publications_undated", count=int(undated.sum())))
    return Measure(published, len(table), found, notes, extra={"months": table.to_dict("records")})
