"""`cchc-audit sign`: a revision's internal PDF signed with PAdES (pyHanko) by the principal's
certificate, from a PKCS#12 file or a USB token through PKCS#11.

As Nghị định 30/2020/NĐ-CP, Phụ lục I, puts it for an electronic administrative document:
- the signature is visible in the signature block: between the `HIỆU TRƯỞNG` line and the
  principal's name on the last body page, found by its text (pdflayout.py); the unit's seal image
  (PNG, ideally red on a transparent background) at its left, covering about a third of it, and
  the signer and the signing time in Vietnam's time zone, ISO 8601 (`2024-04-05T09:30:00+07:00`);
- each appendix, a document attached in the same file, is marked in the top right corner of its
  first page with no image: the report's number and symbol and the signing time, Times New Roman
  (or a metric twin) 10 pt, upright, black.
The marks and the signature are one incremental update of the revision's PDF, written to the
revision's companion folder (signatures.py); the revision itself is never touched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

from . import __version__
from .archive import INTERNAL_PDF, MANIFEST, RESULTS, TMP_PREFIX, make_dirs, publish_modes, sha256_file, verify, write_manifest
from .errors import SigningError
from .pdflayout import appendix_pages, read_layout, signature_box, top_right
from .signatures import SIGNATURE_JSON, SIGNED_PDF, SIGNING_PREFIX, VIETNAM, companion, signings

FIELD_NAME = "ChuKySo-HieuTruong"
DEFAULT_TITLE = "HIỆU TRƯỞNG"
# Times New Roman where the machine has it, else matplotlib's DejaVu Serif (installed with the
# package): both hold Vietnamese (Liberation Serif, Times's metric twin on Debian, does not).
_FONTS = ("/usr/share/fonts/truetype/msttcorefonts/Times_New_Roman.ttf",
          "/usr/share/fonts/truetype/msttcorefonts/times.ttf")
_NUMBER = re.compile(r"Báo cáo số\s+(\S+/BC-\S+?)\s+ngày")


def font_file() -> str:
    """The stamp's font, at 1000 units per em: pyHanko writes glyph widths in the font's own
    units where PDF reads thousandths of an em, so a 2048-unit TrueType font (most of them) is
    rescaled once with fontTools and kept in the temporary folder."""
    import matplotlib
    from fontTools.ttLib import TTFont

    source = next((p for p in _FONTS if os.path.isfile(p)),
                  str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSerif.ttf"))
    font = TTFont(source, lazy=True)
    if font["head"].unitsPerEm == 1000:
        return source
    stat = os.stat(source)
    key = hashlib.sha256(f"{source}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    scaled = Path(tempfile.gettempdir()) / f"cchc-audit-font-{key}.ttf"
    if not scaled.is_file():
        from fontTools.ttLib.scaleUpem import scale_upem

        font = TTFont(source)
        scale_upem(font, 1000)
        handle, partial = tempfile.mkstemp(prefix=".cchc-audit-font-", dir=scaled.parent)
        os.close(handle)
        font.save(partial)
        os.replace(partial, scaled)  # whole or absent: another process may be reading it
    return str(scaled)


# --- keys -------------------------------------------------------------------------------------

@contextmanager
def pkcs12_key(path: str | Path, passphrase: str | None):
    """The signer of a PKCS#12 (.p12, .pfx) file."""
    from pyhanko.sign import signers

    path = Path(path)
    if not path.is_file():
        raise SigningError("sign.no_key_file", path=path)
    try:
        signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=passphrase.encode() if passphrase else None)
    except (ValueError, OSError, TypeError):
        signer = None
    if signer is None:
        raise SigningError("sign.bad_pkcs12", path=path)
    yield signer


@contextmanager
def pkcs11_key(module: str | Path, pin: str | None, token: str | None = None, key_label: str | None = None,
               cert_label: str | None = None):
    """The signer of a key on a PKCS#11 token (a Vietnamese CA's USB token, or SoftHSM)."""
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    try:
        session = open_pkcs11_session(str(module), token_criteria=TokenCriteria(label=token) if token else None,
                                      user_pin=pin)
    except Exception as exc:  # noqa: BLE001 - python-pkcs11 raises its own hierarchy and OSError
        raise SigningError("sign.pkcs11", module=module, error=type(exc).__name__) from None
    try:
        signer = PKCS11Signer(session, key_label=key_label, cert_label=cert_label or key_label)
        try:
            signer.signing_cert  # noqa: B018 - fetched now, so a wrong label is said before any work
        except Exception as exc:  # noqa: BLE001 - pyHanko and python-pkcs11 raise their own kinds
            raise SigningError("sign.pkcs11_key", label=key_label or cert_label or "", error=type(exc).__name__) from None
        yield signer
    finally:
        session.close()


