"""`cchc-audit batch`: one period of every unit under a folder, fanned out on Dask, then the
district roll-up.

Every sub-folder of `--data-root` that holds registers is a unit (its `don_vi.yaml` names it, its
`ke_hoach.yaml` is its plan). Each unit is one Dask task that runs exactly what `cchc-audit run`
runs (`cli.run_unit`: validate, execute the notebook, export, archive) and returns a small record;
a unit's bad data or crash is recorded and the others go on. Without `--scheduler` the work runs
on a `LocalCluster` of one single-threaded process per core; with it, on that cluster's workers
(which need this package installed and the same paths to the data and the archive).

Each worker keeps warm Jupyter kernels (`kernel.KernelPool`, a Dask worker plugin) and reuses them
unit after unit, each reset to a fresh kernel's state first; and it keeps papermill, nbconvert and
the compiled report templates loaded. That is what makes a round cheaper than single runs.

A unit already archived for the period is skipped (its latest run goes into the roll-up) unless
`--force`. Exit status: 0 every unit archived (or skipped), 2 some had bad input and none
crashed, 1 some crashed.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from .cli import _t
from .messages import pick

OK, BAD_INPUT, ERROR, SKIPPED = "ok", "bad_input", "error", "skipped"
STATUS_LABELS = {OK: ("đã lưu", "archived"), SKIPPED: ("bỏ qua (đã lưu trước)", "skipped (archived before)"),
                 BAD_INPUT: ("dữ liệu sai", "bad input"), ERROR: ("lỗi", "crashed")}
PLUGIN = "cchc-audit-kernels"
MESSAGE_LINES = 8  # a record stays small: the first lines of a long list of problems
SCHEDULER_TIMEOUT = 10  # seconds to reach --scheduler before the round is refused (exit 2)


class SchedulerUnreachable(Exception):
    """`--scheduler` names no scheduler that answers: a bad parameter, nothing is run or written."""

    def __init__(self, address: str, reason: Exception):
        super().__init__(address, reason)
        self.address, self.reason = address, reason

    def message(self, lang: str) -> str:
        return _t(lang, f"Không kết nối được scheduler Dask --scheduler {self.address} ({self.reason}); "
                        "chưa kiểm tra đơn vị nào.",
                  f"Cannot reach the Dask scheduler --scheduler {self.address} ({self.reason}); no unit was audited.")


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
        except Exception:  # a broken don_vi.yaml: the run reports it; the folder names the unit
            unit = Unit(folder=folder.resolve().name)
        units.append(UnitFolder(folder.resolve(), unit.code, unit.name))
    return units


def district_info(root: str | Path) -> tuple[str, str]:
    """(code, name) of the district: `<root>/don_vi.yaml` if there is one, else the folder."""
    from .unit import Unit, load_unit_info

    try:
        unit = load_unit_info(root)
    except Exception:
        unit = Unit(folder=Path(root).resolve().name)
    return unit.code, unit.name


# --- one unit, on a worker ----------------------------------------------------------------

def _plugin_class():
    from distributed.diagnostics.plugin import WorkerPlugin

    class KernelPlugin(WorkerPlugin):
        """Warm kernels for the worker's tasks: the first starts booting with the worker."""

        name = PLUGIN

        def setup(self, worker):
            from .kernel import KernelPool

            self.pool = KernelPool(size_hint=1)

        def teardown(self, worker):
            self.pool.shutdown()

    return KernelPlugin


def _kernel_pool():
    """The worker's pool of warm kernels (a pool of this process when not on a Dask worker)."""
    global _LOCAL_POOL
    try:
        from distributed import get_worker

        plugin = get_worker().plugins.get(PLUGIN)
        if plugin is not None:
            return plugin.pool
    except (ImportError, ValueError):  # not running on a Dask worker
        pass
    if _LOCAL_POOL is None:
        import atexit

        from .kernel import KernelPool

        _LOCAL_POOL = KernelPool(size_hint=0)
        atexit.register(_LOCAL_POOL.shutdown)
    return _LOCAL_POOL


_LOCAL_POOL = None


