"""Text normalisation shared by header matching, enumerations and booleans."""

from __future__ import annotations

import functools
import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")
_COMBINING = re.compile("[\u0300-\u036f]+")


def fold(text: str) -> str:
    """Lower-case and strip Vietnamese diacritics (đ -> d)."""
    text = str(text)
    if text.isascii():  # nothing to decompose or strip (most header and code cells)
        return text.lower()
    text = text.replace("đ", "d").replace("Đ", "D")
    # Vietnamese tones and vowel marks decompose into U+0300-U+036F, all of them marks (Mn): dropped
    # in C; any other mark left over is dropped character by character, as it always was.
    decomposed = _COMBINING.sub("", unicodedata.normalize("NFD", text))
    if decomposed.isascii():
        return decomposed.lower()
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").lower()


def slug(text: str) -> str:
    """`Ngày tiếp nhận`, `NGAY TIEP NHAN` and `ngay_tiep_nhan` all become `ngay_tiep_nhan`."""
    if text.__class__ is str and len(text) <= KEPT_CHARS:  # the same words recur in every register of a batch: kept
        return _slug_text(text)
    return _NON_WORD.sub("_", fold(text)).strip("_")


# Texts of at most this many characters are kept by the memos of recurring words (a cell may hold
# 32,767: 16,384 of those would be a gigabyte in a batch worker).
KEPT_CHARS = 256


@functools.lru_cache(maxsize=1 << 14)
def _slug_text(text: str) -> str:
    return _NON_WORD.sub("_", fold(text)).strip("_")


# --- text written out ---------------------------------------------------------------------------

# A spreadsheet takes a cell starting with one of these for a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A value as a CSV cell that no spreadsheet runs: text that would open as a formula gets a
    leading `'`, which Excel and LibreOffice show as text and do not print."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_text(header, rows) -> str:
    """A CSV table (comma, CRLF as in RFC 4180 and Excel), every cell through `csv_cell`: the one way
    the product writes CSV. CRLF also makes the csv module quote a cell holding a lone CR, which it
    leaves bare with a LF terminator (a reader would then split the row there)."""
    import csv
    import io

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(c) for c in header])
    writer.writerows([csv_cell(c) for c in row] for row in rows)
    return buffer.getvalue()


# Bidirectional overrides and isolates, marks, and zero-width characters: invisible, they can make
# a register cell read backwards or hide text in a report (Trojan Source). Register text never needs
# them in Vietnamese.
_INVISIBLE = dict.fromkeys(
    [0x061C, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF]
    + list(range(0x202A, 0x202F)) + list(range(0x2066, 0x206A)))
_INVISIBLE_FOUND = re.compile("[" + "".join(map(chr, _INVISIBLE)) + "]")


def strip_invisible(text: str) -> str:
    """`text` without bidi controls and zero-width characters."""
    # A search in C first: most text holds none of them, and translate copies every character.
    return text.translate(_INVISIBLE) if _INVISIBLE_FOUND.search(text) else text


def html_finalize(value):
    """Jinja `finalize` for every page: what `{{ }}` prints loses its invisible characters (escaped
    text and trusted markup alike; markup stays markup)."""
    if isinstance(value, str):
        cleaned = strip_invisible(value)
        return value if cleaned == value else type(value)(cleaned)
    return value
