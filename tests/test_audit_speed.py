"""The checks', results' and report parts' shortcuts give what the plain pandas work gave (issue 16).

Each one is compared, on varied inputs, with the code it replaced (kept here as the reference):
masking column by column against masking the frame, the item tables read from columns, the
results' records read from the frame without cutting it, tasks' items as slices, event dates
blanked once per frame, the monthly publications in plain values, the Biểu 06 flags in numpy, the
calendar's lists of days in numpy, and the calendar's span read in numpy.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re

import numpy as np
import pandas as pd
import pandas.testing as tm
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc_audit import privacy, resources, tthc_stats
from cchc_audit.audit import build_calendar
from cchc_audit.calendar import WorkingCalendar, _vn_holiday_names
from cchc_audit.checks import publication
from cchc_audit.checks.base import Context, as_at, items
from cchc_audit.checks.tasks import TASK_COLUMNS, normalize_task_id, task_evidenced
from cchc_audit.codes import Audience, Reason
from cchc_audit.convert import STRING
from cchc_audit.fmt import is_missing
from cchc_audit.i18n import text
from cchc_audit.messages import column_label, label
from cchc_audit.periods import parse_period
from cchc_audit.registers import load_unit
from cchc_audit.report_parts import common
from cchc_audit.results import frame_records, to_jsonable
from cchc_audit.text import slug

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Cells of every kind the registers and the checks' own columns hold, personal data among them.
TEXTS = ["Nguyễn Văn An", "gọi 0912345678", "079123456789", "HS-1", "Cấp cho Trần Thị Bình", "", " ",
         "v.v.", "bảo vệ Tư Hùng", "Lê V. N.", "Hồ sơ 12", "H'Hen Niê"]
MISSING = [None, np.nan, pd.NA]
COLUMNS = {
    "ma_ho_so": STRING, "ma_thu_tuc": "object", "ten_thu_tuc": STRING, "ly_do": "object",
    "nguoi_nop": "object", "so_dien_thoai": STRING, "ghi_chu": STRING, "noi_dung": "object",
    "x_text": "object", "kenh": STRING, "so_ngay": "Int64", "diem": "float64", "dat": "bool",
    "ngay_tiep_nhan": "datetime64[ns]", "ngay_x": "datetime64[s]",
}
DAY = np.datetime64("2024-01-01", "D")


def _cells(kind: str):
    if kind in (STRING, "object"):
        return st.one_of(st.sampled_from(TEXTS), st.sampled_from(MISSING))
    if kind == "Int64":
        return st.one_of(st.integers(-5, 40), st.none())
    if kind == "float64":
        return st.one_of(st.floats(-3, 3), st.just(np.nan), st.none())
    if kind == "bool":
        return st.booleans()
    return st.one_of(st.integers(0, 400).map(lambda n: DAY + np.timedelta64(n, "D")), st.none())


def _column(kind: str, values: list) -> pd.Series | pd.api.extensions.ExtensionArray:
    if kind == STRING:
        return pd.array([None if is_missing(v) else v for v in values], dtype=STRING)
    if kind in ("datetime64[ns]", "datetime64[s]"):
        return pd.array([np.datetime64("NaT") if v is None else v for v in values], dtype=kind)
    if kind == "object":
        column = np.empty(len(values), dtype=object)
        column[:] = values
        return column
    return pd.array(values, dtype=kind)


@st.composite
def frames(draw, max_rows: int = 12) -> pd.DataFrame:
    names = draw(st.lists(st.sampled_from(list(COLUMNS)), min_size=0, max_size=8, unique=True))
    rows = draw(st.integers(0, max_rows))
    data = {name: _column(COLUMNS[name], draw(st.lists(_cells(COLUMNS[name]), min_size=rows, max_size=rows)))
            for name in names}
    index = pd.Index(draw(st.lists(st.integers(2, 9), min_size=rows, max_size=rows)), name="row")
    return pd.DataFrame(data, index=index) if names else pd.DataFrame(index=index)


# --- masking -------------------------------------------------------------------------------------

def _mask_frame_by_frame(df, personal_columns, names):
    """mask_frame as it was: the whole frame copied, column after column replaced."""
    out = df.copy()
    personal = set(personal_columns)
    for column in personal:
        if column in out.columns:
            out[column] = out[column].astype(object).map(privacy.masker(column))
    known = frozenset(names)
    for column in _free_text_columns_as_they_were(out):
        if column not in personal:
            out[column] = out[column].astype(object).map(lambda v: privacy.scrub_text(v, known))
    return _mask_codes_by_frame(out, known, redact=False)


def _free_text_columns_as_they_were(df):
    """privacy.free_text_columns before the masking went column by column (its own copy, so that a
    slip in the helpers it now shares with the new code shows)."""
    out = []
    for column in df.columns:
        if column in privacy.PERSONAL_COLUMNS or column in privacy.PUBLIC_TEXT_COLUMNS:
            continue
        if column in privacy.FREE_TEXT_COLUMNS or privacy._TEXT_KINDS_BY_COLUMN.get(column) or (
                column not in privacy._TEXT_KINDS_BY_COLUMN and privacy._is_text_dtype(df[column])):
            out.append(column)
    return out


def _code_maskers_as_they_were(df, known, redact):
    """privacy.code_maskers before the change, likewise copied."""
    out = {}
    for column in df.columns:
        if column not in privacy.PUBLIC_TEXT_COLUMNS or not privacy._is_text_dtype(df[column]):
            continue
        if column in privacy.CATALOGUE_TEXT_COLUMNS:
            out[column] = lambda v: privacy.scrub_text(v, known, redact)
        else:
            out[column] = lambda v: privacy.mask_code(v, redact)
    return out


def _mask_codes_by_frame(df, known=frozenset(), redact=False):
    out = df.copy()
    for column, function in _code_maskers_as_they_were(out, frozenset(known), redact).items():
        values = out[column].astype(object)
        table = {v: function(v) for v in values.dropna().unique()}
        out[column] = values.map(table.__getitem__, na_action="ignore")
    return out


PERSONAL = (privacy.PERSONAL_COLUMNS, ["nguoi_nop", "ghi_chu"], [])
NAMES = (frozenset(), frozenset({"nguyễn văn an", "tư hùng"}))


@SETTINGS
@given(frame=frames(), personal=st.sampled_from(PERSONAL), names=st.sampled_from(NAMES))
def test_masking_by_column_is_masking_the_frame(frame, personal, names):
    expected = _mask_frame_by_frame(frame, personal, names)
    tm.assert_frame_equal(privacy.mask_frame(frame, personal, names), expected)
    columns = privacy.masked_columns(frame, personal, names)
    assert list(columns) == list(expected.columns)
    for name, series in columns.items():
        tm.assert_series_equal(series, expected[name])
    public = _mask_codes_by_frame(frame[privacy.public_columns(frame, personal)], redact=True)
    tm.assert_frame_equal(privacy.public_frame(frame, personal), public)
    columns = privacy.public_masked_columns(frame, personal)
    assert list(columns) == list(public.columns)
    for name, series in columns.items():
        tm.assert_series_equal(series, public[name])


def test_masking_a_frame_whose_names_repeat_is_masking_it_whole():
    frame = pd.DataFrame([["Nguyễn Văn An", "079123456789", "Lê Văn Nam"]], columns=["nguoi_nop", "ma_ho_so", "nguoi_nop"])
    tm.assert_frame_equal(privacy.mask_frame(frame), _mask_frame_by_frame(frame, privacy.PERSONAL_COLUMNS, ()))


# --- the report's item tables --------------------------------------------------------------------

def _item_table_by_frame(frame, lang, audience, personal, limit, registers=(), names=frozenset()):
    """item_table as it was: the masked frame built, then its rows."""
    if frame is None or len(frame) == 0:
        return None
    head = frame.iloc[:limit]
    if audience == Audience.PUBLIC:
        shown = privacy.public_frame(head, personal)
    else:
        shown = privacy.mask_frame(head, personal, names=names)
    columns = list(shown.columns)
    has_row = any(not is_missing(i) for i in shown.index)
    header = ([label("col_row", lang)] if has_row else []) + [column_label(c, lang, registers) for c in columns]
    classes = (["num"] if has_row else []) + [common._column_class(c, shown[c]) for c in columns]
    rows = []
    for index, record in zip(shown.index, shown.itertuples(index=False, name=None)):
        cells = [common._cell(c, v, lang) for c, v in zip(columns, record)]
        rows.append(([("" if is_missing(index) else str(index))] if has_row else []) + cells)
    return {"header": header, "classes": classes, "rows": rows, "count": len(frame), "more": max(0, len(frame) - limit)}


@SETTINGS
@given(frame=frames(), lang=st.sampled_from(["vi", "en"]), audience=st.sampled_from(list(Audience)),
       personal=st.sampled_from(PERSONAL), names=st.sampled_from(NAMES), limit=st.sampled_from([1, 5, 200]),
       no_rows=st.booleans())
def test_item_table_from_columns_is_the_table_of_the_masked_frame(frame, lang, audience, personal, names, limit,
                                                                  no_rows):
    if no_rows:  # rows without an Excel row number (publication months)
        frame = frame.set_index(pd.Index([None] * len(frame), name="row"))
    args = (frame, lang, audience, frozenset(personal), limit, ("ho_so",), names)
    assert common.item_table(*args) == _item_table_by_frame(*args)


# --- results.json's records ----------------------------------------------------------------------

def _records_by_frame(frame, drop=frozenset()):
    if frame is None or frame.empty:
        return []
    kept = _mask_codes_by_frame(frame[[c for c in frame.columns if c not in drop]])
    return [{"row": to_jsonable(row), **{k: to_jsonable(v) for k, v in rec.items()}}
            for row, rec in zip(kept.index, kept.to_dict("records"))]


@SETTINGS
@given(frame=frames(), drop=st.sampled_from([frozenset(), privacy.PERSONAL_COLUMNS | {"ghi_chu", "ma_ho_so"}]))
def test_records_read_from_the_frame_are_those_of_the_cut_frame(frame, drop):
    assert frame_records(frame, drop) == _records_by_frame(frame, drop)


# --- dates blanked at the period's end -----------------------------------------------------------

def _items_blanked_after_taking(frame, mask, columns, reason, until):
    selected = frame[[c for c in columns if c in frame.columns]].iloc[np.flatnonzero(mask)].copy()
    for column in selected.columns:
        if column.startswith("ngay_") and pd.api.types.is_datetime64_any_dtype(selected[column].dtype):
            selected[column] = selected[column].where(selected[column] <= until)
    selected["ly_do"] = str(reason)
    return selected


@SETTINGS
@given(frame=frames(), data=st.data())
def test_dates_blanked_once_per_frame_are_those_blanked_per_list(frame, data):
    frame = frame.set_axis(range(2, 2 + len(frame))).drop(columns="ly_do", errors="ignore")  # a register's columns
    period = parse_period("2024-Q2")
    ctx = Context(period, {}, None)
    for _ in range(3):  # several lists of one frame: blanked once, each list its own rows
        mask = np.array(data.draw(st.lists(st.booleans(), min_size=len(frame), max_size=len(frame))), dtype=bool)
        columns = data.draw(st.lists(st.sampled_from([*frame.columns, "absent"]), unique=True))
        expected = _items_blanked_after_taking(frame, mask, columns, Reason.TRE_HAN, ctx.end)
        tm.assert_frame_equal(ctx.items_at_end(frame, mask, columns, Reason.TRE_HAN), expected)
        tm.assert_frame_equal(items(frame, mask, columns, Reason.TRE_HAN, until=ctx.end), expected)
    assert len([k for k in ctx.memo if k[0] == "at_end"]) == 1
    other = frame.copy()  # another frame is blanked anew, never handed the first one's cells
    tm.assert_frame_equal(ctx.items_at_end(other, np.ones(len(other), bool), list(other.columns), "x"),
                          _items_blanked_after_taking(other, np.ones(len(other), bool), list(other.columns), "x",
                                                      ctx.end))
    if len(frame.columns):  # (adding and dropping a column would retype an empty column index)
        tm.assert_frame_equal(as_at(frame, ctx.end), _items_blanked_after_taking(
            frame, np.ones(len(frame), bool), list(frame.columns), "x", ctx.end).drop(columns="ly_do"))


# --- tasks -----------------------------------------------------------------------------------------

def _task_by_gather(register: pd.DataFrame, ctx: Context, task_id: str):
    """task_evidenced as it was: a task's rows gathered by position from the rows sorted by date."""
    ids = register["ma_nhiem_vu"].map(normalize_task_id)
    in_p = ctx.in_period(register["ngay"]).to_numpy(bool)
    has_ref = register["minh_chung"].fillna("").str.strip().ne("").to_numpy(bool)
    has_note = register["ghi_chu"].fillna("").str.strip().ne("").to_numpy(bool)
    state = register["trang_thai"]
    evidenced = in_p & has_ref & state.isin(("hoan_thanh", "dang_thuc_hien")).fillna(False).to_numpy(bool)
    not_arisen = in_p & has_note & (state == "khong_phat_sinh").fillna(False).to_numpy(bool)
    reason = np.select(
        [evidenced | not_arisen, (state == "khong_phat_sinh").fillna(False).to_numpy(bool),
         (state == "chua_thuc_hien").fillna(False).to_numpy(bool)],
        [None, Reason.KHONG_PHAT_SINH_THIEU_GHI_CHU, Reason.CHUA_THUC_HIEN], default=Reason.KHONG_CO_MINH_CHUNG)
    frame = register.assign(_id=ids.to_numpy(), _pos=np.arange(len(register)))
    dated = frame[in_p].sort_values("ngay", kind="stable")
    position = dated["_pos"].to_numpy()
    reason, ok, arisen_not = reason[position], evidenced[position], not_arisen[position]
    shown = dated[TASK_COLUMNS]
    rows = dated.groupby("_id", sort=False).indices.get(task_id)
    if rows is not None and ok[rows].any():
        figures = (1, 1)
    elif rows is not None and arisen_not[rows].any():
        figures = (0, 0)
    else:
        figures = (0, 1)
    if rows is None:
        found = register.iloc[0:0][TASK_COLUMNS].assign(ly_do=pd.Series(dtype=STRING))
    elif (reason[rows] != None).any():  # noqa: E711
        found = shown.assign(ly_do=reason).iloc[rows]
    else:
        found = shown.assign(ly_do=np.full(len(shown), None)).iloc[rows]
    latest = len(found) > 0
    return figures, found, {"latest_status": found["trang_thai"].iat[-1] if latest else None,
                            "latest_date": found["ngay"].iat[-1] if latest else None}


