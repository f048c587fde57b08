"""The contract's webhook check counts only what its own objects caused: a Recall workspace's
endpoints hear every bot, so bots already running there must not break the check."""
import uuid
from collections import Counter

import requests

from emulator.core.contract import Control, Target
from emulator.platforms.recall import contract as recall_contract


def test_recall_webhook_check_ignores_other_bots_in_the_workspace(emulator):
    http = requests.Session()
    http.headers.update(recall_contract.auth_headers(recall_contract.DEFAULT_API_KEY))
    target = Target("recall", emulator.url("recall"), recall_contract.DEFAULT_API_KEY, http, Control(emulator.base_url))
    for _ in range(3):  # bots of someone else, still in their calls while the check runs
        answer = http.post(f"{target.api_base}/bot/", json={"meeting_url": "https://meet.google.com/abc-defg-hij"})
        assert answer.status_code == 201, answer.text
    inbox = f"contract-{uuid.uuid4().hex[:10]}"
    scenario = recall_contract.webhook_scenario(target, inbox)
    messages = target.control.inbox(inbox)
    everything = Counter(recall_contract.event_of(m) for m in messages)
    ours = Counter(recall_contract.event_of(m) for m in messages if scenario.ours(m))
    assert everything["bot.call_ended"] == 4  # the other three bots' webhooks did arrive ...
    assert ours == scenario.expected  # ... and the check counts its own bot's only
