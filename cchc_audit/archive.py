"""The archive of runs: `<out>/<unit code>/<period id>/rev-NNN/`, never overwritten.

A run is built in a temporary folder `<out>/.tmp-*` (same filesystem, so the final `os.rename`
is atomic) and moved into place only when complete, with `MANIFEST.sha256` listing the SHA-256 of
every other file in it, so `sha256sum -c MANIFEST.sha256` verifies it in the folder. The archive is
readable by others (a web server, a colleague on the shared drive) and writable by its owner only:
folders `0755`, files `0644`, whatever the umask and the private modes of `tempfile` (`0700`,
`0600`) the run was built with. A run that
fails leaves nothing behind; a run killed outright (kill -9, power cut) may leave its `.tmp-*`
folder, which no listing takes for a run and the next run removes once it is `STALE_AFTER` old.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ArchiveError  # noqa: F401 - raised here, and imported from here by callers
from .i18n import both

# What a revision holds, by name.
MANIFEST = "MANIFEST.sha256"
RESULTS = "results.json"
INPUTS = "inputs"
INTERNAL_HTML = "bao-cao-noi-bo.html"
PUBLIC_HTML = "bao-cao-cong-khai.html"
INTERNAL_PDF = "bao-cao-noi-bo.pdf"
EXECUTED = "audit.ipynb"
PARAMS_YAML = "params.yaml"
TMP_PREFIX = ".tmp-"
_REV = re.compile(r"^rev-(\d{3,})$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_COMPONENT = 80
# A temporary folder untouched this long belongs to a run that died: a live run keeps writing.
STALE_AFTER = 24 * 3600
DIR_MODE, FILE_MODE = 0o755, 0o644
# `inputs/` holds the registers and the params file as given, personal data unmasked (DOMAIN.md):
# the owner's alone, while the reports beside it are open to a web server or a colleague.
PRIVATE_DIR_MODE, PRIVATE_FILE_MODE = 0o700, 0o600




def safe_component(text: str | None) -> str:
    """One folder name from a unit code or period id that cannot leave its parent folder.

    Diacritics are dropped, anything but letters, digits, `.`, `_` and `-` becomes `-`, and leading
    dots or dashes are removed (so `..`, `/etc` and `.hidden` cannot be produced). Raises
    ArchiveError when nothing usable remains.
    """
    raw = "" if text is None else str(text)
    folded = raw.replace("đ", "d").replace("Đ", "D")
    folded = "".join(ch for ch in unicodedata.normalize("NFD", folded)
                     if unicodedata.category(ch) != "Mn")
    name = re.sub(r"-{2,}", "-", _UNSAFE.sub("-", folded)).strip(".-_")[:_MAX_COMPONENT].rstrip(".-_")
    if not name or set(name) <= {"."}:
        raise ArchiveError("failure.folder_name", name=repr(raw))
    return name


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def make_dirs(path: Path) -> None:
    """`path` and its missing parents, each created `DIR_MODE` whatever the umask; folders that
    exist already are left as their owner set them."""
    path = Path(path)
    if path.is_dir():
        return
    make_dirs(path.parent)
    try:
        path.mkdir()
    except FileExistsError:
        if not path.is_dir():
            raise
        return  # made meanwhile by a concurrent run
    os.chmod(path, DIR_MODE)


def publish_modes(root: Path) -> None:
    """Every folder under `root` (itself included) `DIR_MODE`, every file `FILE_MODE`: readable by
    all, writable by the owner only; but a revision's `inputs/` and all in it `PRIVATE_DIR_MODE` /
    `PRIVATE_FILE_MODE`, the owner's only (raw personal data). Links are not followed."""
    root = Path(root)
    os.chmod(root, DIR_MODE)
    for dirpath, dirnames, filenames in os.walk(root):
        private = INPUTS in Path(dirpath).relative_to(root).parts
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                os.chmod(path, expected_mode(private or (name == INPUTS and name in dirnames), name in dirnames))


def expected_mode(private: bool, is_dir: bool) -> int:
    """The mode `publish_modes` gives a folder or file, private (under `inputs/`) or not."""
    if private:
        return PRIVATE_DIR_MODE if is_dir else PRIVATE_FILE_MODE
    return DIR_MODE if is_dir else FILE_MODE


