"""The command line: exit codes, and nothing under --out when the input or parameters are bad."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cchc_audit import cli, resources

REPO = Path(__file__).resolve().parents[1]
SAMPLE = resources.SAMPLE_DIR


@pytest.fixture
def data(tmp_path):
    """A unit folder with the sample's plan and one clean register."""
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(SAMPLE / "ke_hoach.yaml", folder)
    shutil.copy(SAMPLE / "ke-hoach-cchc-2024.txt", folder)
    (folder / "can_bo.csv").write_text(
        "Mã cán bộ;Họ tên;Chữ ký số;Thư công vụ\nCB01;Nguyễn Văn A;có;có\nCB02;Trần Thị B;không;có\n",
        encoding="utf-8-sig")
    return folder


def run(args, capsys):
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def assert_nothing_written(out: Path):
    assert not out.exists(), sorted(str(p) for p in out.rglob("*"))


@pytest.mark.parametrize("args", [
    [],                                        # no command
    ["run", "--bogus"],                        # unknown flag
    ["run", "--period"],                       # flag without its value
    ["validate", "--format", "xml"],
    ["frobnicate"],
])
def test_usage_errors_exit_2(tmp_path, capsys, args):
    code, _, err = run(args + (["--out", tmp_path / "out"] if args[:1] == ["run"] else []), capsys)
    assert code == 2
    assert err
    assert_nothing_written(tmp_path / "out")


def test_help_exits_0(capsys):
    code, out, _ = run(["run", "--help"], capsys)
    assert code == 0 and "--params" in out


@pytest.mark.parametrize("args, vi, en", [
    (["--lang", "fr", "--period", "2024-Q1"], "khóa `--lang` = 'fr'", "key `--lang` = 'fr'"),
    ([], "khóa `--period` = (thiếu)", "key `--period` = (missing)"),
    (["--period", "2024-Q7"], "khóa `--period` = '2024-Q7'", "key `--period` = '2024-Q7'"),
    (["--period", "2024", "--data", "/no/such/folder"],
     "Không tìm thấy thư mục dữ liệu", "Data folder not found"),
    (["--period", "2024", "--plan", "/no/such/plan.yaml"],
     "Không tìm thấy tệp kế hoạch", "Plan file not found"),
    (["--period", "2024", "--params", "/no/such/params.yaml"], "/no/such/params.yaml", "/no/such/params.yaml"),
])
def test_bad_parameters_exit_2_and_write_nothing(tmp_path, capsys, data, args, vi, en):
    out = tmp_path / "out"
    args = ["run", "--out", out, "--data", data] + args
    code, _, err = run(args, capsys)
    assert code == 2
    assert vi in err
    assert_nothing_written(out)
    if "--lang" not in args:
        code, _, err = run(args + ["--lang", "en"], capsys)
        assert code == 2
        assert en in err
        assert_nothing_written(out)


