"""What each part of the report shows: an `Audit` turned into plain values for the templates.

One function per part, `part_view(audit, lang, audience, history) -> dict`. Values are text
already formatted for the language (fmt.py); the templates escape every one of them. Parts that
can carry personal data differ by audience: the internal report masks it (privacy.py), the public
one leaves out every personal and free-text column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pandas as pd

from . import charts, messages, privacy
from .fmt import (
    DASH,
    as_date,
    date_line,
    fmt_date,
    fmt_date_prose,
    fmt_int,
    fmt_number,
    fmt_pct,
    fmt_points,
    fmt_target,
    is_missing,
)
from .messages import label
from .results import DAT, KHONG_DAT, KHONG_PHAT_SINH, MIEN_TRU, STATUSES, THIEU_DU_LIEU, CheckResult, status_label
from .schema import BOOL, DATE, ENUM, MONTH, REGISTERS
from .trends import History, short_label

INTERNAL, PUBLIC = "internal", "public"
# Rows listed under one check; the rest are counted (results.json has them all). A met target's
# items are individual findings, not a failure: a shorter list keeps the report readable.
MAX_ITEMS = 200
MAX_ITEMS_MET = 20
# Statuses that need someone to act, as the overview lists them.
ATTENTION = (KHONG_DAT, THIEU_DU_LIEU)
# Targets measured over the period's flow of dossiers, responses and letters: their trend says
# something (staff and system lists change little from one period to the next).
TREND_CHECKS = ("tthc_on_time", "complaints_on_time", "apologies", "satisfaction", "feedback_answered",
                "digitized", "data_reuse")


# --- reading an Audit -------------------------------------------------------------------------

def field_of(obj, name: str, default=None):
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def publication_days(audit) -> int:
    """The monthly publication deadline the checks used: month end + this many working days."""
    from .params import DEFAULT_PUBLICATION_DAYS

    return param(audit, "publication_deadline_working_days", DEFAULT_PUBLICATION_DAYS)


def param(audit, name: str, default=None):
    return field_of(field_of(audit, "params"), name, default)


def period_label(period, lang: str) -> str:
    labeller = getattr(period, "label", None)
    return labeller(lang) if callable(labeller) else str(field_of(period, "id", ""))


def lower_first(text: str, lang: str) -> str:
    return text if lang == "en" else text[:1].lower() + text[1:]


def targets_of(audit) -> list[CheckResult]:
    return [c for c in audit.checks if c.kind == "target"]


def tasks_of(audit) -> list[CheckResult]:
    return [c for c in audit.checks if c.kind == "task"]


def plan_targets(audit) -> dict:
    return {t.id: t for t in (field_of(field_of(audit, "plan"), "targets", ()) or ())}


def areas_of(audit, section: str | None = None) -> list:
    areas = list(field_of(field_of(audit, "plan"), "areas", ()) or ())
    return [a for a in areas if section is None or a.section == section]


def personal_columns(audit) -> frozenset[str]:
    return frozenset(field_of(audit, "personal_columns", None) or privacy.PERSONAL_COLUMNS)


def _memo(audit, key: str, compute):
    """A value computed once per audit (both audiences of a part need it)."""
    memo = getattr(audit, "_cchc_report_memo", None)
    if memo is None:
        memo = {}
        try:
            audit._cchc_report_memo = memo
        except AttributeError:  # a frozen or dict-like audit: compute each time
            return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def known_names(audit) -> frozenset[str]:
    """Every name the registers' personal columns hold, to be found again inside free text."""
    return _memo(audit, "names", lambda: privacy.names_in(field_of(audit, "registers") or {}))


def anchor(check_id: str) -> str:
    """The HTML id of a check's detail, linked from the overview: `ct-II-1-1-a`."""
    return "ct-" + re.sub(r"[^A-Za-z0-9]+", "-", check_id).strip("-")


