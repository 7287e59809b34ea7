"""A batch of 20 units vs. 20 single runs; and the per-unit cost of a batch from 20 to 200 units.

    python benchmarks/bench_batch.py [--units 20 200] [--reps 3] [--workers N] [--against SOURCE_TREE]

The largest number of units is generated once (`district.py`: the sample generator with its own
seed, name and code per unit, XLSX and CSV alternately, the sample plan); each size's district is
its first units. Then, alternately and `--reps` times each, each into a new archive folder:

- batch: `cchc-audit batch --period 2024-Q1 --data-root <units> --out <archive>` (its own workers,
  one process per core forked from it, each running its units one after the other), roll-up
  included, at each size;
- singles (smallest size only): `cchc-audit run --period 2024-Q1 --data <unit> --out <archive>`
  for each unit, one after the other, as a shell loop would.

- with `--read-ahead-off`: the batch once more per rep with CCHC_AUDIT_READ_AHEAD=0, its units
  read by their workers only (readahead.py), and the ratio of the two;
- with `--against SOURCE_TREE` (e.g. a checkout of an earlier main): the smallest batch once more per
  rep with that tree's cchc_audit (the same venv's libraries), the two in alternating order, and the
  median of each rep's ratio (this tree / that one): the change measured in pairs, as the shared
  host's load moves both alike;
- a batch of as many units as workers (one unit each), to split the smallest batch's time into
  what does not grow with its units (start-up: Python, the imports and warm-up before the workers
  fork, the cluster, the roll-up, the exit) and what one unit costs in a worker: with W workers, a
  batch of W units costs start-up + one unit, a batch of N units start-up + N/W units.

Each batch is checked: every unit archived with both reports, and a roll-up naming every unit.
Targets: batch / singles <= 0.15 (on this 2-core machine); the cost per unit flat from the
smallest to the largest size (printed as their ratio).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BIN, SOURCE_ENV, add_bytecode_option, bytecode, spread, timed, verdict  # noqa: E402
from district import make_district  # noqa: E402

from cchc_audit.batch import default_workers  # noqa: E402

TARGET = 0.15
PERIOD = "2024-Q1"


def check_batch(out: Path, units: list[Path]) -> None:
    """Every unit's two reports, and one roll-up that names every unit as archived."""
    for unit in units:
        code = unit.name.replace("truong-", "mn")
        run = out / code / PERIOD / "rev-001"
        assert (run / "bao-cao-noi-bo.html").is_file() and (run / "bao-cao-cong-khai.html").is_file(), run
    (rollup,) = (out / "_rollup").glob(f"*/{PERIOD}/rev-001/rollup.json")
    data = json.loads(rollup.read_text(encoding="utf-8"))
    assert sorted(u["code"] for u in data["units"]) == sorted(u.name.replace("truong-", "mn") for u in units)
    assert {u["outcome"] for u in data["units"]} == {"ok"}, data["units"]
    page = (rollup.parent / "index.html").read_text(encoding="utf-8")
    assert all(u["name"] in page for u in data["units"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="+", default=[20])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--workers", type=int)
    parser.add_argument("--read-ahead-off", action="store_true", help="also time the batch without read-ahead")
    parser.add_argument("--against", metavar="SOURCE_TREE",
                        help="also time the smallest batch with this source tree's cchc_audit, in pairs")
    add_bytecode_option(parser)
    args = parser.parse_args()
    sizes = sorted(set(args.units))
    work = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    try:
        print(bytecode(work / "pycache" if args.bytecode_cache else None))
        started = time.perf_counter()
        every = make_district(work / "units", sizes[-1])
        print(f"{len(every)} units generated in {time.perf_counter() - started:.1f} s ({work / 'units'})")
        roots = {}
        for n in sizes:  # each size's district: its first n units
            roots[n] = work / f"district-{n}"
            for unit in every[:n]:
                shutil.copytree(unit, roots[n] / unit.name)
        cli = str(BIN / "cchc-audit")
        workers = ["--workers", str(args.workers)] if args.workers else []
        timed([cli, "run", "--period", PERIOD, "--data", str(every[0]), "--out", str(work / "warm")])
        batches = {n: [] for n in sizes}
        singles = []
        small = sizes[0]
        width = args.workers or default_workers()
        if small > width:  # the batch of one unit per worker
            roots[width] = work / f"district-{width}"
            for unit in every[:width]:
                shutil.copytree(unit, roots[width] / unit.name)
        few, plain, pairs = [], [], []
        # The other tree's command: its cchc_audit imported (common.use_source_tree), then its CLI.
        other = [sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv.pop(1)); "
                 "from common import use_source_tree; use_source_tree(); from cchc_audit.cli import entry; "
                 "sys.argv[0] = 'cchc-audit'; entry()", str(Path(__file__).resolve().parent)]

        def against(rep: int) -> float:
            out = work / f"against-{rep}"
            seconds = timed(other + ["batch", "--period", PERIOD, "--data-root", str(roots[small]), "--out",
                                     str(out)] + workers, env={SOURCE_ENV: str(Path(args.against).resolve())})
            check_batch(out, every[:small])
            shutil.rmtree(out, ignore_errors=True)
            return seconds

        for rep in range(args.reps):
            if small > width:
                out = work / f"batch-{width}-{rep}"
                few.append(timed([cli, "batch", "--period", PERIOD, "--data-root", str(roots[width]),
                                  "--out", str(out)] + workers))
                check_batch(out, every[:width])
                shutil.rmtree(out, ignore_errors=True)
            if args.against and rep % 2 == 0:  # alternating: that tree first in every other rep
                first = against(rep)
            for n in sizes:
                out = work / f"batch-{n}-{rep}"
                batches[n].append(timed([cli, "batch", "--period", PERIOD, "--data-root", str(roots[n]),
                                         "--out", str(out)] + workers))
                check_batch(out, every[:n])
                shutil.rmtree(out, ignore_errors=True)
            if args.against:
                pairs.append((batches[small][-1], first if rep % 2 == 0 else against(rep)))
            if args.read_ahead_off:
                out = work / f"batch-plain-{rep}"
                plain.append(timed([cli, "batch", "--period", PERIOD, "--data-root", str(roots[small]),
                                    "--out", str(out)] + workers, env={"CCHC_AUDIT_READ_AHEAD": "0"}))
                check_batch(out, every[:small])
                shutil.rmtree(out, ignore_errors=True)
            total = 0.0
            for unit in every[:small]:
                total += timed([cli, "run", "--period", PERIOD, "--data", str(unit),
                                "--out", str(work / f"single-{rep}")])
            singles.append(total)
            print(f"  rep {rep + 1}: " + ", ".join(f"batch of {n} {batches[n][-1]:.1f} s" for n in sizes)
                  + f"; {small} single runs {singles[-1]:.1f} s", flush=True)
        for n in sizes:
            print(f"batch of {n} units (cchc-audit batch, CLI): {spread(batches[n], n)}")
        print(f"{small} single runs (cchc-audit run, CLI): {spread(singles, small)}")
        print(verdict("batch / singles", batches[small], singles, TARGET))
        med = statistics.median
        if plain:
            print(f"batch of {small} without read-ahead: {spread(plain, small)}; ratio to singles "
                  f"{med(plain) / med(singles):.2f}; with / without read-ahead {med(batches[small]) / med(plain):.2f}")
        if pairs:
            that = [b for _, b in pairs]
            print(f"batch of {small} with {args.against}: {spread(that, small)}; this tree / that one, "
                  f"paired: {med([a / b for a, b in pairs]):.3f} (each rep: "
                  + ", ".join(f"{a:.2f}/{b:.2f}" for a, b in pairs) + ")")
        if few:
            # batch of `width` units = start-up + 1 unit; of `small` = start-up + small/width units
            unit = (med(batches[small]) - med(few)) / (small / width - 1)
            fixed = med(few) - unit
            print(f"batch of {width} units (one per worker): {spread(few)}")
            print(f"  so, of the batch of {small}: start-up {fixed:.2f} s (not growing with its units), "
                  f"then {unit:.3f} s per unit per worker ({unit / width:.3f} s per unit on {width} workers)")
            print(f"  lowest ratio this start-up allows, units free: {fixed / med(singles):.2f}; "
                  f"the ratio without start-up: {(med(batches[small]) - fixed) / med(singles):.2f}")
        for n in sizes[1:]:
            ratio = (med(batches[n]) / n) / (med(batches[small]) / small)
            print(f"per-unit cost, {n} vs. {small} units: {med(batches[n]) / n:.3f} vs. "
                  f"{med(batches[small]) / small:.3f} s, ratio {ratio:.2f} (flat = 1.00 or less)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
