"""The analyst's API: what `notebooks/explore.ipynb` calls (a unit's period, then the district), and
all an analyst needs in a notebook of their own. Everything here is public and stays; the modules behind
it (tables.py, comparisons.py, comparison_charts.py, trends.py, sample/district.py) may change.

    from cchc_audit import explore
    explore.full_tables()                                  # show every row of a table
    audit = explore.audit_unit("2024-Q1")                  # the sample school, or data_dir=...
    explore.misses(audit)                                  # the checks not met, labels in Vietnamese
    explore.items(audit, "II.6.2", lang="en")              # the rows behind one check, masked
    explore.periods(archive_root, audit.unit.code)         # its archived periods side by side
    explore.units(district_root, "2024-Q1")                # every unit of a batch archive

**A unit's period.** `audit_unit(period, data_dir, params_file=, lang=)` audits a unit in this
process, checked as `cchc-audit run` checks it (bad input raises `errors.BadInput` listing every
problem, in `lang`). `load_registers(...)` reads its registers without auditing; `registers(audit)`
gives those of an audit. Either way each register is cut to the period (tables.py says which rows
belong to it), personal data is masked (`masked=False` to see it, internally only), enumerations,
levels and flags are labels in `lang`, and the headers are the register's own. `inputs(audit)`:
the files read, their SHA-256 and rows.

**Runs.** `checks(run)`, `misses(run)`, `items(run, check_id)`, `index766(run)` take an `Audit` or
an archived run (`load_run(folder)`, an `archive.ArchivedRun`, a revision folder or its
`results.json`). `runs(root)` lists every archived revision under an archive root (of one unit with
`unit=`), with its language; `latest_runs(root, lang)` keeps the latest revision of each unit and
period in that language (else in any: the figures are the same, the report's words are not).

**Side by side.** `periods(root, unit)`: one unit's periods of the same length (quarters with
quarters), each period's status, numerator, denominator and value per check, and the change from
the period before the last to the last. `units(root, period, measure=)`: every unit of a period
(one column each, the district's pooled figure last). `district(root, period)`: the pooled figures
(numerators over denominators, never an average of rates, as the roll-up). `unit_misses(root,
period)`: which units miss which targets. `movers(root, period, previous=)`: the units that moved
most since the period before.

**Charts** (`matplotlib.figure.Figure`, shown as a cell's result): `periods_chart`, `status_chart`,
`pooled_chart`, `movers_chart`, with the arguments of the table they draw.

**Samples.** A fresh install has no archive: `sample_archive(periods)` audits the sample school (or
`data_dir`) for each period into a new archive in a temporary folder (removed when the kernel
stops); `sample_district(schools=20)` generates that many varied schools and audits each for Q1
and Q2 2024 (sample/district.py). Both archive each run's `results.json`, `params.yaml` and inputs
with their manifest, without the HTML reports, and return the archive's root.

Every table is a pandas DataFrame. With `labels=True` (the default) values and headers are words in
`lang` (`vi`, or `en`); with `labels=False` they are the contract's codes (`dat`, `ngay_tiep_nhan`),
to compute with. Something asked for that is not there (a check id, a period, a unit) raises
`errors.NotFound`, said in `lang`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from . import comparison_charts, comparisons, tables, trends
from .codes import Audience, Status
from .results import run_summary
from .sample import district as district_sample

__all__ = [
    "audit_unit", "checks", "district", "full_tables", "index766", "inputs", "items", "latest_runs", "load_registers",
    "load_run", "misses", "movers", "movers_chart", "periods", "periods_chart", "pooled_chart", "registers", "runs",
    "sample_archive", "sample_district", "show_misses", "status_chart", "unit_misses", "units",
]


def full_tables() -> None:
    """Show every row and column of a table in this notebook (pandas cuts at 10 rows by default),
    long texts whole, ratios with three decimals."""
    pd.set_option("display.max_rows", None)
    pd.set_option("display.max_columns", None)
    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.width", None)
    pd.set_option("display.precision", 3)


# --- a unit's period -------------------------------------------------------------------------------

def _prepare(period: str | None, data_dir, params_file, lang: str):
    from . import params as run_params
    from .pipeline import prepare

    settings = run_params.resolve(params_file or None, period=period or None,
                                  data=str(data_dir) if data_dir else None, lang=lang)
    period_range, unit_data, plan = prepare(settings, lang)  # bad input: BadInput, every problem listed
    return settings, period_range, unit_data, plan


def audit_unit(period: str | None = "2024-Q1", data_dir: str | Path | None = None, *,
               params_file: str | Path | None = None, lang: str = "vi"):
    """Audit one unit for one period in this process (no notebook, nothing written): an
    `audit.Audit`. `data_dir` empty: the sample school; `params_file`: waivers, calendar..."""
    from .audit import run_audit

    settings, period_range, unit_data, plan = _prepare(period, data_dir, params_file, lang)
    return run_audit(period_range, settings.data, plan, settings, data=unit_data)


def load_registers(period: str | None = "2024-Q1", data_dir: str | Path | None = None, *,
                   params_file: str | Path | None = None, lang: str = "vi", masked: bool = True,
                   labels: bool = True) -> dict[str, pd.DataFrame]:
    """A unit's registers cut to the period, without auditing: register name -> DataFrame."""
    _, period_range, unit_data, _ = _prepare(period, data_dir, params_file, lang)
    return tables.period_registers(unit_data.registers, period_range, lang, masked=masked, labels=labels)


