"""A unit's folder as a school hands it in: each register as XLSX (with reproducible bytes) or CSV,
and `don_vi.yaml`."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from .. import schema
from ..resources import SAMPLE_DIR
from ..schema import REGISTERS, Register
from .generate import DEFAULT_UNIT, FIRST_DATA_ROW, generate_registers

# Booleans written "Có"/"Không"; the rest "x"/empty. `dang_cong_tac` must not be "x"/empty: there an
# empty cell means true. Nullable booleans need "Không" to differ from empty.
_YES_NO = {("thu_tuc", "noi_bo"), ("thu_tuc", "co_phi"), ("can_bo", "dang_cong_tac"), ("can_bo", "chu_ky_so"),
           ("can_bo", "thu_cong_vu"), ("he_thong_bao_cao", "ket_noi_huyen")}
_LEVEL_AS_LABEL = {("khao_sat", "muc_do")}
TEXT_DATE_SHARE = 0.03  # date cells typed as dd/mm/yyyy text, as clerks do
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # zip entry timestamps: reproducible bytes


def _display(register: Register, frame: pd.DataFrame, *, csv: bool) -> dict[str, list]:
    """Each column as the cells a school's file holds (Python values for XLSX, text for CSV)."""
    rng = np.random.default_rng(zlib.crc32(register.name.encode()))
    out: dict[str, list] = {}
    n = len(frame)
    for column in register.columns:
        s = frame[column.name] if column.name in frame.columns else pd.Series([None] * n, index=frame.index)
        missing = s.isna().to_numpy()
        kind = column.kind
        if kind == schema.DATE:
            text = pd.Series(s).dt.strftime("%d/%m/%Y").astype(object)
            if csv:
                values = text.to_numpy()
            else:
                values = np.array(pd.Series(s).dt.date.to_numpy(), dtype=object)
                as_text = rng.random(n) < TEXT_DATE_SHARE
                values[as_text] = text.to_numpy()[as_text]
        elif kind == schema.BOOL:
            truth = s.fillna(False).to_numpy(bool)
            if (register.name, column.name) in _YES_NO or column.nullable:
                values = np.where(truth, "Có", "Không").astype(object)
            else:
                values = np.where(truth, "x", None).astype(object)
        elif kind == schema.ENUM:
            labels = {code: spellings[0] for code, spellings in column.choices.items()}
            values = s.astype(object).map(labels).to_numpy(dtype=object)
        elif kind == schema.LEVEL and (register.name, column.name) in _LEVEL_AS_LABEL:
            values = s.astype(object).map(schema.LEVEL_LABELS).to_numpy(dtype=object)
        elif kind in (schema.INT, schema.NUMBER, schema.LEVEL):
            values = np.array([None if v is None or v is pd.NA or v != v else int(v) if float(v).is_integer()
                               else float(v) for v in s.astype(object)], dtype=object)
        elif kind == schema.MONTH:  # "2024-05" -> "05/2024", the Vietnamese way
            values = s.astype(object).map(lambda v: f"{v[5:7]}/{v[:4]}" if isinstance(v, str) else None).to_numpy()
        else:
            values = s.astype(object).to_numpy()
        values = np.array(values, dtype=object)  # a writable copy
        values[missing] = None
        if csv:
            values = np.array(["" if v is None else str(v) for v in values], dtype=object)
        out[column.label_vi] = values.tolist()
    return out


def _register_title(register: Register, year: int | None) -> str:
    title = register.title_vi.upper()
    return f"{title} NĂM {year}" if year else title