def report_date(audit) -> dt.date:
    chosen = param(audit, "report_date")
    if chosen:
        return as_date(chosen)
    return as_date(field_of(audit, "generated_at")) or dt.date.today()


def fmt_figure(check: CheckResult, lang: str = "vi") -> str:
    """`196/200 = 98,00%`, or the reason there is no figure."""
    if check.numerator is None:  # missing register: the status and the note say which
        return DASH
    if check.denominator in (None, 0):
        return label("figure_none", lang)
    return (f"{fmt_int(check.numerator, lang)}/{fmt_int(check.denominator, lang)} = "
            f"{fmt_pct(check.value, lang)}")


def target_text(comparator, threshold, lang: str) -> str:
    return fmt_target(comparator, threshold, lang, label("any_target", lang))


def waiver_line(check: CheckResult, lang: str) -> str | None:
    """`Miễn trừ đến 31/12/2024: <lý do>`, or that an expired waiver was not applied."""
    waiver = check.waiver
    if not waiver:
        return None
    until = fmt_date(waiver.get("expires"), lang)
    if waiver.get("active"):
        return label("waiver_active", lang, until=until, reason=waiver.get("justification", ""))
    return label("waiver_expired", lang, until=until, reason=waiver.get("justification", ""))


# --- tables of items ---------------------------------------------------------------------------

_COLUMN_KINDS: dict[str, str] = {}
for _register in REGISTERS.values():
    for _column in _register.columns:
        _COLUMN_KINDS.setdefault(_column.name, _column.kind)


def _cell(column: str, value, lang: str) -> str:
    if is_missing(value):
        return ""
    if column == "ly_do":
        return messages.reason(value, lang)
    kind = _COLUMN_KINDS.get(column)
    if isinstance(value, (pd.Timestamp, dt.date)) or kind == DATE:
        return fmt_date(value, lang)
    if isinstance(value, bool) or kind == BOOL:
        return label("yes" if bool(value) else "no", lang)
    if kind == ENUM or column == "trang_thai":
        return messages.choice_label(column, value, lang)
    if kind == MONTH:
        return str(value)
    if isinstance(value, float):
        return fmt_int(value, lang) if value.is_integer() else fmt_number(value, lang)
    if isinstance(value, int):
        return fmt_int(value, lang) if column == "so_tien" else str(value)
    return str(value)


def _column_class(column: str, series: pd.Series) -> str:
    """Dates and codes do not wrap; counts align right."""
    kind = _COLUMN_KINDS.get(column)
    if kind == DATE or pd.api.types.is_datetime64_any_dtype(series.dtype):
        return "date"
    if column in privacy.PUBLIC_TEXT_COLUMNS and column not in ("ten_thu_tuc", "ly_do") or kind == MONTH:
        return "code"
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        return "num"
    return ""


def item_table(frame: pd.DataFrame | None, lang: str, audience: str,
               personal: frozenset[str] = privacy.PERSONAL_COLUMNS, limit: int = MAX_ITEMS,
               registers=(), names: frozenset[str] = frozenset()) -> dict | None:
    """The rows behind a figure as a table for one audience: personal columns and personal data
    inside free text masked (internal), or personal and free-text columns dropped (public). Row
    numbers are Excel's."""
    if frame is None or len(frame) == 0:
        return None
    head = frame.iloc[:limit]
    if audience == PUBLIC:
        shown = privacy.public_frame(head, personal)
    else:
        shown = privacy.mask_frame(head, personal, names=names)
    columns = list(shown.columns)
    has_row = any(not is_missing(i) for i in shown.index)
    header = ([label("col_row", lang)] if has_row else []) + [
        messages.column_label(c, lang, registers) for c in columns]
    classes = (["num"] if has_row else []) + [_column_class(c, shown[c]) for c in columns]
    rows = []
    for index, record in zip(shown.index, shown.itertuples(index=False, name=None)):
        cells = [_cell(c, v, lang) for c, v in zip(columns, record)]
        rows.append(([("" if is_missing(index) else str(index))] if has_row else []) + cells)
    return {"header": header, "classes": classes, "rows": rows, "count": len(frame),
            "more": max(0, len(frame) - limit)}


