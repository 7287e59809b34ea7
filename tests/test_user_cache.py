"""The user's cache (usercache.py) for the message catalogs: compiled once, compiled anew when a
`.po` file changes, and never needed."""

from __future__ import annotations

import shutil

import pytest

from cchc_audit import i18n, usercache


@pytest.fixture
def catalogs(monkeypatch, tmp_path):
    """This test's own copy of the catalogs and cache folder; the catalogs compiled anew after."""
    monkeypatch.setenv(usercache.VARIABLE, str(tmp_path / "cache"))
    copy = tmp_path / "po"
    copy.mkdir()
    for po in i18n.catalog_files("en"):
        shutil.copy(str(po), copy / po.name)
    monkeypatch.setattr(i18n, "catalog_files", lambda lang: sorted(copy.glob("*.po")))
    i18n.translations.cache_clear()
    i18n._plural_keys.cache_clear()
    yield copy
    i18n.translations.cache_clear()
    i18n._plural_keys.cache_clear()


def _parses(monkeypatch) -> list:
    from babel.messages import pofile

    calls = []
    original = pofile.read_po
    monkeypatch.setattr(pofile, "read_po", lambda *a, **k: calls.append(1) or original(*a, **k))
    return calls


def _fresh(key: str) -> str:
    i18n.translations.cache_clear()  # as a new process would
    i18n._plural_keys.cache_clear()
    return i18n.text(key, "en")


def test_a_catalog_is_compiled_once_and_again_when_it_changes(catalogs, monkeypatch, tmp_path):
    parses = _parses(monkeypatch)
    first = _fresh("cli.run_archived")
    assert first and first != "cli.run_archived" and len(parses) == len(list(catalogs.glob("*.po")))
    assert list((tmp_path / "cache" / "catalogs").glob("en-*.mo"))
    assert _fresh("cli.run_archived") == first and len(parses) == len(list(catalogs.glob("*.po")))  # cached
    cli = catalogs / "cli.po"
    text = cli.read_text(encoding="utf-8")
    cli.write_text(text.replace(f'msgstr "{first}"', 'msgstr "Kept in: "'), encoding="utf-8")
    assert _fresh("cli.run_archived") == "Kept in: "  # never a stale catalog
    assert len(parses) == len(list(catalogs.glob("*.po"))) + 1


def test_a_broken_cache_entry_is_compiled_over(catalogs):
    first = _fresh("cli.run_archived")
    for entry in (catalogs.parent / "cache" / "catalogs").glob("*.mo"):
        entry.write_bytes(b"not a catalog")
    assert _fresh("cli.run_archived") == first


def test_without_a_cache_every_run_compiles(catalogs, monkeypatch, tmp_path):
    monkeypatch.setenv(usercache.VARIABLE, "off")
    parses = _parses(monkeypatch)
    assert _fresh("cli.run_archived") != "cli.run_archived"
    _fresh("cli.run_archived")
    assert len(parses) == 2 * len(list(catalogs.glob("*.po")))
    assert not (tmp_path / "cache").exists()


def test_the_cache_is_used_only_where_no_one_else_can_write(monkeypatch, tmp_path):
    root = tmp_path / "cache"
    monkeypatch.setenv(usercache.VARIABLE, str(root))
    root.mkdir(mode=0o755)
    root.chmod(0o755)  # readable by others, as a home's cache folder often is: fine
    made = usercache.folder("catalogs")
    assert made == root / "catalogs" and made.stat().st_mode & 0o777 == 0o700
    root.chmod(0o775)  # others may write on the way: they could swap the folder under us
    assert usercache.folder("catalogs") is None
    root.chmod(0o755)
    made.chmod(0o750)  # the folder itself readable by others: refused
    assert usercache.folder("catalogs") is None


def test_the_working_day_calendar_is_worked_out_once_per_holidays_version(monkeypatch, tmp_path):
    import holidays

    from cchc_audit import calendar

    monkeypatch.setenv(usercache.VARIABLE, str(tmp_path / "cache"))
    calls = []
    real = holidays.country_holidays
    monkeypatch.setattr(holidays, "country_holidays", lambda *a, **k: calls.append(1) or real(*a, **k))

    def fresh(span=(2023, 2026)):
        calendar._vn_working_days.cache_clear()  # as a new process would
        calendar._vn_holiday_names.cache_clear()
        return calendar._vn_working_days(*span)[1].copy(), dict(calendar._vn_holiday_names(*span, "vi"))

    first = fresh()
    assert len(calls) == 2 and first[0].sum() > 200 and first[1]
    again = fresh()
    assert len(calls) == 2  # taken from the cache, the holidays package not asked
    assert (again[0] == first[0]).all() and again[1] == first[1]
    monkeypatch.setattr(calendar, "holidays_version", lambda: "0.0-other")
    fresh()
    assert len(calls) == 4  # another holidays package: worked out again
    for entry in (tmp_path / "cache" / "calendars").iterdir():
        entry.write_bytes(b"[]")
    assert fresh() is not None and len(calls) == 6  # a broken entry: worked out again
    calendar._vn_working_days.cache_clear()
    calendar._vn_holiday_names.cache_clear()
