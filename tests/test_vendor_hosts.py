"""The emulator answers for each vendor's own API host, so a client whose base URL is fixed reaches it
through an HTTP proxy setting: the request keeps the vendor's path and lands on the platform."""
import requests


def test_a_vendor_host_is_served_under_its_platform(emulator, hms):
    proxies = {"http": emulator.base_url}
    token = hms.http.headers["Authorization"]
    created = requests.post("http://api.100ms.live/v2/rooms", json={"name": "through-the-proxy"},
                            headers={"Authorization": token}, proxies=proxies, timeout=10)
    assert created.status_code == 200, created.text
    assert hms.get(f"/rooms/{created.json()['id']}").json()["name"] == "through-the-proxy"
    # the emulator's own paths still work under a vendor host, and other hosts are not rewritten
    health = requests.get("http://api.100ms.live/100ms/v2/rooms", headers={"Authorization": token},
                          proxies=proxies, timeout=10)
    assert health.status_code == 200
    assert requests.get("http://elsewhere.example/v2/rooms", proxies=proxies, timeout=10).status_code == 404
    bots = requests.get("http://us-west-2.recall.ai/api/v1/bot/", headers={"Authorization": "Token rk-proxy"},
                        proxies=proxies, timeout=10)
    assert bots.status_code == 200 and bots.json()["results"] == []

