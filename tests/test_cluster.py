"""`cchc-audit batch --scheduler` on a real Dask cluster: a `dask scheduler` and two `dask worker`
processes (with their nannies) on 127.0.0.1, each started in a folder of its own outside the
repository, the batch itself run as the `cchc-audit` command from yet another folder. Every unit's
archive must verify and the roll-up must hold every unit; a worker killed in the middle of a unit
costs that unit a retry, never a half-written revision. The processes started here are stopped
here, with every child they started."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from test_batch import PERIOD, make_unit

from cchc_audit import archive

BIN = Path(sys.executable).parent
STARTUP = 90  # seconds: a worker's nanny and its process, on a busy machine


def _start(args, cwd: Path, log: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DASK_")}
    env.pop("PYTHONPATH", None)  # the workers import the installed package, nothing else
    with open(log, "wb") as out:
        return subprocess.Popen([str(BIN / "dask"), *args], cwd=cwd, env=env, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)


def _stop(process: subprocess.Popen) -> None:
    try:
        family = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        family = []
    for p in [psutil.Process(process.pid)] + family if process.poll() is None else family:
        try:
            p.send_signal(signal.SIGTERM)
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(family, timeout=10)
    for p in alive:
        p.kill()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    from distributed import Client

    home = tmp_path_factory.mktemp("cluster")
    started = []
    try:
        (home / "scheduler").mkdir()
        scheduler_file = home / "scheduler" / "scheduler.json"
        started.append(_start(["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                               "--scheduler-file", str(scheduler_file)],
                              home / "scheduler", home / "scheduler.log"))
        deadline = time.monotonic() + STARTUP
        while not scheduler_file.is_file() and time.monotonic() < deadline:
            assert started[0].poll() is None, (home / "scheduler.log").read_text()
            time.sleep(0.2)
        address = json.loads(scheduler_file.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        workers = []
        for name in ("w1", "w2"):
            folder = home / name
            folder.mkdir()
            workers.append(_start(["worker", address, "--name", name, "--nthreads", "1",
                                   "--nworkers", "1", "--host", "127.0.0.1", "--no-dashboard",
                                   "--preload", "cchc_audit.worker",  # as README.md says to start them
                                   "--local-directory", str(folder)], folder, home / f"{name}.log"))
        started += workers
        with Client(address, timeout=STARTUP) as client:
            client.wait_for_workers(2, timeout=STARTUP)
        yield address, workers, home
    finally:
        for process in reversed(started):
            _stop(process)


def _district(root: Path, codes: list[str]) -> Path:
    for i, code in enumerate(codes):
        make_unit(root / f"truong-{code}", code.upper(), f"Trường Mầm non {code.upper()}", 100 + i)
    return root


def _batch(args, cwd: Path, **popen):
    command = [str(BIN / "cchc-audit"), "batch", "--period", PERIOD, *map(str, args)]
    return subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, text=True, **popen)


def _assert_every_unit_archived(out: Path, codes: list[str]) -> None:
    for code in codes:
        runs = sorted((out / code / PERIOD).iterdir())
        assert runs and all(r.name.startswith("rev-") for r in runs), runs
        for run in runs:
            assert archive.verify(run).ok, run
            assert (run / "bao-cao-noi-bo.html").is_file() and (run / "bao-cao-cong-khai.html").is_file()
    rollups = sorted((out / "_rollup").glob(f"*/{PERIOD}/rev-*"))
    assert rollups, "no roll-up"
    rollup = json.loads((rollups[-1] / "rollup.json").read_text(encoding="utf-8"))
    assert sorted(u["code"] for u in rollup["units"]) == sorted(codes)
    assert {u["outcome"] for u in rollup["units"]} == {"ok"}


def test_a_round_on_a_real_scheduler_and_two_workers(dask_cluster, tmp_path):
    address, workers, _ = dask_cluster
    codes = ["mn1", "mn2", "mn3", "mn4"]
    root = _district(tmp_path / "district", codes)
    (tmp_path / "inspector").mkdir()
    out = tmp_path / "archive"
    process = _batch(["--data-root", root, "--out", out, "--scheduler", address, "--lang", "en"],
                     tmp_path / "inspector")
    stdout, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stdout + stderr
    _assert_every_unit_archived(out, codes)
    assert not list(out.glob(archive.TMP_PREFIX + "*"))
    # The units ran in the cluster's worker processes: the round left nothing running on them.
    _assert_round_released(workers)


def test_workers_started_with_the_package_s_preload_are_ready_before_their_first_unit(dask_cluster):
    """`--preload cchc_audit.worker`: each worker process has imported what a unit needs as it
    started, runs without Dask's stack sampler, checks its memory twice a second and times its
    event loop once a second."""
    from distributed import Client

    address, _, _ = dask_cluster

    def state(dask_worker):
        import sys

        callbacks = dask_worker.periodic_callbacks
        return ("cchc_audit.pipeline" in sys.modules and "matplotlib.pyplot" in sys.modules,
                "profile" in callbacks, callbacks["memory_monitor"].callback_time, callbacks["tick"].callback_time)

    with Client(address, timeout=STARTUP) as client:
        assert set(client.run(state).values()) == {(True, False, 500.0, 1000.0)}


def _left_running(workers) -> list[str]:
    """The command lines of the processes the workers' own processes started and left running
    (a Jupyter kernel, a Chromium, a forked helper...), multiprocessing's resource tracker aside.
    Each `dask worker` command is a nanny; its children are the worker processes."""
    found = []
    for nanny in workers:
        for worker in psutil.Process(nanny.pid).children():
            for process in worker.children(recursive=True):
                try:
                    line = " ".join(process.cmdline())
                except psutil.NoSuchProcess:
                    continue
                if "resource_tracker" not in line:
                    found.append(line)
    return found


def _assert_round_released(workers) -> None:
    deadline = time.monotonic() + 30  # a process stopping takes a moment
    while _left_running(workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _left_running(workers)


def test_two_overlapping_rounds_on_one_scheduler_leave_each_other_alone(dask_cluster, tmp_path):
    """A second round started while the first runs on the same workers: both land whole (rounds
    once shared one worker plugin, and two units failed with "Kernel died")."""
    address, workers, _ = dask_cluster
    first, second = ["mn11", "mn12", "mn13", "mn14"], ["mn15", "mn16", "mn17", "mn18"]
    (tmp_path / "inspector").mkdir()
    out1, out2 = tmp_path / "archive-1", tmp_path / "archive-2"
    one = _batch(["--data-root", _district(tmp_path / "d1", first), "--out", out1, "--scheduler", address],
                 tmp_path / "inspector")
    two = None
    try:
        deadline = time.monotonic() + 300
        while not list(out1.glob(archive.TMP_PREFIX + "*")):  # the first round is running a unit
            assert one.poll() is None, one.communicate()
            assert time.monotonic() < deadline, "the first round never started a unit"
            time.sleep(0.02)
        two = _batch(["--data-root", _district(tmp_path / "d2", second), "--out", out2, "--scheduler", address],
                     tmp_path / "inspector")
        results = [p.communicate(timeout=600) for p in (one, two)]
    finally:
        for process in (one, two):
            if process is not None and process.poll() is None:
                process.kill()
                process.communicate()
    for process, (stdout, stderr) in zip((one, two), results):
        assert process.returncode == 0, stdout + stderr
    _assert_every_unit_archived(out1, first)
    _assert_every_unit_archived(out2, second)
    _assert_round_released(workers)


def test_a_worker_killed_mid_unit_costs_a_retry_not_a_half_written_revision(dask_cluster, tmp_path):
    address, workers, _ = dask_cluster
    codes = ["mn5", "mn6", "mn7", "mn8", "mn9", "mn10"]
    root = _district(tmp_path / "district", codes)
    (tmp_path / "inspector").mkdir()
    out = tmp_path / "archive"
    process = _batch(["--data-root", root, "--out", out, "--scheduler", address],
                     tmp_path / "inspector")
    try:
        # Wait until both workers are in the middle of a unit (two runs being built), then kill
        # the first worker's process outright; its nanny starts a new one.
        deadline = time.monotonic() + 300
        while len(list(out.glob(archive.TMP_PREFIX + "*"))) < 2:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the units never ran side by side"
            time.sleep(0.02)
        worker = next(p for p in psutil.Process(workers[0].pid).children()
                      if "spawn" in " ".join(p.cmdline()) or "dask" in " ".join(p.cmdline()))
        worker.kill()
        stdout, stderr = process.communicate(timeout=600)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stdout + stderr
    _assert_every_unit_archived(out, codes)
    # The killed attempt left only a hidden temporary folder, which no listing shows.
    assert list(out.glob(archive.TMP_PREFIX + "*"))
    assert sorted(r.unit for r in archive.list_runs(out) if r.period == PERIOD) == sorted(
        c for c in codes for _ in (out / c / PERIOD).iterdir())
