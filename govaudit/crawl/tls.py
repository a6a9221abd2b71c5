"""Certificates as sites serve them. The crawl does not refuse a self-signed, expired or wrong-host
certificate (a visitor clicks through, and the rubric audits the site anyway); it reads the certificate the
server presented and names its problems, which the site record carries to a finding."""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.x509.oid import NameOID

SELF_SIGNED = "自签名证书"
EXPIRED = "证书已过期"
NOT_YET_VALID = "证书尚未生效"
WRONG_HOST = "证书与域名不符"


def _leaf(certificate: Any) -> x509.Certificate | None:
    """The cryptography certificate of a response's `certificate` (twisted Certificate), or None."""
    if certificate is None:
        return None
    original = getattr(certificate, "original", None)
    if original is not None and hasattr(original, "to_cryptography"):
        return original.to_cryptography()
    dump = getattr(certificate, "dumpPEM", None)
    return x509.load_pem_x509_certificate(dump()) if dump else None


def _names(cert: x509.Certificate) -> tuple[list[str], list[Any]]:
    """(DNS names, IP addresses) the certificate is valid for (SAN first; the CN when there is no SAN)."""
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        return [n.lower() for n in san.get_values_for_type(x509.DNSName)], san.get_values_for_type(x509.IPAddress)
    except x509.ExtensionNotFound:
        cns = [str(a.value).lower() for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
        return cns, []


def _matches(host: str, pattern: str) -> bool:
    if pattern.startswith("*."):
        head, _, rest = host.partition(".")
        return bool(head) and rest == pattern[2:]
    return host == pattern


def host_matches(cert: x509.Certificate, host: str) -> bool:
    host = host.lower().rstrip(".")
    dns, ips = _names(cert)
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return any(_matches(host, p) for p in dns)
    return ip in ips or host in dns


def _self_signed(cert: x509.Certificate) -> bool:
    if cert.issuer != cert.subject:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except (ValueError, TypeError, InvalidSignature):  # not provably self-issued
        return False
    return True


def certificate_problems(certificate: Any, host: str, now: dt.datetime | None = None) -> list[str]:
    """The problems of the certificate a server presented for `host` (empty when none is seen)."""
    cert = _leaf(certificate)
    if cert is None:
        return []
    now = now or dt.datetime.now(dt.UTC)
    problems = []
    if _self_signed(cert):
        problems.append(SELF_SIGNED)
    if cert.not_valid_after_utc < now:
        problems.append(EXPIRED)
    elif cert.not_valid_before_utc > now:
        problems.append(NOT_YET_VALID)
    if host and not host_matches(cert, host):
        problems.append(WRONG_HOST)
    return problems


def tls_problem(response: Any) -> str:
    """The site-record text of a response's certificate problems ("" for http or a sound certificate)."""
    url = getattr(response, "url", "")
    if not url.startswith("https://"):
        return ""
    from govaudit.crawl.urls import host_of

    return "；".join(certificate_problems(getattr(response, "certificate", None), host_of(url)))
