"""Runs side by side, read from an archive (explore.py is the API over them): one unit's periods,
every unit of a period (the district roll-up as frames), which units miss which targets, and the
units that moved most since the period before.

Every table reads the latest run of each unit and period in the chosen language
(`trends.latest_runs`); the district's figures are pooled exactly as the roll-up pools them
(`rollup.build`: numerators over denominators, never an average of rates).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .codes import Status, UnitOutcome
from .errors import NotFound
from .fmt import fmt_target
from .i18n import text
from .messages import label
from .rollup import UnitRun, build
from .tables import label_checks, with_headers
from .trends import latest_runs, period_from_json, same_length

MEASURES = ("status", "numerator", "denominator", "value")


def _period_of(run):
    return period_from_json(run.results.get("period") or {})


def _check(run, check_id: str) -> dict:
    return next((c for c in run.results.get("checks") or [] if c.get("id") == check_id), {})


# --- one unit across periods -----------------------------------------------------------------

def unit_periods(root: str | Path, unit: str, lang: str = "vi", like: str | None = None) -> list:
    """The unit's latest run of each period, oldest first, of the same length as the period `like`
    (default: the period that began last): quarters with quarters, halves with halves."""
    runs = [r for r in latest_runs(root, lang, unit=unit) if _period_of(r) is not None]
    if not runs:
        raise NotFound("explore.no_runs", lang, unit=unit, root=root)
    runs.sort(key=lambda r: _period_of(r).start)
    ref = next((_period_of(r) for r in runs if r.period == like), None) if like else _period_of(runs[-1])
    if ref is None:
        raise NotFound("explore.no_period", lang, unit=unit, period=like, root=root)
    return [r for r in runs if same_length(_period_of(r), ref)]


def period_records(runs: Sequence, kind: str = "target", lang: str = "vi") -> pd.DataFrame:
    """Long form: one row per check and period (`period` the id, `label` the period's name)."""
    rows = []
    for run in runs:
        period = _period_of(run)
        for c in run.results.get("checks") or []:
            if kind is None or c.get("kind") == kind:
                rows.append({"id": c["id"], "title": c.get("title_en" if lang == "en" else "title_vi"),
                             "period": period.id, "label": period.label(lang), "start": period.start,
                             "comparator": c.get("comparator"), "target": c.get("target"),
                             **{m: c.get(m) for m in MEASURES}})
    return pd.DataFrame(rows, columns=["id", "title", "period", "label", "start", "comparator", "target", *MEASURES])


def periods_frame(root: str | Path, unit: str, lang: str = "vi", *, kind: str = "target", like: str | None = None,
                  labels: bool = True) -> pd.DataFrame:
    """Periods side by side for one unit: per check, each period's status, numerator, denominator
    and value, then the change of the value from the period before the last to the last."""
    runs = unit_periods(root, unit, lang, like)
    long = period_records(runs, kind, lang)
    order = list(dict.fromkeys(long["id"]))
    columns = [r.period for r in runs]
    wide = long.pivot(index="id", columns="period", values=list(MEASURES)).swaplevel(axis=1)
    wide = wide.reindex(index=order, columns=pd.MultiIndex.from_product([columns, MEASURES]))
    for column in wide.columns:
        if column[1] != "status":
            wide[column] = pd.to_numeric(wide[column], errors="coerce")
    titles = long.drop_duplicates("id").set_index("id")["title"].reindex(order)
    frame = pd.concat({"": pd.DataFrame({"title": titles})}, axis=1).join(wide)
    if len(columns) > 1:
        frame[("change", "value")] = wide[(columns[-1], "value")] - wide[(columns[-2], "value")]
    frame.index.name = "id"
    if not labels:
        return frame
    names = {r.period: _period_of(r).label(lang) for r in runs}
    out = label_checks(frame, lang)
    out.columns = pd.MultiIndex.from_tuples([(names.get(a, a), b) for a, b in out.columns])
    return with_headers(out, lang)


# --- every unit of a period --------------------------------------------------------------------

def period_runs(root: str | Path, period: str, lang: str = "vi") -> list:
    runs = [r for r in latest_runs(root, lang) if r.period == period]
    if not runs:
        raise NotFound("explore.no_period_runs", lang, period=period, root=root)
    return runs


def rollup_of(root: str | Path, period: str, lang: str = "vi") -> dict:
    """The district roll-up (rollup.json's content, without writing it) of every unit's latest run
    of `period` under the archive `root`."""
    from .archive import RESULTS, sha256_file

    runs = period_runs(root, period, lang)
    units = [UnitRun(r.unit, r.results.get("unit") or r.unit, UnitOutcome.OK, run=r.path, results=r.results,
                     results_sha256=sha256_file(r.path / RESULTS)) for r in runs]
    name = Path(root).name
    return build(units, _period_of(runs[0]), (name, name))


def units_frame(root: str | Path, period: str, lang: str = "vi", *, measure: str = "value",
                labels: bool = True) -> pd.DataFrame:
    """Units side by side for a period: one row per target, one column per unit (its `measure`:
    value, status, numerator or denominator) and the district's pooled figure last."""
    if measure not in MEASURES:
        raise NotFound("explore.unknown_measure", lang, measure=measure, measures=", ".join(MEASURES))
    rollup = rollup_of(root, period, lang)
    title = "title_en" if lang == "en" else "title_vi"
    data = {"title": {t["id"]: t[title] for t in rollup["targets"]}}
    names = [unit["name"] or unit["code"] for unit in rollup["units"]]
    for unit, name in zip(rollup["units"], names):
        column = name if names.count(name) == 1 else f"{name} ({unit['code']})"  # two schools of one name
        data[column] = {i: c.get(measure) for i, c in unit["checks"].items()}
    data["district"] = {t["id"]: t[measure] for t in rollup["targets"]}
    frame = pd.DataFrame(data, index=[t["id"] for t in rollup["targets"]])
    frame.index.name = "id"
    if not labels:
        return frame
    if measure == "status":
        out = frame.copy()
        for column in out.columns[1:]:
            out[column] = label_checks(pd.DataFrame({"status": out[column]}), lang)["status"]
        frame = out
    return with_headers(frame, lang)


def district_frame(root: str | Path, period: str, lang: str = "vi", *, labels: bool = True) -> pd.DataFrame:
    """The district's pooled figures for a period: each target (numerators over denominators of
    the units that measured it, with the plan's rule when every unit's plan states the same), then
    section III's evidenced tasks and the 766 index's points."""
    rollup = rollup_of(root, period, lang)
    title = "title_en" if lang == "en" else "title_vi"
    rows = [{"id": t["id"], "title": t[title], "rule": fmt_target(t["comparator"], t["target"], lang,
                                                                  label("any_target", lang)),
             "numerator": t["numerator"], "denominator": t["denominator"], "value": t["value"],
             "status": t["status"], "units_counted": t["units_counted"], "units_not_counted": t["units_not_counted"]}
            for t in rollup["targets"]]
    tasks, index = rollup["tasks"], rollup["index_766"]
    rows.append({"id": "III", "title": text("explore.tasks_row", lang), "numerator": tasks["evidenced"],
                 "denominator": tasks["tasks"], "value": tasks["value"], "units_counted": tasks["units_counted"]})
    rows.append({"id": "766", "title": text("explore.index_row", lang), "numerator": index["score"],
                 "denominator": index["max"], "value": index["value"], "units_counted": index["units_counted"]})
    # Object columns: counts stay integers beside the index's points (1069.5).
    frame = pd.DataFrame(rows, columns=list(rows[0]), dtype=object).set_index("id")
    frame["value"] = pd.to_numeric(frame["value"])
    return with_headers(label_checks(frame, lang), lang) if labels else frame


def misses_frame(root: str | Path, period: str, lang: str = "vi", *, labels: bool = True) -> pd.DataFrame:
    """Which units miss which targets in a period: per target missed by any unit, how many units
    miss it and which, most missed first."""
    rollup = rollup_of(root, period, lang)
    title = "title_en" if lang == "en" else "title_vi"
    rows = []
    for t in rollup["targets"]:
        missed = [u["name"] or u["code"] for u in rollup["units"]
                  if (u["checks"].get(t["id"]) or {}).get("status") == Status.KHONG_DAT]
        if missed:
            rows.append({"id": t["id"], "title": t[title], "units_missing": len(missed),
                         "units": len(rollup["units"]), "unit_names": ", ".join(missed)})
    frame = pd.DataFrame(rows, columns=["id", "title", "units_missing", "units", "unit_names"]).set_index("id")
    frame = frame.sort_values("units_missing", ascending=False, kind="stable")
    return with_headers(frame, lang) if labels else frame


# --- movement since the period before ------------------------------------------------------------

def previous_period(root: str | Path, period: str, lang: str = "vi") -> str:
    """The latest period of the same length that ended before `period` began, in the archive."""
    runs = latest_runs(root, lang)
    current = next((_period_of(r) for r in runs if r.period == period), None)
    if current is None:
        raise NotFound("explore.no_period_runs", lang, period=period, root=root)
    earlier = sorted({_period_of(r) for r in runs if _period_of(r) is not None and same_length(_period_of(r), current)
                      and _period_of(r).end < current.start}, key=lambda p: p.start)
    if not earlier:
        raise NotFound("explore.no_previous", lang, period=period, root=root)
    return earlier[-1].id


def movers_frame(root: str | Path, period: str, lang: str = "vi", *, previous: str | None = None,
                 labels: bool = True) -> pd.DataFrame:
    """The units that moved most since the period before (`previous`, default the latest earlier
    period of the same length): targets met then and now, the mean absolute change of the targets'
    values measured in both (`moved`), and the target that changed most. Most moved first."""
    previous = previous or previous_period(root, period, lang)
    before = {r.unit: r for r in period_runs(root, previous, lang)}
    rows = []
    for run in period_runs(root, period, lang):
        old = before.get(run.unit)
        if old is None:
            continue
        targets = [c for c in run.results.get("checks") or [] if c.get("kind") == "target"]
        changes = {}
        for c in targets:
            was = _check(old, c["id"]).get("value")
            if c.get("value") is not None and was is not None:
                changes[c["id"]] = (was, c["value"], c["value"] - was)
        biggest = max(changes, key=lambda i: abs(changes[i][2]), default=None)
        met = [sum(1 for c in r.results.get("checks") or [] if c.get("kind") == "target" and c.get("status") == Status.DAT)
               for r in (old, run)]
        rows.append({
            "unit": run.unit, "name": run.results.get("unit") or run.unit,
            "met_before": met[0], "met_now": met[1], "met_change": met[1] - met[0],
            "moved": sum(abs(d) for *_, d in changes.values()) / len(changes) if changes else None,
            "biggest": biggest,
            "biggest_before": changes[biggest][0] if biggest else None,
            "biggest_now": changes[biggest][1] if biggest else None,
            "biggest_change": changes[biggest][2] if biggest else None,
        })
    frame = pd.DataFrame(rows, columns=["unit", "name", "met_before", "met_now", "met_change", "moved", "biggest",
                                        "biggest_before", "biggest_now", "biggest_change"]).set_index("unit")
    frame = frame.sort_values("moved", ascending=False, kind="stable", na_position="last")
    labels_of = {r.period: _period_of(r).label(lang) for r in (*before.values(), *period_runs(root, period, lang)[:1])}
    frame.attrs.update(period=labels_of.get(period, period), previous=labels_of.get(previous, previous))
    return with_headers(frame, lang) if labels else frame
