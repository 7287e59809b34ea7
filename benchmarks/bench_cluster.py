"""A round on a real `dask scheduler` with two `dask worker` processes vs. the same round on the
workers `batch` starts itself (forked, localpool.py; a Dask LocalCluster before): the cost per unit
side by side.

    python benchmarks/bench_cluster.py [--units 200] [--reps 1]

The units are generated once (`district.py`). A scheduler and two single-threaded workers (each
with its nanny) are started on 127.0.0.1 in folders of their own, as tests/test_cluster.py does;
then, alternately and `--reps` times each, into a new archive folder each time:

- cluster: `cchc-audit batch --period 2024-Q1 --data-root <units> --scheduler <address>`;
- local: `cchc-audit batch --period 2024-Q1 --data-root <units> --workers 2` (its own workers).

Each round is checked (every unit archived, a roll-up naming every unit). Target: the cluster's
cost per unit within 10% of the local round's (issue 16 says LocalCluster's: the local round's
workers were a LocalCluster's then). The processes started here are stopped here.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_batch import PERIOD, check_batch  # noqa: E402
from common import BIN, spread, timed  # noqa: E402
from district import make_district  # noqa: E402

TARGET = 0.10
STARTUP = 120


def start(args: list[str], cwd: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DASK_")}
    with open(cwd / "log.txt", "wb") as log:
        return subprocess.Popen([str(BIN / "dask"), *args], cwd=cwd, env=env, stdout=log,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # the session this script started: nanny and worker
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def cluster(home: Path) -> tuple[str, list[subprocess.Popen]]:
    from distributed import Client

    (home / "scheduler").mkdir(parents=True)
    scheduler_file = home / "scheduler" / "scheduler.json"
    started = [start(["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                      "--scheduler-file", str(scheduler_file)], home / "scheduler")]
    deadline = time.monotonic() + STARTUP
    while not scheduler_file.is_file():
        if started[0].poll() is not None or time.monotonic() > deadline:
            raise SystemExit((home / "scheduler" / "log.txt").read_text())
        time.sleep(0.2)
    address = json.loads(scheduler_file.read_text())["address"]
    for name in ("w1", "w2"):
        (home / name).mkdir()
        started.append(start(["worker", address, "--name", name, "--nthreads", "1", "--nworkers", "1",
                              "--preload", "cchc_audit.worker",  # as README.md says to start them
                              "--host", "127.0.0.1", "--no-dashboard", "--local-directory", str(home / name)],
                             home / name))
    with Client(address, timeout=STARTUP) as client:
        client.wait_for_workers(2, timeout=STARTUP)
    return address, started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--reps", type=int, default=1)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    processes: list[subprocess.Popen] = []
    try:
        started = time.perf_counter()
        units = make_district(work / "units", args.units)
        print(f"{len(units)} units generated in {time.perf_counter() - started:.1f} s", flush=True)
        address, processes = cluster(work / "cluster")
        cli = [str(BIN / "cchc-audit"), "batch", "--period", PERIOD, "--data-root", str(work / "units")]
        remote, local = [], []
        for rep in range(args.reps):
            for kind, extra, into in (("cluster", ["--scheduler", address], remote),
                                      ("local", ["--workers", "2"], local)):
                out = work / f"{kind}-{rep}"
                into.append(timed(cli + ["--out", str(out)] + extra))
                check_batch(out, units)
                shutil.rmtree(out, ignore_errors=True)
            print(f"  rep {rep + 1}: cluster {remote[-1]:.1f} s, local {local[-1]:.1f} s", flush=True)
        n = len(units)
        print(f"round of {n} units on a dask scheduler + 2 workers: {spread(remote, n)}")
        print(f"round of {n} units on its own 2 workers: {spread(local, n)}")
        ratio = statistics.median(remote) / statistics.median(local)
        met = abs(ratio - 1) <= TARGET or ratio < 1
        print(f"ratio cluster / local per unit: {ratio:.2f} (target within {TARGET:.0%}: "
              f"{'met' if met else 'NOT met'})")
    finally:
        for process in reversed(processes):
            stop(process)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
