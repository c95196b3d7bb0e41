"""Material check latency: label bytes on the scanner's pty → verdict committed → drawn.

Run: ``.venv/bin/python bench/scan_verdict.py [--scans N] [--memory-scans M]``. Prints
figures; exits 0 whether or not the targets are met (1 only when a run fails).

How: the real station app (`kiosk.app.create_app`, its real services and SQLite file with the
demo plant) runs headless (`App.run_test`) with a serial scanner on a real pseudo-terminal.
Kevin Chen types his badge, selects the SMT placement of an MC-200 order and opens its
material check (F9). Then, one scan at a time: ``t0 = time.perf_counter()`` just before
``os.write(master, label + b"\\r")``; *committed* is when `MaterialService.verify` returns in
its worker thread (its transaction, the verdict's event included, has committed: WAL,
synchronous=FULL); *on screen* is when the screen has composed the first frame after its
handler of that verdict ran (its compositor's refresh). The next label is written
`PAUSE_SECONDS` after that: a person with a scanner gun reads a few labels a second at most, so
on the line a scan meets an idle app, not one still finishing the last frame (2-3 ms holding the
GIL) nor Textual's frame pacing (a frame at most every 1/60 s). Not ``call_after_refresh``: its
callback can run before the frame (the screen goes idle before the updated widget has asked it
to repaint), and the next label was then written into the draw of the last verdict.

Labels cycle through every verdict: lots loaded OK once (then ALREADY LOADED), a held lot, an
expired one, a part not in the BOM, a wrong part, an unknown lot, and a label with no lot
(BAD LABEL). 200 scans warm up first, untimed.

Between the app's scans, after every `FLOOR_EVERY`-th, the floor (`Floor`): a bare reader thread
on a pty of its own that commits one row per line to a SQLite file in the same folder (WAL,
synchronous=FULL; checkpointed after a commit once a second, as the store's Checkpointer does),
with the same pacing. It is what any program on this machine pays for a committed scan; with
the host's steal time (`/proc/stat`), it tells the app's own cost from the machine's.

Then memory: the process's resident set after the timed scans, and again after
``--memory-scans`` more (100,000 by default), each written as soon as the last is drawn; the
growth is the difference.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import pty
import sqlite3
import sys
import tempfile
import threading
import time
import tty
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

# bench/sync.py would stand in for the `sync` package the app imports: not this folder.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).parent]

from sqlmodel import select  # noqa: E402
from textual.widgets import DataTable  # noqa: E402

from kiosk.app import KioskApp  # noqa: E402
from kiosk.barcodes.meaning import ScanMeaning  # noqa: E402
from kiosk.clock import SystemClock  # noqa: E402
from kiosk.config import load_config  # noqa: E402
from kiosk.demo_data import DEMO_STATION_ID, DEMO_WORK_CENTERS, seed_demo  # noqa: E402
from kiosk.identity import SignedIn  # noqa: E402
from kiosk.material_check import MaterialVerdict, Verification  # noqa: E402
from kiosk.services import Services, open_services  # noqa: E402
from kiosk.store.checkpointer import EVERY_SECONDS as CHECKPOINT_EVERY_SECONDS  # noqa: E402
from kiosk.store.models import MaterialLot  # noqa: E402
from kiosk.work import LotStatus  # noqa: E402
from screens.home import HomeScreen  # noqa: E402
from screens.material_check import MaterialCheckScreen  # noqa: E402

TARGET_COMMITTED_P99_MS = 5.0
TARGET_SCREEN_P99_MS = 25.0
TARGET_GROWTH_MB = 20.0
WARMUP_SCANS = 200
PAUSE_SECONDS = 0.02  # between a verdict's frame and the next timed label
PROGRESS_EVERY = 1000  # scans per progress line
# Far above any plausible latency: a verdict not drawn by then is lost, and the run failed.
VERDICT_TIMEOUT_SECONDS = 5.0
GS = b"\x1d"
FLOOR_EVERY = 5  # app scans per floor scan
FLOOR_QUIT = b"\x04"  # a line of its own: the floor's reader thread ends


class RunFailed(Exception):
    """The app did not get where the benchmark drives it; the message says where."""


def write_config(folder: Path, scanner: Path) -> Path:
    path = folder / "kiosk.toml"
    centers = ", ".join(f'"{wc}"' for wc in DEMO_WORK_CENTERS)
    path.write_text(
        f"""
