"""Small static charts for the report: PNG images embedded in the page as `data:` URIs.

Only aggregates are drawn (monthly rates, counts by level), so a chart is the same in the internal
and the public report. matplotlib is imported when a chart is drawn, not when the package is
imported, and draws through its Agg canvas (no window, no pyplot state). The PNG carries no
timestamp or version, so the same figures give the same bytes.

The monthly series count with the very flags the checks use (`Audit.dossiers`, see
checks/procedures.py), so a series' numerators and denominators add up to the target's figure.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import io
import pickle
import struct
import threading
import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .fmt import fmt_int, fmt_pct, fmt_share, month_label
from .messages import label

# Colours of the statuses in report.css, so a chart reads like the tables around it.
GREEN, RED, GREY, BLUE, ORANGE = "#2e7d32", "#c62828", "#9e9e9e", "#1565c0", "#ef6c00"
LEVEL_COLOURS = {1: "#b71c1c", 2: "#ef6c00", 3: "#bdbdbd", 4: "#81c784", 5: "#2e7d32"}
WIDTH_IN, DPI = 6.6, 110
FONT_SIZE = 8


@dataclass(frozen=True)
class Chart:
    uri: str  # data:image/png;base64,...
    alt: str  # the figures in words, for screen readers and for search
    caption: str
    width: int  # pixels
    height: int


# --- monthly series ---------------------------------------------------------------------------

def period_months(period) -> list[tuple[int, int]]:
    """Every calendar month the period touches (a cut-off quarter touches four)."""
    months, (year, month) = [], (period.start.year, period.start.month)
    while (year, month) <= (period.end.year, period.end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def monthly(dates: pd.Series, counted, good, period) -> pd.DataFrame:
    """Numerator (`good`) and denominator (`counted`) by calendar month of `dates`, one row per
    month the period touches (zero where nothing happened)."""
    counted = pd.Series(counted, index=dates.index).astype(bool)
    good = pd.Series(good, index=dates.index).astype(bool) & counted
    if isinstance(dates.dtype, np.dtype) and dates.dtype.kind == "M":
        return _monthly_counts(dates.to_numpy(), counted.to_numpy(), good.to_numpy(), period)
    months = pd.Series(list(zip(dates.dt.year, dates.dt.month)), index=dates.index)
    frame = pd.DataFrame({"month": months[counted], "numerator": good[counted].astype(int),
                          "denominator": 1})
    sums = frame.groupby("month")[["numerator", "denominator"]].sum()
    index = pd.Index(period_months(period), tupleize_cols=False, name="month")
    sums = sums.reindex(index, fill_value=0)
    sums["value"] = (sums["numerator"] / sums["denominator"]).where(sums["denominator"] > 0)
    return sums


def _monthly_counts(dates: np.ndarray, counted: np.ndarray, good: np.ndarray, period) -> pd.DataFrame:
    """`monthly` of plain datetime64 dates, counted in numpy: a register of a million dossiers
    made a million (year, month) tuples to group."""
    months = period_months(period)
    first = (months[0][0] - 1970) * 12 + months[0][1] - 1  # months since 1970-01, as numpy counts them
    position = dates.astype("datetime64[M]").astype(np.int64) - first
    kept = counted & ~np.isnat(dates) & (position >= 0) & (position < len(months))
    sums = pd.DataFrame({"numerator": np.bincount(position[kept & good], minlength=len(months)).astype(np.int64),
                         "denominator": np.bincount(position[kept], minlength=len(months)).astype(np.int64)},
                        index=pd.Index(months, tupleize_cols=False, name="month"))
    sums["value"] = (sums["numerator"] / sums["denominator"]).where(sums["denominator"] > 0)
    return sums


def on_time_by_month(dossiers: pd.DataFrame, period) -> pd.DataFrame:
    """II.1.1.a by month of the result: resolved in the period, not withdrawn or refused
    (`tinh_dung_han`), on or before the due date (`dung_han`)."""
    d = dossiers
    return monthly(d["ngay_co_ket_qua"], d["tinh_dung_han"], d["dung_han"], period)


def digitized_by_month(dossiers: pd.DataFrame, period) -> pd.DataFrame:
    """II.4 by month of the result: resolved in the period, digitized with an electronic result."""
    d = dossiers
    return monthly(d["ngay_co_ket_qua"], d["giai_quyet_trong_ky"], d["so_hoa"] & d["ket_qua_dien_tu"],
                   period)


def reuse_by_month(dossiers: pd.DataFrame, period) -> pd.DataFrame:
    """III.3.6.b by month of receipt: received in the period, not withdrawn, data reused."""
    d = dossiers
    counted = d["tiep_nhan_trong_ky"] & (d["trang_thai_hieu_luc"] != "rut")
    return monthly(d["ngay_tiep_nhan"], counted, d["tai_su_dung"], period)


# --- drawing ----------------------------------------------------------------------------------

STYLE = {"font.size": FONT_SIZE, "font.family": "DejaVu Sans",  # DejaVu has Vietnamese glyphs
         "axes.spines.top": False, "axes.spines.right": False}


def _styled(draw):
    """Draw under the report's style without touching matplotlib's global settings."""
    @functools.wraps(draw)
    def wrapper(*args, **kwargs):
        import matplotlib

        with _DRAWING, matplotlib.rc_context(STYLE):
            return draw(*args, **kwargs)
    return wrapper


@functools.cache
def _canvas_class():
    """An Agg canvas whose renderer is shared by every chart of the same pixel size. matplotlib
    caches text metrics per renderer; a renderer per figure measured the same tick labels,
    legends and captions again for every chart of every unit. Agg clears the renderer's buffer
    before each draw, so what a chart shows does not depend on the one drawn before."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer_class = _replaying_renderer_class()
    renderers: dict[tuple, object] = {}

    class SharedRendererCanvas(FigureCanvasAgg):
        def get_renderer(self):
            w, h = self.get_width_height(physical=True)
            key = w, h, self.figure.dpi
            if key not in renderers:
                renderers[key] = renderer_class(w, h, self.figure.dpi)
            self.renderer = renderers[key]
            if hasattr(self.renderer, "_settings"):  # once per drawing, not once per string
                self.renderer._settings = _text_settings()
                self.renderer._figure = weakref.ref(self.figure)
            return self.renderer

    SharedRendererCanvas._renderers = renderers  # for tests: what each renderer keeps
    return SharedRendererCanvas


