"""Execute the audit notebook (papermill) and export it to HTML (nbconvert), code hidden.

Two exports of one executed notebook: the internal report keeps outputs marked for the internal
audience and drops the public twins; the public report does the opposite. An output marks its
audience with metadata `{"cchc_audit": {"audience": "internal" | "public"}}`; unmarked outputs go
to both. papermill and nbconvert are imported inside the functions: they are slow to import and
most commands (validate, --help) do not need them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .params import PACKAGE_DIR, REPO_DIR

NOTEBOOK = REPO_DIR / "notebooks" / "audit.ipynb"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
DEFAULT_TEMPLATE = "lab"  # nbconvert's own; used when the package ships no template of its own
KERNEL = "python3"  # in a venv with ipykernel, jupyter_client resolves this to the venv's Python
META_KEY = "cchc_audit"
INTERNAL, PUBLIC = "internal", "public"
AUDIENCES = (INTERNAL, PUBLIC)


def execute_notebook(output: str | Path, parameters: dict[str, Any], *,
                     notebook: str | Path = NOTEBOOK, cwd: str | Path | None = None,
                     kernel_name: str = KERNEL, timeout: int | None = None) -> Path:
    """Run `notebook` with `parameters` injected; write the executed copy to `output`.

    `cwd` is the kernel's working directory (the run's temporary folder, so anything the notebook
    writes by relative path ends up in the archive). Raises papermill's PapermillExecutionError
    when a cell fails.
    """
    import papermill

    output = Path(output)
    papermill.execute_notebook(
        str(notebook), str(output),
        parameters=parameters,
        kernel_name=kernel_name,
        language="python",  # papermill's parameter syntax, whatever the notebook's metadata says
        cwd=str(cwd) if cwd is not None else None,
        progress_bar=False,
        log_output=False,
        execution_timeout=timeout,
        # The kernel's own start-up chatter (e.g. the TCP-transport warning) is not the user's
        # business; cell errors still come back through papermill.
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    return output


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
        """Drop the outputs marked for the other audience."""

        audience = Unicode(INTERNAL, help="internal or public").tag(config=True)

        def preprocess_cell(self, cell, resources, index):
            if cell.get("cell_type") == "code" and cell.get("outputs"):
                cell.outputs = [o for o in cell.outputs if keep_output(o, self.audience)]
            return cell, resources

    return AudiencePreprocessor


def output_audience(output: dict) -> str | None:
    meta = output.get("metadata") or {}
    mark = meta.get(META_KEY) if isinstance(meta, dict) else None
    return mark.get("audience") if isinstance(mark, dict) else None


def keep_output(output: dict, audience: str) -> bool:
    marked = output_audience(output)
    return marked is None or marked == audience


def export_html(notebook: str | Path, html_path: str | Path, audience: str, *,
                template: str | Path | None = None, title: str | None = None) -> Path:
    """Export an executed notebook to one self-contained HTML file for `audience`, code and
    prompts hidden."""
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {AUDIENCES}, not {audience!r}")
    import nbformat
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    # Cells or outputs an author tags to keep out of reports (jupyter-book's tag names).
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {"remove-cell"}
    config.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output"}
    config.TagRemovePreprocessor.remove_input_tags = {"remove-input"}
    exporter = HTMLExporter(
        config=config,
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        **_template_config(template),
    )
    exporter.register_preprocessor(_audience_preprocessor()(audience=audience), enabled=True)
    nb = nbformat.read(str(notebook), as_version=4)
    resources = {"metadata": {"name": title or Path(html_path).stem}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    html_path = Path(html_path)
    html_path.write_text(body, encoding="utf-8")
    return html_path