# --- header -----------------------------------------------------------------------------------

# Words that open an administrative level: the managing body's name breaks before the last of
# them, as documents print it (`ỦY BAN NHÂN DÂN` / `HUYỆN NHÀ BÈ`).
_LEVEL_WORDS = ("HUYỆN", "QUẬN", "THỊ XÃ", "THÀNH PHỐ", "TỈNH", "XÃ", "PHƯỜNG", "THỊ TRẤN")


def body_lines(name: str) -> list[str]:
    """The managing body in capitals, on two lines when it is long."""
    text = " ".join(name.split()).upper()
    if len(text) <= 24:
        return [text] if text else []
    words = text.split(" ")
    for index in range(len(words) - 1, 0, -1):
        if any(" ".join(words[index:]).startswith(level + " ") for level in _LEVEL_WORDS):
            return [" ".join(words[:index]), " ".join(words[index:])]
    # No level word: break at the word boundary nearest the middle.
    best = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(text) / 2))
    return [" ".join(words[:best]), " ".join(words[best:])]


def unit_view(audit) -> dict:
    unit = field_of(audit, "unit")
    name = field_of(unit, "ten_don_vi") or field_of(unit, "name") or ""
    return {
        "body": body_lines(field_of(unit, "co_quan_chu_quan") or ""),
        "name": name.upper(),
        "name_plain": name,
        "code": field_of(unit, "ma_don_vi") or field_of(unit, "code") or "",
        "ky_hieu": field_of(unit, "ky_hieu") or "",
        "place": field_of(unit, "dia_danh") or "",
        "principal": param(audit, "principal") or field_of(unit, "hieu_truong") or "",
    }


def doc_suffix(unit: dict) -> str:
    return f"/BC-{unit['ky_hieu']}" if unit["ky_hieu"] else "/BC"


def _about(plan, lang: str) -> str:
    """What the plan is about, as the opening line cites it: "về thực hiện công tác ..." in
    Vietnamese; the plan's English title, whole, in English ("Plan No. ... (Plan for ...)")."""
    if lang == "en":
        return field_of(plan, "title_en") or ""
    title = field_of(plan, "title_vi") or ""
    if title.lower().startswith("kế hoạch "):
        title = title[len("kế hoạch "):]
    return lower_first(title, lang)


def subject(audit, lang: str) -> str:
    plan = field_of(audit, "plan")
    year = field_of(plan, "year") or audit.period.start.year
    text = label("subject", lang, year=year)
    if field_of(audit.period, "kind") == "year" and str(audit.period.id) == str(year):
        return text  # the plan's own year: "... năm 2024" says it all
    period = period_label(audit.period, lang)
    tail = f" {year}" if lang == "en" else f" năm {year}"
    if period.endswith(tail) and str(audit.period.id).startswith(str(year)):
        period = period[: -len(tail)]
    return f"{text} — {period}"


def period_dates(period, lang: str) -> str:
    """`từ ngày 15/12/2023 đến ngày 14/03/2024`, with the convention when it is not the calendar's."""
    text = label("from_to_days", lang, start=fmt_date_prose(period.start, lang),
                 end=fmt_date_prose(period.end, lang))
    convention = field_of(period, "convention", "calendar")
    if convention == "cutoff":
        text += label("convention_cutoff", lang)
    elif convention == "explicit":
        text += label("convention_explicit", lang)
    return text


