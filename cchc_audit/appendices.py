"""The report's appendices: the self-inspection table (I), the TTHC statistics (II, Biểu 06), the
Quyết định 766 index (III) and the method and data sources (IV)."""

from __future__ import annotations

from pathlib import Path

from . import __version__, messages, privacy
from .fmt import fmt_date, fmt_datetime, fmt_int, fmt_number, fmt_pct, fmt_share
from .messages import label, pick
from .results import DAT, KHONG_DAT, STATUSES, THIEU_DU_LIEU, CheckResult, status_label
from .trends import History
from .tthc_stats import COLUMNS as STAT_COLUMNS
from .tthc_stats import TOTAL, tthc_statistics
from .views import (
    PUBLIC,
    change_since,
    doc_suffix,
    evidence_lines,
    field_of,
    fmt_figure,
    known_names,
    period_dates,
    period_label,
    plan_targets,
    publication_days,
    report_date,
    summary_view,
    target_text,
    tasks_of,
    unit_view,
    waiver_line,
)


def appendix_head(audit, number: str, title: str, lang: str) -> dict:
    suffix = doc_suffix(unit_view(audit))
    return {"kind": f"{label('appendix', lang)} {number}", "title": title,
            "ref": label("appendix_of", lang, number="..." + suffix, date=fmt_date(report_date(audit), lang)),
            "dates": label("period_dates_line", lang, dates=period_dates(audit.period, lang))}


def _remedy(check: CheckResult, target, lang: str) -> str:
    """What to do about a check that is not met (the catalog's `remedy.*`), or about missing data."""
    if check.status == THIEU_DU_LIEU:
        return messages.remedy("missing", lang, registers=", ".join(check.registers))
    if check.status != KHONG_DAT:
        return ""
    if check.kind == "task":
        reasons = set(check.items["ly_do"].dropna()) if check.items is not None and len(check.items) else set()
        if reasons == {"khong_phat_sinh_thieu_ghi_chu"}:
            return messages.remedy("task_note", lang)
        return messages.remedy("task", lang)
    count = (check.denominator or 0) - (check.numerator or 0)
    return messages.remedy(target.check if target is not None else "default", lang, plural=count,
                           count=fmt_int(count, lang), id=check.id)


def _target_evidence(check: CheckResult, files: dict[str, str], lang: str) -> list[str]:
    """Where a target's figure comes from: its registers, and the items listed in part II."""
    lines = []
    named = [files[r] for r in check.registers if r in files]
    if named:
        lines.append(label("evidence_registers", lang, files=", ".join(named)))
    if check.items is not None and len(check.items) and check.status in (KHONG_DAT, DAT):
        lines.append(label("evidence_items", lang, count=fmt_int(len(check.items), lang), id=check.id))
    return lines


def self_inspection_rows(audit, lang: str, audience: str, history: History | None = None) -> list[dict]:
    """One row per target and per task, in the form of REPORT-FORM.md: content, result, evidence,
    assessment, remedy (and the change since the previous period, when there is one)."""
    targets = plan_targets(audit)
    files = {i.register: Path(str(i.path)).name for i in field_of(audit, "inputs", ()) or ()}
    names = known_names(audit) if audience != PUBLIC else frozenset()
    groups = []
    number = 0
    for kind, title_key in (("target", "part_II"), ("task", "part_III")):
        rows = []
        for check in (c for c in audit.checks if c.kind == kind):
            number += 1
            if kind == "target":
                result = f"{fmt_figure(check, lang)}; {label('col_target', lang).lower()} " \
                         f"{target_text(check.comparator, check.target, lang)}"
                evidence = _target_evidence(check, files, lang)
            else:
                latest = (check.extra or {}).get("latest_status")
                result = (messages.choice_label("trang_thai", latest, lang) if latest
                          else label("no_evidence", lang))
                evidence = evidence_lines(check, lang, audience, names)
            rows.append({"stt": number, "id": check.id, "title": check.title(lang), "result": result,
                         "evidence": evidence, "status": check.status,
                         "status_label": status_label(check.status, lang),
                         "remedy": _remedy(check, targets.get(check.id), lang),
                         "waiver": waiver_line(check, lang), "change": change_since(check, history, lang)})
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


