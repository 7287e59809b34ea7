"""The district roll-up of a batch round: every unit against every target, and the district's
figures.

A district figure is pooled: the sum of the units' numerators over the sum of their denominators
(every dossier of the district counts once), never an average of the units' rates. A unit counts
for a target when it measured it: statuses Đạt, Không đạt, Không phát sinh and Miễn trừ (a waiver
exempts a unit's status, not its dossiers); a unit with missing data, or whose run failed, is left
out and counted as such. The pooled figure gets the plan's comparator and threshold when every
unit's plan states the same; when plans differ it gets no status. Section III is pooled the same
way (evidenced tasks over tasks, units with a `nhiem_vu` register), and so is the Decision 766
index (points over maximum points).

Written like a unit's run (`archive.RunBuilder`: a temporary folder renamed into place, with
`MANIFEST.sha256`, never overwritten): `<out>/_rollup/<district>/<period>/rev-NNN/` holding
`index.html` (offline, the unit report's stylesheet, sortable columns by a small inline script),
`rollup.json` and `rollup.csv`. Links to the units' reports are relative, so the archive can move.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from . import __version__, templating
from .codes import Status, UnitOutcome
from .i18n import LANGS, text
from .privacy import scrub_text
from .resources import CSS, TEMPLATE_DIR
from .results import STATUSES, compare, status_label
from .text import csv_text

ROLLUP_DIR = "_rollup"
HTML, JSON, CSV = "index.html", "rollup.json", "rollup.csv"
# Batch outcomes whose run folder holds results (see batch.py).
WITH_RUN = (UnitOutcome.OK, UnitOutcome.SKIPPED)


@dataclass
class UnitRun:
    """One unit of the round: its batch outcome and, when it has a run, that run's results."""

    code: str
    name: str
    outcome: str  # batch status: ok | skipped | bad_input | error
    message: str = ""
    run: Path | None = None
    results: dict | None = None
    results_sha256: str | None = None


def load_units(outcomes) -> list[UnitRun]:
    """`batch.Outcome`s -> UnitRuns, reading each archived run's results.json."""
    from .archive import RESULTS, load_results, sha256_file

    units = []
    for o in outcomes:
        # A bad unit's message quotes register cells: the roll-up is shared, so names, phone and ID
        # numbers in it are masked as in an internal report.
        unit = UnitRun(o.unit, o.name, o.status, scrub_text(o.message or ""), Path(o.run) if o.run else None)
        if unit.run is not None and o.status in WITH_RUN:
            path = unit.run / RESULTS
            unit.results, problem = load_results(path)  # an old revision of another schema: an error row
            if problem is None:
                unit.results_sha256 = sha256_file(path)
            else:
                unit.outcome, unit.message = "error", f"{path}: {problem}"
        units.append(unit)
    return units


# --- pooling ------------------------------------------------------------------------------

def _checks(results: dict | None, kind: str) -> list[dict]:
    return [c for c in (results or {}).get("checks", []) if c.get("kind") == kind]


def _measured(check: dict | None) -> bool:
    return (check is not None and check.get("status") != Status.THIEU_DU_LIEU
            and check.get("numerator") is not None and check.get("denominator") is not None)


