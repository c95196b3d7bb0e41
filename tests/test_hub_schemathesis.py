"""The hub fuzzed from its own OpenAPI schema, over HTTP against a real `kiosk hub serve`: no
request makes it answer with a server error, and every endpoint but /health answers 401 to a
caller without the right token."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from schemathesis import BaseSchema, Case, CheckContext, CheckFunction, HookContext, Response
from schemathesis.checks import not_a_server_error
from starlette.routing import Route

from hub.app import create_hub_app
from sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION, PULL_PATH, PUSH_PATH
from tests.hub_harness import Plant, make_plant, operation_records, running_hub

STATION = "ST-1"
OPEN_PATHS = {"/health"}
# Refusals that follow from the request's form (malformed, wrong method, unknown path) and
# so may come before the token is looked at.
REFUSED_FOR_FORM = {400, 404, 405}
BOUNDED = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass(frozen=True)
class Hub:
    url: str
    plant: Plant
    station_token: str
    http: requests.Session

    def token_for(self, path: str) -> str:
        return self.plant.admin_token if path.startswith("/v1/admin/") else self.station_token

    def wrong_tokens_for(self, path: str) -> dict[str, str | None]:
        """No token, a made-up one, and the real token of the other kind of caller."""
        if path.startswith("/v1/admin/"):
            other = ("the station's token", self.station_token)
        else:
            other = ("the admin token", self.plant.admin_token)
        return {"no token": None, "a made-up token": "made-up-token", other[0]: other[1]}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    folder = tmp_path_factory.mktemp("hub")
    db_url = f"sqlite:///{folder / 'hub.db'}"
    plant = make_plant(db_url)
    station_token = plant.enrol(STATION, "WC-A")
    plant.write(operation_records("WC-A", 3))
    # One keep-alive session: a new connection per request would double the run time.
    with running_hub(db_url, folder) as process, requests.Session() as http:
        yield Hub(process.url, plant, station_token, http)


@pytest.fixture(scope="module")
def hub_schema(hub: Hub) -> BaseSchema:
    schema = schemathesis.openapi.from_url(f"{hub.url}/openapi.json")

    @schema.hook("flatmap_case")
    def _own_station(context: HookContext, case: Case[Any]) -> st.SearchStrategy[Case[Any]]:
        # A made-up station id or protocol version is refused before the request is read;
        # half the sync requests speak for the enrolled station, so they reach the database.
        if not case.operation.path.startswith("/v1/sync/"):
            return st.just(case)
        own = case.derive()
        own.headers[PROTOCOL_HEADER] = str(PROTOCOL_VERSION)
        if isinstance(own.body, dict):
            own.body = {**own.body, "station_id": STATION, "protocol": PROTOCOL_VERSION}
        return st.sampled_from([case, own])

    return schema


schema = schemathesis.pytest.from_fixture("hub_schema")
FUZZED: Counter[str] = Counter()


def refuses_strangers(hub: Hub) -> CheckFunction:
    """Stricter than schemathesis' `ignored_auth`, which probes only after a 2xx answer and
    also takes 403: here every request is sent again without a token, with a made-up one and
    with the other kind of caller's real token, and must be answered 401."""

    def no_access_without_the_right_token(
        ctx: CheckContext, response: Response, case: Case[Any]
    ) -> bool | None:
        if case.operation.path in OPEN_PATHS:
            return None
        allowed = {401, response.status_code} if response.status_code in REFUSED_FOR_FORM else {401}
        for sent, token in hub.wrong_tokens_for(case.operation.path).items():
            headers = case.headers.copy()
            headers.pop("Authorization", None)
            if token is not None:
                headers.update(bearer(token))
            stranger = case.derive(headers=headers).call(base_url=hub.url, session=hub.http)
            assert stranger.status_code in allowed, (
                f"with {sent}: {stranger.status_code}, expected one of {sorted(allowed)}"
            )
        return None

    return no_access_without_the_right_token


@BOUNDED
@schema.parametrize()
def test_no_server_error_and_no_access_without_the_right_token(case: Case[Any], hub: Hub) -> None:
    FUZZED[f"{case.operation.method.upper()} {case.operation.path}"] += 1
    case.call_and_validate(
        base_url=hub.url,
        session=hub.http,
        headers=bearer(hub.token_for(case.operation.path)),
        checks=[not_a_server_error, refuses_strangers(hub)],
    )


