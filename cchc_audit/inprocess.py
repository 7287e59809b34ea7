"""A papermill engine that executes a notebook's cells in this process, in an IPython shell.

Why: a Jupyter kernel is a second Python that imports pandas, matplotlib and this package again
before its first cell (about 1.5 s on the 2-core machine), and takes the validated registers
through a file; every output then crosses ZeroMQ. A run has imported all of it already, to
validate the registers. The notebook is the same notebook and runs on any kernel (JupyterLab, the
`papermill` command with its default engine); this engine changes only where its cells execute.

papermill still does what it does with any engine: inject the parameters, record each cell's
start, end, duration and status, raise `PapermillExecutionError` for a failed cell, write the
executed notebook. The engine gives the executed notebook what nbclient gives it on a kernel for
what a report notebook does: each code cell's execution count; display data with its metadata
(display ids updated across cells), the value of a last expression, stdout and stderr (one output
per stream between other outputs), a failure's error output (plain, without colour codes), then no
further cell; nbclient's timing metadata and the kernel's `language_info`. tests/test_inprocess.py
compares them with a real kernel's. Unlike a kernel: no inline backend, so pyplot figures are
not shown (the report draws its charts into its HTML itself); `input()` gets an empty input; a
class defined in a cell cannot be pickled; a cell cannot be interrupted, so `execution_timeout`
is refused (a batch bounds a unit's time by restarting its worker, batch.py); Ctrl-C stops the
whole run.

One notebook at a time per process (`LOCK`, held by execute.py around papermill's whole call,
whose `cwd` moves the process): the notebook runs with this process's settings as they are, and
what it changes of them (working folder, `sys.path`, environment, warning filters, logging,
matplotlib's settings and pyplot figures, standard streams) is put back when it ends; the shell's
namespace is cleared before and after (`_State`). Another thread's output meanwhile goes where it
went before, never into the notebook.
"""

from __future__ import annotations

import base64
import builtins
import datetime as dt
import functools
import io
import os
import platform
import sys
import threading

from .codes import IN_PROCESS_ENGINE as NAME  # the engine's name for papermill (and its `--engine`)

# One notebook at a time in a process: its working folder (papermill's `cwd`) and sys.std* are
# the process's. execute.py holds it around all of papermill's work, chdir included.
LOCK = threading.Lock()

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


# nbformat's `new_output` defaults, by output type.
_OUTPUT_DEFAULTS = {
    "stream": {"name": "stdout", "text": ""},
    "display_data": {"metadata": {}, "data": {}},
    "execute_result": {"metadata": {}, "data": {}, "execution_count": None},
    "error": {"ename": "NotImplementedError", "evalue": "", "traceback": []},
}


def new_output(output_type: str, **fields):
    """nbformat's `new_output`, without checking the output against the schema on its own (a
    third of a millisecond each, 20 outputs a run): `_execute` checks the whole notebook, outputs
    included, once its cells have run (a millisecond)."""
    from nbformat import from_dict

    return from_dict({"output_type": output_type, **_OUTPUT_DEFAULTS[output_type], **fields})


class _Cell:
    """Where the running cell's outputs go: what nbclient does with a kernel's IOPub messages.
    `displays` is the notebook's: a display id shown in one cell is updated from any later one."""

    def __init__(self, cell, count: int, displays: dict[str, list]):
        self.cell = cell
        self.count = count  # the cell's execution count, which its results carry
        self.outputs = cell.outputs
        self.clear_pending = False
        self.displays = displays

    def add(self, output) -> None:
        if self.clear_pending:
            self._clear()
        self.outputs.append(output)

    def display(self, data, metadata, transient=None, update=False) -> None:
        display_id = (transient or {}).get("display_id")
        if display_id:  # nbclient: every output shown under the id takes the new data
            for output in self.displays.get(display_id, []):
                output.data, output.metadata = _jsonable(data), metadata
        if update:  # update_display_data adds no output
            return
        output = new_output("display_data", data=_jsonable(data), metadata=metadata)
        if display_id:
            self.displays.setdefault(display_id, []).append(output)
        self.add(output)

    def result(self, data, metadata) -> None:
        self.add(new_output("execute_result", data=_jsonable(data), metadata=metadata,
                            execution_count=self.count))

    def stream(self, name: str, text: str) -> None:
        """As a kernel's buffered streams arrive: writes since the last other output join the
        output of their stream (stdout and stderr one each), in the order each stream began."""
        if not self.clear_pending:
            for output in reversed(self.outputs):
                if output.output_type != "stream":
                    break
                if output.name == name:
                    output.text += text
                    return
        self.add(new_output("stream", name=name, text=text))

    def error(self, ename: str, evalue: str, traceback: list[str]) -> None:
        self.add(new_output("error", ename=ename, evalue=evalue, traceback=traceback))

    def clear(self, wait: bool) -> None:
        if wait:
            self.clear_pending = True
        else:
            self._clear()

    def _clear(self) -> None:
        for shown in self.displays.values():
            shown[:] = [o for o in shown if not any(o is mine for mine in self.outputs)]
        self.outputs[:] = []
        self.clear_pending = False


