"""The Jinja environments of the product's HTML (report fragments, roll-up, front page).

Autoescaping is on for every template, whatever its file name: register text is data. The message
catalog (i18n.py) is installed through Jinja's i18n extension, old style, so a template says
`{{ _("items_more", count=n) }}` with the catalog's `str.format` placeholders; `english(key)` gives the
English text beside the Vietnamese on the bilingual front page.
"""

from __future__ import annotations

from functools import cache

import jinja2

from . import i18n
from .text import html_finalize


@cache
def environment(folder: str, lang: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
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
