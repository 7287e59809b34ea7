"""A Jupyter kernel kept warm for the audit notebook.

Starting a kernel and importing pandas, matplotlib and the package in it is most of what one
notebook run costs. `WarmKernel` starts the kernel early, with those imports made while it boots
(a single run reads and validates the registers meanwhile, on the other core), and a batch worker
reuses one kernel unit after unit. Before each notebook the kernel is put back into the state of a
fresh kernel started in the run's folder (`reset_state`): working directory, user namespace,
execution counter, warning filters, environment, matplotlib's settings and figures. Imported modules
stay imported: that is the point, and importing a module again would give the same objects.
papermill runs the notebook on the kernel as it would on its own.
"""

from __future__ import annotations

import os
import threading

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import KernelManager
from jupyter_core.utils import run_sync
from traitlets import DottedObjectName

from .errors import Failure
from .execute import KERNEL

# What the audit notebook imports (and the report's charts), imported while the kernel starts.
WARM_MODULES = ("cchc_audit.audit", "cchc_audit.report", "matplotlib.figure",
                "matplotlib.backends.backend_agg")
KERNEL_ARGS = [
    # The kernel's start-up chatter (e.g. the TCP-transport warning) is not the user's business.
    "--IPKernelApp.log_level=ERROR",
    # No shared history database: concurrent kernels would queue on its lock (nbclient does the
    # same for the kernels it starts itself).
    "--HistoryManager.hist_file=:memory:",
]


class SharedClient(AsyncKernelClient):
    """An asynchronous client (what nbclient expects) that papermill may "start" again for each
    notebook: it stays connected. A new client would lose the kernel's first IOPub messages while
    its subscription connects, and wait 0.2 s to find out (jupyter_client's `wait_for_ready`)."""

    def start_channels(self, *args, **kwargs) -> None:
        if not self.__dict__.get("_started"):
            super().start_channels(*args, **kwargs)
            self.__dict__["_started"] = True

    def stop_channels(self) -> None:
        if self.__dict__.pop("_started", False):
            super().stop_channels()


class _Manager(KernelManager):
    """A kernel manager that hands out one connected client per thread, kept until shutdown."""

    client_class = DottedObjectName("cchc_audit.kernel.SharedClient")

    def client(self, **kwargs):
        clients = self.__dict__.setdefault("_clients", {})
        key = threading.get_ident()
        if key not in clients:
            clients[key] = super().client(**kwargs)
        return clients[key]

    def close_clients(self) -> None:
        for kc in self.__dict__.pop("_clients", {}).values():
            kc.stop_channels()


class WarmKernel:
    """One kernel process, started by `start()` (which does not wait for it), handed to papermill
    by `prepare(cwd)` once reset for a new notebook, stopped by `shutdown()`. Not thread-safe: one
    notebook at a time (a `KernelPool` lends kernels to threads)."""

    def __init__(self, kernel_name: str = KERNEL, warm: tuple[str, ...] = WARM_MODULES,
                 startup_timeout: float = 60, single_use: bool = False):
        self.kernel_name = kernel_name
        self.warm = tuple(warm)
        self.startup_timeout = startup_timeout
        # A single-use kernel stops, in the background, as soon as its notebook is done: the
        # exports that follow need only this process.
        self.single_use = single_use
        self.km: _Manager | None = None
        self._stopping: threading.Thread | None = None
        self.notebooks = 0  # notebooks prepared on the current kernel process

    def start(self) -> WarmKernel:
        if self.km is None or not self.km.has_kernel:
            self.km = _Manager(kernel_name=self.kernel_name)
            warm = f"__import__('cchc_audit.kernel', fromlist=['_']).warm_up({self.warm!r})"
            args = KERNEL_ARGS + ([f"--IPKernelApp.exec_lines={[warm]!r}"] if self.warm else [])
            self.km.start_kernel(extra_arguments=args)
            self.notebooks = 0
        return self

    def prepare(self, cwd: str | os.PathLike) -> KernelManager:
        """Wait for the kernel, restart it if it died, reset it as a fresh kernel in `cwd`."""
        if self.km is None or not self.km.is_alive():
            self.shutdown()
            self.start()
        kc = self.km.client()  # the very client papermill will use from this thread
        if not kc.__dict__.get("_started"):
            kc.start_channels()
            run_sync(kc.wait_for_ready)(timeout=self.startup_timeout)
        code = f"__import__('cchc_audit.kernel', fromlist=['_']).reset_state({os.fspath(cwd)!r})"
        reply = run_sync(kc.execute_interactive)(code, silent=True, store_history=False,
                                                  timeout=self.startup_timeout,
                                                  output_hook=lambda msg: None)
        content = reply["content"]
        if content.get("status") != "ok":
            raise Failure("failure.kernel_reset", reason=f"{content.get('ename')}: {content.get('evalue')}")
        self.notebooks += 1
        return self.km

    def release(self) -> None:
        """After a notebook: stop a single-use kernel (in the background)."""
        if self.single_use and self.km is not None and self._stopping is None:
            self._stopping = threading.Thread(target=self._stop, name="cchc-kernel-stop")
            self._stopping.start()

    def shutdown(self) -> None:
        if self._stopping is not None:
            self._stopping.join()
            self._stopping = None
        self._stop()

    def _stop(self) -> None:
        if self.km is not None:
            self.km.close_clients()
            if self.km.has_kernel:
                # Nothing in the kernel is worth a graceful goodbye: results are on disk already.
                self.km.shutdown_kernel(now=True)
            self.km.cleanup_resources()
            self.km = None

    def __enter__(self) -> WarmKernel:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.shutdown()