def header_view(audit, lang: str, audience: str, history: History | None = None) -> dict:
    unit = unit_view(audit)
    plan = field_of(audit, "plan")
    period = audit.period
    name = unit["name_plain"] or label("blank", lang)  # a missing ten_don_vi is left to fill in
    return {
        "unit": unit,
        "number": f"{label('so', lang)}:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0{doc_suffix(unit)}",
        "national": label("quoc_hieu", lang),
        "motto": label("tieu_ngu", lang),
        "date_line": date_line(unit["place"], report_date(audit), lang),
        "kind": label("bao_cao", lang),
        "subject": subject(audit, lang),
        "opening": label(
            "opening", lang, number=field_of(plan, "number", ""), date=fmt_date_prose(field_of(plan, "date"), lang),
            issuer=field_of(plan, "issuer", ""), about=_about(plan, lang), unit=name,
            period=lower_first(period_label(period, lang), lang), dates=period_dates(period, lang)),
        "public": audience == PUBLIC,
        "public_notice": label("public_notice", lang),
    }


# --- overview: what is met and what is not, per plan area ----------------------------------------

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
    assessed = target_counts[DAT] + target_counts[KHONG_DAT]
    lines = [label("overview_targets", lang, met=target_counts[DAT], assessed=assessed,
                   total=len(targets), value=fmt_pct(target_counts[DAT] / assessed if assessed else None, lang))]
    evidenced = task_counts[DAT] + task_counts[KHONG_PHAT_SINH]
    if tasks:
        lines.append(label("overview_tasks", lang, done=evidenced, total=len(tasks),
                           missing=task_counts[KHONG_DAT]))
    chips = [{"status": s, "label": status_label(s, lang), "targets": target_counts.get(s, 0),
              "tasks": task_counts.get(s, 0)} for s in STATUSES]
    return {"title": label("overview_title", lang), "lines": lines, "groups": groups,
            "statuses": [{"code": s, "label": status_label(s, lang)} for s in STATUSES],
            "chips": chips, "period": period_dates(audit.period, lang),
            "compared": _compared_line(history, lang)}


def _compared_line(history: History | None, lang: str) -> str:
    previous = history.previous if history else None
    if previous is None:
        return label("no_previous", lang)
    return label("compared_with", lang, period=period_label(previous.period, lang),
                 dates=period_dates(previous.period, lang), revision=f"rev-{previous.revision:03d}")


# --- summary table (part II and appendix I) ----------------------------------------------------

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


def check_row(number: int, check: CheckResult, lang: str, history: History | None = None) -> dict:
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
        "waiver": waiver_line(check, lang),
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
                rows.append(check_row(number, check, lang, history))
        if rows:
            groups.append({"title": label(title_key, lang), "rows": rows})
    previous = history.previous if history else None
    return {"groups": groups, "single": len(kinds) == 1, "compare": previous is not None,
            "compare_head": label("col_change", lang),
            "compare_note": _compared_line(history, lang) if previous is not None else ""}


# --- part II: per target -------------------------------------------------------------------------

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


def _check_detail(check: CheckResult, target, lang: str, audience: str, personal, names,
                  days: int) -> dict:
    definition = (messages.definition(target.check, lang, days=days)
                  if target is not None else None)
    return {
        "id": check.id,
        "anchor": anchor(check.id),
        "title": check.title(lang),
        "definition": definition,
        "figure": fmt_figure(check, lang),
        "target": target_text(check.comparator, check.target, lang),
        "status": check.status,
        "status_label": status_label(check.status, lang),
        "parts": _parts_view(check, lang),
        "notes": [n.text(lang) for n in check.notes],
        "items": item_table(check.items, lang, audience, personal,
                            MAX_ITEMS_MET if check.status in (DAT, MIEN_TRU) else MAX_ITEMS,
                            check.registers, names),
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
    return _memo(audit, f"charts-{lang}", lambda: _target_charts(audit, lang))


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
        rows = [(c.id, {int(k): int(v) for k, v in c.extra["levels"].items()}) for c in surveys]
        chart = charts.satisfaction_chart(rows, lang)
        if chart:
            out.setdefault(surveys[-1].id, []).append(chart)
    return out


def targets_view(audit, lang: str, audience: str, history: History | None = None) -> dict:
    targets = plan_targets(audit)
    personal = personal_columns(audit)
    names = known_names(audit) if audience != PUBLIC else frozenset()
    drawn = target_charts(audit, lang)
    by_area: dict[str, list] = {}
    for check in targets_of(audit):
        by_area.setdefault(check.area, []).append(check)

    def details(checks):
        out = []
        for c in checks:
            detail = _check_detail(c, targets.get(c.id), lang, audience, personal, names,
                                   publication_days(audit))
            detail["charts"] = drawn.get(c.id, [])
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
            "checks": details(checks),
        })
    for area_id, checks in by_area.items():  # an area the plan does not list (defensive)
        areas.append({"number": area_id, "anchor": anchor(area_id), "title": "", "single": False,
                      "checks": details(checks)})
    return {"title": label("part_II", lang),
            "summary": summary_view(audit, lang, audience, ("target",), history),
            "areas": areas}


