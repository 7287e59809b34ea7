"""Tidy tables of one unit and one period, for the analyst (explore.py is the API over them).

A unit's registers cut to a period, the checks of one run, the items behind one check and the
Decision 766 index, each a DataFrame whose values and headers are labels in the chosen language
(`labels=True`: `Đạt`, `Trực tuyến`, `Ngày tiếp nhận`) or the contract's codes (`labels=False`:
`dat`, `truc_tuyen`, `ngay_tiep_nhan`), for computing. A run is an `audit.Audit` (figures in this
process, items with masked personal data) or an archived run's `results.json` (its items already
hold no personal data or free text).

Which rows of a register belong to a period P ("in P" is start <= date <= end, DOMAIN.md): a row
with a date of something that happened (receipt, result, apology, answer, publication, payment,
document, survey, evidence) in P; and a dossier or letter received by the end of P that was still
open when P began (no result, resolution or answer before the start; a dossier withdrawn without
a result date counts as closed). Appointment dates and deadlines decide nothing. The procedure
catalogue, the staff list and the reporting systems describe the unit as it stands, not events:
they are kept whole.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from . import privacy
from .codes import Audience
from .errors import NotFound
from .fmt import fmt_target, is_missing
from .i18n import has, text
from .messages import choice_label, column_label, label, reason
from .results import status_label
from .schema import BOOL, DATE, ENUM, LEVEL, REGISTERS

STATE_REGISTERS = frozenset({"thu_tuc", "can_bo", "he_thong_bao_cao"})
# register -> (its opening date, the dates that close a row, statuses that close it without a date)
OPEN_ROWS = {
    "ho_so": ("ngay_tiep_nhan", ("ngay_co_ket_qua",), ("rut",)),
    "don_thu": ("ngay_nhan", ("ngay_giai_quyet", "ngay_tra_loi"), ()),
}
HAPPENED = {name: tuple(c.name for c in r.columns if c.kind == DATE and not c.ahead) for name, r in REGISTERS.items()}


# --- headers and values as labels --------------------------------------------------------------

def header(name: str, lang: str, registers: Iterable[str] = ()) -> str:
    """A table's column header: the analyst tables' own (`explore.col.<name>`), else a register
    column's (`messages.column_label`)."""
    key = f"explore.col.{name}"
    return text(key, lang) if has(key, lang) else column_label(name, lang, tuple(registers))


def with_headers(frame: pd.DataFrame, lang: str, registers: Iterable[str] = ()) -> pd.DataFrame:
    """`frame` with its column and index names as headers in `lang` (MultiIndex levels too)."""
    registers = tuple(registers)
    out = frame.copy()

    def name(value):
        return header(value, lang, registers) if isinstance(value, str) else value

    if isinstance(out.columns, pd.MultiIndex):
        out.columns = out.columns.map(lambda parts: tuple(name(p) for p in parts))
    else:
        out.columns = [name(c) for c in out.columns]
    out.index.names = [name(n) for n in out.index.names]
    return out


def map_values(series: pd.Series, function: Callable) -> pd.Series:
    """`function` over the values present; a missing value stays missing."""
    return series.astype(object).map(lambda v: v if is_missing(v) else function(v))


def yes_no(value, lang: str) -> str:
    return label("yes" if bool(value) else "no", lang)


def _column_kind(column: str, registers: Iterable[str]) -> str | None:
    ordered = [REGISTERS[r] for r in registers if r in REGISTERS] + list(REGISTERS.values())
    return next((c.kind for r in ordered for c in r.columns if c.name == column), None)


def label_values(frame: pd.DataFrame, lang: str, registers: Iterable[str] = ()) -> pd.DataFrame:
    """Codes as labels: enumerations, satisfaction levels, yes/no flags and reason codes (`ly_do`)."""
    registers = tuple(registers)
    out = frame.copy()
    for column in out.columns:
        kind = _column_kind(column, registers)
        series = out[column]
        if column == "ly_do":
            out[column] = map_values(series, lambda v: reason(v, lang))
        elif kind == ENUM or column == "trang_thai":
            out[column] = map_values(series, lambda v, c=column: choice_label(c, v, lang))
        elif kind == LEVEL:
            out[column] = map_values(series, lambda v: text(f"level.{int(v)}", lang))
        elif kind == BOOL or pd.api.types.is_bool_dtype(series.dtype):
            out[column] = map_values(series, lambda v: yes_no(v, lang))
    return out


