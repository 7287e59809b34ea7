"""The reports' exporter skips nbconvert's BeautifulSoup pass only when that pass changes nothing:
the page is then the same document as nbconvert's own (the same tree once parsed), and a page
the pass would change still gets it."""

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from cchc_audit import export


def notebook(img_alt: bool = True) -> nbformat.NotebookNode:
    alt = ' alt="Tỷ lệ đúng hạn: 98,50%"' if img_alt else ""
    cell = new_code_cell("show()", execution_count=1)
    cell.outputs = [
        new_output("display_data", data={"text/html": (
            '<div class="cchc-report"><h2>Kết quả</h2><p>Đơn &quot;phản ánh&quot; &amp; kiến nghị: '
            f'&lt;script&gt;</p><img src="data:image/png;base64,iVBORw0KGgo="{alt}>'
            "<table class=\"data\"><tr><td class='num'>98,50%</td></tr></table></div>")}),
        new_output("display_data", data={"text/html": "<p>Chỉ nội bộ</p>"},
                   metadata={"cchc_audit": {"audience": "internal"}}),
    ]
    return new_notebook(cells=[new_markdown_cell("# BÁO CÁO\n\nGhi chú «trích dẫn»"), cell])


def nbconverts_own(nb, audience: str) -> str:
    """nbconvert's HTMLExporter, with everything else as the reports' exporter has it."""
    from nbconvert import HTMLExporter

    with export._exporter(None) as mine:
        config = mine.config
    theirs = HTMLExporter(config=config, exclude_input=True, exclude_input_prompt=True,
                          exclude_output_prompt=True, **export._template_config(None))
    theirs.register_preprocessor(export._audience_preprocessor(), enabled=True)
    body, _ = theirs.from_notebook_node(nb, resources={"metadata": {"name": "t"},
                                                       export.AUDIENCE_RESOURCE: audience})
    return body


@pytest.mark.parametrize("audience", export.AUDIENCES)
def test_the_fast_page_is_the_same_document_as_nbconverts(tmp_path, audience):
    nb = notebook()
    fast = export.export_html(nb, tmp_path / "fast.html", audience, title="t").read_text(encoding="utf-8")
    slow = nbconverts_own(nb, audience)
    assert not export._needs_soup(fast)  # the fast path was taken
    assert BeautifulSoup(fast, "html.parser").decode() == BeautifulSoup(slow, "html.parser").decode()
    assert ("Chỉ nội bộ" in fast) == (audience == "internal")


def test_a_page_the_pass_would_change_gets_it(tmp_path):
    nb = notebook(img_alt=False)
    page = export.export_html(nb, tmp_path / "p.html", "public", title="t").read_text(encoding="utf-8")
    assert 'alt="No description has been provided for this image"' in page  # nbconvert's own pass
    assert page == nbconverts_own(nb, "public")


def test_an_exporter_warmed_in_one_thread_serves_another_and_is_never_shared(tmp_path):
    """A batch worker warms its exporter before its task thread exists: the task thread must
    find that one, not compile its own; two exports at the same time each get their own."""
    import threading

    export.warm_exporter()
    with export._exporter(None) as warmed:
        pass
    seen = {}

    def borrow():
        with export._exporter(None) as mine:
            seen["thread"] = mine
            with export._exporter(None) as other:  # a second export while the first runs
                seen["other"] = other

    thread = threading.Thread(target=borrow)
    thread.start()
    thread.join()
    assert seen["thread"] is warmed
    assert seen["other"] is not warmed
    body = export.export_html(notebook(), tmp_path / "r.html", "public").read_text(encoding="utf-8")
    assert "Chỉ nội bộ" not in body and "98,50%" in body


@pytest.mark.parametrize("first", ["warm_exporter", "export_html"])
def test_nbformat_is_imported_without_the_iri_grammar(tmp_path, first):
    """jsonschema's optional IRI checker builds a grammar at import (about a second, in the run's
    export helper and in every batch worker's warm-up): whichever export function brings in
    nbformat first, it comes without it (export.skip_unused_imports)."""
    import subprocess
    import sys

    call = ("export.warm_exporter()" if first == "warm_exporter" else
            f"export.export_html({str(tmp_path / 'nb.ipynb')!r}, {str(tmp_path / 'r.html')!r}, 'public')")
    if first == "export_html":
        nbformat.write(notebook(), tmp_path / "nb.ipynb")
    code = ("import sys\nfrom cchc_audit import export\n" + call + "\n"
            "assert 'nbformat' in sys.modules\n"
            "print('lark' in sys.modules, sys.modules.get('rfc3987_syntax', 'absent'))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    # No grammar built, and no mark left behind for code that imports the package itself.
    assert done.stdout.split() == ["False", "absent"]


def test_exports_at_the_same_time_never_share_an_exporter():
    """Threads exporting at once each hold an exporter of their own."""
    import threading

    held, barrier = [], threading.Barrier(4)

    def borrow():
        with export._exporter(None) as mine:
            held.append(mine)
            barrier.wait(timeout=30)  # all four hold theirs at once

    threads = [threading.Thread(target=borrow) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(held) == 4 and len({id(e) for e in held}) == 4
