"""Parts I and III: the plan's tasks (section III) with their evidence and counts.

Each area lists, in plan order, the tasks the evidence register recorded in the period (the task
progress table of REPORT-FORM.md: task, result / evidence, deadline, state, note); the tasks it
holds no row for are named in one sentence after it, as "chưa có minh chứng trong kỳ" (DOMAIN.md:
no evidence yet, not work that failed), and Phụ lục I carries every task in full.
"""

from __future__ import annotations

from .. import messages, privacy
from ..codes import Audience, Status
from ..fmt import fmt_date, fmt_pct, is_missing
from ..messages import label
from ..plan import DEADLINE_ONGOING
from ..results import CheckResult, status_label
from ..trends import History
from .common import anchor, areas_of, check_notes, field_of, known_names, tasks_of


def evidence_lines(check: CheckResult, lang: str, audience: str, names) -> list[str]:
    """One line per evidence row in the period: date, reference, progress, reason. The public
    report leaves the reference out (free text); the internal one masks personal data in it."""
    lines = []
    frame = check.items
    if frame is None or len(frame) == 0:
        return lines
    # The four columns as lists (None where the frame lacks one): a row Series per row cost more
    # than the lines themselves.
    absent = [None] * len(frame)
    columns = [frame[c].tolist() if c in frame.columns else absent
               for c in ("ngay", "minh_chung", "trang_thai", "ly_do")]
    for day, evidence, state, reason in zip(*columns):
        parts = [fmt_date(day, lang)]
        if audience != Audience.PUBLIC and not is_missing(evidence) and str(evidence).strip():
            parts.append(privacy.scrub_text(str(evidence), names))
        if not is_missing(state) and len(frame) > 1:  # one row: the progress column says it
            parts.append(f"({messages.choice_label('trang_thai', state, lang)})")
        if not is_missing(reason):
            parts.append(f"— {messages.reason(reason, lang)}")
        lines.append(" ".join(p for p in parts if p))
    return lines


def recorded(check: CheckResult) -> bool:
    """The evidence register holds a row for the task dated in the period."""
    return check.items is not None and len(check.items) > 0


def evidenced(check: CheckResult) -> bool:
    return check.status in (Status.DAT, Status.KHONG_PHAT_SINH)


def task_state(check: CheckResult, lang: str) -> str:
    """A task's assessment in words: its status, except that a task the register has no row for
    in the period reads "Chưa có minh chứng" (DOMAIN.md), not a bare "Không đạt"."""
    if check.status == Status.KHONG_DAT and not recorded(check):
        return label("task_no_evidence_state", lang)
    return status_label(check.status, lang)


def deadline_text(task, plan, lang: str) -> str:
    """The plan's "Thời hạn" for a task: its date, "Thường xuyên", or, when the plan gives none,
    the plan's year (a year's plan: what it does not date is due within its year)."""
    deadline = field_of(task, "deadline")
    if deadline == DEADLINE_ONGOING:
        return label("deadline_ongoing", lang)
    if deadline is not None:
        return fmt_date(deadline, lang)
    year = field_of(plan, "year")
    return label("deadline_plan_year", lang, year=year) if year else ""


def task_bullets(task, lang: str) -> list[str]:
    """The plan's bullets under a task; in English their glosses where the plan file gives them."""
    if task is None:
        return []
    return list(task.items_en if lang == "en" and getattr(task, "items_en", ()) else task.items)


def _task_notes(check: CheckResult, lang: str, audience: str, names) -> list[str]:
    """The checks' own notes, and (internal report only, masked) the register's notes: the
    public report carries no free text."""
    notes = check_notes(check, lang)
    frame = check.items
    if audience != Audience.PUBLIC and frame is not None and "ghi_chu" in frame.columns:
        notes += [privacy.scrub_text(str(v), names) for v in frame["ghi_chu"]
                  if not is_missing(v) and str(v).strip()]
    if check.waiver and check.waiver.get("active"):
        notes.append(label("waiver_until", lang, until=fmt_date(check.waiver.get("expires"), lang)))
    return notes


def _task_row(number: int, check: CheckResult, task, plan, lang: str, audience: str, names) -> dict:
    latest = (check.extra or {}).get("latest_status")
    state = task_state(check, lang)
    if check.status == Status.DAT and not is_missing(latest):
        state = messages.choice_label("trang_thai", latest, lang)  # Đang thực hiện / Hoàn thành
    return {
        "stt": number,
        "id": check.id,
        "anchor": anchor(check.id),
        "title": check.title(lang),
        "evidence": evidence_lines(check, lang, audience, names) or [label("no_evidence", lang)],
        "deadline": deadline_text(task, plan, lang),
        "status": check.status,
        "status_label": state,
        "notes": _task_notes(check, lang, audience, names),
    }


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


def _area_view(audit, area, lang: str, audience: str) -> dict:
    """An area's tasks in plan order: a row for each the register recorded in the period (or a
    waiver covers), and the ids of the others in one sentence."""
    plan = field_of(audit, "plan")
    names = known_names(audit) if audience != Audience.PUBLIC else frozenset()
    plan_tasks = {t.id: t for t in (field_of(plan, "tasks", ()) or ())}
    checks = [c for c in tasks_of(audit) if c.area == area.id]
    rows, missing = [], []
    for check in checks:
        if recorded(check) or check.status != Status.KHONG_DAT:
            rows.append(_task_row(len(rows) + 1, check, plan_tasks.get(check.id), plan, lang, audience, names))
        else:
            missing.append(check.id)
    return {
        "rows": rows,
        "counts": task_counts(checks, lang),
        # Each named with its anchor: the overview links every task that needs action.
        "missing": label("tasks_no_evidence_ids", lang, plural=len(missing), count=len(missing)) if missing else "",
        "missing_ids": [{"id": i, "anchor": anchor(i)} for i in missing],
    }


def direction_view(audit, lang: str, audience: str, history: History | None = None) -> dict:
    """Part I: the plan's first section III area (direction, management, communication)."""
    areas = areas_of(audit, "III")
    first = areas[0] if areas else None
    view = {"title": label("part_I", lang), "anchor": anchor(first.id) if first else "",
            "area_title": (first.title_en if lang == "en" else first.title_vi) if first else "",
            "rows": [], "missing": "", "missing_ids": [], "counts": task_counts([], lang),
            "see_appendix": "" if audience == Audience.PUBLIC else label("tasks_see_appendix", lang)}
    if first is not None:
        view.update(_area_view(audit, first, lang, audience))
    return view


def tasks_view(audit, lang: str, audience: str, history: History | None = None) -> dict:
    out = []
    for index, area in enumerate(areas_of(audit, "III")):
        entry = {
            "number": area.source,
            "anchor": "" if index == 0 else anchor(area.id),  # the first area's anchor is part I
            "title": area.title_en if lang == "en" else area.title_vi,
            "see_part_I": index == 0,
            "rows": [], "missing": "", "missing_ids": [],
        }
        if index:
            entry.update(_area_view(audit, area, lang, audience))
        out.append(entry)
    return {"title": label("part_III", lang), "areas": out, "counts": task_counts(tasks_of(audit), lang),
            # Phụ lục I is the signed report's: the public one has no appendix of every item.
            "see_appendix": "" if audience == Audience.PUBLIC else label("tasks_see_appendix", lang)}