TEXT_REPLAYS = 8 << 20  # bytes of glyph bitmaps kept per renderer before they are forgotten; 0: none
# The matplotlib versions whose Agg text drawing the replay was checked against (its private
# `_draw_text_glyphs_and_boxes`, glyph by glyph); any other draws as matplotlib does.
REPLAY_VERSIONS = ((3, 11),)


FONT_HEIGHTS = 64  # fonts' height metrics kept per renderer; 0: none


def _font_heights(prop, dpi) -> tuple:
    """What matplotlib's `Text._get_layout` works out from the font's tables when the renderer
    does not say: (ascent, descent, line gap) in pixels, the same arithmetic in the same order."""
    from matplotlib.font_manager import fontManager, get_font

    font = get_font(fontManager._find_fonts_by_props(prop))
    for table_name, gap_key, ascent_key, descent_key in (("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
                                                         ("hhea", "lineGap", "ascent", "descent")):
        table = font.get_sfnt_table(table_name)
        if table is None:
            continue
        scale = 1 / font.get_sfnt_table("head")["unitsPerEm"] * prop.get_size_in_points() * dpi / 72
        return table[ascent_key] * scale, -table[descent_key] * scale, table[gap_key] * scale
    return None, None, None


def _checked_version() -> bool:
    """Whether this matplotlib is one whose private internals the shortcuts here were checked
    against (REPLAY_VERSIONS); on any other, charts are drawn the plain way."""
    import matplotlib
    from matplotlib.backends.backend_agg import RendererAgg

    version = tuple(int(part) for part in matplotlib.__version__.split(".")[:2] if part.isdigit())
    return version in REPLAY_VERSIONS and hasattr(RendererAgg, "_draw_text_glyphs_and_boxes")


def _text_settings():
    """What, beside a string's own properties, decides the glyphs matplotlib draws for it: every
    font and text setting, and the fonts it knows (a font added later can take over a family)."""
    from matplotlib import font_manager, rcParams

    return (tuple((k, repr(rcParams[k])) for k in sorted(rcParams) if k.startswith(("font.", "text."))),
            id(font_manager.fontManager), len(font_manager.fontManager.ttflist))


def _replaying_renderer_class():
    """Agg's renderer, replaying a string it has drawn before at the same place. A chart's tick
    labels, legend and captions sit where they sat in the unit before; matplotlib lays each one
    out and renders it glyph by glyph every time (a third of drawing a chart). What it gives Agg's
    buffer for a string is glyph bitmaps at pixel positions, decided by the string, its font
    properties, angle, exact position, antialiasing, font features and language, the figure's dpi
    and height, and the font and text settings (`_text_settings`): kept under all of those, and
    given again with the colour and clip of the moment, they paint the same pixels (a property
    test compares them with matplotlib's own drawing). Math text, and matplotlib versions other
    than REPLAY_VERSIONS, are drawn as usual."""
    from matplotlib.backends.backend_agg import RendererAgg, get_hinting_flag

    if not _checked_version():
        return RendererAgg

    class Recorder:
        """Stands in for Agg's C++ renderer while a string is drawn: passes every glyph on and
        keeps a copy; anything else drawn (boxes) makes the string one not to replay."""

        def __init__(self, real):
            self.real, self.glyphs, self.other = real, [], False

        def draw_text_image(self, image, x, y, angle, gc):
            self.glyphs.append((image.copy(), x, y, angle))
            return self.real.draw_text_image(image, x, y, angle, gc)

        def __getattr__(self, name):
            self.other = True
            return getattr(self.real, name)

    class ReplayingRenderer(RendererAgg):
        def __init__(self, width, height, dpi):
            super().__init__(width, height, dpi)
            self._strings: dict[tuple, list] = {}
            self._kept = 0  # bytes of bitmaps in _strings
            self._settings = None  # `_text_settings()`, as the canvas found them for this drawing
            self._figure = None  # a weak reference to the figure being drawn
            self._heights: dict[tuple, tuple] = {}

        def _get_font_height_metrics(self, prop):
            """A font's ascent, descent and line gap, which matplotlib's text layout asks the
            renderer for and else reads from the font's tables, for every string each time it is
            measured (a tenth of a chart). Kept per font properties, dpi and font and text
            settings, they are the very numbers; (None, None, None) has matplotlib read them."""
            figure = self._figure() if self._figure is not None else None
            if FONT_HEIGHTS <= 0 or figure is None or figure.dpi != self.dpi:  # the dpi text is laid out at
                return None, None, None
            key = (prop.copy(), self.dpi, self._settings or _text_settings())
            found = self._heights.get(key)
            if found is None:
                if len(self._heights) >= FONT_HEIGHTS:
                    self._heights.clear()
                found = self._heights[key] = _font_heights(prop, self.dpi)
            return found

        def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
            if ismath or TEXT_REPLAYS <= 0:
                return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
            key = (s, prop.copy(), float(angle), float(x), float(y), bool(gc.get_antialiased()),
                   get_hinting_flag(), self.dpi, self.height, self._settings or _text_settings(),
                   mtext.get_fontfeatures() if mtext is not None else None,
                   mtext.get_language() if mtext is not None else None)
            glyphs = self._strings.get(key)
            if glyphs is not None:
                for image, gx, gy, gangle in glyphs:
                    self._renderer.draw_text_image(image, gx, gy, gangle, gc)
                return None
            real = self._renderer
            recorder = self._renderer = Recorder(real)
            try:
                super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
            finally:
                self._renderer = real
            if not recorder.other:
                size = sum(image.nbytes for image, *_ in recorder.glyphs)
                if self._kept + size > TEXT_REPLAYS:
                    self._strings.clear()
                    self._kept = 0
                self._strings[key] = recorder.glyphs
                self._kept += size
            return None

    return ReplayingRenderer


# One chart drawn at a time: the shared renderers hold one picture each.
_DRAWING = threading.RLock()


def _figure(height_in: float, width_in: float = WIDTH_IN):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=DPI, layout="constrained")
    _canvas_class()(fig)
    return fig


