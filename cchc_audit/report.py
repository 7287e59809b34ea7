"""The report: an `Audit` turned into HTML fragments the audit notebook displays.

Each part is a function `part(audit, lang, audience) -> str`. Parts that can carry personal data
render differently for the internal audience (personal columns masked, see privacy.py) and the
public one (personal and free-text columns dropped); `show` displays such a part twice, each copy
marked with its audience, and a part that is the same for both once, unmarked. The run's exporter
keeps, in each HTML file, the unmarked outputs and those of its audience.

Every value reaches the page through Jinja with autoescaping on: a register cell holding
`<script>` prints as text. Numbers and dates follow the report's language (98,50% and 05/04/2024
in Vietnamese; 98.50% and 2024-04-05 in English).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import jinja2
from markupsafe import Markup
import pandas as pd

from . import __version__, messages, privacy
from .messages import label, pick
from .results import (DAT, KHONG_DAT, KHONG_PHAT_SINH, MIEN_TRU, THIEU_DU_LIEU, CheckResult,
                      status_label)
from .schema import BOOL, DATE, ENUM, MONTH, REGISTERS

INTERNAL, PUBLIC = "internal", "public"
AUDIENCES = (INTERNAL, PUBLIC)
META_KEY = "cchc_audit"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
FRAGMENTS_DIR = TEMPLATE_DIR / "fragments"
# Rows listed under one check; the rest are counted (results.json has them all). A met target's
# items are individual findings, not a failure: a shorter list keeps the report readable.
MAX_ITEMS = 200
MAX_ITEMS_MET = 20


# --- nbconvert template -----------------------------------------------------------------------

def template_dir() -> Path:
    """The nbconvert template folder (extends `lab`): pass `template_name=template_dir().name`
    and `extra_template_basedirs=[str(template_dir().parent)]` to HTMLExporter, or the folder's
    absolute path as `template_name`. Set `language_code` to the report's language; the template
    prefers the `lang` parameter papermill recorded in the notebook."""
    return TEMPLATE_DIR


def exporter_options() -> dict[str, Any]:
    return {"template_name": TEMPLATE_DIR.name, "extra_template_basedirs": [str(TEMPLATE_DIR.parent)]}


# --- formatting -------------------------------------------------------------------------------

def _is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def fmt_int(value, lang: str = "vi") -> str:
    if _is_missing(value):
        return "—"
    text = f"{int(value):,}"
    return text.replace(",", ".") if lang != "en" else text


def fmt_number(value, lang: str = "vi", digits: int = 2) -> str:
    if _is_missing(value):
        return "—"
    text = f"{float(value):,.{digits}f}"
    if lang != "en":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def fmt_pct(value, lang: str = "vi", digits: int = 2) -> str:
    """0.985 -> `98,50%` (vi) / `98.50%` (en); None -> an em dash."""
    if _is_missing(value):
        return "—"
    return fmt_number(float(value) * 100, lang, digits) + "%"


def fmt_share(value, lang: str = "vi") -> str:
    """A threshold as the plan writes it: 0.98 -> `98%`, 0.955 -> `95,5%`."""
    if _is_missing(value):
        return "—"
    text = f"{round(float(value) * 100, 4):g}"
    return (text if lang == "en" else text.replace(".", ",")) + "%"


COMPARATOR_SIGNS = {">=": "≥", ">": ">", "==": "=", "all": "=", "any": ""}


def fmt_target(comparator: str | None, threshold, lang: str = "vi") -> str:
    if comparator == "any":
        return label("any_target", lang)
    if comparator is None:
        return "—"
    return f"{COMPARATOR_SIGNS.get(comparator, comparator)} {fmt_share(threshold, lang)}"


def _as_date(value) -> dt.date | None:
    if _is_missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    try:
        return pd.Timestamp(value).date()
    except (TypeError, ValueError):
        return None


def fmt_date(value, lang: str = "vi") -> str:
    day = _as_date(value)
    if day is None:
        return "" if _is_missing(value) else str(value)
    return day.isoformat() if lang == "en" else day.strftime("%d/%m/%Y")


def fmt_datetime(value, lang: str = "vi") -> str:
    if _is_missing(value):
        return ""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        zone = value.strftime(" %z") if value.tzinfo else ""
        return value.strftime("%Y-%m-%d %H:%M" if lang == "en" else "%d/%m/%Y %H:%M") + zone
    return fmt_date(value, lang)


def date_line(place: str | None, day: dt.date, lang: str = "vi") -> str:
    """`Nhà Bè, ngày 05 tháng 04 năm 2024`: day and months 1-2 with a leading zero (NĐ 30/2020)."""
    place = place or ""
    if lang == "en":
        text = f"{day.day} {day.strftime('%B')} {day.year}"
        return f"{place}, {text}" if place else text
    # Nghị định 30/2020: leading zero for days below 10 and for months 1 and 2 only.
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    text = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place}, {text}" if place else text[0].upper() + text[1:]


def fmt_figure(check: CheckResult, lang: str = "vi") -> str:
    """`196/200 = 98,00%`, or the reason there is no figure."""
    if check.numerator is None:  # missing register: the status and the note say which
        return "—"
    if check.denominator in (None, 0):
        return label("figure_none", lang)
    return (f"{fmt_int(check.numerator, lang)}/{fmt_int(check.denominator, lang)} = "
            f"{fmt_pct(check.value, lang)}")


# --- reading an Audit -------------------------------------------------------------------------

def _get(obj, name: str, default=None):
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _param(audit, name: str, default=None):
    return _get(_get(audit, "params"), name, default)


def _period_label(period, lang: str) -> str:
    labeller = getattr(period, "label", None)
    return labeller(lang) if callable(labeller) else str(_get(period, "id", ""))


def _plan_targets(audit) -> dict:
    plan = _get(audit, "plan")
    return {t.id: t for t in (_get(plan, "targets", ()) or ())}


def _areas(audit) -> list:
    return list(_get(_get(audit, "plan"), "areas", ()) or ())


def _targets(audit) -> list[CheckResult]:
    return [c for c in audit.checks if c.kind == "target"]


def _tasks(audit) -> list[CheckResult]:
    return [c for c in audit.checks if c.kind == "task"]


def _personal_columns(audit) -> frozenset[str]:
    return frozenset(_get(audit, "personal_columns", None) or privacy.PERSONAL_COLUMNS)


# --- tables of items ---------------------------------------------------------------------------

_COLUMN_KINDS: dict[str, str] = {}
for _register in REGISTERS.values():
    for _column in _register.columns:
        _COLUMN_KINDS.setdefault(_column.name, _column.kind)


def _cell(column: str, value, lang: str) -> str:
    if _is_missing(value):
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


def item_table(frame: pd.DataFrame | None, lang: str, audience: str,
               personal: frozenset[str] = privacy.PERSONAL_COLUMNS, limit: int = MAX_ITEMS,
               registers=()) -> dict | None:
    """The rows behind a figure as a table for one audience: personal columns masked (internal)
    or dropped with every free-text column (public). Row numbers are Excel's."""
    if frame is None or len(frame) == 0:
        return None
    if audience == PUBLIC:
        shown = privacy.public_frame(frame, personal)
    else:
        shown = privacy.mask_frame(frame, personal)
    columns = list(shown.columns)
    has_row = any(not _is_missing(i) for i in shown.index)
    header = ([label("col_row", lang)] if has_row else []) + [messages.column_label(c, lang, registers) for c in columns]
    classes = (["num"] if has_row else []) + [_column_class(c, shown[c]) for c in columns]
    rows = []
    for index, record in zip(shown.index[:limit], shown.iloc[:limit].itertuples(index=False, name=None)):
        cells = [_cell(c, v, lang) for c, v in zip(columns, record)]
        rows.append(([("" if _is_missing(index) else str(index))] if has_row else []) + cells)
    return {"header": header, "classes": classes, "rows": rows, "count": len(shown),
            "more": max(0, len(shown) - limit)}


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


