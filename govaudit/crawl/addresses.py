"""Where a host really is: loopback, private, link-local, cloud metadata... or the public internet."""

from __future__ import annotations

import ipaddress

# cloud metadata services (Alibaba Cloud's 100.100.100.200 is in the shared range, AWS/GCP/Azure/Tencent
# use 169.254.169.254 and fd00:ec2::254): named so that a finding says what was reached for
METADATA = {
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("100.100.100.200"),
    ipaddress.ip_address("fd00:ec2::254"),
}

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_ip(host: str) -> Address | None:
    """The address of an IP literal host ("10.0.0.1", "[::1]", "::ffff:127.0.0.1"), else None."""
    value = host.strip("[]")
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def address_kind(ip: Address) -> str | None:
    """None for a public (globally routable, unicast) address, else what it is."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip in METADATA:
        return "metadata"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_multicast:
        return "multicast"
    if ip.is_private:
        return "private"
    if not ip.is_global:
        return "reserved"  # shared 100.64/10, documentation, benchmarking...
    return None


KIND_WORDS = {
    "metadata": "云主机元数据地址",
    "loopback": "本机回环地址",
    "link-local": "链路本地地址",
    "unspecified": "未指定地址",
    "multicast": "组播地址",
    "private": "内网地址",
    "reserved": "保留地址",
}
