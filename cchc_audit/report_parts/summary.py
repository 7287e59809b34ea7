"""The summary table of targets and tasks (part II and appendix I) and the change since the
previous period."""

from __future__ import annotations

from ..codes import Audience
from ..fmt import DASH, fmt_int, fmt_pct, fmt_points, is_missing
from ..messages import label
from ..results import STATUSES, CheckResult, status_label
from ..trends import History
from .common import period_dates, period_label, target_text, waiver_line


def compared_line(history: History | None, lang: str) -> str:
    previous = history.previous if history else None
    if previous is None:
        return label("no_previous", lang)
    return label("compared_with", lang, period=period_label(previous.period, lang),
                 dates=period_dates(previous.period, lang), revision=f"rev-{previous.revision:03d}")


def change_since(check: CheckResult, history: History | None, lang: str) -> dict | None:
    """The change since the previous period: percentage points, and the status then if it
    differed. None when there is no earlier period to compare with."""
    previous = history.previous if history else None
    if previous is None:
        return None
    before = previous.check(check.id)
    if before is None:
        return {"text": DASH, "before": label("not_in_previous", lang), "direction": ""}
    old, new = before.get("value"), check.value
    comparable = (check.kind == "target" and not is_missing(old) and not is_missing(new)
                  and before.get("denominator") and check.denominator)
    delta = float(new) - float(old) if comparable else None
    text = fmt_points(delta, lang) if delta is not None else ("=" if before.get("status") == check.status else DASH)
    status_before = before.get("status")
    was = ""
    if status_before in STATUSES and status_before != check.status:
        was = label("status_before", lang, status=status_label(status_before, lang))
    direction = "" if delta is None or round(delta * 100, 2) == 0 else ("up" if delta > 0 else "down")
    return {"text": text, "before": was, "direction": direction}


def check_row(number: int, check: CheckResult, lang: str, history: History | None = None,
              audience: str = Audience.INTERNAL) -> dict:
    denominator_zero = check.denominator in (None, 0)
    return {
        "stt": number,
        "id": check.id,
        "title": check.title(lang),
        "numerator": fmt_int(check.numerator, lang) if check.numerator is not None else DASH,
        "denominator": fmt_int(check.denominator, lang) if check.denominator is not None else DASH,
        "value": DASH if denominator_zero else fmt_pct(check.value, lang),
        "target": target_text(check.comparator, check.target, lang),
        "status": check.status,
        "status_label": status_label(check.status, lang),
        "waiver": waiver_line(check, lang, audience),
        "change": change_since(check, history, lang),
    }


def summary_view(audit, lang: str, audience: str, kinds=("target", "task"),
                 history: History | None = None) -> dict:
    groups = []
    number = 0
    for kind, title_key in (("target", "part_II"), ("task", "part_III")):
        if kind not in kinds:
            continue
        rows = []
        for check in audit.checks:
            if check.kind == kind:
                number += 1
                rows.append(check_row(number, check, lang, history, audience))
        if rows:
            groups.append({"title": label(title_key, lang), "rows": rows})
    previous = history.previous if history else None
    return {"groups": groups, "single": len(kinds) == 1, "compare": previous is not None,
            "public": audience == Audience.PUBLIC,
            "compare_head": label("col_change", lang),
            "compare_note": compared_line(history, lang) if previous is not None else ""}
