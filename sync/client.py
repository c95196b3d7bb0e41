"""The station's sync client: push the outbox, pull reference data, fetch the exceptions of
its lines. Blocking: run it in a worker thread or its own process, never on the UI's event
loop."""

from __future__ import annotations

import ssl
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, TypeVar

import httpx
import msgspec

from kiosk.clock import Clock
from kiosk.config import HubSection
from kiosk.store.database import Store
from sync import station_state
from sync.line_andon import apply_line_exceptions, open_here
from sync.protocol import (
    EXCEPTIONS_PATH,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    PULL_PATH,
    PUSH_PATH,
    ErrorBody,
    ErrorCode,
    EventStatus,
    LineExceptionsRequest,
    LineExceptionsResponse,
    Message,
    OutboxEvent,
    PullRequest,
    PullResponse,
    PushRequest,
    PushResponse,
)

_Answer = TypeVar("_Answer", bound=Message)
# A push answer, with this station's clock just before sending and just after answering.
_Posted = tuple[PushResponse, datetime, datetime]
# Push batches on their way to the hub at once.
_IN_FLIGHT = 2


@dataclass(frozen=True)
class _Flight:
    batch: list[OutboxEvent]
    posted: Future[_Posted]
    # The hub's last applied sequence as known when this batch left.
    confirmed_then: int


class _Answered(NamedTuple):
    answer: PushResponse
    confirmed: int  # the hub's last applied sequence, after this answer
    gap: bool
    overtaken: bool
    skew_ms: int
    received: datetime


Progress = Callable[[int, int], None]


class HubUnreachable(Exception):
    """No usable answer (no connection, timeout, 5xx): try again later."""


class CallUnknown(HubUnreachable):
    """The hub answered 404: a call it does not have (an older hub), or not a hub at all."""


