"""Transport security and authentication: HTTPS with a CA from kiosk.toml, tokens."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import trustme

from sync.client import HubUnreachable
from sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from tests.hub_harness import (
    HubProcess,
    admin_get,
    client,
    make_plant,
    open_station,
    running_hub,
    write_events,
)


def test_station_verifies_the_hubs_certificate_against_its_ca_file(tmp_path: Path) -> None:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    cert_file, key_file, ca_file = (tmp_path / n for n in ("hub.pem", "hub.key", "ca.pem"))
    cert.cert_chain_pems[0].write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    ca.cert_pem.write_to_path(str(ca_file))
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    plant = make_plant(url)
    token = plant.enrol("ST-1", "WC-A")
    store = open_station(tmp_path, "ST-1")
    write_events(store, 3)
    hub = HubProcess(url, tmp_path / "hub.log", cert=cert_file, key=key_file).start()
    try:
        assert hub.url.startswith("https://")
        untrusting = client(store, hub.url, token)  # system store: does not know this CA
        with pytest.raises(HubUnreachable, match="CERTIFICATE_VERIFY_FAILED"):
            untrusting.sync_once()
        untrusting.close()
        trusting = client(store, hub.url, token, ca_file=str(ca_file))
        assert trusting.sync_once().pushed == 3
        trusting.close()
    finally:
        hub.kill()


@pytest.fixture
def hub_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'hub.db'}"


def test_every_call_needs_the_right_token(hub_url: str, tmp_path: Path) -> None:
    plant = make_plant(hub_url)
    station_token = plant.enrol("ST-1", "WC-A")
    hub = HubProcess(hub_url, tmp_path / "hub.log").start()
    pull = {"protocol": PROTOCOL_VERSION, "station_id": "ST-1", "cursor": 0}
    try:
        with httpx.Client(base_url=hub.url) as http:

            def status(method: str, path: str, token: str | None, body: object = None) -> int:
                headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
                if token is not None:
                    headers["Authorization"] = f"Bearer {token}"
                return http.request(method, path, headers=headers, json=body).status_code

            for token in (None, "made-up", plant.admin_token):
                assert status("POST", "/v1/sync/pull", token, pull) == 401
                assert status("POST", "/v1/sync/hello", token) == 401
            for token in (None, "made-up", station_token):
                assert status("GET", "/v1/admin/stations", token) == 401
                assert status("POST", "/v1/admin/import", token, {}) == 401
            assert status("POST", "/v1/sync/pull", station_token, pull) == 200
            # A station's token speaks for that station only.
            other = {**pull, "station_id": "ST-2"}
            assert status("POST", "/v1/sync/pull", station_token, other) == 403
            assert status("GET", "/v1/admin/stations", plant.admin_token) == 200
            answer = http.post("/v1/sync/pull", json=pull)
            assert answer.headers["WWW-Authenticate"] == "Bearer"
            assert answer.json()["error"] == "unauthorized"
    finally:
        hub.kill()


def test_the_hub_stores_only_token_hashes(hub_url: str) -> None:
    plant = make_plant(hub_url)
    token = plant.enrol("ST-1", "WC-A")
    from sqlalchemy import text

    with plant.engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash FROM station")).scalar_one()
        admin = conn.execute(text("SELECT token_hash FROM admin_token")).scalar_one()
    assert token not in stored and len(stored) == 64
    assert plant.admin_token not in admin


def test_text_no_database_can_store_is_refused_not_a_server_error(
    hub_url: str, tmp_path: Path
) -> None:
    plant = make_plant(hub_url)
    token = plant.enrol("ST-1", "WC-A")
    event = {
        "id": "e1",
        "seq": 1,
        "type": "auth.login",
        "payload": {"session_id": "\udfff"},  # a lone surrogate: valid JSON, not UTF-8
        "occurred_at": "2026-11-25T08:00:00Z",
        "mono_ns": 1,
        "boot_id": "b",
    }
    push = {
        "protocol": PROTOCOL_VERSION,
        "station_id": "ST-1",
        "epoch": "E",
        "sent_at": "2026-11-25T08:00:00Z",
        "events": [event],
    }
    hub = HubProcess(hub_url, tmp_path / "hub.log").start()
    try:
        answer = httpx.post(
            f"{hub.url}/v1/sync/push",
            content=json.dumps(push),  # ASCII JSON: the surrogate travels as an escape
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
    finally:
        hub.kill()
    assert answer.status_code == 400
    # Refused by the JSON parser itself ("lone leading surrogate in hex escape").
    assert "surrogate" in answer.json()["detail"]
    assert plant.events("ST-1") == []


def test_payloads_the_hub_cannot_read_are_rejected_one_by_one_and_stay_readable(
    hub_db_url: str, tmp_path: Path
) -> None:
    plant = make_plant(hub_db_url)
    token = plant.enrol("ST-1", "WC-A")

    def event(seq: int, payload: bytes) -> bytes:
        return (
            b'{"id":"e%d","seq":%d,"type":"auth.login","payload":%s,'
            b'"occurred_at":"2026-11-25T08:00:00Z","mono_ns":1,"boot_id":"b"}'
        ) % (seq, seq, payload)

    payloads = [
        b'{"session_id":"\xff\xfe"}',  # not UTF-8
        b'{"session_id":"s","n":' + b"9" * 5000 + b"}",  # no database integer holds it
        b'{"session_id":"s"}',
    ]
    body = (
        b'{"protocol":%d,"station_id":"ST-1","epoch":"E","sent_at":"2026-11-25T08:00:00Z",'
        b'"events":[%s]}'
    ) % (PROTOCOL_VERSION, b",".join(event(n, p) for n, p in enumerate(payloads, 1)))
    with running_hub(hub_db_url, tmp_path) as hub:
        answer = httpx.post(
            f"{hub.url}/v1/sync/push",
            content=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        events = admin_get(hub.url, plant.admin_token, "/v1/admin/stations/ST-1/events")
    assert answer.status_code == 200, answer.text
    named = {r["seq"]: (r["status"], r["reason"]) for r in answer.json()["results"]}
    assert named == {1: ("rejected", "bad_payload"), 2: ("rejected", "bad_payload")}
    assert [e["status"] for e in events] == ["rejected", "rejected", "accepted"]
    # What could not be read is kept whole, as text.
    assert events[0]["payload"] == '{"session_id":"\\xff\\xfe"}'
    assert events[1]["payload"].endswith("9" * 10 + "}")
    assert events[2]["payload"] == {"session_id": "s"}


def test_an_event_id_another_station_sent_is_kept_once_and_the_queue_moves_on(
    hub_db_url: str, tmp_path: Path
) -> None:
    """A station that sends an id the hub has under another station (a cloned disk, or
    worse) gets `duplicate` for it; its own sequence moves on, so nothing behind it waits."""
    plant = make_plant(hub_db_url)
    tokens = {station: plant.enrol(station, "WC-A") for station in ("ST-1", "ST-2")}

    def push(station: str, ids: list[str]) -> dict[int, str]:
        events = [
            {
                "id": event_id,
                "seq": seq,
                "type": "auth.login",
                "payload": {"session_id": f"{station}-{seq}"},
                "occurred_at": "2026-11-25T08:00:00Z",
                "mono_ns": seq,
                "boot_id": "b",
            }
            for seq, event_id in enumerate(ids, 1)
        ]
        body = {
            "protocol": PROTOCOL_VERSION,
            "station_id": station,
            "epoch": f"E-{station}",
            "sent_at": "2026-11-25T08:00:00Z",
            "events": events,
        }
        answer = httpx.post(
            f"{hub.url}/v1/sync/push",
            content=json.dumps(body),
            headers={"Authorization": f"Bearer {tokens[station]}"},
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["last_seq"] == len(ids)
        return {r["seq"]: r["status"] for r in answer.json()["results"]}

    with running_hub(hub_db_url, tmp_path) as hub:
        assert push("ST-1", ["e1"]) == {}
        assert push("ST-2", ["e1", "e2", "e3"]) == {1: "duplicate"}
    assert [(e.id, e.seq) for e in plant.events("ST-1")] == [("e1", 1)]
    assert [(e.id, e.seq) for e in plant.events("ST-2")] == [("e2", 2), ("e3", 3)]
    assert plant.events("ST-1")[0].payload == '{"session_id": "ST-1-1"}'
