"""Personal data in reports (Nghị định 13/2023/NĐ-CP).

An internal report may show a name as `Nguyễn V. A.` and a phone or ID number with all but its
last 3 characters masked; a public report shows no personal data at all (see `public_columns`).
Free text (a note, an evidence reference, a letter's content) can name people too: in the internal
report it goes through `scrub_text`, which masks what looks like a phone or ID number, an e-mail
address, and a name: a name the registers hold, a run of capitalised words opening with a
Vietnamese family name, or the capitalised words after `ông`, `bà`, `cháu`... The public report
leaves free text out altogether.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

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


# --- free text ------------------------------------------------------------------------------

# The commonest Vietnamese family names (together well over 95% of the population).
FAMILY_NAMES = frozenset("""
Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đoàn Vương Trịnh Trương
Lâm Phùng Mai Tô Hà Tạ Châu Cao Lưu Lương Thái Quách Đinh La Tăng Kiều Hứa Triệu Tôn Thân Khúc Diệp
Mạc Lục Âu Giang Kim Chu Từ Nghiêm Lại Lã Hàn Phó Quan Ông Bạch Đàm Đồng Khổng Nông Ninh Trà Viên
Tiêu Vi Hầu Doãn Lò Đường Thạch Thiều Lữ Mã Khương Văn Hoa Tất Ung Hoàng Lạc Nhữ Phí Lều
""".split())
# Words that announce a person: the capitalised words after them are a name.
TITLE_WORDS = frozenset({
    "ông", "bà", "anh", "chị", "em", "cô", "chú", "bác", "dì", "cậu", "thầy", "cháu", "bé", "con", "trẻ",
    "mr", "mrs", "ms", "đồng chí", "phụ huynh", "học sinh", "giáo viên", "cô giáo", "thầy giáo",
    "nhân viên", "người nộp", "người gửi",
})
# Places and bodies that open with a family name and are not people.
NOT_NAMES = frozenset({"hà nội", "hà giang", "hà nam", "hà tĩnh", "hồ chí minh", "lâm đồng", "cao bằng",
                       "đoàn thanh"})  # Đoàn Thanh niên, the Youth Union

_WORD = re.compile(r"[^\W\d_]+")
_SPACE = re.compile(r"[ \t\u00a0]+")
# A run of digits, possibly split by spaces, dots or dashes, possibly with +: 9 digits or more is
# a phone or ID number (dates and document numbers are shorter or split by "/").
_NUMBER = re.compile(r"(?<![\w/])\+?\d(?:[ .\-]?\d){8,}(?![\w/])")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _key(words: Iterable[str]) -> str:
    return " ".join(w.casefold() for w in words)


def names_in(registers: Mapping[str, pd.DataFrame], personal_columns: Iterable[str] = PERSONAL_COLUMNS
             ) -> frozenset[str]:
    """The names of two words or more in the registers' personal name columns, case-folded, so
    `scrub_text` finds them again in free text."""
    found: set[str] = set()
    for frame in registers.values():
        for column in personal_columns:
            if column in frame.columns and not is_number_column(column):
                for value in frame[column].dropna().astype(str).unique():
                    words = _WORD.findall(_nfc(value))
                    if len(words) >= 2:
                        found.add(_key(words))
    return frozenset(found)


def _initials(words: list[str]) -> str:
    return " ".join(w[0].upper() + "." for w in words)


def _mask_words(words: list[str]) -> str:
    """A family name stays and the rest become initials (`Nguyễn V. A.`); without a family name
    every word becomes its initial."""
    if words[0].title() in FAMILY_NAMES and len(words) > 1:
        return words[0] + " " + _initials(words[1:])
    return _initials(words)


def _runs(text: str):
    """Maximal runs of capitalised words separated by spaces only: [(start, end, words, before)]
    where `before` is the (lower-cased) text of up to two words before the run."""
    words = list(_WORD.finditer(text))
    runs, current = [], []
    for match in words:
        if _capitalised(match.group()) and current and _SPACE.fullmatch(text[current[-1].end():match.start()]):
            current.append(match)
            continue
        if current:
            runs.append(current)
        current = [match] if _capitalised(match.group()) else []
    if current:
        runs.append(current)
    out = []
    for run in runs:
        head = text[:run[0].start()]
        before = " ".join(_WORD.findall(head)[-2:]).casefold()
        out.append((run[0].start(), run[-1].end(), [m.group() for m in run], before))
    return out


def _name_span(words: list[str], before: str, known: frozenset[str]) -> tuple[int, int] | None:
    """Which words of a run are a name: (first, last+1), or None."""
    n = len(words)
    for size in range(n, 1, -1):  # a name the registers hold, longest first
        for first in range(0, n - size + 1):
            if _key(words[first:first + size]) in known:
                return first, first + size
    if _key(words) in NOT_NAMES:
        return None
    if words[0].casefold() in TITLE_WORDS and n > 1:  # "Bà Lan", "Thầy Nguyễn Văn An"
        return 1, n
    last_word = before.split(" ")[-1] if before else ""
    if before and (before in TITLE_WORDS or last_word in TITLE_WORDS):  # "cháu Bình"
        return 0, n
    for first in range(n - 1):  # "... Nguyễn Văn An": from the family name on
        if words[first].title() in FAMILY_NAMES and _key(words[first:]) not in NOT_NAMES:
            return first, n
    return None


def scrub_text(text, known_names: Iterable[str] = frozenset()):
    """`text` with what looks like personal data masked: phone and ID numbers to their last 3
    digits, e-mail addresses to their first character and domain, names to `Nguyễn V. A.`.
    `known_names` are case-folded names (see `names_in`). Missing values stay missing."""
    if _missing(text):
        return text
    known = known_names if isinstance(known_names, frozenset) else frozenset(known_names)
    text = _nfc(str(text))
    text = _EMAIL.sub(lambda m: m.group()[0] + "***@" + m.group().split("@", 1)[1], text)
    text = _NUMBER.sub(lambda m: mask_number(m.group()), text)
    pieces, position = [], 0
    for start, end, words, before in _runs(text):
        span = _name_span(words, before, known)
        if span is None:
            continue
        matches = list(_WORD.finditer(text, start, end))
        first, last = matches[span[0]].start(), matches[span[1] - 1].end()
        pieces += [text[position:first], _mask_words(words[span[0]:span[1]])]
        position = last
    pieces.append(text[position:])
    return "".join(pieces)


def free_text_columns(df: pd.DataFrame) -> list[str]:
    """The columns of `df` that hold free text: the contract's free-text columns and any text
    column that is neither a code nor a catalogue name."""
    out = []
    for column in df.columns:
        if column in PERSONAL_COLUMNS or column in PUBLIC_TEXT_COLUMNS:
            continue
        if column in FREE_TEXT_COLUMNS or _TEXT_KINDS_BY_COLUMN.get(column) or (
                column not in _TEXT_KINDS_BY_COLUMN and _is_text_dtype(df[column])):
            out.append(column)
    return out


def mask_frame(df: pd.DataFrame | None, personal_columns: Iterable[str] = PERSONAL_COLUMNS,
               names: Iterable[str] = frozenset()):
    """A copy of `df` with each personal column masked (names as names, numbers as numbers) and
    personal data inside free-text columns masked (`scrub_text`, with the registers' `names`).
    Columns not in the frame are ignored; codes, dates and numbers are untouched."""
    if df is None:
        return None
    out = df.copy()
    personal = set(personal_columns)
    for column in personal:
        if column in out.columns:
            out[column] = out[column].astype(object).map(masker(column))
    known = frozenset(names)
    for column in free_text_columns(out):
        if column not in personal:
            out[column] = out[column].astype(object).map(lambda v: scrub_text(v, known))
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
