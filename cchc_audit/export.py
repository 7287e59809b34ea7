"""Export an executed notebook to an HTML report with nbconvert, code hidden, for one audience.

Two exports of one executed notebook: the internal report keeps outputs marked for the internal
audience and drops the public twins; the public report does the opposite. An output marks its
audience with metadata `{"cchc_audit": {"audience": "internal" | "public"}}`; unmarked outputs go
to both. nbconvert is imported inside the functions (slow to import). Both exports start from the
executed notebook in memory and borrow exporters kept for the process, so templates compile once.
"""

from __future__ import annotations

import contextlib
import re
import sys
import threading
from pathlib import Path
from typing import Any

from .codes import META_KEY, Audience
from .resources import TEMPLATE_DIR as TEMPLATES_DIR

DEFAULT_TEMPLATE = "lab"  # nbconvert's own; used when the package ships no template of its own
INTERNAL, PUBLIC = Audience.INTERNAL, Audience.PUBLIC
AUDIENCES = tuple(Audience)
AUDIENCE_RESOURCE = "cchc_audience"


def skip_unused_imports() -> None:
    """nbformat imports jsonschema, whose optional IRI format checker builds a grammar with lark
    at import time (rfc3987_syntax: about a second, more than papermill itself). nbformat
    validates with fastjsonschema and no notebook schema has an IRI format, so it is never used
    here: jsonschema is imported with that package marked absent, as if not installed (unless
    something imported either already); the mark is lifted after, for code that imports it itself."""
    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        return
    sys.modules["rfc3987_syntax"] = None
    try:
        import jsonschema  # noqa: F401 - its format checkers are chosen as it is imported
    except ImportError:  # nbformat without jsonschema: nothing to skip
        pass
    finally:
        if sys.modules.get("rfc3987_syntax", 0) is None:
            del sys.modules["rfc3987_syntax"]


def default_template() -> str | Path:
    """The package's own report template if it ships one (`cchc_audit/templates/` itself, or a
    single template folder inside it), else nbconvert's `lab`."""
    def is_template(folder: Path) -> bool:
        return (folder / "conf.json").is_file() or (folder / "index.html.j2").is_file()

    if TEMPLATES_DIR.is_dir():
        if is_template(TEMPLATES_DIR):
            return TEMPLATES_DIR
        found = sorted(p for p in TEMPLATES_DIR.iterdir() if p.is_dir() and is_template(p))
        if len(found) == 1:
            return found[0]
    return DEFAULT_TEMPLATE


def _template_config(template: str | Path | None) -> dict[str, Any]:
    template = default_template() if template is None else template
    path = Path(template)
    if path.is_dir():  # a template folder anywhere: its parent is a template base dir
        return {"template_name": path.name, "extra_template_basedirs": [str(path.parent)]}
    basedirs = [str(TEMPLATES_DIR)] if TEMPLATES_DIR.is_dir() else []
    return {"template_name": str(template), "extra_template_basedirs": basedirs}


def _audience_preprocessor():
    from nbconvert.preprocessors import Preprocessor
    from traitlets import Unicode

    class AudiencePreprocessor(Preprocessor):
        """Drop the outputs marked for the other audience: the one the export names in its
        resources (so one exporter serves both), else the `audience` trait."""

        audience = Unicode(INTERNAL, help="internal or public").tag(config=True)

        def preprocess_cell(self, cell, resources, index):
            audience = resources.get(AUDIENCE_RESOURCE) or self.audience
            if cell.get("cell_type") == "code" and cell.get("outputs"):
                cell.outputs = [o for o in cell.outputs if keep_output(o, audience)]
            return cell, resources

    return AudiencePreprocessor


def output_audience(output: dict) -> str | None:
    meta = output.get("metadata") or {}
    mark = meta.get(META_KEY) if isinstance(meta, dict) else None
    return mark.get("audience") if isinstance(mark, dict) else None


