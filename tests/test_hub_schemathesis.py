"""The hub fuzzed from its own OpenAPI schema: no input makes it fail with a server error,
and no endpoint but /health answers a caller without the right token."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from schemathesis import BaseSchema, Case, CheckContext, Response
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import ignored_auth

from hub.app import create_hub_app
from sync.protocol import PROTOCOL_VERSION, PULL_PATH, PUSH_PATH
from tests.hub_harness import Plant, make_plant, operation_records, running_hub

STATION = "ST-1"
OPEN_PATHS = {"/health"}


@dataclass(frozen=True)
class Hub:
    url: str
    plant: Plant
    station_token: str

    def token_for(self, path: str) -> str:
        return self.plant.admin_token if path.startswith("/v1/admin/") else self.station_token

    def wrong_tokens_for(self, path: str) -> list[str | None]:
        """No token, a made-up one, and the real token of the other kind of caller."""
        other = self.station_token if path.startswith("/v1/admin/") else self.plant.admin_token
        return [None, "made-up-token", other]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    folder = tmp_path_factory.mktemp("hub")
    db_url = f"sqlite:///{folder / 'hub.db'}"
    plant = make_plant(db_url)
    station_token = plant.enrol(STATION, "WC-A")
    plant.write(operation_records("WC-A", 3))
    with running_hub(db_url, folder) as process:
        yield Hub(process.url, plant, station_token)


@pytest.fixture(scope="module")
def hub_schema(hub: Hub) -> BaseSchema:
    schema = schemathesis.openapi.from_url(f"{hub.url}/openapi.json")

    @schema.hook("flatmap_body")
    def _own_station(context: schemathesis.HookContext, body: Any) -> st.SearchStrategy[Any]:
        # A random station id is refused before the batch is looked at; half the sync
        # bodies speak for the enrolled station, so push and pull reach the database.
        if context.operation is None or context.operation.path not in (PUSH_PATH, PULL_PATH):
            return st.just(body)
        if not isinstance(body, dict):
            return st.just(body)
        own = {**body, "station_id": STATION, "protocol": PROTOCOL_VERSION}
        return st.sampled_from([body, own])

    return schema


schema = schemathesis.pytest.from_fixture("hub_schema")
FUZZED: Counter[str] = Counter()


# Refusals that come from the request's form (malformed, wrong method, unknown path) and so
# may reach a caller before its token is looked at.
_REFUSED_FOR_FORM = {400, 404, 405}


def refuses_strangers(hub: Hub) -> schemathesis.CheckFunction:
    """The same request without a token, with a made-up one, or with the other kind is 401."""

    def check(ctx: CheckContext, response: Response, case: Case) -> bool | None:
        if case.operation.path in OPEN_PATHS:
            return None
        allowed = (
            {401, response.status_code} if response.status_code in _REFUSED_FOR_FORM else {401}
        )
        for token in hub.wrong_tokens_for(case.operation.path):
            headers = case.headers.copy()
            headers.pop("Authorization", None)
            if token is not None:
                headers.update(_bearer(token))
            status = case.derive(headers=headers).call(base_url=hub.url).status_code
            assert status in allowed, f"token {token!r}: {status}, expected one of {allowed}"
        return None

    return check


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@schema.parametrize()
def test_no_server_error_and_no_access_without_the_right_token(case: Case, hub: Hub) -> None:
    FUZZED[f"{case.operation.method.upper()} {case.operation.path}"] += 1
    case.call_and_validate(
        base_url=hub.url,
        headers=_bearer(hub.token_for(case.path)),
        checks=[not_a_server_error],
    )


_STATIONS = itertools.count(1)
_SEQ = st.one_of(
    st.integers(1, 3), st.integers(min_value=2**31), st.sampled_from([2**63 - 1, 2**63, 10**30])
)
_TEXT = st.text(min_size=1, max_size=64)
# Any moment from year 1 to 9999 at any whole-minute UTC offset.
_MOMENT = st.builds(
    lambda when, minutes: when.replace(tzinfo=timezone(timedelta(minutes=minutes))).isoformat(),
    st.datetimes(),
    st.integers(-23 * 60 - 59, 23 * 60 + 59),
)
_EVENT = st.fixed_dictionaries(
    {
        "id": _TEXT,
        "seq": _SEQ,
        "type": _TEXT | st.sampled_from(["operation.reported", "material.consumed"]),
        "payload": st.dictionaries(_TEXT, st.none() | st.integers() | _TEXT, max_size=4),
        "occurred_at": _MOMENT,
        "mono_ns": st.integers(),
        "boot_id": st.text(max_size=64),
    }
)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(epoch=_TEXT, events=st.lists(_EVENT, max_size=5))
@example(epoch="E", events=[])
@example(
    epoch="Ω-😀",
    events=[
        {
            "id": "événement-😀",
            "seq": 1,
            "type": "operation.reported",
            "payload": {"operation_id": "op-WO-WC-A-0", "good": 10**30, "scrap": 0, "ß": "𝔘\x00"},
            "occurred_at": "0001-01-01T00:00:00+23:59",
            "mono_ns": -(2**70),
            "boot_id": "",
        },
        {
            "id": "‮gap",
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
    # A fresh station for each batch: its first epoch is accepted, so every batch reaches
    # the sequence checks, the rules and the insert instead of stopping at an epoch conflict.
    station_id = f"W-{next(_STATIONS)}"
    token = hub.plant.enrol(station_id, "WC-A")
    body = {
        "protocol": PROTOCOL_VERSION,
        "station_id": station_id,
        "epoch": epoch,
        "sent_at": datetime.now(UTC).isoformat(),
        "events": events,
    }
    case = hub_schema[PUSH_PATH]["POST"].Case(body=body)
    response = case.call_and_validate(
        base_url=hub.url, headers=_bearer(token), checks=[not_a_server_error]
    )
    answer = response.json()
    assert response.status_code in (200, 409), answer
    if response.status_code == 200:
        assert [r["seq"] for r in answer["results"]] == sorted(e["seq"] for e in events)


def test_every_endpoint_was_fuzzed(hub: Hub) -> None:
    """Runs last: schemathesis tested each route the app serves, none is missing from it."""
    app = create_hub_app(hub.plant.engine)
    served = {
        f"{method} {route.path}"
        for route in app.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    }
    print(FUZZED)
    assert set(FUZZED) == served
    assert min(FUZZED.values()) >= 10
