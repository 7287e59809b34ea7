"""The analyst's charts (explore.py): a unit's periods side by side, the district's units by
status, its pooled figures, and the units that moved most. Each returns a matplotlib `Figure`
drawn without pyplot (no global state), which Jupyter shows as the cell's result; its words come
from the catalog in the chosen language. Only aggregates are drawn: no personal data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .charts import BLUE, FONT_SIZE, GREEN, GREY, ORANGE, RED
from .codes import Status
from .i18n import text
from .results import STATUSES, status_label

STATUS_COLOURS = {Status.DAT: GREEN, Status.KHONG_DAT: RED, Status.KHONG_PHAT_SINH: "#e0e0e0",
                  Status.THIEU_DU_LIEU: ORANGE, Status.MIEN_TRU: BLUE}


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    shown_in_notebook()
    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    return figure, figure.subplots()


def shown_in_notebook() -> None:
    """In a Jupyter kernel, have a `Figure` that is a cell's result shown as a PNG. Pyplot's inline
    backend does this when pyplot is imported; these figures are drawn without pyplot."""
    try:
        from IPython import get_ipython
    except ImportError:  # no IPython: a script, nothing to show in
        return
    shell = get_ipython()
    if shell is not None and hasattr(shell, "display_formatter"):
        from IPython.core.pylabtools import select_figure_formats

        select_figure_formats(shell, {"png"}, bbox_inches="tight")


def _percent_axis(axis, lang: str) -> None:
    axis.set_ylim(0, 1.05)
    axis.set_yticks(np.linspace(0, 1, 6))
    axis.set_yticklabels([f"{int(v * 100)}%" for v in np.linspace(0, 1, 6)], fontsize=FONT_SIZE)
    axis.set_ylabel(text("explore.chart.rate", lang), fontsize=FONT_SIZE)
    axis.grid(axis="y", color="#eeeeee")
    axis.set_axisbelow(True)


def periods_chart(records: pd.DataFrame, lang: str = "vi", title: str = ""):
    """Bars per target, one per period (`comparisons.period_records`), with the target's threshold
    as a tick across its bars."""
    records = records[records["value"].notna() | records["target"].notna()]
    ids = list(dict.fromkeys(records["id"]))
    periods = list(dict.fromkeys(records["label"]))
    figure, axis = _figure(max(6.0, 0.55 * len(ids) * max(1, len(periods)) / 2 + 2), 3.6)
    width = 0.8 / max(1, len(periods))
    x = np.arange(len(ids))
    for n, period in enumerate(periods):
        values = records[records["label"] == period].set_index("id")["value"].reindex(ids)
        axis.bar(x + (n - (len(periods) - 1) / 2) * width, pd.to_numeric(values, errors="coerce").fillna(0),
                 width, label=period)
    thresholds = records.drop_duplicates("id").set_index("id")["target"].reindex(ids)
    for position, threshold in zip(x, pd.to_numeric(thresholds, errors="coerce")):
        if not np.isnan(threshold):
            axis.hlines(threshold, position - 0.45, position + 0.45, colors="#212121", linewidth=1.2)
    axis.set_xticks(x, ids, rotation=60, fontsize=FONT_SIZE)
    _percent_axis(axis, lang)
    axis.set_title(" — ".join(t for t in (title, text("explore.chart.periods", lang)) if t), fontsize=FONT_SIZE + 2)
    axis.legend(fontsize=FONT_SIZE, title=text("explore.chart.threshold_note", lang), title_fontsize=FONT_SIZE,
                loc="upper left", bbox_to_anchor=(1.01, 1))
    return figure


def status_chart(rollup: dict, lang: str = "vi", title: str = ""):
    """A grid of every unit (rows) against every target (columns), coloured by status."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    ids = [t["id"] for t in rollup["targets"]]
    units = rollup["units"]
    codes = {s: n for n, s in enumerate(STATUSES)}
    grid = np.full((len(units), len(ids)), np.nan)
    for row, unit in enumerate(units):
        for column, target in enumerate(ids):
            status = (unit["checks"].get(target) or {}).get("status")
            if status in codes:
                grid[row, column] = codes[status]
    figure, axis = _figure(max(6.0, 0.42 * len(ids) + 3), max(2.5, 0.26 * len(units) + 1.6))
    colours = ListedColormap([STATUS_COLOURS[s] for s in STATUSES])
    axis.imshow(np.ma.masked_invalid(grid), cmap=colours, vmin=-0.5, vmax=len(STATUSES) - 0.5, aspect="auto")
    axis.set_xticks(range(len(ids)), ids, rotation=60, fontsize=FONT_SIZE)
    axis.set_yticks(range(len(units)), [u["name"] or u["code"] for u in units], fontsize=FONT_SIZE)
    axis.set_xticks(np.arange(-0.5, len(ids)), minor=True)
    axis.set_yticks(np.arange(-0.5, len(units)), minor=True)
    axis.grid(which="minor", color="white", linewidth=1)
    axis.tick_params(which="minor", length=0)
    axis.set_title(title or text("explore.chart.statuses", lang), fontsize=FONT_SIZE + 2)
    handles = [Patch(color=STATUS_COLOURS[s], label=status_label(s, lang)) for s in STATUSES]
    axis.legend(handles=handles, fontsize=FONT_SIZE, loc="upper left", bbox_to_anchor=(1.01, 1))
    return figure


def pooled_chart(rollup: dict, lang: str = "vi", title: str = ""):
    """The district's pooled value per target, coloured by its status, with the threshold."""
    targets = [t for t in rollup["targets"] if t["value"] is not None]
    ids = [t["id"] for t in targets]
    figure, axis = _figure(max(6.0, 0.45 * len(ids) + 2), 3.4)
    x = np.arange(len(ids))
    axis.bar(x, [t["value"] for t in targets], 0.7, color=[STATUS_COLOURS.get(t["status"], GREY) for t in targets])
    for position, t in zip(x, targets):
        if t["target"] is not None and t["comparator"] != "any":
            axis.hlines(t["target"], position - 0.4, position + 0.4, colors="#212121", linewidth=1.2)
    axis.set_xticks(x, ids, rotation=60, fontsize=FONT_SIZE)
    _percent_axis(axis, lang)
    axis.set_title(title or text("explore.chart.pooled", lang), fontsize=FONT_SIZE + 2)
    return figure


def movers_chart(movers: pd.DataFrame, lang: str = "vi", title: str = ""):
    """Each unit's mean change of its targets' values (`comparisons.movers_frame(labels=False)`),
    in percentage points, most moved on top."""
    shown = movers[movers["moved"].notna()].iloc[::-1]
    figure, axis = _figure(6.5, max(2.5, 0.26 * len(shown) + 1.4))
    axis.barh(np.arange(len(shown)), shown["moved"].astype(float) * 100, color=BLUE)
    axis.set_yticks(np.arange(len(shown)), list(shown["name"]), fontsize=FONT_SIZE)
    axis.set_xlabel(text("explore.chart.moved", lang), fontsize=FONT_SIZE)
    axis.tick_params(axis="x", labelsize=FONT_SIZE)
    axis.grid(axis="x", color="#eeeeee")
    axis.set_axisbelow(True)
    axis.set_title(title or text("explore.chart.movers", lang, period=movers.attrs.get("period", ""),
                                 previous=movers.attrs.get("previous", "")), fontsize=FONT_SIZE + 2)
    return figure