def test_numbers_past_the_databases_range_are_refused(hub: Hub) -> None:
    """Found by the fuzzing above: these were 500s, the driver cannot bind such a number."""
    largest = 2**63 - 1

    def pull(cursor: int) -> int:
        body: dict[str, Any] = {
            "protocol": PROTOCOL_VERSION,
            "station_id": STATION,
            "cursor": cursor,
        }
        answer = hub.http.post(
            f"{hub.url}{PULL_PATH}", json=body, headers=bearer(hub.station_token)
        )
        return answer.status_code

    def read(path: str, after: int) -> int:
        answer = hub.http.get(
            f"{hub.url}{path}", params={"after": after}, headers=bearer(hub.plant.admin_token)
        )
        return answer.status_code

    assert (pull(largest), pull(largest + 1)) == (200, 400)
    for path in ("/v1/admin/events/flagged", f"/v1/admin/stations/{STATION}/events"):
        assert (read(path, largest), read(path, largest + 1)) == (200, 400)


_STATIONS = itertools.count(1)
_TEXT = st.text(min_size=1, max_size=64)
# Mostly the next few numbers, so events get in, and some far past what a database holds.
_SEQ = st.sampled_from([1, 2, 3, 2**31, 2**63 - 1, 2**63, 10**30]) | st.integers(min_value=1)
# Any moment from year 1 to 9999 at any whole-minute UTC offset.
_MOMENT = st.builds(
    lambda when, minutes: when.replace(tzinfo=timezone(timedelta(minutes=minutes))).isoformat(),
    st.datetimes(),
    st.integers(-(23 * 60 + 59), 23 * 60 + 59),
)
_EVENT = st.fixed_dictionaries(
    {
        "id": _TEXT,
        "seq": _SEQ,
        "type": _TEXT | st.sampled_from(["operation.reported", "material.consumed"]),
        "payload": st.dictionaries(
            _TEXT,
            st.none() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | _TEXT,
        ),
        "occurred_at": _MOMENT,
        "mono_ns": st.integers(),
        "boot_id": st.text(max_size=64),
    }
)


@BOUNDED
@given(epoch=_TEXT, events=st.lists(_EVENT, max_size=5))
@example(epoch="E", events=[])
@example(
    epoch="Ω-😀",
    events=[
        {
            "id": "événement-😀",
            "seq": 1,
            "type": "operation.reported",
            "payload": {"operation_id": "op-WO-WC-A-0-1", "good": 10**30, "scrap": 0, "ß": "𝔘\x00"},
            "occurred_at": "0001-01-01T00:00:00+23:59",
            "mono_ns": -(2**70),
            "boot_id": "",
        },
        {
            "id": "\u202egap",
            "seq": 2**63,
            "type": "auth.login",
            "payload": {},
            "occurred_at": "9999-12-31T23:59:59-23:59",
            "mono_ns": 2**70,
            "boot_id": "b",
        },
    ],
)
def test_push_with_wild_but_well_formed_bodies_never_fails(
    hub: Hub, hub_schema: BaseSchema, epoch: str, events: list[dict[str, Any]]
) -> None:
    # A fresh station for each batch: its first epoch is taken, so every batch reaches the
    # sequence checks, the rules and the insert instead of stopping at an epoch conflict.
    station_id = f"WILD-{next(_STATIONS)}"
    token = hub.plant.enrol(station_id, "WC-A")
    body: dict[str, Any] = {
        "protocol": PROTOCOL_VERSION,
        "station_id": station_id,
        "epoch": epoch,
        "sent_at": datetime.now(UTC).isoformat(),
        "events": events,
    }
    case = hub_schema[PUSH_PATH]["POST"].Case(body=body)
    response = case.call_and_validate(
        base_url=hub.url, session=hub.http, headers=bearer(token), checks=[not_a_server_error]
    )
    answer = response.json()
    if any(event["seq"] > 2**63 - 1 for event in events):
        # Past what a database integer holds: the protocol's schema refuses the batch.
        assert response.status_code == 400, answer
        return
    # 409: the batch reused a sequence number for another event, as a restored database does.
    assert response.status_code in (200, 409), answer
    if response.status_code == 200:
        # The hub names the events it did not plainly accept; the others it stored as accepted.
        named = {result["seq"] for result in answer["results"]}
        assert named <= {event["seq"] for event in events}
        stored = {row.seq: row.status for row in hub.plant.events(station_id)}
        assert all(stored[e["seq"]] == "accepted" for e in events if e["seq"] not in named)


def test_every_endpoint_was_fuzzed(hub: Hub) -> None:
    """Runs after the fuzzing: every route the app serves was in the schema and was tested
    (the station calls are plain Starlette routes, documented by hand: they count too)."""
    served = {
        f"{method} {route.path}"
        for route in create_hub_app(hub.plant.engine).routes
        if isinstance(route, Route) and route.include_in_schema
        for method in route.methods or ()
    }
    assert set(FUZZED) == served
