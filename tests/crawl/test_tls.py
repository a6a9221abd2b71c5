"""Certificate problems read from the certificate a server presented."""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from govaudit.crawl.tls import EXPIRED, NOT_YET_VALID, SELF_SIGNED, WRONG_HOST, certificate_problems

NOW = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)


class Presented:
    """What a Scrapy response's `certificate` offers: a PEM dump."""

    def __init__(self, cert: x509.Certificate) -> None:
        self.cert = cert

    def dumpPEM(self) -> bytes:
        from cryptography.hazmat.primitives.serialization import Encoding

        return self.cert.public_bytes(Encoding.PEM)


def _cert(names: list[str], *, days: tuple[int, int] = (-10, 300), ca: bool = False) -> x509.Certificate:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    builder = (x509.CertificateBuilder().subject_name(subject).public_key(key.public_key())
               .serial_number(1).not_valid_before(NOW + dt.timedelta(days=days[0]))
               .not_valid_after(NOW + dt.timedelta(days=days[1]))
               .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False))
    if ca:  # issued by another key: not self-signed
        issuer_key = ec.generate_private_key(ec.SECP256R1())
        issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")])
        return builder.issuer_name(issuer).sign(issuer_key, hashes.SHA256())
    return builder.issuer_name(subject).sign(key, hashes.SHA256())


def test_sound_certificate_has_no_problem() -> None:
    assert certificate_problems(Presented(_cert(["www.sfs.gov.cn"], ca=True)), "www.sfs.gov.cn", NOW) == []


def test_wildcard_matches_one_label() -> None:
    cert = Presented(_cert(["*.sfs.gov.cn"], ca=True))
    assert certificate_problems(cert, "fgw.sfs.gov.cn", NOW) == []
    assert certificate_problems(cert, "a.b.sfs.gov.cn", NOW) == [WRONG_HOST]


def test_self_signed_expired_wrong_host() -> None:
    cert = Presented(_cert(["localhost"], days=(-400, -5)))
    assert certificate_problems(cert, "www.sfs.gov.cn", NOW) == [SELF_SIGNED, EXPIRED, WRONG_HOST]


def test_not_yet_valid() -> None:
    cert = Presented(_cert(["www.sfs.gov.cn"], days=(5, 300), ca=True))
    assert certificate_problems(cert, "www.sfs.gov.cn", NOW) == [NOT_YET_VALID]


def test_no_certificate_no_problem() -> None:
    assert certificate_problems(None, "www.sfs.gov.cn", NOW) == []