def registers(audit, lang: str = "vi", *, masked: bool = True, labels: bool = True) -> dict[str, pd.DataFrame]:
    """The registers of an `Audit`, cut to its period: register name -> DataFrame."""
    return tables.period_registers(audit.registers, audit.period, lang, masked=masked, labels=labels)


def inputs(audit, lang: str = "vi", *, labels: bool = True) -> pd.DataFrame:
    """The register files an `Audit` read: file, SHA-256, rows, rows in the period."""
    return tables.register_counts(audit.registers, audit.period, audit.inputs, lang, labels)


# --- one run ---------------------------------------------------------------------------------------

def checks(run, lang: str = "vi", *, kind: str | None = None, status: str | None = None,
           labels: bool = True) -> pd.DataFrame:
    """Every check of a run (68 for the sample plan), or those of `kind` (`target`, `task`) and
    `status` (`dat`, `khong_dat`, ...): area, wording, rule, figures, status."""
    return tables.checks_frame(run, lang, kind=kind, status=status, labels=labels)


def misses(run, lang: str = "vi", *, labels: bool = True) -> pd.DataFrame:
    """The targets and tasks a run did not meet (`Không đạt`)."""
    return tables.checks_frame(run, lang, status=Status.KHONG_DAT, labels=labels)


def items(run, check_id: str, lang: str = "vi", *, audience: str = Audience.INTERNAL,
          labels: bool = True) -> pd.DataFrame:
    """The rows behind one check (dossiers, letters, staff...), by the row Excel shows, with the
    reason each is listed. An `Audit`'s personal data is masked, or left out for
    `audience="public"`; an archived run's items hold none."""
    return tables.items_frame(run, check_id, lang, audience=audience, labels=labels)


def show_misses(run, lang: str = "vi", *, kind: str | None = "target", audience: str = Audience.INTERNAL) -> None:
    """Display, for each check of `kind` (targets by default; None: tasks too) a run did not meet,
    its wording and figures, then the rows behind it."""
    from IPython.display import Markdown, display

    from .fmt import fmt_int, fmt_pct
    from .i18n import text

    frame = tables.checks_frame(run, lang, kind=kind, status=Status.KHONG_DAT, labels=False)
    for check_id, row in frame.iterrows():
        shown = items(run, check_id, lang, audience=audience)
        display(Markdown(text("explore.miss_heading", lang, id=check_id, title=str(row["title"]).rstrip(". "),
                              numerator=fmt_int(row["numerator"], lang), denominator=fmt_int(row["denominator"], lang),
                              value=fmt_pct(row["value"], lang), rule=row["rule"], count=len(shown))))
        display(shown)


def index766(run, lang: str = "vi", *, labels: bool = True) -> pd.DataFrame:
    """The Decision 766 index of a run by item: ratio, threshold, maximum and points."""
    return tables.index_frame(run, lang, labels=labels)


# --- archived runs -----------------------------------------------------------------------------------

def load_run(folder: str | Path):
    """The archived revision in `folder` (`<root>/<unit>/<period>/rev-NNN`), an `archive.ArchivedRun`."""
    from .archive import RESULTS, ArchivedRun, load_results

    folder = Path(folder)
    results, problem = load_results(folder / RESULTS)
    revision = int(folder.name.rpartition("-")[2]) if folder.name.startswith("rev-") else 0
    return ArchivedRun(folder.parent.parent.name, folder.parent.name, revision, folder, results, problem)


def latest_runs(root: str | Path, lang: str = "vi", *, unit: str | None = None) -> list:
    """The latest revision of each unit and period under `root` in `lang` (else in any language)."""
    return trends.latest_runs(root, lang, unit=unit)


RUN_COLUMNS = ["unit", "period", "revision", "lang", "generated_at", "targets", "met", "not_met", "index_766",
               "fingerprint", "path", "problem"]


