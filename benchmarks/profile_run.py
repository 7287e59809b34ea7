"""Where the time of one `cchc-audit run --period 2024-Q1` goes.

    python benchmarks/profile_run.py [--cprofile run.prof]

Runs the command in this process (`cli.main`, exactly as the `cchc-audit` script does), with a
timer around each stage, and prints when each started and how long it took; then, from the
executed notebook's papermill metadata, the time of each cell in the kernel. The kernel boots in
parallel with reading the registers: "wait for the kernel" is what was left of its boot and warm
imports when the main process needed it. `--cprofile` also writes a cProfile of the whole run
(main process only; the kernel is another process).
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

T0 = time.perf_counter()
STAGES: list[tuple[str, float, float]] = []


def timer(owner, name: str, label: str) -> None:
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            STAGES.append((label, started - T0, time.perf_counter() - started))

    setattr(owner, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cprofile", help="write a cProfile of the run to this file")
    args = parser.parse_args()
    from cchc_audit import cli, execute, export, kernel, pipeline

    STAGES.append(("python start + imports of the CLI", 0.0, time.perf_counter() - T0))
    timer(pipeline, "prepare", "read and validate registers, plan")
    timer(kernel.WarmKernel, "start", "launch the kernel (boots in parallel)")
    timer(execute, "warm_exporter", "import nbconvert, compile templates")
    timer(kernel.WarmKernel, "prepare", "wait for the kernel, reset it")
    timer(execute, "execute_notebook", "execute the notebook (papermill, all)")
    timer(export, "export_html", "export one audience")
    timer(pipeline, "snapshot", "copy and hash the inputs into the revision")
    timer(pipeline, "front_page", "archive front page")
    out = Path(tempfile.mkdtemp(prefix="profile-run-"))
    try:
        argv = ["run", "--period", "2024-Q1", "--out", str(out)]
        profiler = cProfile.Profile() if args.cprofile else None
        if profiler:
            profiler.enable()
        code = cli.main(argv)
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.cprofile)
        total = time.perf_counter() - T0
        if code != 0:
            sys.exit(f"cchc-audit run failed ({code})")
        print(f"\n{'stage':46} {'start s':>8} {'took s':>7}")
        for label, start, took in sorted(STAGES, key=lambda s: s[1]):
            print(f"{label:46} {start:8.2f} {took:7.2f}")
        print(f"{'total':46} {'':8} {total:7.2f}")
        (notebook,) = out.glob("*/2024-Q1/rev-001/audit.ipynb")
        nb = json.loads(notebook.read_text(encoding="utf-8"))
        print(f"\nin the kernel (papermill's own timing: {nb['metadata']['papermill']['duration']:.2f} s "
              "from its start to its end)")
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                first = "".join(cell["source"]).strip().splitlines()[-1][:60]
                print(f"  {cell['metadata']['papermill']['duration'] or 0:6.3f} s  [{cell['execution_count']}] {first}")
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