# --- view models: one per part -------------------------------------------------------------------

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


def _unit_view(audit, lang: str) -> dict:
    unit = _get(audit, "unit")
    return {
        "body": body_lines(_get(unit, "co_quan_chu_quan") or ""),
        "name": (_get(unit, "ten_don_vi") or _get(unit, "name") or "").upper(),
        "name_plain": _get(unit, "ten_don_vi") or _get(unit, "name") or "",
        "code": _get(unit, "ma_don_vi") or _get(unit, "code") or "",
        "ky_hieu": _get(unit, "ky_hieu") or "",
        "place": _get(unit, "dia_danh") or "",
        "principal": _param(audit, "principal") or _get(unit, "hieu_truong") or "",
    }


def _report_date(audit) -> dt.date:
    chosen = _param(audit, "report_date")
    if chosen:
        return _as_date(chosen)
    generated = _as_date(_get(audit, "generated_at"))
    return generated or dt.date.today()


def _doc_number(unit: dict, lang: str) -> str:
    # The number is left blank for the clerk (REPORT-FORM: `Số:      /BC-TMNMN`).
    suffix = f"/BC-{unit['ky_hieu']}" if unit["ky_hieu"] else "/BC"
    return f"{label('so', lang)}:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0{suffix}"


def _about(plan, lang: str) -> str:
    title = (_get(plan, "title_en") if lang == "en" else _get(plan, "title_vi")) or ""
    prefix = "plan " if lang == "en" else "kế hoạch "
    if title.lower().startswith(prefix):
        title = title[len(prefix):]
    return title[:1].lower() + title[1:] if lang != "en" else title