def pool_target(target_id: str, units: list[UnitRun]) -> dict:
    """The district's figure for one target, from the units' results."""
    checks = [(u, next((c for c in _checks(u.results, "target") if c["id"] == target_id), None))
              for u in units]
    present = [c for _, c in checks if c is not None]
    first = present[0]
    rules = {(c.get("comparator"), c.get("target")) for c in present}
    measured = [c for c in present if _measured(c)]
    numerator = sum(int(c["numerator"]) for c in measured)
    denominator = sum(int(c["denominator"]) for c in measured)
    comparator, threshold = next(iter(rules)) if len(rules) == 1 else (None, None)
    if not measured:
        status = Status.THIEU_DU_LIEU
    elif denominator == 0:
        status = Status.KHONG_PHAT_SINH
    elif comparator is None:
        status = None  # the units' plans set different targets: no one rule to judge by
    else:
        status = Status.DAT if compare(numerator, denominator, comparator, threshold) else Status.KHONG_DAT
    by_status = dict.fromkeys(STATUSES, 0)
    for c in present:
        by_status[c["status"]] += 1
    return {
        "id": target_id, "area": first.get("area"),
        "title_vi": first.get("title_vi"), "title_en": first.get("title_en"),
        "comparator": comparator, "target": threshold, "same_rule": len(rules) == 1,
        "numerator": numerator, "denominator": denominator,
        "value": numerator / denominator if denominator else None, "status": status,
        "units_counted": len(measured), "units_not_counted": len(units) - len(measured),
        "unit_statuses": by_status,
    }


def pool_tasks(units: list[UnitRun]) -> dict:
    """Section III: evidenced tasks over tasks, over the units that have a task register."""
    counted = [u for u in units
               if any(t.get("status") != Status.THIEU_DU_LIEU for t in _checks(u.results, "task"))]
    tasks = sum(int(u.results["tasks_summary"]["tasks"]) for u in counted)
    evidenced = sum(int(u.results["tasks_summary"]["evidenced"]) for u in counted)
    return {"tasks": tasks, "evidenced": evidenced, "value": evidenced / tasks if tasks else None,
            "units_counted": len(counted)}


def pool_index(units: list[UnitRun]) -> dict:
    """The 766 index: points over maximum points, over the units where some item arose."""
    scored = [u.results["index_766"] for u in units
              if u.results and (u.results.get("index_766") or {}).get("max")]
    score = round(sum(float(i["score"]) for i in scored), 2)
    maximum = round(sum(float(i["max"]) for i in scored), 2)
    return {"score": score, "max": maximum, "value": score / maximum if maximum else None,
            "units_counted": len(scored)}


def target_ids(units: list[UnitRun]) -> list[str]:
    """Every target any unit measured, in plan order (first appearance)."""
    seen: dict[str, None] = {}
    for u in units:
        for c in _checks(u.results, "target"):
            seen.setdefault(c["id"])
    return list(seen)


# --- the roll-up as data --------------------------------------------------------------------

def build(units: list[UnitRun], period, district: tuple[str, str], *, links_from: Path | None = None,
          generated_at: dt.datetime | None = None) -> dict:
    """The roll-up (rollup.json's content). `links_from` is the folder the HTML will sit in:
    each unit's report links are relative to it."""
    from .archive import INTERNAL_HTML, PUBLIC_HTML

    ids = target_ids(units)

    def link(run: Path | None, name: str) -> str | None:
        if run is None or links_from is None:
            return None
        return Path(os.path.relpath(Path(run).absolute() / name, Path(links_from).absolute())).as_posix()

    rows = []
    for u in units:
        checks = {c["id"]: {k: c.get(k) for k in ("status", "numerator", "denominator", "value")}
                  for c in _checks(u.results, "target")}
        rows.append({
            "code": u.code, "name": (u.results or {}).get("unit") or u.name, "outcome": u.outcome,
            "message": u.message, "run": str(u.run) if u.run else None,
            "results_sha256": u.results_sha256,
            "internal_report": link(u.run, INTERNAL_HTML) if u.results else None,
            "public_report": link(u.run, PUBLIC_HTML) if u.results else None,
            "checks": checks,
            "tasks": pool_tasks([u]) if u.results else None,
            "index_766": pool_index([u]) if u.results else None,
        })
    return {
        "district": {"code": district[0], "name": district[1]},
        "period": period.to_json(),
        "generated_at": (generated_at or dt.datetime.now().astimezone()).isoformat(timespec="seconds"),
        "software": {"cchc_audit": __version__},
        "method": {lang: text("rollup.method", lang) for lang in LANGS},
        "units": rows,
        "targets": [pool_target(i, units) for i in ids],
        "tasks": pool_tasks(units),
        "index_766": pool_index(units),
    }