TASK_IDS = ["III.1.1", "iii.1.1", " 1.1 ", "III.2.3a", "2.3A", "III.4.1", None, "x"]
STATES = ["hoan_thanh", "dang_thuc_hien", "khong_phat_sinh", "chua_thuc_hien", None]


@st.composite
def task_registers(draw) -> pd.DataFrame:
    rows = draw(st.integers(0, 14))

    def column(values):
        return pd.array(draw(st.lists(st.sampled_from(values), min_size=rows, max_size=rows)), dtype=STRING)

    days = draw(st.lists(st.one_of(st.integers(60, 200), st.none()), min_size=rows, max_size=rows))
    return pd.DataFrame({
        "ma_nhiem_vu": column(TASK_IDS), "trang_thai": column(STATES),
        "ngay": pd.array([np.datetime64("NaT") if d is None else DAY + np.timedelta64(d, "D") for d in days],
                         dtype="datetime64[ns]"),
        "minh_chung": column(["QĐ 12", " ", None]), "ghi_chu": column(["không có", "", None]),
    }, index=pd.Index(range(5, 5 + rows), name="row"))


@SETTINGS
@given(register=task_registers())
def test_task_items_as_slices_are_the_rows_gathered(register):
    ctx = Context(parse_period("2024-Q2"), {"nhiem_vu": register}, None)
    for task_id in ("III.1.1", "III.2.3a", "III.4.1", "III.9.9", "x"):
        figures, found, extra = _task_by_gather(register, ctx, task_id)
        measure = task_evidenced(ctx, task_id)
        assert (measure.numerator, measure.denominator) == figures
        tm.assert_frame_equal(measure.items, found)
        assert [measure.extra[k] for k in extra] == list(extra.values())  # NA equals itself in lists