def _subject(audit, lang: str) -> str:
    plan = _get(audit, "plan")
    year = _get(plan, "year") or _get(audit.period, "start").year
    subject = label("subject", lang, year=year, period="").rstrip(" —")
    if _get(audit.period, "kind") == "year" and audit.period.start.year == year:
        return subject  # the plan's own year: "... năm 2024" says it all
    period = _period_label(audit.period, lang)
    tail = f" {year}" if lang == "en" else f" năm {year}"
    if period.endswith(tail) and audit.period.start.year == year:
        period = period[: -len(tail)]
    return f"{subject} — {period}"


def header_view(audit, lang: str, audience: str) -> dict:
    unit = _unit_view(audit, lang)
    plan = _get(audit, "plan")
    period = audit.period
    period_text = _period_label(period, lang)
    return {
        "unit": unit,
        "number": _doc_number(unit, lang),
        "national": label("quoc_hieu", lang),
        "motto": label("tieu_ngu", lang),
        "date_line": date_line(unit["place"], _report_date(audit), lang),
        "kind": label("bao_cao", lang),
        "subject": _subject(audit, lang),
        "opening": label(
            "opening", lang, number=_get(plan, "number", ""), date=fmt_date(_get(plan, "date"), lang),
            issuer=_get(plan, "issuer", ""), about=_about(plan, lang), unit=unit["name_plain"],
            period=period_text[:1].lower() + period_text[1:] if lang != "en" else period_text,
            start=fmt_date(period.start, lang), end=fmt_date(period.end, lang)),
        "meta": [
            (label("period", lang), f"{period_text} ({label('from_to', lang, start=fmt_date(period.start, lang), end=fmt_date(period.end, lang))})"),
            (label("unit_code", lang), unit["code"]),
            (label("generated_at", lang), fmt_datetime(_get(audit, "generated_at"), lang)),
            (label("fingerprint", lang), _get(audit, "fingerprint") or ""),
        ],
        "public": audience == PUBLIC,
        "public_notice": label("public_notice", lang),
    }


def _check_row(number: int, check: CheckResult, lang: str) -> dict:
    denominator_zero = check.denominator in (None, 0)
    return {
        "stt": number,
        "id": check.id,
        "title": check.title(lang),
        "numerator": fmt_int(check.numerator, lang) if check.numerator is not None else "—",
        "denominator": fmt_int(check.denominator, lang) if check.denominator is not None else "—",
        "value": "—" if denominator_zero else fmt_pct(check.value, lang),
        "target": fmt_target(check.comparator, check.target, lang),
        "status": check.status,
        "status_label": status_label(check.status, lang),
    }


def summary_view(audit, lang: str, audience: str, kinds=("target", "task")) -> dict:
    groups = []
    number = 0
    for kind, title_key in (("target", "part_II"), ("task", "part_III")):
        if kind not in kinds:
            continue
        rows = []
        for check in audit.checks:
            if check.kind == kind:
                number += 1
                rows.append(_check_row(number, check, lang))
        if rows:
            groups.append({"title": label(title_key, lang), "rows": rows})
    return {"groups": groups, "single": len(kinds) == 1}


def _parts_view(check: CheckResult, lang: str) -> list[dict]:
    out = []
    for part in check.parts or []:
        denominator = part.get("denominator")
        out.append({
            "id": part.get("id", ""),
            "title": part.get("title_en" if lang == "en" else "title_vi") or part.get("id", ""),
            "numerator": fmt_int(part.get("numerator"), lang),
            "denominator": fmt_int(denominator, lang),
            "value": "—" if not denominator else fmt_pct(part.get("value"), lang),
            "arisen": part.get("arisen", bool(denominator)),
        })
    return out


def _check_detail(check: CheckResult, target, lang: str, audience: str, personal) -> dict:
    definition = messages.definition(target.check, lang) if target is not None else None
    return {
        "id": check.id,
        "title": check.title(lang),
        "definition": definition,
        "figure": fmt_figure(check, lang),
        "target": fmt_target(check.comparator, check.target, lang),
        "status": check.status,
        "status_label": status_label(check.status, lang),
        "parts": _parts_view(check, lang),
        "notes": [n.text(lang) for n in check.notes],
        "items": item_table(check.items, lang, audience, personal,
                            MAX_ITEMS_MET if check.status in (DAT, MIEN_TRU) else MAX_ITEMS,
                            check.registers),
    }