class SyncRefused(Exception):
    """The hub answered but will not sync with this station as it is; retrying won't help."""

    def __init__(self, code: ErrorCode, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class SyncReport:
    pushed: int
    pulled: int
    # Why pushing is stopped (a database the hub will not merge yet), or "".
    blocked: str


def _tls(hub: HubSection) -> ssl.SSLContext:
    # Without a CA file this is the system's trust store (httpx alone would use certifi's).
    return ssl.create_default_context(cafile=hub.ca_file or None)


def http_client(hub: HubSection, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """An HTTP client for the hub: its URL, the station's token, TLS as configured."""
    return httpx.Client(
        base_url=hub.url,
        timeout=hub.timeout_seconds,
        verify=_tls(hub) if hub.url.startswith("https") else True,
        headers={
            "Authorization": f"Bearer {hub.token}",
            PROTOCOL_HEADER: str(PROTOCOL_VERSION),
        },
        transport=transport,
    )


def push_body(
    station_id: str, epoch: str, sent_at: datetime, events: Sequence[OutboxEvent]
) -> bytes:
    return msgspec.json.encode(
        PushRequest(
            protocol=PROTOCOL_VERSION,
            station_id=station_id,
            epoch=epoch,
            sent_at=sent_at,
            events=list(events),
        )
    )


def exchange(
    http: httpx.Client, path: str, request: Message | bytes | None, answer: type[_Answer]
) -> _Answer:
    """POST `request`, return the hub's answer; raise HubUnreachable or SyncRefused."""
    if isinstance(request, Message):
        request = msgspec.json.encode(request)
    try:
        response = http.post(
            path,
            content=request or b"",
            # Per request: httpx drops a client-wide content type when given raw content.
            headers={"Content-Type": "application/json"},
        )
    except httpx.HTTPError as exc:
        raise HubUnreachable(f"{type(exc).__name__}: {exc}") from None
    if response.status_code >= 500:
        raise HubUnreachable(f"hub answered {response.status_code}")
    if response.status_code == 404:
        raise CallUnknown(f"hub answered 404 to {path}")
    if response.is_success:
        try:
            return msgspec.json.decode(response.content, type=answer)
        except msgspec.DecodeError:
            raise HubUnreachable("the hub's answer was not understood") from None
    try:
        error = msgspec.json.decode(response.content, type=ErrorBody)
    except msgspec.DecodeError:
        # Not the hub's own error (a proxy's page, say): treat it like no answer.
        raise HubUnreachable(f"hub answered {response.status_code}") from None
    raise SyncRefused(error.error, error.detail)


class SyncClient:
    def __init__(
        self,
        store: Store,
        hub: HubSection,
        clock: Clock,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._store = store
        self._hub = hub
        self._clock = clock
        self._http = http_client(hub, transport)

    def close(self) -> None:
        self._http.close()

    def sync_once(self, progress: Progress | None = None) -> SyncReport:
        """Push everything queued, pull every change, then fetch the exceptions of this
        station's lines; raises on a failed exchange."""
        blocked = ""
        try:
            pushed = self.push_pending()
        except SyncRefused as refused:
            if refused.code is not ErrorCode.EPOCH_CONFLICT:
                raise
            station_state.set_blocked(self._store, refused.detail)
            pushed, blocked = 0, refused.detail
        pulled = self.pull_all(progress)
        self.fetch_line_exceptions()
        return SyncReport(pushed=pushed, pulled=pulled, blocked=blocked)

    def push_pending(self) -> int:
        """Send the outbox in order; returns how many events left (or re-entered) the queue.

        Two batches are in flight, on two connections: the hub takes the second as soon as
        it has committed the first. The batch after them is read while the hub works and
        leaves as soon as an answer frees a place, before that answer is written down: the
        hub never waits on this station's disk. The hub applies a station's batches one at
        a time, in sequence order; a batch it reaches too early is answered `gap` and sent
        again.
        """
        sent = 0
        confirmed = 0  # the hub's last applied sequence, as its answers in this push say
        read_after = 0
        ahead: list[OutboxEvent] = []  # the next batch, read while the hub works
        flights: deque[_Flight] = deque()
        sender = ThreadPoolExecutor(max_workers=_IN_FLIGHT, thread_name_prefix="sync-push")

        def take_off(batch: list[OutboxEvent]) -> None:
            nonlocal read_after
            # `sent_at` is when the batch is encoded, just before it leaves.
            body = push_body(self._store.station_id, self._store.epoch, self._clock.now(), batch)
            flights.append(_Flight(batch, sender.submit(self._post, body), confirmed))
            read_after = batch[-1].seq

        try:
            while True:
                while len(flights) < _IN_FLIGHT:
                    batch = ahead or station_state.unsent(
                        self._store, self._hub.batch_size, read_after
                    )
                    ahead = []
                    if not batch:
                        break
                    take_off(batch)
                if not flights:
                    return sent
                if not ahead:
                    ahead = station_state.unsent(self._store, self._hub.batch_size, read_after)
                flight = flights.popleft()
                try:
                    answer = self._answer(flight, confirmed)
                except (HubUnreachable, SyncRefused):
                    # A batch sent after this one may have its answer already: keep its
                    # flags and rejections (sent again, it would only be "duplicate").
                    for later in flights:
                        if later.posted.exception() is None:
                            answered = self._answer(later, confirmed)
                            self._record(later, answered)
                            confirmed = answered.confirmed
                    raise
                confirmed = answer.confirmed
                if ahead and not answer.gap:
                    take_off(ahead)
                    ahead = []
                done = self._record(flight, answer)
                sent += done
                if answer.gap:
                    # What is in flight after a gap is a gap too: read the queue afresh.
                    # A real gap (the hub lost events) that moved nothing ends this push.
                    wait([later.posted for later in flights])
                    flights.clear()
                    ahead = []
                    read_after = 0
                    if not done and not answer.overtaken:
                        return sent
        finally:
            sender.shutdown(wait=True, cancel_futures=True)

    def _answer(self, flight: _Flight, confirmed: int) -> _Answered:
        """What the hub's answer to `flight` means; raises what its post raised."""
        answer, before, after = flight.posted.result()
        # The hub took this batch before the one ahead of it and answered with what it had
        # then: what it has confirmed since stands. Any other older answer is the hub's word
        # (it lost events: restored from a backup), and what it lacks goes back in the queue.
        overtaken = flight.confirmed_then <= answer.last_seq < confirmed
        skew_ms = int(((before + (after - before) / 2) - answer.hub_time).total_seconds() * 1000)
        return _Answered(
            answer,
            confirmed=confirmed if overtaken else answer.last_seq,
            gap=any(result.status is EventStatus.GAP for result in answer.results),
            overtaken=overtaken,
            skew_ms=skew_ms,
            received=after,
        )

    def _record(self, flight: _Flight, answered: _Answered) -> int:
        """Write the answer down; returns how many events left (or re-entered) the queue."""
        return station_state.record_answers(
            self._store,
            flight.batch,
            answered.answer.results,
            answered.confirmed,
            answered.received,
            answered.skew_ms,
        )

    def _post(self, body: bytes) -> _Posted:
        before = self._clock.now()
        answer = exchange(self._http, PUSH_PATH, body, PushResponse)
        return answer, before, self._clock.now()

    def fetch_line_exceptions(self) -> bool:
        """Bring the open exceptions of this station's lines into its andon table; False
        when the hub has no such call (older than it), which leaves the table as it is."""
        asked = open_here(self._store)
        request = LineExceptionsRequest(
            protocol=PROTOCOL_VERSION, station_id=self._store.station_id, asking=asked
        )
        try:
            answer = exchange(self._http, EXCEPTIONS_PATH, request, LineExceptionsResponse)
        except CallUnknown:
            return False
        apply_line_exceptions(self._store, asked, answer)
        return True

    def pull_all(self, progress: Progress | None = None) -> int:
        pulled = 0
        while True:
            cursor, resync = station_state.cursor(self._store)
            request = PullRequest(
                protocol=PROTOCOL_VERSION,
                station_id=self._store.station_id,
                cursor=cursor,
                full=resync,
            )
            answer = exchange(self._http, PULL_PATH, request, PullResponse)
            if answer.resync_required:
                station_state.start_resync(self._store)
                continue
            station_state.apply_page(
                self._store,
                answer.changes,
                answer.cursor,
                resync,
                not answer.more,
                self._clock.now(),
            )
            pulled += len(answer.changes)
            if progress is not None:
                progress(pulled, pulled + answer.remaining)
            if not answer.more:
                return pulled