# --- monthly publications ------------------------------------------------------------------------

def _months_by_selection(ctx: Context, content: str):
    """monthly_publication's months as it worked them out: a pandas selection per month."""
    posts = ctx.registers["cong_khai"]
    about = (posts["noi_dung"].fillna("").map(slug) == content).to_numpy(bool)
    rows = []
    for year, month in ctx.period.months():
        deadline = publication.publication_deadline(ctx, year, month)
        if deadline > ctx.period.end:
            continue
        ky = f"{year:04d}-{month:02d}"
        mine = about & (posts["ky"] == ky).fillna(False).to_numpy(bool)
        dates = posts.loc[mine, "ngay_dang"].dropna()
        in_time = dates[dates <= pd.Timestamp(deadline)]
        first = dates.min() if not dates.empty else pd.NaT
        rows.append({"ky": ky, "han_cong_khai": pd.Timestamp(deadline),
                     "ngay_dang": in_time.min() if not in_time.empty else first, "dat": not in_time.empty,
                     "ly_do": None if not in_time.empty else (Reason.CONG_KHAI_MUON if not dates.empty
                                                              else Reason.THANG_CHUA_CONG_KHAI)})
    return pd.DataFrame(rows, columns=["ky", "han_cong_khai", "ngay_dang", "dat", "ly_do"])