def targets_view(audit, lang: str, audience: str) -> dict:
    plan_targets = _plan_targets(audit)
    personal = _personal_columns(audit)
    by_area: dict[str, list] = {}
    for check in _targets(audit):
        by_area.setdefault(check.area, []).append(check)
    areas = []
    known = [a for a in _areas(audit) if a.id in by_area]
    for area in known:
        checks = by_area.pop(area.id)
        areas.append({
            "number": area.source if area.section == "II" else area.id,
            "title": area.title_en if lang == "en" else area.title_vi,
            # An area that is one target (II.3, II.4...) already carries its wording as heading.
            "single": len(checks) == 1 and checks[0].id == area.id,
            "checks": [_check_detail(c, plan_targets.get(c.id), lang, audience, personal) for c in checks],
        })
    for area_id, checks in by_area.items():  # an area the plan does not list (defensive)
        areas.append({"number": area_id, "title": "", "single": False, "checks": [
            _check_detail(c, plan_targets.get(c.id), lang, audience, personal) for c in checks]})
    return {"title": label("part_II", lang), "summary": summary_view(audit, lang, audience, ("target",)),
            "areas": areas}


def _evidence_lines(check: CheckResult, lang: str, audience: str) -> list[str]:
    """One line per evidence row in the period: date, reference, progress, reason. The public
    report leaves the reference out: it is free text (schema.FREE_TEXT_COLUMNS)."""
    lines = []
    frame = check.items
    if frame is None or len(frame) == 0:
        return lines
    for _, row in frame.iterrows():
        parts = [fmt_date(row.get("ngay"), lang)]
        if (audience != PUBLIC and not _is_missing(row.get("minh_chung"))
                and str(row.get("minh_chung")).strip()):
            parts.append(str(row.get("minh_chung")))
        state = row.get("trang_thai")
        if not _is_missing(state) and len(frame) > 1:  # one row: the progress column says it
            parts.append(f"({messages.choice_label('trang_thai', state, lang)})")
        if not _is_missing(row.get("ly_do")):
            parts.append(f"— {messages.reason(row.get('ly_do'), lang)}")
        lines.append(" ".join(p for p in parts if p))
    return lines


def _task_notes(check: CheckResult, lang: str, audience: str) -> list[str]:
    notes = [n.text(lang) for n in check.notes]
    frame = check.items
    if audience != PUBLIC and frame is not None and "ghi_chu" in frame.columns:
        notes += [str(v) for v in frame["ghi_chu"] if not _is_missing(v) and str(v).strip()]
    return notes


def _evidenced(check: CheckResult) -> bool:
    return check.status in (DAT, KHONG_PHAT_SINH)


def _task_row(number: int, check: CheckResult, plan_year, lang: str, audience: str) -> dict:
    latest = (check.extra or {}).get("latest_status")
    return {
        "stt": number,
        "id": check.id,
        "title": check.title(lang),
        "evidence": _evidence_lines(check, lang, audience) or [label("no_evidence", lang)],
        "has_evidence": _evidenced(check),
        "deadline": (f"Year {plan_year}" if lang == "en" else f"Năm {plan_year}") if plan_year else "",
        "progress": "" if _is_missing(latest) else messages.choice_label("trang_thai", latest, lang),
        "status": check.status,
        "status_label": status_label(check.status, lang),
        "notes": _task_notes(check, lang, audience),
        "items": [],
    }


def _task_order(checks: list[CheckResult]) -> list[CheckResult]:
    """Tasks without evidence first (they need action), then the rest; plan order within each."""
    return sorted(checks, key=lambda c: 0 if not _evidenced(c) and c.status != MIEN_TRU else 1)


def _task_counts(tasks: list[CheckResult], lang: str) -> dict:
    """The count lines the district expects (`Hoàn thành 23/52 nhiệm vụ, đạt 44,23%`), by the
    rules of Audit.tasks_summary: evidenced = Đạt or Không phát sinh; completed = Đạt with the
    latest evidence row `hoan_thanh`."""
    total = len(tasks)
    evidenced = sum(_evidenced(c) for c in tasks)
    done = sum((c.extra or {}).get("latest_status") == "hoan_thanh" and c.status == DAT for c in tasks)
    return {
        "evidenced": label("tasks_count", lang, done=evidenced, total=total,
                           value=fmt_pct(evidenced / total if total else None, lang)),
        "completed": label("tasks_done_count", lang, done=done, total=total,
                           value=fmt_pct(done / total if total else None, lang)),
    }


def _area_tasks(audit, area_id: str, lang: str, audience: str) -> list[dict]:
    plan = _get(audit, "plan")
    year = _get(plan, "year")
    plan_tasks = {t.id: t for t in (_get(plan, "tasks", ()) or ())}
    checks = _task_order([c for c in _tasks(audit) if c.area == area_id])
    rows = []
    for number, check in enumerate(checks, start=1):
        row = _task_row(number, check, year, lang, audience)
        task = plan_tasks.get(check.id)
        row["items"] = list(task.items) if task is not None else []
        rows.append(row)
    return rows


def _task_areas(audit) -> list:
    return [a for a in _areas(audit) if a.section == "III"]


