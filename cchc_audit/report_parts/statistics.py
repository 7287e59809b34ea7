"""Appendix II: the TTHC statistics (Biểu 06)."""

from __future__ import annotations

from .. import privacy
from ..codes import Audience
from ..fmt import fmt_int
from ..messages import label
from ..trends import History
from ..tthc_stats import COLUMNS as STAT_COLUMNS
from ..tthc_stats import TOTAL, WITHDRAWN, tthc_statistics
from .common import appendix_head, field_of, known_names, memo


def statistics_view(audit, lang: str, audience: str, history: History | None = None) -> dict | None:
    dossiers = field_of(audit, "dossiers")
    if dossiers is None:
        return None
    # Both audiences' tables count the same dossiers.
    table = memo(audit, "tthc_statistics", lambda: tthc_statistics(dossiers, audit.period))
    public = audience == Audience.PUBLIC
    rows = []
    for number, (name, values) in enumerate(table.iterrows(), start=1):
        total = name == TOTAL
        if not total:  # a procedure's title can name a person: masked, or redacted in public
            name = privacy.scrub_text(name, () if public else known_names(audit), redact=public)
        rows.append({"stt": "" if total else number, "name": label("total", lang) if total else name,
                     "total": total, "cells": [fmt_int(values[c], lang) for c in STAT_COLUMNS]})
    total = table.loc[TOTAL]
    adds_up = label("stats_adds_up", lang, received=fmt_int(total["nhan_tong"], lang),
                    resolved=fmt_int(total["da_tong"], lang), in_progress=fmt_int(total["dang_tong"], lang),
                    withdrawn=fmt_int(total[WITHDRAWN], lang))
    return {"head": appendix_head(audit, "II", label("stats_title", lang), lang), "rows": rows,
            "note": label("stats_note", lang), "adds_up": adds_up}
