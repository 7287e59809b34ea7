"""A round's units read ahead while its workers start (`cchc-audit batch` on its own workers).

Before the round's first unit can run, its process imports and warms up what a unit needs
(`batch.preload`: about two seconds on one core) and only then forks the workers; the machine's
other cores idle meanwhile. So, just before that, a child process is forked that reads and validates
the units in the order they are submitted, exactly as each unit's run does (`pipeline.prepare`), and
leaves each result in the round's temporary folder. A worker that finds its unit's result there
takes it instead of reading the registers again. The reader stops once the workers are up: from
then on it would only take a core from them. It runs only where the round's process may use more
than one CPU, and at a lower priority (nice 10): on one core it would only delay the workers.

A result is taken only while it still stands for the unit: the worker's params are the reader's,
every entry of the data folder and the plan file still has the size and modification time it had
before the reader looked at them, and the small files (don_vi.yaml, the plan, the text it cites,
the params file) the same sha256, an edit within one tick of the clock at the same size included;
else the worker reads the unit itself, as it always did. A register rewritten that way is caught
as the run copies it into the revision (`pipeline.snapshot` hashes it against the validated file:
`errors.InputChanged`); a worker that took the unit read ahead then runs it once more, reading it
itself (`batch.audit_unit`). A unit that cannot be read is left to its worker, which reports it as a
single run would; so is a unit whose registers exceed READ_AHEAD_BYTES (its frames would go through
the disk for little gain). The reader stops for good once the round's units read reach
READ_AHEAD_TOTAL, when a result would leave less than twice its size free on the disk, or when
writing one fails. Set CCHC_AUDIT_READ_AHEAD=0 to switch it off (the benchmarks compare both).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import sys
import tempfile
from pathlib import Path

READ_AHEAD_BYTES = 8 << 20  # a unit's register files, in all, beyond which its worker reads it
READ_AHEAD_TOTAL = 256 << 20  # the round's register bytes read ahead (ZIPPED weighed), then it stops
ZIPPED = (".xlsx", ".xlsm", ".ods")  # compressed workbooks: their frames weigh several times the file
ZIPPED_WEIGHT = 4
FREE_MARGIN = 2  # a result is written only if it leaves this many times its size free on the disk
SWITCH = "CCHC_AUDIT_READ_AHEAD"


def enabled() -> bool:
    """Forked, so Linux only (as the workers, localpool.available), unless switched off; and only
    where this process's CPU affinity allows more than one CPU, or the reader takes its time from
    the workers (a cgroup's CPU quota is not looked at: the reader's nice 10 then keeps it behind)."""
    return (sys.platform.startswith("linux") and os.environ.get(SWITCH, "1") != "0"
            and len(os.sched_getaffinity(0)) > 1)


def inputs_state(params, cited: Path | str | None = None) -> tuple:
    """What the reading of a unit depends on: each entry of its data folder and its plan file, by
    name, kind, size and modification time (None for what cannot be looked at); the sha256 of its
    small files (don_vi.yaml, the plan, the params file), which an editor may rewrite at the same
    size within one tick of the clock; last, that of `cited`, the text the plan cites once the plan
    is read. The registers are hashed as the run copies them (pipeline.snapshot)."""
    def entry(path: Path) -> tuple:
        try:
            st = path.stat()
        except OSError:
            return (str(path), None)
        return (str(path), st.st_mode >> 12, st.st_size, st.st_mtime_ns)

    data = Path(params.data)
    try:
        names = sorted(os.listdir(data))
    except OSError:
        names = None
    listed = tuple(entry(data / name) for name in names) if names is not None else None
    small = [data / "don_vi.yaml", Path(params.plan_path)] + ([Path(params.source)] if params.source else [])
    return (listed, entry(Path(params.plan_path)), tuple(_digest(path) for path in small),
            _digest(Path(cited)) if cited is not None else None)


def _digest(path: Path) -> tuple:
    """(path, sha256) of a small regular file, read bounded and without blocking (safeio); (path,
    None) when it cannot be read."""
    import hashlib

    from . import safeio

    try:
        return (str(path), hashlib.sha256(safeio.read_bytes(path, "text")).hexdigest())
    except (OSError, ValueError):  # absent, special, too large: its worker's reading says so
        return (str(path), None)


class ReadAhead:
    """The reader of one round: `path(i)` is where unit i's result will be, `halt()` stops the
    reader after the unit it is on, `close()` stops it and removes everything it left. Its
    output goes nowhere (`_read_units`)."""

    def __init__(self, units: list, unit_params, out):
        import multiprocessing

        from .archive import TMP_PREFIX

        # In the archive, as a run's own temporary folder: the registers' frames stay where the
        # archive keeps their copies, and what a killed round leaves is swept (archive.clean_stale).
        Path(out).mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=TMP_PREFIX + "read-ahead-", dir=out))
        context = multiprocessing.get_context("fork")
        self._stop = context.Event()
        self._process = context.Process(target=_quietly, name="cchc-audit-read-ahead", daemon=True,
                                        args=(units, unit_params, self.folder, self._stop, os.getpid()))
        try:
            self._process.start()
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise

    def path(self, index: int) -> str:
        return str(self.folder / f"{index}.pickle")

    def halt(self) -> None:
        self._stop.set()

    def close(self) -> None:
        """The round is over: what the reader may still be reading serves nobody."""
        try:
            self._process.kill()
            self._process.join()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


@contextlib.contextmanager
def read_ahead(units: list, unit_params, out, wanted: bool = True):
    """A ReadAhead for `units` while the block runs (None when not `wanted` or not `enabled()`, or
    when it cannot start: the workers then read every unit). `unit_params(unit)` gives the params
    a unit's worker will resolve for it; `out` is the round's archive."""
    if not (wanted and units and enabled()):
        yield None
        return
    try:
        reader = ReadAhead(units, unit_params, out)
    except OSError:  # no process or folder to spare: nothing is lost but the head start
        yield None
        return
    try:
        yield reader
    finally:
        reader.close()


def _quietly(units, unit_params, folder, stop, parent: int) -> None:
    """The reader process. Ctrl-C is the round's to handle (it closes the reader); the reader dies
    with the round's process, even a killed one, and never outlives it reading."""
    from .localpool import child_of

    if not child_of(parent):
        return
    with contextlib.suppress(OSError):  # behind the workers for every core they want
        os.nice(10)
    with open(os.devnull, "w") as nowhere, contextlib.redirect_stdout(nowhere), contextlib.redirect_stderr(nowhere):
        _read_units(units, unit_params, folder, stop)