def runs(root: str | Path, *, unit: str | None = None, lang: str = "vi", labels: bool = True) -> pd.DataFrame:
    """Every archived revision under `root` (of `unit` only, when given): its language, when it
    ran, targets met and not met, the 766 score; `problem` says why a results.json is not read."""
    from .archive import list_runs

    rows = []
    for run in list_runs(root, unit=unit):
        summary = run_summary(run.results)
        rows.append({"unit": run.unit, "period": run.period, "revision": run.revision, "lang": trends.run_language(run.path),
                     "generated_at": (run.results or {}).get("generated_at"), "targets": summary["targets"],
                     "met": summary["by_status"][Status.DAT], "not_met": summary["by_status"][Status.KHONG_DAT],
                     "index_766": summary["index_score"], "fingerprint": (run.results or {}).get("fingerprint"),
                     "path": str(run.path), "problem": run.problem})
    frame = pd.DataFrame(rows, columns=RUN_COLUMNS)
    return tables.with_headers(frame, lang) if labels else frame


# --- side by side ------------------------------------------------------------------------------------

def periods(root: str | Path, unit: str, lang: str = "vi", *, kind: str = "target", like: str | None = None,
            labels: bool = True) -> pd.DataFrame:
    """One unit's archived periods side by side (those of the same length as `like`, default its
    latest): status, numerator, denominator, value per period, and the change of the value."""
    return comparisons.periods_frame(root, unit, lang, kind=kind, like=like, labels=labels)


def units(root: str | Path, period: str, lang: str = "vi", *, measure: str = "value", labels: bool = True) -> pd.DataFrame:
    """Every unit of an archive for one period, side by side: one row per target, one column per
    unit with its `measure` (`value`, `status`, `numerator`, `denominator`), the district's last."""
    return comparisons.units_frame(root, period, lang, measure=measure, labels=labels)


def district(root: str | Path, period: str, lang: str = "vi", *, labels: bool = True) -> pd.DataFrame:
    """The district's pooled figures for a period (the roll-up's): every target, section III, 766."""
    return comparisons.district_frame(root, period, lang, labels=labels)


def unit_misses(root: str | Path, period: str, lang: str = "vi", *, labels: bool = True) -> pd.DataFrame:
    """Which units miss which targets in a period, the most missed target first."""
    return comparisons.misses_frame(root, period, lang, labels=labels)


def movers(root: str | Path, period: str, lang: str = "vi", *, previous: str | None = None,
           labels: bool = True) -> pd.DataFrame:
    """The units that moved most since `previous` (default: the period before, of the same length)."""
    return comparisons.movers_frame(root, period, lang, previous=previous, labels=labels)


# --- charts --------------------------------------------------------------------------------------------

def periods_chart(root: str | Path, unit: str, lang: str = "vi", *, like: str | None = None):
    """Each target's value per period (bars) and its threshold (a tick)."""
    runs_ = comparisons.unit_periods(root, unit, lang, like)
    title = runs_[-1].results.get("unit") or unit
    return comparison_charts.periods_chart(comparisons.period_records(runs_, "target", lang), lang, title)


def status_chart(root: str | Path, period: str, lang: str = "vi"):
    """Every unit against every target of a period, coloured by status."""
    return comparison_charts.status_chart(comparisons.rollup_of(root, period, lang), lang)


def pooled_chart(root: str | Path, period: str, lang: str = "vi"):
    """The district's pooled value per target against its threshold."""
    return comparison_charts.pooled_chart(comparisons.rollup_of(root, period, lang), lang)


def movers_chart(root: str | Path, period: str, lang: str = "vi", *, previous: str | None = None):
    """The units' mean change of their targets' values since the period before."""
    return comparison_charts.movers_chart(comparisons.movers_frame(root, period, lang, previous=previous,
                                                                   labels=False), lang)


# --- samples -------------------------------------------------------------------------------------------

def sample_archive(periods: Sequence[str] = district_sample.PERIODS, data_dir: str | Path | None = None, *,
                   out: str | Path | None = None, lang: str = "vi") -> Path:
    """An archive of one unit (the sample school, or `data_dir`) audited for each of `periods` in
    this process; its root (unless `out`, a temporary folder removed when the process ends)."""
    from .resources import SAMPLE_DIR

    root = Path(out) if out is not None else district_sample.temporary_folder("cchc-archive-")
    district_sample.archive_audits(root, Path(data_dir) if data_dir else SAMPLE_DIR, periods, lang)
    return root


def sample_district(schools: int = 20, periods: Sequence[str] = district_sample.PERIODS, *,
                    out: str | Path | None = None, lang: str = "vi") -> Path:
    """A district archive of `schools` generated, varied schools, each audited for `periods`."""
    return district_sample.sample_district(out, schools, periods, lang)
