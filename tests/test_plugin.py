"""The pytest plugin as a user gets it: the ``emulator`` fixture from the installed entry point."""
pytest_plugins = ["pytester"]


def test_fixture_gives_a_running_emulator_with_fresh_state_per_test(pytester):
    pytester.makepyfile("""
        import requests

        KEY = {"Authorization": "Organisation 6b1f2c3d-1111-4222-8333-944455566677"}

        def test_first(emulator):
            answer = requests.post(emulator.url("lessonspace") + "/spaces/launch/", json={"id": "a"}, headers=KEY)
            assert answer.status_code == 201
            before = emulator.now
            emulator.advance(hours=2)
            assert emulator.now - before == 7200

        def test_second_starts_clean(emulator):
            answer = requests.post(emulator.url("lessonspace") + "/spaces/launch/", json={"id": "a"}, headers=KEY)
            assert answer.status_code == 201
            assert emulator.webhooks == []
            assert requests.get(emulator.control_url("health")).json()["status"] == "ok"
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_reset_is_isolating(emulator):
    emulator.engine.store.put("thing", "x", {})
    emulator.reset()
    assert emulator.engine.store.get("thing", "x") is None
    assert emulator.now == int(emulator.now)  # frozen at a whole second
