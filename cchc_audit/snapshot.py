"""The validated registers, handed from a run to its notebook: read once per run.

`cchc-audit run` reads and validates the registers (registers.py, validate.py) and executes the
audit notebook in the same process (inprocess.py). While the notebook runs, the frames it validated
are offered under a name in the run's temporary folder (`SNAPSHOT`, the notebook's `snapshot`
parameter); the notebook takes them from there instead of parsing the spreadsheets again. Nothing
is written: the offer lives in this process's memory and ends with the notebook, so the archive
holds only what DATA-CONTRACT.md says a run leaves. (The name is the file's that the snapshot once
was, kept so that the archived notebooks' parameters read as before.)

An offer is only taken when it still matches the inputs beside it: each register file it was read
from must be in the data folder with the very SHA-256 recorded when it was validated. Else (no
offer: the analyst's notebook, nbval, an archived notebook executed again, a notebook run on a
kernel of its own) the notebook reads the registers itself, as before.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from contextlib import contextmanager
from pathlib import Path

from .archive import sha256_file
from .registers import UnitData

SNAPSHOT = ".validated-registers.pickle"
_OFFERED: dict[str, UnitData] = {}
_LOCK = threading.Lock()


def _key(path: str | Path) -> str:
    return os.path.abspath(path)  # the notebook names it relative to its working folder


@contextmanager
def offered(path: str | Path, data: UnitData | None):
    """While the block runs, `read(path, ...)` in this process gives `data` (None: offer nothing)."""
    if data is None:
        yield
        return
    key = _key(path)
    with _LOCK:
        if key in _OFFERED:
            raise FileExistsError(key)  # one run per temporary folder: never another's registers
        _OFFERED[key] = data
    try:
        yield
    finally:
        with _LOCK:
            _OFFERED.pop(key, None)


def read(path: str | Path | None, data_dir: str | Path) -> UnitData | None:
    """The registers offered under `path` as if `registers.load_unit(data_dir)` had read them, or
    None when none are offered, or they do not match the files in `data_dir` byte for byte."""
    if not path:
        return None
    with _LOCK:
        data = _OFFERED.get(_key(path))
    if data is None:
        return None
    data_dir = Path(data_dir)
    inputs = [dataclasses.replace(item, path=data_dir / item.path.name) for item in data.inputs]
    for item in inputs:
        if not item.path.is_file() or sha256_file(item.path) != item.sha256:
            return None
    # Where `load_unit(data_dir)` would say the files are: the revision's copies, named as there.
    unit = dataclasses.replace(data.unit, folder=data_dir.resolve().name)
    return dataclasses.replace(data, data_dir=data_dir, unit=unit, inputs=inputs)