def direction_view(audit, lang: str, audience: str) -> dict:
    """Part I: the plan's area III.1 (direction, management, communication) with its evidence."""
    areas = _task_areas(audit)
    first = areas[0] if areas else None
    rows = _area_tasks(audit, first.id, lang, audience) if first is not None else []
    return {"title": label("part_I", lang),
            "area_title": (first.title_en if lang == "en" else first.title_vi) if first else "",
            "rows": rows,
            "counts": _task_counts([c for c in _tasks(audit) if first and c.area == first.id], lang)}


def tasks_view(audit, lang: str, audience: str) -> dict:
    areas = _task_areas(audit)
    out = []
    for index, area in enumerate(areas):
        out.append({
            "number": area.source,
            "title": area.title_en if lang == "en" else area.title_vi,
            "see_part_I": index == 0,
            "rows": [] if index == 0 else _area_tasks(audit, area.id, lang, audience),
        })
    return {"title": label("part_III", lang), "areas": out,
            "counts": _task_counts(_tasks(audit), lang)}


def _reasons_text(check: CheckResult, lang: str) -> str:
    frame = check.items
    if frame is None or len(frame) == 0 or "ly_do" not in frame.columns:
        return ""
    counted = Counter(str(v) for v in frame["ly_do"] if not _is_missing(v))
    if not counted:
        return ""
    parts = [f"{messages.reason(code, lang)}: {fmt_int(n, lang)}" for code, n in counted.most_common()]
    return " (" + "; ".join(parts) + ")"


def _bare(title: str) -> str:
    """A plan sentence inside another sentence: without its own closing punctuation."""
    return title.strip().rstrip(".;:")


def assessment_view(audit, lang: str, audience: str) -> dict:
    targets = _targets(audit)
    tasks = _tasks(audit)
    by_status: dict[str, list[CheckResult]] = {}
    for check in targets:
        by_status.setdefault(check.status, []).append(check)

    def brief(checks):
        return [f"{c.id} — {_bare(c.title(lang))}" for c in checks]

    weak = [label("weak_line", lang, id=c.id, title=_bare(c.title(lang)), value=fmt_figure(c, lang),
                  target=fmt_target(c.comparator, c.target, lang), reasons=_reasons_text(c, lang))
            for c in by_status.get(KHONG_DAT, [])]
    missing_tasks = [c.id for c in tasks if c.status == KHONG_DAT]
    if missing_tasks:
        weak.append(label("tasks_missing", lang, count=len(missing_tasks), ids=", ".join(missing_tasks)))
    assessed = [c for c in targets if c.status in (DAT, KHONG_DAT)]
    recommendations = list(_param(audit, "recommendations", ()) or ())
    return {
        "title": label("part_IV", lang),
        "met": label("met_count", lang, met=len(by_status.get(DAT, [])), total=len(assessed)),
        "lists": [(label(key, lang), brief(by_status.get(status, [])))
                  for key, status in (("not_met_list", KHONG_DAT), ("no_data_list", THIEU_DU_LIEU),
                                      ("not_arisen_list", KHONG_PHAT_SINH), ("waived_list", MIEN_TRU))
                  if by_status.get(status)],
        "weak_title": label("weak_title", lang),
        "weak": weak,
        "tasks": _task_counts(tasks, lang),
        "recommendations_title": label("part_V", lang),
        "recommendations": recommendations,
        "recommendations_blank": label("recommendations_blank", lang),
        "end_mark": label("end_mark", lang),
    }


def signature_view(audit, lang: str, audience: str) -> dict:
    unit = _unit_view(audit, lang)
    recipients = list(_param(audit, "recipients", ()) or ())
    return {
        "recipients_title": label("noi_nhan", lang) + ":",
        "recipients": [r if r.startswith("-") else f"- {r}" for r in recipients] + [f"- {label('luu', lang)}"],
        "signer_title": label("hieu_truong", lang),
        "principal": unit["principal"],
        "prepared_by_label": label("nguoi_lap", lang),
        "prepared_by": _param(audit, "prepared_by") or "",
    }


def _appendix_head(audit, number: str, title: str, lang: str) -> dict:
    unit = _unit_view(audit, lang)
    suffix = f"/BC-{unit['ky_hieu']}" if unit["ky_hieu"] else "/BC"
    return {"kind": f"{label('appendix', lang)} {number}", "title": title,
            "ref": label("appendix_of", lang, number="..." + suffix, date=fmt_date(_report_date(audit), lang))}


def checks_table_view(audit, lang: str, audience: str) -> dict:
    """Appendix I: the self-inspection table, one row per target and per task."""
    return {"head": _appendix_head(audit, "I", label("summary_title", lang), lang),
            "summary": summary_view(audit, lang, audience)}


