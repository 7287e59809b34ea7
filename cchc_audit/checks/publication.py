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
    about = _contents(ctx, posts) == content
    # The register's months and dates read once, as plain values (a few dozen rows): a pandas
    # selection per month cost more than the months themselves.
    months = posts["ky"]
    ky_missing = months.isna().to_numpy(bool)
    ky_values = months.to_numpy(object)
    posted = posts["ngay_dang"]
    dated = list(zip(list(posted), ~posted.isna().to_numpy(bool)))
    rows = []
    for year, month in ctx.period.months():
        deadline = publication_deadline(ctx, year, month)
        if deadline > ctx.period.end:
            continue
        ky = f"{year:04d}-{month:02d}"
        mine = about & ~ky_missing
        mine[mine] = ky_values[mine] == ky
        dates = [v for (v, present), row in zip(dated, mine) if row and present]
        in_time = [d for d in dates if d <= pd.Timestamp(deadline)]
        first = min(dates) if dates else pd.NaT
        rows.append({"ky": ky, "han_cong_khai": pd.Timestamp(deadline),
                     "ngay_dang": min(in_time) if in_time else first,
                     "dat": bool(in_time),
                     "ly_do": None if in_time else (Reason.CONG_KHAI_MUON if dates else Reason.THANG_CHUA_CONG_KHAI)})
    table = pd.DataFrame(rows, columns=["ky", "han_cong_khai", "ngay_dang", "dat", "ly_do"])
    published = int(table["dat"].sum()) if len(table) else 0
    found = table[~table["dat"].astype(bool)].drop(columns="dat").set_index(pd.Index(
        [None] * int((~table["dat"].astype(bool)).sum()), name="row")) if len(table) else None
    undated = about & ky_missing
    notes = []
    if undated.any():
        notes.append(Note.of("note.publications_undated", count=int(undated.sum())))
    return Measure(published, len(table), found, notes, extra={"months": table.to_dict("records")})


def _contents(ctx: Context, posts: pd.DataFrame) -> np.ndarray:
    """Each publication's content as a slug, worked out once per audit (II.1.2 and II.3 both ask)."""
    if "publication_contents" not in ctx.memo:
        ctx.memo["publication_contents"] = posts["noi_dung"].fillna("").map(slug).to_numpy(object)
    return ctx.memo["publication_contents"]
