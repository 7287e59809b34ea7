"""The validated registers, handed from a run to its notebook's kernel: read once per run.

`cchc-audit run` reads and validates the registers (registers.py, validate.py); the frames it
validated are pickled into the run's temporary folder under a hidden name (`SNAPSHOT`), the audit
notebook takes them from there instead of parsing the spreadsheets again, and the pipeline removes
the file once the notebook has run: it is never archived, and the manifest lists only what
DATA-CONTRACT.md says a run leaves.

A snapshot is only taken when it still matches the inputs beside it: each register file it was
read from must be in the data folder with the very SHA-256 recorded when it was validated. Else
(no snapshot: the analyst's notebook, nbval, an archived notebook executed again) the notebook
reads the registers itself, as before. The pickle is the pipeline's own file, written a moment
earlier in a folder only this run writes to.
"""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

from .archive import sha256_file
from .registers import UnitData

SNAPSHOT = ".validated-registers.pickle"
_VERSION = 1


def write(path: str | Path, data: UnitData) -> Path:
    """Pickle the validated `data` to `path` (its folder exists)."""
    path = Path(path)
    with open(path, "xb") as handle:  # never over a file already there
        pickle.dump({"version": _VERSION, "data": data}, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def read(path: str | Path | None, data_dir: str | Path) -> UnitData | None:
    """The snapshot at `path` as if `registers.load_unit(data_dir)` had read it, or None when there
    is none, or it does not match the files in `data_dir` byte for byte."""
    if not path or not Path(path).is_file():
        return None
    with open(path, "rb") as handle:
        stored = pickle.load(handle)  # noqa: S301 - the run's own file, see the module's docstring
    if not isinstance(stored, dict) or stored.get("version") != _VERSION:
        return None
    data: UnitData = stored["data"]
    data_dir = Path(data_dir)
    inputs = [dataclasses.replace(item, path=data_dir / item.path.name) for item in data.inputs]
    for item in inputs:
        if not item.path.is_file() or sha256_file(item.path) != item.sha256:
            return None
    # Where `load_unit(data_dir)` would say the files are: the revision's copies, named as there.
    unit = dataclasses.replace(data.unit, folder=data_dir.resolve().name)
    return dataclasses.replace(data, data_dir=data_dir, unit=unit, inputs=inputs)
