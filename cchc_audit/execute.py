"""Execute the audit notebook with papermill, through its Python API, in this process.

papermill is imported inside the function: it is slow to import and most commands (validate,
--help) do not need it. By default the cells run in this process (inprocess.py: papermill's engine
`cchc-inprocess`), which has imported what they need already; `engine=None` runs them on a Jupyter
kernel as papermill does by default, and so does a process that is itself a Jupyter kernel (the
analyst calling the pipeline from JupyterLab), whose shell is its user's.
"""

from __future__ import annotations

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

    options: dict[str, Any] = {}
    if engine == IN_PROCESS and not _inside_a_kernel():
        from . import inprocess

        inprocess.register()
        options["engine_name"] = IN_PROCESS
    else:
        # The kernel's own start-up chatter (e.g. the TCP-transport warning) is not the user's
        # business; cell errors still come back through papermill.
        options["extra_arguments"] = ["--IPKernelApp.log_level=ERROR"]
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


def _inside_a_kernel() -> bool:
    """Whether an IPython shell other than the in-process engine's runs this process."""
    import sys

    if "IPython" not in sys.modules:
        return False
    from IPython.core.interactiveshell import InteractiveShell

    if not InteractiveShell.initialized():
        return False
    from . import inprocess

    return InteractiveShell.instance() is not inprocess.current_shell()
