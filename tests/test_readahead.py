"""A round's units read ahead while its workers start (readahead.py): a unit's worker takes what
the reader left only while it still stands for the unit, the run it makes of it is the run it would
have made reading the registers itself, and the reader (a forked process) stops, is waited for and
leaves nothing behind."""

import errno
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest
from test_batch import PERIOD, _comparable, make_unit

from cchc_audit import archive, batch, pipeline, readahead
from cchc_audit.errors import InputChanged

# The reader runs only where the round may use two CPUs (readahead.enabled).
two_cpus = pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="one CPU: no read-ahead")


@pytest.fixture(scope="module")
def units(tmp_path_factory):
    root = tmp_path_factory.mktemp("read-ahead")
    good = make_unit(root / "truong-a", "MNA", "Trường Mầm non A", 21)
    other = make_unit(root / "truong-b", "MNB", "Trường Mầm non B", 22)
    broken = make_unit(root / "truong-c", "MNC", "Trường Mầm non C", 23)
    (broken / "ho_so.csv").write_text("not;a;register\n", encoding="utf-8")
    return good, other, broken


def params_of(folder, out, lang="en"):
    return batch.unit_params(str(folder), PERIOD, str(out), lang)


def read(units_, out, folder: Path) -> list[str]:
    """The reader's work done in this process (no fork): unit i -> folder/i.pickle."""
    folder.mkdir(exist_ok=True)
    readahead._read_units(list(units_), lambda u: params_of(u, out), folder, threading.Event())
    return sorted(p.name for p in folder.iterdir())


def assert_same_data(taken, fresh):
    (period_a, data_a, plan_a), (period_b, data_b, plan_b) = taken, fresh
    assert period_a == period_b and plan_a == plan_b
    for name in ("data_dir", "unit", "inputs", "problems", "headers", "letters", "notices"):
        assert getattr(data_a, name) == getattr(data_b, name), name
    assert set(data_a.registers) == set(data_b.registers)
    for name in data_a.registers:
        pd.testing.assert_frame_equal(data_a.registers[name], data_b.registers[name])


def test_a_unit_read_ahead_is_what_its_worker_would_read(units, tmp_path):
    good, _, broken = units
    names = read([good, broken], tmp_path / "out", tmp_path / "ahead")
    assert names == ["0.pickle"]  # the broken unit is left to its worker, which reports it
    params = params_of(good, tmp_path / "out")
    path = str(tmp_path / "ahead" / "0.pickle")
    taken = readahead.take(path, params)
    assert taken is not None
    assert_same_data(taken, pipeline.prepare(params, "en"))
    assert not os.path.exists(path)  # taken once
    assert readahead.take(path, params) is None
    assert readahead.take(None, params) is None