def _safe_relpath(name: str) -> str:
    """A relative path inside `inputs/` with no way out and no character sha256sum escapes."""
    parts = [p for p in re.split(r"[\\/]+", name) if p not in ("", ".", "..")]
    parts = [p.replace("\n", "_").replace("\r", "_").lstrip(".") or "_" for p in parts]
    if not parts:
        raise ArchiveError("failure.file_name", name=repr(name))
    return "/".join(parts)


class RunBuilder:
    """A run being built. Use as a context manager; see `new_run`."""

    def __init__(self, out: Path, unit: str, period: str):
        self.out = Path(out).absolute()
        self.unit = safe_component(unit)
        self.period = safe_component(period)
        self.tmp: Path | None = None
        self.path: Path | None = None  # the final folder, once committed
        self.inputs: dict[str, str] = {}  # archived relative path -> sha256
        self._made_out = False

    # -- lifecycle --
    def __enter__(self) -> RunBuilder:
        self.open()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None and self.path is None:
            try:
                self.commit()
            except BaseException:
                self.discard()
                raise
        elif exc_type is not None:
            self.discard()

    def open(self) -> Path:
        self._made_out = not self.out.exists()
        make_dirs(self.out)
        clean_stale(self.out)
        self.tmp = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=self.out))
        return self.tmp

    def discard(self) -> None:
        if self.tmp is not None and self.tmp.exists():
            shutil.rmtree(self.tmp, ignore_errors=True)
        self.tmp = None
        if self._made_out and self.path is None:
            try:  # a failed first run leaves no empty --out folder behind
                self.out.rmdir()
            except OSError:
                pass

    # -- content --
    def add_input(self, source: str | Path, name: str | None = None) -> Path:
        """Copy an input file into `inputs/` (name = its path there; default its file name).

        Copying the same content twice under one name is a no-op; a different file under a taken
        name gets a `-2`, `-3`... suffix, so no input is lost.
        """
        assert self.tmp is not None, "open() first"
        source = Path(source)
        rel = _safe_relpath(name or source.name)
        digest = sha256_file(source)
        candidate, n = rel, 1
        while candidate in self.inputs:
            if self.inputs[candidate] == digest:
                return self.tmp / INPUTS / candidate
            n += 1
            stem, dot, ext = rel.rpartition(".")
            candidate = f"{stem}-{n}.{ext}" if dot and stem else f"{rel}-{n}"
        target = self.tmp / INPUTS / candidate
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        # Hash the copy, not the source: what is archived is what the manifest vouches for.
        if sha256_file(target) != digest:
            raise ArchiveError("failure.input_changed", path=source)
        self.inputs[candidate] = digest
        return target

    def write_manifest(self) -> Path:
        assert self.tmp is not None
        return write_manifest(self.tmp)

    def commit(self) -> Path:
        """Write the manifest and move the folder into the next free revision."""
        assert self.tmp is not None, "open() first"
        self.write_manifest()
        publish_modes(self.tmp)  # mkdtemp made it 0700: opened to readers only now it is complete
        parent = self.out / self.unit / self.period
        _check_inside(self.out, parent)
        make_dirs(parent)
        # The folder holds at least the manifest, so renaming onto an existing revision fails
        # (ENOTEMPTY/EEXIST) instead of replacing it: a concurrent run just takes the next number.
        number = next_revision(parent)
        for _ in range(10_000):
            target = parent / f"rev-{number:03d}"
            try:
                os.rename(self.tmp, target)
            except OSError as exc:
                if exc.errno in (errno.EEXIST, errno.ENOTEMPTY) or target.exists():
                    number += 1
                    continue
                raise
            self.tmp, self.path = None, target
            return target
        raise ArchiveError("failure.no_revision")


def new_run(out: str | Path, unit: str, period: str) -> RunBuilder:
    """`with new_run(out, unit, period) as run:` write into `run.tmp`; on leaving the block the
    manifest is written and the folder renamed to `run.path`; on an exception it is removed."""
    return RunBuilder(Path(out), unit, period)