TEMPLATES = 8  # single-axes figures kept as templates (one per height and settings); 0: none
TEMPLATE_TICKS = 40  # most ticks per axis a template is made with
_templates: dict[tuple, tuple[bytes, int, int]] = {}  # key -> (pickled figure, x ticks, y ticks)
_made: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # a figure of `_single_axes` -> its key


def _template_key(height_in: float):
    """Everything a fresh figure and axes are made of: their size, matplotlib's version and every
    setting (artists read dozens of them when they are made)."""
    import matplotlib

    return (WIDTH_IN, height_in, DPI, matplotlib.__version__, repr(sorted(dict.items(matplotlib.rcParams))))


def _single_axes(height_in: float):
    """`_figure(height_in)` and its one `add_subplot()`, as they are fresh. Making them, and the
    ticks matplotlib then makes one by one as a chart is laid out, is a fifth of a chart; a copy
    of a fresh figure whose axes already hold as many ticks as the last chart of this size used
    (unpickled: matplotlib's own way to copy a figure) costs a third of that. A tick made early
    is the one matplotlib makes late: it copies the first tick's properties, and every later
    change of tick properties (`tick_params`, `grid`) is applied to all ticks made so far (a
    property test compares the pictures with plain figures')."""
    if TEMPLATES <= 0 or not _checked_version():
        fig = _figure(height_in)  # a matplotlib not checked: made as usual
        return fig, fig.add_subplot()
    key = _template_key(height_in)
    found = _templates.get(key)
    if found is None:
        fig = _figure(height_in)
        ax = fig.add_subplot()
    else:
        _templates[key] = _templates.pop(key)  # the most recently used last
        fig = pickle.loads(found[0])
        _canvas_class()(fig)
        ax = fig.axes[0]
    _made[fig] = key  # `_learn`, once the chart is drawn, knows how many ticks it used
    return fig, ax


