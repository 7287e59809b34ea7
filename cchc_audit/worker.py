"""A `dask worker` of a district's cluster, ready for audit units before its first one:

    dask worker tcp://HOST:8786 --nthreads 1 --nworkers N --preload cchc_audit.worker

Dask calls `dask_setup` in each worker process as it starts (and again in the process a nanny
restarts). The process imports and warms up what a unit needs (`batch.preload`), as the workers
`cchc-audit batch` forks itself (localpool.py) inherit it, so a round's first unit on a worker
costs what the others do rather than a second and a half more. And, as for the workers of a
LocalCluster (`batch.LOCAL_WORKER_SETTINGS`), unless the worker was configured otherwise: no stack
sampler (its samples cost units time, for a dashboard), the memory checked twice a second, its event
loop timed once a second.
"""

from __future__ import annotations

PROFILE, MEMORY = "distributed.worker.profile.enabled", "distributed.worker.memory.monitor-interval"
TICK = "distributed.admin.tick.interval"


def dask_setup(worker) -> None:
    from dask.utils import parse_timedelta

    from . import batch

    batch.preload()
    settings = batch._local_worker_settings()  # those this worker left at Dask's default
    if settings.get(PROFILE) is False:
        for name in ("profile", "profile-cycle"):
            callback = worker.periodic_callbacks.pop(name, None)
            if callback is not None:
                callback.stop()
    for key, name in ((MEMORY, "memory_monitor"), (TICK, "tick")):
        callback = worker.periodic_callbacks.get(name)
        if key in settings and callback is not None:  # read at each next call
            callback.callback_time = parse_timedelta(settings[key], default="ms") * 1000
