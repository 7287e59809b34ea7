"""Reading and checking a params file's values (or the command line's): the keys it may hold, a
YAML loader that keeps dates as text and refuses duplicate keys, and a checker that turns raw
values into typed ones and collects an `Issue` for every bad one (params.py merges them).

Free text in the file (`FREE_TEXT`: waiver justifications, recipients, recommendations, causes) is
masked here, as it is read (privacy.scrub_text: names as `Nguyễn V. A.`, phone and ID numbers to
their last 3 digits), so that no later stage, the report, results.json, the archived notebook or
the archived params.yaml, ever holds it unmasked. The principal's and the preparer's names are
the signatories' own, printed whole in the signature block as Nghị định 30 asks."""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from pathlib import Path
from typing import Any

import yaml

from . import safeio
from .errors import MISSING, Issue, ParamsError
from .i18n import LANGS  # the languages there are catalogs for
from .waivers import Waiver

CONVENTIONS = ("calendar", "cutoff")
MAX_COUNT = 366  # working days: a deadline longer than a year is a typing slip
MAX_POINTS = 100  # Decision 766 scores out of 100

KEYS = (
    "period", "data", "plan", "lang", "out", "convention", "start", "end",
    "extra_days_off", "extra_working_days", "waivers", "publication_deadline_working_days",
    "index_766", "recipients", "principal", "prepared_by", "recommendations", "causes", "report_date",
    "source_file",
)
# The keys holding free text, masked as read; `waivers[].justification` is free text too.
FREE_TEXT = ("recipients", "recommendations", "causes")
WAIVER_KEYS = ("check", "justification", "expires")
INDEX_KEYS = ("points", "threshold")
_WAIVER_FIELDS = "{" + ", ".join(WAIVER_KEYS) + "}"
_INDEX_FIELDS = "{" + ", ".join(INDEX_KEYS) + "}"
_INDEX_ID = re.compile(r"^\d+\.\d+$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def flag(key: str) -> str:
    """A key as the command line names it: `--start`, `--publication-deadline-working-days`."""
    return "--" + key.replace("_", "-")


def normpath(path: Path) -> str:
    return os.path.normpath(str(path))


# --- reading YAML ---------------------------------------------------------------------------

class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text (we validate them ourselves, with a clear message)
    and refuses duplicate keys (a second `waivers:` would otherwise silently win)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _DuplicateKey(yaml.constructor.ConstructorError):
    def __init__(self, key, mark):
        super().__init__(None, None, f"duplicate key {key!r}", mark)
        self.key = key


def _construct_mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise _DuplicateKey(key, key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_file(path: Path) -> dict[str, Any]:
    """The raw mapping of a params file; ParamsError if it cannot be read or is not a mapping."""
    path = Path(path)
    src = str(path)

    def refuse(key, value, expected, line=None, **values):
        return ParamsError([Issue(src, key, value, expected, values, line)])

    try:
        text = safeio.read_text(path, "yaml")  # bounded, never waits on a FIFO
    except safeio.UnsafeInput as exc:
        raise refuse("(file)", str(path), exc.key, **exc.values) from None
    except FileNotFoundError:
        raise refuse("(file)", str(path), "param.file_exists") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise refuse("(file)", str(exc), "param.file_readable") from None
    try:
        raw = safeio.load_yaml(text, src, _Loader)  # no aliases, bounded depth
    except safeio.UnsafeInput as exc:
        raise refuse("(yaml)", exc.detail, exc.key, exc.line, **exc.values) from None
    except _DuplicateKey as exc:
        raise refuse("(yaml)", exc.key, "param.unique_key", exc.problem_mark.line + 1) from None
    except yaml.YAMLError as exc:
        raise refuse("(yaml)", " ".join(str(exc).split()), "param.yaml_syntax") from None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise refuse("(file)", type(raw).__name__, "param.mapping")
    return raw


# --- validation ------------------------------------------------------------------------------

class _Checker:
    def __init__(self, source: str, base: Path):
        self.source = source
        self.base = base
        self.issues: list[Issue] = []

    def bad(self, key, value, expected, **values):
        self.issues.append(Issue(self.source, key, value, expected, values))
        return None

    def text(self, key, value, choices=None):
        if isinstance(value, (int, float)) and not isinstance(value, bool) and choices is None:
            value = str(value)  # `period: 2024` is read by YAML as an integer
        if not isinstance(value, str) or not value.strip():
            return self.bad(key, value, "param.text")
        value = value.strip()
        if choices is not None and value not in choices:
            return self.bad(key, value, "param.one_of", choices=" | ".join(choices))
        return value

    def path(self, key, value):
        text = self.text(key, value)
        if text is None:
            return None
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = self.base / path
        return Path(normpath(path))

    def date(self, key, value):
        from .periods import YEARS

        date = None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            date = value
        elif isinstance(value, str) and _ISO_DATE.match(value.strip()):
            try:
                date = dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        if date is not None and YEARS[0] <= date.year <= YEARS[1]:
            return date
        return self.bad(key, value, "param.date")

    def dates(self, key, value):
        if not isinstance(value, list):
            return self.bad(key, value, "param.dates")
        out = [self.date(f"{key}[{i}]", v) for i, v in enumerate(value)]
        return tuple(sorted(set(d for d in out if d is not None)))

    def texts(self, key, value, read=None):
        if not isinstance(value, list):
            return self.bad(key, value, "param.texts")
        out = [(read or self.text)(f"{key}[{i}]", v) for i, v in enumerate(value)]
        return tuple(v for v in out if v is not None)

    def free_text(self, key, value):
        """Text that may name a person: masked as it is read (see the module's docstring)."""
        from .privacy import scrub_text  # late: privacy pulls in pandas

        text = self.text(key, value)
        return None if text is None else scrub_text(text)

    def count(self, key, value):
        # Bounded: a deadline of 10**100 working days would walk the calendar forever.
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
            return self.bad(key, value, "param.count", max=MAX_COUNT)
        return value

    def waivers(self, key, value):
        if not isinstance(value, list):
            return self.bad(key, value, "param.waivers", fields=_WAIVER_FIELDS)
        out = []
        for i, entry in enumerate(value):
            k = f"{key}[{i}]"
            if not isinstance(entry, dict):
                self.bad(k, entry, "param.waiver_mapping", fields=_WAIVER_FIELDS)
                continue
            for extra in entry.keys() - set(WAIVER_KEYS):
                self.bad(f"{k}.{extra}", entry[extra], "param.waiver_keys")
            fields = {}
            for name in WAIVER_KEYS:
                if name not in entry or entry[name] is None:
                    self.bad(f"{k}.{name}", MISSING, f"param.waiver_{name}")
                    continue
                read = {"expires": self.date, "justification": self.free_text}.get(name, self.text)
                fields[name] = read(f"{k}.{name}", entry[name])
            if len(fields) == 3 and None not in fields.values():
                out.append(Waiver(**fields))
        return tuple(out)

    def index_766(self, key, value):
        if not isinstance(value, dict):
            return self.bad(key, value, "param.index_mapping", fields=_INDEX_FIELDS)
        out = {}
        for item, spec in value.items():
            item = str(item)
            k = f"{key}[{item}]"
            known = _index_items()
            if not _INDEX_ID.match(item) or (known and item not in known):
                self.bad(k, item, "param.index_item", items=", ".join(known) if known else "2.1, 4.2")
                continue
            if _is_number(spec):  # shorthand: just the points
                spec = {"points": spec}
            if not isinstance(spec, dict):
                self.bad(k, spec, "param.index_spec")
                continue
            entry = {}
            for name, number in spec.items():
                if name not in INDEX_KEYS:
                    self.bad(f"{k}.{name}", number, "param.index_keys")
                elif not _is_number(number) or not math.isfinite(number) or not 0 <= number <= MAX_POINTS \
                        or (name == "threshold" and not 0 < number <= 1):  # .nan, .inf, 1e308 refused
                    if name == "threshold":
                        self.bad(f"{k}.{name}", number, "param.threshold")
                    else:
                        self.bad(f"{k}.{name}", number, "param.points", max=MAX_POINTS)
                else:
                    entry[name] = float(number)
            out[item] = entry
        return out


def _index_items() -> tuple[str, ...]:
    """The 766 items the audit scores (imported late: the checks pull in pandas)."""
    try:
        from .checks.index766 import ITEMS
    except ImportError:
        return ()
    return tuple(ITEMS)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def validate(raw: dict[str, Any], source: str, base: Path) -> tuple[dict[str, Any], list[Issue]]:
    """Typed values of the keys present in `raw`, and the issues found."""
    c = _Checker(source, base)
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in KEYS:
            c.bad(str(key), value, "param.known_key", keys=", ".join(KEYS))
            continue
        if value is None:
            continue  # `principal:` left empty = not given
        if key == "period":
            v = c.text(key, value)
        elif key in ("data", "plan", "out"):
            v = c.path(key, value)
        elif key == "lang":
            v = c.text(key, value, LANGS)
        elif key == "convention":
            v = c.text(key, value, CONVENTIONS)
        elif key in ("start", "end", "report_date"):
            v = c.date(key, value)
        elif key in ("extra_days_off", "extra_working_days"):
            v = c.dates(key, value)
        elif key == "waivers":
            v = c.waivers(key, value)
        elif key == "publication_deadline_working_days":
            v = c.count(key, value)
        elif key == "index_766":
            v = c.index_766(key, value)
        elif key in FREE_TEXT:
            v = c.texts(key, value, c.free_text)
        elif key == "source_file":  # a name, never the folder it was in
            v = c.text(key, value)
            v = Path(v).name or None if v is not None else None
        else:  # principal, prepared_by
            v = c.text(key, value)
        if v is not None:
            values[key] = v
    return values, c.issues
