"""One audit: a unit's registers, its plan and a period in; every check's result out."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import __version__
from .calendar import WorkingCalendar
from .checks import Context, Index766, apply_waivers, index_766, run_checks
from .codes import Status
from .i18n import both
from .params import DEFAULT_PUBLICATION_DAYS
from .periods import Period, parse_period, range_period
from .plan import Plan, load_plan
from .problems import Problem
from .registers import InputFile, UnitData, load_unit
from .results import STATUSES, CheckResult, Note, to_jsonable
from .schema import FREE_TEXT_COLUMNS, PERSONAL_COLUMNS
from .snapshot import read as read_snapshot
from .unit import Unit
from .validate import all_problems


@dataclass
class Audit:
    unit: Unit
    period: Period
    plan: Plan
    params: object  # cchc_audit.params.Params
    checks: list[CheckResult]
    index_766: Index766
    calendar: dict
    inputs: list[InputFile]
    problems: list[Problem]
    registers: dict[str, pd.DataFrame]
    generated_at: dt.datetime
    methodology: list[Note] = field(default_factory=list)
    # ho_so with the checks' own flags (due date, on time, overdue at the end...); None without ho_so
    dossiers: pd.DataFrame | None = None

    @property
    def targets(self) -> list[CheckResult]:
        return [c for c in self.checks if c.kind == "target"]

    @property
    def tasks(self) -> list[CheckResult]:
        return [c for c in self.checks if c.kind == "task"]

    def check(self, check_id: str) -> CheckResult:
        return next(c for c in self.checks if c.id == check_id)

    @property
    def fingerprint(self) -> str:
        """One SHA-256 over the inputs' names and hashes: the same registers give the same print."""
        digest = hashlib.sha256()
        for item in sorted(self.inputs, key=lambda i: i.path.name):
            digest.update(f"{item.path.name}\0{item.sha256}\n".encode())
        return digest.hexdigest()

    def tasks_summary(self) -> dict:
        """Section III: tasks evidenced (done or in progress with evidence, or not arisen with a
        note) over all tasks; and those completed (`hoan_thanh`)."""
        tasks = self.tasks
        evidenced = sum(1 for t in tasks if t.status in (Status.DAT, Status.KHONG_PHAT_SINH))
        completed = sum(1 for t in tasks if t.extra.get("latest_status") == "hoan_thanh"
                        and t.status == Status.DAT)
        return {"tasks": len(tasks), "evidenced": evidenced, "completed": completed,
                "value": evidenced / len(tasks) if tasks else None}

    def status_counts(self, kind: str = "target") -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for c in self.checks:
            if c.kind == kind:
                counts[c.status] += 1
        return counts

    def to_json(self) -> dict:
        """The shape of results.json (DATA-CONTRACT.md); personal data never goes in."""
        hidden = PERSONAL_COLUMNS | FREE_TEXT_COLUMNS
        return {
            "unit": self.unit.name,
            "unit_code": self.unit.code,
            "unit_info": to_jsonable(self.unit.__dict__),
            "period": self.period.to_json(),
            "plan": {"number": self.plan.number, "date": self.plan.date.isoformat(),
                     "path": self.plan.path.name},
            "generated_at": self.generated_at.astimezone(self.unit.zone).isoformat(timespec="seconds"),
            # What the archive's front page tells revisions apart by (the one to sign is the
            # latest Vietnamese one): the report's language and date, and the params file's name.
            "lang": getattr(self.params, "lang", None),
            "report_date": to_jsonable(getattr(self.params, "report_date", None)),
            "params_file": getattr(self.params, "source_file", None),
            "software": {"cchc_audit": __version__},
            "fingerprint": self.fingerprint,
            "inputs": [{"register": i.register, "file": i.path.name, "sha256": i.sha256, "rows": i.rows}
                       for i in self.inputs],
            "checks": [c.to_json(hidden) for c in self.checks],
            "tasks_summary": self.tasks_summary(),
            "index_766": self.index_766.to_json(),
            "calendar": to_jsonable(self.calendar),
            "problems": [p.to_json() for p in self.problems],
        }

    def write_results(self, folder: str | Path) -> Path:
        """Write `results.json`, never over an existing one: an archived revision whose notebook is
        executed again in its own folder keeps its record (and its manifest verifies); it is told
        instead whether the figures it just computed agree with the archived ones."""
        path = Path(folder) / "results.json"
        fresh = self.to_json()
        try:
            with open(path, "x", encoding="utf-8") as handle:
                handle.write(json.dumps(fresh, ensure_ascii=False, indent=2))
        except FileExistsError:
            try:
                kept = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                kept = None
            if same_figures(kept, fresh):
                print(both("run.results_kept_agree"))
            else:
                print(both("run.results_kept_differ"))
        return path


# What a result says, as against when and by which version it was computed.
FIGURES = ("unit_code", "period", "plan", "inputs", "checks", "tasks_summary", "index_766", "calendar")


