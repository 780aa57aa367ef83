"""The guarded resolver hands the connector only allowed addresses; refusals are remembered.

The inner resolver is scripted (a DNS server cannot be made to answer "intranet.example is
127.0.0.2" on this machine); the crawl-level proof with a real getaddrinfo answer pointing inside
(``localhost``) is in tests/integration/test_hostile_crawl.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from twisted.internet.address import IPv4Address, IPv6Address

from pipeline.crawl.safety import AddressPolicy, GuardedResolver, parse_allowlist, refused_host


class ScriptedDns:
    """An inner resolver that answers from a table, as getaddrinfo would."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers

    def resolveHostName(self, receiver: Any, host: str, port: int = 0, *_: Any) -> Any:
        receiver.resolutionBegan(object())
        for ip in self.answers.get(host, []):
            cls = IPv6Address if ":" in ip else IPv4Address
            receiver.addressResolved(cls("TCP", ip, port))
        receiver.resolutionComplete()
        return receiver


class Connector:
    """Collects what the resolver lets through, as Twisted's HostnameEndpoint does."""

    def __init__(self) -> None:
        self.addresses: list[str] = []
        self.complete = False

    def resolutionBegan(self, resolution: Any) -> None:
        pass

    def addressResolved(self, address: Any) -> None:
        self.addresses.append(address.host)

    def resolutionComplete(self) -> None:
        self.complete = True


def resolve(host: str, port: int, answers: dict[str, list[str]], allow: str = "") -> Connector:
    resolver = GuardedResolver(None, AddressPolicy(parse_allowlist(allow)), ScriptedDns(answers))
    connector = Connector()
    resolver.resolveHostName(connector, host, port)
    assert connector.complete
    return connector


@pytest.mark.parametrize(
    "answer", ["127.0.0.2", "169.254.169.254", "10.0.0.7", "100.64.3.4", "::1", "::ffff:127.0.0.2"]
)
def test_a_name_whose_dns_answer_points_inside_gets_no_address_to_dial(answer: str) -> None:
    host = f"intranet-{answer.replace(':', '-')}.example"
    connector = resolve(host, 80, {host: [answer]})
    assert connector.addresses == []
    why = refused_host(host)
    assert why is not None and host in why


def test_only_the_public_addresses_of_a_mixed_answer_are_dialled() -> None:
    connector = resolve("mixed.example", 443, {"mixed.example": ["10.0.0.1", "93.184.215.14"]})
    assert connector.addresses == ["93.184.215.14"]
    assert refused_host("mixed.example") is None  # something was dialable: not a refusal


def test_the_allowlist_lets_the_fixture_site_through_on_its_port_only() -> None:
    answers = {"localhost": ["127.0.0.1"]}
    assert resolve("localhost", 8765, answers, "127.0.0.1:8765").addresses == ["127.0.0.1"]
    assert resolve("localhost", 9200, answers, "127.0.0.1:8765").addresses == []


def test_a_public_name_resolves_normally() -> None:
    connector = resolve("news.example", 443, {"news.example": ["2606:4700::6810:85e5"]})
    assert connector.addresses == ["2606:4700::6810:85e5"]
