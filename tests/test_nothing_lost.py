"""Nothing lost: a run killed with SIGKILL mid-notebook leaves the archive as it was, two runs of one
period started at once both land, as separate revisions, and no archived byte ever changes.

Three real runs in all (two at once, one killed), on the small clean school of tests/bad_inputs with
`<script>` planted in its text cells and a unit code trying to climb out of --out.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from bad_inputs.build import Sheet, label, write_clean

from cchc_audit import archive, cli

PAYLOAD = '<script>alert("cchc-xss")</script>'
DAY = 24 * 3600


def start_run(data: Path, out: Path, params: Path, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "cchc_audit", "run", "--params", str(params),
                             "--data", str(data), "--out", str(out)],
                            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def archived_bytes(out: Path) -> dict[str, str]:
    """SHA-256 of every file of every archived run (the front page index.html is rebuilt by design)."""
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for run in archive.list_runs(out) for p in sorted(run.path.rglob("*")) if p.is_file()}


def temp_folders(out: Path) -> set[str]:
    return {p.name for p in out.iterdir() if p.name.startswith(archive.TMP_PREFIX) and p.is_dir()}


def age(path: Path, seconds: float) -> None:
    stamp = time.time() - seconds
    for p in [path, *path.rglob("*")]:
        os.utime(p, (stamp, stamp), follow_symlinks=False)


@pytest.fixture(scope="module")
def school(tmp_path_factory):
    """The small school, with markup in its text cells and a hostile unit code, and a params file."""
    root = tmp_path_factory.mktemp("nothing_lost")
    data = write_clean(root / "data", "xlsx")
    for register, column in (("thu_tuc", "ten_thu_tuc"), ("can_bo", "chuc_vu"), ("nhiem_vu", "minh_chung"),
                             ("ho_so", "nguoi_nop")):
        sheet = Sheet(data, register, "xlsx")
        for row in sheet.data_rows():
            sheet.set(row, label(register, column), f"{sheet.get(row, label(register, column))} {PAYLOAD}")
        sheet.save()
    (data / "don_vi.yaml").write_text('ten_don_vi: "Trường <b>Mầm non</b>"\nma_don_vi: "../../../escape/.."\n'
                                      'ky_hieu: "/etc"\n', encoding="utf-8")
    params = root / "params" / "q1.yaml"
    params.parent.mkdir()
    params.write_text("period: 2024-Q1\nlang: vi\n", encoding="utf-8")
    return root, data, params


@pytest.fixture(scope="module")
def two_at_once(school):
    """Two runs of the same period, started together; a dead run's stale temporary folder (two days
    old) and a live-looking one (fresh) waiting under --out."""
    root, data, params = school
    out = root / "archive"
    (out / ".tmp-dead").mkdir(parents=True)
    (out / ".tmp-dead" / "audit.ipynb").write_text("{half", encoding="utf-8")
    age(out / ".tmp-dead", 2 * DAY)
    (out / ".tmp-index-dead.html").write_text("<html>", encoding="utf-8")  # a front page being written
    age(out / ".tmp-index-dead.html", 2 * DAY)
    (out / ".tmp-live").mkdir()
    (out / ".tmp-live" / "params.yaml").write_text("period: 2024-Q1\n", encoding="utf-8")
    runs = [start_run(data, out, params, root) for _ in range(2)]
    done = [(p.wait(timeout=600), *p.communicate()) for p in runs]
    return out, done


def test_two_runs_of_one_period_started_at_once_both_land(two_at_once):
    out, done = two_at_once
    for code, stdout, stderr in done:
        assert code == 0, stdout + stderr
    runs = archive.list_runs(out)
    assert [r.revision for r in runs] == [1, 2]
    said = [line.removeprefix("Đã lưu lần chạy vào: ") for _, stdout, _ in done for line in stdout.splitlines()
            if line.startswith("Đã lưu lần chạy vào: ")]
    assert sorted(said) == sorted(str(r.path) for r in runs)  # each run names its own revision
    for run in runs:
        assert archive.verify(run.path).ok, archive.verify(run.path)
        assert run.results["period"]["id"] == "2024-Q1"


def test_runs_stay_inside_out_whatever_the_unit_code(two_at_once, school):
    root, _, _ = school
    out, _ = two_at_once
    for run in archive.list_runs(out):
        assert run.path.resolve().is_relative_to(out.resolve())
        assert run.path.relative_to(out).parts[0] == "escape"  # the code, made a plain folder name
    for path in out.rglob("*"):
        assert path.resolve().is_relative_to(out.resolve())
    assert not (root / "escape").exists() and not (root.parent / "escape").exists()


def test_a_run_removes_stale_temporary_folders_and_no_listing_takes_them_for_runs(two_at_once):
    out, _ = two_at_once
    assert temp_folders(out) == {".tmp-live"}  # the dead run's folder went, a live run's stays
    assert not (out / ".tmp-index-dead.html").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert ".tmp-" not in index and "rev-001" in index and "rev-002" in index


def test_register_markup_is_escaped_in_the_reports_and_the_notebook(two_at_once):
    out, _ = two_at_once
    run = archive.list_runs(out)[0].path
    escaped = "&lt;script&gt;alert("
    for name in ("bao-cao-noi-bo.html", "bao-cao-cong-khai.html"):
        html = (run / name).read_text(encoding="utf-8")
        assert 'alert("cchc-xss")</script>' not in html and "<b>Mầm non</b>" not in html
    assert escaped in (run / "bao-cao-noi-bo.html").read_text(encoding="utf-8")
    notebook = json.loads((run / "audit.ipynb").read_text(encoding="utf-8"))
    html_outputs = [str(o["data"]["text/html"]) for c in notebook["cells"] for o in c.get("outputs", [])
                    if "text/html" in o.get("data", {})]
    assert html_outputs and any(escaped in h for h in html_outputs)
    assert not any('alert("cchc-xss")</script>' in h for h in html_outputs)


def test_a_run_killed_mid_notebook_leaves_the_archive_unchanged(two_at_once, school):
    root, data, params = school
    out, _ = two_at_once
    before = archived_bytes(out)
    before_temp = temp_folders(out)
    assert len(before) > 10

    run = start_run(data, out, params, root)
    deadline = time.monotonic() + 300
    started = None
    # The run's temporary folder, once the notebook is about to execute in it: `params.yaml` is
    # written just before (the executed notebook is written only once it has run).
    while started is None:
        assert run.poll() is None, run.communicate()
        assert time.monotonic() < deadline, "the run never started its notebook"
        started = next((out / n for n in temp_folders(out) - before_temp if (out / n / "params.yaml").exists()),
                       None)
        time.sleep(0.05)
    processes = [psutil.Process(run.pid), *psutil.Process(run.pid).children(recursive=True)]
    for process in processes:  # kill -9: the command and its kernel, no chance to clean up
        try:
            process.send_signal(signal.SIGKILL)
        except psutil.NoSuchProcess:
            pass
    assert run.wait(timeout=60) == -signal.SIGKILL
    psutil.wait_procs(processes[1:], timeout=30)

    assert archived_bytes(out) == before  # earlier runs untouched, byte for byte
    assert [r.revision for r in archive.list_runs(out)] == [1, 2]  # no partial run visible
    assert sorted(p.name for p in (out / "escape" / "2024-Q1").iterdir()) == ["rev-001", "rev-002"]
    assert started.exists()  # the leftover is allowed: it is ignored by every listing...
    from cchc_audit import frontpage

    assert started.name not in frontpage.build_index(out)
    assert archive.clean_stale(out) == []  # ...kept while it may still belong to a live run...
    age(started, 2 * DAY)
    assert archive.clean_stale(out) == [started]  # ...and removed once stale
    assert archived_bytes(out) == before


def test_a_failure_while_archiving_leaves_no_trace(tmp_path, monkeypatch):
    """A full disk during the copy of the inputs: the temporary folder goes, earlier runs stay."""
    out = tmp_path / "out"
    with archive.new_run(out, "u", "2024-Q1") as run:
        (run.tmp / "results.json").write_text("{}")
    before = archived_bytes(out)
    source = tmp_path / "ho_so.csv"
    source.write_text("x")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copyfile", full)
    with pytest.raises(OSError):
        with archive.new_run(out, "u", "2024-Q1") as run:
            run.add_input(source)
    assert archived_bytes(out) == before
    assert temp_folders(out) == set()
    assert [r.revision for r in archive.list_runs(out)] == [1]


@pytest.mark.parametrize("args", [["--period", "../../2024-Q1"], ["--period", "2024-Q1/../../x"]])
def test_an_odd_period_cannot_write_outside_out(tmp_path, capsys, args):
    data = write_clean(tmp_path / "data", "csv")
    out = tmp_path / "deep" / "out"
    code = cli.main(["run", "--data", str(data), "--out", str(out), *args])
    capsys.readouterr()
    assert code == 2
    assert not (tmp_path / "deep").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]