def same_figures(a: dict | None, b: dict | None) -> bool:
    return isinstance(a, dict) and isinstance(b, dict) and all(
        a.get(key) == b.get(key) for key in FIGURES)


def resolve_period(period: str | Period, params) -> Period:
    if isinstance(period, Period):
        return period
    if params is not None and getattr(params, "start", None) and getattr(params, "end", None):
        return range_period(params.start, params.end, period or None)
    return parse_period(period, getattr(params, "convention", "calendar") or "calendar")


def build_calendar(data: UnitData, period: Period, params) -> WorkingCalendar:
    dates = [period.start, period.end]
    for frame in data.registers.values():
        # The naive date columns (those select_dtypes(include="datetime") picks), their range
        # read in numpy: a Series per column and step cost more than the calendar itself.
        for column, dtype in frame.dtypes.items():
            if not (isinstance(dtype, np.dtype) and dtype.kind == "M"):
                continue
            values = frame[column].to_numpy()
            values = values[~np.isnat(values)]
            if len(values):
                dates += [pd.Timestamp(values.min()).date(), pd.Timestamp(values.max()).date()]
    return WorkingCalendar.covering(dates, tuple(getattr(params, "extra_days_off", ()) or ()),
                                    tuple(getattr(params, "extra_working_days", ()) or ()))


def publication_days(params) -> int:
    """The monthly publication deadline, in working days after month end (DOMAIN.md, configurable)."""
    days = getattr(params, "publication_deadline_working_days", None)
    return DEFAULT_PUBLICATION_DAYS if days is None else days


def calendar_info(calendar: WorkingCalendar, period: Period, params) -> dict:
    return {
        "package": "holidays",
        "version": calendar.package_version,
        "country": "VN",
        "days_off": [{"date": d, "name_vi": n} for d, n in calendar.days_off_between(period.start, period.end)],
        "days_off_en": [{"date": d, "name": n} for d, n in calendar.days_off_between(period.start, period.end, "en")],
        "weekend_working_days": calendar.weekend_working_days_between(period.start, period.end),
        "extra_days_off": list(calendar.extra_days_off),
        "extra_working_days": list(calendar.extra_working_days),
        "publication_deadline_working_days": publication_days(params),
    }


def run_audit(period: str | Period, data_dir: str | Path, plan: str | Path | Plan | None = None,
              params=None, *, data: UnitData | None = None, today: dt.date | None = None,
              snapshot: str | Path | None = None) -> Audit:
    """Audit one unit for one period. `params` is a `cchc_audit.params.Params` (or None).

    The registers are `data` when given; else the validated frames of `snapshot` (a file the run
    wrote, see snapshot.py) when it matches the files in `data_dir`; else read from `data_dir`."""
    if data is None:
        data = read_snapshot(snapshot, data_dir)
    if data is None:
        data = load_unit(data_dir)
    if not isinstance(plan, Plan):
        plan = load_plan(plan if plan else Path(data.data_dir) / "ke_hoach.yaml")
    period = resolve_period(period, params)
    calendar = build_calendar(data, period, params)
    settings = {"publication_deadline_working_days": publication_days(params)}
    ctx = Context(period, data.registers, calendar, settings)
    checks = run_checks(plan, ctx)
    generated_at = dt.datetime.now().astimezone()
    # A waiver is judged on the report's date (params `report_date`), else on the day of the run.
    today = today or getattr(params, "report_date", None) or generated_at.date()
    ignored = apply_waivers(checks, list(getattr(params, "waivers", ()) or ()), today)
    index = index_766(ctx, getattr(params, "index_766", None))
    audit = Audit(unit=data.unit, period=period, plan=plan, params=params, checks=checks, index_766=index,
                  calendar=calendar_info(calendar, period, params), inputs=data.inputs,
                  problems=all_problems(data, plan), registers=data.registers, generated_at=generated_at)
    audit.methodology = methodology_notes(audit, ignored) + reading_notes(data)
    if "ho_so" in data.registers:
        audit.dossiers = ctx.dossiers
    return audit


def reading_notes(data: UnitData) -> list[Note]:
    """How each register file was read (encoding, sheet, rows skipped, optional columns absent and
    what the checks fell back to), for the method section."""
    return [Note(n.message("vi"), n.message("en")) for n in data.notices]


def methodology_notes(audit: Audit, ignored_waivers) -> list[Note]:
    """The decisions the specification leaves open, stated in the report."""
    days = publication_days(audit.params)
    notes = [Note.of(f"note.method.{name}", days=days)
             for name in ("resolved", "due_date", "apology", "publication", "payment", "staff", "tasks", "waivers")]
    for waiver in ignored_waivers:
        notes.append(Note.of("note.waiver_ignored", check=waiver.check, until=waiver.expires))
    return notes
