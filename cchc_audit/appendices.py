"""The report's appendices: the self-inspection table (I), the TTHC statistics (II, Biểu 06), the
Quyết định 766 index (III) and the method and data sources (IV)."""

from __future__ import annotations

from pathlib import Path

from . import __version__, messages
from .fmt import fmt_date, fmt_datetime, fmt_int, fmt_number, fmt_pct, fmt_share
from .messages import label, pick
from .tthc_stats import COLUMNS as STAT_COLUMNS, TOTAL, tthc_statistics
from .trends import History
from .results import STATUSES, status_label
from .views import (_get, doc_suffix, period_dates, period_label, report_date, summary_view, tasks_of,
                    unit_view)


def appendix_head(audit, number: str, title: str, lang: str) -> dict:
    suffix = doc_suffix(unit_view(audit))
    return {"kind": f"{label('appendix', lang)} {number}", "title": title,
            "ref": label("appendix_of", lang, number="..." + suffix, date=fmt_date(report_date(audit), lang)),
            "dates": label("period_dates_line", lang, dates=period_dates(audit.period, lang))}


def checks_table_view(audit, lang: str, audience: str, history: History | None = None) -> dict:
    """Appendix I: the self-inspection table, one row per target and per task."""
    return {"head": appendix_head(audit, "I", label("summary_title", lang), lang),
            "summary": summary_view(audit, lang, audience, history=history)}


def statistics_view(audit, lang: str, audience: str, history: History | None = None) -> dict | None:
    dossiers = _get(audit, "dossiers")
    if dossiers is None:
        return None
    table = tthc_statistics(dossiers, audit.period)
    rows = []
    for number, (name, values) in enumerate(table.iterrows(), start=1):
        total = name == TOTAL
        rows.append({"stt": "" if total else number, "name": label("total", lang) if total else name,
                     "total": total, "cells": [fmt_int(values[c], lang) for c in STAT_COLUMNS]})
    return {"head": appendix_head(audit, "II", label("stats_title", lang), lang), "rows": rows,
            "note": label("stats_note", lang)}


INDEX_NOTE = (
    "Điểm = điểm tối đa khi tỷ lệ đạt ngưỡng, nếu không thì tỷ lệ × điểm tối đa / ngưỡng; chỉ số không "
    "phát sinh (mẫu số bằng 0) không tính vào tổng điểm và điểm tối đa. Chỉ chấm các chỉ số đo được từ sổ "
    "của đơn vị.",
    "Points = max points when the ratio reaches the threshold, else ratio × max points / threshold; an "
    "item that did not arise (denominator 0) is left out of both the score and its maximum. Only the "
    "items the unit's registers can measure are scored.")


def index_view(audit, lang: str, audience: str, history: History | None = None) -> dict | None:
    index = _get(audit, "index_766")
    if index is None:
        return None
    rows = []
    for item in list(_get(index, "items", ()) or ()):
        arisen = _get(item, "arisen", True)
        rows.append({
            "id": _get(item, "id"),
            "title": _get(item, "title_en" if lang == "en" else "title_vi", ""),
            "numerator": fmt_int(_get(item, "numerator"), lang),
            "denominator": fmt_int(_get(item, "denominator"), lang),
            "value": fmt_pct(_get(item, "value"), lang) if arisen else label("not_arisen", lang),
            "threshold": fmt_share(_get(item, "threshold"), lang),
            "max_points": fmt_number(_get(item, "max_points"), lang),
            "points": fmt_number(_get(item, "points"), lang) if arisen else "—",
            "arisen": arisen,
        })
    return {"head": appendix_head(audit, "III", label("index_title", lang), lang),
            "score": label("index_score", lang, score=fmt_number(_get(index, "score"), lang),
                           max=fmt_number(_get(index, "max"), lang)),
            "rows": rows,
            "definition": pick(INDEX_NOTE, lang)}


def _calendar_view(calendar: dict, lang: str) -> dict:
    """The calendar the deadlines used: package version, holidays and make-up days in the period,
    and the params file's overrides (audit.calendar)."""
    calendar = calendar or {}

    def day_list(values):
        out = []
        for value in values or []:
            if isinstance(value, dict):
                name = value.get("name" if lang == "en" else "name_vi") or value.get("name") or ""
                out.append(fmt_date(value.get("date"), lang) + (f" — {name}" if name else ""))
            else:
                out.append(fmt_date(value, lang))
        return out

    days_off = calendar.get("days_off_en") if lang == "en" and calendar.get("days_off_en") is not None \
        else calendar.get("days_off")
    deadline = calendar.get("publication_deadline_working_days")
    return {
        "version": label("calendar_line", lang, version=calendar.get("version") or "?"),
        "holidays": day_list(days_off),
        "makeup": day_list(calendar.get("weekend_working_days")),
        "extra_off": day_list(calendar.get("extra_days_off")),
        "extra_on": day_list(calendar.get("extra_working_days")),
        "publication": None if deadline is None else label("publication_days", lang, n=deadline),
    }


def waivers_view(audit, lang: str) -> list[dict]:
    """Every waiver of the params file: the check, why, until when, and whether it applied."""
    by_id = {c.id: c for c in audit.checks}
    rows = []
    for waiver in list(_get(_get(audit, "params"), "waivers", ()) or ()):
        check = by_id.get(waiver.check)
        applied = bool(check is not None and check.waiver and check.waiver.get("active"))
        if check is None:
            state = label("waiver_unknown", lang)
        elif applied:
            before = check.waiver.get("status_before")
            state = label("waiver_applied", lang,
                          status=status_label(before, lang) if before in STATUSES else "—")
        else:
            state = label("waiver_ignored", lang)
        rows.append({"check": waiver.check, "justification": waiver.justification,
                     "expires": fmt_date(waiver.expires, lang), "state": state, "applied": applied})
    return rows


def methodology_view(audit, lang: str, audience: str, history: History | None = None) -> dict:
    plan = _get(audit, "plan")
    seen, definitions = set(), []
    for target in (_get(plan, "targets", ()) or ()):
        text = messages.definition(target.check, lang)
        if text and target.check not in seen:
            seen.add(target.check)
            ids = ", ".join(t.id for t in plan.targets if t.check == target.check)
            definitions.append((ids, text))
    if tasks_of(audit):
        definitions.append((pick(("Mục III", "Section III"), lang), messages.definition("tasks", lang)))
    inputs = []
    for record in _get(audit, "inputs", ()) or ():
        path = _get(record, "path", "")
        inputs.append({"register": _get(record, "register", ""), "file": Path(str(path)).name,
                       "rows": fmt_int(_get(record, "rows"), lang), "sha256": _get(record, "sha256", "")})
    notes = []
    for note in _get(audit, "methodology", ()) or ():
        notes.append(note.text(lang) if hasattr(note, "text") else str(note))
    return {
        "head": appendix_head(audit, "IV", label("methodology", lang), lang),
        "period": label("period_line", lang, period=period_label(audit.period, lang),
                        dates=period_dates(audit.period, lang)),
        "definitions": definitions,
        "calendar": _calendar_view(_get(audit, "calendar"), lang),
        "waivers": waivers_view(audit, lang),
        "inputs": inputs,
        "notes": notes,
        "software": label("software_line", lang, version=__version__),
        "generated_at": fmt_datetime(_get(audit, "generated_at"), lang),
        "fingerprint": _get(audit, "fingerprint") or "",
    }

