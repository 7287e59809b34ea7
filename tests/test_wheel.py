"""The package as a district's IT office installs it: a wheel built from this tree holds everything a
run needs, and, installed outside the checkout, runs an audit from an empty folder (nothing found
relative to the repository or the working folder)."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from cchc_audit import resources

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    dist = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", str(REPO),
                           "-w", str(dist)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    [built] = dist.glob("cchc_audit-*.whl")
    return built


def test_the_wheel_holds_everything_a_run_needs(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {f"cchc_audit/{p.relative_to(resources.BUNDLED.parent).as_posix()}"
               for p in resources.BUNDLED.rglob("*") if p.is_file() and "checkpoints" not in str(p)}
    shipped |= {f"cchc_audit/{p.relative_to(resources.TEMPLATE_DIR.parent).as_posix()}"
                for p in resources.TEMPLATE_DIR.rglob("*") if p.is_file()}
    assert shipped <= names, sorted(shipped - names)
    for needed in ("cchc_audit/bundled/notebooks/audit.ipynb", "cchc_audit/bundled/notebooks/explore.ipynb",
                   "cchc_audit/bundled/data/sample/ke_hoach.yaml", "cchc_audit/bundled/data/sample/ho_so.xlsx",
                   "cchc_audit/bundled/data/sample/don_vi.yaml", "cchc_audit/bundled/params/2024-Q1.yaml",
                   "cchc_audit/templates/static/report.css"):
        assert needed in names, needed


def test_the_repository_layout_points_into_the_package_once():
    # data/, notebooks/, params/ are where a reader looks, and are the package's own files.
    for top, inside in (("data", resources.BUNDLED / "data"), ("notebooks", resources.NOTEBOOKS_DIR),
                        ("params", resources.PARAMS_DIR)):
        assert (REPO / top).is_symlink() and (REPO / top).resolve() == inside.resolve()


def test_installed_outside_the_checkout_it_runs_from_an_empty_folder(wheel, tmp_path):
    site = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
                           str(site), str(wheel)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    # The installed copy first on the path (the kernel inherits it); the other dependencies come
    # from this environment.
    env = dict(os.environ, PYTHONPATH=str(site))

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "cchc_audit", *args], cwd=empty, env=env,
                              capture_output=True, text=True, timeout=600)

    where = subprocess.run([sys.executable, "-c", "import cchc_audit; print(cchc_audit.__file__)"],
                           cwd=empty, env=env, capture_output=True, text=True)
    assert where.stdout.strip().startswith(str(site)), where.stdout + where.stderr
    done = cli("run", "--period", "2024-Q1")
    assert done.returncode == 0, done.stdout + done.stderr
    [rev] = (empty / "reports").glob("*/2024-Q1/rev-001")
    for name in ("bao-cao-noi-bo.html", "bao-cao-cong-khai.html", "audit.ipynb", "results.json"):
        assert (rev / name).is_file(), name
    check = subprocess.run(["sha256sum", "-c", "--strict", "--quiet", "MANIFEST.sha256"], cwd=rev,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert str(REPO) not in (rev / "audit.ipynb").read_text(encoding="utf-8")  # nothing from the clone

    assert cli("sample", "--out", "truong").returncode == 0
    assert {p.name for p in (empty / "truong").iterdir()} == {p.name for p in resources.sample_files()}
    assert cli("validate", "--data", "truong").returncode == 0
    again = cli("sample", "--out", "truong")  # never over a school's own copy
    assert again.returncode == 2 and "ho_so.xlsx" in again.stderr
    assert cli("notebooks", "--out", "nb").returncode == 0
    assert sorted(p.name for p in (empty / "nb").iterdir()) == ["audit.ipynb", "explore.ipynb"]
