"""The key targets across the unit's earlier periods of the same length."""

from __future__ import annotations

from .. import charts
from ..fmt import DASH, fmt_pct
from ..messages import label
from ..results import STATUSES, status_label
from ..trends import History, short_label
from .common import period_label, plan_targets, target_text, targets_of

# Targets measured over the period's flow of dossiers, responses and letters: their trend says
# something (staff and system lists change little from one period to the next).
TREND_CHECKS = ("tthc_on_time", "complaints_on_time", "apologies", "satisfaction", "feedback_answered",
                "digitized", "data_reuse")


def trends_view(audit, lang: str, audience: str, history: History | None = None) -> dict:
    """The key targets in each earlier period of the same length and in this one: a table of every
    target, and a small chart per flow target measured in two periods or more."""
    runs = list(history.runs) if history else []
    columns = [period_label(r.period, lang) for r in runs] + [period_label(audit.period, lang)]
    periods = [r.period for r in runs] + [audit.period]
    several_years = len({p.id[:4] for p in periods}) > 1
    short = [short_label(p, several_years) for p in periods]
    targets = plan_targets(audit)
    rows, series = [], []
    for check in targets_of(audit):
        cells = []
        points = []
        for run, name in zip(runs, short):
            record = run.check(check.id) or {}
            value = record.get("value") if record.get("denominator") else None
            cells.append({"text": fmt_pct(value, lang) if value is not None else DASH,
                          "status": record.get("status", ""),
                          "title": status_label(record["status"], lang) if record.get("status") in STATUSES else ""})
            points.append((name, value, record.get("status")))
        value = check.value if check.denominator else None
        cells.append({"text": fmt_pct(value, lang) if value is not None else DASH, "status": check.status,
                      "title": status_label(check.status, lang)})
        points.append((short[-1], value, check.status))
        rows.append({"id": check.id, "title": check.title(lang),
                     "target": target_text(check.comparator, check.target, lang), "cells": cells})
        plan_target = targets.get(check.id)
        if plan_target is not None and plan_target.check in TREND_CHECKS and check.comparator in (">=", ">"):
            series.append({"id": check.id, "threshold": check.target, "points": points})
    chart = charts.trend_chart(series, lang) if runs else None
    return {"title": label("trends_title", lang), "has_history": bool(runs),
            "none": label("no_history", lang), "columns": columns, "rows": rows,
            "chart": chart, "source": label("trends_source", lang),
            "skipped": label("trends_skipped", lang, runs="; ".join(history.skipped))
            if history and history.skipped else ""}
