"""The two HTML exports of one executed notebook: each audience sees only its own outputs."""

import html

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from cchc_audit import export


def html_output(text, audience=None):
    meta = {"cchc_audit": {"audience": audience}} if audience else {}
    return new_output("display_data", data={"text/html": f"<p>{text}</p>"}, metadata=meta)


@pytest.fixture
def executed(tmp_path):
    nb = new_notebook()
    params = new_code_cell('period = "2024-Q1"  # PARAMETER-SOURCE')
    params.metadata["tags"] = ["parameters"]
    table = new_code_cell("show(items)  # CODE-SOURCE", execution_count=3)
    table.outputs = [html_output("Nguyễn Văn An 0901234567", "internal"),
                     html_output("HS-2024-001 (public twin)", "public"),
                     html_output("98,50% both audiences")]
    hidden = new_code_cell("debug()", execution_count=4)
    hidden.metadata["tags"] = ["remove-cell"]
    hidden.outputs = [html_output("DEBUG-OUTPUT")]
    nb.cells = [new_markdown_cell("# BÁO CÁO"), params, table, hidden]
    path = tmp_path / "audit.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("template", [None, "lab"])
def test_each_audience_gets_its_own_outputs(tmp_path, executed, template):
    internal = export.export_html(executed, tmp_path / "noi-bo.html", "internal", template=template)
    public = export.export_html(executed, tmp_path / "cong-khai.html", "public", template=template)
    internal, public = internal.read_text(encoding="utf-8"), public.read_text(encoding="utf-8")
    assert "Nguyễn Văn An" in internal and "public twin" not in internal
    assert "public twin" in public and "Nguyễn Văn An" not in public and "0901234567" not in public
    for page in (internal, public):
        # As a browser reads it: nbconvert writes a markdown heading's letters as `&#193;` etc.
        assert "98,50% both audiences" in page and "BÁO CÁO" in html.unescape(page)
        assert "CODE-SOURCE" not in page and "PARAMETER-SOURCE" not in page  # code hidden
        assert "In&nbsp;[3]" not in page and "Out[3]" not in page  # prompts hidden
        assert "DEBUG-OUTPUT" not in page  # `remove-cell` tag honoured


def test_unknown_audience_is_refused(tmp_path, executed):
    with pytest.raises(ValueError):
        export.export_html(executed, tmp_path / "x.html", "everyone")


def test_keep_output():
    assert export.keep_output(html_output("x"), "public")
    assert export.keep_output(html_output("x", "public"), "public")
    assert not export.keep_output(html_output("x", "internal"), "public")
    assert export.keep_output({"output_type": "stream", "text": "x"}, "internal")


def test_a_template_folder_can_be_named(tmp_path, executed):
    folder = tmp_path / "mytemplate"
    folder.mkdir()
    (folder / "conf.json").write_text('{"base_template": "lab", "mimetypes": {"text/html": true}}')
    (folder / "index.html.j2").write_text(
        "{%- extends 'lab/index.html.j2' -%}\n{% block body_header %}<body>MY-TEMPLATE{% endblock %}")
    page = export.export_html(executed, tmp_path / "t.html", "public", template=folder).read_text()
    assert "MY-TEMPLATE" in page and "public twin" in page


def test_the_export_process_writes_what_this_process_writes(tmp_path, executed):
    """A single run's exports in the forked helper: the same bytes as here; a helper gone
    midway costs nothing but its speed; a template error comes back as the error it is."""
    import os
    import signal

    here = tmp_path / "here.html"
    export.export_reports(executed, [(here, "internal", "t")])
    with export.ExportProcess() as exports:
        exports.export(executed, [(tmp_path / "there.html", "internal", "t")])
        assert (tmp_path / "there.html").read_bytes() == here.read_bytes()
        if exports._process is not None:  # Linux: a real helper process
            os.kill(exports._process.pid, signal.SIGKILL)
            exports._process.join()
        exports.export(executed, [(tmp_path / "again.html", "internal", "t")])  # here, then
        assert (tmp_path / "again.html").read_bytes() == here.read_bytes()
    with export.ExportProcess() as exports, pytest.raises(ValueError, match="audience"):
        exports.export(executed, [(tmp_path / "x.html", "everyone", "t")])


def test_a_refused_run_stops_the_export_process(tmp_path):
    with pytest.raises(RuntimeError), export.ExportProcess() as exports:
        process = exports._process
        raise RuntimeError("bad input")  # as a refused input leaves the run
    assert process is None or (not process.is_alive() and exports._process is None)
