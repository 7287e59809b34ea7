"""A round's own workers on Linux: processes forked from `cchc-audit batch` once it has imported
and warmed up what a unit needs (`batch.preload`), each running one unit at a time.

A Dask LocalCluster did this before. Its import (0.4 s, which no single run pays) and its
scheduler, nannies and workers starting, heartbeating and stopping were a tenth of a 20-unit
round on two cores (paired runs, same units), for a dashboard and a task graph a round of
independent units does not use. Here a worker is a forked process and a pipe: it is sent a unit,
runs it and sends back its small record. Dask still runs a round on a cluster (`--scheduler`),
and the local round where fork is not the platform's way (`available()`; batch._client).

A unit still running past the round's time limit has its worker killed (a cell running in the
worker cannot be stopped from inside it) and a fresh one forked in its place; the unit is reported
as having run out of time. A worker that dies while it runs a unit (killed by the system, out of
memory) is replaced too, and the unit given to the fresh one, like Dask retrying a task whose
worker died: ATTEMPTS runs in all, then it is reported lost. Unlike a LocalCluster's nannies, nothing
here stops a worker at a share of the machine's memory: a unit has what a single run has (the
system's limits). concurrent.futures' ProcessPoolExecutor
can do neither: one of its processes killed breaks the whole pool. Workers leave Ctrl-C to the
round (which stops them all) and die with the round's process, even a killed one.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import time
from dataclasses import dataclass
from multiprocessing.connection import wait

ATTEMPTS = 3  # runs of a unit whose worker died under it, before it is reported lost
POLL_SECONDS = 1.0  # how often the time limit is looked at while no unit finishes
STOP_SECONDS = 5.0  # an idle worker told to stop has this long to leave before it is killed


@dataclass(frozen=True)
class Lost:
    """What a task gives instead of its result when no worker could finish it."""

    reason: str  # "timed_out": killed past the time limit; "died": its workers died ATTEMPTS times
    attempts: int = 1


@dataclass(frozen=True)
class Raised:
    """A task that raised instead of returning (the round's tasks record their own failures: this
    is for what escapes them), with its exception's words."""

    message: str


def available() -> bool:
    """Whether this platform forks its workers: Linux, where fork is the norm (on macOS forking a
    process that has imported system frameworks is unsafe; Windows has no fork)."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def child_of(parent: int) -> bool:
    """In a process forked from `parent`: Ctrl-C is the parent's to handle, and this process is
    killed as the parent dies (Linux), even a killed parent. False when the parent has died already."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    return os.getppid() == parent


class _Worker:
    def __init__(self, context, siblings=()):
        mine, theirs = context.Pipe()
        # Not a daemon: a unit may start processes of its own (a daemon may not). It is forked with
        # the round's ends of its siblings' pipes too: it closes them (`_serve`).
        self.process = context.Process(target=_serve, name="cchc-audit-worker",
                                       args=(theirs, [mine, *(w.conn for w in siblings)], os.getpid()))
        try:
            self.process.start()
        finally:
            theirs.close()
        self.conn = mine
        self.task: int | None = None  # the index of the task it runs
        self.started = 0.0

    def give(self, index: int, function, task: tuple) -> bool:
        """Send it the task; False when it had died while idle (the task is not sent)."""
        if not self.process.is_alive():
            return False
        self.task, self.started = index, time.monotonic()
        args, kwargs = task
        with contextlib.suppress(OSError):  # it died just now: the round sees it as it waits
            self.conn.send((function, args, kwargs))
        return True

    def done(self) -> bool:
        """Whether its task's result (or its end) is there to be read."""
        return self.conn.poll(0) or not self.process.is_alive()

    def result(self):
        """The running task's result if the worker sent it; a Lost when it died first."""
        try:
            if self.conn.poll():
                return self.conn.recv()
        except (EOFError, OSError):
            return Lost("died")
        except Exception as exc:  # noqa: BLE001 - a result this process cannot unpickle
            return Raised(f"{type(exc).__name__}: {exc}")
        return Lost("died")

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