@SETTINGS
@given(rows=st.lists(st.tuples(st.sampled_from(["Kết quả giải quyết TTHC", "ket_qua_giai_quyet_tthc", "khác", None]),
                               st.sampled_from(["2024-01", "2024-02", "2024-03", "2024-04", None]),
                               st.one_of(st.integers(0, 130), st.none())), max_size=14),
       period=st.sampled_from(["2024-Q1", "2024-02", "2024-H1"]))
def test_monthly_publication_in_plain_values_is_the_selection_per_month(rows, period):
    posts = pd.DataFrame({
        "ngay_dang": pd.array([np.datetime64("NaT") if r[2] is None else DAY + np.timedelta64(r[2], "D")
                               for r in rows], dtype="datetime64[ns]"),
        "noi_dung": pd.array([r[0] for r in rows], dtype=STRING), "ky": pd.array([r[1] for r in rows], dtype=STRING),
    }, index=pd.Index(range(2, 2 + len(rows)), name="row"))
    ctx = Context(parse_period(period), {"cong_khai": posts}, WorkingCalendar(2022, 2026))
    for content in ("ket_qua_giai_quyet_tthc", "khac"):
        expected = _months_by_selection(ctx, content)
        measure = publication.monthly_publication(ctx, content)
        assert measure.extra["months"] == expected.to_dict("records")
        assert (measure.numerator, measure.denominator) == (int(expected["dat"].sum()), len(expected))