class KernelPool:
    """Warm kernels lent to whichever thread runs a notebook; each kernel serves one notebook at
    a time. A Dask worker holds one pool (see batch.py)."""

    def __init__(self, size_hint: int = 1, **options):
        self.options = options
        self._idle = [WarmKernel(**options).start() for _ in range(size_hint)]
        self._all = list(self._idle)
        self._lock = threading.Lock()

    def acquire(self) -> WarmKernel:
        with self._lock:
            if self._idle:
                return self._idle.pop()
            kernel = WarmKernel(**self.options).start()
            self._all.append(kernel)
            return kernel

    def release(self, kernel: WarmKernel) -> None:
        kernel.release()
        with self._lock:
            self._idle.append(kernel)

    def discard(self, kernel: WarmKernel) -> None:
        """Stop a kernel that must not serve again (its notebook failed or timed out)."""
        with self._lock:
            if kernel in self._all:
                self._all.remove(kernel)
        kernel.shutdown()

    def shutdown(self) -> None:
        with self._lock:
            kernels, self._all, self._idle = self._all, [], []
        for kernel in kernels:
            kernel.shutdown()


# --- inside the kernel ------------------------------------------------------------------------

_BASELINE: dict | None = None


def warm_up(modules: tuple[str, ...]) -> None:
    """Run in the kernel as it starts: import `modules`, each on its own, so one missing module
    spoils no other (the notebook's own import then fails and says why)."""
    import importlib

    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    try:
        warm_caches()
    except Exception:  # noqa: BLE001 - a cache left cold costs the notebook time, never its result
        pass


def warm_caches() -> None:
    """What the audit notebook's first cells would otherwise pay for on a fresh kernel: the message
    catalogs compiled, the holiday calendars' country modules imported, and matplotlib's fonts
    loaded by drawing one small chart in the report's style (into memory, never shown)."""
    import io

    import holidays
    import matplotlib
    from matplotlib.figure import Figure

    from . import charts, i18n

    for lang in i18n.LANGS:
        i18n.translations(lang)
    holidays.country_holidays("VN", years=())
    with matplotlib.rc_context(charts.STYLE):
        figure = Figure(figsize=(2, 1), dpi=50, layout="constrained")
        axes = figure.add_subplot()
        axes.bar(["Quý I"], [1])
        axes.set_title("Tỷ lệ")
        figure.savefig(io.BytesIO(), format="png")


def reset_state(cwd: str) -> None:
    """Run in the kernel before each notebook: the state of a fresh kernel started in `cwd`.

    The first call records the fresh kernel's warning filters, environment and matplotlib
    settings; later calls restore them, close any pyplot figure, and clear IPython's namespace,
    output cache and execution counter (a new session, so the notebook's cells count from 1).
    """
    global _BASELINE
    import sys
    import warnings

    matplotlib = sys.modules.get("matplotlib")
    if _BASELINE is None:
        _BASELINE = {"filters": list(warnings.filters), "environ": dict(os.environ),
                     "rc": dict(matplotlib.rcParams) if matplotlib is not None else None}
    os.chdir(cwd)
    warnings.filters[:] = _BASELINE["filters"]
    warnings.onceregistry.clear()
    mutated = getattr(warnings, "_filters_mutated", None)
    if mutated is not None:  # invalidates every module's "already shown once" registry
        mutated()
    if dict(os.environ) != _BASELINE["environ"]:
        os.environ.clear()
        os.environ.update(_BASELINE["environ"])
    if matplotlib is not None:
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None:
            pyplot.close("all")
        for key, value in (_BASELINE["rc"] or {}).items():
            if matplotlib.rcParams[key] != value:  # only what a notebook changed
                matplotlib.rcParams[key] = value
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.reset(new_session=True)
