"""A test certificate authority and signers, made in the test with `cryptography`; a PKCS#12 file
and a SoftHSM token (a real PKCS#11 module) holding the signer's key and certificate; a seal PNG."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

SOFTHSM_MODULES = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")
PASSPHRASE = "mat-khau-thu"
PIN = "123456"


def _name(common: str, org: str = "Trường Mầm non Mạ Non") -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _cert(subject, issuer, key, issuer_key, ca: bool) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
               .not_valid_after(now + dt.timedelta(days=365))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False, key_cert_sign=ca,
                                            crl_sign=ca, encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    return builder.sign(issuer_key, hashes.SHA256())


@dataclass
class TestPKI:
    folder: Path
    ca: Path  # the CA certificate, PEM: the trust store
    p12: Path  # the signer's key and certificate chain
    signer_cert: x509.Certificate
    signer_key: rsa.RSAPrivateKey
    other_ca: Path  # a CA that did not issue the signer: an untrusted store
    seal: Path


def make_pki(folder: Path, signer_name: str = "Nguyễn Thị Minh Thư") -> TestPKI:
    folder.mkdir(parents=True, exist_ok=True)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_cert = _cert(_name("CA thử nghiệm cchc-audit", "cchc-audit test CA"), _name("CA thử nghiệm cchc-audit", "cchc-audit test CA"),
                    ca_key, ca_key, ca=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = _cert(_name(signer_name), ca_cert.subject, key, ca_key, ca=False)
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other = _cert(_name("CA khác", "other CA"), _name("CA khác", "other CA"), other_key, other_key, ca=True)
    (folder / "ca.pem").write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    (folder / "other-ca.pem").write_bytes(other.public_bytes(serialization.Encoding.PEM))
    (folder / "signer.p12").write_bytes(pkcs12.serialize_key_and_certificates(
        b"signer", key, cert, [ca_cert], serialization.BestAvailableEncryption(PASSPHRASE.encode())))
    return TestPKI(folder, folder / "ca.pem", folder / "signer.p12", cert, key, folder / "other-ca.pem",
                   make_seal(folder / "con-dau.png"))


def make_seal(path: Path) -> Path:
    """A red round seal on a transparent background, as the decree asks for the seal image."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((6, 6, 234, 234), outline=(220, 0, 0, 255), width=10)
    draw.ellipse((40, 40, 200, 200), outline=(220, 0, 0, 255), width=4)
    draw.regular_polygon((120, 120, 30), 5, fill=(220, 0, 0, 255))
    image.save(path)
    return path


def softhsm_module() -> str | None:
    return next((m for m in SOFTHSM_MODULES if os.path.isfile(m)), None)


def make_token(pki: TestPKI, label: str = "cchc-test") -> tuple[str, dict]:
    """A SoftHSM token holding the signer's key (imported with softhsm2-util) and certificate
    (written with python-pkcs11); returns the module and the environment pointing at the token."""
    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass

    module = softhsm_module()
    tokens = pki.folder / "tokens"
    tokens.mkdir()
    conf = pki.folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n")
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    os.environ["SOFTHSM2_CONF"] = str(conf)  # the module, loaded in this process, reads it
    tool = shutil.which("softhsm2-util")
    subprocess.run([tool, "--init-token", "--free", "--label", label, "--pin", PIN, "--so-pin", "0000"],
                   check=True, capture_output=True, env=env)
    key_pem = pki.folder / "signer-key.pem"
    key_pem.write_bytes(pki.signer_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                     serialization.NoEncryption()))
    subprocess.run([tool, "--import", str(key_pem), "--token", label, "--label", "signer", "--id", "01",
                    "--pin", PIN], check=True, capture_output=True, env=env)
    key_pem.unlink()
    lib = pkcs11.lib(module)
    token = lib.get_token(token_label=label)
    with token.open(rw=True, user_pin=PIN) as session:
        session.create_object({
            Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
            Attribute.TOKEN: True, Attribute.LABEL: "signer", Attribute.ID: b"\x01",
            Attribute.VALUE: pki.signer_cert.public_bytes(serialization.Encoding.DER),
            Attribute.SUBJECT: pki.signer_cert.subject.public_bytes(),
        })
    return module, env
