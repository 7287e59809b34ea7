"""Figures of the report's charts: made from templates, laid out and saved to PNG fast.

What a chart shows is charts.py's; this module holds how its figure is made and drawn. matplotlib is
imported when a figure is made, not when the package is imported, and draws through its Agg canvas
(no window, no pyplot state). The PNG carries no timestamp or version, so the same figures give the
same bytes.

Drawn the plain way, a chart makes a fresh figure and its ticks, lays out and renders every string
glyph by glyph, and works the same answers out again and again during one layout. So a figure
starts from a template, a renderer shared per pixel size replays strings it drew before and gives
fonts' heights, and answers are kept while one figure is laid out and saved. These lean on
matplotlib's private internals, so they run only on the versions checked (REPLAY_VERSIONS); each
has a switch (TEMPLATES, TEXT_REPLAYS, FONT_HEIGHTS, LAYOUT_MEMOS), and the PNGs are byte for byte
matplotlib's own (property tests, and the golden test).
"""

from __future__ import annotations

import contextlib
import functools
import io
import pickle
import threading
import weakref

WIDTH_IN, DPI = 6.6, 110  # the report's charts: this wide (inches), at this resolution


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


# One chart drawn at a time: the shared renderers hold one picture each, and the templates are
# one dict. No path of the package draws from two threads at once (charts are drawn by the report's
# parts inside a notebook, one notebook per process under inprocess.LOCK, or by `charts.warm`
# before a worker takes a unit; export.py and batch.py draw none), so this is never contended
# there; it keeps `charts`' public functions safe for a caller that does use threads.
DRAWING = threading.RLock()


def new_figure(height_in: float):
    """A figure of the report's width (WIDTH_IN: every chart is as wide as the page's text, and the
    templates are keyed by it) and `height_in`."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, layout="constrained")
    _canvas_class()(fig)
    return fig


TEMPLATES = 8  # single-axes figures kept as templates (one per height and settings); 0: none
TEMPLATE_TICKS = 40  # most ticks per axis a template is made with
_templates: dict[tuple, tuple[bytes, int, int]] = {}  # key -> (pickled figure, x ticks, y ticks)
_made: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # a figure of `single_axes` -> its key


# Settings that make no difference to a figure drawn on the Agg canvas here. The backend above all:
# until pyplot resolves it, it is a placeholder object, and a template made then (a worker's warm-up,
# `charts.warm`) was never found again once a notebook had resolved it.
NOT_IN_FIGURES = frozenset({"backend", "backend_fallback", "interactive"})


def _template_key(height_in: float):
    """Everything a fresh figure and axes are made of: their size, matplotlib's version and every
    setting (artists read dozens of them when they are made) but NOT_IN_FIGURES."""
    import matplotlib

    settings = sorted(item for item in dict.items(matplotlib.rcParams) if item[0] not in NOT_IN_FIGURES)
    return (WIDTH_IN, height_in, DPI, matplotlib.__version__, repr(settings))


def single_axes(height_in: float):
    """`new_figure(height_in)` and its one `add_subplot()`, as they are fresh. Making them, and the
    ticks matplotlib then makes one by one as a chart is laid out, is a fifth of a chart; a copy
    of a fresh figure whose axes already hold as many ticks as the last chart of this size used
    (unpickled: matplotlib's own way to copy a figure) costs a third of that. A tick made early
    is the one matplotlib makes late: it copies the first tick's properties, and every later
    change of tick properties (`tick_params`, `grid`) is applied to all ticks made so far (a
    property test compares the pictures with plain figures')."""
    if TEMPLATES <= 0 or not _checked_version():
        fig = new_figure(height_in)  # a matplotlib not checked: made as usual
        return fig, fig.add_subplot()
    key = _template_key(height_in)
    found = _templates.get(key)
    if found is None:
        fig = new_figure(height_in)
        ax = fig.add_subplot()
    else:
        _templates[key] = _templates.pop(key)  # the most recently used last
        fig = pickle.loads(found[0])
        _canvas_class()(fig)
        ax = fig.axes[0]
    _made[fig] = key  # `_learn`, once the chart is drawn, knows how many ticks it used
    return fig, ax


def _learn(fig) -> None:
    """After a chart of `single_axes` is drawn: the template of its size, made once, and again
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
    template = new_figure(key[1])
    ax = template.add_subplot()
    ax.xaxis.get_major_ticks(wanted[0])
    ax.yaxis.get_major_ticks(wanted[1])
    _templates.pop(key, None)
    while len(_templates) >= TEMPLATES:
        del _templates[next(iter(_templates))]  # the least recently used
    _templates[key] = (pickle.dumps(template), *wanted)


def to_png(fig) -> bytes:
    """The figure laid out and saved as PNG; the template of its size learnt from it."""
    buffer = io.BytesIO()
    # savefig with a layout engine runs a whole draw without output only to lay the figure out,
    # then draws again with the layout switched off; running the layout alone gives the same
    # positions without the first draw.
    with _layout_memos(fig):
        fig.get_layout_engine().execute(fig)
        fig.set_layout_engine(None)
        fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    _learn(fig)
    return buffer.getvalue()


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
