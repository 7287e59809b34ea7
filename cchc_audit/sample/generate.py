"""All ten registers of the sample school as typed DataFrames, from one seeded random generator."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .. import schema
from ..calendar import WorkingCalendar
from ..convert import STRING
from ..plan import load_plan, parse_plan_text
from ..resources import SAMPLE_PLAN, SAMPLE_PLAN_TEXT
from ..schema import REGISTERS, Register
from . import dossiers, feedback, office, publications, tasks
from .arrays import DAY, STR

DEFAULT_UNIT: dict[str, str] = {
    "ten_don_vi": "Trường Mầm non Mạ Non",
    "ma_don_vi": "TMNMN",
    "co_quan_chu_quan": "Ủy ban nhân dân huyện Nhà Bè",
    "dia_danh": "Nhà Bè",
    "ky_hieu": "TMNMN",
    "hieu_truong": "Nguyễn Thị Minh Thư",  # invented
    "dien_thoai": "028 3873 0123",  # invented: the office's, shown in the public report
    "email": "mnmanon.nhabe@example.edu.vn",  # invented
}

TITLE_ROWS = 3  # unit name, register title, blank; the header is the next row
HEADER_ROW = TITLE_ROWS + 1
FIRST_DATA_ROW = HEADER_ROW + 1


def typed_frame(register: Register, data: Mapping) -> pd.DataFrame:
    """Typed as `registers.load_unit` types them, indexed by the XLSX row number."""
    n = len(next(iter(data.values())))
    index = pd.Index(np.arange(FIRST_DATA_ROW, FIRST_DATA_ROW + n, dtype="int64"), name="row")
    columns = {}
    for column in register.columns:
        values = data[column.name]
        kind = column.kind
        if kind == schema.DATE:
            series = pd.Series(np.asarray(values, dtype=DAY), index=index).astype("datetime64[ns]")
        elif kind == schema.BOOL:
            series = pd.Series(values, index=index, dtype="boolean" if column.nullable else bool)
        elif kind in (schema.INT, schema.LEVEL):
            series = pd.Series(values, index=index, dtype="Int64")
        elif kind == schema.NUMBER:
            series = pd.Series(values, index=index, dtype="float64")
        elif isinstance(values, np.ndarray) and values.dtype == STR:
            series = pd.Series(pd.array(values, dtype=STRING), index=index)
        else:
            series = pd.Series(values, index=index, dtype=object).astype(STRING)
        columns[column.name] = series
    return pd.DataFrame(columns, index=index)


def default_task_ids(plan_path: str | Path = SAMPLE_PLAN) -> tuple[str, ...]:
    """The section III task ids of the sample plan (`ke_hoach.yaml`, via `plan.load_plan`).

    Until that file exists, the ids are read from the plan's text with `plan.parse_plan_text`, the
    same numbering the YAML transcribes.
    """
    plan_path = Path(plan_path)
    if plan_path.exists():
        return load_plan(plan_path).task_ids
    items = parse_plan_text(SAMPLE_PLAN_TEXT, sections=("III",))["items"]
    return tuple(items)


def generate_registers(year: int = 2024, *, n_dossiers: int = 600, n_staff: int = 35, seed: int = 2024,
                       task_ids: Sequence[str] | None = None, scale: float = 1.0) -> dict[str, pd.DataFrame]:
    """All ten registers of the sample school for `year`.

    `n_dossiers * scale` dossiers; `scale` also multiplies the other volumes (survey responses,
    payments, documents, letters). `task_ids` are the plan's section III ids (default: the sample
    plan's, see `default_task_ids`).
    """
    if scale <= 0 or n_dossiers < 0 or n_staff < 1:
        raise ValueError("scale must be > 0, n_dossiers >= 0 and n_staff >= 1")
    rng = np.random.default_rng(seed)
    ky_hieu = DEFAULT_UNIT["ky_hieu"]
    cal = WorkingCalendar(year - 1, year + 1)  # the year before: "working days before 1 January"
    if task_ids is None:
        task_ids = default_task_ids()
    procedures = dossiers.thu_tuc(year)
    documents = office.van_ban(rng, cal, year, scale, ky_hieu)
    internal_published = [d for d, internal in zip(procedures["ngay_cong_khai"], procedures["noi_bo"]) if internal]
    # The order of the calls is the order the generator draws in: changing it changes every register.
    data = {
        "thu_tuc": procedures,
        "ho_so": dossiers.ho_so(rng, cal, year, round(n_dossiers * scale), ky_hieu),
        "don_thu": feedback.don_thu(rng, cal, year, scale, "DT"),
        "khao_sat": feedback.khao_sat(rng, cal, year, scale),
        "thanh_toan": office.thanh_toan(rng, cal, year, scale),
        "van_ban": documents,
        "can_bo": office.can_bo(rng, n_staff, DEFAULT_UNIT["hieu_truong"]),
        "he_thong_bao_cao": office.he_thong_bao_cao(),
        "cong_khai": publications.cong_khai(rng, cal, year, internal_published),
        "nhiem_vu": tasks.nhiem_vu(rng, cal, year, task_ids, documents),
    }
    return {name: typed_frame(REGISTERS[name], data[name]) for name in REGISTERS}