# --- trends across periods ------------------------------------------------------------------------

def trends_view(audit, lang: str, audience: str, history: History | None = None) -> dict:
    """The key targets in each earlier period of the same length and in this one: a table of every
    target, and a small chart per flow target measured in two periods or more."""
    runs = list(history.runs) if history else []
    columns = [period_label(r.period, lang) for r in runs] + [period_label(audit.period, lang)]
    periods = [r.period for r in runs] + [audit.period]
    several_years = len({p.id[:4] for p in periods}) > 1
    short = [short_label(p, several_years) for p in periods]
    targets = plan_targets(audit)
    rows, series = [], []
    for check in targets_of(audit):
        cells = []
        points = []
        for run, name in zip(runs, short):
            record = run.check(check.id) or {}
            value = record.get("value") if record.get("denominator") else None
            cells.append({"text": fmt_pct(value, lang) if value is not None else DASH,
                          "status": record.get("status", ""),
                          "title": status_label(record["status"], lang) if record.get("status") in STATUSES else ""})
            points.append((name, value, record.get("status")))
        value = check.value if check.denominator else None
        cells.append({"text": fmt_pct(value, lang) if value is not None else DASH, "status": check.status,
                      "title": status_label(check.status, lang)})
        points.append((short[-1], value, check.status))
        rows.append({"id": check.id, "title": check.title(lang),
                     "target": target_text(check.comparator, check.target, lang), "cells": cells})
        plan_target = targets.get(check.id)
        if plan_target is not None and plan_target.check in TREND_CHECKS and check.comparator in (">=", ">"):
            series.append({"id": check.id, "threshold": check.target, "points": points})
    chart = charts.trend_chart(series, lang) if runs else None
    return {"title": label("trends_title", lang), "has_history": bool(runs),
            "none": label("no_history", lang), "columns": columns, "rows": rows,
            "chart": chart, "source": label("trends_source", lang),
            "skipped": label("trends_skipped", lang, runs="; ".join(history.skipped))
            if history and history.skipped else ""}


# --- parts I and III: tasks ------------------------------------------------------------------------

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
        if audience != PUBLIC and not is_missing(evidence) and str(evidence).strip():
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
    if audience != PUBLIC and frame is not None and "ghi_chu" in frame.columns:
        notes += [privacy.scrub_text(str(v), names) for v in frame["ghi_chu"]
                  if not is_missing(v) and str(v).strip()]
    return notes


def evidenced(check: CheckResult) -> bool:
    return check.status in (DAT, KHONG_PHAT_SINH)


