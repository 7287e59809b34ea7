"""`cchc-audit batch`: one period of every unit under a folder, fanned out on worker processes,
then the district roll-up.

Every sub-folder of `--data-root` that holds registers is a unit (its `don_vi.yaml` names it, its
`ke_hoach.yaml` is its plan). Each unit is one task that runs exactly what `cchc-audit run`
runs (`pipeline.run_unit`: validate, execute the notebook, export, archive) and returns a small record;
a unit's bad data or crash is recorded and the others go on. Without `--scheduler` the work runs
on one process per core, forked from this one once it has imported and warmed up what a unit
needs (localpool.py; where the platform does not fork, on a Dask `LocalCluster` of spawned
processes); with it, as Dask tasks on that cluster's workers (which need this package installed
and the same paths to the data and the archive).

Each worker runs its units' notebooks in its own process (inprocess.py), one at a time, each in a
fresh namespace, the process's settings given back after; pandas, matplotlib, papermill, nbconvert and the
compiled report templates stay loaded from one unit to the next. That is what makes a round cheaper
than single runs. A round starts nothing on the workers that outlives its tasks: rounds sharing a
scheduler leave each other alone, and nothing stays idle on the workers when a round ends.

A unit already archived for the period is skipped (its latest run goes into the roll-up) unless
`--force`. Exit status: 0 every unit archived (or skipped), 2 some had bad input and none
crashed, 1 some crashed.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from .codes import UnitOutcome
from .errors import BadInput, SchedulerUnreachable, error_text, outcomes_exit_code
from .i18n import text
from .messages import outcome_label

OK, BAD_INPUT, ERROR, SKIPPED = UnitOutcome.OK, UnitOutcome.BAD_INPUT, UnitOutcome.ERROR, UnitOutcome.SKIPPED
# Generous: the sample takes about a second; a people's committee's 1M-dossier year, a minute.
DEFAULT_TIME_LIMIT = 1800.0
POLL_SECONDS = 1.0  # how often the round looks for units past their time limit
SCHEDULER_TIMEOUT = 10  # seconds to reach --scheduler before the round is refused (exit 2)
MESSAGE_LINES = 8  # a record stays small: the first lines of a long list of problems
# A round's own LocalCluster (where the workers are not forked), and `dask worker --preload
# cchc_audit.worker` workers (worker.py): a worker's event loop takes the GIL from the unit it runs each time
# it wakes. Its profiler samples every thread's stack every 10 ms for a dashboard this cluster
# does not have; its memory check reads /proc ten times a second (2% of a worker's time), twice a
# second is enough to pause or stop a worker running out of memory. Every Dask server (each
# worker, and the scheduler and nannies in this process) wakes 50 times a second only to time its
# own event loop (a log line when it was blocked over 3 s, a dashboard's figure): once a second
# still gives both. That was 3 % of a 20-unit round's time and CPU (4 paired runs, 2 cores).
LOCAL_WORKER_SETTINGS = {"distributed.worker.profile.enabled": False,
                         "distributed.worker.memory.monitor-interval": "500ms",
                         "distributed.admin.tick.interval": "1s"}


@dataclass(frozen=True)
class UnitFolder:
    folder: Path
    code: str  # the archive's folder name for the unit (`Unit.code`)
    name: str


@dataclass
class Outcome:
    """What a task sends back: small, plain, picklable."""

    unit: str  # code
    name: str
    folder: str
    status: str  # ok | bad_input | error | skipped
    message: str = ""
    run: str | None = None  # the archived run folder
    seconds: float = 0.0
    read_ahead: bool = False  # its registers were read while the round started (readahead.py)

    def to_json(self) -> dict:
        return asdict(self)


# --- the units ----------------------------------------------------------------------------

def discover_units(root: str | Path) -> list[UnitFolder]:
    """The sub-folders of `root` that hold at least one register file, by folder name. Hidden
    folders and folders starting with `_` are not units."""
    from .registers import find_register_files
    from .unit import Unit, load_unit_info

    units = []
    for folder in sorted(Path(root).iterdir()):
        if not folder.is_dir() or folder.name.startswith((".", "_")) or not find_register_files(folder):
            continue
        try:
            unit = load_unit_info(folder)
        except Exception:  # noqa: BLE001 - a broken don_vi.yaml: the run reports it; the folder names the unit
            unit = Unit(folder=folder.resolve().name)
        units.append(UnitFolder(folder.resolve(), unit.code, unit.name))
    return units


def district_info(root: str | Path) -> tuple[str, str]:
    """(code, name) of the district: `<root>/don_vi.yaml` if there is one, else the folder."""
    from .unit import Unit, load_unit_info

    try:
        unit = load_unit_info(root)
    except Exception:  # noqa: BLE001 - any unreadable district file: the folder names it
        unit = Unit(folder=Path(root).resolve().name)
    return unit.code, unit.name


# --- one unit, on a worker ----------------------------------------------------------------

def _short(message: str) -> str:
    lines = message.strip().splitlines()
    if len(lines) <= MESSAGE_LINES:
        return "\n".join(lines)
    more = len(lines) - MESSAGE_LINES
    return "\n".join(lines[:MESSAGE_LINES] + [f"  ... (+{more})"])


def unit_params(folder: str, period: str, out: str, lang: str, params_file: str | None = None):
    """A unit's params in a round: the round's params file (report date, waivers, calendar
    overrides...) serves every unit; the unit's own folder, the period and the archive come from
    the round."""
    from .params import resolve

    return resolve(params_file, period=period, data=folder, out=out, lang=lang)


def audit_unit(folder: str, code: str, name: str, period: str, out: str, lang: str,
               params_file: str | None = None, *, read_ahead: str | None = None) -> dict:
    """One unit's `cchc-audit run`, as a task: never raises, returns an `Outcome` as a dict. (The
    round's watchdog bounds its time: a cell running in the worker's process cannot be stopped
    from inside it.) `read_ahead`: where the round's reader may have left the unit read and
    validated (readahead.py)."""
    from .params import ParamsError

    started = time.perf_counter()
    outcome = Outcome(code, name, folder, ERROR)
    try:
        params = unit_params(folder, period, out, lang, params_file)
        path, outcome.read_ahead = _run_unit(params, read_ahead)
        outcome.status, outcome.run = OK, str(path)
    except ParamsError as exc:
        outcome.status, outcome.message = BAD_INPUT, _short(exc.message(lang))
    except BadInput as exc:
        outcome.status, outcome.message = BAD_INPUT, _short(str(exc))
    except Exception as exc:  # noqa: BLE001 - one unit's crash is its record, not the round's
        outcome.message = _short(error_text(exc, lang))
    outcome.seconds = round(time.perf_counter() - started, 3)
    return outcome.to_json()


def _run_unit(params, read_ahead: str | None) -> tuple[Path, bool]:
    """The unit's run, from what the reader left at `read_ahead` if it still stands; (the run
    folder, whether it was). A register rewritten since the reader hashed it (same size and
    time) fails the run as it is copied: then the unit is run once more, read by this worker, as
    a single run would read it (which fails on such a change as it always did)."""
    from . import pipeline, readahead
    from .errors import InputChanged

    prepared = readahead.take(read_ahead, params)
    if prepared is None:
        return pipeline.run_unit(params), False
    try:
        return pipeline.run_unit(params, prepared=prepared), True
    except InputChanged:
        return pipeline.run_unit(params), False


# --- the round ------------------------------------------------------------------------------

def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def run_round(units: list[UnitFolder], period_id: str, out: str | Path, *, lang: str = "vi",
              force: bool = False, client=None, workers: int | None = None,
              scheduler: str | None = None, progress=None, params_file: str | None = None,
              time_limit: float | None = DEFAULT_TIME_LIMIT) -> list[Outcome]:
    """Audit `units` for the period; return one Outcome per unit, in the order given.

    `client` is a `distributed.Client` to use as is (tests pass one on an in-process cluster);
    else `scheduler` names an existing scheduler, else `workers` processes of the round's own (one
    per core by default: forked, localpool.py, or a LocalCluster's) run it. `progress(done, total,
    outcome)` is called as units finish. A unit still running `time_limit` seconds after it started
    is reported as failed and its worker killed or restarted (localpool.py, `_gather`); None: no
    limit."""
    from . import archive

    out = Path(out).absolute()
    outcomes: dict[str, Outcome] = {}
    todo: list[UnitFolder] = []
    seen: dict[str, Path] = {}
    for unit in units:
        if unit.code in seen:  # two folders, one unit code: one archive folder for both
            outcomes[str(unit.folder)] = Outcome(
                unit.code, unit.name, str(unit.folder), BAD_INPUT,
                text("batch.duplicate_code", lang, code=unit.code, folder=seen[unit.code]))
            continue
        seen[unit.code] = unit.folder
        previous = None if force else archive.latest_run(out, unit.code, period_id)
        if previous is not None:
            outcomes[str(unit.folder)] = Outcome(unit.code, unit.name, str(unit.folder), SKIPPED,
                                                 run=str(previous))
        else:
            todo.append(unit)
    done = len(outcomes)
    total = len(units)
    if progress:
        for outcome in outcomes.values():
            progress(done, total, outcome)
    if todo:
        from . import localpool
        from .readahead import read_ahead

        # The round's own workers: its units are read while they start (readahead.py).
        def params_of(unit):
            return unit_params(str(unit.folder), period_id, str(out), lang, params_file)

        own = client is None and not scheduler and localpool.available()
        with read_ahead(todo, params_of, out, wanted=own) as reader:
            if own:
                finished = _run_forked(todo, reader, period_id, out, lang, params_file, workers, time_limit)
            else:
                finished = _run_on_dask(todo, client, scheduler, workers, period_id, out, lang, params_file,
                                        time_limit)
            with closing(finished):  # its workers stopped even if `progress` raises
                for unit, outcome in finished:
                    outcomes[str(unit.folder)] = outcome
                    done += 1
                    if progress:
                        progress(done, total, outcome)
    return [outcomes[str(u.folder)] for u in units]


def _task(unit: UnitFolder, period_id: str, out: Path, lang: str, params_file: str | None,
          read_ahead: str | None) -> tuple[tuple, dict]:
    """`audit_unit`'s arguments for `unit`; `read_ahead` by keyword, and only when there is a
    reader: a task as callers without one submit it."""
    return ((str(unit.folder), unit.code, unit.name, period_id, str(out), lang, params_file),
            {"read_ahead": read_ahead} if read_ahead else {})


def _run_forked(todo: list[UnitFolder], reader, period_id: str, out: Path, lang: str,
                params_file: str | None, workers: int | None, time_limit: float | None):
    """Yield (unit, Outcome) as the round's own forked workers finish them (localpool.py)."""
    from .localpool import Lost, Pool

    preload(period_id, lang)  # before the workers fork: they start with it all
    tasks = [_task(unit, period_id, out, lang, params_file, reader.path(i) if reader is not None else None)
             for i, unit in enumerate(todo)]
    with Pool(min(workers or default_workers(), len(todo))) as pool:
        if reader is not None:
            reader.halt()  # the workers are up
        for index, result in pool.run(audit_unit, tasks, time_limit):
            unit = todo[index]
            if isinstance(result, dict):
                yield unit, Outcome(**result)
                continue
            if isinstance(result, Lost) and result.reason == "timed_out":
                message = text("batch.timed_out", lang, seconds=f"{time_limit:g}")
            elif isinstance(result, Lost):
                message = text("batch.worker_lost", lang, times=result.attempts)
            else:  # Raised: what escaped audit_unit
                message = _short(result.message)
            yield unit, Outcome(unit.code, unit.name, str(unit.folder), ERROR, message)


def _run_on_dask(todo: list[UnitFolder], client, scheduler: str | None, workers: int | None, period_id: str,
                 out: Path, lang: str, params_file: str | None, time_limit: float | None):
    """Yield (unit, Outcome) as Dask's workers finish them: the given client's, `scheduler`'s, or
    a LocalCluster's where this platform does not fork (`_client`)."""
    from . import archive

    with _client(client, scheduler, workers) as dask_client:
        submitted = {}
        for unit in todo:
            args, kwargs = _task(unit, period_id, out, lang, params_file, None)
            future = dask_client.submit(audit_unit, *args, **kwargs, pure=False,
                                        key=f"cchc-audit-{archive.safe_component(unit.code)}-"
                                            f"{os.urandom(4).hex()}")
            submitted[future.key] = (future, unit)
        yield from _gather(dask_client, submitted, time_limit, lang)


def _gather(client, submitted: dict, time_limit: float | None, lang: str):
    """Yield (unit, Outcome) as units finish. A unit is timed from the moment a worker runs it,
    not from submission: units queued on a worker wait their turn. One that runs
    past `time_limit` is given up: its future is cancelled and its worker restarted (when a nanny
    runs it), since a cancelled Dask task goes on running and would hold the worker's thread; any
    other unit running on that worker is then re-run elsewhere by Dask. A unit stopped midway
    leaves only a hidden `.tmp-*` folder, never a revision (archive.new_run)."""
    from distributed import wait

    pending = dict(submitted)
    started: dict[str, float] = {}
    while pending:
        try:
            finished = wait([f for f, _ in pending.values()], timeout=POLL_SECONDS,
                            return_when="FIRST_COMPLETED").done
        except TimeoutError:
            finished = set()
        for future in finished:
            unit = pending.pop(future.key)[1]
            try:
                outcome = Outcome(**future.result())
            except Exception as exc:  # noqa: BLE001 - the worker itself died (KilledWorker...)
                message = (text("batch.worker_died", lang) if type(exc).__name__ == "KilledWorker"
                           else f"{type(exc).__name__}: {exc}")
                outcome = Outcome(unit.code, unit.name, str(unit.folder), ERROR, message)
            yield unit, outcome
        if not time_limit or not pending:
            continue
        now = time.monotonic()
        running = _executing(client)
        for key in list(started):  # finished, or re-run elsewhere after a worker loss: clock anew
            if key not in running:
                del started[key]
        for key, worker in running.items():
            if key not in pending or now - started.setdefault(key, now) <= time_limit:
                continue
            future, unit = pending.pop(key)
            future.cancel()
            _restart_worker(client, worker)
            yield unit, Outcome(unit.code, unit.name, str(unit.folder), ERROR,
                                text("batch.timed_out", lang, seconds=f"{time_limit:g}"))


def _executing(client) -> dict[str, str]:
    """Task key -> worker address, for the tasks a worker is running now. The scheduler's own view
    (`processing`) also lists the tasks queued behind them, which must not be timed yet."""
    def running(dask_worker):
        return [str(ts.key) for ts in dask_worker.state.executing]

    found = {}
    for worker, keys in (client.run(running, on_error="return") or {}).items():
        if isinstance(keys, list):  # a worker gone meanwhile answers with its error
            found.update((key, worker) for key in keys)
    return found


def _restart_worker(client, worker: str) -> None:
    """Free a worker held by a unit that ran out of time; a worker without a nanny (or an
    in-process one) cannot be restarted and keeps the thread until the unit ends by itself."""
    try:
        client.restart_workers([worker], timeout=60, raise_for_error=True)
    except Exception:  # noqa: BLE001 - best effort: the unit is already reported
        logging.getLogger(__name__).warning("could not restart worker %s", worker)


@contextmanager
def _client(client, scheduler: str | None, workers: int | None):
    """The given client; or one on `scheduler`; or a LocalCluster for this round, closed after
    (where the round's workers are not forked, localpool.available: they are spawned, Dask's way)."""
    if client is not None:
        yield client
        return
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            remote = Client(scheduler, timeout=SCHEDULER_TIMEOUT)
        except (OSError, ValueError, TypeError) as exc:  # refused, timed out, not an address
            raise SchedulerUnreachable(scheduler, exc) from None
        with remote:
            yield remote
        return
    import dask

    with dask.config.set(_local_worker_settings()), \
            LocalCluster(n_workers=workers or default_workers(), threads_per_worker=1, processes=True,
                         dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as local:
        yield local


def _local_worker_settings() -> dict:
    """LOCAL_WORKER_SETTINGS, but for a setting the user gave a value of their own (other than
    Dask's default): theirs stands."""
    import dask

    defaults = dask.config.merge(*dask.config.defaults)
    return {key: value for key, value in LOCAL_WORKER_SETTINGS.items()
            if dask.config.get(key) == dask.config.get(key, config=defaults)}


def preload(period_id: str = "", lang: str = "vi") -> None:
    """Import what a unit's run imports, and pay what a process pays once (compiled fragments,
    chart fonts and renderers, the working-day calendars a unit of the period's year asks for), in
    this process: a round's forked workers (localpool.py) inherit it all, so their first unit costs
    what the others do; a `dask worker --preload cchc_audit.worker` calls it as it starts."""
    from . import export, inprocess, pipeline  # noqa: F401 - imported for the workers

    export.skip_unused_imports()
    import matplotlib.backends.backend_agg  # noqa: F401
    import matplotlib.figure  # noqa: F401
    import matplotlib.pyplot  # noqa: F401 - imported anyway: see below
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401
    import python_calamine  # noqa: F401

    from . import audit, execute, report, validate  # noqa: F401
    from .registers import load_unit  # noqa: F401

    # (The in-process engine saves matplotlib's settings around each notebook: reading them
    # resolves the automatic backend, which imports pyplot.)
    inprocess.shell()
    export.warm_exporter()  # kept for the process: the workers' task threads borrow it
    year = int(period_id[:4]) if period_id[:4].isdigit() else None
    # WorkingCalendar.covering asks for a year before the registers' first date to two after
    # their last: registers of the period's year, and of the year before or after it.
    spans = [(year + a, year + b) for a in (-2, -1) for b in (2, 3)] if year else []
    report.warm((lang,), calendar_spans=spans)
    import gc

    # What is here now is the workers' for good: their collector need not scan it. Frozen as it
    # is, as Python's documentation of gc.freeze advises before a fork: a full collection first
    # would free a few thousand objects for 0.1 s on one core while the other waits.
    gc.freeze()


# --- the command ----------------------------------------------------------------------------

class ProgressBar:
    """tqdm's bar on stderr (counts, rate, time left), with one line kept above it per finished
    unit; nothing at all when stderr is not a terminal (logs get the summary at the end)."""

    def __init__(self, lang: str, stream=None):
        self.lang, self.stream = lang, stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.bar = None

    def __call__(self, done: int, total: int, outcome: Outcome) -> None:
        if not self.tty:
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=total, file=self.stream, dynamic_ncols=True, smoothing=0.1,
                            desc=text("batch.bar_units", self.lang), unit=text("batch.bar_unit", self.lang))
        label = outcome_label(outcome.status, self.lang)
        self.bar.write(f"{outcome.unit} ({outcome.name}): {label}", file=self.stream)
        self.bar.update(done - self.bar.n)
        if done >= total:
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def exit_status(outcomes: list[Outcome]) -> int:
    return outcomes_exit_code(o.status for o in outcomes)


def summary(outcomes: list[Outcome], lang: str) -> str:
    counts = {s: sum(o.status == s for o in outcomes) for s in UnitOutcome}
    head = text("batch.summary", lang) + ", ".join(
        f"{counts[s]} {outcome_label(s, lang)}" for s in (OK, SKIPPED, BAD_INPUT, ERROR))
    lines = [head]
    for o in outcomes:
        where = o.run or o.folder
        name = f" ({o.name})" if o.name else ""  # no ten_don_vi: the code alone
        lines.append(f"  - {o.unit}{name}: {outcome_label(o.status, lang)} — {where}")
        lines += [f"      {line}" for line in o.message.splitlines()]
    return "\n".join(lines)


def period_outside_every_plan(units: list[UnitFolder], round_params, period) -> list:
    """The issues (`params.Issue`) when the period lies outside the year of every unit's plan that
    can be read; [] when one unit at least can audit it (the others then report it themselves)."""
    from dataclasses import replace

    from .plan import PlanError, load_plan

    issues = []
    for unit in units:
        try:
            plan = load_plan(replace(round_params, data=unit.folder).plan_path)
        except (PlanError, OSError):
            continue  # the unit's own run says what is wrong with its plan
        found = round_params.period_issues(period, plan)
        if not found:
            return []
        issues = issues or found
    return issues
