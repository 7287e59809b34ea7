"""The overview, the report's first screen: counts by status per plan area and every check that
needs action, linked to its detail."""

from __future__ import annotations

from collections import Counter

from ..codes import Audience, Status
from ..fmt import fmt_date_prose, fmt_int, fmt_pct, fmt_share
from ..messages import label
from ..results import STATUSES, CheckResult, status_label
from ..trends import History
from .common import (
    anchor,
    areas_of,
    field_of,
    figure_name,
    lower_first,
    period_dates,
    period_label,
    plan_targets,
    report_date,
    target_text,
    targets_of,
    tasks_of,
    unit_view,
)
from .summary import compared_line
from .tasks import task_counts

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
    detail: the first screen of the internal report. The public report's first screen says in
    plain words how the school did (`public_overview_view`)."""
    if audience == Audience.PUBLIC:
        return public_overview_view(audit, lang)
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
    task_statuses = Counter(c.status for c in tasks)
    assessed = target_counts[Status.DAT] + target_counts[Status.KHONG_DAT]
    lines = [label("overview_targets", lang, met=target_counts[Status.DAT], assessed=assessed,
                   total=len(targets), value=fmt_pct(target_counts[Status.DAT] / assessed if assessed else None, lang))]
    evidenced = task_statuses[Status.DAT] + task_statuses[Status.KHONG_PHAT_SINH]
    if tasks:
        lines.append(label("overview_tasks", lang, done=evidenced, total=len(tasks),
                           missing=task_statuses[Status.KHONG_DAT]))
    return {"public": False, "title": label("overview_title", lang), "lines": lines, "groups": groups,
            "statuses": [{"code": s, "label": status_label(s, lang)} for s in STATUSES],
            "period": period_dates(audit.period, lang),
            "compared": compared_line(history, lang)}


# --- the public report's first screen ----------------------------------------------------------------

# The figures a parent asks about (REPORT-FORM.md, "The public report"), by the check that measures
# them, in this order.
PUBLIC_FIGURES = ("tthc_on_time", "satisfaction", "complaints_on_time", "feedback_answered")


def public_target(comparator, threshold, lang: str) -> str:
    """A target in words: `từ 98% trở lên`, `trên 80%`, `100%`."""
    if comparator == ">=" and threshold is not None and threshold < 1:
        return label("public_target_ge", lang, share=fmt_share(threshold, lang))
    if comparator == ">":
        return label("public_target_gt", lang, share=fmt_share(threshold, lang))
    return target_text(comparator, threshold, lang)


def public_mark(status: str, lang: str) -> str:
    """`Đạt` / `Chưa đạt` (and the other statuses) in plain words: a parent reads the word, not
    the colour."""
    return label(f"public_mark.{status}", lang)


def public_figures(audit, lang: str) -> list[dict]:
    by_id = {c.id: c for c in targets_of(audit)}
    plan_order = [t for t in plan_targets(audit).values() if t.check in PUBLIC_FIGURES and t.id in by_id]
    chosen = sorted(plan_order, key=lambda t: PUBLIC_FIGURES.index(t.check))
    out = []
    for target in chosen:
        check = by_id[target.id]
        if check.denominator:
            value = label("public_value", lang, value=fmt_pct(check.value, lang),
                          numerator=fmt_int(check.numerator, lang), denominator=fmt_int(check.denominator, lang))
        else:
            value = label("figure_none", lang)
        out.append({"id": check.id, "name": figure_name(target, lang), "value": value,
                    "target": public_target(check.comparator, check.target, lang),
                    "status": check.status, "mark": public_mark(check.status, lang)})
    return out


def contacts(audit, lang: str) -> str:
    """How to reach the school: the office's phone, e-mail and website from `don_vi.yaml` (not
    personal data); empty when the file gives none."""
    unit = field_of(audit, "unit")
    parts = [label(f"contact_{key}", lang, value=value) for key in ("dien_thoai", "email", "website")
             if (value := field_of(unit, key))]
    if not parts:
        return ""
    return label("public_contacts", lang, unit=unit_view(audit)["name_plain"], contacts="; ".join(parts))


def public_overview_view(audit, lang: str) -> dict:
    targets = targets_of(audit)
    counts = Counter(c.status for c in targets)
    assessed = counts[Status.DAT] + counts[Status.KHONG_DAT]
    unit = unit_view(audit)["name_plain"] or label("blank", lang)  # a missing name is left blank
    lead = label("public_lead", lang, period=lower_first(period_label(audit.period, lang), lang),
                 dates=period_dates(audit.period, lang), unit=unit, met=counts[Status.DAT], assessed=assessed)
    if counts[Status.KHONG_DAT]:
        lead += " " + label("public_not_met", lang, plural=counts[Status.KHONG_DAT], count=counts[Status.KHONG_DAT])
    tasks = tasks_of(audit)
    return {
        "public": True,
        "title": label("public_title", lang),
        "lead": lead,
        "tasks": task_counts(tasks, lang)["evidenced"] if tasks else "",
        "figures_title": label("public_figures_title", lang),
        "figures": public_figures(audit, lang),
        "report_date": label("public_report_date", lang, date=fmt_date_prose(report_date(audit), lang)),
        "contacts": contacts(audit, lang),
    }
