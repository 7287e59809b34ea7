"""Big registers from XLSX (or CSV): read + validate + check, time and peak memory, per size.

    python benchmarks/bench_read.py [--rows 100000 500000] [--fmt xlsx csv] [--work DIR] [--reps 3]
                                    [--before SOURCE_TREE]

A unit of `--rows` dossiers (the sample generator's school at that size, other registers at their
usual size, written as a school hands them in: `cchc_audit.sample.write_unit`) is made once per
size and format under `--work` (`u<rows>-<fmt>/`, kept for the next time: writing a million-row
XLSX takes minutes). Each size is then measured in a process of its own, `--reps` times:

- read: `registers.load_unit` (calamine or the CSV reader, the typed columns, every problem);
- validate: `validate.all_problems` (across registers and against the plan);
- check: `audit.run_audit` on the frames read (the calendar, every target and task, the 766 index);
- baseline, in the same process: `pandas.read_excel(engine="calamine")` of the same `ho_so.xlsx`
  (untyped, no problems: what the library alone costs), or `pandas.read_csv` for CSV;
- fastexcel, XLSX only: `fastexcel.read_excel(...).load_sheet(0, header_row=None).to_arrow()` of
  `ho_so.xlsx` (untyped Arrow columns: what the fast path's parser alone costs).

Also said: which reader read ho_so.xlsx (`sheets.Sheet.reader`: "arrow", the fast path of
arrowsheet.py; "declined", python-calamine after the fast path could not prove its cells; "calamine").

Reported: medians, the ratio to the baseline, the process's peak resident memory, and the cost per
added dossier between sizes (linear = constant). Targets: 500k from XLSX in < 10 s and < 3 GB,
1M in < 20 s, each with its figure and its ratio to the target. The string storage measured is
printed (convert.STRING: Python, whatever pyarrow). `--before DIR` also measures the package in the
source tree DIR (e.g. an export of main: `git archive main cchc_audit | tar -x -C DIR`), in the
same run, alternating, for the ratio after/before.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import SOURCE_ENV, use_source_tree  # noqa: E402

TARGETS = {500_000: (10.0, 3072), 1_000_000: (20.0, None)}


def make(work: Path, rows: int, fmt: str) -> Path:
    from cchc_audit.sample import DEFAULT_UNIT, SAMPLE_PLAN, SAMPLE_PLAN_TEXT, generate_registers, write_unit

    folder = work / f"u{rows}-{fmt}"
    if (folder / "ke_hoach.yaml").is_file():
        return folder
    print(f"writing {rows:,} dossiers as {fmt.upper()} into {folder} (once; minutes for a large XLSX)", flush=True)
    tmp = work / f".u{rows}-{fmt}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    write_unit(tmp, generate_registers(n_dossiers=rows), fmt=fmt, unit=DEFAULT_UNIT, year=2024)
    shutil.copy(SAMPLE_PLAN_TEXT, tmp / SAMPLE_PLAN_TEXT.name)
    shutil.copy(SAMPLE_PLAN, tmp / "ke_hoach.yaml")  # last: a folder with it is complete
    tmp.rename(folder)
    return folder


def measure(folder: Path, reps: int) -> dict:
    """In this process: read, validate and check the unit `reps` times, and the library baseline."""
    import resource

    import pandas as pd

    from cchc_audit.audit import run_audit
    from cchc_audit.convert import STRING
    from cchc_audit.plan import load_plan
    from cchc_audit.registers import load_unit
    from cchc_audit.schema import REGISTERS
    from cchc_audit.sheets import open_sheet
    from cchc_audit.validate import all_problems

    plan = load_plan(folder / "ke_hoach.yaml")
    ho_so = next(folder.glob("ho_so.*"))
    if ho_so.suffix == ".csv":  # the separator and width as the reader found them, for the baseline
        sheet = open_sheet(ho_so, REGISTERS["ho_so"])
        delimiter, width = sheet.delimiter, max(map(len, sheet.rows))
        del sheet
    stages: dict[str, list[float]] = {"read": [], "validate": [], "check": [], "total": [], "baseline": [],
                                      "fastexcel": []}
    for _ in range(reps):
        t0 = time.perf_counter()
        data = load_unit(folder)
        t1 = time.perf_counter()
        problems = all_problems(data, plan)
        t2 = time.perf_counter()
        audit = run_audit("2024", folder, plan, data=data)
        t3 = time.perf_counter()
        stages["read"].append(t1 - t0)
        stages["validate"].append(t2 - t1)
        stages["check"].append(t3 - t2)
        stages["total"].append(t3 - t0)
        text = [str(f[c].dtype.storage) for f in data.registers.values()  # the storage measured
                for c in f.columns if isinstance(f[c].dtype, pd.StringDtype)]
        del data, audit
        t4 = time.perf_counter()
        if ho_so.suffix == ".csv":
            pd.read_csv(ho_so, sep=delimiter, header=None, names=range(width), dtype=str, keep_default_na=False,
                        encoding="utf-8-sig")
        else:
            pd.read_excel(ho_so, engine="calamine", header=None)
        stages["baseline"].append(time.perf_counter() - t4)
    # The peak memory of reading, validating and checking (and of pandas' baseline, as always); what
    # follows, fastexcel holding a whole sheet and the reader named, is not counted in it.
    max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for _ in range(reps if ho_so.suffix == ".xlsx" else 0):
        import fastexcel

        t5 = time.perf_counter()
        fastexcel.read_excel(ho_so.read_bytes()).load_sheet(0, header_row=None).to_arrow()
        stages["fastexcel"].append(time.perf_counter() - t5)
    # a source tree from before the fast path (--before) reads every cell with python-calamine
    reader = getattr(open_sheet(ho_so, REGISTERS["ho_so"]), "reader", "calamine") if ho_so.suffix == ".xlsx" else "csv"
    return {"medians": {k: statistics.median(v) if v else None for k, v in stages.items()}, "reps": reps,
            "reader": reader, "problems": len(problems), "max_rss_mb": max_rss_mb,
            "storage": sorted(set(text)), "intended": STRING.storage}


def run_one(folder: Path, reps: int, source: str | None = None) -> dict:
    """`measure` in a process of its own; `source`: a source tree of the package to measure instead."""
    env = dict(os.environ)
    if source:
        env[SOURCE_ENV] = source
    done = subprocess.run([sys.executable, __file__, "--one", str(folder), "--reps", str(reps)],
                          capture_output=True, text=True, env=env)
    if done.returncode != 0:
        sys.exit(done.stderr[-3000:])
    return json.loads(done.stdout.splitlines()[-1])


def report(fmt: str, rows: list[dict], before: dict[int, dict]) -> None:
    baseline = "pandas.read_excel(calamine)" if fmt == "xlsx" else "pandas.read_csv(C)"
    print(f"\n{fmt.upper()} registers, medians in seconds; text stored as {rows[0]['storage']} "
          f"(chosen: {rows[0]['intended']})")
    print(f"{'dossiers':>10} {'reps':>4} {'read':>7} {'validate':>8} {'check':>7} {'total':>7} "
          f"{'baseline':>8} {'read/base':>9} {'fastexcel':>9} {'max RSS MB':>10} {'ho_so read by':>13}"
          + (f" {'before':>7} {'after/before':>12}" if before else ""))
    for r in rows:
        m = r["medians"]
        line = (f"{r['n']:>10,} {r['reps']:>4} {m['read']:>7.2f} {m['validate']:>8.2f} {m['check']:>7.2f} "
                f"{m['total']:>7.2f} {m['baseline']:>8.2f} {m['read'] / m['baseline']:>9.2f} "
                f"{m['fastexcel'] if m['fastexcel'] is not None else float('nan'):>9.2f} {r['max_rss_mb']:>10.0f} "
                f"{r['reader']:>13}")
        if r["n"] in before:
            old = before[r["n"]]["medians"]["total"]
            line += f" {old:>7.2f} {m['total'] / old:>12.2f}"
        print(line)
    print(f"(baseline: {baseline} of ho_so alone, untyped, no problems, in the same process; fastexcel: "
          "its load_sheet().to_arrow() of ho_so alone, XLSX only"
          + ("; before: the same measure of the source tree given by --before)" if before else ")"))
    for small, large in zip(rows, rows[1:]):
        per = (large["medians"]["total"] - small["medians"]["total"]) / (large["n"] - small["n"]) * 1e6
        print(f"{small['n']:,} -> {large['n']:,}: {per:.1f} µs per added dossier; "
              f"per dossier {small['medians']['total'] / small['n'] * 1e6:.1f} -> "
              f"{large['medians']['total'] / large['n'] * 1e6:.1f} µs")
    for r in rows:
        if fmt == "xlsx" and r["n"] in TARGETS:
            seconds, memory = TARGETS[r["n"]]
            total = r["medians"]["total"]
            met = total < seconds and (memory is None or r["max_rss_mb"] < memory)
            limit = f" and < {memory / 1024:.0f} GB" if memory else ""
            ratios = f"ratio {total / seconds:.2f} of the time" + (
                f", {r['max_rss_mb'] / memory:.2f} of the memory" if memory else "")
            print(f"target {r['n']:,} from XLSX < {seconds:.0f} s{limit}: {total:.2f} s, "
                  f"{r['max_rss_mb']:.0f} MB ({ratios}): {'met' if met else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 500_000])
    parser.add_argument("--fmt", choices=("xlsx", "csv"), nargs="+", default=["xlsx", "csv"])
    parser.add_argument("--work", default="/tmp/cchc-bench-read")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--before", help="a source tree of cchc_audit (e.g. a checkout of main) measured "
                                         "in the same run, for the before/after ratio")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # the child process: a unit's folder
    args = parser.parse_args()
    if args.one:
        use_source_tree()
        print(json.dumps(measure(Path(args.one), args.reps)))
        return
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    for fmt in args.fmt:
        rows, before = [], {}
        for n in args.rows:
            folder = make(work, n, fmt)
            # A million rows once is enough on a shared machine: fewer repetitions there.
            reps = args.reps if n < 1_000_000 else 1
            if args.before:
                before[n] = run_one(folder, reps, args.before)
            result = run_one(folder, reps)
            result["n"] = n
            rows.append(result)
        report(fmt, rows, before)


if __name__ == "__main__":
    main()
