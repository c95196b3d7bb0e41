"""The persistent print queue: a label is kept until a printer has taken it.

Queuing, printing and reprinting are events; a failed attempt only moves the job's next try
back (exponential, capped), so an offline printer never loses a label nor blocks the station.
Whoever sends the labels sleeps until one is queued (`wait_for_work`): an empty queue is never
polled, so it takes no time from the operator's scans.
"""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.event import listen
from sqlmodel import Session, col, select

from devices.labels.templates import BoxLabel, Label, ProductLabel
from kiosk.clock import Clock
from kiosk.identity import SignedIn
from kiosk.ids import new_id
from kiosk.store.database import Store
from kiosk.store.models import PrintJob
from kiosk.work import ReprintReason

QUEUED = "label.queued"
PRINTED = "label.printed"
REPRINT = "label.reprint"
FAILED = "label.failed"


@dataclass(frozen=True)
class QueuedLabel:
    job_id: str
    label: Label
    attempts: int
    last_error: str


class PrintQueue:
    def __init__(
        self, store: Store, clock: Clock, retry_base: float = 2.0, retry_cap: float = 15.0
    ) -> None:
        self._store = store
        self._clock = clock
        self._retry_base = retry_base
        self._retry_cap = retry_cap
        self._work = threading.Event()

    def wake(self) -> None:
        """Whoever waits in `wait_for_work` looks at the queue again."""
        self._work.set()

    def wait_for_work(self, timeout: float | None) -> None:
        """Block until a label is queued (committed) or `wake` is called, at most `timeout`
        seconds (None: no limit). A label queued since the last wait returns at once."""
        self._work.wait(timeout)
        self._work.clear()  # before the caller reads the queue: a later label wakes it again

    def enqueue(self, label: Label, who: SignedIn) -> str:
        return self._add(label, who, QUEUED, {})

    def reprint(self, job_id: str, who: SignedIn, reason: ReprintReason) -> str:
        """Print a label again; the reason is recorded with who asked."""
        with self._store.read() as session:
            original = session.get(PrintJob, job_id)
        if original is None:
            raise KeyError(job_id)
        label = _label(original.kind, original.data)
        first = original.reprint_of or original.id  # a copy of a copy is still of the original
        return self._add(label, who, REPRINT, {"reprint_of": first, "reason": reason.value})

    def last_printed(self, who: SignedIn) -> QueuedLabel | None:
        """The last label printed for this person: the one they hold in their hand."""
        with self._store.read() as session:
            job = session.exec(
                select(PrintJob)
                .where(PrintJob.status == "printed", PrintJob.user_id == who.user_id)
                .order_by(col(PrintJob.printed_at).desc())
            ).first()
        return None if job is None else _queued(job)

    def due(self) -> list[QueuedLabel]:
        """The waiting jobs in the order they were queued, once the oldest may be tried.

        Labels go out in order (the next unit must not get the label of the one after it),
        so the oldest job's retry time holds back the whole queue.
        """
        with self._store.read() as session:
            jobs = session.exec(
                select(PrintJob).where(PrintJob.status == "queued").order_by(col(PrintJob.id))
            ).all()
        if not jobs:
            return []
        head_time = jobs[0].next_attempt_at
        if head_time is not None and head_time > self._clock.now():
            return []
        return [_queued(job) for job in jobs]

    def waiting(self) -> int:
        with self._store.read() as session:
            return len(session.exec(select(PrintJob.id).where(PrintJob.status == "queued")).all())

    def printed(self, job_id: str) -> None:
        with self._store.write() as session:
            job = session.get(PrintJob, job_id)
            if job is None or job.status != "queued":
                return
            job.status, job.printed_at = "printed", self._clock.now()
            session.add(job)
            self._store.outbox.append(
                session,
                PRINTED,
                {"job_id": job_id, "attempts": job.attempts + 1},
                job.user_id,
                subject_id=job_id,
            )

    def unprintable(self, job_id: str, error: str) -> None:
        """A label that can never be rendered leaves the queue (recorded), not blocking it."""
        with self._store.write() as session:
            job = session.get(PrintJob, job_id)
            if job is None or job.status != "queued":
                return
            job.status, job.last_error = "failed", error
            session.add(job)
            self._store.outbox.append(
                session, FAILED, {"job_id": job_id, "error": error}, job.user_id, subject_id=job_id
            )

    def failed(self, job_id: str, error: str) -> None:
        with self._store.write() as session:
            job = session.get(PrintJob, job_id)
            if job is None:
                return
            job.attempts += 1
            job.last_error = error
            delay = min(self._retry_cap, self._retry_base * 2 ** (job.attempts - 1))
            job.next_attempt_at = self._clock.now() + timedelta(seconds=delay)
            session.add(job)

    def add_in(self, session: Session, label: Label, who: SignedIn) -> str:
        """Queue a label inside the caller's write transaction: it is queued if and only if
        what it labels is recorded."""
        return self._add_in(session, label, who, QUEUED, {})

    def _add(self, label: Label, who: SignedIn, event: str, extra: dict[str, str]) -> str:
        with self._store.write() as session:
            return self._add_in(session, label, who, event, extra)

    def _add_in(
        self, session: Session, label: Label, who: SignedIn, event: str, extra: dict[str, str]
    ) -> str:
        # Woken once the label can be read, i.e. after the caller's transaction commits.
        listen(session, "after_commit", lambda _session: self.wake(), once=True)
        kind = "product" if isinstance(label, ProductLabel) else "box"
        data = json.dumps(asdict(label), default=_encode, ensure_ascii=False, sort_keys=True)
        job_id = new_id()
        session.add(
            PrintJob(
                id=job_id,
                kind=kind,
                data=data,
                created_at=self._clock.now(),
                reprint_of=extra.get("reprint_of"),
                user_id=who.user_id,
            )
        )
        self._store.outbox.append(
            session,
            event,
            {"job_id": job_id, "kind": kind, "label": json.loads(data), **extra},
            who.user_id,
            subject_id=job_id,
        )
        return job_id


def _encode(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} in a label")


def _label(kind: str, data: str) -> Label:
    fields = json.loads(data)
    if kind == "product":
        fields["printed_on"] = date.fromisoformat(fields["printed_on"])
        return ProductLabel(**fields)
    fields["serials"] = tuple(fields["serials"])
    return BoxLabel(**fields)


def _queued(job: PrintJob) -> QueuedLabel:
    return QueuedLabel(job.id, _label(job.kind, job.data), job.attempts, job.last_error)
