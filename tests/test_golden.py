"""What a run archives does not change unnoticed (issue 16: no regression in what is archived).

The sample's Q1 2024 is run with its own params file (`report_date` pinned), once in Vietnamese and
once in English, each into a fresh archive, and the revision's MANIFEST.sha256, results.json,
params.yaml, both HTML reports and the executed notebook are compared with `tests/golden/<lang>/`
after `tests/golden/normalize.py` has removed only what differs between two runs (the moment of
the run, papermill's durations and the injected cell's random id, absolute paths, software
versions; the manifest's hashes of those files recomputed over their normalized text). The charts'
PNG bytes are compared as they are.

When a change of what is archived is intended, regenerate the golden files and say so in the commit:

    python tests/golden/regenerate.py

(it runs the sample twice per language and writes nothing if the two runs differ).
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "golden"))

from normalize import FILES, LANGS, golden_path, normalize_revision, read_exact, run_sample  # noqa: E402

from cchc_audit import archive  # noqa: E402

# A failure shows this many differing lines at most, each cut to this width (a line of the HTML
# holds a whole base64 PNG).
MAX_DIFF_LINES, MAX_LINE = 40, 300


@pytest.fixture(scope="module", params=LANGS)
def archived(request, tmp_path_factory) -> tuple[str, Path, dict[str, str]]:
    """One run per language: (lang, the revision, its normalized files)."""
    work = tmp_path_factory.mktemp(f"golden-{request.param}")
    out, revision = run_sample(request.param, work)
    return request.param, revision, normalize_revision(revision, out)


def short_diff(expected: str, actual: str, name: str) -> str:
    """A unified diff of the first differing lines, long lines cut."""
    lines = difflib.unified_diff(expected.splitlines(), actual.splitlines(), f"golden/{name}",
                                 f"archived/{name}", n=2, lineterm="")
    shown = []
    for n, line in enumerate(lines):
        if n == MAX_DIFF_LINES:
            shown.append("... (diff cut)")
            break
        shown.append(line if len(line) <= MAX_LINE else line[:MAX_LINE] + f"... ({len(line)} chars)")
    return "\n".join(shown) or "(same lines; the line endings or the final newline differ)"


def test_archived_files_match_golden(archived):
    lang, _revision, normalized = archived
    differing = []
    for name in FILES:
        expected = read_exact(golden_path(lang, name))
        if normalized[name] != expected:
            differing.append(f"--- {lang}/{name} differs:\n{short_diff(expected, normalized[name], f'{lang}/{name}')}")
    if differing:
        # pytrace=False: the diffs alone, not the fixture's megabytes of normalized text.
        pytest.fail("archived files differ from tests/golden (if intended: python tests/golden/regenerate.py, "
                    "and say why in the commit)\n" + "\n".join(differing), pytrace=False)


def test_manifest_vouches_for_archived_files(archived):
    """The golden comparison recomputes the hashes of the normalized files; this checks that the
    archived manifest's own hashes are those of the archived bytes, and lists every file."""
    _lang, revision, _normalized = archived
    listed = {}
    for line in (revision / archive.MANIFEST).read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    on_disk = {p.relative_to(revision).as_posix(): archive.sha256_file(p)
               for p in sorted(revision.rglob("*")) if p.is_file() and p.name != archive.MANIFEST}
    assert listed == on_disk


def test_golden_manifest_matches_golden_files():
    """The golden files are consistent with their own manifest (a hand edit of one shows here)."""
    for lang in LANGS:
        for line in golden_path(lang, archive.MANIFEST).read_text(encoding="utf-8").splitlines():
            digest, _, name = line.partition("  ")
            if name in FILES:
                assert archive.sha256_file(golden_path(lang, name)) == digest, f"{lang}/{name}"
