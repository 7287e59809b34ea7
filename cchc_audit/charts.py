"""Small static charts for the report: PNG images embedded in the page as `data:` URIs.

Only aggregates are drawn (monthly rates, counts by level), so a chart is the same in the internal
and the public report. What each chart shows is here; figures.py makes its figure, lays it out and
saves it to PNG (the same figures give the same bytes).

The monthly series count with the very flags the checks use (`Audit.dossiers`, see
checks/procedures.py), so a series' numerators and denominators add up to the target's figure.
"""

from __future__ import annotations

import base64
import functools
import struct
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .figures import DRAWING, new_figure, single_axes, to_png
from .fmt import fmt_int, fmt_pct, fmt_share, month_label
from .messages import label

# Colours of the statuses in report.css, so a chart reads like the tables around it.
GREEN, RED, GREY, BLUE, ORANGE = "#2e7d32", "#c62828", "#9e9e9e", "#1565c0", "#ef6c00"
LEVEL_COLOURS = {1: "#b71c1c", 2: "#ef6c00", 3: "#bdbdbd", 4: "#81c784", 5: "#2e7d32"}
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

        with DRAWING, matplotlib.rc_context(STYLE):
            return draw(*args, **kwargs)
    return wrapper


def _encode(fig, alt: str, caption: str) -> Chart:
    png = to_png(fig)
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk: what was drawn
    uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return Chart(uri, alt, caption, width, height)


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
    fig, ax = single_axes(2.3)
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
    fig, ax = single_axes(2.3)
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
    fig, ax = single_axes(0.55 + 0.42 * len(rows))
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
    fig = new_figure(1.55 * rows + 0.1)
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
        # Two rows, as the sample's plan has two satisfaction targets: the chart's height, so its
        # template and renderer, are those such a unit's chart then uses.
        satisfaction_chart([("-", {1: 1, 2: 1, 3: 2, 4: 6, 5: 10}), ("-", {3: 1, 4: 2, 5: 7})], lang)