def prepared_dossiers(audit) -> pd.DataFrame | None:
    """The dossiers with the checks' own flags (due date, resolved on time, overdue at the end...);
    None without the ho_so register."""
    return _get(audit, "dossiers")


STAT_COLUMNS = ["nhan_tong", "nhan_truc_tuyen", "nhan_truc_tiep", "nhan_ky_truoc",
                "da_tong", "da_truoc_han", "da_dung_han", "da_qua_han",
                "dang_tong", "dang_trong_han", "dang_qua_han", "qua_han_co_xin_loi", "qua_han_chua_xin_loi"]


def tthc_statistics(dossiers: pd.DataFrame, period) -> pd.DataFrame:
    """The periodic TTHC report's table (Biểu 06): one row per procedure and a total row, counted
    from the checks' flags. "Trước hạn" is a result before the due date, "đúng hạn" on it; received
    = carried over from before the period + received in it (online / in person and by post)."""
    d = dossiers
    start = pd.Timestamp(period.start)
    end = pd.Timestamp(period.end)
    kept = ~d["loai_tru"].astype(bool)
    received = d["tiep_nhan_trong_ky"].astype(bool)
    online = received & (d["kenh_nop"] == "truc_tuyen").fillna(False).astype(bool)
    result, due = d["ngay_co_ket_qua"], d["han"]
    carried = kept & (d["ngay_tiep_nhan"] < start) & (result.isna() | (result >= start))
    resolved = d["tinh_dung_han"].astype(bool)
    early = resolved & (result < due).fillna(False).astype(bool)
    on_due = resolved & (result == due).fillna(False).astype(bool)
    late_set = d["tre_han"].astype(bool) | d["qua_han_cuoi_ky"].astype(bool)
    apologised = late_set & (d["ngay_xin_loi"].notna() & (d["ngay_xin_loi"] <= end))
    in_progress = d["dang_giai_quyet_cuoi_ky"].astype(bool)
    overdue = d["qua_han_cuoi_ky"].astype(bool)
    flags = pd.DataFrame({
        "nhan_truc_tuyen": online, "nhan_truc_tiep": received & ~online, "nhan_ky_truoc": carried,
        "da_tong": resolved, "da_truoc_han": early, "da_dung_han": on_due, "da_qua_han": d["tre_han"].astype(bool),
        "dang_tong": in_progress, "dang_trong_han": in_progress & ~overdue, "dang_qua_han": overdue,
        "qua_han_co_xin_loi": apologised, "qua_han_chua_xin_loi": late_set & ~apologised,
    }, index=d.index).astype(int)
    flags["nhan_tong"] = flags["nhan_truc_tuyen"] + flags["nhan_truc_tiep"] + flags["nhan_ky_truoc"]
    names = d["tt_ten_thu_tuc"].astype("string").fillna(d["ma_thu_tuc"].astype("string"))
    flags["thu_tuc"] = d["ma_thu_tuc"].astype("string") + " — " + names
    table = flags.groupby("thu_tuc", sort=True)[STAT_COLUMNS].sum()
    table = table[table.sum(axis=1) > 0]
    table.loc["total"] = table.sum()
    return table


def statistics_view(audit, lang: str, audience: str) -> dict | None:
    dossiers = prepared_dossiers(audit)
    if dossiers is None:
        return None
    table = tthc_statistics(dossiers, audit.period)
    rows = []
    for number, (name, values) in enumerate(table.iterrows(), start=1):
        total = name == "total"
        rows.append({"stt": "" if total else number, "name": label("total", lang) if total else name,
                     "total": total, "cells": [fmt_int(values[c], lang) for c in STAT_COLUMNS]})
    return {"head": _appendix_head(audit, "II", label("stats_title", lang), lang), "rows": rows,
            "note": label("stats_note", lang)}


def _index_items(index) -> list:
    return list(_get(index, "items", ()) or ())


def index_view(audit, lang: str, audience: str) -> dict | None:
    index = _get(audit, "index_766")
    if index is None:
        return None
    rows = []
    for item in _index_items(index):
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
    return {"head": _appendix_head(audit, "III", label("index_title", lang), lang),
            "score": label("index_score", lang, score=fmt_number(_get(index, "score"), lang),
                           max=fmt_number(_get(index, "max"), lang)),
            "rows": rows,
            "definition": messages.pick(INDEX_NOTE, lang)}


INDEX_NOTE = (
    "Điểm = điểm tối đa khi tỷ lệ đạt ngưỡng, nếu không thì tỷ lệ × điểm tối đa / ngưỡng; chỉ số không "
    "phát sinh (mẫu số bằng 0) không tính vào tổng điểm và điểm tối đa. Chỉ chấm các chỉ số đo được từ sổ "
    "của đơn vị.",
    "Points = max points when the ratio reaches the threshold, else ratio × max points / threshold; an "
    "item that did not arise (denominator 0) is left out of both the score and its maximum. Only the "
    "items the unit's registers can measure are scored.")


