"""One unit's run, as `cchc-audit run` and each task of `cchc-audit batch` do it.

Data flows one way: load the registers and the plan, validate them (any problem: BadInput, nothing
written), snapshot the inputs into a new revision, execute the audit notebook on that snapshot,
export both reports (and the PDF), check that what the notebook read is what was validated, and
let the archive rename the revision into place. The CLI on top only gathers arguments, prints,
and turns errors into exit codes (errors.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import sys
from pathlib import Path

from . import i18n
from .archive import EXECUTED, INTERNAL_HTML, INTERNAL_PDF, PARAMS_YAML, PUBLIC_HTML, sha256_file
from .errors import BadInput, FrontPageError, InputChanged, InputError
from .text import strip_invisible


def warn(text: str) -> None:
    print(text, file=sys.stderr)


def run_unit(params, *, pdf: bool = False, exports=None, prepared=None) -> Path:
    """One unit's period, as `cchc-audit run` does it, without printing: check the input (BadInput,
    nothing written), execute the notebook, export both reports (through `exports`, an
    `export.ExportProcess`, if given), archive; return the run folder. `cchc-audit batch` runs
    this for every unit; `prepared`: what `prepare(params)` returned for it already (readahead.py)."""
    period, unit_data, plan = prepared or prepare(params, params.lang)
    return execute_and_archive(params, period, unit_data, plan, params.lang, pdf=pdf, exports=exports)


def prepare(params, lang):
    """Everything that can be wrong with the input, checked before anything is written."""
    from .params import ParamsError
    from .periods import PeriodError

    try:
        period = params.period_range()
    except ParamsError as exc:
        raise BadInput(exc.message(lang)) from None
    except PeriodError as exc:
        raise BadInput(exc.message(lang)) from None
    if params.out.exists() and not params.out.is_dir():
        raise BadInput(i18n.text("cli.out_not_folder", lang, folder=params.out))
    unit_data = load_data(params.data, lang)
    try:
        # The default plan is the data folder's: it must lie in it; a plan named by --plan may not.
        plan = load_plan(params.plan_path, lang, params.data if params.plan is None else None)
    except BadInput as exc:  # report the data's problems too, so one pass fixes everything
        problems = find_problems(unit_data, None)
        if problems:
            raise BadInput(f"{exc}\n{problems_text(problems, params.data, lang)}") from None
        raise
    # A period outside the plan's year, and the data's problems, in one message: one pass fixes all.
    issues = params.period_issues(period, plan)
    problems = find_problems(unit_data, plan)
    if issues or problems:
        text = [ParamsError(issues).message(lang)] if issues else []
        if problems:
            text.append(problems_text(problems, params.data, lang))
        raise BadInput("\n".join(text))
    known = {t.id for t in plan.targets} | set(plan.task_ids)
    unknown = [w.check for w in params.waivers if w.check not in known]
    if unknown:
        where = str(params.source) if params.source else i18n.text("run.command_line", lang)
        raise BadInput(i18n.text("run.unknown_waiver", lang, where=where, ids=", ".join(unknown)))
    return period, unit_data, plan


def load_data(data_dir: Path, lang: str):
    from .registers import load_unit

    if not Path(data_dir).is_dir():
        raise BadInput(i18n.text("cli.no_data_folder", lang, folder=data_dir))
    try:
        return load_unit(data_dir)
    except InputError as exc:
        raise BadInput(exc.message(lang)) from None
    except (ValueError, OSError) as exc:
        raise BadInput(str(exc)) from None


def load_plan(path: Path, lang: str, root: Path | None = None):
    from .plan import PlanError, load_plan

    if not os.path.lexists(path):  # a folder or a FIFO is there: load_plan says what it is
        raise BadInput(i18n.text("run.no_plan_file", lang, path=path))
    try:
        return load_plan(path, root)
    except PlanError as exc:
        raise BadInput(exc.message(lang)) from None


def find_problems(unit_data, plan) -> list:
    """Every problem of the registers, across them, and against the plan when there is one."""
    from .validate import all_problems

    return all_problems(unit_data, plan)


def problems_text(problems, data_dir, lang: str) -> str:
    head = i18n.text("run.data_problems", lang, count=len(problems), folder=data_dir)
    from .problems import problem_lines

    return "\n".join([head] + [f"  - {line}" for line in problem_lines(problems, lang)])


def execute_and_archive(params, period, unit_data, plan, lang: str, pdf: bool = False,
                        reuse: bool = True, exports=None) -> Path:
    """Archive one run of the validated `unit_data`. With `reuse` (the default) the notebook takes
    the validated frames handed to it (snapshot.py) instead of reading the registers again;
    without it, it reads the revision's copies itself, as the analyst's notebook does."""
    from . import archive, execute, export
    from . import snapshot as handover

    unit_code = unit_data.unit.code
    unit_name = unit_data.unit.name
    # The report's date pinned to the day of the run, so that waivers are judged the same way
    # when the archived notebook is executed again years later.
    params = dataclasses.replace(params, report_date=params.report_date or dt.date.today())
    with archive.new_run(params.out, unit_code, period.id) as run:
        tmp = run.tmp
        data_rel, plan_rel = snapshot(run, params, unit_data, plan, lang)
        params.write(tmp / PARAMS_YAML)
        # Relative paths, with the notebook working in the run folder: it reads only the
        # revision's own copies of the inputs (the ones validated), the archived notebook shows no
        # temporary path, and it re-runs from inside its folder or a copy of it.
        try:
            with handover.offered(tmp / handover.SNAPSHOT, unit_data if reuse else None):
                executed = execute.execute_notebook(tmp / EXECUTED, {
                    "period": period.id,
                    "data_dir": data_rel,
                    "plan": plan_rel,
                    "lang": lang,
                    "params_file": PARAMS_YAML,
                    "output_dir": ".",
                    "archive_dir": str(params.out),  # earlier periods, for comparison and trends
                    "snapshot": handover.SNAPSHOT if reuse else "",
                }, cwd=tmp)
        except Exception as exc:
            if type(exc).__name__ != "PapermillExecutionError":
                raise
            # papermill's own message carries the whole traceback; say it in one line.
            raise RuntimeError(i18n.text("run.notebook_failed", lang, cell=exc.exec_count)
                               + f"{exc.ename}: {exc.evalue}") from None
        results_path = tmp / archive.RESULTS
        if not results_path.is_file():
            raise RuntimeError(i18n.text("run.no_results", lang))
        results = json.loads(results_path.read_text(encoding="utf-8"))
        title = strip_invisible(run_title(unit_name, period, lang))  # no bidi trick in <title>
        # Both reports from the executed notebook in memory (the file if a stand-in returned none).
        executed = tmp / EXECUTED if executed is None else executed
        reports = [(tmp / INTERNAL_HTML, "internal", i18n.text("run.internal_title", lang) + f" — {title}"),
                   (tmp / PUBLIC_HTML, "public", i18n.text("run.public_title", lang) + f" — {title}")]
        (exports.export if exports is not None else export.export_reports)(executed, reports)
        if pdf:  # printed inside the run folder, before the manifest: the PDF is covered by it
            print_pdf(tmp / INTERNAL_HTML, tmp / INTERNAL_PDF)
        check_read(tmp, data_rel, results, lang)
    return run.path


def run_title(unit_name: str, period, lang: str) -> str:
    """`Trường Mầm non Mạ Non — Quý I năm 2024`: the reports' page title; a unit without a name
    (no `ten_don_vi`) gets none, not an empty part."""
    return " — ".join(part for part in (unit_name, period.label(lang)) if part)


def snapshot(run, params, unit_data, plan, lang: str) -> tuple[str, str]:
    """Copy every input into the revision's `inputs/` before the notebook runs, each checked
    against the hash of the file that was validated: the data folder as `inputs/<its name>/...`
    (registers, don_vi.yaml, and the plan with its text when they live there), files from
    elsewhere (a plan given with --plan, the params file) by their name. Returns the data folder's
    and the plan's copies, relative to the revision."""
    data_dir = Path(params.data).resolve()
    base = archive_name(data_dir.name)

    def name_of(path: Path) -> str:
        try:
            return f"{base}/{path.relative_to(data_dir).as_posix()}"
        except ValueError:
            return path.name

    def add(path, digest=None) -> Path:
        path = Path(path).resolve()
        copy = run.add_input(path, name_of(path))
        if digest is not None and sha256_file(copy) != digest:
            raise InputChanged(i18n.text("run.changed_after_validation", lang, path=path))
        return copy

    (run.tmp / "inputs" / base).mkdir(parents=True, exist_ok=True)  # even with no register at all
    for item in unit_data.inputs:
        add(item.path, item.sha256)
    if (data_dir / "don_vi.yaml").is_file():
        add(data_dir / "don_vi.yaml")
    plan_copy = add(plan.path)
    if plan.source_text is not None and Path(plan.source_text).is_file():
        # Beside the plan's copy, under the relative name the plan file gives it.
        cited = Path(os.path.relpath(Path(plan.source_text).resolve(), Path(plan.path).resolve().parent))
        if ".." in cited.parts:
            cited = Path(cited.name)
        target = plan_copy.parent / cited
        rel = target.relative_to(run.tmp / "inputs").as_posix()
        run.add_input(Path(plan.source_text).resolve(), rel)
    if params.source is not None and Path(params.source).is_file():
        add(params.source)
    return f"inputs/{base}", plan_copy.relative_to(run.tmp).as_posix()