# --- the calendar --------------------------------------------------------------------------------

def test_days_off_and_weekend_working_days_in_numpy_are_those_of_the_date_range():
    calendar = WorkingCalendar(2022, 2027, (dt.date(2024, 3, 5), dt.date(2024, 3, 9)),
                               (dt.date(2024, 3, 10), dt.date(2024, 2, 17)))
    starts = [dt.date(2023, 12, 25) + dt.timedelta(days=n) for n in range(0, 500, 37)]
    for start, length in itertools.product(starts, (-2, 0, 1, 6, 45, 370)):
        end = start + dt.timedelta(days=length)
        for lang in ("vi", "en"):
            names = _vn_holiday_names(start.year, end.year, "en_US" if lang == "en" else "vi")
            fallback = text("calendar.params_day_off", lang)
            assert calendar.days_off_between(start, end, lang) == [
                (day, names.get(day) or fallback) for day in pd.date_range(start, end).date
                if day.weekday() < 5 and not calendar.is_working_day(day)]
        assert calendar.weekend_working_days_between(start, end) == [
            d for d in pd.date_range(start, end).date if d.weekday() >= 5 and calendar.is_working_day(d)]


def test_the_calendars_span_in_numpy_is_that_of_the_date_columns():
    data = load_unit(resources.SAMPLE_DIR)
    period = parse_period("2024-Q1")
    expected = [period.start, period.end]
    for frame in data.registers.values():
        for column in frame.select_dtypes(include="datetime").columns:
            values = frame[column].dropna()
            if not values.empty:
                expected += [values.min().date(), values.max().date()]
    got = build_calendar(data, period, None)
    want = WorkingCalendar.covering(expected)
    assert (got.first_year, got.last_year) == (want.first_year, want.last_year)
    # A register with dates far off, in another unit, and a time zone (which the span leaves out).
    data.registers["extra"] = pd.DataFrame({
        "ngay_a": pd.array(["1999-05-01", None], dtype="datetime64[s]"),
        "ngay_b": pd.to_datetime(["2031-01-01", "2031-01-02"]).tz_localize("UTC")})
    got = build_calendar(data, period, None)
    assert (got.first_year, got.last_year) == (1998, max(want.last_year, 2026))
    assert re.fullmatch(r"\d+(\.\d+)*.*", got.package_version)


