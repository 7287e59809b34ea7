"""Personal data in reports (Nghị định 13/2023/NĐ-CP).

An internal report may show a name as `Nguyễn V. A.` and a phone or ID number with all but its
last 3 characters masked; a public report shows no personal data at all (see `public_columns`).
Free text (a note, an evidence reference, a letter's content) can name people too: in the internal
report it goes through `scrub_text`, which masks what looks like a phone or ID number, an e-mail
address, and a name: a name the registers hold, a run of capitalised words opening with a
Vietnamese family name, the capitalised words after `ông`, `bà`, `cháu` or a job (`bảo vệ Tư Hùng`),
an Ê-đê or Jrai name opening with `Y` or `H'` (`Y Bluel Niê`, `H'Hen Niê`). A passport number (one
letter and 7 digits) is masked as an ID number. A name typed in lower case with no cue (no word
announcing a person, no family name followed by `văn`/`thị`: `tư hùng nghỉ`) cannot be told from
plain words and is left as it is. The public report leaves free text out altogether.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache

import pandas as pd

from .privacy_words import (
    AFTER_JOB,
    FAMILY_NAMES,
    JOB_WORDS,
    NOT_NAMES,
    OFFICES,
    PLACE_WORDS,
    PUBLIC_NAMES,
    STRONG_MIDDLE,
    TITLE_WORDS,
)
from .schema import FREE_TEXT_COLUMNS, PERSONAL_COLUMNS, REGISTERS, TEXT

MASK = "*"
KEEP_LAST = 3
REDACTED = "[…]"  # what a public report shows in place of personal data inside shown text

# Text columns that are codes or public catalogue names, never a person: safe in a public report.
# Any other text column (free text such as `noi_dung`, `ghi_chu`, `chuc_vu`) is left out of it,
# since a note or a job title can point to a person as surely as a name does.
PUBLIC_TEXT_COLUMNS: frozenset[str] = frozenset(
    {r.key.name for r in REGISTERS.values() if r.key is not None}
    | {"ma_thu_tuc", "ten_thu_tuc", "ma_nhiem_vu", "so_ky_hieu", "ten_he_thong", "ly_do"}
)

# Of those, the ones holding words (a procedure's title), not codes.
CATALOGUE_TEXT_COLUMNS = frozenset({"ten_thu_tuc", "ten_he_thong"})

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

_FAMILY_FOLDED = frozenset(f.casefold() for f in FAMILY_NAMES)
# Of the names streets carry, those that read as a street's even without `đường` or a house number
# before them: not the ones with `Văn`/`Thị` (`Võ Thị Sáu`), which a person in a register may bear,
# nor those opening with a word that announces a person (`Cô Giang`).
_PLAIN_PUBLIC = frozenset(p for p in PUBLIC_NAMES
                          if not set(p.split(" ")) & STRONG_MIDDLE and p.split(" ")[0] not in TITLE_WORDS)
_LONGEST_OFFICE = max(len(o.split(" ")) for o in OFFICES)
_OFFICE_FIRST = frozenset(o.split(" ")[0] for o in OFFICES)
_NAME_WORDS = _FAMILY_FOLDED | STRONG_MIDDLE
_LONGEST_AFTER_JOB = max(p.count(" ") + 1 for p in AFTER_JOB)
# How many words before a stretch are read as its context: the longest title or place phrase
# (`nhân viên y tế`, `tổ dân phố`).
_CONTEXT = max(p.count(" ") + 1 for p in TITLE_WORDS | PLACE_WORDS)
# Words a lower-case name does not run into: where "ông nguyễn văn an nộp..." stops.
_NOT_GIVEN = frozenset({"đến", "nộp", "gửi", "phản", "có", "đã", "và", "là", "số", "ở", "tại", "lớp", "gọi",
                        "hỏi", "xin", "về", "được", "không", "đang", "sđt", "đt", "điện", "cccd", "cmnd",
                        "email", "nhận", "ký", "lập", "với", "cho", "của", "theo", "thì", "mà", "bị"})

# A word, `H'Hen` (an Ê-đê or Jrai given name) included.
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
_SPACE = re.compile(r"[ \t\u00a0]+")
# A run of digits, possibly split by spaces, dots or dashes, possibly with +: 9 digits or more is
# a phone or ID number (dates and document numbers are shorter or split by "/").
_NUMBER = re.compile(r"(?<![\w/])\+?\d(?:[ .\-]?\d){8,}(?![\w/])")
# Phone numbers with an area code in brackets or a country code: `(028) 3873 1234`, `(+84) 912...`.
_PHONE = re.compile(r"(?<![\w/+(])(?:\(\+?\d{1,4}\)|\+84)[ .\-]?(?:\(0?\d{1,3}\)[ .\-]?)?\d(?:[ .\-]?\d){6,10}(?![\w/])")
# A passport number: one capital letter and 7 digits (`B1234567`).
_PASSPORT = re.compile(r"(?<![\w/\-.])[A-Z]\d{7}(?![\w/\-]|\.\w)")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_ID_CODE = re.compile(r"^\+?\d(?:[ .\-]?\d){8,}$")


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
    if words[0].casefold() in _FAMILY_FOLDED and len(words) > 1:
        return words[0] + " " + _initials(words[1:])
    return _initials(words)


# A name masking already wrote (`Nguyễn V. A.`, `T. H.`): left as it is, so that masking twice (the
# params file is masked when read, and read again from the archived copy) changes nothing.
_MASKED = re.compile(r"(?<![^\W\d_])(?:([^\W\d_]+)[ \t\u00a0]+)?((?:[^\W\d_]\.[ \t\u00a0]?)*[^\W\d_]\.)")
# A house number just before a run of words: `12 Cô Giang`, `284/3A Lê Văn Lương`.
_HOUSE_NUMBER = re.compile(r"(?:^|[\s,(])\d{1,5}[A-Za-z]?(?:/\d{1,5}[A-Za-z]?)*[ \t\u00a0]+$")


def _masked_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _MASKED.finditer(text):
        if not match.group(2).replace(".", "").replace(" ", "").isupper():
            continue  # `v.v.`: an abbreviation, not initials
        family = match.group(1)
        keep = family is not None and _capitalised(family) and family.casefold() in _FAMILY_FOLDED
        spans.append((match.start() if keep else match.start(2), match.end()))
    return spans


def _word_runs(text: str):
    """Maximal runs of words separated by spaces only (any case): [[match, ...], ...]; the words of
    a name already masked belong to none."""
    masked = _masked_spans(text)
    runs, current = [], []
    for match in _WORD.finditer(text):
        if any(start <= match.start() < end for start, end in masked):
            if current:
                runs.append(current)
            current = []
        elif current and _SPACE.fullmatch(text[current[-1].end():match.start()]):
            current.append(match)
        else:
            if current:
                runs.append(current)
            current = [match]
    if current:
        runs.append(current)
    return runs


def _before(text: str, start: int) -> str:
    return " ".join(_WORD.findall(text[:start])[-2:]).casefold()


def _ends_with(before: str, phrases: frozenset[str]) -> bool:
    """Whether the words before (up to `_CONTEXT` of them) end with one of `phrases`."""
    words = before.split(" ") if before else []
    return any(" ".join(words[-k:]) in phrases for k in range(1, len(words) + 1))


def _place(before: str) -> bool:
    return _ends_with(before, PLACE_WORDS)


def _titled(before: str) -> bool:
    return _ends_with(before, TITLE_WORDS)


def _offices(words: list[str]) -> set[int]:
    """Which words of a run are an office (`Phó Hiệu trưởng`, `tổ trưởng chuyên môn`), in any case.
    Capitalised whole right after a capitalised family name, the words are a name instead: `Văn Thư`
    of `Nguyễn Văn Thư`, while `Văn thư Nguyễn...` and `Do Phó Hiệu trưởng` hold an office."""
    folded = [w.casefold() for w in words]
    found: set[int] = set()
    i = 0
    while i < len(words):
        size = 0 if folded[i] not in _OFFICE_FIRST else next(
            (k for k in range(min(_LONGEST_OFFICE, len(words) - i), 0, -1) if " ".join(folded[i:i + k]) in OFFICES), 0)
        after_name = i > 0 and i - 1 not in found and _capitalised(words[i - 1]) and folded[i - 1] in _NAME_WORDS
        if size and not (after_name and all(_capitalised(w) for w in words[i:i + size])):
            found.update(range(i, i + size))
            i += size
        else:
            i += 1
    return found


def _name_span(words: list[str], before: str, known: frozenset[str], address: bool, after: str = ""
               ) -> tuple[int, int] | None:
    """Which words of a run of capitalised words are a name: (first, last+1), or None. `address`:
    the run follows a house number; `after`: the (case-folded) words after it, so that a phrase
    whose first word only is capitalised (`bảo vệ Tổ quốc`) is not taken for a name."""
    n = len(words)
    for size in range(n, 1, -1) if known else ():  # a name the registers hold, longest first
        for first in range(0, n - size + 1):
            if _key(words[first:first + size]) in known:
                return first, first + size
    folded = tuple(w.casefold() for w in words)
    whole = _key(words)
    if whole in NOT_NAMES or _place(before) or folded[0] in PLACE_WORDS:  # `Đường Lê Lợi`
        return None
    if address and whole in PUBLIC_NAMES:  # `12 Cô Giang`, `284 Lê Văn Lương`
        return None
    if folded[0] in TITLE_WORDS:  # "Bà Lan", "Thầy Nguyễn Văn An"; a title alone names no one
        title = 2 if " ".join(folded[:2]) in TITLE_WORDS else 1  # "Cô Giáo Lan"
        return (title, n) if n > title else None
    if _ends_with(before, JOB_WORDS):  # "bảo vệ Tư Hùng"; not "bảo vệ Tổ quốc", "văn thư UBND xã"
        ahead = list(folded[:_LONGEST_AFTER_JOB]) + (after.split(" ") if after else [])
        if any(" ".join(ahead[:k]) in AFTER_JOB for k in range(1, min(len(ahead), _LONGEST_AFTER_JOB) + 1)) \
                or (n == 1 and len(words[0]) > 1 and words[0].isupper()):
            return None
        return 0, n
    if _titled(before):  # "cháu Bình"
        return 0, n
    for first in range(n - 1):  # "Y Bluel Niê", "H'Hen Niê": Ê-đê and Jrai names
        if (words[first] == "Y" or words[first][:2] in ("H'", "H\u2019")) \
                and _key(words[first:first + 2]) not in NOT_NAMES:  # not `Y Tế`, `Y Dược`
            # From a family name before it, if any (`Võ An H'Hen Cao`): the same span the
            # masked text gives again, so masking twice is masking once.
            family = next((k for k in range(first) if folded[k] in _FAMILY_FOLDED), first)
            return family, n
    for first in range(n - 1):  # "... Nguyễn Văn An", "Khuất Thị Hoa": from the family name on
        strong = folded[first + 1] in STRONG_MIDDLE and n - first >= 3  # `Khuất Văn Hùng`
        rest = _key(words[first:])
        if (folded[first] in _FAMILY_FOLDED or strong) and rest not in NOT_NAMES and rest not in _PLAIN_PUBLIC \
                and not any(_key(words[k:k + 2]) in NOT_NAMES for k in range(first, n - 1)
                            if not (k == first + 1 and folded[k] in STRONG_MIDDLE)):  # `Nguyễn Văn Phòng`
            return first, n
    return None


def _lower_span(words: list[str], before: str) -> tuple[int, int] | None:
    """A name typed in lower case (`nguyễn văn an`): only with strong evidence, since a family name
    in lower case is often a plain word (`văn bản`, `lý do`, `mai sau`): after a word announcing a
    person, or with `văn`/`thị` as its middle name; never after a street or place word."""
    folded = [w.casefold() for w in words]
    n = len(words)
    if _place(before) or " ".join(folded) in _PLAIN_PUBLIC:
        return None
    for first in range(n - 1):
        if folded[first] not in _FAMILY_FOLDED:
            continue
        context = before if first == 0 else " ".join(folded[max(0, first - 2):first])
        if not (_titled(context) or folded[first + 1] in STRONG_MIDDLE):
            continue
        last = first + 1
        while last < n and last - first < 4 and folded[last] not in _NOT_GIVEN:
            last += 1
        if last - first >= 2:
            return first, last
    return None


def _stretches(words: list[str]) -> list[tuple[int, int, bool]]:
    """A run split into capitalised and lower-case stretches, offices left out: [(i, j, upper)].
    A word in capitals beside one that is only capitalised is an abbreviation (`ĐT`, `SĐT`, `UBND`),
    no part of a name (`Nguyễn Thị Hoa ĐT`); a name in capitals (`ĐINH CÔNG TRÁNG`) stays whole."""
    offices = _offices(words)

    def titled(k):
        return 0 <= k < len(words) and _capitalised(words[k]) and not words[k].isupper()

    offices |= {i for i, w in enumerate(words) if len(w) > 1 and w.isupper() and (titled(i - 1) or titled(i + 1))}
    spans, i = [], 0
    while i < len(words):
        if i in offices:
            i += 1
            continue
        j, upper = i, _capitalised(words[i])
        while j < len(words) and j not in offices and _capitalised(words[j]) == upper:
            j += 1
        spans.append((i, j, upper))
        i = j
    return spans


@lru_cache(maxsize=16)
def _lengths(known: frozenset[str]) -> frozenset[int]:
    """How many words the registers' names have (2 to 6 are looked for): a frozenset's hash is
    kept, so this is worked out once per set of names, not once per text."""
    return frozenset(n for n in (name.count(" ") + 1 for name in known) if 2 <= n <= 6)


def _mask_names(text: str, known: frozenset[str], redact: bool) -> str:
    pieces, position = [], 0
    shown = []  # the text as masked (not redacted) so far, the context later words are read in
    for run in _word_runs(text):
        words = [m.group() for m in run]
        # The names the registers hold are found in any case, across stretches, longest first.
        chosen, taken = [], set()
        folded = [w.casefold() for w in words]
        for size in sorted(_lengths(known), reverse=True):
            for first in range(len(words) - size + 1):
                if not taken.intersection(range(first, first + size)) \
                        and " ".join(folded[first:first + size]) in known:
                    chosen.append((first, first + size))
                    taken.update(range(first, first + size))
        start = run[0].start()  # what comes before is read near it only: long texts stay linear
        address = bool(_HOUSE_NUMBER.search(text, max(0, start - 24), start))
        # The words before each stretch, as masked so far: a place word that was part of a name
        # just masked (`Mai Kiệt` before `võ văn`) is no context, on this pass as on the next.
        said = "".join(shown[-6:]) + text[max(position, start - 200):start]  # enough for the last few words
        context, done = _WORD.findall(said)[-_CONTEXT:], 0
        for i, j, upper in _stretches(words):
            context += words[done:i]  # offices between stretches
            done = j
            if taken.intersection(range(i, j)):
                context += words[i:j]
                continue
            before = " ".join(context[-_CONTEXT:]).casefold()
            span = _name_span(words[i:j], before, known, address and i == 0, _key(words[j:j + 2])) if upper \
                else _lower_span(words[i:j], before)
            if span is None:
                context += words[i:j]
                continue
            chosen.append((i + span[0], i + span[1]))
            context += words[i:i + span[0]] + _WORD.findall(_mask_words(words[i + span[0]:i + span[1]])) \
                + words[i + span[1]:j]
        for first, last in sorted(chosen):
            start, end = run[first].start(), run[last - 1].end()
            masked = _mask_words(words[first:last])
            if not redact and masked.endswith(".") and text[end:end + 1] == ".":
                end += 1  # `... Nguyễn Văn An.` ends with one full stop, not two
            pieces += [text[position:start], REDACTED if redact else masked]
            shown += [text[position:start], masked]
            position = end
    pieces.append(text[position:])
    return "".join(pieces)


_DATE_LIKE = re.compile(r"^\d{1,2}[ .\-]\d{1,2}[ .\-]\d{4}$")


def _mask_digits(match: re.Match, redact: bool) -> str:
    found = match.group()
    if _DATE_LIKE.match(found):
        return found
    return REDACTED if redact else mask_number(found)


def scrub_text(text, known_names: Iterable[str] = frozenset(), redact: bool = False):
    """`text` with what looks like personal data masked: phone and ID numbers to their last 3
    digits, e-mail addresses to their first character and domain, names to `Nguyễn V. A.`
    (`redact=True`, for what a public report shows: each replaced by `[…]`, not even masked). `known_names` are
    case-folded names (see `names_in`). Missing values stay missing."""
    if _missing(text):
        return text
    known = known_names if isinstance(known_names, frozenset) else frozenset(known_names)
    return _scrub(_nfc(str(text)), known, redact)


@lru_cache(maxsize=8192)
def _scrub(text: str, known: frozenset[str], redact: bool) -> str:
    """`scrub_text` of a present text: a function of its arguments alone, kept per process because
    the same procedure titles and notes are scrubbed for every check, audience and report."""
    text = _EMAIL.sub(lambda m: REDACTED if redact else m.group()[0] + "***@" + m.group().split("@", 1)[1], text)
    text = _PHONE.sub(lambda m: _mask_digits(m, redact), text)
    text = _NUMBER.sub(lambda m: _mask_digits(m, redact), text)
    text = _PASSPORT.sub(lambda m: REDACTED if redact else mask_number(m.group()), text)
    return _mask_names(text, known, redact)


def mask_code(value, redact: bool = False):
    """A code column's value (a dossier code, a document number) unchanged, unless it is a phone
    or ID number used as a code: then masked as one (every character but the last 3), or, with
    `redact` (a public report), replaced whole."""
    if _missing(value):
        return value
    text = _as_text(value).strip()
    if not _ID_CODE.match(text):
        return value
    return REDACTED if redact else mask_number(text)


def free_text_columns(df: pd.DataFrame) -> list[str]:
    """The columns of `df` that hold free text: the contract's free-text columns and any text
    column that is neither a code nor a catalogue name."""
    return [column for column in df.columns if _is_free_text(column, df[column])]


def _is_free_text(column: str, series: pd.Series) -> bool:
    if column in PERSONAL_COLUMNS or column in PUBLIC_TEXT_COLUMNS:
        return False
    return bool(column in FREE_TEXT_COLUMNS or _TEXT_KINDS_BY_COLUMN.get(column) or (
        column not in _TEXT_KINDS_BY_COLUMN and _is_text_dtype(series)))


def mask_frame(df: pd.DataFrame | None, personal_columns: Iterable[str] = PERSONAL_COLUMNS,
               names: Iterable[str] = frozenset()):
    """A copy of `df` with each personal column masked (names as names, numbers as numbers) and
    personal data inside free-text columns masked (`scrub_text`, with the registers' `names`).
    Columns not in the frame are ignored; codes, dates and numbers are untouched."""
    if df is None:
        return None
    if not df.columns.is_unique:
        return _mask_frame_whole(df, personal_columns, names)
    out = df.copy()
    for column, series in _masked(df, personal_columns, names).items():
        if series is not None:
            out[column] = series
    return out


def masked_columns(df: pd.DataFrame, personal_columns: Iterable[str] = PERSONAL_COLUMNS,
                   names: Iterable[str] = frozenset()) -> dict[str, pd.Series]:
    """Each column of `df` (unique names) as `mask_frame` leaves it, without building the frame
    (a report's table reads the columns alone)."""
    return {column: df[column] if series is None else series
            for column, series in _masked(df, personal_columns, names).items()}


def _masked(df: pd.DataFrame, personal_columns: Iterable[str], names: Iterable[str]) -> dict:
    """Column -> its masked values, or None where masking leaves it as it is. Column by column:
    each one's masking depends on that column alone, as `mask_frame` frame-wide has it."""
    personal = set(personal_columns)
    known = frozenset(names)
    out = {}
    for column in df.columns:
        original = series = df[column]
        if column in personal:
            series = series.astype(object).map(masker(column))
        elif _is_free_text(column, series):
            series = series.astype(object).map(lambda v: scrub_text(v, known))
        series = _code_masked(column, series, known, False)
        out[column] = None if series is original else series
    return out


def _mask_frame_whole(df: pd.DataFrame, personal_columns: Iterable[str], names: Iterable[str]) -> pd.DataFrame:
    """`mask_frame` frame-wide, for a frame whose column names repeat."""
    out = df.copy()
    personal = set(personal_columns)
    for column in personal:
        if column in out.columns:
            out[column] = out[column].astype(object).map(masker(column))
    known = frozenset(names)
    for column in free_text_columns(out):
        if column not in personal:
            out[column] = out[column].astype(object).map(lambda v: scrub_text(v, known))
    return mask_codes(out, known, redact=False)


def mask_codes(df: pd.DataFrame, known: Iterable[str] = frozenset(), redact: bool = False) -> pd.DataFrame:
    """A copy of `df` whose codes and catalogue names, shown in both reports and in results.json,
    hold no personal data: a citizen's ID number can be a dossier code (`mask_code`) and a
    procedure's title can name a person (`scrub_text`, redacted for a public report)."""
    out = df.copy()
    for column, function in code_maskers(out, known, redact).items():
        out[column] = _map_distinct(out[column], function)
    return out


def code_maskers(df: pd.DataFrame, known: Iterable[str] = frozenset(), redact: bool = False) -> dict:
    """Column of `df` -> the function `mask_codes` passes each of its present values through."""
    known = frozenset(known)
    out = {}
    for column in df.columns:
        function = _code_masker(column, df, known, redact)
        if function is not None:
            out[column] = function
    return out


def _code_masker(column: str, df_or_series, known: frozenset[str], redact: bool):
    """The function `mask_codes` passes the column's present values through, or None. The
    column is read (its type) only when its name is one of a code or a catalogue name."""
    if column not in PUBLIC_TEXT_COLUMNS:
        return None
    series = df_or_series[column] if isinstance(df_or_series, pd.DataFrame) else df_or_series
    if not _is_text_dtype(series):
        return None
    if column in CATALOGUE_TEXT_COLUMNS:
        return lambda v: scrub_text(v, known, redact)
    return lambda v: mask_code(v, redact)


def _code_masked(column: str, series: pd.Series, known: frozenset[str], redact: bool) -> pd.Series:
    function = _code_masker(column, series, known, redact)
    return series if function is None else _map_distinct(series, function)


def _map_distinct(series: pd.Series, function) -> pd.Series:
    """`series.map(function)`, calling it once per distinct value: catalogue names repeat on every
    dossier of a procedure, and results.json lists thousands."""
    values = series.astype(object)
    present = values.to_numpy()
    # The distinct present values from the array itself: a Series of them (dropna) cost more.
    table = {v: function(v) for v in pd.unique(present[~pd.isna(present)])}
    # Missing values are left as they are by pandas itself, not tested one by one in Python.
    return values.map(table.__getitem__, na_action="ignore")


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
    return mask_codes(df[public_columns(df, personal_columns)], redact=True)


def public_masked_columns(df: pd.DataFrame, personal_columns: Iterable[str] = PERSONAL_COLUMNS
                          ) -> dict[str, pd.Series]:
    """The columns of `public_frame(df)` (unique names), without building the frame."""
    return {column: _code_masked(column, df[column], frozenset(), True)
            for column in public_columns(df, personal_columns)}
