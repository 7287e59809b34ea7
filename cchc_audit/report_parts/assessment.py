"""Part IV, the overall assessment (1. Ưu điểm, 2. Hạn chế, 3. Nguyên nhân), and the closing of
the signed report: IV.3, part V (Kiến nghị, đề xuất), the end mark and the signature block kept
together on one page.

No list repeats another: the strengths say what was met in sentences, per plan area; the
weaknesses name each miss once with its figure; the tasks without evidence are counted here and
named in parts I and III. The public report carries no free text from the params (causes,
recommendations) and no space meant for the inspector: it has no part V and no IV.3.
"""

from __future__ import annotations

from collections import Counter

from .. import messages, privacy
from ..codes import Audience, Status
from ..fmt import fmt_date, fmt_int, fmt_pct, is_missing
from ..messages import label
from ..results import CheckResult
from ..trends import History
from .common import areas_of, fmt_figure, known_names, lower_first, param, target_text, targets_of, tasks_of
from .signature import signature_view
from .tasks import evidenced, recorded, task_counts


def _reasons_text(check: CheckResult, lang: str) -> str:
    frame = check.items
    if frame is None or len(frame) == 0 or "ly_do" not in frame.columns:
        return ""
    counted = Counter(str(v) for v in frame["ly_do"] if not is_missing(v))
    if not counted:
        return ""
    parts = [f"{messages.reason(code, lang)}: {fmt_int(n, lang)}" for code, n in counted.most_common()]
    return " (" + "; ".join(parts) + ")"


def _bare(title: str) -> str:
    """A plan sentence inside another sentence: without its own closing punctuation."""
    return title.strip().rstrip(".;:")


def strengths(audit, lang: str) -> list[str]:
    """What was met: the count, each plan area whose assessed targets all are, and the tasks."""
    targets = targets_of(audit)
    met = [c for c in targets if c.status == Status.DAT]
    assessed = [c for c in targets if c.status in (Status.DAT, Status.KHONG_DAT)]
    lines = [label("strength_count", lang, met=len(met), total=len(assessed),
                   value=fmt_pct(len(met) / len(assessed) if assessed else None, lang))] if assessed else []
    for area in areas_of(audit, "II"):
        inside = [c for c in assessed if c.area == area.id]
        if inside and all(c.status == Status.DAT for c in inside):
            title = _bare(area.title_en if lang == "en" else area.title_vi)
            lines.append(label("strength_area", lang, number=area.source, title=lower_first(title, lang)))
    tasks = tasks_of(audit)
    if tasks and any(evidenced(c) for c in tasks):
        counts = task_counts(tasks, lang)
        lines.append(f"{counts['evidenced']} {counts['completed']}")
    return lines


def weaknesses(audit, lang: str) -> list[str]:
    """Each miss once, with its figure: unmet targets, targets not assessed for want of a
    register, waived targets, and the count of tasks without evidence in the period."""
    lines = []
    for c in targets_of(audit):
        if c.status == Status.KHONG_DAT:
            lines.append(label("weak_line", lang, id=c.id, title=_bare(c.title(lang)), value=fmt_figure(c, lang),
                               target=target_text(c.comparator, c.target, lang), reasons=_reasons_text(c, lang)))
        elif c.status == Status.THIEU_DU_LIEU:
            lines.append(label("weak_missing", lang, id=c.id, title=_bare(c.title(lang))))
        elif c.status == Status.MIEN_TRU:
            lines.append(label("weak_waived", lang, id=c.id, value=fmt_figure(c, lang),
                               target=target_text(c.comparator, c.target, lang),
                               until=fmt_date((c.waiver or {}).get("expires"), lang)))
    tasks = tasks_of(audit)
    unrecorded = [c for c in tasks if c.status == Status.KHONG_DAT and not recorded(c)]
    failed = [c for c in tasks if c.status == Status.KHONG_DAT and recorded(c)]
    if unrecorded:
        lines.append(label("weak_tasks_no_evidence", lang, plural=len(unrecorded), count=len(unrecorded),
                           total=len(tasks)))
    if failed:
        lines.append(label("weak_tasks_failed", lang, plural=len(failed), count=len(failed),
                           ids=", ".join(c.id for c in failed)))
    return lines


def free_text(audit, name: str, audience: str) -> list[str]:
    """A params list of free text (causes, recommendations): masked in the internal report, and
    never in the public one."""
    if audience == Audience.PUBLIC:
        return []
    names = known_names(audit)
    return [privacy.scrub_text(str(t), names) for t in (param(audit, name, ()) or ())]


def assessment_view(audit, lang: str, audience: str, history: History | None = None) -> dict:
    public = audience == Audience.PUBLIC
    return {
        "title": label("part_IV", lang),
        "strengths_title": label("strengths_title", lang),
        "strengths": strengths(audit, lang) or [label("strengths_none", lang)],
        "weak_title": label("weak_title", lang),
        "weak": weaknesses(audit, lang) or [label("weak_none", lang)],
        # The signed report goes on with IV.3, part V and the signature (closing_view); the
        # public one ends here.
        "end_mark": label("end_mark", lang) if public else "",
    }


def closing_view(audit, lang: str, audience: str, history: History | None = None) -> dict:
    """IV.3 (Nguyên nhân), part V, the end mark and the signature block: the signed report's
    closing, kept on one page (internal report only: free text from the params, or a space for
    the inspector)."""
    return {
        "causes_title": label("causes_title", lang),
        "causes": free_text(audit, "causes", audience),
        "causes_blank": label("causes_blank", lang),
        "recommendations_title": label("part_V", lang),
        "recommendations": free_text(audit, "recommendations", audience),
        "recommendations_blank": label("recommendations_blank", lang),
        "end_mark": label("end_mark", lang),
        "sign": signature_view(audit, lang, audience, history),
    }
