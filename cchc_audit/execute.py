"""Execute the audit notebook with papermill, through its Python API, in this process.

papermill is imported inside the function: it is slow to import and most commands (validate,
--help) do not need it. With a warm kernel (kernel.py) the notebook runs on it, reset first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .export import skip_unused_imports, warm_exporter
from .resources import AUDIT_NOTEBOOK as NOTEBOOK

KERNEL = "python3"  # in a venv with ipykernel, jupyter_client resolves this to the venv's Python


def execute_notebook(output: str | Path, parameters: dict[str, Any], *,
                     notebook: str | Path = NOTEBOOK, cwd: str | Path | None = None,
                     kernel_name: str = KERNEL, timeout: int | None = None, kernel=None):
    """Run `notebook` with `parameters` injected; write the executed copy to `output` and return
    it (a NotebookNode).

    `cwd` is the kernel's working directory (the run's temporary folder, so anything the notebook
    writes by relative path ends up in the archive). `kernel` is a started `kernel.WarmKernel` to
    run on (reset for `cwd` first); without one papermill starts and stops a kernel of its own.
    Raises papermill's PapermillExecutionError when a cell fails.
    """
    skip_unused_imports()
    import papermill

    output = Path(output)
    options: dict[str, Any] = {
        # The kernel's own start-up chatter (e.g. the TCP-transport warning) is not the user's
        # business; cell errors still come back through papermill.
        "extra_arguments": ["--IPKernelApp.log_level=ERROR"]}
    if kernel is not None:
        # While the kernel may still be booting, get the reports' exporter ready (imports and
        # compiled templates), which the exports would otherwise pay for after the notebook.
        warm_exporter()
        # The kernel moves into `cwd` itself: papermill's `cwd` would move this whole process,
        # which threads running other units share.
        options = {"km": kernel.prepare(cwd if cwd is not None else Path.cwd())}
        cwd = None
    try:
        return papermill.execute_notebook(
            str(notebook), str(output),
            parameters=parameters,
            kernel_name=kernel_name,
            language="python",  # papermill's parameter syntax, whatever the notebook's metadata says
            cwd=str(cwd) if cwd is not None else None,
            progress_bar=False,
            log_output=False,
            execution_timeout=timeout,
            # Written once at the end (and on a failure), not twice per cell.
            request_save_on_cell_execute=False,
            **options,
        )
    finally:
        if kernel is not None:
            kernel.release()
