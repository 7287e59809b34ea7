"""The files the package ships, found with `importlib.resources`, never relative to a checkout.

Everything a run needs is inside the installed package: the audit and analyst notebooks, the
report templates and stylesheet, the sample school (registers, `don_vi.yaml`, plan file and plan
text) and the period params files, under `cchc_audit/bundled/` (mirroring the repository's
`data/`, `notebooks/` and `params/`, which are links into it) and `cchc_audit/templates/`.
"""

from __future__ import annotations

import atexit
import shutil
from contextlib import ExitStack
from importlib.resources import as_file, files
from pathlib import Path

_stack = ExitStack()
atexit.register(_stack.close)


def _path(*parts: str) -> Path:
    """A shipped folder or file as a real path: the installed file itself (wheels install
    unpacked), or, for a zipped install, a temporary copy kept until the process ends."""
    resource = files("cchc_audit").joinpath(*parts)
    if isinstance(resource, Path):
        return resource
    return _stack.enter_context(as_file(resource))


BUNDLED = _path("bundled")
SAMPLE_DIR = BUNDLED / "data" / "sample"
SAMPLE_PLAN = SAMPLE_DIR / "ke_hoach.yaml"
SAMPLE_PLAN_TEXT = SAMPLE_DIR / "ke-hoach-cchc-2024.txt"
NOTEBOOKS_DIR = BUNDLED / "notebooks"
AUDIT_NOTEBOOK = NOTEBOOKS_DIR / "audit.ipynb"
EXPLORE_NOTEBOOK = NOTEBOOKS_DIR / "explore.ipynb"  # the analyst's (explore.py)
PARAMS_DIR = BUNDLED / "params"
TEMPLATE_DIR = _path("templates")
CSS = TEMPLATE_DIR / "static" / "report.css"


def notebook_files() -> list[Path]:
    return sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def sample_files() -> list[Path]:
    """The sample school's files: registers, don_vi.yaml, the plan and the text it cites."""
    return sorted(p for p in SAMPLE_DIR.iterdir() if p.is_file() and not p.name.startswith("."))


def copy_out(sources: list[Path], out: str | Path) -> tuple[list[Path], list[Path]]:
    """Copy `sources` into folder `out` (made if needed), never over an existing file: returns
    (written, left alone because they exist). Nothing is written when any target exists, so a
    school's edited copy is never half-replaced."""
    out = Path(out)
    targets = [out / s.name for s in sources]
    existing = [t for t in targets if t.exists() or t.is_symlink()]
    if existing:
        return [], existing
    out.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copyfile(s, t)) for s, t in zip(sources, targets)], []
