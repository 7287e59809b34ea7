"""Parts I and III: the plan's tasks (section III) with their evidence and counts."""

from __future__ import annotations

from .. import messages, privacy
from ..codes import Audience, Status
from ..fmt import fmt_date, fmt_pct, is_missing
from ..messages import label
from ..results import CheckResult, status_label
from ..trends import History
from .common import anchor, areas_of, field_of, known_names, tasks_of


def evidence_lines(check: CheckResult, lang: str, audience: str, names) -> list[str]:
    """One line per evidence row in the period: date, reference, progress, reason. The public
    report leaves the reference out (free text); the internal one masks personal data in it."""
    lines = []
    frame = check.items
    if frame is None or len(frame) == 0:
        return lines
    for _, row in frame.iterrows():
        parts = [fmt_date(row.get("ngay"), lang)]
        evidence = row.get("minh_chung")
        if audience != Audience.PUBLIC and not is_missing(evidence) and str(evidence).strip():
            parts.append(privacy.scrub_text(str(evidence), names))
        state = row.get("trang_thai")
        if not is_missing(state) and len(frame) > 1:  # one row: the progress column says it
            parts.append(f"({messages.choice_label('trang_thai', state, lang)})")
        if not is_missing(row.get("ly_do")):
            parts.append(f"— {messages.reason(row.get('ly_do'), lang)}")
        lines.append(" ".join(p for p in parts if p))
    return lines


def _task_notes(check: CheckResult, lang: str, audience: str, names) -> list[str]:
    notes = [n.text(lang) for n in check.notes]
    frame = check.items
    if audience != Audience.PUBLIC and frame is not None and "ghi_chu" in frame.columns:
        notes += [privacy.scrub_text(str(v), names) for v in frame["ghi_chu"]
                  if not is_missing(v) and str(v).strip()]
    return notes


def evidenced(check: CheckResult) -> bool:
    return check.status in (Status.DAT, Status.KHONG_PHAT_SINH)


def _task_row(number: int, check: CheckResult, lang: str, audience: str, names) -> dict:
    latest = (check.extra or {}).get("latest_status")
    return {
        "stt": number,
        "id": check.id,
        "anchor": anchor(check.id),
        "title": check.title(lang),
        "evidence": evidence_lines(check, lang, audience, names) or [label("no_evidence", lang)],
        "progress": "" if is_missing(latest) else messages.choice_label("trang_thai", latest, lang),
        "status": check.status,
        "status_label": status_label(check.status, lang),
        "notes": _task_notes(check, lang, audience, names),
        "items": [],
    }


def _task_order(checks: list[CheckResult]) -> list[CheckResult]:
    """Tasks without evidence first (they need action), then the rest; plan order within each."""
    return sorted(checks, key=lambda c: 0 if not evidenced(c) and c.status != Status.MIEN_TRU else 1)


def task_counts(tasks: list[CheckResult], lang: str) -> dict:
    """The count lines the district expects (`Hoàn thành 23/52 nhiệm vụ, đạt 44,23%`), by the
    rules of Audit.tasks_summary: evidenced = Đạt or Không phát sinh; completed = Đạt with the
    latest evidence row `hoan_thanh`."""
    total = len(tasks)
    with_evidence = sum(evidenced(c) for c in tasks)
    done = sum((c.extra or {}).get("latest_status") == "hoan_thanh" and c.status == Status.DAT for c in tasks)
    return {
        "evidenced": label("tasks_count", lang, done=with_evidence, total=total,
                           value=fmt_pct(with_evidence / total if total else None, lang)),
        "completed": label("tasks_done_count", lang, done=done, total=total,
                           value=fmt_pct(done / total if total else None, lang)),
    }


def _area_tasks(audit, area_id: str, lang: str, audience: str) -> list[dict]:
    plan = field_of(audit, "plan")
    names = known_names(audit) if audience != Audience.PUBLIC else frozenset()
    plan_tasks = {t.id: t for t in (field_of(plan, "tasks", ()) or ())}
    rows = []
    for number, check in enumerate(_task_order([c for c in tasks_of(audit) if c.area == area_id]), start=1):
        row = _task_row(number, check, lang, audience, names)
        task = plan_tasks.get(check.id)
        # The plan's bullets; in English their glosses where the plan file gives them.
        row["items"] = [] if task is None else list(
            task.items_en if lang == "en" and getattr(task, "items_en", ()) else task.items)
        rows.append(row)
    return rows


def direction_view(audit, lang: str, audience: str, history: History | None = None) -> dict:
    """Part I: the plan's first section III area (direction, management, communication)."""
    areas = areas_of(audit, "III")
    first = areas[0] if areas else None
    rows = _area_tasks(audit, first.id, lang, audience) if first is not None else []
    return {"title": label("part_I", lang),
            "anchor": anchor(first.id) if first else "",
            "area_title": (first.title_en if lang == "en" else first.title_vi) if first else "",
            "rows": rows,
            "counts": task_counts([c for c in tasks_of(audit) if first and c.area == first.id], lang)}


def tasks_view(audit, lang: str, audience: str, history: History | None = None) -> dict:
    out = []
    for index, area in enumerate(areas_of(audit, "III")):
        out.append({
            "number": area.source,
            "anchor": "" if index == 0 else anchor(area.id),  # the first area's anchor is part I
            "title": area.title_en if lang == "en" else area.title_vi,
            "see_part_I": index == 0,
            "rows": [] if index == 0 else _area_tasks(audit, area.id, lang, audience),
        })
    return {"title": label("part_III", lang), "areas": out, "counts": task_counts(tasks_of(audit), lang)}
