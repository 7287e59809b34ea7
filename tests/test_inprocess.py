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
    "display(HTML('<i>one</i>'), metadata={'cchc_audit': {'audience': 'internal'}})\n"
    "handle = display(HTML('<p>first</p>'), display_id='shown')",
    "print('a')\nimport sys; print('err', file=sys.stderr)\nprint('b')\nhandle.update(HTML('<p>later</p>'))",
    "x = 41\nx + 1",
    "import os; os.getcwd() == os.path.abspath('.')",
    "",
    "display({'text/plain': 'raw', 'image/png': b'\\x89PNG'}, raw=True)",
)


def _outputs(nb):
    """Each code cell's outputs and execution count, with nothing run-dependent: the report's
    time of generation (to the minute) may fall on either side of a minute in two executions."""
    import re

    text = json.dumps([(c.execution_count, c.outputs) for c in nb.cells if c.cell_type == "code"], ensure_ascii=False)
    return json.loads(re.sub(r"\b\d\d:\d\d\b", "<hh:mm>", text))


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
    assert code[0].outputs[2].data["text/html"] == "<p>later</p>"  # updated from the next cell
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


def test_papermill_can_import_the_engine_first():
    """The entry point's module imported before papermill (which loads entry points as it loads)."""
    import subprocess

    done = subprocess.run([sys.executable, "-c", "import cchc_audit.inprocess as m; "
                           "from papermill.engines import papermill_engines as p; "
                           "assert p.get_engine('cchc-inprocess') is m.InProcessEngine"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_what_the_caller_set_stays_set(tmp_path):
    """The notebook starts from this process's settings and gives them back as they were, not as
    a first notebook once found them."""
    _run(tmp_path, _notebook(tmp_path / "warm.ipynb", "1"), name="warm-out.ipynb")
    os.environ["CCHC_CALLER"] = "1"
    warnings.filterwarnings("ignore", message="cchc-caller")
    try:
        nb = _run(tmp_path, _notebook(tmp_path / "nb.ipynb",
                                      "import os\nprint(os.environ.get('CCHC_CALLER'))\nos.environ['CCHC_CALLER'] = '2'"))
        assert nb.cells[1].outputs[0].text == "1\n"
        assert os.environ["CCHC_CALLER"] == "1"
        assert any(f[1] is not None and f[1].pattern == "cchc-caller" for f in warnings.filters)
    finally:
        del os.environ["CCHC_CALLER"]


def test_two_threads_run_their_notebooks_each_in_its_own_folder(tmp_path):
    """A Dask worker with two threads: each notebook writes where it runs, one at a time; and
    what another thread prints meanwhile stays out of the notebook."""
    import threading
    import time

    path = _notebook(tmp_path / "nb.ipynb", "import time, os\ntime.sleep(0.3)\n"
                                            "open('here.txt', 'w').write(os.getcwd())\nprint('mine')")
    folders = [tmp_path / "a", tmp_path / "b"]
    results = {}

    def run(folder):
        folder.mkdir()
        results[folder.name] = execute.execute_notebook(folder / "out.ipynb", {}, notebook=path, cwd=folder)

    chatter = threading.Event()

    def chat():
        while not chatter.is_set():
            print("chatter from another thread", file=sys.stderr)
            time.sleep(0.01)

    before = os.getcwd()
    threads = [threading.Thread(target=run, args=(f,)) for f in folders] + [threading.Thread(target=chat)]
    for t in threads:
        t.start()
    for t in threads[:2]:
        t.join()
    chatter.set()
    threads[2].join()
    for folder in folders:
        assert (folder / "here.txt").read_text() == str(folder)
        outputs = results[folder.name].cells[1].outputs
        assert [o.text for o in outputs] == ["mine\n"]
    assert os.getcwd() == before


def test_a_notebook_that_runs_a_notebook_runs_it_on_a_kernel(tmp_path):
    inner = _notebook(tmp_path / "inner.ipynb", "print('inner')")
    outer = _notebook(tmp_path / "outer.ipynb", "kept = 1",
                      f"from cchc_audit import execute\nnb = execute.execute_notebook({str(tmp_path / 'inner-out.ipynb')!r}, "
                      f"{{}}, notebook={str(inner)!r})\nprint(nb.cells[1].outputs[0].text, kept)")
    nb = _run(tmp_path, outer)
    assert nb.cells[2].outputs[0].text == "inner\n 1\n"


def test_ctrl_c_in_a_cell_stops_the_run(tmp_path):
    path = _notebook(tmp_path / "nb.ipynb", "raise KeyboardInterrupt", "print('never')")
    with pytest.raises(KeyboardInterrupt):
        _run(tmp_path, path)
    assert sys.stdout is not None and os.getcwd() != str(tmp_path)


@pytest.mark.parametrize("output_type, fields", [
    ("display_data", {"data": {"text/html": "<b>x</b>", "application/json": {"a": {"b": [1, {"c": 2}]}}},
                      "metadata": {"cchc_audit": {"audience": "public"}}}),
    ("display_data", {"data": {"text/plain": "x"}, "metadata": {}}),
    ("execute_result", {"data": {"text/plain": "1"}, "metadata": {}, "execution_count": 3}),
    ("stream", {"name": "stderr", "text": "hi\n"}),
    ("stream", {"text": "default name"}),
    ("error", {"ename": "ValueError", "evalue": "v", "traceback": ["a", "b"]}),
])
def test_outputs_are_built_as_nbformat_builds_them(output_type, fields):
    """The engine builds outputs without nbformat's per-output validation (papermill validates the
    whole notebook before writing it): the same nodes, of the same types, all the way down."""
    from nbformat.v4 import new_output

    from cchc_audit.inprocess import new_output as engine_output

    def shape(node):
        if isinstance(node, dict):
            return type(node), {key: shape(value) for key, value in node.items()}
        if isinstance(node, list):
            return list, [shape(value) for value in node]
        return type(node), node

    theirs, ours = new_output(output_type, **fields), engine_output(output_type, **fields)
    assert shape(ours) == shape(theirs)
    nbformat.validate(ours, ref=output_type, version=4)


def test_an_output_that_breaks_the_schema_still_fails_the_run(tmp_path):
    """What nbformat's check of each output would have caught, the check of the whole notebook
    after its cells catches, before papermill writes it."""
    from cchc_audit import inprocess

    original = inprocess.new_output

    def broken(output_type, **fields):
        node = original(output_type, **fields)
        if output_type == "display_data":
            node["not_in_the_schema"] = 1
        return node

    show = "from IPython.display import display\ndisplay({'text/plain': 'x'}, raw=True)"
    for cells in ([show], [show, "raise ValueError('a failing cell after it')"]):
        source = tmp_path / "in.ipynb"
        nbformat.write(new_notebook(cells=[new_code_cell(c) for c in cells]), source)
        inprocess.new_output = broken
        try:
            with pytest.raises(nbformat.ValidationError, match="not_in_the_schema"):
                execute.execute_notebook(tmp_path / "out.ipynb", {}, notebook=source, cwd=tmp_path)
        finally:
            inprocess.new_output = original
        assert not (tmp_path / "out.ipynb").exists()
