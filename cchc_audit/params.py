"""Run parameters: a params YAML file, with command-line flags over it.

A params file names the period, the data folder, the calendar overrides, the waivers and the
report's signature details. Relative paths in it resolve against the file's own folder, so
`params/2024-Q1.yaml` can say `data: ../data/sample` and work from any working directory.
Flags win over the file; paths given as flags resolve against the working directory. This module
holds the model (`Params`) and the merging (`resolve`); params_check.py reads and checks the
values, errors.py holds `Issue` and `ParamsError`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from .errors import MISSING, Issue, ParamsError
from .i18n import both
from .params_check import CONVENTIONS, KEYS, LANGS, MAX_COUNT, MAX_POINTS, read_file, validate
from .params_check import flag as _flag
from .params_check import normpath as _normpath
from .resources import SAMPLE_DIR
from .waivers import Waiver

# Importable from here, where they were first defined.
__all__ = ["CONVENTIONS", "DEFAULT_PUBLICATION_DAYS", "KEYS", "LANGS", "MAX_COUNT", "MAX_POINTS", "SAMPLE_DIR",
           "Issue", "Params", "ParamsError", "load", "read_file", "resolve"]

DEFAULT_PUBLICATION_DAYS = 5


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
    causes: tuple[str, ...] = ()  # part IV.3 "Nguyên nhân"
    report_date: dt.date | None = None  # the date line; None = the day of the run
    source: Path | None = None  # the params file the values came from, if any
    # That file's name as the user gave it: kept through the archived params.yaml (`source_file`),
    # so the archive's front page names `2024-Q1.yaml`, not the copy the notebook read.
    source_file: str | None = None
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
                                     MISSING, "param.period_needed")])
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
            return [self._issue(key, getattr(self, key).isoformat(), "param.range_in_year", year=year,
                                plan=which, last=last.isoformat(), first=first.isoformat())]
        return [self._issue("period", self.period, "param.period_in_year", year=year, plan=which)]

    def _issue(self, key: str, value, expected: str, **values) -> Issue:
        """An issue on `key`, said where the user gave it (the params file, else the command line)."""
        source, name = self.origin.get(key, (str(self.source or ""), key if self.source else _flag(key)))
        return Issue(source, name, value, expected, values)

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
            "causes": list(self.causes),
            "report_date": iso(self.report_date),
            "source_file": self.source_file,
        }

    def to_yaml(self) -> str:
        header = f"# {both('params.applied')}\n"  # read in either language: both
        if self.source is not None:
            header += f"# {both('params.applied_from')}: {self.source}\n"
        return header + yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False)

    def write(self, path: Path) -> Path:
        path = Path(path)
        path.write_text(self.to_yaml(), encoding="utf-8")
        return path


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
        values, issues = validate(raw, str(params_file), source.parent)
    given = {k: v for k, v in flags.items() if v is not None}
    unknown = sorted(set(given) - set(KEYS))
    if unknown:
        raise TypeError(f"unknown flags: {unknown}")
    flag_values, flag_issues = validate(given, "", cwd)
    # Flags report as `--name`, the way the user typed them.
    issues += [replace(i, key=_flag(i.key)) for i in flag_issues]
    values.update(flag_values)
    file_source = str(params_file) if params_file is not None else ""
    origin = {k: ("", _flag(k)) if k in flag_values else (file_source, k) for k in KEYS}

    if source is not None:
        values.setdefault("source_file", source.name)
    values.setdefault("data", SAMPLE_DIR)
    values.setdefault("out", Path(_normpath(cwd / "reports")))
    params = Params(source=source, origin=origin, **values)
    issues += _cross_check(params, origin)
    if issues:
        raise ParamsError(issues)
    return params


def _cross_check(p: Params, origin: dict[str, tuple[str, str]]) -> list[Issue]:
    """Checks between keys, once the flags are merged in."""
    def issue(key, value, expected, **values):
        return Issue(origin[key][0], origin[key][1], value, expected, values)

    issues = []
    if (p.start is None) != (p.end is None):
        key = "end" if p.end is None else "start"
        issues.append(issue(key, MISSING, "param.start_end_together"))
    if p.start is not None and p.end is not None and p.start > p.end:
        issues.append(issue("end", p.end.isoformat(), "param.date_from", date=p.start.isoformat()))
    if p.start is not None and p.end is not None and p.start <= p.end:
        from .periods import PeriodError, range_period
        try:  # a range that contradicts the period it is given with would be archived as a lie
            range_period(p.start, p.end, p.period)
        except PeriodError as exc:
            key = "period" if p.period is not None and origin["period"][1].startswith("--") else "start"
            issues.append(issue(key, p.period if key == "period" else p.start.isoformat(), exc.key, **exc.values))
    if p.period is not None and p.start is None and p.end is None:
        from .periods import PeriodError, parse_period
        try:
            parse_period(p.period, p.convention)
        except PeriodError:
            issues.append(issue("period", p.period, "param.period_form"))
    twice = set(p.extra_days_off) & set(p.extra_working_days)
    if twice:
        issues.append(issue("extra_working_days", sorted(d.isoformat() for d in twice), "param.not_days_off"))
    seen = set()
    for i, w in enumerate(p.waivers):
        if w.check in seen:
            issues.append(Issue(origin["waivers"][0], f"waivers[{i}].check", w.check, "param.waiver_once"))
        seen.add(w.check)
    return issues


def load(path: str | Path) -> Params:
    """A params file alone (the notebook reads the resolved file the CLI archived)."""
    return resolve(path)