# --- the signed PDF -----------------------------------------------------------------------------

def _text_style(size: int):
    import logging

    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.text import TextBoxStyle

    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)  # "FFTM NOT subset": a table stamps need not

    return TextBoxStyle(font=GlyphAccumulatorFactory(font_file()), font_size=size, text_color=(0, 0, 0))


def _mark_appendices(writer, layout, pages: list[int], number: str, when: str) -> None:
    """Nghị định 30's mark of an attached document: number and signing time, top right, no image."""
    from pyhanko.pdf_utils.layout import BoxConstraints
    from pyhanko.stamp import TextStamp, TextStampStyle

    style = TextStampStyle(stamp_text="%(number)s\n%(when)s", text_box_style=_text_style(10), border_width=0,
                           background=None)
    for page in pages:
        box = top_right(layout, page)
        stamp = TextStamp(writer, style, {"number": number, "when": when},
                          box=BoxConstraints(width=int(box.width), height=int(box.height)))
        stamp.apply(page, int(box.x0), int(box.y0))


def _signature_style(seal: Path | None, lines: str):
    from pyhanko.pdf_utils import layout as pl
    from pyhanko.stamp import TextStampStyle

    background = None
    if seal is not None:
        from PIL import Image, UnidentifiedImageError
        from pyhanko.pdf_utils.images import PdfImage

        try:
            background = PdfImage(Image.open(seal))
        except (OSError, UnidentifiedImageError):
            raise SigningError("sign.seal_unreadable", path=seal) from None
    return TextStampStyle(
        stamp_text=lines, text_box_style=_text_style(9), border_width=0, background=background,
        background_opacity=1.0,
        # The seal at the left, over about a third of the block; the signer's lines at the right.
        background_layout=pl.SimpleBoxLayoutRule(x_align=pl.AxisAlignment.ALIGN_MIN, y_align=pl.AxisAlignment.ALIGN_MID),
        inner_content_layout=pl.SimpleBoxLayoutRule(x_align=pl.AxisAlignment.ALIGN_MAX,
                                                    y_align=pl.AxisAlignment.ALIGN_MID,
                                                    margins=pl.Margins(left=60 if seal else 4, right=2)),
    )


def _signer_at():
    from pyhanko.sign import signers

    class SignerAt(signers.PdfSigner):
        """pyHanko's signer with the signing time given: the one the visible stamp prints."""

        at: dt.datetime | None = None

        def init_signing_session(self, *args, **kwargs):
            session = super().init_signing_session(*args, **kwargs)
            if self.at is not None:
                session.system_time = self.at
            return session

    return SignerAt


def sign_pdf(pdf: bytes, signer, layout, *, seal: Path | None, title: str, name: str | None, number: str,
             when: dt.datetime, labels: tuple[str, str]) -> tuple[bytes, dict]:
    """`pdf` with the appendix marks and the visible PAdES signature appended as one incremental
    update; and where they went."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    box = signature_box(layout, title, name)
    if box is None:
        raise SigningError("sign.no_block", title=title)
    stamp_time = when.isoformat()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    appendices = appendix_pages(layout)
    _mark_appendices(writer, layout, appendices, number, stamp_time)
    meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES, name=name or None)
    spec = fields.SigFieldSpec(FIELD_NAME, on_page=box.page, box=(int(box.x0), int(box.y0), int(box.x1), int(box.y1)))
    lines = f"{labels[0]}: %(signer)s\n{labels[1]}: %(when)s"
    pdf_signer = _signer_at()(meta, signer, stamp_style=_signature_style(seal, lines), new_field_spec=spec)
    pdf_signer.at = when
    out = pdf_signer.sign_pdf(writer, appearance_text_params={"when": stamp_time})
    return out.getvalue(), {"page": box.page + 1, "box": [round(v, 1) for v in (box.x0, box.y0, box.x1, box.y1)],
                            "appendix_pages": [p + 1 for p in appendices]}


# --- the revision -------------------------------------------------------------------------------

def report_number(layout) -> str:
    """The report's number as the appendices cite it (`.../BC-TMNMN`: left for the clerk to fill)."""
    for line in layout.lines:
        if m := _NUMBER.search(line.text):
            return m.group(1)
    return ""