class Pool:
    """`workers` forked processes for the block: `run(function, tasks)` runs them there.

        with Pool(2) as pool:
            for index, result in pool.run(audit_unit, [(args, kwargs), ...], time_limit=1800):
                ...

    On leaving the block every worker is gone: the idle ones told to stop, any other killed."""

    def __init__(self, workers: int):
        self.size = max(1, workers)
        self._context = multiprocessing.get_context("fork")
        self._workers: list[_Worker] = []

    def __enter__(self) -> Pool:
        try:
            for _ in range(self.size):  # one by one: those started are stopped if the next fails
                self._workers.append(_Worker(self._context, self._workers))
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        return self

    def __exit__(self, *exc) -> None:
        for worker in self._workers:
            if worker.task is None:
                with contextlib.suppress(OSError):
                    worker.conn.send(None)
            else:  # interrupted with a unit running: it serves nobody now
                worker.process.kill()
        deadline = time.monotonic() + STOP_SECONDS
        for worker in self._workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.kill()
            worker.conn.close()
        self._workers = []

    def run(self, function, tasks: list[tuple[tuple, dict]], time_limit: float | None = None):
        """Yield (index, result) as tasks finish, `result` being `function(*args, **kwargs)` of
        `tasks[index]`, or a `Lost` or `Raised`. A task is stopped once it has run `time_limit`
        seconds from the moment its worker was given it (a worker is given a task only when idle),
        looked at every POLL_SECONDS; None: no limit."""
        todo = list(range(len(tasks)))[::-1]  # popped from the end: in the order given
        attempts = dict.fromkeys(range(len(tasks)), 0)

        def replace(slot: int) -> _Worker:
            self._workers[slot].kill()
            others = [w for i, w in enumerate(self._workers) if i != slot]
            worker = self._workers[slot] = _Worker(self._context, others)
            return worker

        def give(slot: int) -> None:
            while todo:
                worker = self._workers[slot]
                if worker.give(todo[-1], function, tasks[todo[-1]]):
                    attempts[todo.pop()] += 1
                    return
                replace(slot)  # died while idle: the task was not its, nor is this attempt

        for slot in range(len(self._workers)):
            give(slot)
        while any(worker.task is not None for worker in self._workers):
            busy = [worker for worker in self._workers if worker.task is not None]
            wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=POLL_SECONDS)
            for slot, worker in enumerate(self._workers):
                index = worker.task
                if index is None:
                    continue
                # Looked at anew for each worker: a result that came in meanwhile is its result,
                # even past the limit (the unit is archived by then).
                if worker.done():
                    result = worker.result()
                elif time_limit and time.monotonic() - worker.started > time_limit:
                    result = Lost("timed_out")
                else:
                    continue
                worker.task = None
                if isinstance(result, Lost):
                    replace(slot)
                    if result.reason == "died" and attempts[index] < ATTEMPTS:
                        todo.append(index)  # next, on the fresh worker
                        give(slot)
                        continue
                    result = Lost(result.reason, attempts[index])
                give(slot)  # before the caller sees the result: the worker does not wait on it
                yield index, result


def jobs(conn):
    """What a forked helper is sent over `conn`, one job after the other, until it is told to stop
    (None) or the pipe closes (its parent is gone)."""
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        yield job


def _serve(conn, rounds_ends, parent: int) -> None:
    """A worker: run what it is sent until told to stop (None) or its pipe closes."""
    for end in rounds_ends:  # its own pipe's other end, and its siblings': the round's alone
        end.close()
    if not child_of(parent):
        return
    for function, args, kwargs in jobs(conn):
        try:
            result = function(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - the round records it as this task's failure
            result = Raised(f"{type(exc).__name__}: {exc}")
        try:
            conn.send(result)  # pickled whole before anything is written
        except OSError:  # the round is gone
            return
        except Exception as exc:  # noqa: BLE001 - a result that does not pickle: its words
            conn.send(Raised(f"{type(exc).__name__}: {exc}"))
