"""A papermill engine that executes a notebook's cells in this process, in an IPython shell.

Why: a Jupyter kernel is a second Python that imports pandas, matplotlib and this package again
before its first cell (about 1.5 s on the 2-core machine), and takes the validated registers
through a file; every output then crosses ZeroMQ. A run has imported all of it already, to
validate the registers. The notebook is the same notebook and runs on any kernel (JupyterLab, the
`papermill` command with its default engine); this engine changes only where its cells execute.

papermill still does what it does with any engine: inject the parameters, record each cell's
start, end, duration and status, raise `PapermillExecutionError` for a failed cell, write the
executed notebook. The engine gives the executed notebook what nbclient gives it on a kernel: each
code cell's execution count, its outputs as `ipykernel` would send them (display data with its
metadata, the value of a last expression, stdout and stderr, a failure's error output, then no
further cell), nbclient's timing metadata, the kernel's `language_info`.

One notebook at a time per process (`LOCK`): its cells run in this process's working directory
(papermill's `cwd`), with its `sys.stdout`/`sys.stderr`, warning filters and matplotlib settings;
each is restored after, and the shell is reset to a fresh kernel's state before each notebook
(`reset_state`). A cell cannot be interrupted here: `execution_timeout` is refused; a
batch bounds a unit's time by restarting its worker (batch.py).
"""

from __future__ import annotations

import base64
import builtins
import datetime as dt
import io
import os
import platform
import sys
import threading

from papermill.engines import Engine

from .codes import IN_PROCESS_ENGINE as NAME  # the engine's name for papermill (and its `--engine`)

LOCK = threading.RLock()  # one notebook at a time: the working directory and sys.std* are global

# What ipykernel's IPythonKernel answers in `kernel_info` (nbclient copies it into the notebook).
LANGUAGE_INFO = {
    "name": "python",
    "version": platform.python_version(),
    "mimetype": "text/x-python",
    "codemirror_mode": {"name": "ipython", "version": sys.version_info[0]},
    "pygments_lexer": f"ipython{sys.version_info[0]}",
    "nbconvert_exporter": "python",
    "file_extension": ".py",
}


def _timestamp() -> str:
    """A message timestamp as nbclient records it (`2026-12-02T01:43:44.039629Z`)."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _jsonable(data: dict) -> dict:
    """Display data as a kernel sends it: binary payloads (PNG, PDF...) base64-encoded."""
    return {mime: base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value
            for mime, value in data.items()}


class _Cell:
    """Where the running cell's outputs go: what nbclient does with a kernel's IOPub messages."""

    def __init__(self, cell, count: int):
        self.cell = cell
        self.count = count  # the cell's execution count, which its results carry
        self.outputs = cell.outputs
        self.clear_pending = False
        self.display_ids: dict[str, list] = {}

    def add(self, output) -> None:
        if self.clear_pending:
            self.outputs[:] = []
            self.display_ids.clear()
            self.clear_pending = False
        self.outputs.append(output)

    def display(self, data, metadata, transient=None, update=False) -> None:
        from nbformat.v4 import new_output

        display_id = (transient or {}).get("display_id")
        if update:  # update_display_data: rewrite the outputs shown under that id, add none
            for output in self.display_ids.get(display_id, []):
                output.data, output.metadata = _jsonable(data), metadata
            return
        output = new_output("display_data", data=_jsonable(data), metadata=metadata)
        if display_id:
            self.display_ids.setdefault(display_id, []).append(output)
        self.add(output)

    def result(self, data, metadata) -> None:
        from nbformat.v4 import new_output

        self.add(new_output("execute_result", data=_jsonable(data), metadata=metadata,
                            execution_count=self.count))

    def stream(self, name: str, text: str) -> None:
        from nbformat.v4 import new_output

        last = self.outputs[-1] if self.outputs and not self.clear_pending else None
        if last is not None and last.output_type == "stream" and last.name == name:
            last.text += text  # one output per run of writes, as a kernel's buffered stream sends
        else:
            self.add(new_output("stream", name=name, text=text))

    def error(self, ename: str, evalue: str, traceback: list[str]) -> None:
        from nbformat.v4 import new_output

        self.add(new_output("error", ename=ename, evalue=evalue, traceback=traceback))

    def clear(self, wait: bool) -> None:
        if wait:
            self.clear_pending = True
        else:
            self.outputs[:] = []
            self.display_ids.clear()


class _Stream(io.TextIOBase):
    """sys.stdout or sys.stderr while a cell runs: its text becomes the cell's stream output."""

    def __init__(self, shell, name: str):
        self.shell, self.name = shell, name

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if self.shell.current is not None and text:
            self.shell.current.stream(self.name, text)
        return len(text)

    @property
    def encoding(self) -> str:
        return "utf-8"