class _Stream(io.TextIOBase):
    """sys.stdout or sys.stderr while a notebook runs: what its thread writes during a cell becomes
    the cell's stream output; what any other thread writes goes where it went before."""

    def __init__(self, shell, name: str, before, thread: int):
        self.shell, self.name, self.before, self.thread = shell, name, before, thread

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if threading.get_ident() != self.thread:
            return self.before.write(text)
        if self.shell.current is not None and text:
            self.shell.current.stream(self.name, text)
        return len(text)

    def flush(self) -> None:
        if threading.get_ident() != self.thread:
            self.before.flush()

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
_RUNNING: int | None = None  # the thread a notebook runs in now, if any


def current_shell():
    """The engine's shell if made yet, else None."""
    return _SHELL


def running_here() -> bool:
    """Whether this thread is running a notebook on the engine now (a notebook running a notebook:
    that one goes to a kernel of its own, execute.py)."""
    return _RUNNING == threading.get_ident()


def shell():
    """This process's notebook shell, made on first use (no history kept: a batch worker runs
    thousands of cells)."""
    global _SHELL
    if _SHELL is None:
        from traitlets.config import Config

        config = Config()
        config.HistoryManager.enabled = False
        # Plain tracebacks: they end up in a notebook and in one-line error messages, not a terminal.
        config.InteractiveShell.colors = "nocolor"
        _SHELL = _shell_class().instance(config=config)
    return _SHELL


class InProcessEngine:
    """papermill's engine protocol (`papermill.engines.Engine`), by delegation to a subclass made
    on first use: this module is papermill's entry point, so papermill imports it while papermill
    itself loads, and it must not import papermill at the top."""

    @classmethod
    def execute_notebook(cls, nb, kernel_name, **kwargs):
        return _engine().execute_notebook(nb, kernel_name, **kwargs)

    @classmethod
    def nb_kernel_name(cls, nb, name=None):
        return _engine().nb_kernel_name(nb, name)

    @classmethod
    def nb_language(cls, nb, language=None):
        return _engine().nb_language(nb, language)


@functools.cache
def _engine():
    from papermill.engines import Engine

    class Managed(Engine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, execution_timeout=None, **kwargs):
            if execution_timeout:
                raise ValueError("the in-process engine cannot interrupt a cell: no execution_timeout")
            _execute(nb_man)

    return Managed


def _execute(nb_man) -> None:
    """Run the managed notebook's cells here, in order, as nbclient does on a kernel."""
    global _RUNNING
    ip = shell()
    state = _State.save()
    thread = threading.get_ident()
    _RUNNING = thread
    try:
        ip.reset(new_session=True)  # a new session: the notebook's cells count from 1
        state.enter()
        sys.stdout = _Stream(ip, "stdout", state.stdout, thread)
        sys.stderr = _Stream(ip, "stderr", state.stderr, thread)
        nb_man.nb.metadata["language_info"] = dict(LANGUAGE_INFO)
        displays: dict[str, list] = {}
        for index, cell in enumerate(nb_man.nb.cells):
            nb_man.cell_start(cell, index)
            try:
                if not _run_cell(ip, cell, displays):
                    nb_man.cell_exception(cell, cell_index=index)
                    break
            finally:
                nb_man.cell_complete(cell, cell_index=index)
        # The outputs, made without nbformat's check of each (`new_output`), checked at once, after
        # a failed cell too: papermill only logs a notebook that breaks the schema, and writes it
        # all the same; nbclient stops on such an output as it arrives.
        import nbformat

        nbformat.validate(nb_man.nb)
    finally:
        ip.current = None
        _RUNNING = None
        state.restore()
        ip.reset(new_session=True)  # nothing of the notebook's namespace stays in this process


