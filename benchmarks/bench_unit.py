"""What the audit notebook computes for one unit once the registers are in memory, step by step.

    python benchmarks/bench_unit.py [--period 2024-Q1] [--reps 9] [--data FOLDER] [--against PYTHON]

In one process, as a batch's worker runs unit after unit: the registers are read once, untimed;
the warm-up runs (`report.warm` where it exists; `kernel.warm_caches` in a version that had a
Jupyter kernel); then `--reps` times the notebook's calls: `run_audit`, every part of
`report.render_both` (both audiences), `Audit.write_results`. Figures are medians of the process's CPU time (a shared machine
moves wall times far more) with the wall-time median beside them; the first unit, after the
warm-up, is printed apart. Then one unit under cProfile: its function calls, the count of "less
work" that no load on the machine changes.

`--against PYTHON` runs the same in another environment's python (another checkout, e.g. main's
venv), alternately, twice each, and prints both and their ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

STEPS = ["run_audit", "header", "overview", "direction", "targets", "trends", "tasks", "assessment",
         "signature", "checks_table", "statistics", "index766", "methodology", "write_results"]


def measure(period: str, reps: int, data: str | None) -> dict:
    """In this process: CPU and wall time of each step of `reps` units, and one unit's calls."""
    import cProfile
    import importlib
    import pstats

    import pandas as pd

    from cchc_audit import params as run_params
    from cchc_audit import pipeline, report
    from cchc_audit.audit import run_audit

    settings = run_params.resolve(None, period=period, data=data)
    _, unit_data, _ = pipeline.prepare(settings, settings.lang or "vi")
    lang = settings.lang or "vi"
    try:  # a version that ran the notebook on a Jupyter kernel warmed it so
        importlib.import_module("cchc_audit.kernel").warm_caches()
    except ImportError:
        pass
    warm = getattr(report, "warm", None)
    if warm is not None:  # the calendar this unit asks for, as a district's worker would warm it
        year = settings.period_range().start.year
        warm(calendar_spans=[(first, last) for first in (year - 2, year - 1) for last in (year + 2, year + 3)])
    out = tempfile.mkdtemp()

    def unit(record):
        def step(name, call):
            cpu, wall = time.process_time(), time.perf_counter()
            value = call()
            record.setdefault(name, []).append((time.process_time() - cpu, time.perf_counter() - wall))
            return value

        audit = step("run_audit", lambda: run_audit(settings.period_range(), settings.data, settings.plan_path,
                                                    settings, data=unit_data))
        history = report.history(audit, None)
        for part in report.PARTS:
            step(part, lambda part=part: report.render_both(audit, part, lang, history))
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        step("write_results", lambda: audit.write_results(out))

    first: dict = {}
    unit(first)
    steps: dict = {}
    for _ in range(reps):
        unit(steps)
    profile = cProfile.Profile()
    profile.enable()
    unit({})
    profile.disable()
    shutil.rmtree(out, ignore_errors=True)
    storage = sorted({str(f[c].dtype.storage) for f in unit_data.registers.values() for c in f.columns
                      if isinstance(f[c].dtype, pd.StringDtype)})
    return {"steps": {k: [statistics.median(c for c, _ in v), statistics.median(w for _, w in v)]
                      for k, v in steps.items()},
            "first": {k: v[0][0] for k, v in first.items()},
            "total_cpu": statistics.median(sum(v[i][0] for v in steps.values()) for i in range(reps)),
            "total_wall": statistics.median(sum(v[i][1] for v in steps.values()) for i in range(reps)),
            "first_cpu": sum(v[0][0] for v in first.values()),
            "calls": pstats.Stats(profile).total_calls, "reps": reps, "storage": storage,
            "warm": warm is not None}


def child(python: str, args) -> dict:
    argv = [python, __file__, "--one", "--period", args.period, "--reps", str(args.reps)]
    if args.data:
        argv += ["--data", args.data]
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(done.stderr[-3000:])
    return json.loads(done.stdout.splitlines()[-1])


def table(runs: list[dict], names: list[str]) -> None:
    """One column per environment: each step's CPU median in ms (medians over the runs)."""
    print(f"{'step (CPU ms)':<16}" + "".join(f"{n:>14}" for n in names)
          + (f"{'ratio':>8}" if len(names) == 2 else ""))

    def row(label, values, digits=1):
        ratio = f"{values[1] / values[0]:>8.2f}" if len(values) == 2 and values[0] else ""
        print(f"{label:<16}" + "".join(f"{v:>14.{digits}f}" for v in values) + ratio)

    for step in STEPS:
        row(step, [statistics.median(r["steps"][step][0] for r in env) * 1000 for env in runs])
    row("unit, CPU", [statistics.median(r["total_cpu"] for r in env) * 1000 for env in runs])
    row("unit, wall", [statistics.median(r["total_wall"] for r in env) * 1000 for env in runs])
    row("first unit, CPU", [statistics.median(r["first_cpu"] for r in env) * 1000 for env in runs])
    row("calls per unit", [statistics.median(r["calls"] for r in env) for env in runs], 0)
    for name, env in zip(names, runs):
        print(f"{name}: text columns stored as {env[0]['storage']}; warm-up with report.warm: "
              f"{'yes' if env[0]['warm'] else 'no'}; {env[0]['reps']} units per process")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--period", default="2024-Q1")
    parser.add_argument("--reps", type=int, default=9)
    parser.add_argument("--data", help="a unit's folder (default: the sample school)")
    parser.add_argument("--against", metavar="PYTHON", help="another environment's python, measured alternately")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.period, args.reps, args.data)))
        return
    if not args.against:
        table([[child(sys.executable, args)]], ["this"])
        return
    mine, theirs = [], []
    for _ in range(2):
        theirs.append(child(args.against, args))
        mine.append(child(sys.executable, args))
    table([theirs, mine], ["other", "this"])
    print("ratio: this / other")


if __name__ == "__main__":
    main()
