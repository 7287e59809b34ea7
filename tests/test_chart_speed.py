"""The charts' shortcuts (figures.py: figure templates, fonts' height metrics kept by the renderer,
answers kept while a figure is laid out and drawn) give the PNG bytes matplotlib's plain drawing
gives, whatever was drawn before and in any order."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc_audit import charts, figures

# Months from July 2023: a series of up to twelve crosses a year (labels then carry the year).
MONTHS = [(2023 + (6 + i) // 12, (6 + i) % 12 + 1) for i in range(12)]
NAMES = ["Phụ huynh", "Cán bộ, giáo viên và nhân viên nhà trường", "Người dân", "Tổ chức, doanh nghiệp"]
share = st.one_of(st.none(), st.floats(0, 1))
PLAIN = {"TEMPLATES": 0, "FONT_HEIGHTS": 0, "LAYOUT_MEMOS": False, "TEXT_REPLAYS": 0}

needs_checked = pytest.mark.skipif(not figures._checked_version(), reason="this matplotlib is drawn the plain way")


def _series(values, size: int = 40) -> pd.DataFrame:
    index = pd.Index(MONTHS[:len(values)], tupleize_cols=False, name="month")
    denominator = [0 if v is None else size for v in values]
    numerator = [0 if v is None else round(v * size) for v in values]
    value = [float("nan") if d == 0 else n / d for n, d in zip(numerator, denominator)]
    return pd.DataFrame({"numerator": numerator, "denominator": denominator, "value": value}, index=index)


def _draw(chart):
    kind, values, other, threshold, lang, names = chart
    if kind == "on_time":
        return charts.on_time_chart(_series(values), threshold, lang)
    if kind == "digitization":
        reuse = _series([other[i % len(other)] for i in range(len(values))])
        return charts.digitization_chart(_series(values), reuse, {"digitized": threshold, "reuse": threshold / 2},
                                         lang)
    if kind == "trend":  # several axes: drawn without templates, with the layout memos
        return charts.trend_chart([
            {"id": f"{name[:6]} {n}", "threshold": threshold if n % 2 else None,
             "points": [(f"Q{i + 1}/24", v, "dat" if v is not None and v >= threshold else "khong_dat")
                        for i, v in enumerate((values + other)[: 2 + (n + len(values)) % 5])]}
            for n, name in enumerate(names)], lang)
    return charts.satisfaction_chart(
        [(name, {level: int(30 * (v or 0)) + (level + n) % 3 for level, v in enumerate((values + other)[:5], 1)})
         for n, name in enumerate(names)], lang)


def _plain(monkeypatch, chart):
    with monkeypatch.context() as plain:
        for name, value in PLAIN.items():
            plain.setattr(figures, name, value)
        return _draw(chart)


chart_strategy = st.tuples(
    st.sampled_from(["on_time", "digitization", "satisfaction", "trend"]),
    st.lists(share, min_size=1, max_size=12), st.lists(share, min_size=5, max_size=5),
    st.floats(0.05, 1), st.sampled_from(["vi", "en"]),
    st.lists(st.sampled_from(NAMES), min_size=1, max_size=4))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=st.lists(chart_strategy, min_size=1, max_size=4))
def test_charts_are_matplotlibs_own_pictures_after_any_charts(monkeypatch, drawn):
    """Each chart of a sequence (templates learnt and grown from the ones before, of other tick
    counts and heights) is byte for byte the chart matplotlib draws from a fresh figure."""
    for chart in drawn:
        expected = _plain(monkeypatch, chart)
        found = _draw(chart)
        if expected is None:
            assert found is None
        else:
            assert found.uri == expected.uri, chart


@needs_checked
def test_a_template_is_made_per_size_and_settings_and_kept_within_bounds(monkeypatch):
    monkeypatch.setattr(figures, "_templates", {})
    monkeypatch.setattr(figures, "TEMPLATES", 2)
    chart = ("on_time", [0.9, 1.0, 0.5], [0.1] * 5, 0.95, "vi", ["Phụ huynh"])
    _draw(chart)
    assert len(figures._templates) == 1
    # Another setting is another template, and the chart under it is matplotlib's own there too.
    with matplotlib.rc_context({"ytick.major.size": 7, "xtick.labelsize": 11}):
        assert _draw(chart).uri == _plain(monkeypatch, chart).uri
        assert _draw(chart).uri == _plain(monkeypatch, chart).uri  # now from its template
    assert len(figures._templates) == 2
    for rows in (1, 2, 3):  # satisfaction charts are as tall as their rows: a template each
        _draw(("satisfaction", [0.2] * 5, [0.3] * 5, 0.5, "en", NAMES[:rows]))
    assert len(figures._templates) == 2


@needs_checked
def test_a_template_made_before_the_backend_is_resolved_serves_the_charts_after(monkeypatch, matplotlib_backend):
    """A worker warms up (`charts.warm`) while matplotlib's backend is still its placeholder; the
    unit's notebook then resolves it. The backend decides nothing in these figures: the template
    made before is the one used after (no second template made), for matplotlib's own picture."""
    monkeypatch.setattr(figures, "_templates", {})
    chart = ("on_time", [0.9, 1.0, 0.5], [0.1] * 5, 0.95, "vi", ["-"])
    made = []
    new_figure = figures.new_figure
    monkeypatch.setattr(figures, "new_figure", lambda height: (made.append(height), new_figure(height))[1])
    matplotlib_backend.set(matplotlib_backend.AUTO)
    _draw(chart)  # a fresh figure, then its template
    assert len(made) == 2 and len(figures._templates) == 1
    matplotlib_backend.set("agg")
    assert _draw(chart).uri == _plain(monkeypatch, chart).uri
    assert len(figures._templates) == 1
    assert len(made) == 3  # only the plain drawing made a figure: the chart came from the template


