"""End to end: `cchc-audit run` on the sample school, twice, and what the archive holds.

One test on purpose: each run executes the whole audit notebook.
"""

import json
import subprocess
import sys
from pathlib import Path

from cchc_audit import archive, resources
from cchc_audit.plan import load_plan
from cchc_audit.registers import load_unit

REPO = Path(__file__).resolve().parents[1]
SAMPLE = resources.SAMPLE_DIR
PERSONAL = {"ho_so": ("nguoi_nop", "so_dien_thoai", "so_dinh_danh"), "don_thu": ("nguoi_gui",)}


def run_cli(out: Path, cwd: Path) -> subprocess.CompletedProcess:
    # The console script's own interpreter, from another working directory: what a user does.
    return subprocess.run([sys.executable, "-m", "cchc_audit", "run", "--period", "2024-Q1",
                           "--out", str(out)], cwd=cwd, capture_output=True, text=True, timeout=900)


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_run_archives_a_complete_verifiable_revision(tmp_path, sample_q1):
    # The session's run of the sample (conftest.py), in a copy of its archive since a second run
    # is added below.
    out, _ = sample_q1.copy_archive(tmp_path / "reports")
    done = sample_q1

    unit = load_unit(SAMPLE)
    plan = load_plan(SAMPLE / "ke_hoach.yaml")
    runs = archive.list_runs(out)
    assert [r.revision for r in runs] == [1]
    rev1 = runs[0].path
    assert rev1 == out / archive.safe_component(unit.unit.code) / "2024-Q1" / "rev-001"
    assert str(sample_q1.path) in done.stdout
    assert str(sample_q1.path / "bao-cao-noi-bo.html") in done.stdout
    assert not [p for p in out.iterdir() if p.name.startswith(".tmp-")]

    # What the folder holds.
    for name in ("bao-cao-noi-bo.html", "bao-cao-cong-khai.html", "audit.ipynb", "results.json",
                 "params.yaml", "MANIFEST.sha256"):
        assert (rev1 / name).is_file(), name
    internal = (rev1 / "bao-cao-noi-bo.html").read_text(encoding="utf-8")
    public = (rev1 / "bao-cao-cong-khai.html").read_text(encoding="utf-8")
    assert internal.lstrip().lower().startswith("<!doctype html") and "BÁO CÁO" in internal
    assert public.lstrip().lower().startswith("<!doctype html")
    executed = json.loads((rev1 / "audit.ipynb").read_text(encoding="utf-8"))
    assert executed["metadata"]["papermill"]["parameters"]["period"] == "2024-Q1"

    # results.json: the period, every target of the plan and all 52 section III tasks.
    results = runs[0].results
    assert results["period"] == {**results["period"], "id": "2024-Q1", "start": "2024-01-01",
                                 "end": "2024-03-31"}
    ids = [c["id"] for c in results["checks"]]
    targets = [t.id for t in plan.targets]
    assert set(targets) >= {"II.1.1.a", "II.1.1.b", "II.1.2", "II.1.3", "II.1.4", "II.2.1", "II.2.2",
                            "II.2.3", "II.3", "II.4", "II.5", "II.6.1", "II.6.2", "II.6.3", "II.6.4",
                            "III.3.6.b"}
    assert set(targets) <= set(ids)
    tasks = [i for i in ids if i.startswith("III.") and i not in targets]
    assert len(plan.task_ids) == 52 and set(tasks) == set(plan.task_ids)
    for check in results["checks"]:
        assert check["status"] in ("dat", "khong_dat", "khong_phat_sinh", "thieu_du_lieu", "mien_tru")
        if check["denominator"]:
            assert check["value"] == check["numerator"] / check["denominator"]
    assert "score" in results["index_766"] and results["index_766"]["items"]

    # Every input read is archived, byte for byte.
    # The data folder's files under inputs/<its name>/, as the notebook read them.
    snapshot = rev1 / "inputs" / SAMPLE.name
    archived = {p.relative_to(snapshot).as_posix() for p in snapshot.rglob("*") if p.is_file()}
    expected = {i.path.name for i in unit.inputs} | {"ke_hoach.yaml"}
    if (SAMPLE / "don_vi.yaml").exists():
        expected.add("don_vi.yaml")
    assert expected <= archived
    for name in expected:
        assert (snapshot / name).read_bytes() == (SAMPLE / name).read_bytes()
    parameters = executed["metadata"]["papermill"]["parameters"]
    assert parameters["data_dir"] == f"inputs/{SAMPLE.name}"
    assert parameters["plan"] == f"inputs/{SAMPLE.name}/ke_hoach.yaml"

    # The manifest covers every other file and sha256sum agrees.
    listed = {line.split("  ", 1)[1] for line in (rev1 / "MANIFEST.sha256").read_text().splitlines()}
    assert listed == set(tree_bytes(rev1)) - {"MANIFEST.sha256"}
    check = subprocess.run(["sha256sum", "-c", "--strict", "MANIFEST.sha256"], cwd=rev1,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert archive.verify(rev1).ok

    # The public report carries no personal data of the sample's registers.
    for register, columns in PERSONAL.items():
        frame = unit.registers.get(register)
        if frame is None:
            continue
        for column in columns:
            if column in frame:
                for value in frame[column].dropna().astype(str):
                    if len(value) >= 6:
                        assert value not in public, (register, column)

    # A second run adds rev-002 and leaves rev-001 untouched.
    before = tree_bytes(rev1)
    again = run_cli(out, tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert [r.revision for r in archive.list_runs(out)] == [1, 2]
    assert tree_bytes(rev1) == before
    assert subprocess.run(["sha256sum", "-c", "--quiet", "MANIFEST.sha256"],
                          cwd=rev1.parent / "rev-002").returncode == 0


def _execute_in(folder: Path) -> str:
    """Execute an archived notebook in `folder` as Run All or nbconvert would; return its text."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(folder / "audit.ipynb", as_version=4)
    NotebookClient(nb, resources={"metadata": {"path": str(folder)}}, kernel_name="python3",
                   timeout=300).execute()
    return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))


def test_an_archived_revision_is_a_record_that_re_executes_to_the_same_figures(tmp_path):
    import shutil

    data = tmp_path / "truong"
    shutil.copytree(SAMPLE, data)
    out = tmp_path / "reports"
    done = subprocess.run([sys.executable, "-m", "cchc_audit", "run", "--period", "2024-Q1",
                           "--data", str(data), "--out", str(out)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    rev1 = archive.list_runs(out)[0].path
    before = tree_bytes(rev1)
    # The clerk edits the live registers afterwards: the record must not follow them.
    (data / "ho_so.xlsx").unlink()
    (data / "khao_sat.xlsx").write_bytes(b"not a workbook")

    text = _execute_in(rev1)  # in its own folder
    assert "trùng khớp" in text and "agree" in text, text
    assert tree_bytes(rev1) == before  # nothing written into the revision
    assert archive.verify(rev1).ok

    copy = tmp_path / "elsewhere" / "rev-001"
    shutil.copytree(rev1, copy)
    (copy / "results.json").unlink()  # so the copy writes the figures it computes
    text = _execute_in(copy)
    recomputed = json.loads((copy / "results.json").read_text(encoding="utf-8"))
    original = json.loads(before["results.json"])
    from cchc_audit.audit import same_figures

    assert same_figures(recomputed, original)
    assert recomputed["unit_code"] == original["unit_code"] == "tmnmn"


def test_a_register_replaced_during_the_run_changes_nothing_reported(tmp_path, monkeypatch, capsys):
    """What is validated is what is reported: the notebook reads the revision's own copy of the
    inputs, taken and checked before it starts, so a clerk saving over a register mid-run (here
    with an impossible date and a duplicate code) changes no figure."""
    import shutil

    from cchc_audit import cli, execute

    data = tmp_path / "truong"
    shutil.copytree(SAMPLE, data)
    pristine = (data / "ho_so.xlsx").read_bytes()
    real = execute.execute_notebook

    def clerk_saves_meanwhile(*args, **kwargs):
        (data / "ho_so.xlsx").write_bytes((data / "thu_tuc.xlsx").read_bytes())  # another file entirely
        (data / "khao_sat.xlsx").unlink()
        return real(*args, **kwargs)

    monkeypatch.setattr(execute, "execute_notebook", clerk_saves_meanwhile)
    out = tmp_path / "reports"
    code = cli.main(["run", "--period", "2024-Q1", "--data", str(data), "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    rev = archive.list_runs(out)[0].path
    assert (rev / "inputs" / "truong" / "ho_so.xlsx").read_bytes() == pristine
    assert (rev / "inputs" / "truong" / "khao_sat.xlsx").is_file()
    results = json.loads((rev / "results.json").read_text(encoding="utf-8"))
    by_id = {c["id"]: c for c in results["checks"]}
    assert by_id["II.1.1.a"]["denominator"] > 0 and by_id["II.2.1"]["status"] != "thieu_du_lieu"
    assert archive.verify(rev).ok