def present(frame: pd.DataFrame, lang: str, labels: bool, registers: Iterable[str] = ()) -> pd.DataFrame:
    """What the analyst sees: labels and headers in `lang`, or `frame` as it is."""
    return with_headers(label_values(frame, lang, registers), lang, registers) if labels else frame


# --- registers for a period --------------------------------------------------------------------

def in_period(register: str, frame: pd.DataFrame, period) -> pd.Series:
    """Which rows of `register` belong to `period` (the module's docstring says the rule)."""
    if register in STATE_REGISTERS or register not in REGISTERS:
        return pd.Series(True, index=frame.index)
    start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
    keep = pd.Series(False, index=frame.index)
    for column in HAPPENED[register]:
        if column in frame:
            keep |= frame[column].between(start, end).fillna(False).astype(bool)
    if register in OPEN_ROWS:
        opened, closers, closing_statuses = OPEN_ROWS[register]
        present_closers = [frame[c] for c in closers if c in frame]
        closed_before = pd.Series(False, index=frame.index)
        undated = pd.Series(True, index=frame.index)
        for dates in present_closers:
            closed_before |= (dates < start).fillna(False).astype(bool)
            undated &= dates.isna()
        if "trang_thai" in frame and closing_statuses:
            closed_before |= undated & frame["trang_thai"].isin(closing_statuses).fillna(False).astype(bool)
        keep |= (frame[opened] <= end).fillna(False).astype(bool) & ~closed_before
    return keep


def period_registers(registers: dict[str, pd.DataFrame], period, lang: str = "vi", *, masked: bool = True,
                     labels: bool = True) -> dict[str, pd.DataFrame]:
    """Each register cut to `period`; personal columns and personal data inside free text masked
    (privacy.mask_frame) unless `masked=False`. The index is the row as Excel shows it."""
    names = privacy.names_in(registers) if masked else frozenset()
    out = {}
    for name, frame in registers.items():
        rows = frame[in_period(name, frame, period).to_numpy()]
        if masked:
            rows = privacy.mask_frame(rows, names=names)
        out[name] = present(rows, lang, labels, (name,))
    return out


def register_counts(registers: dict[str, pd.DataFrame], period, inputs=(), lang: str = "vi",
                    labels: bool = True) -> pd.DataFrame:
    """One row per register: its file and SHA-256 (when `inputs`, `registers.InputFile`s, are
    given), rows in the file, rows in the period."""
    files = {i.register: i for i in inputs}
    rows = [{"register": name, "register_title": REGISTERS[name].title_en if lang == "en" else REGISTERS[name].title_vi,
             "file": files[name].path.name if name in files else None,
             "sha256": files[name].sha256 if name in files else None,
             "rows": len(frame), "rows_in_period": int(in_period(name, frame, period).sum())}
            for name, frame in registers.items()]
    frame = pd.DataFrame(rows, columns=["register", "register_title", "file", "sha256", "rows", "rows_in_period"])
    return present(frame.set_index("register"), lang, labels)


# --- one run -----------------------------------------------------------------------------------

def results_of(source, lang: str = "vi") -> dict:
    """The results of a run: an `Audit` (its `to_json()`), an `archive.ArchivedRun`, a revision
    folder or its results.json, or that file's content."""
    from .archive import RESULTS, load_results

    if isinstance(source, dict):
        return source
    if hasattr(source, "to_json") and hasattr(source, "checks"):
        return source.to_json()
    if hasattr(source, "results") and hasattr(source, "revision"):
        if source.results is None:
            raise NotFound("explore.run_unreadable", lang, run=source.name, problem=source.problem)
        return source.results
    path = Path(source)
    results, problem = load_results(path / RESULTS if path.is_dir() else path)
    if results is None:
        raise NotFound("explore.run_unreadable", lang, run=path, problem=problem)
    return results


