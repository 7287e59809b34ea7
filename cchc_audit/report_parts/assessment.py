"""Parts IV and V: the overall assessment, its weak points, and the recommendations."""

from __future__ import annotations

from collections import Counter

from .. import messages
from ..codes import Status
from ..fmt import fmt_int, is_missing
from ..messages import label
from ..results import CheckResult
from ..trends import History
from .common import fmt_figure, param, target_text, targets_of, tasks_of
from .tasks import task_counts


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


def assessment_view(audit, lang: str, audience: str, history: History | None = None) -> dict:
    targets = targets_of(audit)
    tasks = tasks_of(audit)
    by_status: dict[str, list[CheckResult]] = {}
    for check in targets:
        by_status.setdefault(check.status, []).append(check)

    def brief(checks):
        return [f"{c.id} — {_bare(c.title(lang))}" for c in checks]

    weak = [label("weak_line", lang, id=c.id, title=_bare(c.title(lang)), value=fmt_figure(c, lang),
                  target=target_text(c.comparator, c.target, lang), reasons=_reasons_text(c, lang))
            for c in by_status.get(Status.KHONG_DAT, [])]
    missing_tasks = [c.id for c in tasks if c.status == Status.KHONG_DAT]
    if missing_tasks:
        weak.append(label("tasks_missing", lang, count=len(missing_tasks), ids=", ".join(missing_tasks)))
    assessed = [c for c in targets if c.status in (Status.DAT, Status.KHONG_DAT)]
    return {
        "title": label("part_IV", lang),
        "met": label("met_count", lang, met=len(by_status.get(Status.DAT, [])), total=len(assessed)),
        "lists": [(label(key, lang), brief(by_status.get(status, [])))
                  for key, status in (("not_met_list", Status.KHONG_DAT), ("no_data_list", Status.THIEU_DU_LIEU),
                                      ("not_arisen_list", Status.KHONG_PHAT_SINH), ("waived_list", Status.MIEN_TRU))
                  if by_status.get(status)],
        "weak_title": label("weak_title", lang),
        "weak": weak,
        "tasks": task_counts(tasks, lang),
        "recommendations_title": label("part_V", lang),
        "recommendations": list(param(audit, "recommendations", ()) or ()),
        "recommendations_blank": label("recommendations_blank", lang),
        "end_mark": label("end_mark", lang),
    }