[station]
id = "{DEMO_STATION_ID}"
name = "Bench station"
work_centers = [{centers}]
language = "en"
idle_logout_seconds = 86400

[database]
path = "station.db"

[devices.scanner]
kind = "serial"
port = "{scanner}"
suffix = "cr"

[devices.badge_reader]
kind = "none"
""",
        encoding="utf-8",
    )
    return path


def label(part: str, lot: str, qty: int = 10) -> bytes:
    """A GS1-128 material label as a scanner sends it (AIM prefix, GS separators)."""
    return b"]C1240" + part.encode() + GS + b"10" + lot.encode() + GS + b"30%d\r" % qty


def labels(services: Services, today: date) -> list[tuple[bytes, MaterialVerdict | None]]:
    """One label of each kind, with the verdict it must get (None: OK once, then ALREADY
    LOADED)."""
    with services.store.read() as session:
        lots = session.exec(select(MaterialLot)).all()

    def lot(item: str, status: LotStatus = LotStatus.RELEASED) -> MaterialLot:
        return max(
            (x for x in lots if x.item_code == item and x.status == status),
            key=lambda x: x.lot_no,
        )

    expired = next(x for x in lots if x.expires_on is not None and x.expires_on < today)
    return [
        (label("PCB-MC200-C", lot("PCB-MC200-C").lot_no), None),
        (label("IC-DRV8323", lot("IC-DRV8323").lot_no), None),
        (label("CAP-0402-104", lot("CAP-0402-104").lot_no, 5000), None),
        (label("IC-STM32F407", lot("IC-STM32F407", LotStatus.ON_HOLD).lot_no), None),
        (label(expired.item_code, expired.lot_no), MaterialVerdict.EXPIRED),
        (label("CON-RJ45", lot("CON-RJ45").lot_no), MaterialVerdict.NOT_IN_BOM),
        (label("PCB-GW310-B", lot("PCB-MC200-C").lot_no), MaterialVerdict.WRONG_PART),
        (label("PCB-MC200-C", "L0000-0000"), MaterialVerdict.UNKNOWN_LOT),
        (b"]C1240PCB-MC200-C" + GS + b"30100\r", MaterialVerdict.BAD_LABEL),
    ]


class Floor:
    """What this machine gives any program for a scan: the floor under the app's figures.

    A bare reader thread on a pseudo-terminal of its own that, for each line, inserts one row
    into a SQLite file (WAL, synchronous=FULL, as the station's store) and commits: the pty's
    wake-up and one durable commit, which every committed verdict also pays, and nothing else
    (no app, no parsing, no ORM). `await scan(line)` gives bytes written → row committed, in ms.
    """

    def __init__(self, folder: Path) -> None:
        self._master, self._slave = pty.openpty()
        tty.setraw(self._slave)
        self._db = sqlite3.connect(
            folder / "floor.db", isolation_level=None, check_same_thread=False
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("CREATE TABLE event (id TEXT PRIMARY KEY, body TEXT NOT NULL)")
        self._started = 0.0
        self._committed = 0.0
        self._checkpointed = 0.0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._done = asyncio.Event()
        self._thread = threading.Thread(target=self._read, name="floor-reader", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        pending = b""
        while True:
            pending += os.read(self._slave, 4096)
            while b"\r" in pending:
                line, pending = pending.split(b"\r", 1)
                if line == FLOOR_QUIT:
                    return
                self._db.execute("BEGIN IMMEDIATE")
                self._db.execute("INSERT INTO event VALUES (?, ?)", (str(uuid.uuid4()), line.hex()))
                self._db.execute("COMMIT")
                self._committed = time.perf_counter()
                assert self._loop is not None
                self._loop.call_soon_threadsafe(self._done.set)
                if self._committed - self._checkpointed >= CHECKPOINT_EVERY_SECONDS:
                    # After the timed commit, as often as the station's Checkpointer does: no
                    # commit here pays for a checkpoint, and the log does not grow.
                    self._db.execute("PRAGMA wal_checkpoint(PASSIVE)")
                    self._checkpointed = self._committed

    async def scan(self, line: bytes) -> float:
        self._loop = asyncio.get_running_loop()
        self._done.clear()
        self._started = time.perf_counter()
        os.write(self._master, line)
        try:
            await asyncio.wait_for(self._done.wait(), VERDICT_TIMEOUT_SECONDS)
        except TimeoutError:
            raise RunFailed("the floor's reader committed nothing") from None
        return (self._committed - self._started) * 1000

    def close(self) -> None:
        os.write(self._master, FLOOR_QUIT + b"\r")
        self._thread.join(VERDICT_TIMEOUT_SECONDS)
        self._db.close()
        os.close(self._master)
        os.close(self._slave)


class StealMeter:
    """The host's steal time (`/proc/stat`): the share of CPU time the hypervisor gave to other
    guests, between two `percent()` calls. A thread that loses its virtual CPU mid-scan waits
    milliseconds doing nothing."""

    def __init__(self) -> None:
        self._last = self._read()

    @staticmethod
    def _read() -> tuple[int, int] | None:
        try:
            fields = Path("/proc/stat").read_text().splitlines()[0].split()
        except OSError:
            return None  # not Linux: no figure
        # user nice system idle iowait irq softirq steal (guest time is counted in user)
        ticks = [int(x) for x in fields[1:9]]
        return ticks[7], sum(ticks)

    def percent(self) -> float | None:
        now, last = self._read(), self._last
        self._last = now
        if now is None or last is None or now[1] == last[1]:
            return None
        return 100 * (now[0] - last[0]) / (now[1] - last[1])


class Timings:
    """Filled on the app's threads; read by the driver between scans."""

    def __init__(self) -> None:
        self.committed: float | None = None
        self.verify_s = 0.0  # of which in MaterialService.verify (reads, judging, commit)
        self.drawn: asyncio.Event = asyncio.Event()
        self.drawn_at = 0.0
        self.verdict: MaterialVerdict | None = None


def instrument(services: Services, timings: Timings) -> None:
    """Clock the two moments: verify returned (committed) and the verdict drawn."""
    verify = services.materials.verify

    def timed_verify(operation_id: str, scan: ScanMeaning, who: SignedIn) -> Verification:
        started = time.perf_counter()
        result = verify(operation_id, scan, who)
        timings.committed = time.perf_counter()
        timings.verify_s = timings.committed - started
        return result

    services.materials.verify = timed_verify  # type: ignore[method-assign]
    handler: Callable[..., None] = MaterialCheckScreen.on_material_check_screen_verified

    def verdict_shown(screen: MaterialCheckScreen, message: MaterialCheckScreen.Verified) -> None:
        handler(screen, message)
        timings.verdict = message.result.verdict

    # Textual's own step that composes a frame of the screen on top (private: no public hook
    # says when a frame has been drawn).
    compose_frame: Callable[[MaterialCheckScreen], None] = MaterialCheckScreen._compositor_refresh

    def frame_composed(screen: MaterialCheckScreen) -> None:
        compose_frame(screen)
        if timings.verdict is not None and not timings.drawn.is_set():
            timings.drawn_at = time.perf_counter()
            timings.drawn.set()

    MaterialCheckScreen.on_material_check_screen_verified = verdict_shown  # type: ignore[method-assign,assignment]
    MaterialCheckScreen._compositor_refresh = frame_composed  # type: ignore[method-assign,assignment]


def progress(
    done: int, committed: list[float], drawn: list[float], floor: list[float], steal: float | None
) -> None:
    """One block's figures as the run goes: a trend (the store growing) shows here, and a
    stretch where the host was busy (the floor slow too, steal up)."""
    print(
        f"  timed scans {done:,}: committed p50 {percentile(committed, 50):.2f} "
        f"p99 {percentile(committed, 99):.2f} ms, on screen p50 {percentile(drawn, 50):.2f} "
        f"p99 {percentile(drawn, 99):.2f} ms; floor p99 {percentile(floor, 99):.2f} ms, "
        f"host steal {share(steal)}",
        flush=True,
    )


def share(percent: float | None) -> str:
    return "unknown" if percent is None else f"{percent:.1f}%"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RunFailed("no VmRSS in /proc/self/status")


def percentile(sorted_values: list[float], q: float) -> float:
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


async def drive(app: KioskApp, master: int, timings: Timings, plan: Any) -> None:
    """Sign in, open the material check, then run `plan(scan)` for the scans."""
    async with app.run_test(size=(120, 40)) as pilot:

        async def until(condition: Callable[[], bool], what: str) -> None:
            for _ in range(500):
                if condition():
                    return
                await pilot.pause(0.02)
            raise RunFailed(f"the app did not get there: {what}")

        await until(lambda: app.services is not None, "the station database opened")
        await pilot.press(*"E1003", "enter")
        await until(lambda: isinstance(app.screen, HomeScreen), "Kevin Chen signed in")
        home = app.screen
        assert isinstance(home, HomeScreen)
        table = home.query_one(DataTable)
        await until(lambda: table.row_count > 0, "the task list")
        services = app.services
        assert services is not None
        task = next(
            t
            for t in services.tasks.open_tasks()
            if t.item_code == "FG-MC200" and t.seq == 10 and t.status == "pending"
        )
        table.move_cursor(row=table.get_row_index(task.operation_id))
        await pilot.press("f9")
        await until(lambda: isinstance(app.screen, MaterialCheckScreen), "the material check")

        async def scan(payload: bytes) -> tuple[float, float, MaterialVerdict | None]:
            timings.committed = None
            timings.verdict = None
            timings.drawn.clear()
            drawn = asyncio.ensure_future(
                asyncio.wait_for(timings.drawn.wait(), VERDICT_TIMEOUT_SECONDS)
            )
            # The wait is set up before the label goes out: the bench's own work must not hold
            # the event loop (and the GIL) while the scan is read and judged.
            await asyncio.sleep(0)
            started = time.perf_counter()
            os.write(master, payload)
            try:
                await drawn
            except TimeoutError:
                raise RunFailed(f"no verdict drawn for {payload!r}") from None
            if timings.committed is None:
                raise RunFailed(f"a verdict was drawn for {payload!r} before it committed")
            return timings.committed - started, timings.drawn_at - started, timings.verdict

        await plan(scan)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scans", type=int, default=10_000, help="timed scans")
    parser.add_argument(
        "--memory-scans", type=int, default=100_000, help="scans for the memory growth"
    )
    args = parser.parse_args(argv)
    print(
        f"scan verdict benchmark: {args.scans:,} timed scans, then {args.memory_scans:,} for "
        f"memory; python {platform.python_version()}, {os.cpu_count()} CPUs"
    )
    master, slave = pty.openpty()
    try:
        with tempfile.TemporaryDirectory(prefix="kiosk-verdict-bench-") as tmp:
            folder = Path(tmp)
            link = folder / "by-id" / "usb-Bench_Scanner-if00"
            link.parent.mkdir()
            link.symlink_to(os.ttyname(slave))
            config = load_config(write_config(folder, link))
            clock = SystemClock()
            services = open_services(config, clock)
            today = clock.now().astimezone().date()
            seed_demo(services.store, today)
            kinds = labels(services, today)
            timings = Timings()
            instrument(services, timings)
            app = KioskApp(config, clock, lambda: services)
            floor = Floor(folder)
            committed: list[float] = []
            drawn: list[float] = []
            verifying: list[float] = []
            floored: list[float] = []
            steal: list[float | None] = []
            memory: list[float] = []

            async def plan(scan: Any) -> None:
                for n in range(WARMUP_SCANS):
                    payload, expected = kinds[n % len(kinds)]
                    await asyncio.sleep(PAUSE_SECONDS)
                    _, _, verdict = await scan(payload)
                    if expected is not None and verdict is not expected:
                        raise RunFailed(f"{payload!r} was judged {verdict}, not {expected}")
                run_steal, block_steal = StealMeter(), StealMeter()
                for n in range(args.scans):
                    await asyncio.sleep(PAUSE_SECONDS)
                    commit_s, drawn_s, _ = await scan(kinds[n % len(kinds)][0])
                    committed.append(commit_s * 1000)
                    drawn.append(drawn_s * 1000)
                    verifying.append(timings.verify_s * 1000)
                    if (n + 1) % FLOOR_EVERY == 0:
                        await asyncio.sleep(PAUSE_SECONDS)
                        floored.append(await floor.scan(kinds[n % len(kinds)][0]))
                    if (n + 1) % PROGRESS_EVERY == 0:
                        block = slice(n + 1 - PROGRESS_EVERY, n + 1)
                        floor_block = slice(
                            (n + 1 - PROGRESS_EVERY) // FLOOR_EVERY, (n + 1) // FLOOR_EVERY
                        )
                        progress(
                            n + 1,
                            sorted(committed[block]),
                            sorted(drawn[block]),
                            sorted(floored[floor_block]),
                            block_steal.percent(),
                        )
                steal.append(run_steal.percent())
                memory.append(rss_mb())
                block_start = time.perf_counter()
                for n in range(args.memory_scans):
                    await scan(kinds[n % len(kinds)][0])
                    if (n + 1) % (10 * PROGRESS_EVERY) == 0:
                        per_scan = (time.perf_counter() - block_start) / (10 * PROGRESS_EVERY)
                        print(
                            f"  memory scans {n + 1:,}: {rss_mb():.1f} MB, "
                            f"{per_scan * 1000:.1f} ms a scan since the last line",
                            flush=True,
                        )
                        block_start = time.perf_counter()
                memory.append(rss_mb())

            try:
                asyncio.run(drive(app, master, timings, plan))
            finally:
                floor.close()
                services.close()
    except RunFailed as exc:
        print(f"scan verdict benchmark: {exc}", file=sys.stderr)
        return 1
    finally:
        os.close(master)
        os.close(slave)
    committed.sort()
    drawn.sort()
    c50, c99 = percentile(committed, 50), percentile(committed, 99)
    d50, d99 = percentile(drawn, 50), percentile(drawn, 99)
    met = {True: "met", False: "NOT met"}
    print(
        f"committed: p50 {c50:.2f} ms p99 {c99:.2f} ms "
        f"(target p99 <= {TARGET_COMMITTED_P99_MS:g} ms: {met[c99 <= TARGET_COMMITTED_P99_MS]})"
    )
    print(
        f"on screen: p50 {d50:.2f} ms p99 {d99:.2f} ms "
        f"(target p99 <= {TARGET_SCREEN_P99_MS:g} ms: {met[d99 <= TARGET_SCREEN_P99_MS]})"
    )
    verifying.sort()
    print(
        f"  of committed, in MaterialService.verify: p50 {percentile(verifying, 50):.2f} ms "
        f"p99 {percentile(verifying, 99):.2f} ms (the rest: pty, reader thread, the "
        "hand-over to the judging thread)"
    )
    floored.sort()
    if floored:
        print(
            f"  floor, no app ({len(floored):,} scans between the app's: pty read and one SQLite "
            f"commit): p50 {percentile(floored, 50):.2f} ms p99 {percentile(floored, 99):.2f} ms; "
            f"host steal {share(steal[0])} of CPU time during the timed scans"
        )
    growth = memory[1] - memory[0]
    print(
        f"memory: {memory[0]:.1f} MB after the timed scans, {memory[1]:.1f} MB after "
        f"{args.memory_scans:,} more: growth {growth:+.1f} MB "
        f"(target <= {TARGET_GROWTH_MB:g} MB: {met[growth <= TARGET_GROWTH_MB]})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
