"""The print queue in a real station database: nothing lost while the printer is away."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

from sqlmodel import col, select

from devices.labels.templates import BoxLabel, ProductLabel
from kiosk.config import PrinterDevice
from kiosk.identity import SignedIn
from kiosk.label_printer import send_as_queued
from kiosk.print_queue import PrintQueue
from kiosk.services import Services
from kiosk.store.models import Event
from kiosk.work import ReprintReason
from tests.fakes import FakeClock

LABEL = ProductLabel("FG-MC200", "电机控制板", "SN00000042", "WO-2611-0032", date(2026, 11, 25))


def operator(services: Services) -> SignedIn:
    user = services.auth.badge("E1001").user
    assert user is not None
    return user


def label_events(services: Services) -> list[Event]:
    with services.store.read() as session:
        return list(
            session.exec(
                select(Event).where(col(Event.type).startswith("label.")).order_by(col(Event.seq))
            ).all()
        )


def test_a_queued_label_is_recorded_and_due(services: Services) -> None:
    who = operator(services)
    job_id = services.printing.enqueue(LABEL, who)
    [queued] = label_events(services)
    assert (queued.type, queued.subject_id, queued.user_id) == ("label.queued", job_id, who.user_id)
    assert json.loads(queued.payload)["label"]["serial"] == "SN00000042"
    [due] = services.printing.due()
    assert (due.job_id, due.label, due.attempts) == (job_id, LABEL, 0)


def test_an_offline_printer_delays_the_job_and_keeps_it(
    services: Services, clock: FakeClock
) -> None:
    job_id = services.printing.enqueue(LABEL, operator(services))
    services.printing.failed(job_id, "connection refused")
    assert services.printing.due() == []  # first retry after 2 s
    clock.advance(2)
    [again] = services.printing.due()
    assert (again.attempts, again.last_error) == (1, "connection refused")
    services.printing.failed(job_id, "connection refused")
    clock.advance(3)
    assert services.printing.due() == []  # then 4 s
    clock.advance(1)
    # The station restarts: a new queue on the same file still has the job.
    restarted = PrintQueue(services.store, clock)
    assert [j.job_id for j in restarted.due()] == [job_id]
    assert restarted.waiting() == 1


def test_printed_jobs_leave_the_queue_with_an_event(services: Services) -> None:
    who = operator(services)
    job_id = services.printing.enqueue(LABEL, who)
    services.printing.printed(job_id)
    services.printing.printed(job_id)  # a second report changes nothing
    assert services.printing.due() == [] and services.printing.waiting() == 0
    assert [e.type for e in label_events(services)] == ["label.queued", "label.printed"]
    last = services.printing.last_printed(who)
    assert last is not None and last.job_id == job_id
    somebody_else = services.auth.badge("E1002").user
    assert somebody_else is not None
    assert services.printing.last_printed(somebody_else) is None


def test_a_reprint_is_a_new_job_with_its_reason(services: Services) -> None:
    who = operator(services)
    box = BoxLabel("FG-MC200", "L2611-0042", 20, ("SN1", "SN2"))
    first = services.printing.enqueue(box, who)
    services.printing.printed(first)
    second = services.printing.reprint(first, who, ReprintReason.DAMAGED)
    assert second != first
    services.printing.printed(second)
    third = services.printing.reprint(second, who, ReprintReason.LOST)
    assert json.loads(label_events(services)[-1].payload)["reprint_of"] == first
    services.printing.printed(third)
    reprint = next(e for e in label_events(services) if e.type == "label.reprint")
    payload = json.loads(reprint.payload)
    assert (payload["reprint_of"], payload["reason"]) == (first, "damaged")
    assert json.loads(reprint.payload)["label"]["serials"] == ["SN1", "SN2"]


def test_labels_go_out_in_order_behind_a_failed_one(services: Services, clock: FakeClock) -> None:
    who = operator(services)
    first = services.printing.enqueue(LABEL, who)
    services.printing.failed(first, "connection refused")
    second = services.printing.enqueue(LABEL, who)  # queued during the outage
    assert services.printing.due() == []  # it waits behind the first, not before it
    clock.advance(2)
    assert [j.job_id for j in services.printing.due()] == [first, second]


def test_a_label_that_cannot_be_rendered_leaves_the_queue_on_record(services: Services) -> None:
    job_id = services.printing.enqueue(LABEL, operator(services))
    services.printing.unprintable(job_id, "serial is not printable ASCII")
    assert services.printing.waiting() == 0
    failed = label_events(services)[-1]
    assert failed.type == "label.failed"
    assert json.loads(failed.payload)["error"] == "serial is not printable ASCII"


def test_a_waiting_sender_wakes_only_once_the_label_is_committed(services: Services) -> None:
    who = operator(services)
    woken = threading.Event()

    def wait() -> None:
        services.printing.wait_for_work(None)  # no timeout: only a queued label ends it
        woken.set()

    waiter = threading.Thread(target=wait, daemon=True)
    waiter.start()
    with services.store.write() as session:
        services.printing.add_in(session, LABEL, who)
        # Not before the commit: the sender would read the queue, find it empty and sleep.
        assert not woken.wait(0.2)
    assert woken.wait(30)
    assert [j.label for j in services.printing.due()] == [LABEL]


def test_a_label_queued_while_the_sender_prints_is_not_missed(services: Services) -> None:
    who = operator(services)
    services.printing.wait_for_work(0)  # nothing queued yet: returns after no time at all
    services.printing.enqueue(LABEL, who)  # queued while the sender was busy elsewhere
    started = time.monotonic()
    services.printing.wait_for_work(30)
    assert time.monotonic() - started < 10


def test_the_sender_prints_labels_as_they_are_queued_until_stopped(
    services: Services, tmp_path: Path
) -> None:
    printer = PrinterDevice(kind="folder", target=str(tmp_path))
    stop = threading.Event()
    printed = threading.Semaphore(0)
    sender = threading.Thread(
        target=send_as_queued,
        args=(services.printing, printer, stop, 3600, printed.release, lambda *_: None),
        daemon=True,
    )
    sender.start()
    who = operator(services)
    for serial in ("SN00000001", "SN00000002"):
        job_id = services.printing.enqueue(replace(LABEL, serial=serial), who)
        # An hour between retries: only the wake-up on queuing can have sent it.
        assert printed.acquire(timeout=30)
        assert serial in (tmp_path / f"{job_id}.zpl").read_text(encoding="utf-8")
    assert services.printing.waiting() == 0
    stop.set()
    services.printing.wake()
    sender.join(30)
    assert not sender.is_alive()
