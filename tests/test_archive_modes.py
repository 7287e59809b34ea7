"""The archive is readable by others and writable by its owner only (issue 11, item 5): folders
0755 and files 0644 whatever the umask and tempfile's private modes, never group- or other-writable;
on a revision built here under several umasks, and on the real archived run of the sample."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

import pytest

from cchc_audit import archive, frontpage


def modes(root: Path) -> dict[str, int]:
    """The permission bits of `root` and everything under it, by path relative to `root`."""
    found = {".": stat.S_IMODE(root.stat().st_mode)}
    for path in root.rglob("*"):
        found[path.relative_to(root).as_posix()] = stat.S_IMODE(path.lstat().st_mode)
    return found


def assert_published(root: Path) -> None:
    """Reports readable by all, writable by the owner only; a revision's `inputs/` (raw registers
    and params, personal data unmasked) the owner's only."""
    for rel, mode in modes(root).items():
        path = root / rel
        private = archive.INPUTS in Path(rel).parts
        expected = archive.expected_mode(private, path.is_dir())
        assert mode == expected, f"{rel}: {oct(mode)}"
        assert not mode & (stat.S_IWGRP | stat.S_IWOTH), rel
        if private:
            assert not mode & (stat.S_IRWXG | stat.S_IRWXO), rel


@pytest.fixture
def umask():
    before = os.umask(0o022)
    os.umask(before)
    yield os.umask
    os.umask(before)


@pytest.mark.parametrize("mask", [0o077, 0o022, 0o000])
def test_a_revision_is_published_0755_and_0644_whatever_the_umask(tmp_path, umask, mask):
    umask(mask)
    out = tmp_path / "reports"
    with archive.new_run(out, "TMNMN", "2024-Q1") as run:
        assert stat.S_IMODE(run.tmp.stat().st_mode) == 0o700  # private while it is being built
        (run.tmp / "results.json").write_text("{}", encoding="utf-8")
        handle, private = tempfile.mkstemp(dir=run.tmp, suffix=".html")  # 0600, as tempfile makes it
        os.close(handle)
        (run.tmp / "inputs" / "sample").mkdir(parents=True, mode=0o777)
        wide = run.tmp / "inputs" / "sample" / "ho_so.csv"
        wide.write_text("a\n", encoding="utf-8")
        os.chmod(wide, 0o666)  # group- and other-writable as it came: not so in the archive
    assert_published(out)  # the archive's root, the unit's and the period's folders too
    assert {"TMNMN", "TMNMN/2024-Q1", "TMNMN/2024-Q1/rev-001",
            "TMNMN/2024-Q1/rev-001/MANIFEST.sha256"} <= set(modes(out))
    assert archive.verify(run.path).ok


def test_the_front_page_is_0644_and_folders_made_by_others_are_left_alone(tmp_path, umask):
    umask(0o077)
    out = tmp_path / "reports"
    out.mkdir(mode=0o750)  # the owner's own choice for the root: kept
    os.chmod(out, 0o750)
    with archive.new_run(out, "TMNMN", "2024-Q1") as run:
        (run.tmp / "results.json").write_text("{}", encoding="utf-8")
    frontpage.write_index(out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o750
    assert stat.S_IMODE((out / "index.html").stat().st_mode) == archive.FILE_MODE
    assert_published(out / "TMNMN")


def test_the_archived_sample_run_is_readable_by_others(sample_q1):
    assert stat.S_IMODE((sample_q1.path / archive.INPUTS).stat().st_mode) == archive.PRIVATE_DIR_MODE
    assert_published(sample_q1.path)
    assert_published(sample_q1.out)  # made by the run: its root, unit and period folders, index.html
