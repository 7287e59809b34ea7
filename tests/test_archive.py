"""The archive: revisions, never overwriting, the manifest, names that cannot escape --out."""

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from cchc_audit import archive
from cchc_audit.archive import ArchiveError, list_runs, new_run, safe_component, verify


def make_run(out, unit="TMNMN", period="2024-Q1", content="report", results=None):
    with new_run(out, unit, period) as run:
        (run.tmp / "bao-cao-noi-bo.html").write_text(content, encoding="utf-8")
        (run.tmp / "results.json").write_text(json.dumps(results or {"period": {"id": period}}))
    return run.path


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_revisions_are_numbered_and_never_overwritten(tmp_path):
    first = make_run(tmp_path, content="first")
    before = tree_bytes(first)
    second = make_run(tmp_path, content="second")
    assert first == tmp_path / "TMNMN" / "2024-Q1" / "rev-001"
    assert second == tmp_path / "TMNMN" / "2024-Q1" / "rev-002"
    assert tree_bytes(first) == before
    assert (second / "bao-cao-noi-bo.html").read_text() == "second"
    # Another period or unit starts its own numbering.
    assert make_run(tmp_path, period="2024-Q2").name == "rev-001"
    assert make_run(tmp_path, unit="OTHER").name == "rev-001"


def test_a_revision_taken_meanwhile_is_skipped_not_replaced(tmp_path, monkeypatch):
    first = make_run(tmp_path, content="first")
    before = tree_bytes(first)
    # Simulate a concurrent run that took rev-001 between the count and the rename.
    monkeypatch.setattr(archive, "next_revision", lambda parent: 1)
    second = make_run(tmp_path, content="second")
    assert second.name == "rev-002"
    assert tree_bytes(first) == before


def test_numbering_continues_after_gaps(tmp_path):
    (tmp_path / "u" / "p" / "rev-007").mkdir(parents=True)
    (tmp_path / "u" / "p" / "rev-007" / "x").write_text("x")
    assert make_run(tmp_path, unit="u", period="p").name == "rev-008"


def test_manifest_verifies_with_sha256sum(tmp_path):
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "ho_so.xlsx").write_bytes(b"\x00\x01binary")
    (src / "sub" / "don thu.csv").write_text("ma_don,loai\nD1,to_cao\n", encoding="utf-8")
    with new_run(tmp_path / "out", "u", "2024") as run:
        (run.tmp / "results.json").write_text("{}")
        run.add_input(src / "ho_so.xlsx")
        run.add_input(src / "sub" / "don thu.csv", "sub/don thu.csv")
    manifest = (run.path / "MANIFEST.sha256").read_text().splitlines()
    names = [line.split("  ", 1)[1] for line in manifest]
    assert names == sorted(names) == ["inputs/ho_so.xlsx", "inputs/sub/don thu.csv", "results.json"]
    digest = hashlib.sha256((src / "ho_so.xlsx").read_bytes()).hexdigest()
    assert f"{digest}  inputs/ho_so.xlsx" in manifest
    done = subprocess.run(["sha256sum", "-c", "MANIFEST.sha256"], cwd=run.path,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert verify(run.path).ok

    (run.path / "results.json").write_text('{"tampered": true}')
    (run.path / "extra.txt").write_text("not in the manifest")
    result = verify(run.path)
    assert not result.ok
    assert result.changed == ["results.json"]
    assert result.unlisted == ["extra.txt"]
    assert subprocess.run(["sha256sum", "-c", "--quiet", "MANIFEST.sha256"], cwd=run.path,
                          capture_output=True).returncode != 0


def test_verify_reports_a_missing_file(tmp_path):
    path = make_run(tmp_path)
    (path / "results.json").unlink()
    assert verify(path).missing == ["results.json"]


def test_inputs_with_the_same_name_are_both_kept(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "ke_hoach.yaml").write_text("one")
    (b / "ke_hoach.yaml").write_text("two")
    with new_run(tmp_path / "out", "u", "p") as run:
        run.add_input(a / "ke_hoach.yaml")
        run.add_input(a / "ke_hoach.yaml")  # same content, same name: one copy
        run.add_input(b / "ke_hoach.yaml")
    inputs = sorted(p.name for p in (run.path / "inputs").iterdir())
    assert inputs == ["ke_hoach-2.yaml", "ke_hoach.yaml"]
    assert (run.path / "inputs" / "ke_hoach-2.yaml").read_text() == "two"


@pytest.mark.parametrize("bad", ["", "..", ".", "/", "../..", "...", "  ", None, "\n"])
def test_names_with_nothing_usable_are_refused(tmp_path, bad):
    with pytest.raises(ArchiveError):
        safe_component(bad)
    with pytest.raises(ArchiveError):
        new_run(tmp_path, bad, "2024-Q1")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name, expected", [
    ("../../etc", "etc"),
    ("a/b\\c", "a-b-c"),
    (".hidden", "hidden"),
    ("Mầm non Mạ Non", "Mam-non-Ma-Non"),
    ("2024-Q1", "2024-Q1"),
    ("tmnmn_01", "tmnmn_01"),
    ("x;rm -rf ~", "x-rm-rf"),
])
def test_names_are_made_safe(name, expected):
    assert safe_component(name) == expected


