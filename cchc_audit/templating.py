"""The Jinja environments of the product's HTML (report fragments, roll-up, front page).

Autoescaping is on for every template, whatever its file name: register text is data. The message
catalog (i18n.py) is installed through Jinja's i18n extension, old style, so a template says
`{{ _("items_more", count=n) }}` with the catalog's `str.format` placeholders; `english(key)` gives the
English text beside the Vietnamese on the bilingual front page.
"""

from __future__ import annotations

import pickle
from functools import cache

import jinja2

from . import i18n, usercache
from .text import html_finalize

CACHE_VARIABLE = usercache.VARIABLE  # another folder for the compiled templates, or "off"
# The environment's options, which change what a template compiles to: part of the cache's key.
OPTIONS = dict(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
               lstrip_blocks=True, extensions=["jinja2.ext.i18n"])


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's, but a cache that cannot be read or written costs a compile, never a failure."""

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, pickle.UnpicklingError):
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def cache_key() -> str:
    """What compiled templates depend on besides their source: Jinja's version, this package's
    (its `finalize`, the catalog's calls), and the environment's options."""
    from . import __version__

    return usercache.key(jinja2.__version__, __version__, sorted((k, repr(v)) for k, v in OPTIONS.items()))


@cache
def bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs, with Jinja's own bytecode cache, in the user's cache
    folder (usercache.py: `jinja/<cache_key()>`): compiling the report's templates is a good part
    of a single run. Jinja keys each entry by the template's name and the checksum of its source,
    and refuses one from another Python, so a changed template is compiled anew. None (compile
    every time) where there is no cache folder."""
    folder = usercache.folder("jinja", cache_key())
    return _BytecodeCache(str(folder)) if folder is not None else None


@cache
def environment(folder: str, lang: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        bytecode_cache=bytecode_cache(),
        finalize=html_finalize,  # no bidi or zero-width character of register text reaches a page
        **OPTIONS,
    )

    def gettext(key: str, **values) -> str:
        return i18n.text(key, lang, **values)

    def ngettext(key: str, plural: str, n: int, **values) -> str:
        return i18n.text(key, lang, plural=n, **values)

    env.install_gettext_callables(gettext=gettext, ngettext=ngettext, newstyle=False)
    env.globals["english"] = lambda key, **values: i18n.text(key, "en", **values)
    return env