@pytest.mark.parametrize("change", ["register", "new_file", "plan", "params"])
def test_a_unit_changed_since_it_was_read_is_read_again(units, tmp_path, change):
    good = tmp_path / "truong-a"
    shutil.copytree(units[0], good)
    read([good], tmp_path / "out", tmp_path / "ahead")
    params = params_of(good, tmp_path / "out")
    if change == "register":  # same size, one second later: what a save in place looks like
        register = good / "ho_so.csv"
        stat = register.stat()
        os.utime(register, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    elif change == "new_file":
        (good / "khao_sat (1).csv").write_text("x", encoding="utf-8")
    elif change == "plan":
        plan = good / "ke_hoach.yaml"
        plan.write_text(plan.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    else:
        params = params_of(good, tmp_path / "out", lang="vi")
    assert readahead.take(str(tmp_path / "ahead" / "0.pickle"), params) is None


def test_what_the_reader_did_not_write_is_not_taken(tmp_path, units):
    params = params_of(units[0], tmp_path / "out")
    junk = tmp_path / "junk.pickle"
    junk.write_bytes(b"not a pickle")
    assert readahead.take(str(junk), params) is None
    assert readahead.take(str(tmp_path / "absent.pickle"), params) is None


def test_a_worker_taking_a_unit_read_ahead_archives_the_same_run(units, tmp_path):
    good = units[0]
    read([good], tmp_path / "out", tmp_path / "ahead")
    args = (str(good), "mna", "Trường Mầm non A", PERIOD)
    taken = batch.audit_unit(*args, str(tmp_path / "out"), "en", read_ahead=str(tmp_path / "ahead" / "0.pickle"))
    itself = batch.audit_unit(*args, str(tmp_path / "again"), "en")
    assert taken["status"] == itself["status"] == "ok", (taken, itself)
    assert taken["read_ahead"] and not itself["read_ahead"]
    assert archive.verify(Path(taken["run"])).ok
    assert _comparable(Path(taken["run"])) == _comparable(Path(itself["run"]))


READER = r"""
import json, sys, threading, time
from pathlib import Path
from cchc_audit import batch, readahead

units = [Path(p) for p in sys.argv[2:]]
out = sys.argv[1]
params_of = lambda u: batch.unit_params(str(u), "2024-Q1", out, "en")
report = {}
with readahead.read_ahead(units, params_of, out) as reader:
    folder = reader.folder
    reader._process.join(120)  # let it finish every unit
    report["written"] = sorted(p.name for p in folder.iterdir())
    report["taken"] = [readahead.take(reader.path(i), params_of(u)) is not None for i, u in enumerate(units)]
report["left"] = folder.exists()

# Halted while on its first unit: it stops after it.
with readahead.read_ahead(units, lambda u: (time.sleep(1), params_of(u))[1], out) as reader:
    reader.halt()
    reader._process.join(120)
    report["after_halt"] = sorted(p.name for p in reader.folder.iterdir())

# A reader stuck on a unit is stopped when the round ends, and its folder removed all the same.
started = time.monotonic()
with readahead.read_ahead(units, lambda u: time.sleep(600), out) as reader:
    folder = reader.folder
    import os, psutil
    mine, its = os.nice(0), psutil.Process(reader._process.pid)
    for _ in range(200):  # until the child has lowered its priority
        if its.nice() != mine:
            break
        time.sleep(0.05)
    report["nice"] = [mine, its.nice()]
report["stuck_closed_in"] = time.monotonic() - started
report["stuck_alive"] = reader._process.is_alive()
report["stuck_left"] = folder.exists()
print(json.dumps(report))
"""


@two_cpus
def test_the_reader_is_a_process_that_stops_and_leaves_nothing(units, tmp_path):
    """Forked, as in `cchc-audit batch` (from a fresh process: this one has threads)."""
    done = subprocess.run([sys.executable, "-c", READER, str(tmp_path / "out"), *map(str, units)],
                          capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, **{readahead.SWITCH: "1"}))
    assert done.returncode == 0 and done.stderr == "", done.stderr  # the reader says nothing
    (line,) = done.stdout.strip().splitlines()
    report = json.loads(line)
    assert report["written"] == ["0.pickle", "1.pickle"]  # the broken third is left to its worker
    assert report["taken"] == [True, True, False]
    assert report["left"] is False
    assert report["after_halt"] in ([], ["0.pickle"])
    assert report["stuck_closed_in"] < 30 and not report["stuck_alive"] and not report["stuck_left"]
    mine, its = report["nice"]
    assert its == min(mine + 10, 19)  # behind the workers (19: as low as a process goes)


def test_read_ahead_can_be_switched_off_and_is_only_for_a_round_s_own_cluster(monkeypatch, units):
    monkeypatch.setenv(readahead.SWITCH, "0")
    with readahead.read_ahead(list(units), lambda u: None, "out") as reader:
        assert reader is None
    monkeypatch.setenv(readahead.SWITCH, "1")
    with readahead.read_ahead(list(units), lambda u: None, "out", wanted=False) as reader:
        assert reader is None
    with readahead.read_ahead([], lambda u: None, "out") as reader:
        assert reader is None


@two_cpus
def test_a_round_on_its_own_cluster_reads_its_units_ahead(units, tmp_path):
    """`cchc-audit batch` without --scheduler: the units read while the workers started are taken
    by their workers. (Here the start-up waits for the reader, which on a busy machine could be
    slower than it: then a worker would read its unit itself, which is right, but not this test.)"""
    script = ("import json, sys, time\nfrom cchc_audit import batch, readahead\n"
              "readers, preload = [], batch.preload\n"
              "class Recorded(readahead.ReadAhead):\n"
              "    def __init__(self, *a):\n        super().__init__(*a)\n        readers.append(self)\n"
              "readahead.ReadAhead = Recorded\n"
              "def waiting(*a):\n    preload(*a)\n    readers[0]._process.join(120)\n"
              "batch.preload = waiting\n"
              "units = batch.discover_units(sys.argv[1])\n"
              "outcomes = batch.run_round(units, '2024-Q1', sys.argv[2], lang='en', workers=1)\n"
              "print(json.dumps([(o.unit, o.status, o.read_ahead) for o in outcomes]))\n")
    root = units[0].parent
    done = subprocess.run([sys.executable, "-c", script, str(root), str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
                          env=dict(os.environ, **{readahead.SWITCH: "1"}))
    assert done.returncode == 0, done.stderr
    outcomes = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcomes == [["mna", "ok", True], ["mnb", "ok", True], ["mnc", "bad_input", False]]
    assert list((tmp_path / "out").glob(archive.TMP_PREFIX + "*")) == []  # the reader's folder is gone


def counting_prepare(monkeypatch, then=None) -> list:
    """pipeline.prepare, as the reader calls it, recording each unit's data folder (and doing
    `then(params)` after it)."""
    calls, real = [], pipeline.prepare

    def prepare(params, lang):
        calls.append(Path(params.data).name)
        prepared = real(params, lang)
        if then is not None:
            then(params)
        return prepared

    monkeypatch.setattr(pipeline, "prepare", prepare)
    return calls


@pytest.mark.parametrize("failing", ["write_bytes", "replace"])
def test_a_full_disk_leaves_no_partial_result_and_stops_the_reader(units, tmp_path, monkeypatch, failing):
    calls = counting_prepare(monkeypatch)
    if failing == "write_bytes":
        def write(self, data):  # half written, then the disk is full
            with open(self, "wb") as handle:
                handle.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(Path, "write_bytes", write)
    else:
        real = os.replace

        def replace(source, target):
            if str(source).endswith(".partial"):
                raise OSError(errno.ENOSPC, "No space left on device")
            return real(source, target)

        monkeypatch.setattr(os, "replace", replace)
    assert read(units[:2], tmp_path / "out", tmp_path / "ahead") == []  # nothing half-written, no error
    assert calls == ["truong-a"]  # stopped: the second unit is its worker's


def test_the_reader_stops_where_a_result_would_leave_the_disk_too_little_room(units, tmp_path, monkeypatch):
    calls = counting_prepare(monkeypatch)
    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage._replace(free=1 << 10))
    assert read(units[:2], tmp_path / "out", tmp_path / "ahead") == []
    assert calls == ["truong-a"]


def test_the_reader_stops_once_its_round_s_budget_is_spent(units, tmp_path, monkeypatch):
    calls = counting_prepare(monkeypatch)
    first, second = (readahead._register_bytes(u)[1] for u in units[:2])
    monkeypatch.setattr(readahead, "READ_AHEAD_TOTAL", first + second - 1)
    assert read(units[:2], tmp_path / "out", tmp_path / "ahead") == ["0.pickle"]
    assert calls == ["truong-a"]


def test_compressed_workbooks_weigh_more_in_the_budget(tmp_path):
    (tmp_path / "ho_so.xlsx").write_bytes(b"x" * 100)
    (tmp_path / "khao_sat.csv").write_bytes(b"x" * 10)
    (tmp_path / "ghi_chu.txt").write_bytes(b"x" * 1000)  # not a register
    assert readahead._register_bytes(tmp_path) == (110, 4 * 100 + 10)


def rewrite_in_place(path: Path, old: bytes, new: bytes) -> None:
    """`old` -> `new` (as long) in `path`, its modification time put back: an edit within one tick
    of the clock, which size and time alone do not see."""
    assert len(old) == len(new)
    stat = path.stat()
    content = path.read_bytes()
    assert old in content
    path.write_bytes(content.replace(old, new, 1))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns


SMALL_FILES = {"don_vi": "don_vi.yaml", "plan": "ke_hoach.yaml", "cited": "ke-hoach-cchc-2024.txt",
               "params": "../tham_so.yaml"}


# (During the read, the text the plan cites only has to be there: its bytes are hashed after it.)
@pytest.mark.parametrize("small, when", [(small, "after") for small in SMALL_FILES]
                         + [(small, "during") for small in SMALL_FILES if small != "cited"])
def test_a_small_file_rewritten_at_the_same_size_and_time_is_not_taken(units, tmp_path, monkeypatch, small, when):
    good = tmp_path / "truong-a"
    shutil.copytree(units[0], good)
    params_file = tmp_path / "tham_so.yaml"
    params_file.write_text("# ghi chú a\nconvention: calendar\n", encoding="utf-8")
    target = good / SMALL_FILES[small]

    def of(folder, out):
        return batch.unit_params(str(folder), PERIOD, str(out), "en", str(params_file))

    def change(params=None):  # the reader's params: unused
        rewrite_in_place(target, b"a", b"b")

    if when == "during":
        calls = counting_prepare(monkeypatch, then=change)
    (tmp_path / "ahead").mkdir()
    readahead._read_units([good], lambda u: of(u, tmp_path / "out"), tmp_path / "ahead", threading.Event())
    if when == "during":
        assert calls == ["truong-a"]
        assert list((tmp_path / "ahead").iterdir()) == []  # the reader saw it and left the unit
        return
    params = of(good, tmp_path / "out")
    result = tmp_path / "ahead" / "0.pickle"
    shutil.copy(result, tmp_path / "ahead" / "before.pickle")
    assert readahead.take(str(tmp_path / "ahead" / "before.pickle"), params) is not None  # as read
    change()
    assert readahead.take(str(result), params) is None
ORPHAN = r"""
import os, signal, sys, time
from cchc_audit import readahead
reader = readahead.ReadAhead([None], lambda u: time.sleep(600), sys.argv[1])
print(reader._process.pid, reader.folder, flush=True)
time.sleep(0.5)
os.kill(os.getpid(), signal.SIGKILL)  # the round's process killed: no close(), no atexit
"""


def test_a_killed_round_leaves_no_reader_and_only_a_temporary_folder_the_archive_sweeps(tmp_path):
    import psutil

    done = subprocess.run([sys.executable, "-c", ORPHAN, str(tmp_path / "out")], capture_output=True,
                          text=True, timeout=120)
    pid, folder = done.stdout.split()
    assert Path(folder).parent == tmp_path / "out" and Path(folder).name.startswith(archive.TMP_PREFIX)
    for _ in range(100):  # killed with its parent (PR_SET_PDEATHSIG)
        if not psutil.pid_exists(int(pid)) or psutil.Process(int(pid)).status() == psutil.STATUS_ZOMBIE:
            break
        import time

        time.sleep(0.1)
    else:
        pytest.fail("the reader outlived the round's process")
    assert archive.clean_stale(tmp_path / "out", older_than=0) == [Path(folder)]


def recording_run_unit(monkeypatch) -> list:
    """pipeline.run_unit, recording for each call whether it was given data read ahead and what
    it raised."""
    calls, real = [], pipeline.run_unit

    def run_unit(params, **kwargs):
        try:
            path = real(params, **kwargs)
        except Exception as exc:
            calls.append((kwargs.get("prepared") is not None, type(exc).__name__))
            raise
        calls.append((kwargs.get("prepared") is not None, None))
        return path

    monkeypatch.setattr(pipeline, "run_unit", run_unit)
    return calls


def test_a_register_rewritten_after_the_read_is_run_again_from_a_fresh_read(units, tmp_path, monkeypatch):
    """Same size and time: the reader's result is taken, the register's copy fails its hash
    (InputChanged), and the worker runs the unit once more reading it itself."""
    good = tmp_path / "truong-a"
    shutil.copytree(units[0], good)
    read([good], tmp_path / "out", tmp_path / "ahead")
    rewrite_in_place(good / "ho_so.csv", b"0938871284", b"0938871285")
    calls = recording_run_unit(monkeypatch)
    done = batch.audit_unit(str(good), "mna", "Trường Mầm non A", PERIOD, str(tmp_path / "out"), "en",
                            read_ahead=str(tmp_path / "ahead" / "0.pickle"))
    assert calls == [(True, "InputChanged"), (False, None)]
    assert done["status"] == "ok" and not done["read_ahead"], done
    run = Path(done["run"])
    assert archive.verify(run).ok
    assert archive.latest_run(tmp_path / "out", "mna", PERIOD) == run  # the unit's first and only run
    assert [p.name for p in run.parent.iterdir()] == [run.name]
    assert list((tmp_path / "out").glob(archive.TMP_PREFIX + "*")) == []  # the failed try left nothing
    assert (run / "inputs" / "truong-a" / "ho_so.csv").read_bytes() == (good / "ho_so.csv").read_bytes()


def test_a_unit_not_read_ahead_still_fails_when_its_input_changes(units, tmp_path, monkeypatch):
    calls = []

    def changed(params, **kwargs):
        calls.append(kwargs)
        raise InputChanged("ho_so.csv đã thay đổi / changed")

    monkeypatch.setattr(pipeline, "run_unit", changed)
    done = batch.audit_unit(str(units[0]), "mna", "Trường Mầm non A", PERIOD, str(tmp_path / "out"), "en")
    assert calls == [{}] and done["status"] == "error" and "changed" in done["message"]
    assert issubclass(InputChanged, RuntimeError)  # exit 1, as before


def test_a_reader_runs_only_where_the_round_may_use_two_cpus(monkeypatch, units):
    monkeypatch.setenv(readahead.SWITCH, "1")
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    assert not readahead.enabled()
    with readahead.read_ahead(list(units), lambda u: None, "out") as reader:
        assert reader is None
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    assert readahead.enabled() == sys.platform.startswith("linux")


def test_a_task_without_a_reader_is_submitted_as_before(units, tmp_path):
    """The read-ahead's path goes by keyword, and only with a reader (a round on a --scheduler
    has none): the task's arguments are those of a caller that knows nothing of it."""
    submitted = []

    class Client:
        def submit(self, fn, *args, **kwargs):
            submitted.append((fn, args, kwargs))
            raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        batch.run_round(batch.discover_units(units[0].parent)[:1], PERIOD, tmp_path / "out", client=Client())
    ((fn, args, kwargs),) = submitted
    assert fn is batch.audit_unit and len(args) == 7 and "read_ahead" not in kwargs
