"""The overview, the report's first screen: counts by status per plan area and every check that
needs action, linked to its detail."""

from __future__ import annotations

from collections import Counter

from ..codes import Status
from ..fmt import fmt_int, fmt_pct
from ..messages import label
from ..results import STATUSES, CheckResult, status_label
from ..trends import History
from .common import anchor, areas_of, period_dates, targets_of, tasks_of
from .summary import compared_line

# Statuses that need someone to act, as the overview lists them.
ATTENTION = (Status.KHONG_DAT, Status.THIEU_DU_LIEU)


def _attention_item(check: CheckResult, lang: str) -> dict:
    count = 0 if check.items is None else len(check.items)
    return {"id": check.id, "href": "#" + anchor(check.id), "status": check.status,
            "title": f"{check.id} — {check.title(lang)} ({status_label(check.status, lang)})",
            "count": fmt_int(count, lang) if count and check.kind == "target" else ""}


def _overview_row(area_id: str, title: str, checks: list[CheckResult], lang: str) -> dict:
    counts = Counter(c.status for c in checks)
    return {"id": area_id, "title": title, "href": "#" + anchor(area_id),
            "counts": [counts.get(s, 0) for s in STATUSES],
            "attention": [_attention_item(c, lang) for c in checks if c.status in ATTENTION]}


def overview_view(audit, lang: str, audience: str, history: History | None = None) -> dict:
    """Counts by status for each plan area and every check that needs action, linked to its
    detail: the first screen of the report."""
    by_area: dict[str, list[CheckResult]] = {}
    for check in audit.checks:
        by_area.setdefault(check.area, []).append(check)
    groups = []
    for section in ("II", "III"):
        rows = []
        for area in areas_of(audit, section):
            checks = by_area.pop(area.id, [])
            if not checks:
                continue
            rows.append(_overview_row(area.id, area.title_en if lang == "en" else area.title_vi,
                                      checks, lang))
        if rows:
            groups.append({"title": label("overview_II" if section == "II" else "overview_III", lang),
                           "rows": rows})
    if by_area:  # areas the plan does not list (defensive): one more group, so nothing is lost
        groups.append({"title": "", "rows": [_overview_row(area_id, "", checks, lang)
                                             for area_id, checks in by_area.items()]})
    targets = targets_of(audit)
    tasks = tasks_of(audit)
    target_counts = Counter(c.status for c in targets)
    task_counts = Counter(c.status for c in tasks)
    assessed = target_counts[Status.DAT] + target_counts[Status.KHONG_DAT]
    lines = [label("overview_targets", lang, met=target_counts[Status.DAT], assessed=assessed,
                   total=len(targets), value=fmt_pct(target_counts[Status.DAT] / assessed if assessed else None, lang))]
    evidenced = task_counts[Status.DAT] + task_counts[Status.KHONG_PHAT_SINH]
    if tasks:
        lines.append(label("overview_tasks", lang, done=evidenced, total=len(tasks),
                           missing=task_counts[Status.KHONG_DAT]))
    return {"title": label("overview_title", lang), "lines": lines, "groups": groups,
            "statuses": [{"code": s, "label": status_label(s, lang)} for s in STATUSES],
            "period": period_dates(audit.period, lang),
            "compared": compared_line(history, lang)}
