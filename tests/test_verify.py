"""`cchc-audit verify`: an intact signed archive passes; a one-byte change, a removed revision and an
untrusted signer are each found; the table and the exit status say so."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from browser import tool_or_skip
from signkeys import PASSPHRASE, make_pki

from cchc_audit import archive, frontpage, signatures, signing, verify
from cchc_audit.errors import InputError

SIGNER = "Nguyễn Thị Minh Thư"


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"), SIGNER)


@pytest.fixture(scope="module")
def signed_archive(sample_q1, pki, tmp_path_factory) -> Path:
    """The sample's archive with its Q1 revision signed once; tests copy it before changing it."""
    if not sample_q1.with_pdf:
        tool_or_skip("chromium")
    root, revision = sample_q1.copy_archive(tmp_path_factory.mktemp("verify") / "reports")
    with signing.pkcs12_key(pki.p12, PASSPHRASE) as key:
        signing.sign_revision(revision, key, seal=pki.seal)
    return root


@pytest.fixture
def archive_copy(signed_archive, tmp_path) -> Path:
    shutil.copytree(signed_archive, tmp_path / "reports", symlinks=True)
    return tmp_path / "reports"


def _period(root: Path) -> Path:
    return root / "tmnmn" / "2024-Q1"


def _failed(rows) -> list[tuple[str, str, str]]:
    return [(r.item, r.kind, r.key) for r in rows if not r.ok]


def test_an_intact_signed_archive_passes_at_every_level(signed_archive, pki):
    trust = signatures.load_trust([pki.ca])
    rev = _period(signed_archive) / "rev-001"
    for path in (signed_archive, signed_archive / "tmnmn", rev):
        rows = verify.verify_path(path, trust)
        assert _failed(rows) == [] and verify.status(rows) == 0, path
        assert {r.kind for r in rows} >= {"manifest", "signature"}
    rows = verify.verify_path(signed_archive, trust)
    (signature,) = [r for r in rows if r.kind == "signature"]
    assert signature.key == "verify.signature_ok" and signature.values["signer"] == SIGNER
    assert signature.values["time"].endswith("+07:00")
    assert [r.key for r in rows if r.kind == "sequence"] == ["verify.sequence_ok"]


def test_without_a_trust_store_the_chain_is_said_unchecked_not_passed_over(signed_archive):
    rows = verify.verify_path(signed_archive)
    (signature,) = [r for r in rows if r.kind == "signature"]
    assert signature.ok and signature.key == "verify.signature_untrusted_store"
    assert "--trust" in signature.detail("en")


def test_an_untrusted_signer_is_found(signed_archive, pki):
    rows = verify.verify_path(signed_archive, signatures.load_trust([pki.other_ca]))
    assert _failed(rows) == [("tmnmn/2024-Q1/rev-001.signatures/sig-001", "signature", "verify.signature_bad")]
    (bad,) = [r for r in rows if not r.ok]
    assert bad.values["problems"] == ["verify.problem.untrusted"] and verify.status(rows) == 2