def _short(message: str) -> str:
    lines = message.strip().splitlines()
    if len(lines) <= MESSAGE_LINES:
        return "\n".join(lines)
    more = len(lines) - MESSAGE_LINES
    return "\n".join(lines[:MESSAGE_LINES] + [f"  ... (+{more})"])


def audit_unit(folder: str, code: str, name: str, period: str, out: str, lang: str,
               params_file: str | None = None) -> dict:
    """One unit's `cchc-audit run`, as a task: never raises, returns an `Outcome` as a dict."""
    from . import cli
    from .params import ParamsError, resolve

    started = time.perf_counter()
    outcome = Outcome(code, name, folder, ERROR)
    try:
        # The round's params file (report date, waivers, calendar overrides...) serves every unit;
        # the unit's own folder, the period and the archive come from the round.
        params = resolve(params_file, period=period, data=folder, out=out, lang=lang)
        pool = _kernel_pool()
        kernel = pool.acquire()
        try:
            path = cli.run_unit(params, kernel=kernel)
        finally:
            pool.release(kernel)
        outcome.status, outcome.run = OK, str(path)
    except ParamsError as exc:
        outcome.status, outcome.message = BAD_INPUT, _short(exc.message(lang))
    except cli.BadInput as exc:
        outcome.status, outcome.message = BAD_INPUT, _short(str(exc))
    except Exception as exc:  # noqa: BLE001 - one unit's crash is its record, not the round's
        outcome.message = _short(cli.error_text(exc, lang))
    outcome.seconds = round(time.perf_counter() - started, 3)
    return outcome.to_json()


# --- the round ------------------------------------------------------------------------------

def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def run_round(units: list[UnitFolder], period_id: str, out: str | Path, *, lang: str = "vi",
              force: bool = False, client=None, workers: int | None = None,
              scheduler: str | None = None, progress=None, params_file: str | None = None) -> list[Outcome]:
    """Audit `units` for the period; return one Outcome per unit, in the order given.

    `client` is a `distributed.Client` to use as is (tests pass one on an in-process cluster);
    else `scheduler` names an existing scheduler, else a LocalCluster of `workers` processes (one
    per core by default) runs for this round. `progress(done, total, outcome)` is called as units
    finish."""
    from . import archive

    out = Path(out).absolute()
    outcomes: dict[str, Outcome] = {}
    todo: list[UnitFolder] = []
    seen: dict[str, Path] = {}
    for unit in units:
        if unit.code in seen:  # two folders, one unit code: one archive folder for both
            outcomes[str(unit.folder)] = Outcome(
                unit.code, unit.name, str(unit.folder), BAD_INPUT,
                _t(lang, f"mã đơn vị {unit.code} trùng với thư mục {seen[unit.code]}",
                   f"unit code {unit.code} is also the code of {seen[unit.code]}"))
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
        with _client(client, scheduler, workers) as dask_client:
            from distributed import as_completed

            submitted, by_key = [], {}
            for unit in todo:
                future = dask_client.submit(audit_unit, str(unit.folder), unit.code, unit.name,
                                            period_id, str(out), lang, params_file, pure=False,
                                            key=f"cchc-audit-{archive.safe_component(unit.code)}-"
                                                f"{os.urandom(4).hex()}")
                submitted.append(future)
                by_key[future.key] = unit
            for future in as_completed(submitted):
                unit = by_key[future.key]
                try:
                    outcome = Outcome(**future.result())
                except Exception as exc:  # noqa: BLE001 - the worker itself died (KilledWorker...)
                    outcome = Outcome(unit.code, unit.name, str(unit.folder), ERROR,
                                      f"{type(exc).__name__}: {exc}")
                outcomes[str(unit.folder)] = outcome
                done += 1
                if progress:
                    progress(done, total, outcome)
    return [outcomes[str(u.folder)] for u in units]


