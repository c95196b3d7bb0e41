"""How the station reads a hub's push answers when two batches are in flight, against a
scripted hub (httpx.MockTransport) that answers what a real one rarely would."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
import msgspec
import pytest
from sqlmodel import col, select

from kiosk.clock import SystemClock
from kiosk.config import HubSection
from kiosk.store.database import Store
from kiosk.store.models import Event
from sync.client import HubUnreachable, SyncClient
from sync.protocol import (
    EventResult,
    EventStatus,
    PushRequest,
    PushResponse,
    RejectReason,
)
from sync.station_state import queue_state
from tests.hub_harness import open_station, write_events

Answer = Callable[[PushRequest], PushResponse]


def _scripted(answer: Answer) -> httpx.MockTransport:
    lock = threading.Lock()  # the two sender threads may call at once

    def handle(request: httpx.Request) -> httpx.Response:
        with lock:
            push = msgspec.json.decode(request.content, type=PushRequest)
            return httpx.Response(200, content=msgspec.json.encode(answer(push)))

    return httpx.MockTransport(handle)


def _client(store: Store, transport: httpx.BaseTransport) -> SyncClient:
    section = HubSection(url="http://hub", token="t", timeout_seconds=5.0, batch_size=5)
    return SyncClient(store, section, SystemClock(), transport)


def _gaps(push: PushRequest, last_seq: int) -> PushResponse:
    results = [
        EventResult(id=e.id, seq=e.seq, status=EventStatus.GAP, detail="expected earlier")
        for e in push.events
    ]
    return PushResponse(hub_time=datetime.now(UTC), last_seq=last_seq, results=results)


def _statuses(store: Store) -> dict[int, str | None]:
    with store.read() as session:
        rows = session.exec(select(Event.seq, Event.sync_status).order_by(col(Event.seq)))
        return dict(rows.all())


def test_a_hub_that_goes_back_in_time_during_a_push_gets_its_events_again(
    tmp_path: Path,
) -> None:
    """Batch 1-5 is applied; then the hub answers from an older copy of its database
    (last applied 0). The push must end, with 1-5 back in the queue, not loop."""
    store = open_station(tmp_path, "ST-1")
    write_events(store, 10)
    calls = 0

    def answer(push: PushRequest) -> PushResponse:
        nonlocal calls
        calls += 1
        if push.events[0].seq == 1 and calls == 1:
            return PushResponse(hub_time=datetime.now(UTC), last_seq=5, results=[])
        return _gaps(push, 0)

    sync = _client(store, _scripted(answer))
    try:
        sync.push_pending()
    finally:
        sync.close()
    assert calls < 10
    assert queue_state(store).queued == 10


def test_an_answer_that_arrived_is_kept_when_the_batch_ahead_of_it_times_out(
    tmp_path: Path,
) -> None:
    store = open_station(tmp_path, "ST-1")
    write_events(store, 10)

    def handle(request: httpx.Request) -> httpx.Response:
        push = msgspec.json.decode(request.content, type=PushRequest)
        if push.events[0].seq == 1:  # applied on the hub, but its answer never came
            raise httpx.ReadTimeout("no answer", request=request)
        rejected = EventResult(
            id=push.events[2].id,
            seq=push.events[2].seq,
            status=EventStatus.REJECTED,
            reason=RejectReason.TAKEN.value,
            detail="already taken by station ST-2",
        )
        answer = PushResponse(hub_time=datetime.now(UTC), last_seq=10, results=[rejected])
        return httpx.Response(200, content=msgspec.json.encode(answer))

    sync = _client(store, httpx.MockTransport(handle))
    try:
        with pytest.raises(HubUnreachable):
            sync.push_pending()
    finally:
        sync.close()
    statuses = _statuses(store)
    assert statuses[8] == "rejected"
    assert [statuses[seq] for seq in (6, 7, 9, 10)] == ["accepted"] * 4
    assert [statuses[seq] for seq in range(1, 6)] == [None] * 5  # unknown: sent again later
