"""Personal data in reports (Nghị định 13/2023/NĐ-CP).

An internal report may show a name as `Nguyễn V. A.` and a phone or ID number with all but its
last 3 characters masked; a public report shows no personal data at all (see `public_columns`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

import pandas as pd

from .schema import FREE_TEXT_COLUMNS, PERSONAL_COLUMNS, REGISTERS, TEXT

MASK = "*"
KEEP_LAST = 3

# Text columns that are codes or public catalogue names, never a person: safe in a public report.
# Any other text column (free text such as `noi_dung`, `ghi_chu`, `chuc_vu`) is left out of it,
# since a note or a job title can point to a person as surely as a name does.
PUBLIC_TEXT_COLUMNS: frozenset[str] = frozenset(
    {r.key.name for r in REGISTERS.values() if r.key is not None}
    | {"ma_thu_tuc", "ten_thu_tuc", "ma_nhiem_vu", "so_ky_hieu", "ten_he_thong", "ly_do"}
)

_TEXT_KINDS_BY_COLUMN: dict[str, bool] = {}
for _register in REGISTERS.values():
    for _column in _register.columns:
        # A column name is text when it is text in any register (`noi_dung` is free text in
        # don_thu although a content code in cong_khai): the stricter reading wins.
        _TEXT_KINDS_BY_COLUMN[_column.name] = (
            _TEXT_KINDS_BY_COLUMN.get(_column.name, False) or _column.kind == TEXT
        )


def _missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def mask_name(value):
    """`Nguyễn Văn An` -> `Nguyễn V. A.`: the family name stays, every other part becomes its
    initial. A single word cannot be told apart from a given name, so it becomes its initial too.
    Missing values stay missing."""
    if _missing(value):
        return value
    parts = unicodedata.normalize("NFC", str(value)).split()
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0][0].upper() + "."
    return " ".join([parts[0]] + [p[0].upper() + "." for p in parts[1:]])


def _as_text(value) -> str:
    # A spreadsheet may hand an ID over as a number: 79123456789.0 must not gain a digit.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def mask_number(value):
    """`0901234567` -> `*******567`: every letter and digit but the last 3 is masked; spaces and
    punctuation stay. A value of 3 characters or fewer is masked whole, since showing its last 3
    would show all of it. Missing values stay missing."""
    if _missing(value):
        return value
    text = _as_text(value).strip()
    positions = [i for i, ch in enumerate(text) if ch.isalnum()]
    masked = set(positions[:-KEEP_LAST]) if len(positions) > KEEP_LAST else set(positions)
    return "".join(MASK if i in masked else ch for i, ch in enumerate(text))


def is_number_column(column: str) -> bool:
    """Phone numbers (`so_dien_thoai`) and ID numbers (`so_dinh_danh`) are masked as numbers;
    every other personal column holds a name."""
    return column.startswith("so_") or any(
        word in column for word in ("dien_thoai", "dinh_danh", "cccd", "cmnd", "ho_chieu")
    )


def masker(column: str):
    return mask_number if is_number_column(column) else mask_name


def mask_frame(df: pd.DataFrame | None, personal_columns: Iterable[str] = PERSONAL_COLUMNS):
    """A copy of `df` with each personal column masked (names as names, numbers as numbers).
    Columns not in the frame are ignored; other columns are untouched."""
    if df is None:
        return None
    out = df.copy()
    for column in personal_columns:
        if column in out.columns:
            out[column] = out[column].astype(object).map(masker(column))
    return out


def public_columns(df: pd.DataFrame, personal_columns: Iterable[str] = PERSONAL_COLUMNS):
    """The columns of `df` a public report may show: codes, dates, flags, numbers and reason codes;
    never a personal column nor free text."""
    personal = set(personal_columns)
    kept = []
    for column in df.columns:
        if column in personal or column in FREE_TEXT_COLUMNS:
            continue
        if column in PUBLIC_TEXT_COLUMNS:
            kept.append(column)
        elif column in _TEXT_KINDS_BY_COLUMN:
            if not _TEXT_KINDS_BY_COLUMN[column]:
                kept.append(column)
        elif not _is_text_dtype(df[column]):
            # A column the checks derived (a due date, days late...): public unless it is text.
            kept.append(column)
    return kept


def _is_text_dtype(series: pd.Series) -> bool:
    if pd.api.types.is_string_dtype(series.dtype):
        return True
    if series.dtype == object:
        return any(isinstance(v, str) for v in series.dropna())
    return False


def public_frame(df: pd.DataFrame | None, personal_columns: Iterable[str] = PERSONAL_COLUMNS):
    """`df` without any column a public report may not show."""
    if df is None:
        return None
    return df[public_columns(df, personal_columns)].copy()