def _run_cell(ip, cell, displays) -> bool:
    """Execute one cell as nbclient does; False when it failed (and may not)."""
    if cell.cell_type != "code" or not cell.source.strip():
        return True
    cell.outputs = []
    cell.metadata["execution"] = {}
    timing = cell.metadata["execution"]  # the node stored (nbformat copies a dict given it)
    timing["iopub.status.busy"] = _timestamp()
    cell.execution_count = ip.execution_count  # before run_cell counts it
    ip.current = _Cell(cell, cell.execution_count, displays)
    timing["iopub.execute_input"] = _timestamp()
    try:
        result = ip.run_cell(cell.source, store_history=True)
    finally:
        ip.current = None
    timing["shell.execute_reply"] = _timestamp()
    timing["iopub.status.idle"] = _timestamp()
    if isinstance(result.error_in_exec, KeyboardInterrupt):
        raise KeyboardInterrupt  # the user's Ctrl-C stops the run, not just this cell
    tags = cell.metadata.get("tags") or []
    return result.success or "raises-exception" in tags


def register() -> None:
    """Make the engine known to papermill in this process. The package's `papermill.engine` entry
    point does it too, for the `papermill` command (`--engine cchc-inprocess`)."""
    from papermill.engines import papermill_engines
    from papermill.exceptions import PapermillException

    try:
        papermill_engines.get_engine(NAME)
    except PapermillException:
        papermill_engines.register(NAME, InProcessEngine)


# --- this process, as the notebook found it ---------------------------------------------------

class _State:
    """What a notebook may change in this process and a kernel would have kept to itself: saved as
    the notebook starts, put back when it ends. The notebook runs with this process's settings as
    they are (environment, warning filters, logging, matplotlib's settings), as a kernel started
    from it would; imported modules stay imported (that is the point)."""

    def __init__(self, **saved):
        self.__dict__.update(saved)

    @classmethod
    def save(cls) -> _State:
        import logging
        import warnings

        root = logging.getLogger()
        matplotlib = sys.modules.get("matplotlib")
        pyplot = sys.modules.get("matplotlib.pyplot")
        return cls(figures=set(pyplot.get_fignums()) if pyplot is not None else set(),
                   cwd=os.getcwd(), path=list(sys.path), environ=dict(os.environ),
                   filters=list(warnings.filters), stdout=sys.stdout, stderr=sys.stderr,
                   stdin=sys.stdin, handlers=list(root.handlers), level=root.level,
                   rc=dict(matplotlib.rcParams) if matplotlib is not None else None)

    def enter(self) -> None:
        """As in a kernel: the notebook's folder first on the path, no terminal to read from
        (`input()` meets the end of its input rather than waiting for a keyboard)."""
        sys.path.insert(0, "")
        sys.stdin = io.StringIO()

    def restore(self) -> None:
        import logging
        import warnings

        sys.stdout, sys.stderr, sys.stdin = self.stdout, self.stderr, self.stdin
        if os.getcwd() != self.cwd:
            os.chdir(self.cwd)
        sys.path[:] = self.path
        if dict(os.environ) != self.environ:
            os.environ.clear()
            os.environ.update(self.environ)
        warnings.filters[:] = self.filters
        warnings.onceregistry.clear()
        mutated = getattr(warnings, "_filters_mutated", None)
        if mutated is not None:  # invalidates every module's "already shown once" registry
            mutated()
        root = logging.getLogger()
        root.handlers[:] = self.handlers
        root.setLevel(self.level)
        matplotlib = sys.modules.get("matplotlib")
        if matplotlib is not None:
            pyplot = sys.modules.get("matplotlib.pyplot")
            if pyplot is not None:  # the notebook's figures, not the caller's
                for number in set(pyplot.get_fignums()) - self.figures:
                    pyplot.close(number)
            # As before the notebook, or as imported if it imported matplotlib; the backend is
            # this process's, never a notebook's.
            before = self.rc if self.rc is not None else matplotlib.rcParamsOrig
            for key, value in before.items():
                if key != "backend" and matplotlib.rcParams[key] != value:
                    matplotlib.rcParams[key] = value