def keep_output(output: dict, audience: str) -> bool:
    marked = output_audience(output)
    return marked is None or marked == audience


# Template config -> the HTML exporters made for it and not in use now. An exporter serves one
# export at a time (nbconvert's exporters keep per-export state), so a thread borrows one; they are
# kept for the process, not per thread: a batch's worker runs its units in a thread of its own, and
# finds the exporter its process warmed before it was forked (compiling the templates is a good
# part of an export).
_idle: dict[str, list] = {}
_idle_lock = threading.Lock()


@contextlib.contextmanager
def _exporter(template: str | Path | None):
    """An HTML exporter for `template`, this thread's until the block ends."""
    options = _template_config(template)
    key = repr(sorted(options.items()))
    with _idle_lock:
        free = _idle.setdefault(key, [])
        exporter = free.pop() if free else None
    if exporter is None:
        exporter = _new_exporter(options)
    try:
        yield exporter
    finally:
        # nbconvert keeps each export's notebook metadata by its name: one entry per unit, for
        # as long as the process keeps the exporter.
        getattr(exporter, "_nb_metadata", {}).clear()
        with _idle_lock:
            _idle[key].append(exporter)


def warm_exporter(template: str | Path | None = None) -> None:
    """Export an empty notebook with an exporter for `template`, so that nbconvert's lazy imports
    are done, its templates compiled and nbformat's validator built, before the first report.
    Changes nothing in any report; a template that fails here fails again, and is reported, at the
    real export."""
    skip_unused_imports()  # before nbformat's first import
    try:
        import nbformat
        from nbformat.v4 import new_notebook

        nbformat.validate(new_notebook())  # papermill validates the notebooks it writes
        with _exporter(template) as exporter:
            exporter.from_notebook_node(
                new_notebook(), resources={"metadata": {"name": "warm-up"}, AUDIENCE_RESOURCE: PUBLIC})
    except Exception:  # noqa: BLE001
        pass


# What nbconvert's HTMLExporter post-processes with BeautifulSoup: images without alt text, and
# cells inside a `jp-Notebook` element (given a tabindex). For a page with neither, that parse and
# re-serialization, most of an export's time, gives back the same document, only spelt otherwise
# (`Á` for `&#193;`, `"` for `&#34;`): tests/test_export_speed.py compares the two.
_IMG_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\salt\s*=)", re.I)
_NOTEBOOK_CLASS = re.compile(r"""class=["']([^"']*\s)?jp-Notebook(\s[^"']*)?["']""")


def _needs_soup(html: str) -> bool:
    return bool(_IMG_WITHOUT_ALT.search(html) or _NOTEBOOK_CLASS.search(html))


