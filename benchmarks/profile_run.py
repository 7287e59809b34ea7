"""Where one `cchc-audit run` and one `batch` unit spend their time, stage by stage, as a table.

    python benchmarks/profile_run.py [--reps 5] [--units 8] [--data FOLDER] [--cprofile run.prof]

- run: `--reps` times, each in a new process, `cli.main(["run", "--period", "2024-Q1", ...])`
  exactly as the `cchc-audit` script runs it (the sample school, or `--data`), with a timer around
  each stage; "start-up" is the Python start and the CLI's imports.
- batch unit: in one process, `--units` runs of the same unit one after the other, as a `batch`
  worker runs them (`pipeline.run_unit(params)`); the first unit, which pays for the imports and
  first-use caches, is left out of the medians.
- each notebook cell: papermill's own timing of the cells, from the executed notebooks.
- charts: the report's chart functions, timed as the notebook calls them (its cells run in the
  command's own process).

Every figure is a median over the repetitions. The stages nest: "execute the notebook" holds
papermill's import and work, then the cells (which import matplotlib and the report's modules the
first time); the first export imports nbconvert and compiles its templates.
`--cprofile` writes a cProfile of the last run's main process.
"""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

T0 = time.perf_counter()
PERIOD = "2024-Q1"
STAGES: dict[str, list[float]] = {}
ORDER = [
    ("start-up", "Python start + imports of the CLI"),
    ("prepare", "read + validate registers and plan"),
    ("snapshot_inputs", "copy and hash the inputs into the revision"),
    ("execute", "execute the notebook (papermill, all)"),
    ("cells", "  of which: the cells (papermill's timing)"),
    ("charts", "    of which: the charts"),
    ("export_internal", "export the internal report"),
    ("export_public", "export the public report"),
    ("archive", "archive: manifest and rename into place"),
    ("front_page", "archive front page"),
    ("total", "total (wall)"),
]


def timer(owner, name: str, label, stages: dict) -> None:
    """Time every call of `owner.name` into stages[label] (label may be a function of the args)."""
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            key = label(*args, **kwargs) if callable(label) else label
            stages[key] = stages.get(key, 0.0) + time.perf_counter() - started

    setattr(owner, name, wrapper)


def instrument(stages: dict) -> None:
    from cchc_audit import archive, execute, export, pipeline

    timer(pipeline, "prepare", "prepare", stages)
    timer(execute, "execute_notebook", "execute", stages)
    timer(export, "export_html", lambda executed, target, audience, **kw: f"export_{audience}", stages)
    timer(pipeline, "snapshot", "snapshot_inputs", stages)
    from cchc_audit import charts

    for name in dir(charts):  # the report's parts call them as charts.<name>
        if name.endswith("_chart") and callable(getattr(charts, name)):
            timer(charts, name, "charts", stages)
    timer(archive.RunBuilder, "commit", "archive", stages)
    timer(pipeline, "front_page", "front_page", stages)


def cell_times(run: Path) -> list[tuple[str, float]]:
    nb = json.loads((run / "audit.ipynb").read_text(encoding="utf-8"))
    found = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"]).strip().splitlines()
        label = source[-1][:52] if source else ""
        found.append((label, cell["metadata"]["papermill"]["duration"] or 0.0))
    return found


def one_run(data: str | None, cprofile: str | None) -> dict:
    """In this (new) process: one `cchc-audit run`, its stages timed."""
    from cchc_audit import cli

    stages = {"start-up": time.perf_counter() - T0}
    instrument(stages)
    out = Path(tempfile.mkdtemp(prefix="profile-run-"))
    try:
        argv = ["run", "--period", PERIOD, "--out", str(out)] + (["--data", data] if data else [])
        import contextlib
        import cProfile
        import io

        profiler = cProfile.Profile() if cprofile else None
        if profiler:
            profiler.enable()
        with contextlib.redirect_stdout(io.StringIO()):
            code = cli.main(argv)
        if profiler:
            profiler.disable()
            profiler.dump_stats(cprofile)
        stages["total"] = time.perf_counter() - T0
        if code != 0:
            sys.exit(f"cchc-audit run failed ({code})")
        (run,) = out.glob(f"*/{PERIOD}/rev-001")
        cells = cell_times(run)
        stages["cells"] = sum(t for _, t in cells)
        return {"stages": stages, "cells": cells}
    finally:
        shutil.rmtree(out, ignore_errors=True)


def batch_units(data: str | None, units: int) -> list[dict]:
    """In this process: `units` runs one after the other, as a batch worker runs them."""
    from cchc_audit import pipeline
    from cchc_audit.params import resolve

    stages: dict[str, float] = {}
    instrument(stages)
    out = Path(tempfile.mkdtemp(prefix="profile-batch-"))
    found = []
    try:
        for i in range(units):
            stages.clear()
            params = resolve(None, period=PERIOD, data=data, out=str(out / f"u{i}"))
            started = time.perf_counter()
            run = pipeline.run_unit(params)
            stages["total"] = time.perf_counter() - started
            cells = cell_times(run)
            stages["cells"] = sum(t for _, t in cells)
            found.append({"stages": dict(stages), "cells": cells})
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return found[1:] if len(found) > 1 else found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--units", type=int, default=8)
    parser.add_argument("--data", help="a unit's folder (default: the sample school)")
    parser.add_argument("--cprofile", help="write a cProfile of the last run to this file")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_run(args.data, args.cprofile)))
        return
    runs = []
    for i in range(args.reps + 1):  # the first: caches (.pyc, matplotlib's font list), untimed
        argv = [sys.executable, __file__, "--one"] + (["--data", args.data] if args.data else [])
        if args.cprofile and i == args.reps:
            argv += ["--cprofile", args.cprofile]
        done = subprocess.run(argv, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(done.stderr[-3000:])
        if i:
            runs.append(json.loads(done.stdout.splitlines()[-1]))
    units = batch_units(args.data, args.units)
    med = statistics.median

    def column(records, key):
        values = [r["stages"].get(key) for r in records]
        values = [v for v in values if v is not None]
        return f"{med(values):8.3f}" if values else f"{'-':>8}"

    print(f"one `cchc-audit run --period {PERIOD}` ({len(runs)} runs) and one batch unit "
          f"({len(units)} units one after the other in one process), medians in seconds")
    print(f"{'stage':52} {'run':>8} {'unit':>8}")
    for key, label in ORDER:
        print(f"{label:52} {column(runs, key)} {column(units, key)}")
    print("\nthe notebook's cells (papermill's timing)")
    for i, (label, _) in enumerate(runs[0]["cells"]):
        run_cell = med(r["cells"][i][1] for r in runs)
        unit_cell = med(u["cells"][i][1] for u in units)
        print(f"  [{i + 1:2}] {label:46} {run_cell:8.3f} {unit_cell:8.3f}")


if __name__ == "__main__":
    main()
