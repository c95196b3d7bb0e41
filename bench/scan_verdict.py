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
import sys
import tempfile
import time
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


def progress(done: int, committed: list[float], drawn: list[float]) -> None:
    """One block's figures as the run goes: a trend (the store growing) shows here."""
    print(
        f"  timed scans {done:,}: committed p50 {percentile(committed, 50):.2f} "
        f"p99 {percentile(committed, 99):.2f} ms, on screen p50 {percentile(drawn, 50):.2f} "
        f"p99 {percentile(drawn, 99):.2f} ms",
        flush=True,
    )


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
            committed: list[float] = []
            drawn: list[float] = []
            verifying: list[float] = []
            memory: list[float] = []

            async def plan(scan: Any) -> None:
                for n in range(WARMUP_SCANS):
                    payload, expected = kinds[n % len(kinds)]
                    await asyncio.sleep(PAUSE_SECONDS)
                    _, _, verdict = await scan(payload)
                    if expected is not None and verdict is not expected:
                        raise RunFailed(f"{payload!r} was judged {verdict}, not {expected}")
                for n in range(args.scans):
                    await asyncio.sleep(PAUSE_SECONDS)
                    commit_s, drawn_s, _ = await scan(kinds[n % len(kinds)][0])
                    committed.append(commit_s * 1000)
                    drawn.append(drawn_s * 1000)
                    verifying.append(timings.verify_s * 1000)
                    if (n + 1) % PROGRESS_EVERY == 0:
                        block = slice(n + 1 - PROGRESS_EVERY, n + 1)
                        progress(n + 1, sorted(committed[block]), sorted(drawn[block]))
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
    growth = memory[1] - memory[0]
    print(
        f"memory: {memory[0]:.1f} MB after the timed scans, {memory[1]:.1f} MB after "
        f"{args.memory_scans:,} more: growth {growth:+.1f} MB "
        f"(target <= {TARGET_GROWTH_MB:g} MB: {met[growth <= TARGET_GROWTH_MB]})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