def statistics_view(audit, lang: str, audience: str, history: History | None = None) -> dict | None:
    dossiers = field_of(audit, "dossiers")
    if dossiers is None:
        return None
    table = tthc_statistics(dossiers, audit.period)
    public = audience == PUBLIC
    rows = []
    for number, (name, values) in enumerate(table.iterrows(), start=1):
        total = name == TOTAL
        if not total:  # a procedure's title can name a person: masked, or redacted in public
            name = privacy.scrub_text(name, () if public else known_names(audit), redact=public)
        rows.append({"stt": "" if total else number, "name": label("total", lang) if total else name,
                     "total": total, "cells": [fmt_int(values[c], lang) for c in STAT_COLUMNS]})
    return {"head": appendix_head(audit, "II", label("stats_title", lang), lang), "rows": rows,
            "note": label("stats_note", lang)}


def index_view(audit, lang: str, audience: str, history: History | None = None) -> dict | None:
    index = field_of(audit, "index_766")
    if index is None:
        return None
    rows = []
    for item in list(field_of(index, "items", ()) or ()):
        arisen = field_of(item, "arisen", True)
        rows.append({
            "id": field_of(item, "id"),
            "title": field_of(item, "title_en" if lang == "en" else "title_vi", ""),
            "numerator": fmt_int(field_of(item, "numerator"), lang),
            "denominator": fmt_int(field_of(item, "denominator"), lang),
            "value": fmt_pct(field_of(item, "value"), lang) if arisen else label("not_arisen", lang),
            "threshold": fmt_share(field_of(item, "threshold"), lang),
            "max_points": fmt_number(field_of(item, "max_points"), lang),
            "points": fmt_number(field_of(item, "points"), lang) if arisen else "—",
            "arisen": arisen,
        })
    return {"head": appendix_head(audit, "III", label("index_title", lang), lang),
            "score": label("index_score", lang, score=fmt_number(field_of(index, "score"), lang),
                           max=fmt_number(field_of(index, "max"), lang)),
            "rows": rows,
            "definition": label("index_note", lang)}


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
    for waiver in list(field_of(field_of(audit, "params"), "waivers", ()) or ()):
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
    plan = field_of(audit, "plan")
    seen, definitions = set(), []
    for target in (field_of(plan, "targets", ()) or ()):
        text = messages.definition(target.check, lang, days=publication_days(audit))
        if text and target.check not in seen:
            seen.add(target.check)
            ids = ", ".join(t.id for t in plan.targets if t.check == target.check)
            definitions.append((ids, text))
    if tasks_of(audit):
        definitions.append((pick(("Mục III", "Section III"), lang), messages.definition("tasks", lang)))
    inputs = []
    for record in field_of(audit, "inputs", ()) or ():
        path = field_of(record, "path", "")
        inputs.append({"register": field_of(record, "register", ""), "file": Path(str(path)).name,
                       "rows": fmt_int(field_of(record, "rows"), lang), "sha256": field_of(record, "sha256", "")})
    notes = []
    for note in field_of(audit, "methodology", ()) or ():
        notes.append(note.text(lang) if hasattr(note, "text") else str(note))
    return {
        "head": appendix_head(audit, "IV", label("methodology", lang), lang),
        "period": label("period_line", lang, period=period_label(audit.period, lang),
                        dates=period_dates(audit.period, lang)),
        "definitions": definitions,
        "calendar": _calendar_view(field_of(audit, "calendar"), lang),
        "waivers": waivers_view(audit, lang),
        "inputs": inputs,
        "notes": notes,
        "software": label("software_line", lang, version=__version__),
        "generated_at": fmt_datetime(field_of(audit, "generated_at"), lang),
        "fingerprint": field_of(audit, "fingerprint") or "",
    }