def _learn(fig) -> None:
    """After a chart of `_single_axes` is drawn: the template of its size, made once, and again
    larger when a chart used more ticks than it holds."""
    key = _made.pop(fig, None)
    if key is None:
        return
    ax = fig.axes[0]
    wanted = [min(len(axis.majorTicks), TEMPLATE_TICKS) for axis in (ax.xaxis, ax.yaxis)]
    found = _templates.get(key)
    if found is not None:
        if found[1] >= wanted[0] and found[2] >= wanted[1]:
            return
        wanted = [max(wanted[0], found[1]), max(wanted[1], found[2])]
    template = _figure(key[1])
    ax = template.add_subplot()
    ax.xaxis.get_major_ticks(wanted[0])
    ax.yaxis.get_major_ticks(wanted[1])
    _templates.pop(key, None)
    while len(_templates) >= TEMPLATES:
        del _templates[next(iter(_templates))]  # the least recently used
    _templates[key] = (pickle.dumps(template), *wanted)


def _encode(fig, alt: str, caption: str) -> Chart:
    buffer = io.BytesIO()
    # savefig with a layout engine runs a whole draw without output only to lay the figure out,
    # then draws again with the layout switched off; running the layout alone gives the same
    # positions without the first draw.
    with _layout_memos(fig):
        fig.get_layout_engine().execute(fig)
        fig.set_layout_engine(None)
        fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    _learn(fig)
    png = buffer.getvalue()
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk: what was drawn
    uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return Chart(uri, alt, caption, width, height)


LAYOUT_MEMOS = True  # False: the layout and the drawing work everything out each time they ask