def _report_exporter_class():
    """HTMLExporter, minus its BeautifulSoup pass when that pass would change nothing."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            # HTMLExporter.from_notebook_node (nbconvert 7) up to its BeautifulSoup pass.
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            highlight_code = self.filters.get("highlight_code",
                                              Highlight2HTML(pygments_lexer=lexer, parent=self))
            given = resources
            resources = self._init_resources(resources)
            self.register_filter("highlight_code", highlight_code)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            if _needs_soup(html):  # nbconvert's own way, whole
                return super().from_notebook_node(nb, given, **kw)
            return html, resources

    return ReportExporter


def _new_exporter(options: dict[str, Any]):
    skip_unused_imports()
    from traitlets.config import Config

    config = Config()
    # Cells or outputs an author tags to keep out of reports (jupyter-book's tag names).
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {"remove-cell"}
    config.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output"}
    config.TagRemovePreprocessor.remove_input_tags = {"remove-input"}
    exporter = _report_exporter_class()(
        config=config,
        # The notebook is validated once, after the last preprocessor, not after each of the
        # thirteen (most of them disabled): a third of an export.
        optimistic_validation=True,
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        **options,
    )
    exporter.register_preprocessor(_audience_preprocessor(), enabled=True)
    return exporter


def export_html(notebook, html_path: str | Path, audience: str, *,
                template: str | Path | None = None, title: str | None = None) -> Path:
    """Export an executed notebook (a path, or the NotebookNode `execute_notebook` returned) to
    one self-contained HTML file for `audience`, code and prompts hidden."""
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {AUDIENCES}, not {audience!r}")
    skip_unused_imports()  # before nbformat's first import
    if isinstance(notebook, (str, Path)):
        import nbformat

        notebook = nbformat.read(str(notebook), as_version=4)
    # The exporter works on a copy: one notebook in memory serves both audiences.
    resources = {"metadata": {"name": title or Path(html_path).stem}, AUDIENCE_RESOURCE: audience}
    with _exporter(template) as exporter:
        body, _ = exporter.from_notebook_node(notebook, resources=resources)
    html_path = Path(html_path)
    html_path.write_text(body, encoding="utf-8")
    return html_path


def export_reports(notebook, reports: list[tuple[str, str, str]]) -> None:
    """Export `notebook` once per (html path, audience, title) in `reports`."""
    for path, audience, title in reports:
        export_html(notebook, path, audience, title=title)


class ExportProcess:
    """A helper process for one run's exports, forked as the run starts: it imports nbconvert and
    compiles the report templates (about half a second) on the other core while this process reads
    the registers and executes the notebook, then writes the reports it is sent. Where processes
    cannot be forked (not Linux), or the helper is gone, the exports run here as usual: the same
    code, the same bytes.

    Use as a context manager around the run; `export(notebook, reports)` is `export_reports`."""

    def __init__(self):
        self._process = self._conn = None

    def __enter__(self) -> ExportProcess:
        import multiprocessing

        from . import localpool

        # Forked, not spawned: the child starts from this process's imports in milliseconds.
        # Only on Linux, where fork is the norm, and before this process starts any thread.
        if localpool.available():
            context = multiprocessing.get_context("fork")
            mine, theirs = context.Pipe()
            process = context.Process(target=_serve, args=(theirs, mine), name="cchc-export", daemon=True)
            try:
                process.start()
            except OSError:  # no process to be had (limits): export here
                return self
            theirs.close()
            self._process, self._conn = process, mine
        return self

    def export(self, notebook, reports: list[tuple[str, str, str]]) -> None:
        if self._conn is not None:
            try:
                self._conn.send((notebook, [(str(p), a, t) for p, a, t in reports]))
                failure = self._conn.recv()
            except (EOFError, OSError):  # the helper is gone (killed, out of memory): do it here
                self._close()
            else:
                if failure is not None:
                    raise failure
                return
        export_reports(notebook, reports)

    def _close(self, wait: bool = False) -> None:
        if self._conn is not None:
            try:
                self._conn.send(None)  # the helper's cue to exit
            except OSError:
                pass
            self._conn.close()
        if self._process is not None:
            self._process.join(5 if wait else 0)
            if self._process.is_alive():  # still warming up (the input was refused): not needed
                self._process.terminate()
                self._process.join()
        self._process = self._conn = None

    def __exit__(self, kind, *exc) -> None:
        self._close(wait=kind is None)


def _serve(conn, parents_end) -> None:
    """The helper process: warm up, then export what it is sent until told to stop (None) or its
    pipe closes."""
    import signal

    from .localpool import jobs

    parents_end.close()  # forked with both ends: only the run's process may hold the other
    # Ctrl-C is the run's to handle: it closes the pipe, and that ends this process.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warm_exporter()
    for notebook, reports in jobs(conn):
        try:
            export_reports(notebook, reports)
            conn.send(None)
        except Exception as exc:  # noqa: BLE001 - the run's process raises it
            try:
                conn.send(exc)
            except Exception:  # noqa: BLE001 - an exception that does not pickle: its words
                conn.send(RuntimeError(f"{type(exc).__name__}: {exc}"))
