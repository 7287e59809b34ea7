"""What every part reads: accessors of an `Audit`, figures and targets as text, the tables of items
behind a figure (masked for the internal audience, cut for the public one), the unit and the period
as the header and the appendices print them."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from .. import messages, privacy
from ..codes import Audience
from ..fmt import (
    DASH,
    as_date,
    fmt_date,
    fmt_date_prose,
    fmt_int,
    fmt_number,
    fmt_pct,
    fmt_target,
    is_missing,
)
from ..i18n import has
from ..messages import label
from ..params import DEFAULT_PUBLICATION_DAYS
from ..results import CheckResult
from ..schema import BOOL, DATE, ENUM, LEVEL, MONTH, REGISTERS

# Rows listed under one check; the rest are counted (results.json has them all). A met target's
# items are individual findings, not a failure: a shorter list keeps the report readable.
MAX_ITEMS = 200
MAX_ITEMS_MET = 20


def field_of(obj, name: str, default=None):
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def publication_days(audit) -> int:
    """The monthly publication deadline the checks used: month end + this many working days (the
    audit's calendar records it; an audit built without one falls back to the params)."""
    used = field_of(field_of(audit, "calendar"), "publication_deadline_working_days")
    return used if used is not None else param(audit, "publication_deadline_working_days", DEFAULT_PUBLICATION_DAYS)


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


def memo(audit, key: str, compute):
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
    return memo(audit, "names", lambda: privacy.names_in(field_of(audit, "registers") or {}))


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


def figure_name(target, lang: str) -> str:
    """A target as a parent names it (`Người dân hài lòng với dịch vụ của trường`): the catalog's
    `public_fig.<check>[.<linh_vuc>]`, else the target's id."""
    check = field_of(target, "check")
    subject = (field_of(target, "params") or {}).get("linh_vuc")
    for key in ([f"public_fig.{check}.{subject}"] if subject else []) + [f"public_fig.{check}"]:
        if has(key, lang):
            return label(key, lang)
    return str(field_of(target, "id", ""))


def register_title(name: str, lang: str) -> str:
    """A register as the official text names it (`Sổ theo dõi hồ sơ thủ tục hành chính`), never
    by its file or code name."""
    register = REGISTERS.get(name)
    if register is None:
        return name
    return register.title_en if lang == "en" else register.title_vi


def check_notes(check: CheckResult, lang: str) -> list[str]:
    """A check's notes as the report prints them: without the waiver's own note (it quotes the
    justification, free text from the params; `waiver_line` says the waiver for each audience)."""
    justification = str((check.waiver or {}).get("justification") or "").strip()
    return [n.text(lang) for n in check.notes if not (justification and justification in n.text(lang))]


def waiver_line(check: CheckResult, lang: str, audience: str = Audience.INTERNAL) -> str | None:
    """`Miễn trừ đến 31/12/2024: <lý do>`, or that an expired waiver was not applied. The public
    report gives the expiry without the reason (free text from the params)."""
    waiver = check.waiver
    if not waiver:
        return None
    until = fmt_date(waiver.get("expires"), lang)
    if audience == Audience.PUBLIC:
        return label("waiver_until" if waiver.get("active") else "waiver_expired_public", lang, until=until)
    if waiver.get("active"):
        return label("waiver_active", lang, until=until, reason=waiver.get("justification", ""))
    return label("waiver_expired", lang, until=until, reason=waiver.get("justification", ""))


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
    if kind == LEVEL and not isinstance(value, bool):
        try:  # a satisfaction level with its name, as the chart's legend gives it: `3 — Bình thường`
            level = int(value)
        except (TypeError, ValueError):
            return str(value)
        return f"{level} — {label(f'level.{level}', lang)}" if has(f"level.{level}", lang) else str(level)
    if isinstance(value, float):
        return fmt_int(value, lang) if value.is_integer() else fmt_number(value, lang)
    if isinstance(value, int):
        return fmt_int(value, lang) if column == "so_tien" else str(value)
    return str(value)


def _column_class(column: str, series: pd.Series) -> str:
    """Dates and codes do not wrap; counts align right."""
    kind = _COLUMN_KINDS.get(column)
    if column == "ly_do":
        return "reason"
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
    shown = _shown_columns(head, audience, personal, names)
    columns = [c for c, _ in shown]
    has_row = any(not is_missing(i) for i in head.index)
    header = ([label("col_row", lang)] if has_row else []) + [
        messages.column_label(c, lang, registers) for c in columns]
    classes = (["num"] if has_row else []) + [_column_class(c, series) for c, series in shown]
    # Column by column (each Series iterated as a frame's rows yield it), then row by row.
    records = zip(*(list(series) for _, series in shown)) if columns else ((),) * len(head)
    rows = []
    for index, record in zip(head.index, records):
        cells = [_cell(c, v, lang) for c, v in zip(columns, record)]
        rows.append(([("" if is_missing(index) else str(index))] if has_row else []) + cells)
    return {"header": header, "classes": classes, "rows": rows, "count": len(frame),
            "more": max(0, len(frame) - limit)}


def _shown_columns(head: pd.DataFrame, audience: str, personal, names) -> list[tuple[str, pd.Series]]:
    """The columns of the frame one audience sees (`privacy.public_frame`, `privacy.mask_frame`),
    read as columns: building that frame (twice copied) cost more than the masking."""
    if not head.columns.is_unique:
        shown = privacy.public_frame(head, personal) if audience == Audience.PUBLIC else privacy.mask_frame(
            head, personal, names=names)
        return [(c, shown.iloc[:, k]) for k, c in enumerate(shown.columns)]
    if audience == Audience.PUBLIC:
        return list(privacy.public_masked_columns(head, personal).items())
    return list(privacy.masked_columns(head, personal, names=names).items())


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


def appendix_head(audit, number: str, title: str, lang: str) -> dict:
    suffix = doc_suffix(unit_view(audit))
    return {"kind": f"{label('appendix', lang)} {number}", "title": title,
            "ref": label("appendix_of", lang, number="..." + suffix, date=fmt_date(report_date(audit), lang)),
            "dates": label("period_dates_line", lang, dates=period_dates(audit.period, lang))}
