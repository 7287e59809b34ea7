"""What the benchmarks share: timing a command, saying a median and a verdict, and how the commands
get their compiled modules (`--bytecode-cache`)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent  # the venv's commands: cchc-audit, papermill, jupyter


def timed(argv: list[str], cwd: Path | None = None, env: dict | None = None) -> float:
    """Wall time of one command; a failing command stops the benchmark with its output."""
    import os

    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True,
                          env=None if env is None else dict(os.environ, **env))
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


SOURCE_ENV = "CCHC_AUDIT_BENCH_SOURCE"


def use_source_tree() -> None:
    """In a benchmark's child process: import cchc_audit from the source tree named by
    SOURCE_ENV, if any. An editable install's import hook comes before sys.path, so PYTHONPATH
    alone would measure the working tree again: the hook is taken out first."""
    import os

    source = os.environ.get(SOURCE_ENV)
    if not source:
        return
    sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
    sys.path.insert(0, source)
    import cchc_audit

    if not str(Path(cchc_audit.__file__).resolve()).startswith(str(Path(source).resolve())):
        sys.exit(f"cchc_audit imported from {cchc_audit.__file__}, not from {source}")


def add_bytecode_option(parser) -> None:
    """`--bytecode-cache`, the same in every benchmark that times the commands (see `bytecode`)."""
    parser.add_argument("--bytecode-cache", action="store_true",
                        help="the commands keep their compiled modules, as an installed package does")


def bytecode(cache_in: Path | None) -> str:
    """How the commands measured get their compiled modules, said in one line. With `cache_in`, they
    keep them there (PYTHONPYCACHEPREFIX), as an installed package keeps its own: pip compiles a
    wheel's modules as it installs it, and an editable install compiles them on first use, unless
    PYTHONDONTWRITEBYTECODE is set (as on some build machines): then this package's modules are
    compiled again in every process that imports them (0.3 to 0.4 s of each single run here),
    while the installed libraries keep theirs."""
    import os

    if cache_in is not None:
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = str(cache_in)
        return f"bytecode: kept in {cache_in} (as an installed package keeps it)"
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return ("bytecode: PYTHONDONTWRITEBYTECODE is set: cchc_audit's modules are compiled in every "
                "process (--bytecode-cache measures them kept, as installed)")
    return "bytecode: as this environment keeps it (__pycache__)"