def _flip_one_byte(path: Path, at: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    at = len(data) // 2 if at is None else at
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_one_byte_change_in_the_revision_is_found(archive_copy, pki):
    _flip_one_byte(_period(archive_copy) / "rev-001" / archive.INTERNAL_PDF)
    rows = verify.verify_path(archive_copy, signatures.load_trust([pki.ca]))
    failed = _failed(rows)
    assert ("tmnmn/2024-Q1/rev-001", "manifest", "verify.files_bad") in failed
    (manifest,) = [r for r in rows if r.kind == "manifest"]
    assert manifest.values["changed"] == archive.INTERNAL_PDF
    # The signed copy no longer is the revision's PDF plus a signature.
    (signature,) = [r for r in rows if r.kind == "signature"]
    assert "sign.check.not_the_revisions_pdf" in signature.values["problems"]
    assert verify.status(rows) == 2


def test_a_one_byte_change_in_the_signed_pdf_is_found(archive_copy, pki):
    folder = _period(archive_copy) / "rev-001.signatures" / "sig-001"
    _flip_one_byte(folder / signatures.SIGNED_PDF, at=5000)  # inside the revision's PDF, under the signature
    rows = verify.verify_path(archive_copy, signatures.load_trust([pki.ca]))
    (signature,) = [r for r in rows if r.kind == "signature"]
    assert not signature.ok
    problems = signature.values["problems"]
    assert "sign.check.manifest" in problems and "sign.check.not_the_revisions_pdf" in problems
    assert "verify.problem.not_intact" in problems or "sign.check.unreadable" in problems
    assert signatures.revision_signatures(_period(archive_copy) / "rev-001")[0]["valid"] is False


def test_a_removed_revision_is_found(archive_copy):
    period = _period(archive_copy)
    for n in (2, 3):  # two more revisions of the period, as later runs would add them
        shutil.copytree(period / "rev-001", period / f"rev-00{n}")
    frontpage.write_index(archive_copy)
    assert _failed(verify.verify_path(archive_copy)) == []
    shutil.rmtree(period / "rev-002")
    rows = verify.verify_path(archive_copy)
    assert ("tmnmn/2024-Q1", "sequence", "verify.gap") in _failed(rows)
    (gap,) = [r for r in rows if r.key == "verify.gap"]
    assert gap.values == {"missing": "rev-002", "present": "rev-001, rev-003"}
    # The newest removed leaves no gap, but the front page still lists it...
    shutil.rmtree(period / "rev-003")
    assert ("tmnmn/2024-Q1/rev-003", "front_page", "verify.listed_gone") in _failed(verify.verify_path(archive_copy))
    # ...and a signed revision removed leaves its signatures behind.
    shutil.rmtree(period / "rev-001")
    assert ("tmnmn/2024-Q1", "sequence", "verify.signed_revision_gone") in _failed(verify.verify_path(archive_copy))


def test_a_revision_without_its_manifest_fails(archive_copy):
    (_period(archive_copy) / "rev-001" / archive.MANIFEST).unlink()
    rows = verify.verify_path(archive_copy)
    assert ("tmnmn/2024-Q1/rev-001", "manifest", "verify.no_manifest") in _failed(rows)


def test_a_folder_with_no_revision_is_bad_input(tmp_path):
    with pytest.raises(InputError) as caught:
        verify.verify_path(tmp_path)
    assert caught.value.key == "verify.no_revisions"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cchc_audit", "verify", *args], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "CCHC_P12_PASSPHRASE": PASSPHRASE})


def test_the_command_prints_the_table_and_exits_0_or_2(archive_copy, pki):
    done = _cli(str(archive_copy), "--trust", str(pki.ca), "--lang", "en")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "The archive is intact" in done.stdout and "certificate trusted" in done.stdout
    assert done.stdout.splitlines()[0].split() == ["Item", "Check", "Result", "Detail"]
    bad = _cli(str(archive_copy), "--trust", str(pki.other_ca))
    assert bad.returncode == 2 and "KHÔNG ĐẠT" in bad.stdout and "Kho lưu trữ KHÔNG nguyên vẹn: 1 mục" in bad.stdout


def test_a_trust_store_that_holds_no_certificate_is_bad_input(tmp_path):
    (tmp_path / "junk.pem").write_text("not a certificate\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        signatures.load_trust([tmp_path / "junk.pem"])
    assert caught.value.key == "verify.bad_trust" and "junk.pem" in caught.value.message("en")
    done = _cli(str(tmp_path), "--trust", str(tmp_path / "junk.pem"))
    assert done.returncode == 2 and "junk.pem" in done.stderr


def test_the_district_roll_ups_are_verified_too(archive_copy):
    rollup = archive_copy / "_rollup" / "nha-be" / "2024-Q1" / "rev-001"
    rollup.mkdir(parents=True)
    (rollup / "rollup.json").write_text('{"units": []}\n', encoding="utf-8")
    archive.write_manifest(rollup)
    rows = verify.verify_path(archive_copy)
    assert ("_rollup/nha-be/2024-Q1/rev-001", "manifest", True) in [(r.item, r.kind, r.ok) for r in rows]
    _flip_one_byte(rollup / "rollup.json", at=3)
    assert ("_rollup/nha-be/2024-Q1/rev-001", "manifest", "verify.files_bad") in _failed(verify.verify_path(archive_copy))
