"""MeetStream signed-in bots over real HTTP: Teams login domains and accounts (the SDK's
TeamsLogins paths and bodies), the lease a signed-in bot takes and gives back, the vendor's
400/403/404/409/429 table, and Google signed-in bots on google-login-domains."""
import pytest

from emulator.core.clock import iso
from helpers import MeetStreamClient, assert_valid

DOMAIN = "bots.acme.com"
TEAMS_LINK = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0"
MEET_LINK = "https://meet.google.com/abc-defg-hij"


def teams(domain: str = DOMAIN, **extra) -> dict:
    return {"login_required": True, "teams_login_domain": domain, **extra}


def register(ms, domain: str = DOMAIN, accounts: int = 1) -> list[dict]:
    ms.expect(ms.post("/teams-login-domains", json={"domain": domain, "name": "Acme bots", "login_mode": "always"}),
              201)
    return [ms.expect(ms.post("/teams-logins", json={"domain": domain, "email": f"bot{n}@{domain}",
                                                     "password": "correct horse"}), 201)
            for n in range(1, accounts + 1)]


def login(ms, login_id: str) -> dict:
    return ms.expect(ms.get(f"/teams-logins/{login_id}"))


def test_domains_and_logins_have_the_vendors_shapes(ms):
    created = ms.expect(ms.post("/teams-login-domains", json={"domain": "Bots.Acme.com", "name": "Acme"}), 201)
    assert created == {"domain": DOMAIN, "name": "Acme", "login_mode": "always", "login_count": 0,
                       "active_login_count": 0, "created_at": created["created_at"]}
    account = ms.expect(ms.post("/teams-logins", json={"domain": DOMAIN, "email": "bot1@bots.acme.com",
                                                       "password": "pw", "is_active": False}), 201)
    assert_valid("meetstream", "teams_login", account)
    assert "password" not in account and account["lease_status"] == "available"
    assert account["is_active"] is False and account["last_session_result"] is None
    listed = ms.expect(ms.get("/teams-login-domains"))
    assert_valid("meetstream", "teams_domains.response", listed)
    assert [(d["login_count"], d["active_login_count"]) for d in listed["domains"]] == [(1, 0)]
    one = ms.expect(ms.get(f"/teams-login-domains/{DOMAIN}"))
    assert_valid("meetstream", "teams_domain.detail", one)
    assert one["logins"] == [{"login_id": account["login_id"], "email": "bot1@bots.acme.com", "is_active": False,
                              "lease_status": "available", "last_session_result": None}]
    assert ms.expect(ms.get("/teams-logins", params={"domain": DOMAIN}))["logins"] == [account]
    renamed = ms.expect(ms.request("PATCH", f"/teams-login-domains/{DOMAIN}", json={"name": "Renamed"}))
    assert renamed["name"] == "Renamed"
    enabled = ms.expect(ms.request("PATCH", f"/teams-logins/{account['login_id']}", json={"is_active": True}))
    assert enabled["is_active"] is True
    assert ms.expect(ms.delete(f"/teams-login-domains/{DOMAIN}"))["message"]
    assert ms.get(f"/teams-logins/{account['login_id']}").status_code == 404  # deleting a domain cascades


@pytest.mark.parametrize("method, path, body, status, words", [
    ("POST", "/teams-login-domains", {"domain": DOMAIN, "login_mode": "if_required"}, 400, "always"),
    ("POST", "/teams-login-domains", {"domain": "not a domain"}, 400, "domain"),
    ("POST", "/teams-login-domains", {"domain": DOMAIN}, 409, "already registered"),
    ("GET", "/teams-logins", None, 400, "domain"),
    ("GET", "/teams-logins?domain=other.example.com", None, 404, "not registered"),
    ("GET", "/teams-login-domains/other.example.com", None, 404, "Domain not found"),
    ("GET", "/teams-logins/00000000-0000-4000-8000-000000000000", None, 404, "Login not found"),
    ("POST", "/teams-logins", {"domain": DOMAIN, "email": "bot1@bots.acme.com", "password": "pw"}, 409, "already"),
    ("POST", "/teams-logins", {"domain": DOMAIN, "email": "bot2@bots.acme.com"}, 400, "password is required"),
    ("POST", "/teams-logins", {"domain": "other.example.com", "email": "a@other.example.com", "password": "pw"}, 404,
     "Domain not found"),
])
def test_login_management_errors(ms, method, path, body, status, words):
    register(ms)
    answer = ms.request(method, path, json=body)
    assert answer.status_code == status, answer.text
    assert words in answer.json()["message"]