def _principal(revision: Path) -> str | None:
    """The principal's name as the report prints it: the run's params, else the unit's file."""
    from .archive import PARAMS_YAML
    from .safeio import read_yaml

    names = []
    for read in (lambda: (read_yaml(revision / PARAMS_YAML) or {}).get("principal"),
                 lambda: (json.loads((revision / RESULTS).read_text(encoding="utf-8")).get("unit_info") or {})
                 .get("hieu_truong")):
        try:
            names.append(read())
        except Exception:  # noqa: BLE001 - an unreadable archived file only means no name to look for
            pass
    return next((n.strip() for n in names if isinstance(n, str) and n.strip()), None)


def _report_lang(revision: Path) -> str:
    """The language the report was written in (the run's params): the stamp speaks it too."""
    from .archive import PARAMS_YAML
    from .i18n import DEFAULT_LANG, LANGS
    from .safeio import read_yaml

    try:
        lang = (read_yaml(revision / PARAMS_YAML) or {}).get("lang")
    except Exception:  # noqa: BLE001 - an unreadable archived file: the default language
        lang = None
    return lang if lang in LANGS else DEFAULT_LANG


def sign_revision(revision: str | Path, signer, *, seal: str | Path | None = None, title: str = DEFAULT_TITLE,
                  name: str | None = None, number: str | None = None, now: dt.datetime | None = None) -> Path:
    """Sign `revision`'s internal PDF; the signed copy goes to a new `sig-NNN` folder of its
    companion folder, built aside and renamed into place. Returns that folder."""
    from .i18n import text

    revision = Path(revision).absolute()
    if not (revision / MANIFEST).is_file():
        raise SigningError("sign.not_revision", path=revision)
    check = verify(revision)
    if not check.ok:  # an altered revision is not signed: the signature would vouch for the change
        raise SigningError("sign.revision_altered", path=revision,
                           files=", ".join(check.changed + check.missing + check.unlisted))
    pdf = revision / INTERNAL_PDF
    if not pdf.is_file():
        raise SigningError("sign.no_pdf", path=revision)
    seal = Path(seal) if seal else None
    if seal is not None and not seal.is_file():
        raise SigningError("sign.seal_unreadable", path=seal)
    layout = read_layout(pdf)
    when = (now or dt.datetime.now(VIETNAM)).astimezone(VIETNAM).replace(microsecond=0)
    original = pdf.read_bytes()
    name = name or _principal(revision)
    lang = _report_lang(revision)
    signed, placed = sign_pdf(original, signer, layout, seal=seal, title=title, name=name,
                              number=number or report_number(layout), when=when,
                              labels=(text("sign.stamp.signer", lang), text("sign.stamp.time", lang)))
    if not signed.startswith(original):  # pyHanko appends; anything else would not be this revision's PDF
        raise SigningError("sign.rewritten")
    record = {
        "revision": revision.name,
        "revision_manifest_sha256": sha256_file(revision / MANIFEST),
        "pdf": INTERNAL_PDF, "pdf_sha256": hashlib.sha256(original).hexdigest(), "pdf_bytes": len(original),
        "signed_pdf": SIGNED_PDF, "signer": signer.signing_cert.subject.native.get("common_name", ""),
        "signer_subject": signer.signing_cert.subject.human_friendly,
        "certificate_sha256": hashlib.sha256(signer.signing_cert.dump()).hexdigest(),
        "signed_at": when.isoformat(), "seal": seal.name if seal else None, **placed,
        "tool": f"cchc-audit {__version__}",
    }
    return _archive(revision, signed, record)


def _archive(revision: Path, signed: bytes, record: dict) -> Path:
    root = revision.parents[2]  # <out>/<unit>/<period>/rev-NNN: a stale temporary folder is cleaned there
    tmp = Path(tempfile.mkdtemp(prefix=TMP_PREFIX + "sign-", dir=root))
    try:
        (tmp / SIGNED_PDF).write_bytes(signed)
        (tmp / SIGNATURE_JSON).write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        write_manifest(tmp)
        publish_modes(tmp)  # mkdtemp made it 0700: the front page links to the signed copy
        folder = companion(revision)
        make_dirs(folder)
        number = len(signings(revision)) + 1
        for _ in range(1000):  # a folder that exists is never replaced: the rename fails, take the next
            target = folder / f"{SIGNING_PREFIX}{number:03d}"
            try:
                os.rename(tmp, target)
                return target
            except OSError:
                if not target.exists():
                    raise
                number += 1
        raise SigningError("sign.no_folder", path=folder)
    except BaseException:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
        raise


def signed_record(folder: str | Path) -> dict:
    """The `signature.json` of a signing folder."""
    return json.loads((Path(folder) / SIGNATURE_JSON).read_text(encoding="utf-8"))