@contextmanager
def _client(client, scheduler: str | None, workers: int | None):
    """The given client; or one on `scheduler`; or a LocalCluster for this round, closed after."""
    if client is not None:
        client.register_plugin(_plugin_class()(), name=PLUGIN)
        yield client
        return
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            remote = Client(scheduler, timeout=SCHEDULER_TIMEOUT)
        except (OSError, ValueError, TypeError) as exc:  # refused, timed out, not an address
            raise SchedulerUnreachable(scheduler, exc) from None
        with remote:
            remote.register_plugin(_plugin_class()(), name=PLUGIN)
            yield remote
        return
    with LocalCluster(n_workers=workers or default_workers(), threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as local:
        local.register_plugin(_plugin_class()(), name=PLUGIN)
        yield local


# --- the command ----------------------------------------------------------------------------

class ProgressBar:
    """A text bar on stderr, redrawn in place on a terminal; one line per unit otherwise (logs)."""

    def __init__(self, lang: str, stream=None, width: int = 30):
        self.lang, self.stream, self.width = lang, stream or sys.stderr, width
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def __call__(self, done: int, total: int, outcome: Outcome) -> None:
        filled = self.width * done // max(total, 1)
        bar = f"[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total}"
        label = pick(STATUS_LABELS[outcome.status], self.lang)
        if self.tty:
            self.stream.write(f"\r{bar} {outcome.unit}: {label}\033[K")
            if done == total:
                self.stream.write("\n")
        else:
            self.stream.write(f"{bar} {outcome.unit}: {label}\n")
        self.stream.flush()


def exit_status(outcomes: list[Outcome]) -> int:
    statuses = {o.status for o in outcomes}
    if ERROR in statuses:
        return 1
    return 2 if BAD_INPUT in statuses else 0


def summary(outcomes: list[Outcome], lang: str) -> str:
    counts = {s: sum(o.status == s for o in outcomes) for s in STATUS_LABELS}
    head = _t(lang, "Tổng hợp: ", "Summary: ") + ", ".join(
        f"{counts[s]} {pick(STATUS_LABELS[s], lang)}" for s in (OK, SKIPPED, BAD_INPUT, ERROR))
    lines = [head]
    for o in outcomes:
        where = o.run or o.folder
        lines.append(f"  - {o.unit} ({o.name}): {pick(STATUS_LABELS[o.status], lang)} — {where}")
        lines += [f"      {line}" for line in o.message.splitlines()]
    return "\n".join(lines)


def cmd_batch(args) -> int:
    from . import cli, rollup
    from .params import ParamsError, resolve

    lang = args.lang
    root = Path(args.data_root)
    params_file = str(Path(args.params).resolve()) if args.params else None
    try:  # the period and the params file once, before any worker starts
        period = resolve(params_file, period=args.period, lang=lang).period_range()
    except ParamsError as exc:
        print(exc.message(lang), file=sys.stderr)
        return 2
    if args.workers is not None and args.workers < 1:
        print(_t(lang, "--workers phải từ 1 trở lên", "--workers must be 1 or more"), file=sys.stderr)
        return 2
    if not root.is_dir():
        print(_t(lang, f"Không tìm thấy thư mục dữ liệu: {root}", f"Data folder not found: {root}"),
              file=sys.stderr)
        return 2
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        print(_t(lang, f"--out không phải là thư mục: {out}", f"--out is not a folder: {out}"),
              file=sys.stderr)
        return 2
    units = discover_units(root)
    if not units:
        print(_t(lang, f"Không có đơn vị nào trong {root} (mỗi đơn vị là một thư mục con có sổ, "
                       "ví dụ <đơn vị>/ho_so.xlsx).",
                 f"No unit under {root} (each unit is a sub-folder with registers, e.g. "
                 "<unit>/ho_so.xlsx)."), file=sys.stderr)
        return 2
    print(_t(lang, f"Kỳ {period.id}: {len(units)} đơn vị.", f"Period {period.id}: {len(units)} units."),
          file=sys.stderr)
    try:
        outcomes = run_round(units, period.id, out, lang=lang, force=args.force, workers=args.workers,
                             params_file=params_file,
                             scheduler=args.scheduler, progress=ProgressBar(lang))
    except SchedulerUnreachable as exc:
        print(exc.message(lang), file=sys.stderr)
        return 2
    code, name = district_info(root)
    path = rollup.write_rollup(out, code, name, period, outcomes, lang=lang)
    print(summary(outcomes, lang))
    print(_t(lang, "Báo cáo tổng hợp: ", "Roll-up: ") + str(path / rollup.HTML))
    status = exit_status(outcomes)
    front = cli.front_page(out, lang)  # the archive's index.html, as after a single run
    return status or front
