"""The column work that keeps half a million dossiers fast gives what the plain work gave (issue 16).

Each shortcut is compared with the cell-by-cell rule it replaces: text of cells kept as written,
numbers alone in a row, runs of rows taken as views, text columns typed with the sheet's blank
cells, duplicate codes found through their hashes, the dossier table's procedure look-up, the
reasons of the rows behind a figure; and reading leaves the cycle collector as it found it.
"""

from __future__ import annotations

import datetime as dt
import gc
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cchc_audit import schema
from cchc_audit.audit import run_audit
from cchc_audit.checks.base import Context, items, reason_where
from cchc_audit.checks.dossiers import prepare_dossiers
from cchc_audit.convert import STRING, cell_texts, convert, take_run, text_cells
from cchc_audit.forms import _numbers
from cchc_audit.headers import GridColumns, blank_cells, cell_grid, cell_of, cell_text, distinct
from cchc_audit.plan import load_plan
from cchc_audit.registers import _duplicates, load_unit
from cchc_audit.sample import SAMPLE_PLAN, generate_registers

SAMPLE = Path(__file__).parents[1] / "data" / "sample"

# Every kind of cell a sheet gives, and the awkward numbers among them.
CELLS = ["a", " a ", "", "  ", "\u00a0x\u00a0", "Tổng", 0, 1, -7, 10**20, 0.0, -0.0, 1.0, 2.5, -3.25, 1e20,
         2.0**53, 2.0**53 + 2, float("inf"), float("-inf"), float("nan"), True, False, None,
         dt.date(2024, 1, 15), dt.datetime(2024, 1, 15, 8, 30), dt.datetime(2024, 1, 15),
         np.float64(4.0), np.float64(4.5), np.int64(3)]


def test_cell_texts_are_cell_text_of_each_distinct_cell():
    rng = random.Random(16)
    cells = CELLS * 3 + [float(n) for n in range(2000)] + [f" HS-{n} " for n in range(2000)]
    rng.shuffle(cells)
    column = np.empty(len(cells), dtype=object)
    column[:] = cells
    _, keys = distinct(column)
    assert cell_texts(keys).tolist() == [cell_text(cell_of(key)) for key in keys]
    assert cell_texts([]).tolist() == []


def test_text_cells_are_the_cells_as_written():
    column = np.empty(len(CELLS), dtype=object)
    column[:] = CELLS
    grid = cell_grid([[c] for c in CELLS])
    empty = blank_cells(grid)[:, 0]
    index = pd.Index(np.arange(len(CELLS)) + 1, name="row")
    kept = text_cells(column, empty, index, GridColumns(grid)(0))
    expected = [None if blank else cell_text(c) for c, blank in zip(CELLS, empty)]
    assert kept.dtype == pd.StringDtype("python", na_value=np.nan)
    assert [None if pd.isna(v) else v for v in kept] == expected
    pd.testing.assert_series_equal(kept, text_cells(column, empty, index), check_exact=True)


@pytest.mark.parametrize("positions", [[], [4], [3, 4, 5, 6], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 4],
                                       [5, 4, 3], [2, 2, 3], [0, 9]])
def test_take_run_is_fancy_indexing(positions):
    values = np.arange(10) * 3
    positions = np.asarray(positions, dtype=np.intp)
    taken = take_run(values, positions)
    assert taken.tolist() == values[positions].tolist()
    if len(positions) and (np.diff(positions) == 1).all():
        assert np.shares_memory(taken, values)  # a run of rows is a view, not a copy


def test_numbers_alone_are_told_as_cell_by_cell():
    rng = random.Random(4)
    cells = CELLS * 50
    rng.shuffle(cells)
    column = np.empty(len(cells), dtype=object)
    column[:] = cells
    plain = [isinstance(v, (int, float)) and not isinstance(v, bool) for v in cells]
    assert _numbers(column).tolist() == plain
    assert _numbers(column[:0]).tolist() == []


def test_a_text_column_typed_with_the_sheets_blank_cells_is_typed_alike():
    cells = [f"Nguyễn Văn {n}" for n in range(3000)] + ["", "  ", " x ", "\t"]
    grid = cell_grid([[c] for c in cells])
    columns = GridColumns(grid)
    empty = blank_cells(grid, columns)[:, 0]
    raw = pd.Series(grid[:, 0], index=pd.Index(np.arange(len(cells)) + 1, name="row"), dtype=object)
    column = schema.REGISTERS["ho_so"].column("nguoi_nop")
    plain, plain_bad = convert(raw, column)
    fast, fast_bad = convert(raw, column, columns(0), empty)
    pd.testing.assert_series_equal(fast, plain, check_exact=True)
    assert fast.dtype == STRING and fast_bad == plain_bad == []


def _plain_duplicates(codes: pd.Series, file: str, header: str, letter: str):
    """The rule as it was: every code that repeats, each later row naming the first."""
    from cchc_audit.problems import Problem
    from cchc_audit.problems import ProblemCode as P

    present = codes.dropna()
    first_row, found = {}, []
    for row, code in present[present.duplicated(keep=False)].items():
        if code in first_row:
            found.append(Problem(file, int(row), header, str(code), P.DUPLICATE_CODE, str(first_row[code]),
                                 f"{letter}{row}"))
        else:
            first_row[code] = int(row)
    return found


