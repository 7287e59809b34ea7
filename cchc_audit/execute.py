"""Execute the audit notebook with papermill, through its Python API, in this process.

papermill is imported inside the function: it is slow to import and most commands (validate,
--help) do not need it. By default the cells run in this process (inprocess.py: papermill's engine
`cchc-inprocess`), which has imported what they need already; `engine=None` runs them on a Jupyter
kernel as papermill does by default, and so does a process that is itself a Jupyter kernel (the
analyst calling the pipeline from JupyterLab), whose shell is its user's.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from .codes import IN_PROCESS_ENGINE as IN_PROCESS
from .export import skip_unused_imports
from .resources import AUDIT_NOTEBOOK as NOTEBOOK

KERNEL = "python3"  # in a venv with ipykernel, jupyter_client resolves this to the venv's Python


def execute_notebook(output: str | Path, parameters: dict[str, Any], *,
                     notebook: str | Path = NOTEBOOK, cwd: str | Path | None = None,
                     engine: str | None = IN_PROCESS, kernel_name: str = KERNEL):
    """Run `notebook` with `parameters` injected; write the executed copy to `output` and return
    it (a NotebookNode).

    `cwd` is the notebook's working directory (the run's temporary folder, so anything the notebook
    writes by relative path ends up in the archive). Raises papermill's PapermillExecutionError when
    a cell fails.
    """
    skip_unused_imports()
    import papermill

    def run(**options):
        return papermill.execute_notebook(
            str(notebook), str(output),
            parameters=parameters,
            kernel_name=kernel_name,
            language="python",  # papermill's parameter syntax, whatever the notebook's metadata says
            cwd=str(cwd) if cwd is not None else None,
            progress_bar=False,
            log_output=False,
            # Written once at the end (and on a failure), not twice per cell.
            request_save_on_cell_execute=False,
            **options,
        )

    from . import inprocess

    # papermill's cwd moves this whole process: one notebook at a time (a notebook that runs one
    # holds the lock already, and its own goes to a kernel).
    held = inprocess.running_here()
    with contextlib.nullcontext() if held else inprocess.LOCK:
        if engine == IN_PROCESS and not held and not _inside_a_kernel():
            inprocess.register()
            return run(engine_name=IN_PROCESS)
        # The kernel's own start-up chatter (e.g. the TCP-transport warning) is not the user's
        # business; cell errors still come back through papermill.
        return run(extra_arguments=["--IPKernelApp.log_level=ERROR"])


def _inside_a_kernel() -> bool:
    """Whether this process is a Jupyter kernel (or another IPython): its shell is its user's."""
    import sys

    if "IPython" not in sys.modules:
        return False
    from IPython.core.interactiveshell import InteractiveShell

    from . import inprocess

    return InteractiveShell.initialized() and InteractiveShell.instance() is not inprocess.current_shell()
