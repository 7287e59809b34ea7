"""The in-process papermill engine (inprocess.py): a notebook executed in this process comes out
as nbclient brings it back from a kernel, and leaves this process as it found it."""

from __future__ import annotations

import json
import os
import re
import sys
import warnings

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from cchc_audit import execute, resources
from cchc_audit.params import resolve


def _notebook(path, *sources, tags=None):
    cells = [new_markdown_cell("# a heading")]
    for i, source in enumerate(sources):
        cell = new_code_cell(source)
        if tags and i in tags:
            cell.metadata["tags"] = tags[i]
        cells.append(cell)
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def _run(tmp_path, path, engine=execute.IN_PROCESS, name="out.ipynb"):
    return execute.execute_notebook(tmp_path / name, {}, notebook=path, cwd=tmp_path, engine=engine)


CELLS = (
    "from IPython.display import HTML, display\n"
    "display(HTML('<b>both</b>'))\n"
    "display(HTML('<i>one</i>'), metadata={'cchc_audit': {'audience': 'internal'}})",
    "print('a'); print('b')\nimport sys; print('err', file=sys.stderr)",
    "x = 41\nx + 1",
    "import os; os.getcwd() == os.path.abspath('.')",
    "",
    "display({'text/plain': 'raw', 'image/png': b'\\x89PNG'}, raw=True)",
)


def _outputs(nb):
    """Each code cell's outputs and execution count, with nothing run-dependent."""
    return [(c.execution_count, json.loads(json.dumps(c.outputs))) for c in nb.cells if c.cell_type == "code"]


def test_outputs_are_what_a_kernel_gives(tmp_path):
    path = _notebook(tmp_path / "nb.ipynb", *CELLS)
    here = _run(tmp_path, path)
    kernel = _run(tmp_path, path, engine=None, name="kernel.ipynb")
    assert _outputs(here) == _outputs(kernel)
    assert here.metadata.language_info == kernel.metadata.language_info
    code = [c for c in here.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == [1, 2, 3, 4, None, 5]  # an empty cell is not run
    assert code[0].outputs[0].metadata == {}  # nbformat's empty metadata, as from a kernel
    assert code[0].outputs[1].metadata == {"cchc_audit": {"audience": "internal"}}
    assert [o.text for o in code[1].outputs] == ["a\nb\n", "err\n"]
    assert code[2].outputs[0].data["text/plain"] == "42" and code[2].outputs[0].execution_count == 3
    assert code[3].outputs[0].data["text/plain"] == "True"
    assert code[5].outputs[0].data["image/png"] == "iVBORw=="  # bytes base64-encoded, as sent
    timing = code[0].metadata.execution
    assert sorted(timing) == ["iopub.execute_input", "iopub.status.busy", "iopub.status.idle",
                              "shell.execute_reply"]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", t) for t in timing.values())


def test_a_failing_cell_stops_the_notebook_as_papermill_does(tmp_path):
    from papermill.exceptions import PapermillExecutionError

    path = _notebook(tmp_path / "nb.ipynb", "1/0", "print('never')")
    with pytest.raises(PapermillExecutionError) as failure:
        _run(tmp_path, path)
    assert (failure.value.exec_count, failure.value.ename) == (1, "ZeroDivisionError")
    assert failure.value.evalue == "division by zero"
    nb = nbformat.read(tmp_path / "out.ipynb", as_version=4)  # papermill saved it, failed
    assert nb.metadata.papermill.exception is True
    last = nb.cells[-1]
    assert last.outputs == [] and last.execution_count is None and last.metadata.papermill.status == "pending"


def test_a_cell_tagged_raises_exception_lets_the_next_cells_run(tmp_path):
    """As nbclient does; papermill still reports the error once the notebook has run."""
    from papermill.exceptions import PapermillExecutionError

    path = _notebook(tmp_path / "nb.ipynb", "raise ValueError('expected')", "print('after')",
                     tags={0: ["raises-exception"]})
    with pytest.raises(PapermillExecutionError):
        _run(tmp_path, path)
    nb = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].outputs[0].ename == "ValueError" and code[1].outputs[0].text == "after\n"


def test_nothing_of_a_notebook_stays_in_this_process(tmp_path):
    """Its variables, environment, warning filters, matplotlib settings, working folder, standard
    streams: the next notebook finds a fresh kernel's state, and so does this process after."""
    import matplotlib

    # Modules imported by a first notebook add warning filters of their own, in any process.
    _run(tmp_path, _notebook(tmp_path / "first.ipynb", "import matplotlib.pyplot"), name="first-out.ipynb")
    before = (os.getcwd(), sys.stdout, sys.stderr, list(warnings.filters), dict(os.environ),
              matplotlib.rcParams["font.size"])
    leak = _notebook(tmp_path / "leak.ipynb",
                     "import os, warnings, matplotlib\nleaked = 41\nos.environ['CCHC_LEAK'] = '1'\n"
                     "warnings.filterwarnings('ignore', message='cchc-leak')\nmatplotlib.rcParams['font.size'] = 31\nos.chdir('/')")
    look = _notebook(tmp_path / "look.ipynb",
                     "import os, warnings, matplotlib\n"
                     "print('leaked' in globals(), 'CCHC_LEAK' in os.environ, any(f[1] is not None and f[1].pattern == 'cchc-leak' for f in warnings.filters),"
                     " matplotlib.rcParams['font.size'] == 31, os.getcwd() == os.path.abspath('.'))")
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    execute.execute_notebook(tmp_path / "one" / "out.ipynb", {}, notebook=leak, cwd=tmp_path / "one")
    nb = execute.execute_notebook(tmp_path / "two" / "out.ipynb", {}, notebook=look, cwd=tmp_path / "two")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].outputs[0].text == "False False False False True\n"
    assert code[0].execution_count == 1  # a new session: counted from 1
    after = (os.getcwd(), sys.stdout, sys.stderr, list(warnings.filters), dict(os.environ),
             matplotlib.rcParams["font.size"])
    assert after == before


def test_the_audit_notebook_executes_here_as_on_a_kernel(tmp_path):
    """The audit notebook on the sample, in this process and on a kernel: the same outputs (the
    reports are made of them), cell for cell, byte for byte."""
    settings = resolve(resources.PARAMS_DIR / "2024-Q1.yaml")
    parameters = {"period": "2024-Q1", "data_dir": str(settings.data), "lang": "vi"}
    here = execute.execute_notebook(tmp_path / "here.ipynb", parameters, cwd=tmp_path)
    kernel = execute.execute_notebook(tmp_path / "kernel.ipynb", parameters, cwd=tmp_path, engine=None)
    assert _outputs(here) == _outputs(kernel)
    assert sum(len(outputs) for _, outputs in _outputs(here)) >= 12  # the report's parts


def test_papermill_finds_the_engine_by_its_entry_point():
    from papermill.engines import papermill_engines

    from cchc_audit.inprocess import InProcessEngine

    assert papermill_engines.get_engine(execute.IN_PROCESS) is InProcessEngine