def test_another_account_gets_403_for_a_domain_or_login_it_does_not_own(emulator, ms):
    account = register(ms)[0]
    other = MeetStreamClient(emulator, "ms_other_key")
    for method, path in (("GET", f"/teams-login-domains/{DOMAIN}"), ("GET", f"/teams-logins?domain={DOMAIN}"),
                         ("GET", f"/teams-logins/{account['login_id']}"), ("DELETE", f"/teams-logins/{account['login_id']}")):
        answer = other.request(method, path)
        assert answer.status_code == 403 and "another MeetStream account" in answer.json()["error"], path
    assert other.post("/teams-login-domains", json={"domain": DOMAIN}).status_code == 403
    assert other.expect(other.get("/teams-login-domains")) == {"domains": []}
    answer = other.post("/bots/create_bot", json={"meeting_link": TEAMS_LINK, "bot_name": "B", "teams": teams()})
    assert answer.status_code == 403


def test_a_signed_in_bot_holds_its_account_and_shows_its_name(ms):
    first, second = register(ms, accounts=2)
    bot = ms.create(meeting_link=TEAMS_LINK, teams=teams(sign_in_email="BOT2@bots.acme.com", strict_email=True))
    assert ms.get(f"/bots/{bot['bot_id']}/detail").json()["bot_details"]["BotUsername"] == "Bot2"
    assert login(ms, second["login_id"])["lease_status"] == "leased"
    assert login(ms, first["login_id"])["lease_status"] == "available"
    answer = ms.post("/bots/create_bot", json={"meeting_link": TEAMS_LINK, "bot_name": "B",
                                                "teams": teams(sign_in_email="bot2@bots.acme.com", strict_email=True)})
    assert answer.status_code == 409 and "busy or deactivated" in answer.json()["message"]
    # Not strict: the pinned account is busy, so another free one is used.
    loose = ms.create(meeting_link=TEAMS_LINK, teams=teams(sign_in_email="bot2@bots.acme.com"))
    assert ms.get(f"/bots/{loose['bot_id']}/detail").json()["bot_details"]["BotUsername"] == "Bot1"
    answer = ms.post("/bots/create_bot", json={"meeting_link": TEAMS_LINK, "bot_name": "B", "teams": teams()})
    assert answer.status_code == 429 and answer.json()["message"] == f"All Teams logins in {DOMAIN} are in use."
    ms.expect(ms.get(f"/bots/{bot['bot_id']}/remove_bot"))
    ms.emulator.advance(10)
    released = login(ms, second["login_id"])
    assert released["lease_status"] == "available" and released["last_session_result"] == "success"
    ms.create(meeting_link=TEAMS_LINK, teams=teams())  # the freed account serves the next bot


