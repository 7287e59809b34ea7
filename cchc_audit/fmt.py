"""Numbers and dates as the report's language writes them.

Vietnamese (`vi`): `98,50%`, `1.234`, `05/04/2024`, and in a document's date line `ngày 05 tháng 4
năm 2024` (Nghị định 30/2020/NĐ-CP: a leading zero for days below 10 and for months 1 and 2).
English (`en`): `98.50%`, `1,234`, and every date in one style, `5 April 2024` (in tables, in
sentences and in the date line alike). A missing value prints as an em dash (numbers) or nothing
(dates).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

DASH = "—"
COMPARATOR_SIGNS = {">=": "≥", ">": ">", "any": ""}
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")


def is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _vi_separators(text: str) -> str:
    """`1,234.5` -> `1.234,5`."""
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def fmt_int(value, lang: str = "vi") -> str:
    if is_missing(value):
        return DASH
    text = f"{int(value):,}"
    return text if lang == "en" else text.replace(",", ".")


def fmt_number(value, lang: str = "vi", digits: int = 2) -> str:
    if is_missing(value):
        return DASH
    text = f"{float(value):,.{digits}f}"
    return text if lang == "en" else _vi_separators(text)


def fmt_pct(value, lang: str = "vi", digits: int = 2) -> str:
    """0.985 -> `98,50%` (vi) / `98.50%` (en)."""
    if is_missing(value):
        return DASH
    return fmt_number(float(value) * 100, lang, digits) + "%"


def fmt_share(value, lang: str = "vi") -> str:
    """A threshold as the plan writes it: 0.98 -> `98%`, 0.955 -> `95,5%`."""
    if is_missing(value):
        return DASH
    text = f"{round(float(value) * 100, 4):g}"
    return (text if lang == "en" else text.replace(".", ",")) + "%"


def fmt_points(delta, lang: str = "vi", digits: int = 2) -> str:
    """A change of a ratio in percentage points, signed: 0.015 -> `+1,50`, -0.02 -> `−2,00`;
    no change -> `0,00`."""
    if is_missing(delta):
        return DASH
    points = round(float(delta) * 100, digits)
    text = fmt_number(abs(points), lang, digits)
    return text if points == 0 else ("+" if points > 0 else "−") + text


def fmt_target(comparator: str | None, threshold, lang: str = "vi", any_text: str = "") -> str:
    """`≥ 98%`; a target of all (`>= 100%`) prints `100%`, as the plan says it; a target that
    only asks for "some" (comparator `any`) prints `any_text`."""
    if comparator == "any":
        return any_text
    if comparator is None:
        return DASH
    if comparator == ">=" and not is_missing(threshold) and float(threshold) >= 1:
        return fmt_share(threshold, lang)
    return f"{COMPARATOR_SIGNS.get(comparator, comparator)} {fmt_share(threshold, lang)}"


def as_date(value) -> dt.date | None:
    if is_missing(value):
        return None
    if isinstance(value, dt.datetime):  # pd.Timestamp too
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
    day = as_date(value)
    if day is None:
        return "" if is_missing(value) else str(value)
    return date_words(day, lang) if lang == "en" else day.strftime("%d/%m/%Y")


def fmt_datetime(value, lang: str = "vi") -> str:
    if is_missing(value):
        return ""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        zone = value.strftime(" %z") if value.tzinfo else ""
        return fmt_date(value.date(), lang) + value.strftime(" %H:%M") + zone
    return fmt_date(value, lang)


def fmt_date_prose(value, lang: str = "vi") -> str:
    """A date inside a sentence: `19/02/2024` (vi, as documents write it), `19 February 2024` (en,
    as everywhere in English)."""
    return fmt_date(value, lang)


def date_words(day: dt.date, lang: str = "vi") -> str:
    """`ngày 05 tháng 4 năm 2024` / `5 April 2024`."""
    if lang == "en":
        return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def date_line(place: str | None, day: dt.date, lang: str = "vi") -> str:
    """The document's place and date: `Nhà Bè, ngày 05 tháng 4 năm 2024`."""
    text = date_words(day, lang)
    if place:
        return f"{place}, {text}"
    return text[:1].upper() + text[1:]


def month_label(year: int, month: int, lang: str = "vi", with_year: bool = False) -> str:
    """An axis label: `T3` / `Mar`, with the year when a series spans two years."""
    if lang == "en":
        text = MONTHS_EN[month - 1][:3]
        return f"{text} {year}" if with_year else text
    return f"T{month}/{year}" if with_year else f"T{month}"
