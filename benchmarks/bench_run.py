"""One period's full audit of the sample school vs. the floor any notebook report pays.

    python benchmarks/bench_run.py [--reps 7]

Measured, in the same run and interleaved (the machine is shared and noisy, so the figures are
medians of `--reps` repetitions):

- audit: the `cchc-audit run --period 2024-Q1` command itself (a new process each time, into a
  new archive folder): read and validate the registers, execute the audit notebook, export the
  internal and the public report, archive.
- floor: the papermill CLI on an empty parameterized notebook (one `period` parameter), then the
  nbconvert CLI exporting it to HTML: what any papermill + nbconvert report costs before it does
  anything.

Target: audit / floor <= 0.35 (issue 16; it was 0.8).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BIN, add_bytecode_option, bytecode, spread, timed, verdict  # noqa: E402

TARGET = 0.35


def empty_notebook(path: Path) -> Path:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    cell = new_code_cell('period = ""')
    cell.metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=[cell])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=7)
    add_bytecode_option(parser)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-run-"))
    try:
        print(bytecode(work / "pycache" if args.bytecode_cache else None))
        notebook = empty_notebook(work / "empty.ipynb")
        audit = [str(BIN / "cchc-audit"), "run", "--period", "2024-Q1"]
        papermill = [str(BIN / "papermill"), str(notebook), str(work / "out.ipynb"),
                     "-p", "period", "2024-Q1", "--no-progress-bar"]
        nbconvert = [str(BIN / "jupyter"), "nbconvert", "--to", "html", str(work / "out.ipynb")]
        # One untimed round each: first-use caches (matplotlib's font list, .pyc files) are
        # not what a run costs.
        timed(audit + ["--out", str(work / "warm")], work)
        timed(papermill, work)
        timed(nbconvert, work)
        runs, floors, pm, nbc = [], [], [], []
        for i in range(args.reps):
            runs.append(timed(audit + ["--out", str(work / f"reports-{i}")], work))
            pm.append(timed(papermill, work))
            nbc.append(timed(nbconvert, work))
            floors.append(pm[-1] + nbc[-1])
        med = statistics.median
        print(f"cchc-audit run --period 2024-Q1 (CLI): {spread(runs)}")
        print(f"floor: papermill CLI {med(pm):.2f} s + nbconvert CLI {med(nbc):.2f} s, sum {spread(floors)}")
        print(verdict("run / floor", runs, floors, TARGET))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
