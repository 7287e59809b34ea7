"""Shared by the end-to-end tests: one archived run of the sample school, made once per session.

A notebook run costs seconds, so the tests that read a real archived revision share this one (the
sample's Q1 2024 with its params file, printed to PDF when Chromium is installed). A test that adds
runs copies the archive first: the shared one is never changed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from cchc_audit import resources
from cchc_audit.pdf import find_chromium


@dataclass(frozen=True)
class ArchivedRun:
    out: Path  # the archive's root
    path: Path  # the revision folder
    stdout: str
    with_pdf: bool

    def copy_archive(self, to: Path) -> tuple[Path, Path]:
        """A private copy of the archive (for tests that add runs): (its root, the revision in it)."""
        shutil.copytree(self.out, to, symlinks=True)
        return to, to / self.path.relative_to(self.out)


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`cchc-audit run ...` as a user runs it: its own process, from another working folder."""
    return subprocess.run([sys.executable, "-m", "cchc_audit", "run", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=900)


def archived_path(stdout: str) -> Path:
    return Path(re.search(r"^(?:Đã lưu lần chạy vào|Run archived in): (.+)$", stdout, re.M).group(1))


@pytest.fixture(scope="session")
def sample_q1(tmp_path_factory) -> ArchivedRun:
    work = tmp_path_factory.mktemp("sample-q1")
    out = work / "reports"
    pdf = bool(find_chromium())
    done = run_cli("--params", str(resources.PARAMS_DIR / "2024-Q1.yaml"), "--out", str(out),
                   *(["--pdf"] if pdf else []), cwd=work)
    assert done.returncode == 0, done.stdout + done.stderr
    return ArchivedRun(out, archived_path(done.stdout), done.stdout, pdf)


@pytest.fixture
def matplotlib_backend():
    """`set(value)` puts matplotlib's `backend` setting as given (its unresolved placeholder:
    `AUTO`), as a worker starts or as a notebook resolves it; the process's own is given back
    after the test (`rc_context` leaves `backend` alone)."""
    import types

    import matplotlib
    from matplotlib import rcsetup

    before = dict.__getitem__(matplotlib.rcParams, "backend")
    try:
        yield types.SimpleNamespace(AUTO=rcsetup._auto_backend_sentinel,
                                    set=lambda value: dict.__setitem__(matplotlib.rcParams, "backend", value))
    finally:
        dict.__setitem__(matplotlib.rcParams, "backend", before)
