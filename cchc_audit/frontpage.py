"""The archive's front page: `<archive>/index.html`, every unit, period and revision with its
summary and links to its reports, rebuilt after every run.

For each unit and period it marks the revision to sign: the latest one in Vietnamese (an English
run made after it is a translation, not the document to sign). Each revision shows its language,
the report's date, the params file it was run with, when it was made, in the unit's local time
(`mui_gio` of `don_vi.yaml`, Asia/Ho_Chi_Minh by default), and in one line which targets changed
status since the revision before it.

It is built from each run's `results.json` only (figures and statuses, no personal data; the
archived `params.yaml` for the language and date of revisions made before results.json recorded
them), holds its own stylesheet, loads nothing and links only to files inside the archive, by
relative paths, so it opens offline and still works when the archive is copied elsewhere. It is
written to a temporary file beside it and renamed into place: a reader never sees half a page.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from urllib.parse import quote

from . import templating
from .archive import FILE_MODE, INTERNAL_HTML, INTERNAL_PDF, PARAMS_YAML, PUBLIC_HTML, RESULTS, ArchivedRun, list_runs
from .fmt import fmt_date, fmt_number, fmt_pct
from .i18n import both, text
from .resources import TEMPLATE_DIR
from .results import STATUSES, run_summary, status_label
from .trends import period_from_json
from .unit import DEFAULT_TIME_ZONE, time_zone

INDEX = "index.html"
FRAGMENTS_DIR = TEMPLATE_DIR / "fragments"
SIGN_LANG = "vi"  # the language of the document the principal signs
LANG_NAMES = {"vi": "frontpage.lang.vi", "en": "frontpage.lang.en"}  # a revision's language, named
MAX_CHANGES = 5  # status changes named in a revision's one line; the rest are counted
# Files of a run the page links to, when the run has them: (file name, label).
REPORT_FILES = (
    (INTERNAL_HTML, both("frontpage.link.internal")),
    (PUBLIC_HTML, both("frontpage.link.public")),
    (INTERNAL_PDF, "PDF"),
    (RESULTS, "results.json"),
)


def _href(root: Path, path: Path) -> str:
    return quote(path.relative_to(root).as_posix())


def run_facts(run: ArchivedRun) -> dict:
    """A revision's language, report date and params file: from results.json, else (a revision
    made before results.json held them) from its archived params.yaml; None where neither says."""
    results = run.results or {}
    facts = {key: results.get(key) if isinstance(results.get(key), str) else None
             for key in ("lang", "report_date", "params_file")}
    if None in facts.values() and (run.path / PARAMS_YAML).is_file():
        from .params_check import read_file

        try:
            saved = read_file(run.path / PARAMS_YAML)
        except ValueError:  # ParamsError: an unreadable params.yaml says nothing
            saved = {}
        for key, saved_key in (("lang", "lang"), ("report_date", "report_date"), ("params_file", "source_file")):
            if facts[key] is None and isinstance(saved.get(saved_key), str):
                facts[key] = saved[saved_key]
    return facts


def local_time(value, zone_name: str | None) -> str:
    """An ISO time from results.json in the unit's zone, as the front page shows it: `05/04/2024
    14:03`. A time without an offset is shown as written."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return "" if value is None else str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(time_zone(zone_name))
    return f"{moment:%d/%m/%Y %H:%M}"


def zone_of(results: dict | None) -> str:
    """The unit's time zone a results.json records (don_vi.yaml's `mui_gio`), else the default."""
    info = (results or {}).get("unit_info")
    zone = info.get("mui_gio") if isinstance(info, dict) else None
    return time_zone(zone if isinstance(zone, str) else None).key  # an unknown one: the default


def _target_statuses(results: dict | None) -> dict[str, str]:
    return {c["id"]: c["status"] for c in (results or {}).get("checks") or []
            if isinstance(c, dict) and c.get("kind") == "target"}


def status_changes(before: dict | None, after: dict | None) -> list[tuple[str, str | None, str | None]]:
    """The targets whose status differs between two results.json: (id, before, after), in the
    later one's order; a status is None where the target is absent (the plan changed)."""
    old, new = _target_statuses(before), _target_statuses(after)
    ids = list(new) + [i for i in old if i not in new]
    return [(i, old.get(i), new.get(i)) for i in ids if old.get(i) != new.get(i)]


def change_line(run: ArchivedRun, previous: ArchivedRun | None, lang: str) -> str:
    """One line: which targets changed status since the revision before `run` of its period."""
    if previous is None:
        return text("frontpage.change.first", lang)
    revision = f"rev-{previous.revision:03d}"
    if run.results is None or previous.results is None:
        return text("frontpage.change.unknown", lang, revision=revision)
    changes = status_changes(previous.results, run.results)
    if not changes:
        return text("frontpage.change.none", lang, revision=revision)

    def label(status):
        return status_label(status, lang) if status in STATUSES else "—"

    named = [f"{i}: {label(old)} → {label(new)}" for i, old, new in changes[:MAX_CHANGES]]
    if len(changes) > MAX_CHANGES:
        named.append(text("frontpage.change.more", lang, count=len(changes) - MAX_CHANGES))
    return text("frontpage.change.some", lang, revision=revision, count=len(changes), changes="; ".join(named))


def _run_row(root: Path, run: ArchivedRun, previous: ArchivedRun | None, to_sign: bool, facts: dict) -> dict:
    results = run.results or {}
    period = period_from_json(results.get("period") or {})
    summary = run_summary(results)
    links = [{"href": _href(root, run.path / name), "label": label}
             for name, label in REPORT_FILES if (run.path / name).is_file()]
    return {
        "period": period.label("vi") if period else run.period,
        "period_en": period.label("en") if period else run.period,
        "dates": f"{period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}" if period else "",
        "convention": period.convention if period else "",
        "revision": f"rev-{run.revision:03d}",
        "to_sign": to_sign,
        "lang": text(LANG_NAMES[facts["lang"]], "vi") if facts["lang"] in LANG_NAMES else "",
        "report_date": fmt_date(facts["report_date"], "vi") if facts["report_date"] else "",
        "params_file": facts["params_file"] or "",
        "generated_at": local_time(results.get("generated_at"), zone_of(results)),
        "change": change_line(run, previous, "vi"),
        "change_en": change_line(run, previous, "en"),
        "counts": [summary["by_status"].get(s, 0) for s in STATUSES],
        "targets": summary["targets"],
        "tasks": (f"{summary['evidenced']}/{summary['tasks']}" if summary["tasks"] else "—"),
        "tasks_share": fmt_pct(summary["evidenced"] / summary["tasks"], "vi") if summary["tasks"] else "",
        "index": (f"{fmt_number(summary['index_score'], 'vi')}/{fmt_number(summary['index_max'], 'vi')}"
                  if summary["index_score"] is not None else "—"),
        "links": links,
        "readable": run.results is not None,
        "problem": run.problem or "",
        "start": period.start if period else dt.date.min,
    }


def to_sign(revisions: list[ArchivedRun], facts: dict[Path, dict]) -> ArchivedRun | None:
    """Of one unit's revisions of one period, the one to sign: the latest readable one in
    Vietnamese; None when there is none. `facts`: each revision's `run_facts`, by its folder."""
    signable = [r for r in revisions if r.results is not None and facts[r.path]["lang"] == SIGN_LANG]
    return max(signable, key=lambda r: r.revision, default=None)


def rollup_rows(root: Path) -> list[dict]:
    """The district roll-ups archived under `<root>/_rollup/<district>/<period>/rev-NNN/`."""
    from .rollup import ROLLUP_DIR

    rows = []
    for page in sorted((root / ROLLUP_DIR).glob("*/*/rev-*/index.html")):
        revision, period, district = page.parent.name, page.parent.parent.name, page.parent.parent.parent.name
        rows.append({"district": district, "period": period, "revision": revision, "href": _href(root, page)})
    return sorted(rows, key=lambda r: (r["district"], r["period"], r["revision"]), reverse=True)


def build_index(root: str | Path) -> str:
    """The front page's HTML for the archive at `root`."""
    root = Path(root)
    runs = list_runs(root)
    periods: dict[tuple[str, str], list[ArchivedRun]] = {}
    for run in runs:  # list_runs gives them by unit, period and revision
        periods.setdefault((run.unit, run.period), []).append(run)
    facts = {run.path: run_facts(run) for run in runs}
    units: dict[str, dict] = {}
    for (code, _), revisions in periods.items():
        unit = units.setdefault(code, {"code": code, "name": "", "rows": [], "zones": set()})
        signed = to_sign(revisions, facts)
        for previous, run in zip([None, *revisions[:-1]], revisions):
            results = run.results or {}
            unit["name"] = results.get("unit") or unit["name"]
            unit["zones"].add(zone_of(results))
            unit["rows"].append(_run_row(root, run, previous, run is signed, facts[run.path]))
    zones = {z for unit in units.values() for z in unit["zones"]}
    zone = zones.pop() if len(zones) == 1 else DEFAULT_TIME_ZONE  # the page's own time: the units' zone
    for unit in units.values():  # newest period first, revisions newest first within it
        unit["rows"].sort(key=lambda r: (r["start"], r["revision"]), reverse=True)
        unit["zone"] = ", ".join(sorted(unit.pop("zones")))
    built = f"{dt.datetime.now(time_zone(zone)):%d/%m/%Y %H:%M} ({zone})"
    page = templating.environment(str(FRAGMENTS_DIR), "vi").get_template("frontpage.html.j2")
    return page.render(lang="vi", units=list(units.values()),
                       statuses=[(s, status_label(s, "vi"), status_label(s, "en")) for s in STATUSES],
                       rollups=rollup_rows(root), runs=len(runs), built=built).strip()


def write_index(root: str | Path) -> Path:
    """(Re)build `<root>/index.html` atomically: a temporary file beside it, then a rename."""
    root = Path(root)
    html = build_index(root)
    handle, temporary = tempfile.mkstemp(prefix=".tmp-index-", suffix=".html", dir=root)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(html)
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, root / INDEX)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return root / INDEX
