"""What the analyst's notebook costs: explore.ipynb against the audit notebook, and its generated
district against one in-process audit.

    python benchmarks/bench_explore.py [--reps 3]

Alternately and `--reps` times each:

- explore: `papermill explore.ipynb` as shipped (the sample school, its Q1 and Q2 archived in a
  temporary folder, a 20-school district generated and audited for Q1 and Q2);
- audit: `papermill audit.ipynb` for the sample's Q1 (the notebook `cchc-audit run` executes);
- district: `explore.sample_district(20)` in this process (write 20 schools, audit each twice,
  archive the figures);
- one audit: `explore.audit_unit("2024-Q1")` in this process.

Prints the medians and the ratios explore / audit and district / one audit. No target: nbval runs
explore.ipynb on every test run, so the figure is there to watch, not to pass.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BIN, spread, timed  # noqa: E402

from cchc_audit import explore, resources  # noqa: E402


def in_process(function, *args, **kwargs) -> float:
    started = time.perf_counter()
    function(*args, **kwargs)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-explore-"))
    times: dict[str, list[float]] = {"explore": [], "audit": [], "district": [], "one audit": []}
    try:
        explore.audit_unit("2024-Q1")  # imports and the catalog, paid once, not by the first rep
        for rep in range(args.reps):
            times["explore"].append(timed([str(BIN / "papermill"), "-k", "python3", str(resources.EXPLORE_NOTEBOOK),
                                           str(work / f"explore-{rep}.ipynb")], cwd=work))
            times["audit"].append(timed([str(BIN / "papermill"), "-k", "python3", str(resources.AUDIT_NOTEBOOK),
                                         str(work / f"audit-{rep}.ipynb")], cwd=work))
            times["district"].append(in_process(explore.sample_district, 20, out=work / f"district-{rep}"))
            times["one audit"].append(in_process(explore.audit_unit, "2024-Q1"))
        for name, values in times.items():
            print(f"{name:>10}: {spread(values)}")
        for top, bottom in (("explore", "audit"), ("district", "one audit")):
            ratio = statistics.median(times[top]) / statistics.median(times[bottom])
            print(f"ratio {top} / {bottom}: {ratio:.1f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
