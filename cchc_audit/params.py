"""Run parameters: a params YAML file, with command-line flags over it.

A params file names the period, the data folder, the calendar overrides, the waivers and the
report's signature details. Relative paths in it resolve against the file's own folder, so
`params/2024-Q1.yaml` can say `data: ../data/sample` and work from any working directory.
Flags win over the file; paths given as flags resolve against the working directory.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .resources import SAMPLE_DIR
from .waivers import Waiver

LANGS = ("vi", "en")
CONVENTIONS = ("calendar", "cutoff")
DEFAULT_PUBLICATION_DAYS = 5
MAX_COUNT = 366  # working days: a deadline longer than a year is a typing slip
MAX_POINTS = 100  # Decision 766 scores out of 100

KEYS = (
    "period", "data", "plan", "lang", "out", "convention", "start", "end",
    "extra_days_off", "extra_working_days", "waivers", "publication_deadline_working_days",
    "index_766", "recipients", "principal", "prepared_by", "recommendations", "report_date",
)
WAIVER_KEYS = ("check", "justification", "expires")
INDEX_KEYS = ("points", "threshold")
_INDEX_ID = re.compile(r"^\d+\.\d+$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

COMMAND_LINE = ("dòng lệnh", "command line")


@dataclass(frozen=True)
class Issue:
    """One bad parameter: where it came from, the key, the value and what was expected."""

    source: str  # file path, or "" for the command line
    key: str
    value: Any
    expected_vi: str
    expected_en: str

    def message(self, lang: str = "vi") -> str:
        en = lang == "en"
        where = self.source or (COMMAND_LINE[1] if en else COMMAND_LINE[0])
        value = "(missing)" if self.value is _MISSING and en else (
            "(thiếu)" if self.value is _MISSING else repr(self.value))
        if en:
            return f"{where}: key `{self.key}` = {value}: expected {self.expected_en}"
        return f"{where}: khóa `{self.key}` = {value}: cần {self.expected_vi}"


_MISSING = object()


class ParamsError(ValueError):
    """Bad parameters, all reported at once, in Vietnamese and English."""

    def __init__(self, issues: list[Issue]):
        self.issues = list(issues)
        super().__init__(self.message("vi") + "\n" + self.message("en"))

    def message(self, lang: str = "vi") -> str:
        head = "Invalid parameters:" if lang == "en" else "Tham số không hợp lệ:"
        return "\n".join([head] + ["  - " + i.message(lang) for i in self.issues])


@dataclass(frozen=True)
class Params:
    """Resolved parameters of one run. Paths are absolute."""

    period: str | None = None
    data: Path = SAMPLE_DIR
    plan: Path | None = None  # None = <data>/ke_hoach.yaml
    lang: str = "vi"
    out: Path = Path("reports")
    convention: str = "calendar"
    start: dt.date | None = None
    end: dt.date | None = None
    extra_days_off: tuple[dt.date, ...] = ()
    extra_working_days: tuple[dt.date, ...] = ()
    waivers: tuple[Waiver, ...] = ()
    publication_deadline_working_days: int = DEFAULT_PUBLICATION_DAYS
    # 766 index overrides: item id -> {"points": float, "threshold": float}; absent = defaults
    index_766: dict[str, dict[str, float]] = field(default_factory=dict)
    recipients: tuple[str, ...] = ()  # "Nơi nhận", one recipient per entry
    principal: str | None = None  # overrides don_vi.yaml's hieu_truong
    prepared_by: str | None = None  # "Người lập"
    recommendations: tuple[str, ...] = ()  # part V "Kiến nghị, đề xuất"
    report_date: dt.date | None = None  # the date line; None = the day of the run
    source: Path | None = None  # the params file the values came from, if any
    # key -> (where it was given: the params file or "" for the command line, the key as given there)
    origin: dict[str, tuple[str, str]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def plan_path(self) -> Path:
        return self.plan if self.plan is not None else self.data / "ke_hoach.yaml"

    def period_range(self):
        """The `periods.Period` these parameters select: explicit `start`/`end` when given (with
        `period` as its id if set), else `period` under the chosen convention."""
        from .periods import parse_period, range_period

        if self.start is not None and self.end is not None:
            return range_period(self.start, self.end, self.period)
        if self.period is None:
            raise ParamsError([Issue(str(self.source or ""), "period" if self.source else "--period",
                                     _MISSING,
                                     "một kỳ như 2024-Q1, 2024-H1, 2024, 2024-03 (hoặc start và end)",
                                     "a period such as 2024-Q1, 2024-H1, 2024, 2024-03 (or start and end)")])
        return parse_period(self.period, self.convention)

    def period_issues(self, period, plan) -> list[Issue]:
        """The period must be one of the plan's year (DOMAIN.md): a 2023 period against the 2024
        plan is refused, not reported. `period` is `period_range()`'s, `plan` a `plan.Plan`."""
        from .periods import in_year, year_span

        year = plan.year
        if in_year(period, year):
            return []
        which = f"{plan.number} ({Path(plan.path).name})"
        if self.start is not None and self.end is not None:
            first, last = year_span(year)
            key = "start" if not first <= self.start <= last else "end"
            return [self._issue(key, getattr(self, key).isoformat(),
                                f"start và end thuộc năm {year} của kế hoạch {which}: end trong năm {year} "
                                f"(đến {last.isoformat()}), start không sớm hơn {first.isoformat()} (15/12 năm "
                                "trước, như kỳ báo cáo CCHC định kỳ)",
                                f"start and end within the year {year} of plan {which}: end in {year} (up to "
                                f"{last.isoformat()}), start no earlier than {first.isoformat()} (15 December "
                                "before, as periodic CCHC reports)")]
        return [self._issue("period", self.period,
                            f"một kỳ của năm {year}, năm của kế hoạch {which}: {year}, {year}-H1, "
                            f"{year}-Q1, {year}-03...",
                            f"a period of {year}, the year of plan {which}: {year}, {year}-H1, {year}-Q1, "
                            f"{year}-03...")]

    def _issue(self, key: str, value, vi: str, en: str) -> Issue:
        """An issue on `key`, said where the user gave it (the params file, else the command line)."""
        source, name = self.origin.get(key, (str(self.source or ""), key if self.source else _flag(key)))
        return Issue(source, name, value, vi, en)

    def to_dict(self) -> dict[str, Any]:
        """Plain YAML/JSON values, every key present, so the archived file is self-contained."""
        def iso(d):
            return d.isoformat() if d is not None else None
        return {
            "period": self.period,
            "data": str(self.data),
            "plan": str(self.plan_path),
            "lang": self.lang,
            "out": str(self.out),
            "convention": self.convention,
            "start": iso(self.start),
            "end": iso(self.end),
            "extra_days_off": [iso(d) for d in self.extra_days_off],
            "extra_working_days": [iso(d) for d in self.extra_working_days],
            "waivers": [w.to_json() for w in self.waivers],
            "publication_deadline_working_days": self.publication_deadline_working_days,
            "index_766": {k: dict(v) for k, v in self.index_766.items()},
            "recipients": list(self.recipients),
            "principal": self.principal,
            "prepared_by": self.prepared_by,
            "recommendations": list(self.recommendations),
            "report_date": iso(self.report_date),
        }

    def to_yaml(self) -> str:
        header = "# Tham số đã áp dụng cho lần chạy này / parameters this run used\n"
        if self.source is not None:
            header += f"# Tệp gốc / from: {self.source}\n"
        return header + yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False)

    def write(self, path: Path) -> Path:
        path = Path(path)
        path.write_text(self.to_yaml(), encoding="utf-8")
        return path


