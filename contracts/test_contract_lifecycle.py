"""Hypothesis stateful tests of each platform's lifecycle (needs an emulator target)."""
from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test


def test_lifecycle(target, contract, control, examples, request) -> None:
    if not request.config.getoption("contract_base_url"):
        # The suite's own in-process emulator starts clean, so each advance moves only this
        # machine's objects, not everything the checks before it left running.
        control.call("POST", "reset")
        control.freeze(True)
    machine = contract.lifecycle(target)
    run_state_machine_as_test(machine, settings=settings(
        # Four times the other checks' examples: orderings a few examples miss (a job completing
        # unread, say) are found on every run, in about twenty seconds for all platforms.
        max_examples=examples * 4, stateful_step_count=12, deadline=None,
        suppress_health_check=list(HealthCheck)))