def archive_name(folder_name: str) -> str:
    from .archive import safe_component

    try:
        return safe_component(folder_name)
    except Exception:  # noqa: BLE001 - a folder named "/" or the like: any fixed name will do
        return "du_lieu"


def check_read(tmp: Path, data_rel: str, results: dict, lang: str) -> None:
    """What the notebook read is what was validated and archived: every input it hashed is the
    revision's copy, byte for byte."""
    for item in results.get("inputs") or []:
        name = item.get("file") if isinstance(item, dict) else None
        copy = tmp / data_rel / name if name else None
        if copy is None or not copy.is_file() or sha256_file(copy) != item.get("sha256"):
            raise RuntimeError(i18n.text("run.read_other_file", lang, name=name))


def print_pdf(html: Path, pdf: Path) -> None:
    """The internal report as PDF. Without Chromium the run goes on without it (exit 0) and says
    so in both languages; a Chromium that fails to print stops the run (exit 1, nothing archived)."""
    from . import pdf as printer

    try:
        printer.print_pdf(html, pdf)
    except printer.ChromiumMissing as exc:
        # In both languages, as a warning said before the report's language matters.
        warn(" / ".join(i18n.text("run.no_pdf", lang, reason=exc.message(lang)) for lang in i18n.LANGS))


def front_page(out: Path, lang: str) -> Path:
    """Rebuild the archive's index.html after a run (the run is archived whatever happens here);
    raises FrontPageError when it cannot be written."""
    from .frontpage import write_index

    try:
        return write_index(out)
    except OSError as exc:
        raise FrontPageError(i18n.text("run.front_page_failed", lang, folder=out, reason=exc)) from None