# --- reading YAML ---------------------------------------------------------------------------

class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text (we validate them ourselves, with a clear message)
    and refuses duplicate keys (a second `waivers:` would otherwise silently win)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} / khóa bị lặp {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_file(path: Path) -> dict[str, Any]:
    """The raw mapping of a params file; ParamsError if it cannot be read or is not a mapping."""
    path = Path(path)
    src = str(path)
    from . import safeio

    try:
        text = safeio.read_text(path, "yaml")  # bounded, never waits on a FIFO
    except safeio.UnsafeInput as exc:
        raise ParamsError([Issue(src, "(file)", str(path), exc.expected("vi"), exc.expected("en"))]) from None
    except FileNotFoundError:
        raise ParamsError([Issue(src, "(file)", str(path),
                                 "một tệp tham số có tồn tại", "an existing params file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ParamsError([Issue(src, "(file)", str(exc),
                                 "một tệp YAML đọc được (UTF-8)", "a readable UTF-8 YAML file")]) from None
    try:
        raw = safeio.load_yaml(text, src, _Loader)  # no aliases, bounded depth
    except safeio.UnsafeInput as exc:
        raise ParamsError([Issue(src, f"(yaml, dòng/line {exc.line})", exc.detail,
                                 exc.expected("vi"), exc.expected("en"))]) from None
    except yaml.YAMLError as exc:
        raise ParamsError([Issue(src, "(yaml)", " ".join(str(exc).split()),
                                 "cú pháp YAML hợp lệ", "valid YAML syntax")]) from None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ParamsError([Issue(src, "(file)", type(raw).__name__,
                                 "một bảng khóa: giá trị (mapping)", "a mapping of key: value")])
    return raw


# --- validation ------------------------------------------------------------------------------

class _Checker:
    def __init__(self, source: str, base: Path):
        self.source = source
        self.base = base
        self.issues: list[Issue] = []

    def bad(self, key, value, vi, en):
        self.issues.append(Issue(self.source, key, value, vi, en))
        return None

    def text(self, key, value, choices=None):
        if isinstance(value, (int, float)) and not isinstance(value, bool) and choices is None:
            value = str(value)  # `period: 2024` is read by YAML as an integer
        if not isinstance(value, str) or not value.strip():
            return self.bad(key, value, "một chuỗi ký tự không rỗng", "a non-empty string")
        value = value.strip()
        if choices is not None and value not in choices:
            alts = " | ".join(choices)
            return self.bad(key, value, f"một trong {alts}", f"one of {alts}")
        return value

    def path(self, key, value):
        text = self.text(key, value)
        if text is None:
            return None
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = self.base / path
        return Path(_normpath(path))

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
        return self.bad(key, value, "một ngày dạng yyyy-mm-dd trong các năm 1900-2100 (ví dụ 2024-04-30)",
                        "a date as yyyy-mm-dd within the years 1900-2100 (e.g. 2024-04-30)")

    def dates(self, key, value):
        if not isinstance(value, list):
            return self.bad(key, value, "một danh sách ngày yyyy-mm-dd", "a list of yyyy-mm-dd dates")
        out = [self.date(f"{key}[{i}]", v) for i, v in enumerate(value)]
        return tuple(sorted(set(d for d in out if d is not None)))

    def texts(self, key, value):
        if not isinstance(value, list):
            return self.bad(key, value, "một danh sách chuỗi ký tự", "a list of strings")
        out = [self.text(f"{key}[{i}]", v) for i, v in enumerate(value)]
        return tuple(v for v in out if v is not None)

    def count(self, key, value):
        # Bounded: a deadline of 10**100 working days would walk the calendar forever.
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
            return self.bad(key, value, f"một số nguyên từ 0 đến {MAX_COUNT}",
                            f"an integer from 0 to {MAX_COUNT}")
        return value

    def waivers(self, key, value):
        if not isinstance(value, list):
            return self.bad(key, value, "một danh sách miễn trừ {check, justification, expires}",
                            "a list of waivers {check, justification, expires}")
        out = []
        for i, entry in enumerate(value):
            k = f"{key}[{i}]"
            if not isinstance(entry, dict):
                self.bad(k, entry, "một bảng {check, justification, expires}",
                         "a mapping {check, justification, expires}")
                continue
            for extra in entry.keys() - set(WAIVER_KEYS):
                self.bad(f"{k}.{extra}", entry[extra], "chỉ các khóa check, justification, expires",
                         "only the keys check, justification, expires")
            fields = {}
            for name in WAIVER_KEYS:
                if name not in entry or entry[name] is None:
                    what = {"check": ("mã chỉ tiêu/nhiệm vụ được miễn trừ", "the waived check id"),
                            "justification": ("lý do miễn trừ", "the reason for the waiver"),
                            "expires": ("ngày hết hạn yyyy-mm-dd", "an expiry date yyyy-mm-dd")}[name]
                    self.bad(f"{k}.{name}", _MISSING, *what)
                    continue
                fields[name] = (self.date if name == "expires" else self.text)(f"{k}.{name}", entry[name])
            if len(fields) == 3 and None not in fields.values():
                out.append(Waiver(**fields))
        return tuple(out)

    def index_766(self, key, value):
        if not isinstance(value, dict):
            return self.bad(key, value, "một bảng mã mục -> {points, threshold}",
                            "a mapping item id -> {points, threshold}")
        out = {}
        for item, spec in value.items():
            item = str(item)
            k = f"{key}[{item}]"
            known = _index_items()
            if not _INDEX_ID.match(item) or (known and item not in known):
                listed = ", ".join(known) if known else "2.1, 4.2"
                self.bad(k, item, f"mã mục của Quyết định 766: {listed}",
                         f"a Decision 766 item id: {listed}")
                continue
            if _is_number(spec):  # shorthand: just the points
                spec = {"points": spec}
            if not isinstance(spec, dict):
                self.bad(k, spec, "{points: số điểm, threshold: ngưỡng 0-1}",
                         "{points: max points, threshold: ratio 0-1}")
                continue
            entry = {}
            for name, number in spec.items():
                if name not in INDEX_KEYS:
                    self.bad(f"{k}.{name}", number, "chỉ points hoặc threshold",
                             "only points or threshold")
                elif not _is_number(number) or not math.isfinite(number) or not 0 <= number <= MAX_POINTS \
                        or (name == "threshold" and not 0 < number <= 1):  # .nan, .inf, 1e308 refused
                    self.bad(f"{k}.{name}", number,
                             "một số trong (0, 1]" if name == "threshold" else f"một số từ 0 đến {MAX_POINTS}",
                             "a number in (0, 1]" if name == "threshold" else f"a number from 0 to {MAX_POINTS}")
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


def _normpath(path: Path) -> str:
    import os
    return os.path.normpath(str(path))


def _validate(raw: dict[str, Any], source: str, base: Path) -> tuple[dict[str, Any], list[Issue]]:
    """Typed values of the keys present in `raw`, and the issues found."""
    c = _Checker(source, base)
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in KEYS:
            c.bad(str(key), value, "một khóa đã biết: " + ", ".join(KEYS), "a known key: " + ", ".join(KEYS))
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
        elif key in ("recipients", "recommendations"):
            v = c.texts(key, value)
        else:  # principal, prepared_by
            v = c.text(key, value)
        if v is not None:
            values[key] = v
    return values, c.issues


def resolve(params_file: str | Path | None = None, *, cwd: str | Path | None = None,
            **flags: Any) -> Params:
    """Params from an optional file with flags over it (a flag of None is not given).

    Flags: period, data, plan, lang, out, convention, start, end. Raises ParamsError listing
    every bad value, with the file (or the command line), the key, the value and what was expected.
    """
    cwd = Path(cwd) if cwd is not None else Path.cwd()
    values: dict[str, Any] = {}
    issues: list[Issue] = []
    source = None
    if params_file is not None:
        source = Path(_normpath(cwd / Path(params_file).expanduser()))
        raw = read_file(source)
        values, issues = _validate(raw, str(params_file), source.parent)
    given = {k: v for k, v in flags.items() if v is not None}
    unknown = sorted(set(given) - set(KEYS))
    if unknown:
        raise TypeError(f"unknown flags: {unknown}")
    flag_values, flag_issues = _validate(given, "", cwd)
    # Flags report as `--name`, the way the user typed them.
    issues += [Issue(i.source, _flag(i.key), i.value, i.expected_vi, i.expected_en)
               for i in flag_issues]
    values.update(flag_values)
    file_source = str(params_file) if params_file is not None else ""
    origin = {k: ("", _flag(k)) if k in flag_values else (file_source, k) for k in KEYS}

    values.setdefault("data", SAMPLE_DIR)
    values.setdefault("out", Path(_normpath(cwd / "reports")))
    params = Params(source=source, origin=origin, **values)
    issues += _cross_check(params, origin)
    if issues:
        raise ParamsError(issues)
    return params


def _flag(key: str) -> str:
    return "--" + key.replace("_", "-")


def _cross_check(p: Params, origin: dict[str, tuple[str, str]]) -> list[Issue]:
    """Checks between keys, once the flags are merged in."""
    def issue(key, value, vi, en):
        return Issue(origin[key][0], origin[key][1], value, vi, en)

    issues = []
    if (p.start is None) != (p.end is None):
        key = "end" if p.end is None else "start"
        issues.append(issue(key, _MISSING, "start và end đi cùng nhau (cả hai hoặc không)",
                            "start and end together (both or neither)"))
    if p.start is not None and p.end is not None and p.start > p.end:
        issues.append(issue("end", p.end.isoformat(), f"một ngày từ {p.start.isoformat()} trở đi",
                            f"a date on or after {p.start.isoformat()}"))
    if p.start is not None and p.end is not None and p.start <= p.end:
        from .periods import PeriodError, range_period
        try:  # a range that contradicts the period it is given with would be archived as a lie
            range_period(p.start, p.end, p.period)
        except PeriodError as exc:
            vi, _, en = str(exc).partition(" / ")
            key = "period" if p.period is not None and origin["period"][1].startswith("--") else "start"
            issues.append(issue(key, p.period if key == "period" else p.start.isoformat(), vi, en))
    if p.period is not None and p.start is None and p.end is None:
        from .periods import PeriodError, parse_period
        try:
            parse_period(p.period, p.convention)
        except PeriodError:
            issues.append(issue("period", p.period, "một kỳ dạng 2024, 2024-H1, 2024-Q1 hoặc 2024-03 "
                                "(năm 1900-2100)", "a period such as 2024, 2024-H1, 2024-Q1 or 2024-03 "
                                "(years 1900-2100)"))
    both = set(p.extra_days_off) & set(p.extra_working_days)
    if both:
        issues.append(issue("extra_working_days", sorted(d.isoformat() for d in both),
                            "ngày không đồng thời nằm trong extra_days_off",
                            "dates not also listed in extra_days_off"))
    seen = set()
    for i, w in enumerate(p.waivers):
        if w.check in seen:
            issues.append(Issue(origin["waivers"][0], f"waivers[{i}].check", w.check,
                                "mỗi chỉ tiêu/nhiệm vụ được miễn trừ một lần", "each check waived once"))
        seen.add(w.check)
    return issues


def load(path: str | Path) -> Params:
    """A params file alone (the notebook reads the resolved file the CLI archived)."""
    return resolve(path)
