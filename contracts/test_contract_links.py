"""Download links live exactly their documented lifetime: valid one second before it ends,
refused from the instant it ends."""
from __future__ import annotations

from emulator.core.contract import link_expiry_check


def test_links_live_exactly_their_lifetime(target, contract, control) -> None:
    links = contract.api_links(target)
    assert links, "the scenario produced no link"
    for url, minted, lifetime in links:
        control.advance(max(0, int(minted) + lifetime - 1 - control.now()))
        link_expiry_check(target, url, minted, lifetime)
        control.advance(1)
        link_expiry_check(target, url, minted, lifetime)
