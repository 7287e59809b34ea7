"""Appendix IV: method and data sources: definitions, calendar, waivers, inputs, notes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .. import __version__, messages
from ..codes import Audience
from ..fmt import fmt_date, fmt_datetime, fmt_int
from ..messages import label
from ..results import STATUSES, status_label
from ..trends import History
from .common import (
    appendix_head,
    field_of,
    period_dates,
    period_label,
    publication_days,
    register_title,
    tasks_of,
)


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


def waivers_view(audit, lang: str, public: bool = False) -> list[dict]:
    """Every waiver of the params file: the check, why (internal report only: free text from the
    params), until when, and whether it applied."""
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
        rows.append({"check": waiver.check, "justification": "" if public else waiver.justification,
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
        definitions.append((label("section_III", lang), messages.definition("tasks", lang)))
    inputs = []
    for record in field_of(audit, "inputs", ()) or ():
        path = field_of(record, "path", "")
        inputs.append({"register": register_title(field_of(record, "register", ""), lang),
                       "file": Path(str(path)).name,
                       "rows": fmt_int(field_of(record, "rows"), lang), "sha256": field_of(record, "sha256", "")})
    notes = []
    for note in field_of(audit, "methodology", ()) or ():
        notes.append(note.text(lang) if hasattr(note, "text") else str(note))
    public = audience == Audience.PUBLIC
    return {
        "head": appendix_head(audit, "IV", label("methodology", lang), lang),
        # The public report: no file names, hashes or fingerprint (REPORT-FORM.md).
        "public": public,
        "period": label("period_line", lang, period=period_label(audit.period, lang),
                        dates=period_dates(audit.period, lang)),
        "definitions": definitions,
        "calendar": _calendar_view(field_of(audit, "calendar"), lang),
        "waivers": waivers_view(audit, lang, public),
        "inputs": inputs,
        "notes": notes,
        "software": label("software_line", lang, version=__version__),
        "generated_at": fmt_datetime(_generated_at(audit), lang),
        "fingerprint": field_of(audit, "fingerprint") or "",
    }


def _generated_at(audit):
    """When the audit ran, in the unit's time zone (`mui_gio`), as results.json and the archive's
    front page say it: never the zone of whatever machine ran it."""
    moment = field_of(audit, "generated_at")
    unit = field_of(audit, "unit")
    if isinstance(moment, dt.datetime) and moment.tzinfo is not None and hasattr(unit, "zone"):
        return moment.astimezone(unit.zone)
    return moment