def _shell_class():
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets import Type

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kw):
            if self.shell.current is not None:
                self.shell.current.display(data, metadata or {}, transient, update)

        def clear_output(self, wait=False):
            if self.shell.current is not None:
                self.shell.current.clear(wait)

    class Hook(DisplayHook):
        """The value of a cell's last expression: an execute_result, as a kernel sends it."""

        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            if self.shell.current is not None:
                self.shell.current.result(format_dict, md_dict or {})

        def finish_displayhook(self):
            pass

        def flush(self):
            """IPython's, minus its `gc.collect()`: a full collection of a process holding pandas
            and matplotlib costs about 0.1 s, twice a notebook; the collector runs on its own."""
            for n in range(1, self.prompt_count + 1):
                self.shell.user_ns_hidden.pop(f"_{n}", None)
                self.shell.user_ns.pop(f"_{n}", None)
            out = self.shell.user_ns.get("_oh")
            if out is not None:
                out.clear()
            self._, self.__, self.___ = "", "", ""
            if "_" not in builtins.__dict__:
                self.shell.user_ns.update({"_": self._, "__": self.__, "___": self.___})

    class Shell(InteractiveShell):
        """The notebook's interpreter: an IPython shell whose outputs go to the running cell."""

        current: _Cell | None = None
        display_pub_class = Type(Publisher)
        displayhook_class = Type(Hook)

        def init_sys_modules(self):
            # As an embedded shell does: this process's own __main__ stays what it is.
            pass

        def _showtraceback(self, etype, evalue, stb):
            if self.current is not None:
                self.current.error(etype.__name__, str(evalue), stb)

    return Shell


_SHELL = None


def current_shell():
    """The engine's shell if made yet, else None."""
    return _SHELL


def shell():
    """This process's notebook shell, made on first use (history kept in memory, not on disk)."""
    global _SHELL
    if _SHELL is None:
        from traitlets.config import Config

        config = Config()
        config.HistoryManager.hist_file = ":memory:"
        # Plain tracebacks: they end up in a notebook and in one-line error messages, not a terminal.
        config.InteractiveShell.colors = "nocolor"
        _SHELL = _shell_class().instance(config=config)
    return _SHELL


class InProcessEngine(Engine):
    """papermill's engine protocol: run the managed notebook's cells here, in order."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                 stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
        if execution_timeout:
            raise ValueError("the in-process engine cannot interrupt a cell: no execution_timeout")
        with LOCK:
            ip = shell()
            saved = sys.stdout, sys.stderr
            reset_state(ip, os.getcwd())  # a fresh kernel's state, in the folder papermill chose
            nb_man.nb.metadata["language_info"] = dict(LANGUAGE_INFO)
            try:
                sys.stdout, sys.stderr = _Stream(ip, "stdout"), _Stream(ip, "stderr")
                for index, cell in enumerate(nb_man.nb.cells):
                    nb_man.cell_start(cell, index)
                    try:
                        if not cls.run_cell(ip, cell):
                            nb_man.cell_exception(cell, cell_index=index)
                            break
                    finally:
                        nb_man.cell_complete(cell, cell_index=index)
            finally:
                ip.current = None
                sys.stdout, sys.stderr = saved
                reset_state(ip, os.getcwd())  # nothing of the notebook's stays in this process

    @staticmethod
    def run_cell(ip, cell) -> bool:
        """Execute one cell as nbclient does; False when it failed (and may not)."""
        if cell.cell_type != "code" or not cell.source.strip():
            return True
        cell.outputs = []
        cell.metadata["execution"] = {}
        timing = cell.metadata["execution"]  # the node stored (nbformat copies a dict given it)
        timing["iopub.status.busy"] = _timestamp()
        cell.execution_count = ip.execution_count  # before run_cell counts it
        ip.current = _Cell(cell, cell.execution_count)
        timing["iopub.execute_input"] = _timestamp()
        try:
            result = ip.run_cell(cell.source, store_history=True)
        finally:
            sys.stdout.flush()
            ip.current = None
        timing["shell.execute_reply"] = _timestamp()
        timing["iopub.status.idle"] = _timestamp()
        failed = not result.success
        tags = cell.metadata.get("tags") or []
        return not failed or "raises-exception" in tags


def register() -> None:
    """Make the engine known to papermill in this process. The package's `papermill.engine` entry
    point does it too, for the `papermill` command (`--engine cchc-inprocess`)."""
    from papermill.engines import papermill_engines
    from papermill.exceptions import PapermillException

    try:
        papermill_engines.get_engine(NAME)
    except PapermillException:
        papermill_engines.register(NAME, InProcessEngine)


# --- a fresh kernel's state -----------------------------------------------------------------

_BASELINE: dict | None = None


def reset_state(ip, cwd: str) -> None:
    """Before and after each notebook: this process as a fresh kernel started in `cwd` would be.

    The first call records the process's warning filters and environment; later calls restore
    them. matplotlib's settings go back to those it was imported with (`rcParamsOrig`), pyplot's
    figures are closed, and the shell's namespace, output cache and execution counter are cleared
    (a new session: the notebook's cells count from 1). Imported modules stay imported: that is
    the point, and importing a module again would give the same objects.
    """
    global _BASELINE
    import warnings

    if _BASELINE is None:
        _BASELINE = {"filters": list(warnings.filters), "environ": dict(os.environ)}
    os.chdir(cwd)
    warnings.filters[:] = _BASELINE["filters"]
    warnings.onceregistry.clear()
    mutated = getattr(warnings, "_filters_mutated", None)
    if mutated is not None:  # invalidates every module's "already shown once" registry
        mutated()
    if dict(os.environ) != _BASELINE["environ"]:
        os.environ.clear()
        os.environ.update(_BASELINE["environ"])
    matplotlib = sys.modules.get("matplotlib")
    if matplotlib is not None:
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None:
            pyplot.close("all")
        for key, value in matplotlib.rcParamsOrig.items():
            # Only what a notebook changed; the backend is this process's, never a notebook's.
            if key != "backend" and matplotlib.rcParams[key] != value:
                matplotlib.rcParams[key] = value
    ip.reset(new_session=True)