def _calendar_view(calendar: dict, lang: str) -> dict:
    """The calendar the deadlines used: package version, holidays and make-up days in the period,
    and the params file's overrides (audit.calendar_info)."""
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


def methodology_view(audit, lang: str, audience: str) -> dict:
    plan = _get(audit, "plan")
    seen, definitions = set(), []
    for target in (_get(plan, "targets", ()) or ()):
        text = messages.definition(target.check, lang)
        if text and target.check not in seen:
            seen.add(target.check)
            ids = ", ".join(t.id for t in plan.targets if t.check == target.check)
            definitions.append((ids, text))
    if _tasks(audit):
        definitions.append((pick(("Mục III", "Section III"), lang), messages.definition("tasks", lang)))
    inputs = []
    for record in _get(audit, "inputs", ()) or ():
        path = _get(record, "path", "")
        inputs.append({"register": _get(record, "register", ""), "file": Path(str(path)).name,
                       "rows": fmt_int(_get(record, "rows"), lang), "sha256": _get(record, "sha256", "")})
    notes = []
    for note in _get(audit, "methodology", ()) or ():
        text = note.text(lang) if hasattr(note, "text") else (
            pick(note, lang) if isinstance(note, tuple) else _get(note, lang, str(note)))
        notes.append(text)
    return {
        "head": _appendix_head(audit, "IV", label("methodology", lang), lang),
        "definitions": definitions,
        "calendar": _calendar_view(_get(audit, "calendar"), lang),
        "inputs": inputs,
        "notes": notes,
        "software": label("software_line", lang, version=__version__),
        "generated_at": fmt_datetime(_get(audit, "generated_at"), lang),
        "fingerprint": _get(audit, "fingerprint") or "",
    }


# --- rendering ----------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """Autoescaping is on for every template, whatever its file name: register text is data."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(FRAGMENTS_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["label"] = label
    return env


def _render(template: str, lang: str, audience: str, **context) -> str:
    tmpl = environment().get_template(template)
    return tmpl.render(lang=lang, audience=audience, L=lambda key, **kw: label(key, lang, **kw),
                       **context).strip()


def header(audit, lang: str = "vi", audience: str = INTERNAL) -> str:
    return _render("header.html.j2", lang, audience, v=header_view(audit, lang, audience))


def direction(audit, lang: str = "vi", audience: str = INTERNAL) -> str:
    return _render("direction.html.j2", lang, audience, v=direction_view(audit, lang, audience))


def targets(audit, lang: str = "vi", audience: str = INTERNAL) -> str:
    return _render("targets.html.j2", lang, audience, v=targets_view(audit, lang, audience))


def tasks(audit, lang: str = "vi", audience: str = INTERNAL) -> str:
    return _render("tasks.html.j2", lang, audience, v=tasks_view(audit, lang, audience))


def assessment(audit, lang: str = "vi", audience: str = INTERNAL) -> str:
    return _render("assessment.html.j2", lang, audience, v=assessment_view(audit, lang, audience))


def signature(audit, lang: str = "vi", audience: str = INTERNAL) -> str:
    """The signature block belongs to the internal (signed) report only."""
    if audience == PUBLIC:
        return ""
    return _render("signature.html.j2", lang, audience, v=signature_view(audit, lang, audience))


def checks_table(audit, lang: str = "vi", audience: str = INTERNAL) -> str:
    return _render("checks_table.html.j2", lang, audience, v=checks_table_view(audit, lang, audience))


def statistics(audit, lang: str = "vi", audience: str = INTERNAL) -> str:
    view = statistics_view(audit, lang, audience)
    return "" if view is None else _render("statistics.html.j2", lang, audience, v=view)


def index766(audit, lang: str = "vi", audience: str = INTERNAL) -> str:
    view = index_view(audit, lang, audience)
    return "" if view is None else _render("index766.html.j2", lang, audience, v=view)


def methodology(audit, lang: str = "vi", audience: str = INTERNAL) -> str:
    return _render("methodology.html.j2", lang, audience, v=methodology_view(audit, lang, audience))


# The report's parts in order (REPORT-FORM.md): header, I-V, signature, appendices.
PARTS: dict[str, Callable[..., str]] = {
    "header": header,
    "direction": direction,
    "targets": targets,
    "tasks": tasks,
    "assessment": assessment,
    "signature": signature,
    "checks_table": checks_table,
    "statistics": statistics,
    "index766": index766,
    "methodology": methodology,
}


def render(audit, part: str, lang: str = "vi", audience: str = INTERNAL) -> str:
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {AUDIENCES}, not {audience!r}")
    return PARTS[part](audit, lang, audience)