def clean_stale(out: str | Path, older_than: float = STALE_AFTER) -> list[Path]:
    """Remove the `.tmp-*` folders (and files, e.g. a front page being written) directly under `out`
    in which nothing changed for `older_than` seconds, left by killed runs; return them. Nothing
    else is ever touched."""
    removed = []
    limit = time.time() - older_than
    for path in sorted(Path(out).glob(TMP_PREFIX + "*")):
        try:
            stamps = [path.lstat().st_mtime]
            if path.is_dir() and not path.is_symlink():
                stamps += [Path(d, n).lstat().st_mtime for d, dirs, files in os.walk(path) for n in dirs + files]
            if max(stamps) >= limit:
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError:  # vanished meanwhile (another run cleaning), or not ours to remove
            continue
        removed.append(path)
    return removed


def _check_inside(root: Path, path: Path) -> None:
    root_r, path_r = os.path.realpath(root), os.path.realpath(path)
    if os.path.commonpath([root_r, path_r]) != root_r:
        raise ArchiveError("failure.path_escapes", path=path)


def latest_run(out: str | Path, unit: str, period: str) -> Path | None:
    """The newest finished run (with its manifest) of `unit` for `period` under `out`, if any."""
    parent = Path(out) / safe_component(unit) / safe_component(period)
    found = [(int(m.group(1)), p) for p in parent.iterdir()
             if (m := _REV.match(p.name)) and (p / MANIFEST).is_file()] if parent.is_dir() else []
    return max(found)[1] if found else None


def next_revision(parent: Path) -> int:
    numbers = [int(m.group(1)) for p in parent.iterdir() if (m := _REV.match(p.name))] \
        if parent.is_dir() else []
    return max(numbers, default=0) + 1


# --- manifest -----------------------------------------------------------------------------

def _files(root: Path) -> list[str]:
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in filenames:
            rel = os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, "/")
            if rel != MANIFEST:
                found.append(rel)
    return sorted(found)


def write_manifest(root: Path) -> Path:
    """`MANIFEST.sha256` in sha256sum's format: hash, two spaces, relative path; sorted."""
    root = Path(root)
    lines = [f"{sha256_file(root / rel)}  {rel}\n" for rel in _files(root)]
    path = root / MANIFEST
    path.write_text("".join(lines), encoding="utf-8")
    return path


def read_manifest(root: Path) -> dict[str, str]:
    entries = {}
    for line in (Path(root) / MANIFEST).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        digest, sep, rel = line.partition("  ")
        if not sep:
            digest, sep, rel = line.partition(" *")  # binary-mode marker
        entries[rel] = digest
    return entries


@dataclass
class Verification:
    ok_files: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)  # files present but not in the manifest

    @property
    def ok(self) -> bool:
        return bool(self.ok_files) and not (self.changed or self.missing or self.unlisted)


def verify(run_dir: str | Path) -> Verification:
    """Re-hash every file of an archived run against its manifest."""
    root = Path(run_dir)
    result = Verification()
    if not (root / MANIFEST).is_file():
        result.missing.append(MANIFEST)
        return result
    listed = read_manifest(root)
    for rel, digest in sorted(listed.items()):
        path = root / rel
        if not path.is_file():
            result.missing.append(rel)
        elif sha256_file(path) != digest:
            result.changed.append(rel)
        else:
            result.ok_files.append(rel)
    result.unlisted = [rel for rel in _files(root) if rel not in listed]
    return result


# --- listing ------------------------------------------------------------------------------

@dataclass
class ArchivedRun:
    unit: str
    period: str
    revision: int
    path: Path
    results: dict[str, Any] | None  # results.json, None if absent, unreadable or of another schema
    problem: str | None = None  # why results.json was not taken, when it was not

    @property
    def name(self) -> str:
        return f"{self.unit}/{self.period}/rev-{self.revision:03d}"


