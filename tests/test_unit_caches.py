"""What one process keeps from unit to unit (a batch's worker runs audit after audit): the charts'
shared renderers, the working-day calendars, scrubbed texts, and the warm-up that fills them. A
cache must never hand one unit, language or audience what another one computed; and the faster
paths (numpy, plain Python) give exactly what the pandas ones gave."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pandas.testing as tm
import pytest

from cchc_audit import calendar, charts, figures, privacy, report, resources
from cchc_audit.audit import run_audit
from cchc_audit.params import resolve
from cchc_audit.periods import parse_period
from cchc_audit.report_parts.targets import target_charts
from cchc_audit.results import frame_records, to_jsonable
from cchc_audit.schema import FREE_TEXT_COLUMNS, PERSONAL_COLUMNS

SAMPLE = resources.SAMPLE_DIR


def sample_audit(period: str):
    params = resolve(None, period=period, data=str(SAMPLE))
    return run_audit(params.period_range(), params.data, params.plan_path, params)


def _uris(audit, lang: str) -> dict[str, list[str]]:
    audit._cchc_report_memo = {}  # drawn now, not the audit's earlier drawing
    return {check: [c.uri for c in found] for check, found in target_charts(audit, lang).items()}


FRESH = """
import json, sys
from cchc_audit import resources
from cchc_audit.audit import run_audit
from cchc_audit.params import resolve
from cchc_audit.periods import parse_period
from cchc_audit.report_parts.targets import target_charts
params = resolve(None, period=sys.argv[1], data=str(resources.SAMPLE_DIR))
audit = run_audit(params.period_range(), params.data, params.plan_path, params)
print(json.dumps({k: [c.uri for c in v] for k, v in target_charts(audit, sys.argv[2]).items()}))
"""


@pytest.mark.parametrize("period, lang", [("2024-Q1", "vi"), ("2024", "en")])
def test_charts_after_other_charts_and_the_warm_up_are_those_of_a_fresh_process(period, lang):
    fresh = subprocess.run([sys.executable, "-c", FRESH, period, lang], capture_output=True, text=True,
                           check=True)
    expected = json.loads(fresh.stdout.splitlines()[-1])
    # Here: other units' and languages' charts first (other sizes, other texts), then the warm-up.
    for other_period, other_lang in (("2024-Q3", "en"), ("2024-H1", "vi")):
        _uris(sample_audit(other_period), other_lang)
    report.warm(calendar_spans=[(2022, 2027), (2023, 2026)])
    assert _uris(sample_audit(period), lang) == expected


@pytest.mark.skipif(not figures._checked_version(), reason="this matplotlib is drawn the plain way")
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_after_the_warm_up_the_sample_s_charts_come_from_its_templates(monkeypatch, matplotlib_backend, lang):
    """A worker's warm-up makes the figures a unit of the sample's plan draws (its sizes: the two
    satisfaction targets' chart among them), under the settings a notebook draws with: the first
    unit after it makes no figure of its own."""
    monkeypatch.setattr(figures, "_templates", {})
    matplotlib_backend.set(matplotlib_backend.AUTO)  # as a worker starts
    charts.warm((lang,))
    made = []
    new_figure = figures.new_figure
    monkeypatch.setattr(figures, "new_figure", lambda height: (made.append(height), new_figure(height))[1])
    matplotlib_backend.set("agg")  # as the notebook resolved it
    drawn = _uris(sample_audit("2024-Q1"), lang)
    assert sum(map(len, drawn.values())) == 3  # on time, digitization, satisfaction
    assert made == []


def test_a_chart_drawn_again_gives_the_same_bytes_and_another_lang_other_bytes():
    audit = sample_audit("2024-Q1")
    vi, en, vi_again = _uris(audit, "vi"), _uris(audit, "en"), _uris(audit, "vi")
    assert vi == vi_again
    assert set(vi) == set(en) and all(vi[k] != en[k] for k in vi)


def test_calendar_overrides_do_not_reach_the_process_cache():
    day = np.datetime64("2024-03-13", "D")  # a Wednesday
    swapped = calendar.WorkingCalendar(2023, 2025, extra_days_off=(pd.Timestamp(day).date(),))
    plain = calendar.WorkingCalendar(2023, 2025)
    assert not swapped.is_working_day(pd.Timestamp(day).date())
    assert plain.is_working_day(pd.Timestamp(day).date())
    assert not plain.days.flags.writeable
    with pytest.raises(ValueError):
        plain.days[0] = day  # shared between calendars: read-only
    swapped.working[0] = not swapped.working[0]  # each calendar's own flags are its own copy
    assert calendar.WorkingCalendar(2023, 2025).working[0] == plain.working[0]


def test_holiday_names_per_language():
    cal = calendar.WorkingCalendar(2023, 2026)
    vi = dict(cal.days_off_between(pd.Timestamp("2024-04-18").date(), pd.Timestamp("2024-05-03").date(), "vi"))
    en = dict(cal.days_off_between(pd.Timestamp("2024-04-18").date(), pd.Timestamp("2024-05-03").date(), "en"))
    assert vi.keys() == en.keys() and vi
    assert all(vi[d] != en[d] for d in vi)


def test_scrubbed_text_depends_on_the_names_and_the_audience():
    text = "Cấp lại cho bà Trần Thị Bình"
    assert privacy.scrub_text(text, frozenset({"trần thị bình"})) == "Cấp lại cho bà Trần T. B."
    assert privacy.scrub_text(text, frozenset({"trần thị bình"}), redact=True) == "Cấp lại cho bà […]"
    # Another unit's names: what the first one's call left in the cache is not used.
    other = privacy.scrub_text("Ghi chú của Lê Văn Nam", frozenset({"lê văn nam"}))
    assert other == "Ghi chú của Lê V. N."
    assert privacy.scrub_text("Ghi chú của Lê Văn Nam", frozenset()) == privacy.scrub_text(
        "Ghi chú của Lê Văn Nam", frozenset({"x y"}))


def _records_by_pandas(frame, drop=frozenset()):
    """results.json's items as mask_codes and to_dict build them."""
    if frame is None or frame.empty:
        return []
    kept = privacy.mask_codes(frame[[c for c in frame.columns if c not in drop]])
    return [{"row": to_jsonable(row), **{k: to_jsonable(v) for k, v in rec.items()}}
            for row, rec in zip(kept.index, kept.to_dict("records"))]


def test_frame_records_mask_as_mask_codes_does():
    audit = sample_audit("2024")
    for check in audit.checks:
        for drop in (frozenset(), PERSONAL_COLUMNS | FREE_TEXT_COLUMNS):
            assert json.dumps(frame_records(check.items, drop), ensure_ascii=False) == json.dumps(
                _records_by_pandas(check.items, drop), ensure_ascii=False), check.id
    odd = pd.DataFrame({
        "ma_ho_so": pd.array(["079123456789", None, "HS-1", 79123456789.0], dtype=object),
        "x": [1, np.nan, 3, 4], "n": pd.array([1, None, 3, 3], dtype="Int64"), "b": [True, False, True, True],
        "ten_thu_tuc": pd.array(["Cấp cho Nguyễn Văn An", pd.NA, "b", "b"], dtype="string"),
        "o": pd.array([{"a": 1}, [1, 2], None, np.float64(3.0)], dtype=object),
        # Dates in other units, with times, before 1970, missing, and with a time zone.
        "ngay_a": pd.array(["0999-12-31", "2024-01-05T13:00", None, "1969-12-31T23:59"], dtype="datetime64[us]"),
        "ngay_b": pd.to_datetime(["2024-01-01 23:00", None, "2024-12-31 00:00", "2023-06-01 00:00"]).tz_localize(
            "Asia/Ho_Chi_Minh"),
        "ngay_c": pd.array([None] * 4, dtype="datetime64[ns]"),
    }, index=[5, 6, 7, 8])
    for frame in (odd, odd[[]], odd[["x"]], odd[["ngay_c"]]):
        assert frame_records(frame) == _records_by_pandas(frame)


def test_task_items_are_sorted_by_date_and_typed_per_task():
    audit = sample_audit("2024")
    tasks = [c for c in audit.checks if c.kind == "task"]
    assert tasks
    for check in tasks:
        items = check.items
        assert list(items.columns) == ["ma_nhiem_vu", "ngay", "trang_thai", "minh_chung", "ghi_chu", "ly_do"]
        tm.assert_frame_equal(items, items.sort_values("ngay", kind="stable"))
        if len(items):
            # Lists: a missing status (pd.NA) equals itself there.
            assert [check.extra["latest_date"], check.extra["latest_status"]] == [
                items["ngay"].iloc[-1], items["trang_thai"].iloc[-1]]
        else:
            assert check.extra == {"latest_status": None, "latest_date": None}


@pytest.mark.parametrize("period_id, convention", [("2024", "calendar"), ("2024-Q1", "cutoff"), ("2024-03", "calendar")])
def test_monthly_counts_in_numpy_are_those_of_the_grouping(period_id, convention):
    period = parse_period(period_id, convention)
    rng = np.random.default_rng(7)
    dates = pd.Series(np.datetime64("2023-06-01") + rng.integers(-400, 800, 3000), index=np.arange(3000) + 2)
    dates[rng.random(3000) < 0.1] = pd.NaT
    counted, good = rng.random(3000) < 0.7, rng.random(3000) < 0.5
    # With a time zone the dates take the general path: (year, month) pairs grouped by pandas.
    grouped = charts.monthly(dates.dt.tz_localize("UTC"), counted, good, period)
    tm.assert_frame_equal(charts.monthly(dates, counted, good, period), grouped, check_exact=True)
    tm.assert_frame_equal(charts.monthly(dates.astype("datetime64[s]"), counted, good, period), grouped,
                          check_exact=True)
    nothing = np.zeros(3000, dtype=bool)
    tm.assert_frame_equal(charts.monthly(dates, nothing, good, period),
                          charts.monthly(dates.dt.tz_localize("UTC"), nothing, good, period), check_exact=True)
