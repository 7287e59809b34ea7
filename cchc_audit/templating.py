"""The Jinja environments of the product's HTML (report fragments, roll-up, front page).

Autoescaping is on for every template, whatever its file name: register text is data. The message
catalog (i18n.py) is installed through Jinja's i18n extension, old style, so a template says
`{{ _("items_more", count=n) }}` with the catalog's `str.format` placeholders; `english(key)` gives the
English text beside the Vietnamese on the bilingual front page.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import jinja2

from . import i18n
from .text import html_finalize

CACHE_VARIABLE = "CCHC_AUDIT_CACHE"  # another folder for the compiled templates, or "off"


@cache
def bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs, with Jinja's own bytecode cache, in the user's cache
    folder (`$CCHC_AUDIT_CACHE`, else e.g. `~/.cache/cchc-audit/jinja`): compiling the report's
    templates is a good part of a single run. Jinja keys each entry by the template's name and the
    checksum of its source, and refuses one from another Python, so a changed or upgraded template
    is compiled anew. None (compile every time) where the folder cannot be made, e.g. a worker
    whose home is read-only, or with `CCHC_AUDIT_CACHE=off`."""
    chosen = os.environ.get(CACHE_VARIABLE, "")
    if chosen.lower() == "off":
        return None
    if chosen:
        folder = Path(chosen)
    else:
        import platformdirs

        folder = Path(platformdirs.user_cache_dir("cchc-audit")) / "jinja"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    if not os.access(folder, os.W_OK | os.X_OK):
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


@cache
def environment(folder: str, lang: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        bytecode_cache=bytecode_cache(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=html_finalize,  # no bidi or zero-width character of register text reaches a page
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )

    def gettext(key: str, **values) -> str:
        return i18n.text(key, lang, **values)

    def ngettext(key: str, plural: str, n: int, **values) -> str:
        return i18n.text(key, lang, plural=n, **values)

    env.install_gettext_callables(gettext=gettext, ngettext=ngettext, newstyle=False)
    env.globals["english"] = lambda key, **values: i18n.text(key, "en", **values)
    return env