def test_odd_names_stay_inside_out(tmp_path):
    out = tmp_path / "out"
    path = make_run(out, unit="../../../../tmp/evil", period="../x/../..")
    assert path.resolve().is_relative_to(out.resolve())
    assert path.relative_to(out).parts == ("tmp-evil", "x", "rev-001")
    assert not (tmp_path / "evil").exists()


def test_input_names_cannot_escape_inputs(tmp_path):
    (tmp_path / "f.csv").write_text("x")
    with new_run(tmp_path / "out", "u", "p") as run:
        target = run.add_input(tmp_path / "f.csv", "../../../f.csv")
    assert (run.path / "inputs" / "f.csv").is_file()
    assert target.name == "f.csv"


def test_failure_leaves_nothing(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(RuntimeError):
        with new_run(out, "u", "p") as run:
            (run.tmp / "partial.html").write_text("half a report")
            raise RuntimeError("notebook failed")
    assert run.path is None
    assert not out.exists()  # the folder the failed run created is gone too

    make_run(out, unit="u", period="p")
    with pytest.raises(RuntimeError):
        with new_run(out, "u", "p") as run:
            raise RuntimeError("again")
    assert [p.name for p in out.iterdir()] == ["u"]  # no .tmp-* left
    assert [p.name for p in (out / "u" / "p").iterdir()] == ["rev-001"]


def test_list_runs(tmp_path):
    make_run(tmp_path, results={"unit": "TMNMN", "period": {"id": "2024-Q1"}})
    make_run(tmp_path)
    make_run(tmp_path, period="2024-Q2")
    shutil.copytree(tmp_path / "TMNMN", tmp_path / ".tmp-abc")  # an unfinished build
    (tmp_path / "TMNMN" / "2024-Q2" / "rev-002").mkdir()  # no manifest: not a run
    (tmp_path / "TMNMN" / "2024-Q1" / "rev-002" / "results.json").write_text("{broken")
    runs = list_runs(tmp_path)
    assert [r.name for r in runs] == ["TMNMN/2024-Q1/rev-001", "TMNMN/2024-Q1/rev-002",
                                      "TMNMN/2024-Q2/rev-001"]
    assert runs[0].results == {"unit": "TMNMN", "period": {"id": "2024-Q1"}}
    assert runs[1].results is None
    assert runs[2].revision == 1 and runs[2].path == tmp_path / "TMNMN" / "2024-Q2" / "rev-001"
    assert list_runs(tmp_path / "missing") == []


def test_concurrent_runs_each_get_their_own_revision(tmp_path):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    workers = 8
    barrier = threading.Barrier(workers)

    def one(i):
        with new_run(tmp_path, "u", "2024-Q1") as run:
            (run.tmp / "results.json").write_text(json.dumps({"worker": i}))
            barrier.wait()  # every run commits at the same moment
        return run.path

    with ThreadPoolExecutor(workers) as pool:
        paths = list(pool.map(one, range(workers)))
    assert sorted(p.name for p in paths) == [f"rev-{n:03d}" for n in range(1, workers + 1)]
    workers_seen = sorted(json.loads((p / "results.json").read_text())["worker"] for p in paths)
    assert workers_seen == list(range(workers))
    assert all(verify(p).ok for p in paths)
