"""How checks run: each plan target is measured by its named function, then given a status.

Importing this package registers every check module's functions in `REGISTRY`.
"""

from __future__ import annotations

import datetime as dt

from ..codes import Status
from ..results import CheckResult, Note, compare, ratio
from ..waivers import Waiver
from . import (  # noqa: F401
    eworkplace,
    payments,
    petitions,
    procedures,
    publication,
    satisfaction,
    tasks,  # noqa: F401 - registers task_evidenced
)
from .base import REGISTRY, Context, Measure
from .index766 import Index766, index_766

__all__ = ["REGISTRY", "Context", "Measure", "Index766", "index_766", "run_checks", "evaluate", "apply_waivers"]


def evaluate(target, ctx: Context) -> CheckResult:
    """Measure one plan target, or section III task, and give it its status (before waivers)."""
    result = CheckResult(
        id=target.id, kind=target.kind, area=target.area, title_vi=target.text_vi, title_en=target.text_en,
        status=Status.THIEU_DU_LIEU, target=target.threshold if target.comparator != "any" else None,
        comparator=target.comparator, registers=tuple(target.registers))
    missing = [name for name in target.registers if name not in ctx.registers]
    if missing:
        names = ", ".join(f"{m}.xlsx/.csv" for m in missing)
        result.notes.append(Note.of("note.missing_registers", names=names))
        return result
    function = REGISTRY[target.check]
    measure: Measure = function(ctx, **(target.params or {}))
    result.numerator, result.denominator = measure.numerator, measure.denominator
    result.value = ratio(measure.numerator, measure.denominator)
    result.items, result.notes, result.parts, result.extra = (
        measure.items, list(measure.notes), measure.parts, measure.extra)
    if measure.denominator == 0:
        result.status = Status.KHONG_PHAT_SINH
    else:
        met = compare(measure.numerator, measure.denominator, target.comparator, target.threshold)
        result.status = Status.DAT if met else Status.KHONG_DAT
    return result


def apply_waivers(results: list[CheckResult], waivers: list[Waiver], today: dt.date) -> list[Waiver]:
    """Waive what an active waiver names; note the expired ones. Returns the waivers ignored."""
    by_id = {r.id: r for r in results}
    ignored = []
    for waiver in waivers:
        result = by_id.get(waiver.check)
        if result is None:
            ignored.append(waiver)
            continue
        if waiver.active(today):
            result.waiver = waiver.to_json() | {"active": True, "status_before": result.status}
            result.status = Status.MIEN_TRU
            result.notes.append(Note.of("note.waived_until", until=waiver.expires, reason=waiver.justification))
        else:
            ignored.append(waiver)
            result.waiver = waiver.to_json() | {"active": False}
            result.notes.append(Note.of("note.waiver_expired", until=waiver.expires))
    return ignored


def run_checks(plan, ctx: Context) -> list[CheckResult]:
    """Every target of the plan, then every task, in plan order: one path for both."""
    return [evaluate(item, ctx) for item in (*plan.targets, *plan.tasks)]
