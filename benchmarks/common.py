"""What the benchmarks share: timing a command, and saying a median and a verdict."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent  # the venv's commands: cchc-audit, papermill, jupyter


def timed(argv: list[str], cwd: Path | None = None) -> float:
    """Wall time of one command; a failing command stops the benchmark with its output."""
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stdout[-1500:]}\n{done.stderr[-1500:]}")
    return elapsed


def spread(values: list[float], per: int = 1) -> str:
    """`median 3.94 s (min 3.29, max 5.35, n=5)`, and per item when `per` > 1."""
    med = statistics.median(values)
    each = f", {med / per:.2f} s each" if per > 1 else ""
    return f"median {med:.2f} s{each} (min {min(values):.2f}, max {max(values):.2f}, n={len(values)})"


def verdict(name: str, numerator: list[float], denominator: list[float], target: float) -> str:
    ratio = statistics.median(numerator) / statistics.median(denominator)
    return f"ratio {name}: {ratio:.2f} (target <= {target}: {'met' if ratio <= target else 'NOT met'})"