CHECK_COLUMNS = ["id", "kind", "area", "title", "rule", "numerator", "denominator", "value", "status"]


def check_rows(results: dict, lang: str) -> pd.DataFrame:
    """The checks of `results` with codes (kind, status), one row per check, indexed by id."""
    any_text = label("any_target", lang)
    rows = [{"id": c["id"], "kind": c.get("kind"), "area": c.get("area"),
             "title": c.get("title_en" if lang == "en" else "title_vi"),
             "rule": fmt_target(c.get("comparator"), c.get("target"), lang, any_text),
             "numerator": c.get("numerator"), "denominator": c.get("denominator"), "value": c.get("value"),
             "status": c.get("status")}
            for c in results.get("checks") or []]
    return pd.DataFrame(rows, columns=CHECK_COLUMNS).set_index("id")


def label_checks(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Kind and status codes as labels (`status` columns of a wider frame too)."""
    out = frame.copy()
    for column in out.columns:
        name = column[-1] if isinstance(column, tuple) else column
        if name == "status":
            out[column] = map_values(out[column], lambda v: status_label(v, lang))
        elif name == "kind":
            out[column] = map_values(out[column], lambda v: text(f"explore.kind.{v}", lang))
    return out


def checks_frame(source, lang: str = "vi", *, kind: str | None = None, status: str | None = None,
                 labels: bool = True) -> pd.DataFrame:
    """Every check of a run (or those of `kind`, `target` or `task`, and of `status`, e.g.
    `khong_dat`), with its figures, rule and status."""
    frame = check_rows(results_of(source, lang), lang)
    if kind is not None:
        frame = frame[frame["kind"] == kind]
    if status is not None:
        frame = frame[frame["status"] == status]
    return with_headers(label_checks(frame, lang), lang) if labels else frame


def _check_record(results: dict, check_id: str, lang: str) -> dict:
    for check in results.get("checks") or []:
        if check.get("id") == check_id:
            return check
    ids = ", ".join(c["id"] for c in results.get("checks") or [])
    raise NotFound("explore.unknown_check", lang, id=check_id, ids=ids)


def items_frame(source, check_id: str, lang: str = "vi", *, audience: str = Audience.INTERNAL,
                labels: bool = True) -> pd.DataFrame:
    """The rows behind one check, by the row Excel shows: of an `Audit`, with personal data masked
    (internal) or left out (public); of an archived run, as results.json holds them (no personal
    data, no free text)."""
    if hasattr(source, "checks") and hasattr(source, "registers"):  # an Audit: the live rows
        check = next((c for c in source.checks if c.id == check_id), None)
        if check is None:
            _check_record(source.to_json(), check_id, lang)  # raises, naming the ids there are
        items, registers = check.items, check.registers
        if items is not None:
            items = privacy.public_frame(items) if audience == Audience.PUBLIC else privacy.mask_frame(
                items, names=privacy.names_in(source.registers))
    else:
        record = _check_record(results_of(source, lang), check_id, lang)
        records, registers = record.get("items") or [], record.get("registers") or ()
        items = pd.DataFrame(records).set_index("row") if records else None
        if items is not None and audience == Audience.PUBLIC:
            items = privacy.public_frame(items)
    if items is None:
        items = pd.DataFrame(columns=["ly_do"], index=pd.Index([], name="row"))
    return present(items, lang, labels, registers)


INDEX_COLUMNS = ["id", "title", "numerator", "denominator", "value", "threshold", "max_points", "points", "arisen"]


def index_frame(source, lang: str = "vi", *, labels: bool = True) -> pd.DataFrame:
    """The Decision 766 index by item: ratio, threshold, points; an item that did not arise is
    left out of the score (DOMAIN.md)."""
    index = results_of(source, lang).get("index_766") or {}
    rows = [{**{k: i.get(k) for k in INDEX_COLUMNS}, "title": i.get("title_en" if lang == "en" else "title_vi")}
            for i in index.get("items") or []]
    frame = pd.DataFrame(rows, columns=INDEX_COLUMNS).set_index("id")
    if labels:
        frame["arisen"] = map_values(frame["arisen"], lambda v: yes_no(v, lang))
        return with_headers(frame, lang)
    return frame