@contextlib.contextmanager
def _layout_memos(fig):
    """While a figure is laid out and drawn, matplotlib asks each axis for its ticks about ten
    times, and each tick label and legend text for its extent five times (for the tight box of
    each layout pass, for the axis labels' place, for the spines, then to draw), working each
    out anew: a third of a chart. Between the start of the layout and the end of savefig no code
    but matplotlib's own runs on the figure, and it changes only the axes' place (the layout
    engine) and what the methods kept here set themselves (tick places and labels, axis label
    places); so each answer is kept under what it reads of that, and given again while it holds:
    an axis's ticks and tick label boxes under the axes' place, view and data limits and the
    figure's size and dpi; a text's layout (which does not depend on where the text is, unless
    it wraps or turns with its transform: those are left alone) under its string, renderer and
    dpi. Only on the matplotlib versions checked (REPLAY_VERSIONS); a property test compares the
    pictures with matplotlib's own."""
    if not LAYOUT_MEMOS or not _checked_version():
        yield
        return
    from matplotlib.offsetbox import PackerBase, PaddedBox

    patched = []

    def patch(obj, name, memo):
        if memo is _memo_text_layout and (obj.get_wrap() or obj.get_transform_rotates_text()):
            return  # laid out by where it is: wrapped to the figure's edge, or turned with the axes
        obj.__dict__[name] = functools.partial(memo, obj, getattr(obj, name), {})
        patched.append((obj, name))

    try:
        for ax in fig.axes:
            for axis in (ax.xaxis, ax.yaxis):
                patch(axis, "_update_ticks", _memo_ticks)
                patch(axis, "_get_ticklabel_bboxes", _memo_tick_boxes)
                for tick in axis.__dict__.get("majorTicks", ()):  # those made so far
                    patch(tick.label1, "_get_layout", _memo_text_layout)
                    patch(tick.label2, "_get_layout", _memo_text_layout)
            legend = ax.get_legend()
            for text in [*ax.texts, *(legend.texts if legend is not None else ())]:
                patch(text, "_get_layout", _memo_text_layout)
            boxes = [legend._legend_box] if legend is not None else []
            while boxes:  # the legend's packing boxes (its texts' and handles' boxes inside)
                box = boxes.pop()
                if isinstance(box, (PackerBase, PaddedBox)):
                    patch(box, "_get_bbox_and_child_offsets", _memo_packing)
                    boxes.extend(box.get_children())
        yield
    finally:
        for obj, name in patched:
            del obj.__dict__[name]


def _axes_state(axes) -> tuple:
    """What, in a figure being laid out and drawn, decides an axis's ticks and their boxes."""
    figure = axes.get_figure(root=True)
    return (tuple(axes._position.bounds), tuple(axes.viewLim.bounds), tuple(axes.dataLim.bounds),
            tuple(figure.bbox.bounds), figure.dpi)


def _memo_ticks(axis, plain, kept: dict):
    key = _axes_state(axis.axes)
    if kept.get("key") != key:
        kept["key"], kept["ticks"] = key, plain()
    return list(kept["ticks"])


def _memo_tick_boxes(axis, plain, kept: dict, ticks, renderer):
    key = (_axes_state(axis.axes), id(renderer), tuple(map(id, ticks)),
           tuple((t.label1.get_text(), t.label2.get_text()) for t in ticks))
    if kept.get("key") != key:
        kept["key"], kept["boxes"] = key, plain(ticks, renderer)
    return tuple([box.frozen() for box in boxes] for boxes in kept["boxes"])


def _memo_packing(box, plain, kept: dict, renderer):
    """A legend's box of boxes: where its children go depends on their sizes (texts' layouts and
    handles' fixed boxes, neither depending on where the legend is), its own padding, spacing,
    alignment and size, and the dpi."""
    key = (id(renderer), box.get_figure(root=True).dpi, box.width, box.height, box.pad,
           getattr(box, "sep", None), getattr(box, "align", None), getattr(box, "mode", None),
           tuple(map(id, box.get_visible_children())))
    if kept.get("key") != key:
        kept["key"], kept["packing"] = key, plain(renderer)
    bbox, offsets = kept["packing"]
    return bbox.frozen(), list(offsets)


def _memo_text_layout(text, plain, kept: dict, renderer):
    key = (text.get_text(), id(renderer), text.get_figure(root=True).dpi)
    if kept.get("key") != key:
        kept["key"], kept["layout"] = key, plain(renderer)
    box, lines, corner = kept["layout"]
    return box.frozen(), list(lines), corner


def _labels(months, lang: str) -> list[str]:
    years = {int(year) for year, _ in months}
    return [month_label(int(y), int(m), lang, with_year=len(years) > 1) for y, m in months]


def _percent_axis(ax, values, thresholds, lang: str) -> None:
    """A 0-100% axis, or a narrower one when every figure is high, so that 97% and 99% differ."""
    shown = [v for v in list(values) + list(thresholds) if v is not None and not pd.isna(v)]
    low = min(shown, default=0.0)
    bottom = 0.0 if low < 0.5 else max(0.0, (int(low * 20) - 1) / 20)  # a step of 5 points below
    ax.set_ylim(bottom * 100, 101)
    ax.yaxis.set_major_formatter(lambda v, _: fmt_share(v / 100, lang))
    ax.grid(axis="y", linewidth=0.4, color="#dddddd")
    ax.set_axisbelow(True)


