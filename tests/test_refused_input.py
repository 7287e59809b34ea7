"""Inputs that make no sense are refused, not reported (DOMAIN.md): a period outside the plan's year,
a folder without registers, a date of something that happened later than the day the command runs;
a missing don_vi.yaml key leaves a blank, never the folder's name; `validate` without a plan says that
task ids were not checked.

Logic is tested on its own; the CLI in-process, stopping before any notebook; one notebook run, for
the unit without a name (the name reaches the report through the notebook and the exports).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from unitdata import CATALOGUE, make_unit
from unitdata import audit as audit_of

from cchc_audit import cli, pipeline, report, schema, validate
from cchc_audit.archive import INTERNAL_HTML, PUBLIC_HTML
from cchc_audit.messages import label
from cchc_audit.params import resolve
from cchc_audit.periods import explicit_period, in_year, parse_period
from cchc_audit.plan import load_plan
from cchc_audit.registers import UnitData, load_unit
from cchc_audit.unit import Unit, load_unit_info

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample"
PLAN = load_plan(SAMPLE / "ke_hoach.yaml")
TODAY = dt.date(2024, 5, 20)

# DOMAIN.md: receipt, result, apology, answer, resolution, publication, payment, document, survey,
# evidence happened; appointments and deadlines may lie ahead.
EVENTS = {
    ("thu_tuc", "ngay_cong_khai"), ("ho_so", "ngay_tiep_nhan"), ("ho_so", "ngay_co_ket_qua"),
    ("ho_so", "ngay_xin_loi"), ("don_thu", "ngay_nhan"), ("don_thu", "ngay_giai_quyet"),
    ("don_thu", "ngay_tra_loi"), ("don_thu", "ngay_cong_khai"), ("khao_sat", "ngay"),
    ("thanh_toan", "ngay"), ("van_ban", "ngay"), ("cong_khai", "ngay_dang"), ("nhiem_vu", "ngay"),
}
AHEAD = {("ho_so", "ngay_hen_tra"), ("ho_so", "ngay_hen_lai"), ("don_thu", "han_giai_quyet")}


def run_cli(capsys, *args):
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def assert_nothing_written(out: Path):
    assert not out.exists(), sorted(str(p) for p in out.rglob("*"))


@pytest.fixture
def no_notebook(monkeypatch):
    """`run` must stop before any notebook: a notebook asked for fails the test."""
    from cchc_audit import execute

    def refuse(*args, **kwargs):
        raise AssertionError("a notebook was started on input that must be refused")

    monkeypatch.setattr(execute, "execute_notebook", refuse)


@pytest.fixture
def unit(tmp_path):
    """A clean unit (sample plan, one dossier, the catalogue) dated well before any real today."""
    return make_unit(tmp_path / "unit", {
        "thu_tuc": CATALOGUE,
        "ho_so": [{"ma_ho_so": "HS1", "ma_thu_tuc": "TT1", "ngay_tiep_nhan": "02/01/2024",
                   "ngay_co_ket_qua": "04/01/2024"}],
    })


# --- dates of things that happened, after today -------------------------------------------------

def test_the_schema_marks_exactly_appointments_and_deadlines_as_ahead():
    dates = {(r.name, c.name): c.ahead for r in schema.REGISTERS.values() for c in r.columns
             if c.kind == schema.DATE}
    assert {k for k, ahead in dates.items() if ahead} == AHEAD
    assert {k for k, ahead in dates.items() if not ahead} == EVENTS


def frame_data(register: str, column: str, value: dt.date) -> UnitData:
    """One register built in code: one row (Excel row 5) whose `column` holds `value`."""
    frame = pd.DataFrame({c.name: pd.Series([pd.NaT], dtype="datetime64[ns]", index=[5])
                          for c in schema.REGISTERS[register].columns if c.kind == schema.DATE})
    frame[column] = pd.Series([pd.Timestamp(value)], index=[5], dtype="datetime64[ns]")
    return UnitData(Path("x"), Unit(), registers={register: frame})


@pytest.mark.parametrize("register, column", sorted(EVENTS))
def test_an_event_after_today_is_a_problem_today_itself_is_not(register, column):
    tomorrow = TODAY + dt.timedelta(days=1)
    problems = validate.future_problems(frame_data(register, column, tomorrow), TODAY)
    assert [(p.file, p.row, p.column, p.value, p.code, p.detail) for p in problems] == [
        (register, 5, column, tomorrow.strftime("%d/%m/%Y"), "future_date", "20/05/2024")]
    assert validate.future_problems(frame_data(register, column, TODAY), TODAY) == []


@pytest.mark.parametrize("register, column", sorted(AHEAD))
def test_appointments_and_deadlines_may_lie_ahead(register, column):
    assert validate.future_problems(frame_data(register, column, TODAY + dt.timedelta(days=400)), TODAY) == []


def test_a_future_date_in_a_file_names_file_row_column_and_value_in_both_languages(tmp_path):
    folder = make_unit(tmp_path / "unit", {
        "thu_tuc": CATALOGUE,
        "ho_so": [{"ma_ho_so": "HS1", "ma_thu_tuc": "TT1", "ngay_tiep_nhan": "02/01/2024",
                   "ngay_co_ket_qua": "09/01/2042", "ngay_hen_tra": "10/01/2042"}],
    })
    problems = validate.all_problems(load_unit(folder), PLAN, today=TODAY)
    assert [(p.file, p.row, p.column, p.value, p.code, p.cell) for p in problems] == [
        ("ho_so.csv", 2, "Ngày có kết quả", "09/01/2042", "future_date", "D2")]  # the 4th column written
    assert problems[0].message("vi").startswith(
        'ho_so.csv, dòng 2, cột "Ngày có kết quả" (ô D2): giá trị "09/01/2042"; cần một ngày không sau hôm nay, '
        "20/05/2024")
    assert 'expected a date not after today, 20/05/2024' in problems[0].message("en")


def test_run_date_is_never_before_the_machines_date():
    today = dt.date.today()
    assert today <= validate.run_date() <= today + dt.timedelta(days=1)


def test_validate_and_run_refuse_a_date_after_the_run_date_and_accept_one_on_it(
        tmp_path, capsys, monkeypatch, no_notebook):
    folder = make_unit(tmp_path / "unit", {
        "thu_tuc": CATALOGUE,
        "ho_so": [{"ma_ho_so": "HS1", "ma_thu_tuc": "TT1", "ngay_tiep_nhan": "02/01/2024",
                   "ngay_co_ket_qua": "20/05/2024"}],
    })
    monkeypatch.setattr(validate, "run_date", lambda: TODAY)
    code, out, _ = run_cli(capsys, "validate", "--data", folder)
    assert code == 0, out
    monkeypatch.setattr(validate, "run_date", lambda: TODAY - dt.timedelta(days=1))
    code, out, _ = run_cli(capsys, "validate", "--data", folder, "--lang", "en")
    assert code == 2
    assert 'ho_so.csv, row 2, column "Ngày có kết quả" (cell D2): value "20/05/2024"; expected a date not ' \
           "after today, 19/05/2024" in out
    archive = tmp_path / "out"
    code, _, err = run_cli(capsys, "run", "--period", "2024-Q2", "--data", folder, "--out", archive)
    assert code == 2 and "cần một ngày không sau hôm nay, 19/05/2024" in err
    assert_nothing_written(archive)


# --- a folder without registers ------------------------------------------------------------------

def test_a_folder_without_registers_is_one_problem(tmp_path):
    folder = tmp_path / "truong"
    folder.mkdir()
    shutil.copy(SAMPLE / "ke_hoach.yaml", folder)
    (folder / "ghi-chu.txt").write_text("không phải sổ", encoding="utf-8")
    problems = load_unit(folder).problems
    assert [(p.file, p.row, p.column, p.value, p.code) for p in problems] == [
        ("truong/", None, None, None, "no_register")]
    assert "ho_so.xlsx" in problems[0].message("vi") and "nhiem_vu" in problems[0].message("en")


def test_a_folder_with_a_register_has_no_such_problem(unit):
    assert [p.code for p in load_unit(unit).problems] == []


def test_validate_and_run_refuse_a_folder_without_registers(tmp_path, capsys, no_notebook):
    folder = tmp_path / "empty"
    folder.mkdir()
    code, out, _ = run_cli(capsys, "validate", "--data", folder)
    assert code == 2 and "empty/: cần ít nhất một sổ" in out
    code, out, _ = run_cli(capsys, "validate", "--data", folder, "--format", "json", "--lang", "en")
    table = json.loads(out)
    assert code == 2 and table["ok"] is False and [p["code"] for p in table["problems"]] == ["no_register"]
    archive = tmp_path / "out"
    code, _, err = run_cli(capsys, "run", "--period", "2024", "--data", folder,
                           "--plan", SAMPLE / "ke_hoach.yaml", "--out", archive, "--lang", "en")
    assert code == 2 and "empty/: expected at least one register" in err
    assert_nothing_written(archive)


# --- a period outside the plan's year -------------------------------------------------------------

@pytest.mark.parametrize("period, convention, inside", [
    ("2024", "calendar", True), ("2024-H2", "calendar", True), ("2024-12", "calendar", True),
    ("2024-Q1", "cutoff", True),  # 15/12/2023 to 14/03/2024: the plan's first quarter
    ("2024", "cutoff", True),
    ("2023", "calendar", False), ("2023-Q4", "calendar", False), ("2023-12", "cutoff", False),
    ("2025-01", "calendar", False), ("2025-Q1", "cutoff", False),  # starts 15/12/2024, ends in 2025
])
def test_a_period_is_in_the_plan_year_under_either_convention(period, convention, inside):
    assert in_year(parse_period(period, convention), 2024) is inside


@pytest.mark.parametrize("start, end, inside", [
    ((2023, 12, 15), (2024, 3, 14), True), ((2024, 1, 1), (2024, 12, 31), True),
    ((2023, 12, 14), (2024, 3, 14), False), ((2024, 6, 1), (2025, 1, 1), False),
    ((2023, 12, 15), (2023, 12, 31), False),  # inside the cut-off year's span but all in 2023
])
def test_explicit_dates_are_in_the_plan_year(start, end, inside):
    assert in_year(explicit_period(dt.date(*start), dt.date(*end)), 2024) is inside


def test_a_period_issue_says_where_the_period_was_given(tmp_path):
    flag = resolve(None, period="2023", data=str(SAMPLE))
    [issue] = flag.period_issues(flag.period_range(), PLAN)
    assert (issue.source, issue.key, issue.value) == ("", "--period", "2023")
    assert issue.message("vi") == ("dòng lệnh: khóa `--period` = '2023': cần một kỳ của năm 2024, năm của kế "
                                   "hoạch 040/KH-TMNMN (ke_hoach.yaml): 2024, 2024-H1, 2024-Q1, 2024-03...")
    assert issue.message("en").startswith("command line: key `--period` = '2023': expected a period of 2024")

    params_file = tmp_path / "p.yaml"
    params_file.write_text(f"period: 2025-Q1\ndata: {SAMPLE}\n", encoding="utf-8")
    from_file = resolve(params_file)
    [issue] = from_file.period_issues(from_file.period_range(), PLAN)
    assert (issue.source, issue.key, issue.value) == (str(params_file), "period", "2025-Q1")

    params_file.write_text(f"start: 2024-06-01\nend: 2025-01-31\ndata: {SAMPLE}\n", encoding="utf-8")
    explicit = resolve(params_file)
    [issue] = explicit.period_issues(explicit.period_range(), PLAN)
    assert (issue.key, issue.value) == ("end", "2025-01-31")
    assert "2023-12-15" in issue.message("vi") and "2024-12-31" in issue.message("en")

    inside = resolve(None, period="2024-Q1", convention="cutoff", data=str(SAMPLE))
    assert inside.period_issues(inside.period_range(), PLAN) == []


def test_run_refuses_a_period_outside_the_plan_year_with_the_data_problems(tmp_path, capsys, unit, no_notebook):
    (unit / "khao_sat.csv").write_text("Mã phiếu,Ngày,Lĩnh vực,Mức độ\nP1,03/04/2024,tthc,7\n", encoding="utf-8")
    archive = tmp_path / "out"
    code, _, err = run_cli(capsys, "run", "--period", "2023", "--data", unit, "--out", archive)
    assert code == 2
    assert "dòng lệnh: khóa `--period` = '2023': cần một kỳ của năm 2024" in err
    assert 'khao_sat.csv, dòng 2, cột "Mức độ"' in err  # one pass shows everything to fix
    assert_nothing_written(archive)


def test_batch_refuses_a_period_outside_every_plan_before_any_worker(tmp_path, capsys, monkeypatch):
    from cchc_audit import batch

    def no_round(*args, **kwargs):
        raise AssertionError("a round was started for a period no plan covers")

    monkeypatch.setattr(batch, "run_round", no_round)
    root = tmp_path / "district"
    for name in ("truong-a", "truong-b"):
        make_unit(root / name, {"thu_tuc": CATALOGUE})
    archive = tmp_path / "out"
    code, _, err = run_cli(capsys, "batch", "--period", "2023", "--data-root", root, "--out", archive)
    assert code == 2 and "dòng lệnh: khóa `--period` = '2023': cần một kỳ của năm 2024" in err
    assert_nothing_written(archive)

    # One unit whose plan is of 2023: that unit can audit the period, the round goes on.
    plan = root / "truong-b" / "ke_hoach.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("  year: 2024", "  year: 2023"), encoding="utf-8")
    units = batch.discover_units(root)
    params = resolve(None, period="2023")
    assert batch.period_outside_every_plan(units, params, params.period_range()) == []


# --- a missing don_vi.yaml key leaves a blank --------------------------------------------------

def test_a_unit_without_don_vi_yaml_has_no_name(tmp_path):
    folder = tmp_path / "truong-abc"
    folder.mkdir()
    unit = load_unit_info(folder)
    assert unit.name == "" and unit.ten_don_vi is None
    assert unit.code == "truong_abc"  # the archive's folder still needs an identifier


def test_the_header_and_opening_leave_a_blank_for_a_missing_name(tmp_path):
    audit = audit_of(make_unit(tmp_path / "truong-xyz", {"thu_tuc": CATALOGUE}))
    for lang in ("vi", "en"):
        head = report.render(audit, "header", lang, "internal")
        assert '<div class="unit-name"></div>' in head
        assert "XYZ" not in head.upper()
        blank = label("blank", lang)
        assert (f"năm 2024, {blank} báo cáo kết quả" if lang == "vi" else f"), {blank} reports") in head
    assert audit.to_json()["unit"] == ""


def test_the_title_leaves_out_a_missing_name():
    period = parse_period("2024-Q1")
    assert pipeline.run_title("", period, "vi") == "Quý I năm 2024"
    assert pipeline.run_title("Trường Mầm non A", period, "en") == "Trường Mầm non A — Q1 2024"


def test_a_run_without_don_vi_yaml_names_no_unit_anywhere(tmp_path, capsys):
    """One notebook run: the report, results.json and the front page show a blank, not the folder."""
    folder = make_unit(tmp_path / "vo-danh-xyz", {
        "thu_tuc": CATALOGUE,
        "ho_so": [{"ma_ho_so": "HS1", "ma_thu_tuc": "TT1", "ngay_tiep_nhan": "02/01/2024",
                   "ngay_co_ket_qua": "04/01/2024"}],
    })
    archive = tmp_path / "out"
    code, out, err = run_cli(capsys, "run", "--period", "2024-Q1", "--data", folder, "--out", archive)
    assert code == 0, err
    run = archive / "vo_danh_xyz" / "2024-Q1" / "rev-001"
    folder_name = re.compile(r"vo.danh.xyz", re.I)
    for name in (INTERNAL_HTML, PUBLIC_HTML):
        html = (run / name).read_text(encoding="utf-8")
        assert not folder_name.search(html), name
        assert '<div class="unit-name"></div>' in html
        assert re.search(r"<title>Báo cáo (nội bộ|công khai) — Quý I năm 2024</title>", html)
        if name == INTERNAL_HTML:  # the opening line; the public report's first screen
            assert f"năm 2024, {label('blank')} báo cáo kết quả tự kiểm tra" in html
        else:
            assert f"đến ngày 31/03/2024), {label('blank')} đạt " in html
    assert json.loads((run / "results.json").read_text(encoding="utf-8"))["unit"] == ""
    front = (archive / "index.html").read_text(encoding="utf-8")
    assert '<h2><span class="mono">vo_danh_xyz</span></h2>' in front  # the code, as a code, and no name


def test_the_roll_up_shows_a_unit_without_a_name_by_its_code(tmp_path):
    from cchc_audit import rollup
    from cchc_audit.batch import Outcome, summary

    run = tmp_path / "vo_danh" / "2024-Q1" / "rev-001"
    run.mkdir(parents=True)
    (run / "results.json").write_text(json.dumps({"unit": "", "checks": []}), encoding="utf-8")
    outcomes = [Outcome("vo_danh", "", str(tmp_path / "vo-danh"), "ok", run=str(run)),
                Outcome("mnb", "", str(tmp_path / "mnb"), "bad_input", "x")]
    built = rollup.build(rollup.load_units(outcomes), parse_period("2024-Q1"), ("q", ""), links_from=tmp_path)
    assert [u["name"] for u in built["units"]] == ["", ""]
    html = rollup.render_html(built)
    assert re.search(r'<a href="[^"]*bao-cao-noi-bo.html">vo_danh</a>', html)
    assert "  - mnb: " in summary(outcomes, "en") and "()" not in summary(outcomes, "en")


# --- validate without a plan -----------------------------------------------------------------------

def test_validate_without_a_plan_says_task_ids_were_not_checked(unit, capsys):
    (unit / "ke_hoach.yaml").unlink()
    (unit / "nhiem_vu.csv").write_text("Mã nhiệm vụ,Ngày,Trạng thái,Minh chứng\nIII.9.99,05/03/2024,hoan_thanh,QĐ 1\n",
                                       encoding="utf-8")
    code, out, _ = run_cli(capsys, "validate", "--data", unit)
    assert code == 0, out
    assert "Dữ liệu hợp lệ" in out
    assert "mã nhiệm vụ (sổ nhiem_vu) CHƯA được đối chiếu" in out and "--plan" in out and "ke_hoach.yaml" in out
    code, out, _ = run_cli(capsys, "validate", "--data", unit, "--lang", "en")
    assert code == 0 and "task ids (the nhiem_vu register) were NOT checked" in out
    code, out, _ = run_cli(capsys, "validate", "--data", unit, "--format", "json")
    table = json.loads(out)
    assert code == 0 and table["ok"] is True and table["task_ids_checked"] is False and "--plan" in table["notice"]
    code, out, err = run_cli(capsys, "validate", "--data", unit, "--format", "csv")
    assert code == 0 and "CHƯA được đối chiếu" in err and "CHƯA" not in out  # the table stays a table

    # Given the plan, the unknown id is found and nothing is said about a missing plan.
    code, out, _ = run_cli(capsys, "validate", "--data", unit, "--plan", SAMPLE / "ke_hoach.yaml")
    assert code == 2 and "III.9.99" in out and "CHƯA được đối chiếu" not in out
    code, out, _ = run_cli(capsys, "validate", "--data", unit, "--plan", SAMPLE / "ke_hoach.yaml",
                           "--format", "json")
    assert json.loads(out)["task_ids_checked"] is True and json.loads(out)["notice"] is None
