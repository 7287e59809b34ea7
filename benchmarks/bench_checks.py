"""The checks alone on generated registers of 10k, 100k and 1M dossiers: time and peak memory.

    python benchmarks/bench_checks.py [--sizes 10000 100000 1000000]

Each size runs in its own process: the sample generator (`cchc_audit.sample.generate_registers`,
other registers at their usual size) builds typed DataFrames, untimed; then `run_audit` runs on
them as it does after reading a unit's files (the working-day calendar, every target and task,
waivers, the 766 index, the cross-register problems), for the year 2024. Reported per size: the
median time over the repetitions, the peak of memory allocated during one audit (tracemalloc,
numpy and pandas included), the process's peak resident memory once the registers are generated
(`gen. RSS`, the generator's own peak) and at the end (`max RSS`, everything included). Targets: 1M dossiers in under 5 s and under 2 GB, time growing linearly.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

TIME_TARGET, MEMORY_TARGET_MB = 5.0, 2048
REPS = {10_000: 7, 100_000: 5, 1_000_000: 3}


def measure(n: int, reps: int) -> dict:
    """In this process: time and memory of the audit of `n` generated dossiers."""
    import resource
    import tracemalloc
    from pathlib import Path

    import pandas as pd

    from cchc_audit.audit import run_audit
    from cchc_audit.plan import load_plan
    from cchc_audit.registers import UnitData
    from cchc_audit.sample import SAMPLE_PLAN, generate_registers
    from cchc_audit.unit import Unit

    registers = generate_registers(n_dossiers=n)
    plan = load_plan(SAMPLE_PLAN)
    data_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def audit():
        data = UnitData(data_dir=Path("."), unit=Unit(folder="bench"), registers=registers)
        return run_audit("2024", None, plan, data=data)

    audit()  # first call: imports and caches that are not the audit's cost
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        result = audit()
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    audit()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    on_time = result.check("II.1.1.a")
    storage = sorted({str(f[c].dtype.storage) for f in registers.values() for c in f.columns
                      if isinstance(f[c].dtype, pd.StringDtype)})
    try:
        import pyarrow  # noqa: F401 - only whether it is there
        arrow = True
    except ImportError:
        arrow = False
    return {"n": n, "dossiers": len(registers["ho_so"]), "median_s": statistics.median(times),
            "min_s": min(times), "reps": reps, "peak_alloc_mb": peak / 2**20,
            "data_rss_mb": data_mb, "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "on_time": [on_time.numerator, on_time.denominator], "storage": storage, "pyarrow": arrow}


def child(python: str, n: int) -> dict:
    done = subprocess.run([python, __file__, "--one", str(n)], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(done.stderr)
    return json.loads(done.stdout.splitlines()[-1])


def compare(sizes: list[int], other: str) -> None:
    """The checks in this environment and in `other`, alternately (twice each), per size."""
    print(f"{'dossiers':>10} {'this s':>8} {'other s':>8} {'other/this':>10}  storage this / other (pyarrow?)")
    for n in sizes:
        mine, theirs = [], []
        for _ in range(2):
            mine.append(child(sys.executable, n))
            theirs.append(child(other, n))
        a = statistics.median(r["median_s"] for r in mine)
        b = statistics.median(r["median_s"] for r in theirs)
        print(f"{n:>10,} {a:>8.3f} {b:>8.3f} {b / a:>10.2f}  {mine[0]['storage']} ({mine[0]['pyarrow']}) / "
              f"{theirs[0]['storage']} ({theirs[0]['pyarrow']})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(REPS))
    parser.add_argument("--against", metavar="PYTHON",
                        help="another environment's python (e.g. one with pyarrow installed): each size "
                             "is measured in both, alternately, and the ratio printed")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, REPS.get(args.one, 3))))
        return
    if args.against:
        compare(args.sizes, args.against)
        return
    rows = []
    for n in args.sizes:
        done = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(done.stderr)
        rows.append(json.loads(done.stdout.splitlines()[-1]))
    print(f"{'dossiers':>10} {'median s':>9} {'min s':>7} {'reps':>4} {'peak alloc MB':>14} "
          f"{'gen. RSS MB':>12} {'max RSS MB':>11}  II.1.1.a")
    for r in rows:
        print(f"{r['dossiers']:>10,} {r['median_s']:>9.3f} {r['min_s']:>7.3f} {r['reps']:>4} "
              f"{r['peak_alloc_mb']:>14.0f} {r['data_rss_mb']:>12.0f} {r['max_rss_mb']:>11.0f}  "
              f"{r['on_time'][0]}/{r['on_time'][1]}")
    for small, large in zip(rows, rows[1:]):
        size = large["dossiers"] / small["dossiers"]
        # Linear growth = a constant cost per added dossier (the ratio alone also holds the fixed
        # cost of the calendar, the plan and the small registers).
        marginal = (large["median_s"] - small["median_s"]) / (large["dossiers"] - small["dossiers"]) * 1e6
        print(f"{large['dossiers']:,} / {small['dossiers']:,} dossiers (x{size:.0f}): time x"
              f"{large['median_s'] / small['median_s']:.1f} ({marginal:.2f} µs per added dossier), "
              f"peak allocation x{large['peak_alloc_mb'] / small['peak_alloc_mb']:.1f}")
    print(f"text columns stored as {rows[0]['storage']} (pyarrow {'installed' if rows[0]['pyarrow'] else 'absent'}; "
          "the storage is chosen by convert.STRING, not by pyarrow's presence)")
    big = max(rows, key=lambda r: r["dossiers"])
    if big["dossiers"] >= 1_000_000:
        met = big["median_s"] < TIME_TARGET and big["max_rss_mb"] < MEMORY_TARGET_MB
        print(f"1M dossiers: {big['median_s']:.2f} s (target < {TIME_TARGET:.0f} s), process peak "
              f"{big['max_rss_mb']:.0f} MB (target < {MEMORY_TARGET_MB} MB): {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
