"""`cchc-audit sign`: the sample's Q1 PDF signed with a test certificate (a CA and signer made here
with `cryptography`), from a PKCS#12 file and from a SoftHSM token through PKCS#11; valid in
pyHanko's validation and in poppler's `pdfsig`; visible in the signature block with the seal;
the appendices marked; the revision never touched."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from browser import tool_or_skip
from signkeys import PASSPHRASE, PIN, make_pki, make_token, softhsm_module

from cchc_audit import archive, signatures, signing
from cchc_audit.errors import SigningError
from cchc_audit.pdflayout import appendix_pages, read_layout, signature_box

SIGNER = "Nguyễn Thị Minh Thư"


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"), SIGNER)


def _needs_pdf(sample_q1):
    if not sample_q1.with_pdf:
        tool_or_skip("chromium")  # fails under CCHC_AUDIT_REQUIRE_BROWSER, else skips


@pytest.fixture(scope="module")
def signed(sample_q1, pki, tmp_path_factory):
    """A copy of the sample's archive whose Q1 revision was signed with `cchc-audit sign`."""
    _needs_pdf(sample_q1)
    root, revision = sample_q1.copy_archive(tmp_path_factory.mktemp("signed") / "reports")
    before = {p.relative_to(revision).as_posix(): archive.sha256_file(p) for p in revision.rglob("*") if p.is_file()}
    done = subprocess.run([sys.executable, "-m", "cchc_audit", "sign", str(revision), "--p12", str(pki.p12),
                           "--seal", str(pki.seal)], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "CCHC_P12_PASSPHRASE": PASSPHRASE})
    assert done.returncode == 0, done.stdout + done.stderr
    folder = signatures.signings(revision)[0]
    return root, revision, folder, before, done.stdout


def test_the_signed_pdf_is_valid_in_pyhanko(signed, pki):
    _, _, folder, _, _ = signed
    (sig,) = signatures.read_signatures(folder / signatures.SIGNED_PDF, signatures.load_trust([pki.ca]))
    assert sig.signer == SIGNER
    assert sig.intact and sig.whole_file and sig.trusted and sig.valid
    # Signed in Vietnam's time zone, at the time the stamp and the record print.
    assert sig.signed_at.utcoffset() == dt.timedelta(hours=7)
    record = signing.signed_record(folder)
    assert record["signed_at"] == sig.signed_at.isoformat() and record["signed_at"].endswith("+07:00")


def test_the_signed_pdf_is_valid_in_pdfsig(signed):
    _, _, folder, _, _ = signed
    out = subprocess.run([tool_or_skip("pdfsig"), str(folder / signatures.SIGNED_PDF)], capture_output=True,
                         text=True, timeout=120).stdout
    assert "Signature Validation: Signature is Valid." in out
    assert "Total document signed" in out
    assert f"Signer Certificate Common Name: {SIGNER}" in out
    assert "ETSI.CAdES.detached" in out  # PAdES


def test_the_signed_copy_is_readable_by_others_as_the_reports_are(signed):
    """The front page links to it: a web server or a colleague must open it (0755 / 0644)."""
    from test_archive_modes import assert_published

    _, revision, folder, _, _ = signed
    assert_published(signatures.companion(revision))
    assert (folder / signatures.SIGNED_PDF).is_file()


def test_the_revision_is_not_changed_and_the_signed_copy_starts_with_its_pdf(signed):
    root, revision, folder, before, stdout = signed
    after = {p.relative_to(revision).as_posix(): archive.sha256_file(p) for p in revision.rglob("*") if p.is_file()}
    assert after == before and archive.verify(revision).ok
    original = (revision / archive.INTERNAL_PDF).read_bytes()
    assert (folder / signatures.SIGNED_PDF).read_bytes().startswith(original)
    assert folder == revision.parent / "rev-001.signatures" / "sig-001"
    assert archive.verify(folder).ok  # the signing folder has its own manifest
    record = signing.signed_record(folder)
    assert record["revision_manifest_sha256"] == archive.sha256_file(revision / archive.MANIFEST)
    assert record["pdf_sha256"] == archive.read_manifest(revision)[archive.INTERNAL_PDF]
    # The companion folder is no run: listings still see the one revision.
    assert [r.name for r in archive.list_runs(root)] == ["tmnmn/2024-Q1/rev-001"]
    assert str(folder / signatures.SIGNED_PDF) in stdout