def _series_text(months, series: pd.DataFrame, lang: str) -> str:
    parts = []
    for name, numerator, denominator, value in zip(_labels(months, lang), series["numerator"],
                                                   series["denominator"], series["value"]):
        shown = fmt_pct(value, lang) if denominator else label("not_arisen", lang).lower()
        parts.append(f"{name}: {shown} ({fmt_int(numerator, lang)}/{fmt_int(denominator, lang)})")
    return "; ".join(parts)


@_styled
def on_time_chart(series: pd.DataFrame, threshold: float, lang: str = "vi") -> Chart | None:
    """Bars of the monthly on-time rate, green at or above the target, red below; the target as
    a dashed line."""
    if not series["denominator"].any():
        return None
    months = list(series.index)
    fig, ax = _single_axes(2.3)
    x = list(range(len(months)))
    values = series["value"]
    colours = [GREY if pd.isna(v) else (GREEN if v >= threshold else RED) for v in values]
    ax.bar(x, [0 if pd.isna(v) else v * 100 for v in values], color=colours, width=0.6)
    ax.axhline(threshold * 100, color="#000000", linestyle="--", linewidth=1,
               label=label("chart_target", lang, value=fmt_share(threshold, lang)))
    _percent_axis(ax, values, [threshold], lang)
    ax.legend(loc="lower right", bbox_to_anchor=(1, 1), fontsize=FONT_SIZE - 1, frameon=False,
              borderaxespad=0)
    for xi, value in zip(x, values):
        text = "—" if pd.isna(value) else fmt_pct(value, lang, 1)
        bottom = ax.get_ylim()[0]
        ax.text(xi, (bottom if pd.isna(value) else max(value * 100, bottom)) + 0.3, text, ha="center",
                va="bottom", fontsize=FONT_SIZE - 1)
    ax.set_xticks(x, _labels(months, lang))
    caption = label("chart_on_time", lang)
    return _encode(fig, f"{caption}: {_series_text(months, series, lang)}", caption)


@_styled
def digitization_chart(digitized: pd.DataFrame, reuse: pd.DataFrame, thresholds: dict[str, float],
                       lang: str = "vi") -> Chart | None:
    """Monthly digitization (II.4) and data reuse (III.3.6.b) side by side, each with its target."""
    if not (digitized["denominator"].any() or reuse["denominator"].any()):
        return None
    months = list(digitized.index)
    fig, ax = _single_axes(2.3)
    x = list(range(len(months)))
    width = 0.38
    named = ((digitized, BLUE, "chart_digitized", thresholds.get("digitized"), -width / 2),
             (reuse, ORANGE, "chart_reuse", thresholds.get("reuse"), width / 2))
    for series, colour, key, threshold, shift in named:
        ax.bar([xi + shift for xi in x], [0 if pd.isna(v) else v * 100 for v in series["value"]],
               width=width, color=colour, label=label(key, lang))
        if threshold is not None:
            ax.axhline(threshold * 100, color=colour, linestyle="--", linewidth=1)
    _percent_axis(ax, list(digitized["value"]) + list(reuse["value"]),
                  [t for t in thresholds.values() if t is not None], lang)
    ax.set_xticks(x, _labels(months, lang))
    ax.legend(loc="lower right", bbox_to_anchor=(1, 1), ncol=2, fontsize=FONT_SIZE - 1, frameon=False,
              borderaxespad=0)
    caption = label("chart_digitization", lang)
    alt = (f"{caption}. {label('chart_digitized', lang)}: {_series_text(months, digitized, lang)}. "
           f"{label('chart_reuse', lang)}: {_series_text(months, reuse, lang)}.")
    return _encode(fig, alt, caption)


