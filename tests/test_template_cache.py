"""Compiled templates kept between runs (templating.bytecode_cache): used when the source is the
one compiled, compiled anew when it changed, and never required."""

from __future__ import annotations

import jinja2
import pytest

from cchc_audit import templating


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    """Environments and cache made anew, the cache in a folder of this test's."""
    monkeypatch.setenv(templating.CACHE_VARIABLE, str(tmp_path / "cache"))
    templating.bytecode_cache.cache_clear()
    templating.environment.cache_clear()
    yield tmp_path / "cache"
    templating.bytecode_cache.cache_clear()
    templating.environment.cache_clear()


def _compiles(monkeypatch) -> list:
    calls = []
    original = jinja2.Environment.compile

    def counting(self, source, *args, **kwargs):
        calls.append(source)
        return original(self, source, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return calls


def _render(folder) -> str:
    templating.environment.cache_clear()  # as a new process would
    return templating.environment(str(folder), "vi").get_template("t.html.j2").render(name="<b>")


def test_a_template_is_compiled_once_and_again_when_it_changes(fresh, tmp_path, monkeypatch):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "t.html.j2").write_text("Xin chào {{ name }}", encoding="utf-8")
    calls = _compiles(monkeypatch)
    assert _render(folder) == "Xin chào &lt;b&gt;" and len(calls) == 1
    assert list(fresh.iterdir())  # kept for the next run
    assert _render(folder) == "Xin chào &lt;b&gt;" and len(calls) == 1  # taken from the cache
    (folder / "t.html.j2").write_text("Chào {{ name }}!", encoding="utf-8")
    assert _render(folder) == "Chào &lt;b&gt;!" and len(calls) == 2  # never a stale one


def test_no_cache_when_turned_off_or_the_folder_cannot_be_made(monkeypatch, tmp_path):
    templating.bytecode_cache.cache_clear()
    monkeypatch.setenv(templating.CACHE_VARIABLE, "off")
    assert templating.bytecode_cache() is None
    templating.bytecode_cache.cache_clear()
    (tmp_path / "file").write_text("")
    monkeypatch.setenv(templating.CACHE_VARIABLE, str(tmp_path / "file" / "cache"))
    assert templating.bytecode_cache() is None
    templating.bytecode_cache.cache_clear()
