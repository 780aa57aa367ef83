"""The address policy: every encoding of an internal address is refused; the allowlist is exact."""

from __future__ import annotations

import ipaddress

import pytest

from pipeline.crawl.safety import (
    AddressPolicy,
    Refused,
    host_literal,
    internal_kind,
    parse_allowlist,
)

LOOPBACK_ENCODINGS = [
    "127.0.0.1",
    "2130706433",  # one 32-bit decimal number
    "0177.0.0.1",  # octal first octet
    "0x7f.1",  # hex, two-part form
    "0x7f000001",  # one hex number
    "127.1",  # short form
    "[::ffff:127.0.0.1]",  # IPv4-mapped IPv6
    "[::ffff:7f00:1]",  # the same, in hex groups
    "[::1]",
]


@pytest.mark.parametrize("host", LOOPBACK_ENCODINGS)
def test_every_encoding_of_loopback_is_recognised_and_refused(host: str) -> None:
    ip = host_literal(host)
    assert ip is not None
    assert internal_kind(ip) is not None and "loopback" in str(internal_kind(ip))
    refusal = AddressPolicy().url_refusal(f"http://{host}:8080/feed.xml")
    assert isinstance(refusal, Refused)
    assert refusal.reason == "ssrf_blocked"


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("169.254.169.254", "cloud metadata"),
        ("169.254.1.1", "link-local"),
        ("100.64.0.1", "shared address space"),
        ("100.127.255.254", "shared address space"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("2002:a9fe:a9fe::", "cloud metadata"),  # 6to4 wrapping 169.254.169.254
        ("64:ff9b::a00:1", "private"),  # NAT64 wrapping 10.0.0.1
    ],
)
def test_internal_ranges_are_named(address: str, kind: str) -> None:
    found = internal_kind(ipaddress.ip_address(address))
    assert found is not None and kind in found


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700::6810:85e5", "100.128.0.1"])
def test_public_addresses_pass(address: str) -> None:
    ip = ipaddress.ip_address(address)
    assert internal_kind(ip) is None
    assert AddressPolicy().address_refusal(ip, 443) is None


@pytest.mark.parametrize("host", ["example.com", "0x7f.example", "127.0.0.1.nip.io", "1e100"])
def test_names_are_not_mistaken_for_literals(host: str) -> None:
    # Names are judged at dial time by the guarded resolver, not by their spelling.
    assert host_literal(host) is None


def test_the_allowlist_admits_exactly_the_listed_address_and_port() -> None:
    policy = AddressPolicy(parse_allowlist("127.0.0.1:8765, 10.0.0.0/8 [::1]:9000"))
    loopback = ipaddress.ip_address("127.0.0.1")
    assert policy.address_refusal(loopback, 8765) is None
    assert policy.address_refusal(loopback, 9200) is not None  # the node's port is not the site's
    assert policy.address_refusal(ipaddress.ip_address("127.0.0.2"), 8765) is not None
    assert policy.address_refusal(ipaddress.ip_address("10.9.8.7"), 22) is None
    assert policy.address_refusal(ipaddress.ip_address("::1"), 9000) is None
    # The IPv4-mapped form of an allowed address is the same address.
    assert policy.address_refusal(ipaddress.ip_address("::ffff:127.0.0.1"), 8765) is None
    assert policy.url_refusal("http://127.0.0.1:8765/") is None
    assert policy.url_refusal("http://2130706433:8765/") is None


@pytest.mark.parametrize("bad", ["127.0.0.1:http", "300.1.1.1", "[::1]:0", "example.com"])
def test_a_bad_allowlist_entry_fails_loudly(bad: str) -> None:
    with pytest.raises(ValueError, match="NEWSARCHIVE_ALLOWED_NETWORKS"):
        parse_allowlist(bad)


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://example.com/x", "s3://bucket/key", "data:,hello", "gopher://x/"],
)
def test_only_http_and_https_are_fetched(url: str) -> None:
    refusal = AddressPolicy().url_refusal(url)
    assert refusal is not None and refusal.reason == "scheme_blocked"


def test_overlong_urls_are_refused_with_their_length() -> None:
    url = "https://example.com/" + "a" * 40_000
    refusal = AddressPolicy().url_refusal(url)
    assert refusal is not None and refusal.reason == "url_too_long"
    assert str(len(url)) in refusal.detail
    assert AddressPolicy().url_refusal("https://example.com/" + "a" * 2000) is None
