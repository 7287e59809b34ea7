"""Archived runs read back for comparison: earlier periods of the same unit (the report's trends),
and the latest run of every unit and period in a language (the analyst's, explore.py).

"The same length" means the same kind of period (quarter with quarter, half with half, year with
year, month with month; custom ranges of the same number of days) under the same convention, so
a cut-off quarter is compared with cut-off quarters. Of each earlier period the latest revision
counts. Only `results.json` is read: figures and statuses, no personal data.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from .i18n import both
from .periods import Period

MAX_PERIODS = 8  # earlier periods kept for the trend table and charts


@dataclass(frozen=True)
class PastRun:
    period: Period
    revision: int
    path: Path
    checks: dict[str, dict]  # check id -> its record in results.json (status, figures, ...)

    def check(self, check_id: str) -> dict | None:
        return self.checks.get(check_id)


@dataclass(frozen=True)
class History:
    archive: Path | None = None
    runs: tuple[PastRun, ...] = field(default_factory=tuple)  # oldest first
    skipped: tuple[str, ...] = ()  # "unit/period/rev-NNN: why" of the unit's runs left out as unreadable

    @property
    def previous(self) -> PastRun | None:
        """The latest earlier period of the same length, the one the summary compares with."""
        return self.runs[-1] if self.runs else None

    def __bool__(self) -> bool:
        return bool(self.runs)


def period_from_json(record: dict) -> Period | None:
    try:
        return Period(str(record["id"]), dt.date.fromisoformat(record["start"]),
                      dt.date.fromisoformat(record["end"]), str(record["kind"]),
                      str(record.get("convention") or "calendar"))
    except (KeyError, TypeError, ValueError):
        return None


def short_label(period: Period, with_year: bool = True) -> str:
    """A period in a few characters, for a chart's axis: `Q1`, `H2`, `03` (with the year when the
    axis spans several: `Q1/24`), `2024`, or a custom range's first day."""
    if period.kind == "year":
        return period.id[:4]
    if period.kind in ("quarter", "half", "month"):
        return period.part + (f"/{period.id[2:4]}" if with_year else "")
    return f"{period.start:%d/%m/%y}"


def same_length(a: Period, b: Period) -> bool:
    if a.kind != b.kind or a.convention != b.convention:
        return False
    if a.kind == "custom":
        return (a.end - a.start) == (b.end - b.start)
    return True


def run_language(run_dir: str | Path) -> str | None:
    """The language a revision was run in: `lang` of its `params.yaml` (pipeline.py writes it),
    None when the file is absent or unreadable."""
    import yaml

    from .archive import PARAMS_YAML
    from .safeio import read_yaml

    try:
        values = read_yaml(Path(run_dir) / PARAMS_YAML)
    except (OSError, ValueError, yaml.YAMLError):  # UnsafeInput and UnicodeDecodeError are ValueErrors
        return None
    lang = values.get("lang") if isinstance(values, dict) else None
    return lang if isinstance(lang, str) else None


def latest_runs(root: str | Path, lang: str | None = None, unit: str | None = None) -> list:
    """The latest readable revision of each unit and period archived under `root` (of `unit`
    only, when given), as `archive.ArchivedRun`s by unit and period. With `lang`, the latest
    revision run in that language, else (none was) the latest of any: a revision's figures do not
    depend on its language, its reports do. Revisions whose results.json is unreadable are left
    out (`archive.list_runs` says why)."""
    from .archive import list_runs

    chosen: dict[tuple[str, str], tuple[tuple[bool, int], object]] = {}
    for run in list_runs(root, unit=unit):
        if run.problem is not None:
            continue
        rank = (lang is None or run_language(run.path) == lang, run.revision)
        key = (run.unit, run.period)
        if key not in chosen or rank > chosen[key][0]:
            chosen[key] = (rank, run)
    return [run for _, (_, run) in sorted(chosen.items())]


def load_history(archive_dir: str | Path | None, unit_code: str, period: Period,
                 limit: int = MAX_PERIODS) -> History:
    """The unit's archived periods of the same length as `period` that ended before it began,
    latest revision of each, oldest first (at most `limit`). No archive, no history."""
    from .archive import list_runs

    if not archive_dir:
        return History()
    root = Path(archive_dir)
    latest: dict[str, PastRun] = {}
    skipped = []
    for run in list_runs(root, unit=unit_code):  # not every unit's results in a district archive
        if run.problem is not None:  # another version's file, or a damaged one: said, not fatal
            skipped.append(f"{run.name}: {run.problem}")
            warnings.warn(f"{both('history_skipped')} {run.name}: {run.problem}", stacklevel=2)
            continue
        results = run.results or {}
        if str(results.get("unit_code") or "") != str(unit_code):
            continue
        past = period_from_json(results.get("period") or {})
        if past is None or not same_length(past, period) or past.end >= period.start:
            continue
        checks = {c["id"]: c for c in results.get("checks") or [] if isinstance(c, dict) and "id" in c}
        kept = latest.get(past.id)
        if kept is None or run.revision > kept.revision:
            latest[past.id] = PastRun(past, run.revision, run.path, checks)
    runs = sorted(latest.values(), key=lambda r: r.period.start)[-limit:] if limit else []
    return History(root, tuple(runs), tuple(skipped))
