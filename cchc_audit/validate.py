"""Checks across registers and against the plan, after each file has been read on its own."""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np
import pandas as pd

from . import schema
from .checks.tasks import normalize_task_id
from .headers import cell_text
from .problems import Problem
from .problems import ProblemCode as P
from .registers import UnitData

# Vietnam keeps UTC+7 all year: its registers are dated on its clock.
_VIETNAM = dt.timezone(dt.timedelta(hours=7))

# register -> (later date column, earlier date column it may not precede): a result, an answer, an
# appointment, an apology or a deadline cannot come before the dossier or letter was received.
DATE_ORDER = {
    "ho_so": [("ngay_co_ket_qua", "ngay_tiep_nhan"), ("ngay_hen_tra", "ngay_tiep_nhan"),
              ("ngay_hen_lai", "ngay_tiep_nhan"), ("ngay_xin_loi", "ngay_tiep_nhan")],
    "don_thu": [("ngay_giai_quyet", "ngay_nhan"), ("ngay_tra_loi", "ngay_nhan"), ("han_giai_quyet", "ngay_nhan")],
}


def _file(data: UnitData, register: str) -> str:
    return next((i.path.name for i in data.inputs if i.register == register), register)


def run_date() -> dt.date:
    """The day the command runs: the latest date a thing that happened can bear. The later of this
    machine's date and Vietnam's, so that a server on UTC never refuses a school's today."""
    return max(dt.date.today(), dt.datetime.now(_VIETNAM).date())


def _headers(data: UnitData) -> dict[str, dict[str, str]]:
    """Headers as the user wrote them; a frame built in code has none, so its contract names stand in."""
    return {name: {c: data.headers.get(name, {}).get(c, c) for c in frame.columns}
            for name, frame in data.registers.items()}


def _cell(data: UnitData, register: str, column: str, row) -> str:
    letter = data.letters.get(register, {}).get(column)
    return f"{letter}{row}" if letter else ""


def _none_after(values: pd.Series, bound) -> bool:
    """Whether no date of `values` comes after `bound` (a Timestamp, or a column: row by row), as
    numpy tells at once (NaT is after nothing); False when either is not plain datetimes, and then
    pandas compares. Most registers have no such date, and the comparison, fill and selection of
    a frame's column cost more than its dates."""
    if isinstance(bound, pd.Series):
        if not (isinstance(bound.dtype, np.dtype) and bound.dtype.kind == "M"):
            return False
        bound = bound.to_numpy()
    elif isinstance(bound, pd.Timestamp) and bound.tz is None:
        bound = bound.to_datetime64()
    else:
        return False
    if not (isinstance(values.dtype, np.dtype) and values.dtype.kind == "M"):
        return False
    return not (values.to_numpy() > bound).any()


def future_problems(data: UnitData, today: dt.date | None = None) -> list[Problem]:
    """Dates of things that happened (receipt, result, answer, payment...) later than `today`
    (default: the day the command runs). Appointments and deadlines (`Column.ahead`) may lie ahead;
    an event dated today is accepted."""
    today = today or run_date()
    limit = pd.Timestamp(today)
    headers = _headers(data)
    problems = []
    for register, frame in data.registers.items():
        columns = schema.REGISTERS[register].columns if register in schema.REGISTERS else ()
        for column in columns:
            if column.kind != schema.DATE or column.ahead or column.name not in headers[register]:
                continue
            if _none_after(frame[column.name], limit):
                continue
            later = (frame[column.name] > limit).fillna(False)
            for row, value in frame.loc[later, column.name].items():
                problems.append(Problem(_file(data, register), int(row), headers[register][column.name],
                                        cell_text(value.date()), P.FUTURE_DATE, f"{today:%d/%m/%Y}",
                                        _cell(data, register, column.name, row)))
    return problems


def cross_problems(data: UnitData, plan=None) -> list[Problem]:
    problems: list[Problem] = []
    regs = data.registers
    headers = _headers(data)
    cell = functools.partial(_cell, data)

    if "ho_so" in regs and "thu_tuc" in regs:
        known = set(regs["thu_tuc"]["ma_thu_tuc"].dropna())
        codes = regs["ho_so"]["ma_thu_tuc"]
        unknown = codes.notna() & ~codes.isin(known)
        header = headers["ho_so"]["ma_thu_tuc"]
        problems += [Problem(_file(data, "ho_so"), int(row), header, str(value), P.UNKNOWN_PROCEDURE,
                             cell=cell("ho_so", "ma_thu_tuc", row))
                     for row, value in codes[unknown].items()]
    for register, pairs in DATE_ORDER.items():
        if register not in regs:
            continue
        frame = regs[register]
        for later, earlier in pairs:
            if later not in headers[register] or earlier not in headers[register]:
                continue
            if _none_after(frame[earlier], frame[later]):  # no receipt after its answer
                continue
            bad = (frame[later] < frame[earlier]).fillna(False)
            for row, value in frame.loc[bad, later].items():
                problems.append(Problem(_file(data, register), int(row), headers[register][later],
                                        cell_text(value.date()), P.BEFORE_RECEIPT,
                                        f"{headers[register][earlier]} ({frame.at[row, earlier]:%d/%m/%Y})",
                                        cell(register, later, row)))
    if plan is not None and "nhiem_vu" in regs:
        ids = set(plan.task_ids)
        raw = regs["nhiem_vu"]["ma_nhiem_vu"]
        normalized = raw.map(normalize_task_id)
        unknown = raw.notna() & ~normalized.isin(ids)
        sample = ", ".join(list(plan.task_ids)[:3]) + ", ..."
        problems += [Problem(_file(data, "nhiem_vu"), int(row), headers["nhiem_vu"]["ma_nhiem_vu"], str(value),
                             P.UNKNOWN_TASK, sample, cell("nhiem_vu", "ma_nhiem_vu", row))
                     for row, value in raw[unknown].items()]
    return problems


def all_problems(data: UnitData, plan=None, today: dt.date | None = None) -> list[Problem]:
    """Every problem of every file, in file, row, then column order. `today` is the day the
    command runs (tests give another)."""
    found = list(data.problems) + cross_problems(data, plan) + future_problems(data, today)
    return sorted(found, key=Problem.sort_key)