# --- Biểu 06 ---------------------------------------------------------------------------------------

def _statistics_by_series(d: pd.DataFrame, period) -> pd.DataFrame:
    """tthc_statistics as it was: every flag a Series."""
    start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
    kept = ~d["loai_tru"].astype(bool)
    received = d["tiep_nhan_trong_ky"].astype(bool)
    online = received & (d["kenh_nop"] == "truc_tuyen").fillna(False).astype(bool)
    result, due = d["ngay_co_ket_qua"], d["han"]
    carried = kept & (d["ngay_tiep_nhan"] < start) & (result.isna() | (result >= start))
    resolved = d["tinh_dung_han"].astype(bool)
    early = resolved & (result < due).fillna(False).astype(bool)
    on_due = resolved & (result == due).fillna(False).astype(bool)
    late_set = d["tre_han"].astype(bool) | d["qua_han_cuoi_ky"].astype(bool)
    apologised = late_set & (d["ngay_xin_loi"].notna() & (d["ngay_xin_loi"] <= end))
    in_progress = d["dang_giai_quyet_cuoi_ky"].astype(bool)
    overdue = d["qua_han_cuoi_ky"].astype(bool)
    flags = pd.DataFrame({
        "nhan_truc_tuyen": online, "nhan_truc_tiep": received & ~online, "nhan_ky_truoc": carried,
        "da_tong": resolved, "da_truoc_han": early, "da_dung_han": on_due, "da_qua_han": d["tre_han"].astype(bool),
        "dang_tong": in_progress, "dang_trong_han": in_progress & ~overdue, "dang_qua_han": overdue,
        "qua_han_co_xin_loi": apologised, "qua_han_chua_xin_loi": late_set & ~apologised,
        tthc_stats.WITHDRAWN: received & ~kept,
    }, index=d.index).astype(int)
    flags["nhan_tong"] = flags["nhan_truc_tuyen"] + flags["nhan_truc_tiep"] + flags["nhan_ky_truoc"]
    names = d["tt_ten_thu_tuc"].astype(STRING).fillna(d["ma_thu_tuc"].astype(STRING))
    flags["thu_tuc"] = d["ma_thu_tuc"].astype(STRING) + " — " + names
    table = flags.groupby("thu_tuc", sort=True)[tthc_stats.COLUMNS + [tthc_stats.WITHDRAWN]].sum()
    table = table[table.sum(axis=1) > 0]
    table.loc[tthc_stats.TOTAL] = table.sum()
    return table