@needs_checked
def test_a_template_grows_when_a_chart_needs_more_ticks(monkeypatch):
    monkeypatch.setattr(figures, "_templates", {})
    _draw(("on_time", [0.9, 1.0], [0.1] * 5, 0.95, "vi", ["-"]))
    (_, x_ticks, _), = figures._templates.values()
    long = ("on_time", [0.9, 0.8, 1.0, 0.7, 0.95, 0.99, 0.9, 0.6, 1.0, 0.85, 0.9, 0.92], [0.1] * 5, 0.95, "en", ["-"])
    assert _draw(long).uri == _plain(monkeypatch, long).uri
    (_, more, _), = figures._templates.values()
    assert more > x_ticks >= 2
    assert _draw(long).uri == _plain(monkeypatch, long).uri  # with the grown template


@needs_checked
def test_the_layout_memos_are_gone_once_a_chart_is_drawn(monkeypatch):
    drawn = []
    learn = figures._learn
    monkeypatch.setattr(figures, "_learn", lambda fig: (drawn.append(fig), learn(fig)))
    _draw(("on_time", [0.9, 1.0, 0.5], [0.1] * 5, 0.95, "vi", ["-"]))
    _draw(("satisfaction", [0.2] * 5, [0.3] * 5, 0.5, "en", NAMES[:2]))
    memos = ("_update_ticks", "_get_ticklabel_bboxes", "_get_layout", "_get_bbox_and_child_offsets")
    assert len(drawn) == 2  # the patch is where the figures are saved
    for fig in drawn:
        for artist in fig.findobj():
            assert not set(vars(artist)) & set(memos), artist


@needs_checked
@pytest.mark.parametrize("family", ["DejaVu Sans", "DejaVu Serif", "monospace"])
@pytest.mark.parametrize("size, weight, dpi", [(8, "normal", 110), (6.5, "bold", 110), (13, "light", 72),
                                               (7, "normal", 200)])
def test_a_fonts_heights_are_those_matplotlib_reads_itself(family, size, weight, dpi):
    """A text laid out with the renderer giving the font's heights is laid out as matplotlib lays
    it out when it reads them from the font's tables."""
    import weakref

    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 2), dpi=dpi)
    text = fig.text(0.5, 0.5, "Tháng 1\nQuý IV 98,5%", fontfamily=family, fontsize=size, fontweight=weight)
    plain = RendererAgg(300, 200, dpi)
    ours = figures._replaying_renderer_class()(300, 200, dpi)
    ours._figure = weakref.ref(fig)
    ours._settings = figures._text_settings()
    expected, found = text._get_layout(plain), text._get_layout(ours)
    assert ours._heights  # the renderer said
    assert tuple(found[0].bounds) == tuple(expected[0].bounds)
    assert found[1:] == expected[1:]
    fig.set_dpi(dpi * 2)  # a text laid out at another dpi than the renderer's: matplotlib reads them
    assert ours._get_font_height_metrics(text.get_fontproperties()) == (None, None, None)


def test_an_unchecked_matplotlib_is_drawn_the_plain_way(monkeypatch):
    monkeypatch.setattr(figures, "REPLAY_VERSIONS", ())
    monkeypatch.setattr(figures, "_templates", {})
    chart = ("digitization", [0.4, 0.6, None], [0.2] * 5, 0.5, "vi", ["-"])
    assert _draw(chart).uri == _plain(monkeypatch, chart).uri
    assert figures._templates == {}


@needs_checked
def test_a_kept_answer_is_not_given_once_what_it_was_kept_under_changed():
    """Within a layout, matplotlib relabels ticks when their count changes with the axes' height,
    and the layout moves the axes: a text's layout is kept under its string, tick boxes under the
    axes' place."""
    with matplotlib.rc_context(charts.STYLE):
        fig, ax = figures.single_axes(2.3)
        ax.set_xticks([0, 1], ["T1", "T2"])
        renderer = fig.canvas.get_renderer()
        label = ax.xaxis.get_major_ticks()[0].label1
        with figures._layout_memos(fig):
            before = label._get_layout(renderer)[0].bounds
            label.set_text("Tháng mười hai")
            longer = label._get_layout(renderer)[0].bounds
            boxes = ax.xaxis._get_ticklabel_bboxes(ax.xaxis._update_ticks(), renderer)[0][0]
            ax.set_position([0.3, 0.3, 0.5, 0.5])
            moved = ax.xaxis._get_ticklabel_bboxes(ax.xaxis._update_ticks(), renderer)[0][0]
        assert moved.bounds != boxes.bounds
        assert moved.bounds == ax.xaxis._get_ticklabel_bboxes(ax.xaxis._update_ticks(), renderer)[0][0].bounds
        label.set_text("Tháng mười hai")
        assert longer[2] > before[2]
        assert longer == label._get_layout(renderer)[0].bounds  # as matplotlib lays it out


def test_texts_laid_out_by_where_they_are_get_no_kept_layout():
    """A wrapped text (wrapped to the figure's edge) and one turned with its transform are laid
    out by their place: the memos leave them to matplotlib."""
    if not figures._checked_version():
        pytest.skip("the memos run on checked matplotlib versions only")
    fig = figures.new_figure(2.0)
    ax = fig.add_subplot()
    plain, wrapped = ax.text(0, 0, "plain"), ax.text(0, 0, "wrapped " * 20, wrap=True)
    turned = ax.text(0, 0, "turned", transform_rotates_text=True, rotation=30)
    with figures._layout_memos(fig):
        assert "_get_layout" in plain.__dict__
        assert "_get_layout" not in wrapped.__dict__ and "_get_layout" not in turned.__dict__
    assert "_get_layout" not in plain.__dict__