def test_bad_params_file_exits_2(tmp_path, capsys, data):
    params = tmp_path / "p.yaml"
    params.write_text(f"period: 2024-Q1\ndata: {data}\nextra_days_off: [30/04/2024]\n", encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = run(["run", "--params", params, "--out", out], capsys)
    assert code == 2
    assert f"{params}: khóa `extra_days_off[0]` = '30/04/2024'" in err
    assert_nothing_written(out)


def test_waiver_of_an_id_not_in_the_plan_exits_2(tmp_path, capsys, data):
    params = tmp_path / "p.yaml"
    params.write_text("period: 2024-Q1\nwaivers: [{check: II.9.9, justification: x, expires: 2024-12-31}]\n",
                      encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = run(["run", "--params", params, "--data", data, "--out", out, "--lang", "en"], capsys)
    assert code == 2
    assert "II.9.9" in err and "not in the plan" in err
    assert_nothing_written(out)


def test_bad_data_exits_2_lists_every_problem_and_writes_nothing(tmp_path, capsys, data):
    (data / "ho_so.csv").write_text(
        "Mã hồ sơ,Mã thủ tục,Ngày tiếp nhận\nHS1,TT1,31/02/2024\nHS1,TT1,\n", encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = run(["run", "--period", "2024-Q1", "--data", data, "--out", out], capsys)
    assert code == 2
    assert "ho_so.csv" in err
    lines = [line for line in err.splitlines() if line.startswith("  - ")]
    assert len(lines) >= 3  # impossible date, empty required cell, duplicate code (at least)
    assert any("dòng 2" in line for line in lines) and any("dòng 3" in line for line in lines)
    assert_nothing_written(out)


def test_validate_clean_and_bad(tmp_path, capsys, data):
    code, out, _ = run(["validate", "--data", data], capsys)
    assert code == 0, out
    assert "can_bo.csv: 2" in out

    code, out, _ = run(["validate", "--data", data, "--format", "json"], capsys)
    report = json.loads(out)
    assert code == 0 and report["ok"] is True and report["problems"] == []
    assert report["registers"][0]["register"] == "can_bo" and report["registers"][0]["rows"] == 2

    (data / "nhiem_vu.csv").write_text(
        "Mã nhiệm vụ,Ngày,Trạng thái,Minh chứng\nIII.9.99,05/03/2024,hoan_thanh,QĐ 12\n"
        "III.1.1,2024-13-01,hoan_thanh,QĐ 13\n", encoding="utf-8")
    code, out, _ = run(["validate", "--data", data, "--lang", "en"], capsys)
    assert code == 2
    assert "nhiem_vu.csv" in out and "III.9.99" in out  # a task id not in the plan
    assert "row 3" in out and "2024-13-01" in out

    code, out, _ = run(["validate", "--data", data, "--format", "json", "--lang", "en"], capsys)
    report = json.loads(out)
    assert code == 2 and report["ok"] is False
    assert {(p["file"], p["row"]) for p in report["problems"]} >= {("nhiem_vu.csv", 2), ("nhiem_vu.csv", 3)}


def test_validate_missing_folder_exits_2(tmp_path, capsys):
    code, _, err = run(["validate", "--data", tmp_path / "none"], capsys)
    assert code == 2 and "Không tìm thấy" in err


def test_validate_the_sample_is_clean(capsys):
    code, out, _ = run(["validate"], capsys)
    assert code == 0, out


def test_console_script_and_module_entry_point(tmp_path):
    """`python -m cchc_audit` behaves as the CLI, with the exit code reaching the shell."""
    done = subprocess.run([sys.executable, "-m", "cchc_audit", "run", "--lang", "en",
                           "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert done.returncode == 2
    assert "--period" in done.stderr
    assert_nothing_written(tmp_path / "out")


def test_unexpected_failure_exits_1_and_leaves_no_run(tmp_path, capsys, data, monkeypatch):
    from cchc_audit import execute

    def broken(*args, **kwargs):
        raise RuntimeError("kernel died")

    monkeypatch.setattr(execute, "execute_notebook", broken)
    out = tmp_path / "out"
    code, _, err = run(["run", "--period", "2024-Q1", "--data", data, "--out", out], capsys)
    assert code == 1
    assert "kernel died" in err
    assert_nothing_written(out)


def test_a_failing_notebook_exits_1_with_one_line_and_leaves_no_run(tmp_path, capsys, data, monkeypatch):
    import functools

    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from cchc_audit import execute

    nb = new_notebook()
    params = new_code_cell('period = ""\ndata_dir = ""\nplan = ""\nlang = "vi"\nparams_file = ""\noutput_dir = ""')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, new_code_cell("raise ValueError('sổ hỏng / broken register')")]
    notebook = tmp_path / "failing.ipynb"
    nbformat.write(nb, notebook)
    monkeypatch.setattr(execute, "execute_notebook",
                        functools.partial(execute.execute_notebook, notebook=notebook))
    out = tmp_path / "out"
    code, _, err = run(["run", "--period", "2024-Q1", "--data", data, "--out", out, "--lang", "en"], capsys)
    assert code == 1
    assert re.search(r"^Error: notebook audit.ipynb failed in cell \d+: ValueError: sổ hỏng / broken register$",
                     err, re.M), err
    assert_nothing_written(out)


def test_sample_writes_a_folder_that_validates_and_can_be_audited(tmp_path, capsys):
    out = tmp_path / "school"
    code, stdout, _ = run(["sample", "--out", out, "--format", "csv"], capsys)
    assert code == 0
    names = {p.name for p in out.iterdir()}
    assert {"ho_so.csv", "nhiem_vu.csv", "don_vi.yaml", "ke_hoach.yaml", "ke-hoach-cchc-2024.txt"} <= names
    assert str(out / "ho_so.csv") in stdout
    code, stdout, _ = run(["validate", "--data", out], capsys)
    assert code == 0, stdout


def test_sample_regenerate_never_writes_over_a_schools_folder(tmp_path, capsys):
    folder = tmp_path / "truong"
    folder.mkdir()
    (folder / "ho_so.csv").write_text("the school's own register", encoding="utf-8")
    code, _, err = run(["sample", "--out", folder, "--regenerate", "--format", "csv", "--lang", "en"], capsys)
    assert code == 2 and "ho_so.csv" in err and "never overwritten" in err
    assert (folder / "ho_so.csv").read_text(encoding="utf-8") == "the school's own register"
    assert sorted(p.name for p in folder.iterdir()) == ["ho_so.csv"]


@pytest.mark.parametrize("args, code", [(["validate"], 0), (["validate", "--data", "/nowhere"], 2),
                                        (["sample", "--out", "{tmp}/s", "--format", "bogus"], 2)])
def test_the_command_says_everything_before_it_leaves(tmp_path, args, code):
    """`run`, `batch` and `validate` leave with os._exit once done (cli.entry): what they print
    still reaches a pipe whole, and the exit status is main()'s; other commands exit as usual."""
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    done = subprocess.run([str(Path(sys.executable).parent / "cchc-audit"), *args, "--lang", "en"],
                          capture_output=True, text=True, timeout=300)
    again = subprocess.run([sys.executable, "-m", "cchc_audit", *args, "--lang", "en"],
                           capture_output=True, text=True, timeout=300)
    expected = cli.main([*args, "--lang", "en"])
    assert done.returncode == again.returncode == expected == code, done.stderr
    if code == 0:
        assert done.stdout.strip() and done.stdout == again.stdout
    else:
        assert done.stderr.strip() and done.stderr == again.stderr


def test_the_command_runs_the_collector_less_often(monkeypatch):
    """The command's process raises the collector's youngest threshold (cli.GC_THRESHOLD), the
    older generations' are left as they were; a library user's process is not touched."""
    import gc

    before = gc.get_threshold()
    seen = {}

    def main(argv):
        seen["threshold"] = gc.get_threshold()
        return 0

    monkeypatch.setattr(cli, "main", main)
    monkeypatch.setattr(sys, "argv", ["cchc-audit", "sample"])  # not a fast-exit command: sys.exit
    try:
        with pytest.raises(SystemExit) as done:
            cli.entry()
    finally:
        gc.set_threshold(*before)
    assert done.value.code == 0
    assert seen["threshold"] == (cli.GC_THRESHOLD, *before[1:])
    assert cli.GC_THRESHOLD > before[0]