def _read_units(units, unit_params, folder: Path, stop) -> None:
    """The reader process: each unit in turn, until told to stop or out of its budget (the
    module's docstring). It says nothing: whatever a unit's reading has to say (a warning, a
    problem), its worker says again."""
    import warnings

    from .pipeline import prepare

    warnings.simplefilter("ignore")
    spent = 0
    for index, unit in enumerate(units):
        if stop.is_set():
            return
        try:
            params = unit_params(unit)
            size, weight = _register_bytes(Path(params.data))
            if size > READ_AHEAD_BYTES:
                continue
            spent += weight
            if spent > READ_AHEAD_TOTAL:  # the workers read the rest
                return
            before = inputs_state(params)
            prepared = prepare(params, params.lang)
            # The text the plan cites is known once the plan is read, which only checks it is there.
            state = inputs_state(params, prepared[2].source_text)
            if state[:-1] != before[:-1]:  # changed while it was read: the worker reads it anew
                continue
            blob = pickle.dumps((params, state, prepared), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - bad input or any failure: the unit's worker reports it
            continue
        if not _write(folder / f"{index}.pickle", blob):
            return


def _write(target: Path, blob: bytes) -> bool:
    """`blob` at `target`, whole or not at all; False when the disk has no room for it to spare
    (the reader then stops: the workers read the rest)."""
    partial = target.with_suffix(".partial")
    try:
        if shutil.disk_usage(target.parent).free - len(blob) < FREE_MARGIN * len(blob):
            return False  # what the round's runs are about to write wants that room more
        partial.write_bytes(blob)
        os.replace(partial, target)  # whole or absent, for a worker looking at the same moment
    except OSError:  # the temporary folder is full
        with contextlib.suppress(OSError):
            partial.unlink()
        return False
    return True


def _register_bytes(data: Path) -> tuple[int, int]:
    """A unit's register files: their bytes, and those with compressed workbooks weighed ZIPPED_WEIGHT."""
    from .registers import find_register_files

    size = weight = 0
    for paths in find_register_files(data).values():
        for path in paths:
            with contextlib.suppress(OSError):
                length = path.stat().st_size
                size += length
                weight += length * (ZIPPED_WEIGHT if path.suffix.lower() in ZIPPED else 1)
    return size, weight


def take(path: str | None, params):
    """The (period, unit data, plan) read ahead for this unit at `path`, if it is there and still
    stands for `params` (see the module's docstring); else None. Taken once: the file is removed."""
    if not path:
        return None
    try:
        with open(path, "rb") as handle:
            blob = handle.read()
    except OSError:
        return None
    with contextlib.suppress(OSError):
        os.unlink(path)
    try:
        read_params, state, prepared = pickle.loads(blob)
        cited = prepared[2].source_text
    except Exception:  # noqa: BLE001 - not what the reader writes: read the unit instead
        return None
    if read_params != params or inputs_state(params, cited) != state:
        return None
    return prepared
