"""Bad input never gets through: every defect of the corpus (tests/bad_inputs/build.py) is reported
with its file, Excel row, column as written and value, in Vietnamese and in English, all at once;
`validate` and `run` exit 2, and `run` writes nothing under --out, not even the folder.

The CLI runs in-process (`cli.main`): bad input stops before any notebook starts.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from bad_inputs.build import CASES, FORMATS, Expect, Sheet, build, label, write_clean

from cchc_audit import cli, report
from cchc_audit.audit import run_audit
from cchc_audit.registers import load_unit


@pytest.fixture(scope="session")
def clean(tmp_path_factory):
    """The clean small school, once per format."""
    root = tmp_path_factory.mktemp("clean")
    return {fmt: write_clean(root / fmt, fmt) for fmt in FORMATS}


class NoNotebook:
    """Stands in for `execute.execute_notebook` in the many per-defect runs: bad input must never
    reach the notebook. Records any notebook asked for."""

    asked: list = []

    @staticmethod
    def execute_notebook(output, parameters, **kwargs):
        NoNotebook.asked.append(output)
        raise AssertionError("a notebook was started on bad input")


@pytest.fixture
def idle_kernel(monkeypatch):
    from cchc_audit import execute

    NoNotebook.asked = []
    monkeypatch.setattr(execute, "execute_notebook", NoNotebook.execute_notebook)
    yield
    assert NoNotebook.asked == []


def cli_run(capsys, *args):
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def key(problem: dict) -> Expect:
    return Expect(problem["file"], problem["row"], problem["column"], problem["value"], problem["code"])


def lines_naming(text: str, expect: Expect, lang: str) -> list[str]:
    """The lines of a text report that point at the defect: file, row, column and value."""
    row_word, column_word, value_word = ("row", "column", "value") if lang == "en" else ("dòng", "cột", "giá trị")
    wanted = [expect.file + ("," if expect.row is not None else ":")]
    if expect.row is not None:
        wanted.append(f"{row_word} {expect.row}")
    if expect.column is not None:
        wanted.append(f'{column_word} "{expect.column}"')
    if expect.value is not None:
        wanted.append(f'{value_word} "{expect.value}"')
    return [line for line in text.splitlines() if all(w in line for w in wanted)]


def assert_reported(folder: Path, expected: list[Expect], tmp_path: Path, capsys) -> None:
    # validate, as a table for tools, in English: exactly the defects planted, sorted by file then row,
    # each message naming the file, row, column and value.
    code, out, _ = cli_run(capsys, "validate", "--data", folder, "--format", "json", "--lang", "en")
    assert code == 2
    table = json.loads(out)
    assert table["ok"] is False
    found = [key(p) for p in table["problems"]]
    assert sorted(found, key=repr) == sorted(expected, key=repr), table["problems"]
    order = [(p["file"], -1 if p["row"] is None else p["row"]) for p in table["problems"]]
    assert order == sorted(order)
    for problem in table["problems"]:
        assert set(problem) >= {"file", "row", "column", "cell", "value", "code", "expected", "message"}
        assert problem["expected"] and problem["message"].endswith("expected " + problem["expected"])
    messages = "\n".join(p["message"] for p in table["problems"])
    for expect in expected:
        assert lines_naming(messages, expect, "en"), (expect, messages)

    # run, in Vietnamese (the default): the same list on stderr, exit 2, nothing under --out.
    out_dir = tmp_path / "archive" / "reports"
    code, out, err = cli_run(capsys, "run", "--period", "2024-Q1", "--data", folder, "--out", out_dir)
    assert code == 2, err
    assert f"Dữ liệu có {len(expected)} lỗi" in err
    for expect in expected:
        assert lines_naming(err, expect, "vi"), (expect, err)
        assert "cần" in lines_naming(err, expect, "vi")[0]
    assert not out_dir.exists()
    assert not out_dir.parent.exists()
    assert out == ""


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_clean_school_validates_in_xlsx_and_csv(clean, fmt, capsys):
    """XLSX with Vietnamese headers and title rows; CSV in UTF-8 with BOM and `;`."""
    folder = clean[fmt]
    raw = (folder / f"ho_so.{fmt}").read_bytes()
    if fmt == "csv":
        assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw.splitlines()[0]
    else:
        assert load_unit(folder).registers["ho_so"].index[0] > 2  # title rows above the header
    code, out, _ = cli_run(capsys, "validate", "--data", folder)
    assert code == 0, out
    code, out, _ = cli_run(capsys, "validate", "--data", folder, "--format", "csv")
    assert code == 0 and out.splitlines() == ["file,row,column,cell,value,code,expected,message"]


@pytest.mark.parametrize("name, fmt", CASES, ids=[f"{n}-{f}" for n, f in CASES])
def test_each_defect_is_reported_and_nothing_is_written(clean, tmp_path, capsys, idle_kernel, name, fmt):
    folder = tmp_path / "data"
    expected = build(name, fmt, folder, clean[fmt])
    assert expected and all(e.code for e in expected)
    assert_reported(folder, expected, tmp_path, capsys)


@pytest.mark.parametrize("fmt", FORMATS)
def test_several_defects_across_registers_are_reported_at_once(clean, tmp_path, capsys, fmt):
    folder = tmp_path / "data"
    expected = build("several", fmt, folder, clean[fmt])
    assert len({e.file for e in expected}) >= 6
    assert_reported(folder, expected, tmp_path, capsys)
    # validate as text: the same problems, one line each, in both languages.
    for lang, head in (("vi", f"Dữ liệu có {len(expected)} lỗi"), ("en", f"The data has {len(expected)} problem{'s' if len(expected) != 1 else ''}")):
        code, out, _ = cli_run(capsys, "validate", "--data", folder, "--lang", lang)
        assert code == 2 and head in out
        assert len([line for line in out.splitlines() if line.startswith("  - ")]) == len(expected)
        for expect in expected:
            assert lines_naming(out, expect, lang), (expect, out)


def test_the_problem_table_as_csv_names_every_cell(clean, tmp_path, capsys):
    folder = tmp_path / "data"
    expected = build("several", "xlsx", folder, clean["xlsx"])
    code, out, _ = cli_run(capsys, "validate", "--data", folder, "--format", "csv", "--lang", "en")
    assert code == 2
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["file", "row", "column", "cell", "value", "code", "expected", "message"]
    found = {Expect(r["file"], int(r["row"]) if r["row"] else None, r["column"] or None,
                    r["value"].removeprefix("'") if r["value"] else None, r["code"]) for r in rows}
    assert found == set(expected)
    for r in rows:
        if r["column"]:  # a cell: its Excel reference ends with its row
            assert r["cell"].endswith(r["row"]) and r["cell"][0].isalpha()


def test_a_value_a_spreadsheet_would_run_is_inert_in_the_csv_table(clean, tmp_path, capsys):
    folder = tmp_path / "data"
    build("formula_as_text", "csv", folder, clean["csv"])
    code, out, _ = cli_run(capsys, "validate", "--data", folder, "--format", "csv")
    assert code == 2
    value = next(csv.DictReader(io.StringIO(out)))["value"]
    assert value == "'" + '=HYPERLINK("http://x","02/01/2024")'


def test_a_cell_saved_with_its_formula_result_is_read_as_that_result(clean, tmp_path):
    """openpyxl writes a formula with no result; a hyperlink saved with its result is that text."""
    folder = tmp_path / "data"
    build("formula_cached_value", "xlsx", folder, clean["xlsx"])
    frame = load_unit(folder).registers["ho_so"]
    codes = frame["ma_ho_so"].tolist()
    assert codes[0] == codes[1] and not str(codes[1]).startswith("=")


def test_register_markup_is_escaped_in_every_report_fragment(clean, tmp_path):
    """`<script>` in register cells reaches the report fragments as text, in both audiences."""
    folder = tmp_path / "data"
    shutil.copytree(clean["xlsx"], folder)
    payload = '<script>alert("cchc")</script><img src=x onerror=alert(1)>'
    for register, column in (("thu_tuc", "ten_thu_tuc"), ("can_bo", "chuc_vu"), ("nhiem_vu", "minh_chung")):
        sheet = Sheet(folder, register, "xlsx")
        for row in sheet.data_rows():
            sheet.set(row, label(register, column), f"{payload} {row}")
        sheet.save()
    audit = run_audit("2024", folder)
    assert audit.problems == []
    for audience in ("internal", "public"):
        html = "\n".join(report.render(audit, part, lang, audience) for part in report.PARTS for lang in ("vi", "en"))
        assert "<script>alert" not in html and "<img src=x" not in html
        if audience == "internal":
            assert "&lt;script&gt;alert(" in html  # shown, as text