def test_the_create_bot_error_table(ms):
    account = register(ms)[0]
    body = {"meeting_link": TEAMS_LINK, "bot_name": "B"}
    answer = ms.post("/bots/create_bot", json={**body, "teams": teams("unknown.example.com")})
    assert answer.status_code == 400
    assert answer.json()["message"] == "teams.teams_login_domain 'unknown.example.com' is not registered"
    answer = ms.post("/bots/create_bot", json={**body, "teams": teams(sign_in_email="nobody@bots.acme.com")})
    assert answer.status_code == 404 and "nobody@bots.acme.com" in answer.json()["message"]
    live = {**body, "meeting_link": "https://teams.live.com/meet/9372"}
    assert ms.post("/bots/create_bot", json={**live, "teams": teams()}).status_code == 400
    ms.expect(ms.control("POST", f"teams-logins/{account['login_id']}/reject-password"))
    rejected = login(ms, account["login_id"])
    assert rejected["is_active"] is False and rejected["last_login_error"]
    answer = ms.post("/bots/create_bot", json={**body, "teams": teams()})
    assert answer.status_code == 409 and "active and free" in answer.json()["message"]
    restored = ms.expect(ms.request("PATCH", f"/teams-logins/{account['login_id']}", json={"password": "new one"}))
    assert restored["is_active"] is True and restored["last_login_error"] is None
    ms.create(meeting_link=TEAMS_LINK, teams=teams())


@pytest.mark.parametrize("block", [{"login_required": "yes", "teams_login_domain": DOMAIN},
                                   {"teams_login_domain": DOMAIN}, {"login_required": True},
                                   {"login_required": True, "teams_login_domain": 7}])
def test_a_malformed_teams_block_joins_as_a_guest(ms, block):
    register(ms)
    bot = ms.create(meeting_link=TEAMS_LINK, bot_name="Guest Notetaker", teams=block)
    assert ms.get(f"/bots/{bot['bot_id']}/detail").json()["bot_details"]["BotUsername"] == "Guest Notetaker"


def test_a_scheduled_signed_in_bot_takes_its_account_when_it_joins(ms):
    account = register(ms)[0]
    join_at = ms.emulator.engine.clock.now() + 3600
    bot = ms.create(meeting_link=TEAMS_LINK, teams=teams(), join_at=iso(join_at))
    assert login(ms, account["login_id"])["lease_status"] == "available"
    ms.emulator.advance(3601)
    assert login(ms, account["login_id"])["lease_status"] == "leased"
    assert ms.status(bot["bot_id"]) == "Joining"


def test_a_scheduled_bot_with_no_free_account_at_join_ends_as_an_error(ms):
    register(ms)
    later = ms.create(meeting_link=TEAMS_LINK, teams=teams(), join_at=iso(ms.emulator.engine.clock.now() + 60))
    ms.create(meeting_link=TEAMS_LINK, teams=teams())  # holds the one account
    ms.emulator.advance(61)
    assert ms.status(later["bot_id"]) == "Error"


def test_google_signed_in_bots_share_a_login_twenty_at_a_time(ms):
    ms.expect(ms.post("/google-login-domains", json={"domain": "acme.com"}), 201)
    ms.expect(ms.post("/google-logins", json={"email": "notes@acme.com", "password": "pw",
                                              "display_name": "Acme Notes"}), 201)
    block = {"google_meet": {"login_required": True, "google_login_domain": "acme.com"}}
    bots = [ms.create(meeting_link=MEET_LINK, **block) for _ in range(20)]
    assert ms.get(f"/bots/{bots[0]['bot_id']}/detail").json()["bot_details"]["BotUsername"] == "Acme Notes"
    answer = ms.post("/bots/create_bot", json={"meeting_link": MEET_LINK, "bot_name": "B", **block})
    assert answer.status_code == 429 and "Google logins in acme.com" in answer.json()["message"]
    unknown = {"google_meet": {"login_required": True, "google_login_domain": "nope.com"}}
    assert ms.post("/bots/create_bot", json={"meeting_link": MEET_LINK, "bot_name": "B", **unknown}).status_code == 400
    assert ms.expect(ms.get("/google-logins", params={"domain": "other.com"}))["logins"] == []


def test_teams_blocks_are_ignored_off_teams(ms):
    bot = ms.create(meeting_link="https://zoom.us/j/1", teams=teams("never.registered.com"))
    assert ms.get(f"/bots/{bot['bot_id']}/detail").json()["bot_details"]["BotUsername"] == "Notetaker"