def render_both(audit, part: str, lang: str = "vi") -> tuple[str, str]:
    return render(audit, part, lang, INTERNAL), render(audit, part, lang, PUBLIC)


def display_for(html_internal: str, html_public: str) -> None:
    """Display a part for both audiences: once, unmarked, when both see the same thing; else each
    copy with metadata `{"cchc_audit": {"audience": ...}}` (an empty copy is not displayed)."""
    from IPython.display import HTML, display

    if html_internal == html_public:
        if html_internal:
            display(HTML(html_internal))
        return
    for audience, html in ((INTERNAL, html_internal), (PUBLIC, html_public)):
        if html:
            display(HTML(html), metadata={META_KEY: {"audience": audience}})


def show(audit, part: str, lang: str = "vi") -> None:
    """Render one part for both audiences and display it (see `display_for`)."""
    display_for(*render_both(audit, part, lang))


def show_all(audit, lang: str = "vi") -> None:
    for part in PARTS:
        show(audit, part, lang)


def standalone_html(audit, lang: str = "vi", audience: str = INTERNAL) -> str:
    """The whole report as one HTML page without a notebook (tests, previews)."""
    css = (TEMPLATE_DIR / "static" / "report.css").read_text(encoding="utf-8")
    body = "\n".join(render(audit, part, lang, audience) for part in PARTS)
    # Both are trusted: the stylesheet ships with the package; the body is already-escaped HTML.
    return _render("page.html.j2", lang, audience, css=Markup(css), body=Markup(body))


# --- tables for the analyst's notebook ------------------------------------------------------------

def checks_frame(audit, lang: str = "vi") -> pd.DataFrame:
    """Every check as one row: id, kind, area, wording, figures, target and status label."""
    rows = [{
        "id": c.id, "kind": c.kind, "area": c.area, "title": c.title(lang),
        "numerator": c.numerator, "denominator": c.denominator, "value": c.value,
        "target": fmt_target(c.comparator, c.target, lang), "status": c.status,
        "status_label": status_label(c.status, lang),
        "items": 0 if c.items is None else len(c.items),
    } for c in audit.checks]
    columns = ["id", "kind", "area", "title", "numerator", "denominator", "value", "target",
               "status", "status_label", "items"]
    return pd.DataFrame(rows, columns=columns).set_index("id")


def items_frame(audit, check_id: str, audience: str = INTERNAL) -> pd.DataFrame:
    """The rows behind one check, personal columns masked (internal) or dropped (public)."""
    items = next(c for c in audit.checks if c.id == check_id).items
    if items is None:
        return pd.DataFrame(columns=["ly_do"])
    if audience == PUBLIC:
        return privacy.public_frame(items)
    return privacy.mask_frame(items)


def index_frame(audit, lang: str = "vi") -> pd.DataFrame:
    rows = [{
        "id": _get(i, "id"), "title": _get(i, "title_en" if lang == "en" else "title_vi"),
        "numerator": _get(i, "numerator"), "denominator": _get(i, "denominator"),
        "value": _get(i, "value"), "threshold": _get(i, "threshold"),
        "max_points": _get(i, "max_points"), "points": _get(i, "points"), "arisen": _get(i, "arisen"),
    } for i in _index_items(_get(audit, "index_766"))]
    columns = ["id", "title", "numerator", "denominator", "value", "threshold", "max_points", "points",
               "arisen"]
    return pd.DataFrame(rows, columns=columns).set_index("id")


RUN_COLUMNS = ["unit", "period", "revision", "generated_at", "fingerprint", "targets", "met",
               "not_met", "index_766", "path"]


def runs_frame(runs) -> pd.DataFrame:
    """Archived runs (archive.list_runs) as a table, one row per revision; empty when there are none."""
    rows = []
    for run in runs:
        results = _get(run, "results") or {}
        statuses = Counter(c.get("status") for c in results.get("checks", []) if c.get("kind") == "target")
        rows.append({
            "unit": _get(run, "unit"), "period": _get(run, "period"), "revision": _get(run, "revision"),
            "generated_at": results.get("generated_at"), "fingerprint": results.get("fingerprint"),
            "targets": sum(statuses.values()), "met": statuses.get(DAT, 0),
            "not_met": statuses.get(KHONG_DAT, 0),
            "index_766": (results.get("index_766") or {}).get("score"),
            "path": str(_get(run, "path")),
        })
    return pd.DataFrame(rows, columns=RUN_COLUMNS)


def run_checks_frame(run) -> pd.DataFrame:
    """The checks of one archived run (its results.json) as a table."""
    checks = (_get(run, "results") or {}).get("checks", [])
    columns = ["id", "kind", "status", "numerator", "denominator", "value", "target", "comparator"]
    return pd.DataFrame([{k: c.get(k) for k in columns} for c in checks], columns=columns)