CSV_COLUMNS = ("scope", "unit_code", "unit_name", "outcome", "check", "status", "numerator",
               "denominator", "value", "comparator", "target")


def to_csv(rollup: dict) -> str:
    """Long format, one row per unit and target, then the district's rows (`scope` = district)."""
    rows = []
    rules = {t["id"]: (t["comparator"], t["target"]) for t in rollup["targets"]}
    for row in rollup["units"]:
        if not row["checks"]:
            rows.append(["unit", row["code"], row["name"], row["outcome"], "", "", "", "", "", "", ""])
        for check_id, c in row["checks"].items():
            rows.append(["unit", row["code"], row["name"], row["outcome"], check_id, c["status"],
                         c["numerator"], c["denominator"], _num(c["value"]), *rules.get(check_id, ("", ""))])
    district = rollup["district"]
    for t in rollup["targets"]:
        rows.append(["district", district["code"], district["name"], "", t["id"], t["status"] or "",
                     t["numerator"], t["denominator"], _num(t["value"]), t["comparator"] or "",
                     "" if t["target"] is None else t["target"]])
    # Unit and district names come from don_vi.yaml: `=HYPERLINK(...)` must stay text (csv_text).
    return csv_text(CSV_COLUMNS, rows)


def _num(value) -> str:
    return "" if value is None else repr(float(value))


# --- HTML -------------------------------------------------------------------------------------

def render_html(rollup: dict, lang: str = "vi") -> str:
    from .fmt import fmt_int, fmt_pct, fmt_target
    from .periods import parse_period

    env = templating.environment(str(TEMPLATE_DIR / "rollup"), lang)
    period = rollup["period"]
    try:
        period_label = parse_period(period["id"], period.get("convention") or "calendar").label(lang)
    except Exception:  # noqa: BLE001 - an explicit date range: its id says it
        period_label = period["id"]

    def status(value):
        return "" if value is None else status_label(value, lang)

    def ratio(numerator, denominator):
        return f"{fmt_int(numerator, lang)}/{fmt_int(denominator, lang)}"

    return env.get_template("rollup.html.j2").render(
        r=rollup, lang=lang, en=lang == "en", period_label=period_label,
        css=CSS.read_text(encoding="utf-8"), status=status, pct=lambda v: fmt_pct(v, lang),
        ratio=ratio, rule=lambda c, t: fmt_target(c, t, lang, "≥ 1"),
        outcome=lambda o: _outcome_label(o, lang),
        outcome_counts=[f"{n} {_outcome_label(o, lang)}" for o in UnitOutcome
                        if (n := sum(u["outcome"] == o for u in rollup["units"]))])


def _outcome_label(outcome: str, lang: str) -> str:
    from .messages import outcome_label

    return outcome_label(outcome, lang)


# --- writing ----------------------------------------------------------------------------------

def write_rollup(out: str | Path, district_code: str, district_name: str, period, outcomes, *,
                 lang: str = "vi") -> Path:
    """Build the roll-up of a round's outcomes and archive it; return its folder."""
    from .archive import RunBuilder, safe_component

    root = Path(out).absolute() / ROLLUP_DIR
    # Where the files will be once renamed (the revision number does not change the depth).
    final = root / safe_component(district_code) / safe_component(period.id) / "rev-000"
    rollup = build(load_units(outcomes), period, (district_code, district_name), links_from=final)
    with RunBuilder(root, district_code, period.id) as run:
        (run.tmp / JSON).write_text(json.dumps(rollup, ensure_ascii=False, indent=2), encoding="utf-8")
        (run.tmp / CSV).write_text(to_csv(rollup), encoding="utf-8-sig")  # Excel reads the BOM
        (run.tmp / HTML).write_text(render_html(rollup, lang), encoding="utf-8")
    return run.path
