"""Charts replay the strings they drew before (figures.py, `_replaying_renderer_class`): the PNG
bytes must be those matplotlib draws itself, whatever was drawn before, in any order."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc_audit import charts, figures

MONTHS = [(2023, 12), (2024, 1), (2024, 2), (2024, 3)]


def _replaying() -> bool:
    from matplotlib.backends.backend_agg import RendererAgg

    return figures._replaying_renderer_class() is not RendererAgg


needs_replay = pytest.mark.skipif(not _replaying(), reason="this matplotlib draws its text itself")
share = st.one_of(st.none(), st.floats(0, 1))


def _series(values) -> pd.DataFrame:
    index = pd.Index(MONTHS[:len(values)], tupleize_cols=False, name="month")
    denominator = [0 if v is None else 40 for v in values]
    numerator = [0 if v is None else round(v * 40) for v in values]
    value = [float("nan") if d == 0 else n / d for n, d in zip(numerator, denominator)]
    return pd.DataFrame({"numerator": numerator, "denominator": denominator, "value": value}, index=index)


def _draw(kind: str, values, other, threshold: float, lang: str, names):
    if kind == "on_time":
        return charts.on_time_chart(_series(values), threshold, lang)
    if kind == "digitization":
        return charts.digitization_chart(_series(values), _series((other + values)[:len(values)]),
                                         {"digitized": threshold, "reuse": threshold / 2}, lang)
    if kind == "satisfaction":
        return charts.satisfaction_chart(
            [(name, {level: int(10 * (v or 0)) + level % 2 for level, v in enumerate(values + other, 1)
                     if level <= 5}) for name in names], lang)
    points = [(f"Q{i}", v, "dat" if (v or 0) >= threshold else "khong_dat") for i, v in enumerate(values, 1)]
    return charts.trend_chart([{"id": "II.1.1.a", "threshold": threshold, "points": points},
                               {"id": "II.4", "threshold": None, "points": points[::-1]}], lang)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["on_time", "digitization", "satisfaction", "trend"]),
       values=st.lists(share, min_size=1, max_size=4), other=st.lists(share, min_size=4, max_size=4),
       threshold=st.floats(0.05, 1), lang=st.sampled_from(["vi", "en"]),
       names=st.lists(st.sampled_from(["Phụ huynh", "Cán bộ, giáo viên và nhân viên nhà trường",
                                       "Người dân"]), min_size=1, max_size=3))
def test_a_chart_is_the_same_picture_with_and_without_replayed_strings(monkeypatch, kind, values, other,
                                                                       threshold, lang, names):
    with monkeypatch.context() as plain:
        plain.setattr(figures, "TEXT_REPLAYS", 0)
        expected = _draw(kind, values, other, threshold, lang, names)
    first = _draw(kind, values, other, threshold, lang, names)  # strings kept (or replayed)
    again = _draw(kind, values, other, threshold, lang, names)  # every string replayed
    if expected is None:
        assert first is None and again is None
        return
    assert first.uri == expected.uri and again.uri == expected.uri


@needs_replay
def test_strings_are_replayed_and_kept_within_bounds(monkeypatch):
    """The second drawing of a chart replays its strings (what makes it cheaper), and a renderer
    forgets them all once it holds TEXT_REPLAYS."""
    series = _series([0.9, 1.0, 0.5])
    chart = charts.on_time_chart(series, 0.95, "vi")
    renderer = figures._canvas_class()._renderers[(chart.width, chart.height, figures.DPI)]
    assert renderer._strings
    calls = []
    monkeypatch.setattr(type(renderer).__mro__[1], "draw_text",
                        lambda self, *a, **k: calls.append(a[3]))  # matplotlib's own: not called again
    charts.on_time_chart(series, 0.95, "vi")
    assert calls == []
    monkeypatch.undo()
    monkeypatch.setattr(figures, "TEXT_REPLAYS", 1)
    charts.on_time_chart(_series([0.1, 0.2, 0.3]), 0.5, "en")
    assert len(renderer._strings) <= 1


@needs_replay
@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")
def test_a_changed_font_setting_is_not_replayed_over(monkeypatch):
    """A string drawn before is drawn anew when a font or text setting changed since (here the
    last-resort font for glyphs DejaVu lacks): the picture is matplotlib's own."""
    import matplotlib

    rows = [("漢字 ☃ Phụ huynh", {1: 2, 2: 3, 3: 5, 4: 9, 5: 11})]
    charts.satisfaction_chart(rows, "vi")  # its strings kept
    with matplotlib.rc_context({"font.enable_last_resort": False}):
        replayed = charts.satisfaction_chart(rows, "vi")
        with monkeypatch.context() as plain:
            plain.setattr(figures, "TEXT_REPLAYS", 0)
            expected = charts.satisfaction_chart(rows, "vi")
    assert replayed.uri == expected.uri
