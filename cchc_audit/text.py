"""Text normalisation shared by header matching, enumerations and booleans."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case and strip Vietnamese diacritics (đ -> d)."""
    text = str(text).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").lower()


def slug(text: str) -> str:
    """`Ngày tiếp nhận`, `NGAY TIEP NHAN` and `ngay_tiep_nhan` all become `ngay_tiep_nhan`."""
    return _NON_WORD.sub("_", fold(text)).strip("_")
