"""The Jinja environments of the product's HTML (report fragments, roll-up, front page).

Autoescaping is on for every template, whatever its file name: register text is data. The message
catalog (i18n.py) is installed through Jinja's i18n extension, old style, so a template says
`{{ _("items_more", count=n) }}` with the catalog's `str.format` placeholders; `english(key)` gives the
English text beside the Vietnamese on the bilingual front page.
"""

from __future__ import annotations

import os
import pickle
from functools import cache
from pathlib import Path

import jinja2

from . import i18n
from .text import html_finalize

CACHE_VARIABLE = "CCHC_AUDIT_CACHE"  # another folder for the compiled templates, or "off"
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
    import hashlib

    from . import __version__

    text = repr((jinja2.__version__, __version__, sorted((k, repr(v)) for k, v in OPTIONS.items())))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _private(folder: Path) -> bool:
    """Ours alone: the cache holds code this process runs (as Jinja checks its own default)."""
    try:
        info = folder.stat()
    except OSError:
        return False
    mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return mine and not info.st_mode & 0o077 and os.access(folder, os.W_OK | os.X_OK)


@cache
def bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs, with Jinja's own bytecode cache, in the user's cache
    folder (`$CCHC_AUDIT_CACHE`, else e.g. `~/.cache/cchc-audit/jinja`), under a key of what they
    depend on besides their source (`cache_key`): compiling the report's templates is a good part
    of a single run. Jinja keys each entry by the template's name and the checksum of its source,
    and refuses one from another Python, so a changed template is compiled anew. None (compile
    every time) with `CCHC_AUDIT_CACHE=off`, or where the folder cannot be made or is not the
    user's alone (mode 0700): e.g. a worker whose home is read-only."""
    chosen = os.environ.get(CACHE_VARIABLE, "")
    if chosen.lower() == "off":
        return None
    if chosen:
        root = Path(chosen)
    else:
        import platformdirs

        root = Path(platformdirs.user_cache_dir("cchc-audit")) / "jinja"
    folder = root / cache_key()
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return None
    if not (_private(root) and _private(folder)):
        return None
    return _BytecodeCache(str(folder))


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
