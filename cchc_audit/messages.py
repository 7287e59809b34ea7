"""Report wording, read from the message catalog (i18n.py): labels, reason codes, remedies,
definitions, column and choice names.

The Vietnamese names of the contract's columns and choices are the contract's own (schema.py);
the catalog's `column.*` and `choice.*` entries give them in English (tests/test_catalog.py holds
the Vietnamese entries equal to the schema's). An unknown key falls back to the key itself, so a
new reason code shows up as its code rather than breaking a report.
"""

from __future__ import annotations

from .i18n import has, text
from .schema import REGISTERS


def label(key: str, lang: str = "vi", **values) -> str:
    return text(key, lang, **values)


def _figures(lang: str) -> dict:
    """The checks' own figures that the wording states (the satisfied levels), so the text
    cannot drift from what is measured."""
    from .checks.satisfaction import SATISFIED
    from .schema import LEVEL_LABELS

    levels = [str(level) for level in range(SATISFIED, max(LEVEL_LABELS) + 1)]
    joined = text("list_or", lang, first=", ".join(levels[:-1]), last=levels[-1]) if len(levels) > 1 else levels[0]
    return {"levels": joined, "unsatisfied": SATISFIED - 1}


def reason(code, lang: str = "vi") -> str:
    key = f"reason.{code}"
    return text(key, lang, **_figures(lang)) if has(key, lang) else str(code)


def outcome_label(code, lang: str = "vi") -> str:
    """What became of a unit in a batch round (codes.UnitOutcome)."""
    key = f"outcome.{code}"
    return text(key, lang) if has(key, lang) else str(code)


def task_status_label(code, lang: str = "vi") -> str:
    key = f"task_status.{code}"
    return text(key, lang) if has(key, lang) else str(code)


def remedy(name: str, lang: str = "vi", **values) -> str:
    """Appendix I's remedy: `name` is a check function, or default / missing / task / task_note."""
    key = f"remedy.{name}"
    return text(key if has(key, lang) else "remedy.default", lang, **values)


def definition(check: str, lang: str = "vi", **values) -> str | None:
    """What a check function measures; `values` fill its figures (e.g. `days`, the publication
    deadline the params set; the satisfied levels come from the check itself)."""
    key = f"definition.{check}"
    return text(key, lang, **(_figures(lang) | values)) if has(key, lang) else None


_CONTRACT_COLUMNS = {column.name for register in REGISTERS.values() for column in register.columns}


def column_label(name: str, lang: str = "vi", registers=()) -> str:
    """A column's header; `registers` (the check's) come first, since `ngay` is the survey date in
    khao_sat and the document date in van_ban."""
    key = f"column.{name}"
    if name not in _CONTRACT_COLUMNS or lang == "en":
        return text(key, lang) if has(key, lang) else name
    preferred = [REGISTERS[r] for r in registers if r in REGISTERS]
    for register in preferred + list(REGISTERS.values()):
        for column in register.columns:
            if column.name == name:
                return column.label_vi
    return name


def choice_label(column: str, code, lang: str = "vi") -> str:
    """The label of an enumeration code (`kenh_nop` `truc_tuyen` -> `Trực tuyến`)."""
    code = str(code)
    if lang == "en" and has(f"choice.{code}", "en"):
        return text(f"choice.{code}", "en")
    for register in REGISTERS.values():
        for col in register.columns:
            if col.name == column and code in col.choices:
                return col.choices[code][0]
    return task_status_label(code, lang)