FLAGS = ["loai_tru", "tiep_nhan_trong_ky", "tinh_dung_han", "tre_han", "qua_han_cuoi_ky", "dang_giai_quyet_cuoi_ky"]
DATES = ["ngay_tiep_nhan", "ngay_co_ket_qua", "han", "ngay_xin_loi"]


@SETTINGS
@given(data=st.data(), rows=st.integers(1, 25), zone=st.booleans(), boolean=st.booleans())
def test_statistics_in_numpy_are_those_of_the_series(data, rows, zone, boolean):
    def draw(values):
        return data.draw(st.lists(st.sampled_from(values), min_size=rows, max_size=rows))

    frame = {name: np.array(draw([True, False]), dtype=bool) for name in FLAGS}
    if boolean:  # a flag of pandas' own boolean type, as a caller might hand it
        frame["tre_han"] = pd.array(frame["tre_han"], dtype="boolean")
    for name in DATES:
        days = draw([None, 0, 10, 45, 90, 91, 120])
        frame[name] = pd.array([np.datetime64("NaT") if n is None else DAY + np.timedelta64(n, "D") for n in days],
                               dtype="datetime64[ns]")
    if zone:  # dates with a time zone stay Series
        frame["ngay_xin_loi"] = pd.Series(frame["ngay_xin_loi"]).dt.tz_localize("Asia/Ho_Chi_Minh").array
    frame["kenh_nop"] = pd.array(draw(["truc_tuyen", "truc_tiep", None]), dtype=STRING)
    frame["ma_thu_tuc"] = pd.array(draw(["TT1", "TT2", "TT10"]), dtype=STRING)
    frame["tt_ten_thu_tuc"] = pd.array(draw(["Cấp bản sao", "Chuyển trường", None]), dtype=STRING)
    dossiers = pd.DataFrame(frame, index=pd.Index(range(2, 2 + rows), name="row"))
    period = parse_period("2024-Q1")
    try:
        expected = _statistics_by_series(dossiers, period)
    except TypeError:  # a zone against naive dates: no table either way
        with pytest.raises(TypeError):
            tthc_stats.tthc_statistics(dossiers, period)
        return
    tm.assert_frame_equal(tthc_stats.tthc_statistics(dossiers, period), expected)


# --- the period's bounds ---------------------------------------------------------------------------

@SETTINGS
@given(days=st.lists(st.one_of(st.integers(-400_000, 400_000), st.none()), max_size=12),
       unit=st.sampled_from(["ns", "us", "s"]), period=st.sampled_from(["2024-Q1", "2024", "2023-12"]))
def test_period_bounds_in_numpy_are_those_of_the_series(days, unit, period):
    if unit == "ns":  # what nanoseconds can hold
        days = [d if d is None else max(-100_000, min(d, 80_000)) for d in days]
    dates = pd.Series(pd.array([np.datetime64("NaT") if d is None else DAY + np.timedelta64(d, "D") for d in days],
                               dtype=f"datetime64[{unit}]"), index=pd.Index(range(3, 3 + len(days)), name="row"),
                      name="ngay")
    ctx = Context(parse_period(period), {}, None)
    tm.assert_series_equal(ctx.in_period(dates), dates.notna() & (dates >= ctx.start) & (dates <= ctx.end))
    tm.assert_series_equal(ctx.by_end(dates), dates.notna() & (dates <= ctx.end))
    zoned = dates.dt.tz_localize("UTC") if len(dates) else dates
    if isinstance(zoned.dtype, np.dtype):
        return
    with pytest.raises(TypeError):  # a zone against the period's plain dates, as before
        ctx.in_period(zoned)