def _xlsx_bytes(register: Register, columns: dict[str, list], unit: Mapping, year: int | None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    labels = ["STT", *columns]
    kinds = [None, *(c.kind for c in register.columns)]
    wb = Workbook(write_only=True)
    sheet_title = re.sub(r"[\[\]:*?/\\]", " ", register.title_vi)[:31].strip()
    ws = wb.create_sheet(sheet_title)
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    for i, label in enumerate(labels, start=1):
        width = 6 if i == 1 else min(max(12, len(label) + 4), 40)
        ws.column_dimensions[get_column_letter(i)].width = width

    def title_row(text, size):
        cells = []
        for i in range(len(labels)):
            cell = WriteOnlyCell(ws, value=text if i == 0 else None)
            cell.font = Font(name="Times New Roman", bold=True, size=size)
            cell.alignment = Alignment(horizontal="centerContinuous")
            cells.append(cell)
        return cells

    ws.append(title_row(str(unit.get("ten_don_vi", "")).upper(), 12))
    ws.append(title_row(_register_title(register, year), 14))
    ws.append([])
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header = []
    for label in labels:
        cell = WriteOnlyCell(ws, value=label)
        cell.font = Font(name="Times New Roman", bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.border = border
        header.append(cell)
    ws.append(header)

    date_positions = [i for i, k in enumerate(kinds) if k == schema.DATE]
    money_positions = [i for i, k in enumerate(kinds) if k == schema.NUMBER]
    for number, row in enumerate(zip(*columns.values()), start=1):
        values = [number, *row]
        for i in date_positions:
            if isinstance(values[i], dt.date):
                cell = WriteOnlyCell(ws, value=values[i])
                cell.number_format = "DD/MM/YYYY"
                values[i] = cell
        for i in money_positions:
            if values[i] is not None:
                cell = WriteOnlyCell(ws, value=values[i])
                cell.number_format = "#,##0"
                values[i] = cell
        ws.append(values)

    stamp = dt.datetime(year or 2000, 12, 31, 17, 0, 0)
    wb.properties.creator = "cchc-audit"
    wb.properties.created = stamp
    wb.properties.title = _register_title(register, year)
    buffer = io.BytesIO()
    wb.save(buffer)
    return _reproducible_zip(buffer.getvalue(), stamp)


def _reproducible_zip(data: bytes, stamp: dt.datetime) -> bytes:
    """Same workbook, same bytes: fixed entry timestamps and a fixed `modified` property
    (openpyxl stamps the wall clock into both when it saves)."""
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    source = zipfile.ZipFile(io.BytesIO(data))
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                                 rb"\g<1>" + iso.encode() + rb"\g<2>", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            fixed.create_system = 3
            target.writestr(fixed, content)
    return target_buffer.getvalue()


def _csv_bytes(columns: dict[str, list]) -> bytes:
    frame = pd.DataFrame(columns)
    text = frame.to_csv(sep=";", index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def _infer_year(registers: Mapping[str, pd.DataFrame]) -> int | None:
    for name, column in (("ho_so", "ngay_tiep_nhan"), ("van_ban", "ngay"), ("thanh_toan", "ngay"),
                         ("khao_sat", "ngay"), ("nhiem_vu", "ngay")):
        frame = registers.get(name)
        if frame is not None and column in frame and frame[column].notna().any():
            return int(frame[column].dt.year.mode().iloc[0])
    return None


def write_unit(out_dir: str | Path, registers: Mapping[str, pd.DataFrame], *, fmt: str = "xlsx",
               unit: Mapping | None = None, year: int | None = None) -> list[Path]:
    """Write each register as `<name>.xlsx` or `<name>.csv`, and `don_vi.yaml`; return the paths.

    `unit` is the content of `don_vi.yaml` (default: the sample school); `year` goes into the XLSX
    titles (default: the year most dossiers were received in).
    """
    if fmt not in ("xlsx", "csv"):
        raise ValueError(f"fmt must be 'xlsx' or 'csv', not {fmt!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    unit = dict(DEFAULT_UNIT if unit is None else unit)
    year = year if year is not None else _infer_year(registers)
    written = []
    for name, frame in registers.items():
        register = REGISTERS[name]
        columns = _display(register, frame, csv=fmt == "csv")
        data = _xlsx_bytes(register, columns, unit, year) if fmt == "xlsx" else _csv_bytes(columns)
        path = out / f"{name}.{fmt}"
        path.write_bytes(data)
        written.append(path)
    path = out / "don_vi.yaml"
    path.write_text(yaml.safe_dump(unit, allow_unicode=True, sort_keys=False), encoding="utf-8")
    written.append(path)
    return written


def build_sample(out_dir: str | Path = SAMPLE_DIR, *, fmt: str = "xlsx", **options) -> list[Path]:
    """Generate with the defaults (or `options` for `generate_registers`) and write the unit."""
    registers = generate_registers(**options)
    return write_unit(out_dir, registers, fmt=fmt, year=options.get("year", 2024))