def test_duplicate_codes_are_found_as_before():
    rng = random.Random(7)
    codes = [f"HS-{n:05d}" for n in range(5000)]
    for at in rng.sample(range(5000), 40):  # pairs, triples, and missing codes among them
        codes[at] = codes[rng.randrange(5000)]
    for at in rng.sample(range(5000), 30):
        codes[at] = None
    column = pd.Series(pd.array(codes, dtype=STRING), index=pd.Index(np.arange(5000) + 5, name="row"))
    found = _duplicates(column, "ho_so.xlsx", "Mã hồ sơ", "B")
    assert found == _plain_duplicates(column, "ho_so.xlsx", "Mã hồ sơ", "B") and found
    assert [repr(p) for p in found] == [repr(p) for p in _plain_duplicates(column, "ho_so.xlsx", "Mã hồ sơ", "B")]
    none = column.iloc[:0]
    assert _duplicates(none, "ho_so.xlsx", "Mã hồ sơ", "B") == []


def _context(registers) -> Context:
    from cchc_audit.audit import build_calendar
    from cchc_audit.periods import parse_period
    from cchc_audit.registers import UnitData
    from cchc_audit.unit import Unit

    period = parse_period("2024")
    data = UnitData(data_dir=Path("."), unit=Unit(folder="t"), registers=registers)
    return Context(period, registers, build_calendar(data, period, None))


def test_the_dossier_table_looks_procedures_up_as_a_map_of_every_dossier():
    registers = generate_registers(n_dossiers=3000)
    dossiers = registers["ho_so"].copy()
    codes = dossiers["ma_thu_tuc"].to_numpy(dtype=object, copy=True)
    codes[::97] = None  # no code
    codes[5::89] = "TTHC-NOT-IN-CATALOGUE"
    dossiers["ma_thu_tuc"] = pd.array(codes, dtype=STRING)
    dossiers.loc[dossiers.index[::13], "trang_thai"] = pd.NA  # the status to infer
    registers["ho_so"] = dossiers
    before = {name: frame.copy() for name, frame in registers.items()}
    table = prepare_dossiers(_context(registers))
    catalogue = registers["thu_tuc"].drop_duplicates("ma_thu_tuc").set_index("ma_thu_tuc")
    for column in ("thoi_han", "don_vi_thoi_han", "ten_thu_tuc"):
        mapped = dossiers["ma_thu_tuc"].map(catalogue[column]).to_numpy()
        expected = pd.array(mapped, dtype=STRING) if catalogue[column].dtype == STRING else mapped
        pd.testing.assert_series_equal(table[f"tt_{column}"], pd.Series(expected, index=dossiers.index,
                                                                         name=f"tt_{column}"), check_exact=True)
    status = dossiers["trang_thai"].astype(STRING)
    inferred = status.fillna(pd.Series(np.where(dossiers["ngay_co_ket_qua"].notna(), "da_giai_quyet",
                                                "dang_giai_quyet"), index=dossiers.index))
    pd.testing.assert_series_equal(table["trang_thai_hieu_luc"], inferred, check_names=False, check_exact=True)
    for name, frame in registers.items():  # the registers themselves untouched
        pd.testing.assert_frame_equal(frame, before[name], check_exact=True)


def test_reasons_of_the_selected_rows_give_the_list_a_reason_per_row_gave():
    frame = pd.DataFrame({"ma_ho_so": [f"HS-{n}" for n in range(8)], "han": pd.to_datetime(
        ["2024-01-02", None, "2024-01-05", None, "2024-02-01", "2024-02-02", None, "2024-03-01"])},
        index=pd.Index(np.arange(8) + 5, name="row"))
    for mask in (np.array([1, 1, 0, 1, 0, 0, 1, 1], bool), np.zeros(8, bool), np.ones(8, bool)):
        full = pd.Series(np.where(frame["han"].isna(), "khong_xac_dinh_han", "tre_han"), index=frame.index)
        picked = reason_where(frame, mask, frame["han"].isna(), "khong_xac_dinh_han", "tre_han")
        pd.testing.assert_frame_equal(items(frame, mask, ["ma_ho_so", "han"], picked),
                                      items(frame, mask, ["ma_ho_so", "han"], full), check_exact=True)


@pytest.mark.parametrize("enabled", [True, False])
def test_reading_leaves_the_cycle_collector_as_it_found_it(enabled, tmp_path):
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        load_unit(SAMPLE)
        assert gc.isenabled() is enabled
        (tmp_path / "ho_so.xlsx").write_bytes(b"not a workbook")  # a file that fails to read
        load_unit(tmp_path)
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


def test_the_sample_audits_alike_twice_after_the_shortcuts():
    """The shared dossier table is built on a shallow copy: a second audit of the same frames sees
    the registers as read, and gives the same figures."""
    data = load_unit(SAMPLE)
    plan = load_plan(SAMPLE_PLAN)
    columns = {name: list(frame.columns) for name, frame in data.registers.items()}
    first = run_audit("2024", SAMPLE, plan, data=data, today=dt.date(2025, 1, 31))
    second = run_audit("2024", SAMPLE, plan, data=data, today=dt.date(2025, 1, 31))
    assert {name: list(frame.columns) for name, frame in data.registers.items()} == columns
    strip = lambda j: {k: v for k, v in j.items() if k != "generated_at"}  # noqa: E731
    assert strip(first.to_json()) == strip(second.to_json())
