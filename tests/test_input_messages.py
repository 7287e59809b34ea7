"""The input side's wording comes from the catalog (locale/*/input.po): every problem code says what
was expected, every notice code has its message, and every error carries a key and its values and
says itself in either language, never a pre-joined "Vietnamese / English" string."""

import datetime as dt

import pytest

from cchc_audit import errors, i18n, params, periods, plan, problems, safeio, sheets
from cchc_audit.problems import Notice, NoticeCode, Problem, ProblemCode


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_every_problem_code_says_what_was_expected(lang):
    missing = [code for code in ProblemCode if not i18n.has(f"expected.{code}", lang)]
    assert missing == []
    for code in ProblemCode:
        text = Problem("f.xlsx", 3, "Ngày", "x", code, "DETAIL").expected(lang)
        assert text and "{" not in text, code


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_every_notice_code_has_a_message(lang):
    missing = [code for code in NoticeCode if not i18n.has(f"notice.{code}", lang)]
    assert missing == []
    for code in NoticeCode:
        message = Notice("f.csv", code, "DETAIL", (4, 5), 2, ";").message(lang)
        assert message.startswith("f.csv: ") and "{" not in message, code


def test_the_codes_are_their_strings():
    assert ProblemCode.BAD_DATE == "bad_date" and f"{ProblemCode.BAD_DATE}" == "bad_date"
    assert Problem("f.csv", 2, "Ngày", "x", ProblemCode.BAD_DATE).to_json()["code"] == "bad_date"


def test_a_problem_reads_in_each_language():
    problem = Problem("ho_so.xlsx", 5, "Ngày tiếp nhận", "31/02/2024", ProblemCode.IMPOSSIBLE_DATE, cell="C5")
    assert problem.message("vi") == ('ho_so.xlsx, dòng 5, cột "Ngày tiếp nhận" (ô C5): giá trị "31/02/2024"; '
                                     "cần một ngày có thật (dd/mm/yyyy)")
    assert problem.message("en") == ('ho_so.xlsx, row 5, column "Ngày tiếp nhận" (cell C5): value "31/02/2024"; '
                                     "expected a real calendar date (dd/mm/yyyy)")


def test_a_csv_notice_names_its_separator_and_an_absent_column_its_fallback():
    assert Notice("a.csv", NoticeCode.CSV_READ, "UTF-8", extra=";").message("vi") == (
        "a.csv: đọc dạng CSV mã hóa UTF-8, phân cách bằng dấu chấm phẩy")
    assert Notice("a.csv", NoticeCode.CSV_READ, "UTF-8", extra="\t").message("en") == (
        "a.csv: read as CSV encoded in UTF-8, tab-separated")
    absent = Notice("a.csv", NoticeCode.COLUMN_ABSENT, "Trạng thái", extra="can_bo.dang_cong_tac")
    assert absent.message("en") == 'a.csv: no column "Trạng thái": every staff member counts as in post'
    other = Notice("a.csv", NoticeCode.COLUMN_ABSENT, "X", extra="ho_so.so_hoa")
    assert other.message("vi").endswith(problems.absent_fallback("no.such", "vi"))


def test_period_labels_come_from_the_catalog():
    assert periods.parse_period("2024-Q3").label("vi") == "Quý III năm 2024"
    assert periods.parse_period("2024-Q3").label("en") == "Q3 2024"
    assert periods.parse_period("2024-H2").label("en") == "Second half of 2024"
    assert periods.parse_period("2024-03").label("vi") == "Tháng 03 năm 2024"
    assert periods.parse_period("2024-03").label("en") == "March 2024"
    assert periods.explicit_period(dt.date(2024, 1, 2), dt.date(2024, 3, 4)).label("en") == "02/01/2024 to 04/03/2024"


def _raised(call):
    with pytest.raises(errors.InputError) as info:
        call()
    return info.value


@pytest.mark.parametrize("call", [
    lambda: periods.parse_period("2024-Q5"),
    lambda: periods.explicit_period(dt.date(2024, 3, 1), dt.date(2024, 2, 1)),
    lambda: safeio.check_relative("../x.txt", "plan.yaml"),
])
def test_errors_carry_a_key_and_say_themselves_in_either_language(call):
    error = _raised(call)
    assert i18n.has(error.key, "vi") and i18n.has(error.key, "en")
    vi, en = error.message("vi"), error.message("en")
    assert vi != en and " / " not in vi and " / " not in en
    assert str(error) == vi


def test_a_plan_error_names_file_entry_and_field_in_each_language(tmp_path):
    path = tmp_path / "ke_hoach.yaml"
    path.write_text("plan: 1\n", encoding="utf-8")
    with pytest.raises(plan.PlanError) as info:
        plan.load_plan(path)
    assert info.value.message("vi") == f"{path}: mục plan, trường '-': phải là một bảng khóa: giá trị"
    assert info.value.message("en") == f"{path}: entry plan, field '-': must be a mapping of key: value"


def test_the_old_names_stay_importable():
    assert plan.PlanError is errors.PlanError and periods.PeriodError is errors.PeriodError
    assert params.ParamsError is errors.ParamsError and params.Issue is errors.Issue
    assert safeio.UnsafeInput is errors.UnsafeInput and sheets.Unreadable is errors.Unreadable


def test_a_params_issue_is_a_key_and_values():
    issue = errors.Issue("p.yaml", "publication_deadline_working_days", 400, "param.count", {"max": 366})
    assert issue.message("vi") == "p.yaml: khóa `publication_deadline_working_days` = 400: cần một số nguyên từ 0 đến 366"
    assert issue.message("en") == "p.yaml: key `publication_deadline_working_days` = 400: expected an integer from 0 to 366"
    spec = errors.Issue("", "--x", 1, "param.index_spec")
    assert spec.message("en") == "command line: key `--x` = 1: expected {points: max points, threshold: ratio 0-1}"
