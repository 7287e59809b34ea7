"""The message catalog (cchc_audit/locale): Vietnamese and English both complete, their placeholders
the same, plural forms where English needs them, every key the code and templates use present,
and the contract's own Vietnamese column and choice names kept equal to the schema's."""

import re
import string
from pathlib import Path

import pytest

import cchc_audit
from cchc_audit import i18n, messages, schema

PACKAGE = Path(cchc_audit.__file__).parent


def _fields(message: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


def _entries(lang):
    """key -> tuple of forms (one, or one per plural form), over every area of the language."""
    found = {}
    for area, catalog in i18n.read_catalogs(lang).items():
        for message in catalog:
            if not message.id:
                continue
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            assert key not in found, f"{key} twice ({area})"
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            found[key] = (area, tuple(forms), isinstance(message.id, tuple))
    return found


VI, EN = _entries("vi"), _entries("en")


def test_both_languages_hold_the_same_keys_in_the_same_areas():
    assert set(VI) == set(EN)
    assert {k: VI[k][0] for k in VI} == {k: EN[k][0] for k in EN}


@pytest.mark.parametrize("lang, entries", [("vi", VI), ("en", EN)])
def test_every_message_is_translated(lang, entries):
    untranslated = [k for k, (_, forms, _) in entries.items() if not all(f and f.strip() for f in forms)]
    assert untranslated == []


def test_placeholders_agree_between_languages_and_plural_forms():
    differ = []
    for key in VI:
        fields = {frozenset(_fields(f)) for f in VI[key][1] + EN[key][1]}
        if len(fields) != 1:
            differ.append((key, fields))
    assert differ == []


def test_plural_entries_have_the_forms_each_language_needs():
    for key, (_, forms, plural) in EN.items():
        assert VI[key][2] == plural, key
        if plural:
            assert len(forms) == 2 and len(VI[key][1]) == 1, key  # English: one/other; Vietnamese: one


def test_english_plurals_read_right():
    assert i18n.text("evidence_items", "en", count=1, id="II.4") == "1 item listed under II.4"
    assert i18n.text("evidence_items", "en", count=3, id="II.4") == "3 items listed under II.4"
    assert messages.remedy("tthc_on_time", "en", plural=1, count="1", id="II.1.1.a") == (
        "Review why 1 dossier was late; track due dates daily.")
    assert messages.remedy("internal_procedures_published", "en", plural=2, count="2", id="II.1.4") == (
        "Publish the 2 internal procedures not yet published.")
    assert i18n.text("evidence_items", "vi", count=1, id="II.4") == "1 trường hợp liệt kê tại mục II.4"


def test_the_publication_deadline_in_the_text_is_the_one_the_checks_use():
    for lang in ("vi", "en"):
        text = messages.definition("monthly_publication", lang, days=3)
        assert "3" in text and "5" not in text


def _used_keys() -> set[str]:
    """Keys the package passes to the catalog as string literals: label/text/has/both/Note.of in the
    code, `_("key")` (Jinja's i18n extension), `english("key")` and `both("key")` in the templates."""
    calls = re.compile(r"""(?:(?<![.\w])|(?<=i18n\.)|(?<=messages\.)|(?<=Note\.))(?:label|text|has|both|of|_|english)\(\s*["']([a-z][a-z0-9_.]*)["']""")
    used = set()
    for path in list(PACKAGE.rglob("*.py")) + list(PACKAGE.rglob("*.j2")):
        used |= set(calls.findall(path.read_text(encoding="utf-8")))
    return used


def test_every_key_the_code_uses_is_in_the_catalog():
    missing = sorted(k for k in _used_keys() if k not in VI)
    assert missing == []


def test_the_key_finder_sees_template_and_note_keys():
    used = _used_keys()
    assert {"col_stt", "items_more", "note.no_due_date", "status_before"} <= used


def test_the_contracts_vietnamese_names_are_the_schemas():
    for register in schema.REGISTERS.values():
        for column in register.columns:
            assert messages.column_label(column.name, "vi", [register.name]) == column.label_vi
            assert i18n.has(f"column.{column.name}", "en"), column.name
    for key, (_, forms, _) in VI.items():
        if key.startswith("choice."):
            code = key.split(".", 1)[1]
            labels = {c.choices[code][0] for r in schema.REGISTERS.values() for c in r.columns
                      if c.choices and code in c.choices}
            assert not labels or forms[0] in labels, key


def test_an_unknown_key_shows_as_itself():
    assert i18n.text("no.such.key", "en") == "no.such.key"
    assert messages.reason("new_reason_code", "vi") == "new_reason_code"


# --- codes the product emits have their wording -----------------------------------------------

def test_every_reason_code_has_its_wording_in_both_languages_and_no_wording_is_orphaned():
    from cchc_audit.codes import Reason

    codes = {str(r) for r in Reason}
    assert all(i18n.has(f"reason.{c}", lang) for c in codes for lang in i18n.LANGS)
    worded = {k.split(".", 1)[1] for k in VI if k.startswith("reason.")}
    assert worded == codes


def test_the_checks_emit_reason_codes_only_as_reason_members():
    """A reason code written as a bare string in a check would escape the test above: a string equal
    to a code may appear only as a column name (`d["tre_han"]`) or a compared value (`== "..."`)."""
    import ast

    from cchc_audit.codes import Reason

    codes = {str(r) for r in Reason}
    bare = []
    for path in sorted((PACKAGE / "checks").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in codes:
                if not isinstance(parents.get(node), (ast.Subscript, ast.Compare)):
                    bare.append(f"{path.name}:{node.lineno} {node.value}")
    assert bare == []


def test_every_status_and_satisfaction_level_has_its_wording():
    from cchc_audit.codes import Status

    for lang in i18n.LANGS:
        assert all(i18n.has(f"status.{s}", lang) for s in Status)
        assert all(i18n.has(f"level.{n}", lang) for n in schema.LEVEL_LABELS)
    # The contract's own Vietnamese level names, as for columns and choices.
    assert {n: i18n.text(f"level.{n}", "vi") for n in schema.LEVEL_LABELS} == schema.LEVEL_LABELS


def test_the_satisfied_levels_in_the_text_are_the_ones_the_check_uses(monkeypatch):
    from cchc_audit.checks import satisfaction

    assert messages.definition("satisfaction", "en").endswith("those at level 4 or 5.")
    # Level 3 is "Bình thường" in the legend: the reason does not call it "Không hài lòng".
    assert messages.reason("khong_hai_long", "vi") == "Dưới mức Hài lòng (mức 1–3)"
    monkeypatch.setattr(satisfaction, "SATISFIED", 3)
    assert messages.definition("satisfaction", "en").endswith("those at level 3, 4 or 5.")
    assert messages.definition("satisfaction", "vi").endswith("(3, 4, 5).")
    assert messages.reason("khong_hai_long", "en") == "Below Satisfied (level 1–2)"


def test_the_evidence_line_of_appendix_i_agrees_with_its_count():
    import pandas as pd

    from cchc_audit.codes import Status
    from cchc_audit.report_parts.inspection import target_evidence
    from cchc_audit.results import CheckResult

    def line(rows, lang="en"):
        check = CheckResult("II.4", "target", "II", "t", "t", Status.KHONG_DAT,
                            items=pd.DataFrame({"ly_do": ["chua_so_hoa"] * rows}))
        return target_evidence(check, {}, lang)

    assert line(1) == ["1 item listed under II.4"]
    assert line(1234) == ["1,234 items listed under II.4"]
    assert line(1234, "vi") == ["1.234 trường hợp liệt kê tại mục II.4"]


@pytest.mark.parametrize("lang, forms", [("vi", 1), ("en", 2)])
def test_every_area_declares_its_plural_forms_and_nothing_is_fuzzy(lang, forms):
    for area, catalog in i18n.read_catalogs(lang).items():
        assert catalog.num_plurals == forms, area
        assert not catalog.fuzzy, area  # a fuzzy entry is left out when compiled
        assert not [m.id for m in catalog if m.id and m.fuzzy], area
