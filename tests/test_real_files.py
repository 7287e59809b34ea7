"""Registers saved by a real spreadsheet program (LibreOffice Calc 7.4, tests/fixtures/real/, made
as tests/fixtures/make_fixtures.md says) read to the same frames and figures as the generator's own
XLSX of the same content (fixtures/real/reference/); an en-US re-save stops with one problem per
column naming the cause. No test here needs LibreOffice."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from bad_inputs.build import write_clean

from cchc_audit import cli, schema
from cchc_audit.audit import run_audit
from cchc_audit.registers import load_unit, read_register

REAL = Path(__file__).resolve().parent / "fixtures" / "real"
REFERENCE = REAL / "reference"
# variant file -> register; each holds the same content as reference/<register>.xlsx
VARIANTS = {
    "calc_resave/ho_so.xlsx": "ho_so",
    "ods/ho_so.ods": "ho_so",
    "xls/thu_tuc.xls": "thu_tuc",
    "cp1258/don_thu.csv": "don_thu",
    "utf16_tab/don_thu.csv": "don_thu",
    "form/thanh_toan.xlsx": "thanh_toan",
    "form/thanh_toan.ods": "thanh_toan",
}


def read(path: Path, register: str):
    notices = []
    frame, _, problems = read_register(path, schema.REGISTERS[register], notices)
    return frame, problems, notices


def contract(frame: pd.DataFrame, register: str) -> pd.DataFrame:
    return frame[[c.name for c in schema.REGISTERS[register].columns]].reset_index(drop=True)


def test_fixtures_are_small_and_saved_by_libreoffice():
    for name in VARIANTS:
        path = REAL / name
        assert path.stat().st_size < 100_000
        if path.suffix in (".xlsx", ".ods"):
            import zipfile

            meta = zipfile.ZipFile(path).read("docProps/app.xml" if path.suffix == ".xlsx" else "meta.xml")
            assert b"LibreOffice" in meta


FORMS = ("form/thanh_toan.xlsx", "form/thanh_toan.ods")


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_each_variant_reads_like_the_reference(variant):
    register = VARIANTS[variant]
    expected, problems, _ = read(REFERENCE / f"{register}.xlsx", register)
    assert problems == [] and len(expected) > 5
    frame, problems, notices = read(REAL / variant, register)
    assert problems == [], [p.message("en") for p in problems]
    pd.testing.assert_frame_equal(contract(frame, register), contract(expected, register))


def test_csv_encodings_and_separators_are_named():
    _, _, notices = read(REAL / "cp1258/don_thu.csv", "don_thu")
    assert [n.message("en") for n in notices] == ["don_thu.csv: read as CSV encoded in Windows-1258, "
                                                  "semicolon-separated"]
    _, _, notices = read(REAL / "utf16_tab/don_thu.csv", "don_thu")
    assert [n.message("vi") for n in notices] == ["don_thu.csv: đọc dạng CSV mã hóa UTF-16, phân cách bằng dấu tab"]


@pytest.mark.parametrize("variant", FORMS)
def test_the_form_is_read_as_a_person_sees_it(variant):
    """A "Hướng dẫn" sheet first, header cells merged over two rows, the column numbers, the payment
    kind merged down its runs, a total row, the place and date line, the signature block and STT
    numbers filled in below: the same rows as the plain register, each skipped part said once."""
    frame, problems, notices = read(REAL / variant, "thanh_toan")
    reference, _, _ = read(REFERENCE / "thanh_toan.xlsx", "thanh_toan")
    assert problems == [] and len(frame) == len(reference)
    codes = [n.code for n in notices]
    assert codes == ["sheet_read", "merged", "column_numbers", "prefilled", "footer_total", "footer_date",
                     "footer_signature"]
    text = {n.code: n.message("vi") for n in notices}
    assert 'trang tính "Sổ thu" (trang 2 trong 2)' in text["sheet_read"]
    assert "tổng cộng" in text["footer_total"] and "ký tên" in text["footer_signature"]
    last = int(frame.index.max())
    total_row = notices[codes.index("footer_total")].rows
    assert total_row == (last + 1,)  # the row right under the last payment


def unit_with(folder: Path, files: dict[str, Path]) -> Path:
    """The clean small school, with these register files in place of its own."""
    for register, path in files.items():
        for old in folder.glob(f"{register}.*"):
            old.unlink()
        shutil.copy(path, folder / f"{register}{path.suffix}")
    return folder


def figures(audit) -> dict:
    return {c.id: (c.status, c.numerator, c.denominator) for c in audit.checks}


def test_a_unit_of_calc_files_gives_the_reference_figures(tmp_path):
    """Every register that LibreOffice saved, at once: the same statuses, numerators and
    denominators, and the same 766 score, as the unit of the generator's XLSX."""
    clean = write_clean(tmp_path / "clean", "xlsx")
    shutil.copytree(clean, tmp_path / "calc")
    reference = unit_with(clean, {r: REFERENCE / f"{r}.xlsx" for r in set(VARIANTS.values())})
    variants = {}
    for variant, register in VARIANTS.items():
        # one file per register
        if variant not in ("calc_resave/ho_so.xlsx", "utf16_tab/don_thu.csv", "form/thanh_toan.ods"):
            variants[register] = REAL / variant
    calc = unit_with(tmp_path / "calc", variants)
    expected, got = run_audit("2024", reference), run_audit("2024", calc)
    assert expected.problems == [] and got.problems == []
    assert figures(got) == figures(expected)
    assert got.index_766.score == expected.index_766.score
    # how the files were read, in the method section
    notes = [n.text("en") for n in got.methodology]
    assert any("don_thu.csv: read as CSV encoded in Windows-1258" in n for n in notes)
    assert any('thanh_toan.xlsx: read from sheet "Sổ thu"' in n for n in notes)


def test_an_en_us_resave_stops_with_the_cause_in_one_screen(tmp_path, capsys):
    """The CSV of ho_so opened in an en-US Calc and saved as xlsx: dates with a day <= 12 became real
    dates with day and month swapped. One problem per date column, naming the cause; no "before
    receipt" wall; exit 2."""
    folder = unit_with(write_clean(tmp_path / "unit", "xlsx"), {"ho_so": REAL / "en_us/ho_so.xlsx"})
    data = load_unit(folder)
    swapped = [p for p in data.problems if p.code == "locale_swapped_dates"]
    assert {p.column for p in swapped} >= {"Ngày tiếp nhận"}
    assert len(swapped) == len({p.column for p in swapped})
    assert "English (US)" in swapped[0].message("en") and "tiếng Anh (Mỹ)" in swapped[0].message("vi")
    assert cli.main(["validate", "--data", str(folder)]) == 2
    out = capsys.readouterr().out
    assert len(out.splitlines()) <= 25 and "before_receipt" not in out and "trước" not in out.split("\n", 1)[1]
