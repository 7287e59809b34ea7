"""The round's own forked workers (localpool.py): every task's result, whatever a task does to its
worker (raises, dies, hangs past the time limit), and no process left behind."""

import os
import signal
import time
from pathlib import Path

import psutil
import pytest

from cchc_audit import localpool
from cchc_audit.localpool import Lost, Pool, Raised

pytestmark = pytest.mark.skipif(not localpool.available(), reason="the workers are forked on Linux only")


def pid_and_square(n):
    return os.getpid(), n * n


def fails(message):
    raise ValueError(message)


def unpicklable():
    return lambda: None


def dies_unless(marker: str):
    """Kills its worker the first time (no marker yet), returns after."""
    path = Path(marker)
    if not path.exists():
        path.write_text("died once")
        os._exit(9)
    return "second try"


def dies():
    os.kill(os.getpid(), signal.SIGKILL)


def counts_and_dies(marker: str):
    with open(marker, "a") as runs:
        runs.write("run\n")
    os._exit(9)


def sleeps(seconds):
    time.sleep(seconds)
    return os.getpid()


def children() -> set[int]:
    return {p.pid for p in psutil.Process().children(recursive=True)}


def test_every_task_runs_once_on_the_forked_workers_which_are_reused():
    before = children()
    with Pool(2) as pool:
        workers = children() - before
        parents = {psutil.Process(pid).ppid() for pid in workers}
        results = dict(pool.run(pid_and_square, [((n,), {}) for n in range(7)]))
    assert sorted(results) == list(range(7))
    assert [square for _, square in (results[n] for n in range(7))] == [n * n for n in range(7)]
    assert len(workers) == 2 and {pid for pid, _ in results.values()} <= workers  # no process per task
    assert parents == {os.getpid()}  # forked from this process
    assert children() <= before  # all gone


def test_a_task_that_raises_or_returns_what_does_not_pickle_is_recorded_and_the_worker_goes_on():
    with Pool(1) as pool:
        results = dict(pool.run(fails, [(("bad value",), {}), (("other",), {})]))
        after = dict(pool.run(unpicklable, [((), {})]))
    assert results == {0: Raised("ValueError: bad value"), 1: Raised("ValueError: other")}
    assert isinstance(after[0], Raised) and "pickle" in after[0].message.lower()


def test_a_task_whose_worker_dies_is_given_to_a_fresh_worker_then_reported_lost(tmp_path):
    marker = tmp_path / "marker"
    with Pool(1) as pool:
        once = dict(pool.run(dies_unless, [((str(marker),), {})]))
        always = dict(pool.run(dies, [((), {})]))
        still = dict(pool.run(pid_and_square, [((3,), {})]))
    assert once == {0: "second try"} and marker.read_text() == "died once"
    assert always == {0: Lost("died", localpool.ATTEMPTS)}
    assert still[0][1] == 9  # the pool goes on with a fresh worker


def test_a_task_past_the_time_limit_has_its_worker_killed_and_replaced():
    before = children()
    started = time.monotonic()
    with Pool(2) as pool:
        first = children() - before
        results = dict(pool.run(sleeps, [((60,), {}), ((0.1,), {}), ((0.1,), {})], time_limit=1.5))
        now = children() - before
    assert results[0] == Lost("timed_out", 1)
    assert results[1] in first and results[2] in first  # the other worker ran them
    assert len(now) == 2 and len(now & first) == 1  # the hung worker was killed, another forked
    assert time.monotonic() - started < 30  # not the 60 s the task wanted
    assert children() <= before


def test_leaving_the_block_stops_idle_workers_and_kills_busy_ones_even_on_an_exception():
    before = children()
    with pytest.raises(KeyboardInterrupt):
        with Pool(2) as pool:
            for _ in pool.run(sleeps, [((0.05,), {}), ((60,), {}), ((60,), {})]):
                raise KeyboardInterrupt  # the round's Ctrl-C, with a unit still running
    assert children() <= before


def test_a_worker_that_died_while_idle_costs_no_unit_an_attempt(tmp_path):
    marker = tmp_path / "runs"
    with Pool(1) as pool:
        assert dict(pool.run(pid_and_square, [((1,), {})]))[0][1] == 1
        (idle,) = [w.process for w in pool._workers]
        os.kill(idle.pid, signal.SIGKILL)  # the system's out-of-memory killer, between two units
        idle.join(10)
        results = dict(pool.run(counts_and_dies, [((str(marker),), {})]))
    assert results == {0: Lost("died", localpool.ATTEMPTS)}
    assert marker.read_text().count("run") == localpool.ATTEMPTS  # each attempt a run of its own


def ignores_ctrl_c(pid: int) -> bool:
    with open(f"/proc/{pid}/status") as status:
        ignored = next(line for line in status if line.startswith("SigIgn:")).split()[1]
    return bool(int(ignored, 16) & (1 << (signal.SIGINT - 1)))


def test_workers_leave_ctrl_c_to_the_round():
    with Pool(1) as pool:
        (worker,) = [w.process.pid for w in pool._workers]
        deadline = time.monotonic() + 30
        while not ignores_ctrl_c(worker) and time.monotonic() < deadline:  # until it has started
            time.sleep(0.01)
        os.kill(worker, signal.SIGINT)  # what a terminal sends the whole process group
        results = dict(pool.run(pid_and_square, [((2,), {})]))
    assert results == {0: (worker, 4)}
