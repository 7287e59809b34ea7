"""The one message catalog: every user-facing string, in Vietnamese and English.

Catalogs are gettext `.po` files under `cchc_audit/locale/<lang>/LC_MESSAGES/`, one file per area
(`report.po`, `cli.po`, ...), merged into one set of translations per language. They are compiled
with Babel when first used (read_po, write_mo, in memory), so the repository holds no compiled
binaries and a catalog edit needs no build step; the compiled catalogs are kept in the user's
cache folder (usercache.py) under a key of the `.po` file's bytes and Babel's version, since
parsing every `.po` file is a tenth of a second per language. Message ids are stable keys (`quoc_hieu`,
`reason.tre_han`), not English text: both languages are translations and both must be complete
(tests/test_catalog.py). Placeholders are `str.format` fields, `{count}`; an entry with plural forms
(`msgid_plural`) is chosen with `ngettext` by the number `plural`, else by an integer `count`.
"""

from __future__ import annotations

import io
from functools import cache
from importlib.resources import files

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"


def catalog_files(lang: str) -> list:
    folder = files("cchc_audit").joinpath("locale", lang, "LC_MESSAGES")
    return sorted((f for f in folder.iterdir() if f.name.endswith(".po")), key=lambda f: f.name)


def read_catalogs(lang: str):
    """The Babel catalogs of one language, by area name."""
    from babel.messages.pofile import read_po

    found = {}
    for po in catalog_files(lang):
        with po.open("rb") as handle:
            found[po.name[:-3]] = read_po(handle, locale=lang, domain=po.name[:-3])
    return found


@cache
def translations(lang: str):
    """gettext translations of every area of `lang`, compiled with Babel, merged into one."""
    from babel.support import Translations

    merged = None
    for po in catalog_files(lang):
        domain = po.name[:-3]
        try:
            compiled = Translations(io.BytesIO(_compiled(po, lang, domain)), domain=domain)
        except (OSError, ValueError, LookupError):  # a cached file that is not a catalog
            compiled = Translations(io.BytesIO(_compiled(po, lang, domain, cache=False)), domain=domain)
        merged = compiled if merged is None else merged.merge(compiled)
    if merged is None:
        raise RuntimeError(f"no message catalog for {lang!r}")
    return merged


def _compiled(po, lang: str, domain: str, cache: bool = True) -> bytes:
    """The `.mo` bytes of one `.po` file: from the user's cache when compiled before from these
    very bytes by this Babel, else compiled now (and kept)."""
    import babel
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    from . import usercache

    source = po.read_bytes()

    def compile_po() -> bytes:
        buffer = io.BytesIO()
        write_mo(buffer, read_po(io.BytesIO(source), locale=lang, domain=domain))
        return buffer.getvalue()

    name = f"{lang}-{domain}-{usercache.key(babel.__version__, lang, source)}.mo"
    return usercache.kept("catalogs" if cache else None, name, compile_po)


@cache
def _plural_keys(lang: str) -> frozenset[str]:
    return frozenset(key[0] for key in translations(lang)._catalog if isinstance(key, tuple))


def text(key: str, lang: str = DEFAULT_LANG, *, plural: int | None = None, **values) -> str:
    """The message `key` in `lang`, its placeholders filled from `values`. An entry with plural
    forms takes the form for the number `plural` (or for `count` when that is an integer). An
    unknown key comes back as itself, so a missing entry shows up in the output and in the catalog
    test, never as a crash."""
    lang = lang if lang in LANGS else DEFAULT_LANG
    catalog = translations(lang)
    if plural is None and isinstance(values.get("count"), int):
        plural = values["count"]
    if key in _plural_keys(lang):
        message = catalog.ngettext(key, key, 1 if plural is None else plural)
    else:
        message = catalog.gettext(key)
    return message.format(**values) if values else message


def has(key: str, lang: str = DEFAULT_LANG) -> bool:
    catalog = translations(lang)._catalog
    return key in catalog or (key, 0) in catalog


def both(key: str, **values) -> str:
    """`Vietnamese / English`, for the few places read before a language is chosen (--help)."""
    return " / ".join(text(key, lang, **values) for lang in LANGS)
