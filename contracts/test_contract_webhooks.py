"""Every webhook the target sends: the expected events exactly once each, each valid against its
schema, each signature verified by an independent implementation, each link alive exactly its
documented lifetime."""
from __future__ import annotations

from emulator.core.contract import link_expiry_check

import json
import uuid
from collections import Counter

import pytest

from emulator.core.schemas import SchemaCatalogue, json_path

CATALOGUE = SchemaCatalogue()


def test_webhooks(target, contract, control) -> None:
    if contract.webhook_scenario is None:
        pytest.skip(f"{target.platform} sends no webhooks")
    inbox = f"contract-{uuid.uuid4().hex[:10]}"
    scenario = contract.webhook_scenario(target, inbox)
    messages = [m for m in control.inbox(inbox) if scenario.ours(m)]  # not what other objects caused
    seen = Counter(contract.event_of(m) for m in messages)
    assert seen == scenario.expected, f"expected events {dict(scenario.expected)}, got {dict(seen)}"
    links = []
    for message in messages:
        event = contract.event_of(message)
        body = json.loads(message["body"])
        errors = CATALOGUE.errors(target.platform, f"webhook.{event}", body)
        assert not errors, f"{event}: " + "; ".join(f"{json_path(e.absolute_path)}: {e.message}" for e in errors)
        assert contract.verify(message, scenario.secret), f"{event}: the signature does not verify"
        links += contract.webhook_links(message)
    for url, minted, lifetime in links:
        now = control.now()
        control.advance(max(0, int(minted) + lifetime - 1 - now))
        link_expiry_check(target, url, minted, lifetime)
        control.advance(1)
        link_expiry_check(target, url, minted, lifetime)