@_styled
def satisfaction_chart(rows: list[tuple[str, dict[int, int]]], lang: str = "vi") -> Chart | None:
    """One 100% bar per survey subject, split by satisfaction level 1-5."""
    rows = [(name, levels) for name, levels in rows if sum(levels.values())]
    if not rows:
        return None
    fig, ax = _single_axes(0.55 + 0.42 * len(rows))
    names = [name for name, _ in rows]
    y = list(range(len(rows)))[::-1]
    left = [0.0] * len(rows)
    for level in range(1, 6):
        shares = [levels.get(level, 0) / sum(levels.values()) * 100 for _, levels in rows]
        text = label(f"level.{level}", lang)
        ax.barh(y, shares, left=left, color=LEVEL_COLOURS[level], height=0.6, label=f"{level} — {text}")
        for yi, start, share in zip(y, left, shares):
            if share >= 6:
                ax.text(start + share / 2, yi, fmt_share(round(share) / 100, lang), ha="center",
                        va="center", fontsize=FONT_SIZE - 1, color="#000000" if level in (3, 4) else "#ffffff")
        left = [a + b for a, b in zip(left, shares)]
    import textwrap

    ax.set_yticks(y, ["\n".join(textwrap.wrap(name, 24)) for name in names])
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_formatter(lambda v, _: fmt_share(v / 100, lang))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=5, fontsize=FONT_SIZE - 1.5,
              frameon=False, handlelength=1)
    caption = label("chart_satisfaction", lang)

    def level_text(level: int, count: int, total: int) -> str:
        return label("chart_level_share", lang, level=level, name=label(f"level.{level}", lang),
                     count=fmt_int(count, lang), share=fmt_pct(count / total, lang))

    alt = caption + ": " + "; ".join(
        label("chart_responses", lang, name=name, total=fmt_int(sum(levels.values()), lang)) + " " + ", ".join(
            level_text(k, v, sum(levels.values())) for k, v in sorted(levels.items()))
        for name, levels in rows)
    return _encode(fig, alt, caption)


@_styled
def trend_chart(series: list[dict], lang: str = "vi") -> Chart | None:
    """Small multiples, one per key target: its value in each period (points coloured by status)
    and its target as a dashed line. `series`: [{"id", "threshold", "points": [(label, value,
    status)]}]; a target with fewer than two periods measured is left out."""
    drawn = [s for s in series if sum(p[1] is not None for p in s["points"]) >= 2]
    if not drawn:
        return None
    columns = min(4, len(drawn))
    rows = -(-len(drawn) // columns)
    fig = _figure(1.55 * rows + 0.1)
    axes = fig.subplots(rows, columns, squeeze=False)
    colours = {"dat": GREEN, "khong_dat": RED}
    for ax, entry in zip(axes.flat, drawn):
        names = [p[0] for p in entry["points"]]
        values = [None if p[1] is None else p[1] * 100 for p in entry["points"]]
        x = list(range(len(names)))
        known = [(xi, v) for xi, v in zip(x, values) if v is not None]
        ax.plot([k[0] for k in known], [k[1] for k in known], color="#555555", linewidth=1)
        for xi, (_name, value, status) in zip(x, entry["points"]):
            if value is not None:
                ax.plot([xi], [value * 100], marker="o", markersize=4, color=colours.get(status, GREY))
        if entry.get("threshold") is not None:
            ax.axhline(entry["threshold"] * 100, color="#000000", linestyle="--", linewidth=0.8)
        _percent_axis(ax, [p[1] for p in entry["points"]], [entry.get("threshold")], lang)
        ax.set_xticks(x, names, fontsize=FONT_SIZE - 1.5)
        ax.tick_params(axis="y", labelsize=FONT_SIZE - 1.5)
        ax.set_title(entry["id"], fontsize=FONT_SIZE, fontweight="bold")
    for ax in list(axes.flat)[len(drawn):]:
        ax.set_visible(False)
    caption = label("chart_trends", lang)
    alt = caption + ": " + "; ".join(
        entry["id"] + " " + ", ".join(f"{p[0]} {fmt_pct(p[1], lang)}" for p in entry["points"])
        for entry in drawn)
    return _encode(fig, alt, caption)


def warm(langs=("vi", "en")) -> None:
    """Draw each kind of chart once on made-up figures (into memory, never shown): matplotlib's
    fonts, glyphs and text metrics and the shared renderers of the report's chart sizes are then
    ready for the first unit. What a later chart shows does not depend on it."""
    index = pd.Index([(2024, 1), (2024, 2), (2024, 3)], tupleize_cols=False, name="month")
    series = pd.DataFrame({"numerator": [9, 10, 0], "denominator": [10, 10, 0],
                           "value": [0.9, 1.0, float("nan")]}, index=index)
    for lang in langs:
        on_time_chart(series, 0.95, lang)
        digitization_chart(series, series, {"digitized": 0.5, "reuse": 0.3}, lang)
        satisfaction_chart([("-", {1: 1, 2: 1, 3: 2, 4: 6, 5: 10})], lang)
