import re
from urllib.parse import parse_qs, urlsplit, urlunsplit, urlencode

import pytest
import requests


def put_and_mint(emulator, lifetime, key="test/report.json", content=b'{"ok": true}'):
    emulator.engine.links.put(key, content, "application/json", "report.json")
    return emulator.engine.links.mint(key, lifetime)


def test_download_has_the_content_and_s3_headers(emulator):
    url = put_and_mint(emulator, 3600)
    answer = requests.get(url)
    assert answer.status_code == 200
    assert answer.content == b'{"ok": true}'
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.headers["Content-Length"] == str(len(answer.content))
    assert answer.headers["Content-Disposition"] == 'attachment; filename="report.json"'
    head = requests.head(url)
    assert head.status_code == 200 and head.headers["Content-Length"] == str(len(answer.content))


@pytest.mark.parametrize("lifetime", [1, 6 * 3600, 12 * 3600, 24 * 3600])
def test_valid_until_the_last_second_and_refused_from_the_instant_it_ends(emulator, lifetime):
    url = put_and_mint(emulator, lifetime)
    emulator.advance(lifetime - 1)
    assert requests.get(url).status_code == 200
    emulator.advance(1)
    answer = requests.get(url)
    assert answer.status_code == 403
    assert answer.headers["Content-Type"] == "application/xml"
    assert "<Code>AccessDenied</Code>" in answer.text
    assert "<Message>Request has expired</Message>" in answer.text


def test_tampered_signature_is_refused(emulator):
    url = put_and_mint(emulator, 3600)
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query["X-Amz-Expires"] = "604800"  # stretching the lifetime breaks the signature
    answer = requests.get(urlunsplit(parts._replace(query=urlencode(query))))
    assert answer.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in answer.text
    other_key = url.replace("report.json", "other.json")
    assert requests.get(other_key).status_code == 403
    unsigned = url.split("?")[0]
    assert requests.get(unsigned).status_code == 403


def test_deleted_content_answers_no_such_key(emulator):
    url = put_and_mint(emulator, 3600)
    emulator.engine.links.delete("test/report.json")
    answer = requests.get(url)
    assert answer.status_code == 404
    assert "<Code>NoSuchKey</Code>" in answer.text
    assert re.search(r"<Key>test/report.json</Key>", answer.text)


def test_lifetime_outside_s3_limits_is_rejected(emulator):
    with pytest.raises(ValueError):
        emulator.engine.links.mint("k", 7 * 24 * 3600 + 1)
    with pytest.raises(ValueError):
        emulator.engine.links.mint("k", 0)
