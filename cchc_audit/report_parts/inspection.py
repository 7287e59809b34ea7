"""Appendix I: the self-inspection table, one row per target and per task, with its remedy."""

from __future__ import annotations

from pathlib import Path

from .. import messages
from ..codes import Audience, Reason, Status
from ..fmt import fmt_int
from ..messages import label
from ..results import CheckResult, status_label
from ..trends import History
from .common import (
    appendix_head,
    field_of,
    fmt_figure,
    known_names,
    lower_first,
    plan_targets,
    register_title,
    target_text,
    waiver_line,
)
from .summary import change_since, summary_view
from .tasks import deadline_text, evidence_lines, task_bullets, task_state


def remedy_line(check: CheckResult, target, lang: str) -> str:
    """What to do about a check that is not met (the catalog's `remedy.*`), or about missing data."""
    if check.status == Status.THIEU_DU_LIEU:
        return messages.remedy("missing", lang, registers=", ".join(
            lower_first(register_title(r, lang), lang) for r in check.registers))
    if check.status != Status.KHONG_DAT:
        return ""
    if check.kind == "task":
        reasons = set(check.items["ly_do"].dropna()) if check.items is not None and len(check.items) else set()
        if reasons == {Reason.KHONG_PHAT_SINH_THIEU_GHI_CHU}:
            return messages.remedy("task_note", lang)
        return messages.remedy("task", lang)
    count = (check.denominator or 0) - (check.numerator or 0)
    return messages.remedy(target.check if target is not None else "default", lang, plural=count,
                           count=fmt_int(count, lang), id=check.id)


def target_evidence(check: CheckResult, files: dict[str, str], lang: str) -> list[str]:
    """Where a target's figure comes from: its registers, by their titles (the files are listed
    in Phụ lục IV), and the items listed in part II."""
    lines = []
    named = [register_title(r, lang) for r in check.registers if r in files]
    if named:
        lines.append(label("evidence_registers", lang, registers="; ".join(named)))
    if check.items is not None and len(check.items) and check.status in (Status.KHONG_DAT, Status.DAT):
        lines.append(label("evidence_items", lang, plural=len(check.items), count=fmt_int(len(check.items), lang),
                           id=check.id))
    return lines


def self_inspection_rows(audit, lang: str, audience: str, history: History | None = None) -> list[dict]:
    """One row per target and per task, in the form of REPORT-FORM.md: content, result, evidence,
    assessment, remedy (and the change since the previous period, when there is one)."""
    targets = plan_targets(audit)
    plan = field_of(audit, "plan")
    plan_tasks = {t.id: t for t in (field_of(plan, "tasks", ()) or ())}
    files = {i.register: Path(str(i.path)).name for i in field_of(audit, "inputs", ()) or ()}
    names = known_names(audit) if audience != Audience.PUBLIC else frozenset()
    groups = []
    number = 0
    for kind, title_key in (("target", "part_II"), ("task", "part_III")):
        rows = []
        for check in (c for c in audit.checks if c.kind == kind):
            number += 1
            if kind == "target":
                result = f"{fmt_figure(check, lang)}; {label('col_target', lang).lower()} " \
                         f"{target_text(check.comparator, check.target, lang)}"
                evidence = target_evidence(check, files, lang)
            else:
                latest = (check.extra or {}).get("latest_status")
                result = (messages.choice_label("trang_thai", latest, lang) if latest
                          else label("no_evidence", lang))
                deadline = deadline_text(plan_tasks.get(check.id), plan, lang)
                if deadline:
                    result += "; " + label("deadline_line", lang, deadline=deadline)
                evidence = evidence_lines(check, lang, audience, names)
            rows.append({"stt": number, "id": check.id, "title": check.title(lang), "result": result,
                         "evidence": evidence, "status": check.status,
                         "status_label": task_state(check, lang) if kind == "task" else status_label(check.status, lang),
                         "remedy": remedy_line(check, targets.get(check.id), lang),
                         "waiver": waiver_line(check, lang, audience), "change": change_since(check, history, lang),
                         "items": task_bullets(plan_tasks.get(check.id), lang) if kind == "task" else []})
        if rows:
            groups.append({"title": label(title_key, lang), "rows": rows})
    return groups


def checks_table_view(audit, lang: str, audience: str, history: History | None = None) -> dict:
    """Appendix I: the self-inspection table, one row per target and per task."""
    previous = history.previous if history else None
    return {"head": appendix_head(audit, "I", label("summary_title", lang), lang),
            "groups": self_inspection_rows(audit, lang, audience, history),
            "compare": previous is not None, "compare_head": label("col_change", lang),
            "compare_note": summary_view(audit, lang, audience, ("target",), history)["compare_note"]}
