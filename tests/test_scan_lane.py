"""A screen's scan lane: scans from a reader thread are taken only while the screen is on
top, refused otherwise (the app then routes them the usual way), and never lost between."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest

from devices.scan import Scan
from screens.scan_lane import Empty, ScanLane


def scan(n: int) -> Scan:
    return Scan.from_frame(
        b"LOT-%d" % n, source="scanner", received_at=datetime.now(UTC), received_mono=float(n)
    )


def drain(lane: ScanLane) -> list[Scan | None]:
    taken: list[Scan | None] = []
    while True:
        try:
            taken.append(lane.next(timeout=0))
        except Empty:
            return taken


def test_scans_are_offered_only_while_the_screen_is_on_top() -> None:
    lane = ScanLane()
    assert not lane.offer(scan(1))  # not on top yet: the app sends it the usual way
    lane.resume()
    assert lane.offer(scan(2))
    lane.pause()
    assert not lane.offer(scan(3))
    lane.put(scan(4))  # came the usual way while paused: still judged, in its turn
    assert [s.text if s else s for s in drain(lane)] == ["LOT-2", "LOT-4"]


def test_a_closed_lane_refuses_everything_and_ends_its_judge() -> None:
    lane = ScanLane()
    lane.resume()
    assert lane.offer(scan(1))
    lane.close()
    assert not lane.offer(scan(2))
    lane.put(scan(3))
    assert [s.text if s else s for s in drain(lane)] == ["LOT-1", None]
    with pytest.raises(Empty):
        lane.next(timeout=0.01)


def test_a_reader_racing_pauses_loses_and_doubles_nothing() -> None:
    lane = ScanLane()
    lane.resume()
    refused: list[Scan] = []
    scans = [scan(n) for n in range(20_000)]

    def reader() -> None:
        for s in scans:
            if not lane.offer(s):
                refused.append(s)  # what the app would post to the screen on top

    thread = threading.Thread(target=reader)
    thread.start()
    while thread.is_alive():  # sleeping hands the reader the GIL in both states
        lane.pause()
        time.sleep(0.0002)
        lane.resume()
        time.sleep(0.0002)
    thread.join()
    taken = [s for s in drain(lane) if s is not None]
    assert refused, "the race never happened: the test proves nothing"
    assert taken, "the race never happened: the test proves nothing"
    assert sorted(taken + refused, key=lambda s: s.received_mono) == scans
    assert taken == sorted(taken, key=lambda s: s.received_mono)  # in the order they came