def _task_row(number: int, check: CheckResult, plan_year, lang: str, audience: str, names) -> dict:
    latest = (check.extra or {}).get("latest_status")
    return {
        "stt": number,
        "id": check.id,
        "anchor": anchor(check.id),
        "title": check.title(lang),
        "evidence": evidence_lines(check, lang, audience, names) or [label("no_evidence", lang)],
        "has_evidence": evidenced(check),
        "deadline": label("year_deadline", lang, year=plan_year) if plan_year else "",
        "progress": "" if is_missing(latest) else messages.choice_label("trang_thai", latest, lang),
        "status": check.status,
        "status_label": status_label(check.status, lang),
        "notes": _task_notes(check, lang, audience, names),
        "items": [],
    }


def _task_order(checks: list[CheckResult]) -> list[CheckResult]:
    """Tasks without evidence first (they need action), then the rest; plan order within each."""
    return sorted(checks, key=lambda c: 0 if not evidenced(c) and c.status != MIEN_TRU else 1)


def task_counts(tasks: list[CheckResult], lang: str) -> dict:
    """The count lines the district expects (`Hoàn thành 23/52 nhiệm vụ, đạt 44,23%`), by the
    rules of Audit.tasks_summary: evidenced = Đạt or Không phát sinh; completed = Đạt with the
    latest evidence row `hoan_thanh`."""
    total = len(tasks)
    with_evidence = sum(evidenced(c) for c in tasks)
    done = sum((c.extra or {}).get("latest_status") == "hoan_thanh" and c.status == DAT for c in tasks)
    return {
        "evidenced": label("tasks_count", lang, done=with_evidence, total=total,
                           value=fmt_pct(with_evidence / total if total else None, lang)),
        "completed": label("tasks_done_count", lang, done=done, total=total,
                           value=fmt_pct(done / total if total else None, lang)),
    }


def _area_tasks(audit, area_id: str, lang: str, audience: str) -> list[dict]:
    plan = field_of(audit, "plan")
    year = field_of(plan, "year")
    names = known_names(audit) if audience != PUBLIC else frozenset()
    plan_tasks = {t.id: t for t in (field_of(plan, "tasks", ()) or ())}
    rows = []
    for number, check in enumerate(_task_order([c for c in tasks_of(audit) if c.area == area_id]), start=1):
        row = _task_row(number, check, year, lang, audience, names)
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


# --- parts IV and V, signature -------------------------------------------------------------------

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
            for c in by_status.get(KHONG_DAT, [])]
    missing_tasks = [c.id for c in tasks if c.status == KHONG_DAT]
    if missing_tasks:
        weak.append(label("tasks_missing", lang, count=len(missing_tasks), ids=", ".join(missing_tasks)))
    assessed = [c for c in targets if c.status in (DAT, KHONG_DAT)]
    return {
        "title": label("part_IV", lang),
        "met": label("met_count", lang, met=len(by_status.get(DAT, [])), total=len(assessed)),
        "lists": [(label(key, lang), brief(by_status.get(status, [])))
                  for key, status in (("not_met_list", KHONG_DAT), ("no_data_list", THIEU_DU_LIEU),
                                      ("not_arisen_list", KHONG_PHAT_SINH), ("waived_list", MIEN_TRU))
                  if by_status.get(status)],
        "weak_title": label("weak_title", lang),
        "weak": weak,
        "tasks": task_counts(tasks, lang),
        "recommendations_title": label("part_V", lang),
        "recommendations": list(param(audit, "recommendations", ()) or ()),
        "recommendations_blank": label("recommendations_blank", lang),
        "end_mark": label("end_mark", lang),
    }


def signature_view(audit, lang: str, audience: str, history: History | None = None) -> dict:
    unit = unit_view(audit)
    recipients = list(param(audit, "recipients", ()) or ())
    return {
        "recipients_title": label("noi_nhan", lang) + ":",
        "recipients": [r if r.startswith("-") else f"- {r}" for r in recipients] + [f"- {label('luu', lang)}"],
        "signer_title": label("hieu_truong", lang),
        "principal": unit["principal"],
        "prepared_by_label": label("nguoi_lap", lang),
        "prepared_by": param(audit, "prepared_by") or "",
    }
