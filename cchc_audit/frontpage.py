"""The archive's front page: `<archive>/index.html`, every unit, period and revision with its
summary and links to its reports, rebuilt after every run.

It is built from each run's `results.json` only (figures and statuses, no personal data), holds
its own stylesheet, loads nothing and links only to files inside the archive, by relative paths,
so it opens offline and still works when the archive is copied elsewhere. It is written to a
temporary file beside it and renamed into place: a reader never sees half a page.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from urllib.parse import quote

from . import templating
from .archive import INTERNAL_HTML, INTERNAL_PDF, PUBLIC_HTML, RESULTS, ArchivedRun, list_runs
from .fmt import fmt_datetime, fmt_number, fmt_pct
from .i18n import both
from .resources import TEMPLATE_DIR
from .results import STATUSES, run_summary, status_label
from .trends import period_from_json

INDEX = "index.html"
FRAGMENTS_DIR = TEMPLATE_DIR / "fragments"
# Files of a run the page links to, when the run has them: (file name, label).
REPORT_FILES = (
    (INTERNAL_HTML, both("frontpage.link.internal")),
    (PUBLIC_HTML, both("frontpage.link.public")),
    (INTERNAL_PDF, "PDF"),
    (RESULTS, "results.json"),
)


def _href(root: Path, path: Path) -> str:
    return quote(path.relative_to(root).as_posix())


def _run_row(root: Path, run: ArchivedRun, latest: bool) -> dict:
    results = run.results or {}
    period = period_from_json(results.get("period") or {})
    summary = run_summary(results)
    links = [{"href": _href(root, run.path / name), "label": text}
             for name, text in REPORT_FILES if (run.path / name).is_file()]
    return {
        "period": period.label("vi") if period else run.period,
        "period_en": period.label("en") if period else run.period,
        "dates": f"{period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}" if period else "",
        "convention": period.convention if period else "",
        "revision": f"rev-{run.revision:03d}",
        "latest": latest,
        "generated_at": fmt_datetime(results.get("generated_at"), "vi"),
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
    units: dict[str, dict] = {}
    newest: dict[tuple[str, str], int] = {}
    for run in runs:
        newest[(run.unit, run.period)] = max(newest.get((run.unit, run.period), 0), run.revision)
    for run in runs:
        results = run.results or {}
        unit = units.setdefault(run.unit, {"code": run.unit, "name": "", "rows": []})
        unit["name"] = results.get("unit") or unit["name"]
        unit["rows"].append(_run_row(root, run, run.revision == newest[(run.unit, run.period)]))
    for unit in units.values():  # newest period first, revisions newest first within it
        unit["rows"].sort(key=lambda r: (r["start"], r["revision"]), reverse=True)
    page = templating.environment(str(FRAGMENTS_DIR), "vi").get_template("frontpage.html.j2")
    return page.render(lang="vi", units=list(units.values()),
                       statuses=[(s, status_label(s, "vi"), status_label(s, "en")) for s in STATUSES],
                       rollups=rollup_rows(root), runs=len(runs),
                       built=fmt_datetime(dt.datetime.now().astimezone(), "vi")).strip()


def write_index(root: str | Path) -> Path:
    """(Re)build `<root>/index.html` atomically: a temporary file beside it, then a rename."""
    root = Path(root)
    html = build_index(root)
    handle, temporary = tempfile.mkstemp(prefix=".tmp-index-", suffix=".html", dir=root)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(html)
        os.chmod(temporary, 0o644)
        os.replace(temporary, root / INDEX)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return root / INDEX
