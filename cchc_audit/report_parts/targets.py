"""Part II: each target of the plan with its definition, figure, status, items and charts."""

from __future__ import annotations

from .. import charts
from ..codes import Audience, Status
from ..fmt import DASH, fmt_int, fmt_pct
from ..messages import label
from ..results import CheckResult, status_label
from ..trends import History
from .common import (
    MAX_ITEMS,
    MAX_ITEMS_MET,
    anchor,
    areas_of,
    check_notes,
    field_of,
    figure_name,
    fmt_figure,
    item_table,
    known_names,
    memo,
    personal_columns,
    plan_targets,
    target_text,
    targets_of,
    waiver_line,
)
from .summary import summary_view


def _parts_view(check: CheckResult, lang: str) -> list[dict]:
    out = []
    for part in check.parts or []:
        denominator = part.get("denominator")
        out.append({
            "id": part.get("id", ""),
            "title": part.get("title_en" if lang == "en" else "title_vi") or part.get("id", ""),
            "numerator": fmt_int(part.get("numerator"), lang),
            "denominator": fmt_int(denominator, lang),
            "value": DASH if not denominator else fmt_pct(part.get("value"), lang),
            "arisen": part.get("arisen", bool(denominator)),
        })
    return out


def _check_detail(check: CheckResult, lang: str, audience: str, personal, names) -> dict:
    """One target under its area: figure, target, status, parts and notes, and the items behind
    it. The items are the internal report's (the public one has no row numbers and no lists of
    cases); a met target's show on screen only, so the printed report stays one a principal
    signs (results.json and the analyst's notebook hold them all)."""
    public = audience == Audience.PUBLIC
    return {
        "id": check.id,
        "anchor": anchor(check.id),
        "title": check.title(lang),
        "figure": fmt_figure(check, lang),
        "target": target_text(check.comparator, check.target, lang),
        "status": check.status,
        "status_label": status_label(check.status, lang),
        "parts": _parts_view(check, lang),
        "notes": check_notes(check, lang),
        "waiver": waiver_line(check, lang, audience),
        "items": None if public else item_table(
            check.items, lang, audience, personal,
            MAX_ITEMS_MET if check.status in (Status.DAT, Status.MIEN_TRU) else MAX_ITEMS, check.registers, names),
        "items_screen_only": check.status == Status.DAT,
        "charts": [],
    }


def _checks_by(audit, check_name: str) -> list[CheckResult]:
    ids = [t.id for t in plan_targets(audit).values() if t.check == check_name]
    return [c for c in targets_of(audit) if c.id in ids]


def _threshold(audit, check_name: str) -> float | None:
    found = [t.threshold for t in plan_targets(audit).values() if t.check == check_name]
    return found[0] if found else None


def target_charts(audit, lang: str) -> dict[str, list[charts.Chart]]:
    """Check id -> the charts drawn under it: the monthly on-time rate under II.1.1.a, the
    satisfaction levels under the last satisfaction target, digitization and reuse by month
    under the digitization target. Where a register is missing the chart is left out. Drawn
    once per audit and language (both audiences see the same aggregates)."""
    return memo(audit, f"charts-{lang}", lambda: _target_charts(audit, lang))


def _target_charts(audit, lang: str) -> dict[str, list[charts.Chart]]:
    out: dict[str, list[charts.Chart]] = {}
    dossiers = field_of(audit, "dossiers")
    if dossiers is not None:
        on_time = _checks_by(audit, "tthc_on_time")
        threshold = _threshold(audit, "tthc_on_time")
        if on_time and threshold is not None:
            chart = charts.on_time_chart(charts.on_time_by_month(dossiers, audit.period), threshold, lang)
            if chart:
                out.setdefault(on_time[0].id, []).append(chart)
        digitized = _checks_by(audit, "digitized")
        if digitized:
            chart = charts.digitization_chart(
                charts.digitized_by_month(dossiers, audit.period), charts.reuse_by_month(dossiers, audit.period),
                {"digitized": _threshold(audit, "digitized"), "reuse": _threshold(audit, "data_reuse")}, lang)
            if chart:
                out.setdefault(digitized[0].id, []).append(chart)
    surveys = [c for c in _checks_by(audit, "satisfaction") if (c.extra or {}).get("levels")]
    if surveys:
        named = plan_targets(audit)
        rows = [(figure_name(named[c.id], lang) if c.id in named else c.id,
                 {int(k): int(v) for k, v in c.extra["levels"].items()}) for c in surveys]
        chart = charts.satisfaction_chart(rows, lang)
        if chart:
            out.setdefault(surveys[-1].id, []).append(chart)
    return out


def targets_view(audit, lang: str, audience: str, history: History | None = None) -> dict:
    personal = personal_columns(audit)
    names = known_names(audit) if audience != Audience.PUBLIC else frozenset()
    drawn = target_charts(audit, lang)
    by_area: dict[str, list] = {}
    for check in targets_of(audit):
        by_area.setdefault(check.area, []).append(check)

    def details(checks):
        out = []
        for c in checks:
            detail = _check_detail(c, lang, audience, personal, names)
            detail["charts"] = drawn.get(c.id, [])
            # On paper a met target is its row of the summary table: its detail (the items) is
            # for the screen, unless it carries a chart or the figures of its parts.
            detail["screen_only"] = c.status == Status.DAT and not detail["charts"] and not detail["parts"]
            out.append(detail)
        return out

    areas = []
    for area in [a for a in areas_of(audit) if a.id in by_area]:
        checks = by_area.pop(area.id)
        areas.append({
            "number": area.source if area.section == "II" else area.id,
            # A section III area's anchor belongs to its task table (parts I and III).
            "anchor": anchor(area.id) if area.section == "II" else "",
            "title": area.title_en if lang == "en" else area.title_vi,
            # An area that is one target (II.3, II.4...) already carries its wording as heading.
            "single": len(checks) == 1 and checks[0].id == area.id,
            "checks": (shown := details(checks)),
            "screen_only": all(d["screen_only"] for d in shown),
        })
    for area_id, checks in by_area.items():  # an area the plan does not list (defensive)
        areas.append({"number": area_id, "anchor": anchor(area_id), "title": "", "single": False,
                      "checks": details(checks), "screen_only": False})
    return {"title": label("part_II", lang),
            "summary": summary_view(audit, lang, audience, ("target",), history),
            "method_note": label("targets_method_note", lang),
            # The public report: the table and the charts; no lists of cases (REPORT-FORM.md).
            "public": audience == Audience.PUBLIC,
            "charts": [ch for checks in drawn.values() for ch in checks],
            "areas": areas}
