"""The signed copies of a revision, and what their signatures say.

A revision is never changed by signing (archive.py: nothing archived is overwritten). Its signed
PDF goes to a companion folder beside it, one numbered folder per signing:

    <unit>/<period>/rev-001/                      the run, as archived
    <unit>/<period>/rev-001.signatures/sig-001/   bao-cao-noi-bo.signed.pdf, signature.json, MANIFEST.sha256

The signed PDF is the revision's PDF byte for byte followed by an incremental update (PDF's own
way to add a signature), so its first bytes hash to the revision's manifest entry, and
`signature.json` records the revision manifest's own hash. Listings of runs skip these folders
(their names are no `rev-NNN`). `revision_signatures` is what the archive's front page shows: who
signed, when (Vietnam's time), and whether the signature holds.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from .archive import INTERNAL_PDF, MANIFEST, sha256_file

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
COMPANION_SUFFIX = ".signatures"
SIGNED_PDF = "bao-cao-noi-bo.signed.pdf"
SIGNATURE_JSON = "signature.json"
SIGNING_PREFIX = "sig-"
_SIG = re.compile(r"^sig-(\d{3,})$")


def companion(revision: Path) -> Path:
    """The folder beside `revision` that holds its signed copies."""
    return revision.parent / (revision.name + COMPANION_SUFFIX)


def signings(revision: Path) -> list[Path]:
    """The signing folders of `revision`, oldest first."""
    folder = companion(Path(revision))
    if not folder.is_dir():
        return []
    found = [(int(m.group(1)), p) for p in folder.iterdir() if (m := _SIG.match(p.name)) and p.is_dir()]
    return [p for _, p in sorted(found)]


def load_trust(paths) -> list:
    """The certificates of a trust store the user gives: PEM or DER files, or folders of them."""
    from asn1crypto import pem, x509

    from .errors import InputError

    certs = []
    for path in map(Path, paths or ()):
        try:
            files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
            for file in files:
                data = file.read_bytes()
                blobs = [der for _, _, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
                for der in blobs:
                    cert = x509.Certificate.load(der)
                    cert.native  # noqa: B018 - parsed now, so a file that is no certificate is said here
                    certs.append(cert)
        except (OSError, ValueError, TypeError) as exc:
            raise InputError("verify.bad_trust", path=path, error=type(exc).__name__) from None
    return certs


@dataclass(frozen=True)
class SignatureInfo:
    field: str
    signer: str  # the certificate's common name
    signed_at: dt.datetime | None  # in Vietnam's time zone
    intact: bool  # the signed bytes are unchanged
    trusted: bool | None  # the certificate chains to the trust store; None when none was given
    whole_file: bool  # the signature covers the file up to its end
    valid: bool  # intact, covering the file, and trusted when a trust store was given


def read_signatures(pdf: str | Path, trust: list | None = None) -> list[SignatureInfo]:
    """Every signature of `pdf`, validated with pyHanko; `trust`: certificates (load_trust) the
    chain must end in, None to check the signatures' integrity only."""
    import logging

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    # pyHanko logs a chain it cannot build with a traceback; the finding is reported here instead.
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    found = []
    with open(pdf, "rb") as handle:
        reader = PdfFileReader(handle, strict=False)
        for embedded in reader.embedded_signatures:
            context = ValidationContext(trust_roots=list(trust or ()), allow_fetching=False,
                                        revocation_mode="soft-fail")
            status = validate_pdf_signature(embedded, context)
            when = status.signer_reported_dt
            whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
            trusted = bool(status.trusted) if trust is not None else None
            found.append(SignatureInfo(
                field=embedded.field_name, signer=status.signing_cert.subject.native.get("common_name", ""),
                signed_at=when.astimezone(VIETNAM) if when else None, intact=bool(status.intact),
                trusted=trusted, whole_file=whole,
                valid=bool(status.intact and status.valid and whole and trusted is not False)))
    return found


@dataclass(frozen=True)
class Signing:
    """One signing folder checked against its revision."""

    folder: Path
    record: dict  # signature.json
    signatures: list[SignatureInfo]
    problems: list[str]  # catalog keys of what does not hold

    @property
    def valid(self) -> bool:
        return not self.problems and bool(self.signatures) and all(s.valid for s in self.signatures)


def check_signing(revision: Path, folder: Path, trust: list | None = None) -> Signing:
    """A signing folder against its revision: its own manifest, the revision's manifest hash it
    recorded, the revision's PDF as the signed PDF's first bytes, and the signatures themselves."""
    from .archive import verify
    from .safeio import check_file, read_bytes

    problems: list[str] = []
    try:  # bounded and regular: a FIFO planted in the archive must not hang the front page
        record = json.loads(read_bytes(folder / SIGNATURE_JSON, "json").decode("utf-8"))
        record = record if isinstance(record, dict) else {}
    except (OSError, ValueError, RecursionError):
        record = {}
        problems.append("sign.check.no_record")
    if not verify(folder).ok:
        problems.append("sign.check.manifest")
    original, signed = revision / INTERNAL_PDF, folder / SIGNED_PDF
    for path in (original, signed):
        try:
            check_file(path)
        except (OSError, ValueError):
            return Signing(folder, record, [], problems + ["sign.check.not_the_revisions_pdf"])
    if not (revision / MANIFEST).is_file() or record.get("revision_manifest_sha256") != sha256_file(revision / MANIFEST):
        problems.append("sign.check.revision_changed")
    if not original.is_file() or not signed.is_file() or not _starts_with(signed, original):
        problems.append("sign.check.not_the_revisions_pdf")
    signatures = []
    if signed.is_file():
        try:
            signatures = read_signatures(signed, trust)
        except Exception:  # noqa: BLE001 - a damaged PDF is a finding of verify, not a crash
            problems.append("sign.check.unreadable")
    if signed.is_file() and not signatures and "sign.check.unreadable" not in problems:
        problems.append("sign.check.no_signature")
    return Signing(folder, record, signatures, problems)


def _starts_with(path: Path, prefix: Path) -> bool:
    size = prefix.stat().st_size
    if path.stat().st_size <= size:
        return False
    with open(path, "rb") as a, open(prefix, "rb") as b:
        while chunk := b.read(1 << 20):
            if a.read(len(chunk)) != chunk:
                return False
    return True


def revision_signatures(revision: str | Path, trust: list | None = None) -> list[dict]:
    """What the front page shows of a revision's signatures, newest signing last: the signer, the
    time in Vietnam's time zone (a datetime, and as ISO 8601 `2024-04-05T09:30:00+07:00` as the
    decree writes it), whether it holds, and the signed PDF's path. Empty when never signed."""
    rows = []
    revision = Path(revision)
    for folder in signings(revision):
        signing = check_signing(revision, folder, trust)
        for sig in signing.signatures or [None]:
            rows.append({
                "signer": sig.signer if sig else "",
                "signed_at": sig.signed_at if sig else None,
                "signed_at_text": sig.signed_at.isoformat() if sig and sig.signed_at else "",
                "valid": signing.valid and bool(sig and sig.valid),
                "trusted": sig.trusted if sig else None,
                "pdf": folder / SIGNED_PDF,
                "problems": list(signing.problems),
            })
    return rows