def _page_text(pdf: Path, page: int) -> str:
    return subprocess.run([tool_or_skip("pdftotext"), "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, timeout=120).stdout


def _red_pixels(pdf: Path, page: int, box, tmp_path: Path) -> int:
    """Red pixels inside `box` (PDF points) of `page`, rendered by pdftoppm at 36 dpi (half a point a pixel)."""
    from PIL import Image

    prefix = tmp_path / f"p{page}-{pdf.stem}"
    subprocess.run([tool_or_skip("pdftoppm"), "-r", "36", "-f", str(page), "-l", str(page), "-png", str(pdf), str(prefix)],
                   check=True, timeout=120)
    image = Image.open(next(tmp_path.glob(f"{prefix.name}*.png"))).convert("RGB")
    scale = image.height / read_layout(pdf).pages[page - 1].height
    x0, y0, x1, y1 = box
    crop = image.crop((int(x0 * scale), int(image.height - y1 * scale), int(x1 * scale), int(image.height - y0 * scale)))
    return sum(1 for r, g, b in crop.get_flattened_data() if r > 150 and g < 90 and b < 90)


def test_the_signature_is_visible_in_the_signature_block_with_the_seal(signed, tmp_path):
    _, revision, folder, _, _ = signed
    record = signing.signed_record(folder)
    original = revision / archive.INTERNAL_PDF
    layout = read_layout(original)
    # The block is found by its words: the page holding HIỆU TRƯỞNG and the principal's name.
    page = record["page"]
    assert "HIỆU TRƯỞNG" in _page_text(original, page) and SIGNER in _page_text(original, page)
    title = next(ln for ln in layout.lines if ln.text == "HIỆU TRƯỞNG" and ln.page == page - 1)
    name = next(ln for ln in layout.lines if ln.text == SIGNER and ln.page == page - 1)
    x0, y0, x1, y1 = record["box"]
    assert name.y1 <= y0 < y1 <= title.y0 and x0 < (title.x0 + title.x1) / 2 < x1
    assert signature_box(layout, "HIỆU TRƯỞNG", SIGNER).page == page - 1
    # The seal is drawn there in the signed copy, and was not in the revision's PDF.
    assert _red_pixels(original, page, record["box"], tmp_path) == 0
    assert _red_pixels(folder / signatures.SIGNED_PDF, page, record["box"], tmp_path) > 50
    # The signer and the time are written beside it, as text.
    stamped = _page_text(folder / signatures.SIGNED_PDF, page)
    assert f"Ký bởi: {SIGNER}" in stamped and record["signed_at"] in stamped


def test_each_appendix_is_marked_top_right_with_the_number_and_signing_time(signed):
    _, revision, folder, _, _ = signed
    record = signing.signed_record(folder)
    layout = read_layout(revision / archive.INTERNAL_PDF)
    firsts = [p + 1 for p in appendix_pages(layout)]
    assert record["appendix_pages"] == firsts and len(firsts) == 4  # Phụ lục I-IV
    signed_pdf = folder / signatures.SIGNED_PDF
    for page in firsts:
        words = _words(signed_pdf, page)
        (time_word,) = [w for w in words if w[0] == record["signed_at"]]
        width = layout.pages[page - 1].width
        assert time_word[1] > width / 2 and time_word[4] < 60  # top right, in the top margin
        assert [w for w in words if w[0] == ".../BC-TMNMN" and w[1] > width / 2 and w[4] < 60]
    # A page that begins no appendix carries no mark.
    assert not [w for w in _words(signed_pdf, firsts[0] + 1) if w[0] == record["signed_at"]]


def _words(pdf: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """The words poppler reads on `page`: (text, xMin, yMin, xMax, yMax), y from the top."""
    out = subprocess.run([tool_or_skip("pdftotext"), "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, timeout=120).stdout
    import html

    return [(html.unescape(m.group(5)), *map(float, m.group(1, 2, 3, 4))) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)]


def test_the_front_page_reads_who_signed_and_when(signed, pki):
    _, revision, _, _, _ = signed
    (row,) = signatures.revision_signatures(revision, signatures.load_trust([pki.ca]))
    assert row["signer"] == SIGNER and row["valid"] and row["trusted"]
    assert row["signed_at"].tzinfo.key == "Asia/Ho_Chi_Minh" and row["signed_at_text"].endswith("+07:00")
    (untrusted,) = signatures.revision_signatures(revision, signatures.load_trust([pki.other_ca]))
    assert untrusted["valid"] is False and untrusted["trusted"] is False
    assert signatures.revision_signatures(revision.parent / "rev-009") == []
    # `sign` rebuilt the archive's front page: the revision's row names the signer, the time and a
    # link to the signed copy.
    root = signed[0]
    page = (root / "index.html").read_text(encoding="utf-8")
    assert SIGNER in page and "chữ ký hợp lệ" in page
    assert f"{row['signed_at']:%d/%m/%Y %H:%M}" in page
    assert "rev-001.signatures/sig-001/" + signatures.SIGNED_PDF in page


@pytest.mark.skipif(softhsm_module() is None, reason="softhsm2 is not installed (Debian package softhsm2; .ci/run installs it)")
def test_a_pkcs11_token_signs_and_a_second_signing_never_replaces_the_first(signed, pki, tmp_path):
    _, revision, _, _, _ = signed
    copy = tmp_path / "reports"
    shutil.copytree(revision.parents[2], copy)
    revision = copy / revision.relative_to(revision.parents[2])
    first = signatures.signings(revision)[0]
    first_bytes = {p.name: p.read_bytes() for p in first.iterdir()}
    module, _ = make_token(pki)
    with signing.pkcs11_key(module, PIN, token="cchc-test", key_label="signer") as key:
        folder = signing.sign_revision(revision, key, seal=pki.seal, number="12/BC-TMNMN")
    assert folder.name == "sig-002" and {p.name: p.read_bytes() for p in first.iterdir()} == first_bytes
    (sig,) = signatures.read_signatures(folder / signatures.SIGNED_PDF, signatures.load_trust([pki.ca]))
    assert sig.valid and sig.signer == SIGNER
    assert "12/BC-TMNMN" in _page_text(folder / signatures.SIGNED_PDF, signing.signed_record(folder)["appendix_pages"][0])
    with pytest.raises(SigningError) as caught:
        with signing.pkcs11_key(module, "000000", token="cchc-test", key_label="signer"):
            pass
    assert caught.value.key == "sign.pkcs11"
    with pytest.raises(SigningError) as caught:  # a label the token does not hold: said before any work
        with signing.pkcs11_key(module, PIN, token="cchc-test", key_label="no-such-key"):
            pass
    assert caught.value.key == "sign.pkcs11_key" and "no-such-key" in caught.value.message("en")


def test_signing_refuses_a_wrong_passphrase_an_altered_revision_and_a_revision_without_pdf(signed, pki, tmp_path):
    _, revision, _, _, _ = signed
    with pytest.raises(SigningError) as caught:
        with signing.pkcs12_key(pki.p12, "wrong"):
            pass
    assert caught.value.key == "sign.bad_pkcs12"
    copy = tmp_path / "reports"
    shutil.copytree(revision.parents[2], copy, ignore=shutil.ignore_patterns("*.signatures"))
    altered = copy / revision.relative_to(revision.parents[2])
    results = altered / archive.RESULTS
    results.write_bytes(results.read_bytes().replace(b'"dat"', b'"khong_dat"', 1))
    with signing.pkcs12_key(pki.p12, PASSPHRASE) as key:
        with pytest.raises(SigningError) as caught:
            signing.sign_revision(altered, key)
        assert caught.value.key == "sign.revision_altered" and "results.json" in caught.value.message("en")
        (altered / archive.INTERNAL_PDF).unlink()
        archive.write_manifest(altered)
        with pytest.raises(SigningError) as caught:
            signing.sign_revision(altered, key)
        assert caught.value.key == "sign.no_pdf"
    assert not (altered.parent / "rev-001.signatures").exists()  # nothing half-written


def test_the_signature_box_is_found_by_its_words_wherever_the_layout_puts_it():
    from cchc_audit.pdflayout import Layout, Line, Page

    page = Page(0, 595, 842)
    lines = (Line(0, "Nơi nhận:", 80, 500, 140, 512), Line(0, "HIỆU TRƯỞNG", 380, 500, 470, 512),
             Line(0, SIGNER, 365, 400, 485, 412), Line(1, "PHỤ LỤC I", 300, 780, 360, 792),
             Line(1, "HIỆU TRƯỞNG", 380, 100, 470, 112))
    box = signature_box(Layout((page, Page(1, 842, 595)), lines), "HIỆU TRƯỞNG", SIGNER)
    # On the body's page (not the appendix's), between the title and the name, centred on the title.
    assert (box.page, box.y0, box.y1) == (0, 415, 497) and abs((box.x0 + box.x1) / 2 - 425) < 1
    assert signature_box(Layout((page,), lines[:1]), "HIỆU TRƯỞNG", SIGNER) is None
    assert appendix_pages(Layout((page, Page(1, 842, 595)), lines)) == [1]


def test_the_command_without_a_key_says_so_and_exits_2(tmp_path):
    done = subprocess.run([sys.executable, "-m", "cchc_audit", "sign", str(tmp_path), "--lang", "en"],
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 2 and "--p12 FILE or --pkcs11 MODULE" in done.stderr


def test_poppler_and_pdfminer_find_the_same_block_and_appendices(sample_q1):
    """The fast reader (poppler) and the pure-Python fallback (pdfminer) agree on the sample's PDF."""
    from cchc_audit.pdflayout import pdfminer_layout, poppler_layout

    _needs_pdf(sample_q1)
    pdf = sample_q1.path / archive.INTERNAL_PDF
    fast, slow = poppler_layout(pdf, tool_or_skip("pdftotext")), pdfminer_layout(pdf)
    sizes = [[v for p in layout.pages for v in (p.width, p.height)] for layout in (fast, slow)]
    assert len(fast.pages) == len(slow.pages) and sizes[0] == pytest.approx(sizes[1], abs=0.5)
    assert appendix_pages(fast) == appendix_pages(slow) and len(appendix_pages(fast)) == 4
    a, b = signature_box(fast, "HIỆU TRƯỞNG", SIGNER), signature_box(slow, "HIỆU TRƯỞNG", SIGNER)
    assert a.page == b.page
    assert (a.x0, a.y0, a.x1, a.y1) == pytest.approx((b.x0, b.y0, b.x1, b.y1), abs=3)
