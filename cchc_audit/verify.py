"""`cchc-audit verify PATH`: a revision, a unit or the whole archive checked, one row per finding.

- every revision's files against its `MANIFEST.sha256` (archive.verify), the district roll-ups'
  (`_rollup/`) included;
- the sequence of each period's revisions: `rev-001` on without a gap; a signing folder whose
  revision is gone, and a revision the front page still lists but the archive lost, are
  revisions removed;
- every signed copy (signatures.py): its own manifest, the revision manifest it was made from,
  the revision's PDF as its first bytes, each signature's integrity, coverage, signer and time,
  and its certificate chain against the trust store the user gives (`--trust`).
Exit 0 when everything holds, 2 when anything does not (errors.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from .archive import MANIFEST, verify
from .errors import BAD_INPUT, OK, InputError
from .i18n import DEFAULT_LANG, text
from .rollup import ROLLUP_DIR
from .signatures import COMPANION_SUFFIX, check_signing, signings

_REV = re.compile(r"^rev-(\d{3,})$")
_LISTED = re.compile(r'href="([^"]+)/(rev-\d{3,})/[^"/]*"')
FRONT_PAGE = "index.html"


@dataclass(frozen=True)
class Row:
    item: str  # the folder checked, relative to the archive
    kind: str  # manifest | sequence | signature | front_page
    ok: bool
    key: str
    values: dict = field(default_factory=dict, hash=False)

    def detail(self, lang: str = DEFAULT_LANG) -> str:
        values = {k: (", ".join(text(p, lang) for p in v) if k == "problems" else v) for k, v in self.values.items()}
        return text(self.key, lang, **values)


def _revisions(period: Path) -> list[tuple[int, Path]]:
    return sorted((int(m.group(1)), p) for p in period.iterdir() if (m := _REV.match(p.name)) and p.is_dir())


def _is_revision(path: Path) -> bool:
    return bool(_REV.match(path.name)) and path.is_dir()


def _periods(unit: Path) -> list[Path]:
    return sorted(p for p in unit.iterdir() if p.is_dir() and any(
        _REV.match(c.name) or c.name.endswith(COMPANION_SUFFIX) for c in p.iterdir()))


def _scope(path: Path) -> tuple[Path, list[Path], list[Path]]:
    """(archive root, period folders to check whole, single revisions to check) for `path`: a
    revision (`rev-NNN`), a unit (its folders hold revisions) or an archive (of units)."""
    if _is_revision(path):
        return path.parents[2], [], [path]
    if periods := _periods(path):
        return path.parent, periods, []
    units = [c for c in sorted(path.iterdir()) if c.is_dir() and not c.name.startswith((".", "_"))]
    if (path / ROLLUP_DIR).is_dir():  # the district roll-ups are archived revisions too
        units += sorted(d for d in (path / ROLLUP_DIR).iterdir() if d.is_dir())
    return path, [p for unit in units for p in _periods(unit)], []


def _revision_rows(root: Path, revision: Path, trust) -> list[Row]:
    item = revision.relative_to(root).as_posix()
    if not (revision / MANIFEST).is_file():
        rows = [Row(item, "manifest", False, "verify.no_manifest")]
    else:
        check = verify(revision)
        rows = [Row(item, "manifest", True, "verify.files_ok", {"count": len(check.ok_files)}) if check.ok else
                Row(item, "manifest", False, "verify.files_bad", {
                    "changed": ", ".join(check.changed) or "-", "missing": ", ".join(check.missing) or "-",
                    "unlisted": ", ".join(check.unlisted) or "-"})]
    for folder in signings(revision):
        signing = check_signing(revision, folder, trust)
        where = folder.relative_to(root).as_posix()
        for sig in signing.signatures or [None]:
            values = {"signer": sig.signer if sig else "?",
                      "time": sig.signed_at.isoformat() if sig and sig.signed_at else "?"}
            problems = list(signing.problems)
            if sig is not None:
                problems += [p for p, bad in (("verify.problem.not_intact", not sig.intact),
                                              ("verify.problem.partial", not sig.whole_file),
                                              ("verify.problem.untrusted", sig.trusted is False)) if bad]
            if problems:
                rows.append(Row(where, "signature", False, "verify.signature_bad", values | {"problems": problems}))
            else:
                key = "verify.signature_ok" if trust is not None else "verify.signature_untrusted_store"
                rows.append(Row(where, "signature", True, key, values))
    return rows


def _sequence_rows(root: Path, period: Path) -> list[Row]:
    item = period.relative_to(root).as_posix()
    numbers = [n for n, _ in _revisions(period)]
    rows = []
    gaps = sorted(set(range(1, max(numbers, default=0) + 1)) - set(numbers))
    if gaps:
        rows.append(Row(item, "sequence", False, "verify.gap", {
            "missing": ", ".join(f"rev-{n:03d}" for n in gaps), "present": ", ".join(f"rev-{n:03d}" for n in numbers)}))
    elif numbers:
        rows.append(Row(item, "sequence", True, "verify.sequence_ok", {"count": len(numbers)}))
    for folder in sorted(p for p in period.iterdir() if p.name.endswith(COMPANION_SUFFIX)):
        revision = folder.name[:-len(COMPANION_SUFFIX)]
        if not (period / revision).is_dir():
            rows.append(Row(item, "sequence", False, "verify.signed_revision_gone",
                            {"folder": folder.name, "revision": revision}))
    return rows


def _front_page_rows(root: Path, periods: list[Path]) -> list[Row]:
    page = root / FRONT_PAGE
    if not page.is_file():
        return []
    checked = {p.relative_to(root).as_posix() for p in periods}
    rows = []
    for where, revision in sorted(set(_LISTED.findall(page.read_text(encoding="utf-8", errors="replace")))):
        where = unquote(where)
        if where in checked and not (root / where / revision).is_dir():
            rows.append(Row(f"{where}/{revision}", "front_page", False, "verify.listed_gone",
                            {"revision": f"{where}/{revision}"}))
    return rows


def verify_path(path: str | Path, trust: list | None = None) -> list[Row]:
    """Every finding about the revision, unit or archive at `path`; `trust`: the certificates
    (signatures.load_trust) signatures must chain to, None to check their integrity only."""
    path = Path(path).absolute()
    if not path.is_dir():
        raise InputError("verify.no_revisions", path=path)
    root, periods, revisions = _scope(path)
    rows: list[Row] = []
    for period in periods:
        rows += _sequence_rows(root, period)
        for _, revision in _revisions(period):
            rows += _revision_rows(root, revision, trust)
    for revision in revisions:
        rows += _revision_rows(root, revision, trust)
    rows += _front_page_rows(root, periods)
    if not rows:
        raise InputError("verify.no_revisions", path=path)
    return rows


def status(rows: list[Row]) -> int:
    return OK if all(r.ok for r in rows) else BAD_INPUT


def report(rows: list[Row], lang: str = DEFAULT_LANG) -> str:
    """The table, then one line that says whether the archive is intact."""
    from .termtable import table

    header = [text(f"verify.column.{c}", lang) for c in ("what", "check", "status", "detail")]
    body = [[r.item, text(f"verify.kind.{r.kind}", lang), text("verify.ok" if r.ok else "verify.failed", lang),
             r.detail(lang)] for r in rows]
    bad = sum(not r.ok for r in rows)
    last = text("verify.summary_bad", lang, bad=bad, plural=bad) if bad else text("verify.summary_ok", lang, count=len(rows))
    return table(header, body) + "\n\n" + last
