"""A batch of 20 units vs. 20 single runs.

    python benchmarks/bench_batch.py [--units 20] [--reps 3] [--workers N]

Twenty units are generated first (`district.py`: the sample generator with its own seed, name
and code per unit, XLSX and CSV alternately, the sample plan). Then, alternately and `--reps`
times each, each into a new archive folder:

- batch: `cchc-audit batch --period 2024-Q1 --data-root <units> --out <archive>` (a LocalCluster
  of one process per core, warm kernels reused unit after unit), roll-up included;
- singles: `cchc-audit run --period 2024-Q1 --data <unit> --out <archive>` for each unit, one
  after the other, as a shell loop would.

Each batch is checked: every unit archived with both reports, and a roll-up naming every unit.
Target: batch / singles <= 0.35 (on this 2-core machine).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BIN, spread, timed, verdict  # noqa: E402
from district import make_district  # noqa: E402

TARGET = 0.35
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
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--workers", type=int)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    try:
        started = time.perf_counter()
        units = make_district(work / "units", args.units)
        print(f"{len(units)} units generated in {time.perf_counter() - started:.1f} s ({work / 'units'})")
        cli = str(BIN / "cchc-audit")
        batch_cmd = [cli, "batch", "--period", PERIOD, "--data-root", str(work / "units")]
        if args.workers:
            batch_cmd += ["--workers", str(args.workers)]
        timed([cli, "run", "--period", PERIOD, "--data", str(units[0]), "--out", str(work / "warm")])
        batches, singles = [], []
        for rep in range(args.reps):
            out = work / f"batch-{rep}"
            batches.append(timed(batch_cmd + ["--out", str(out)]))
            check_batch(out, units)
            total = 0.0
            for unit in units:
                total += timed([cli, "run", "--period", PERIOD, "--data", str(unit),
                                "--out", str(work / f"single-{rep}")])
            singles.append(total)
            print(f"  rep {rep + 1}: batch {batches[-1]:.1f} s, {len(units)} single runs {singles[-1]:.1f} s")
        n = len(units)
        print(f"batch of {n} units (cchc-audit batch, CLI): {spread(batches, n)}")
        print(f"{n} single runs (cchc-audit run, CLI): {spread(singles, n)}")
        print(verdict("batch / singles", batches, singles, TARGET))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