def list_runs(out: str | Path, unit: str | None = None) -> list[ArchivedRun]:
    """Every archived run under `out` (of `unit` only, when given: a district's archive holds many
    units, and each run's results.json is read), by unit, period and revision. Temporary folders
    and folders without a manifest (not a finished run) are skipped."""
    out = Path(out)
    runs = []
    if not out.is_dir():
        return runs
    # No unit's folder starts with `.` or `_` (safe_component strips them): `.tmp-*` are runs
    # being built, `_rollup` holds the district roll-ups (rollup.py).
    try:
        folders = [out / safe_component(unit)] if unit is not None else out.iterdir()
    except ArchiveError:  # a name no run could have been archived under
        return runs
    for unit_dir in sorted(p for p in folders if p.is_dir() and not p.name.startswith((".", "_"))):
        for period_dir in sorted(p for p in unit_dir.iterdir() if p.is_dir()):
            for rev_dir in period_dir.iterdir():
                m = _REV.match(rev_dir.name)
                if not (m and rev_dir.is_dir() and (rev_dir / MANIFEST).is_file()):
                    continue
                results, problem = load_results(rev_dir / RESULTS)
                runs.append(ArchivedRun(unit_dir.name, period_dir.name, int(m.group(1)),
                                        rev_dir, results, problem))
    runs.sort(key=lambda r: (r.unit, r.period, r.revision))
    return runs


def load_results(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """An archived results.json and None, or None and why it is not taken: absent, not JSON, or
    not of the current schema (written by another version, or edited). Old files are read
    defensively: one bad revision must never stop a later run, the front page or a roll-up."""
    from .safeio import read_bytes

    try:  # regular, bounded, never waited on: a FIFO in an old revision must not hang the front page
        results = json.loads(read_bytes(path, "json").decode("utf-8"))
    except FileNotFoundError:
        return None, both("archive.no_results")
    except (OSError, ValueError, RecursionError) as exc:  # UnsafeInput, UnicodeDecodeError: ValueErrors
        return None, both("archive.results_not_json", reason=type(exc).__name__)
    problem = results_problem(results)
    return (None, problem) if problem else (results, None)


def _count(value) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0)


def _number(value) -> bool:
    import math

    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)
                             and math.isfinite(value))


def results_problem(results) -> str | None:
    """What in `results` does not match the schema the trends, the front page and the roll-up
    read (DATA-CONTRACT.md), in one phrase naming the key, in both languages as those bilingual
    pages show it; None when it matches."""
    import datetime as dt

    from .results import STATUSES

    def bad(where):
        return both("archive.results_schema", where=where)

    if not isinstance(results, dict):
        return both("archive.results_not_mapping")
    # What is there must be of the right type; what is absent each reader already does without.
    period = results.get("period")
    if period is not None:
        if not isinstance(period, dict) or not all(isinstance(period.get(k), (str, type(None)))
                                                   for k in ("id", "start", "end", "kind", "convention")):
            return bad("period")
        try:
            [dt.date.fromisoformat(period[k]) for k in ("start", "end") if period.get(k) is not None]
        except ValueError:
            return bad("period.start/end")
    for key in ("unit", "unit_code", "generated_at", "lang", "report_date", "params_file"):
        if results.get(key) is not None and not isinstance(results[key], str):
            return bad(key)
    checks = results.get("checks", [])
    if not isinstance(checks, list):
        return bad("checks")
    for i, check in enumerate(checks):
        where = f"checks[{i}]"
        if not isinstance(check, dict) or not isinstance(check.get("id"), str) \
                or not isinstance(check.get("kind"), str):
            return bad(where)
        if check.get("status") not in STATUSES:
            return bad(f"{where}.status")
        for key in ("numerator", "denominator"):
            if not _count(check.get(key)):
                return bad(f"{where}.{key}")
        for key in ("value", "target"):
            if not _number(check.get(key)):
                return bad(f"{where}.{key}")
        if check.get("comparator") is not None and not isinstance(check["comparator"], str):
            return bad(f"{where}.comparator")
    for key, fields, valid in (("tasks_summary", ("tasks", "evidenced"), _count),
                               ("index_766", ("score", "max"), _number)):
        part = results.get(key)
        if part is None:
            continue
        if not isinstance(part, dict) or not all(valid(part.get(f)) for f in fields):
            return bad(key)
    return None
