"""Sync throughput and latency: a station pushing to a real hub, pulling from it, and 200
stations polling it at once.

Run: ``.venv/bin/python bench/sync.py [--events N] [--batch N] [--no-postgres] [--quick]``.
A benchmark that prints figures; it exits 0 whether or not a target is met (1 only when a
run fails: a hub does not start, or an exchange does not end as it should).

Every hub is ``kiosk hub serve --workers N`` (--hub-workers, default one per core, the
deployment the README recommends) in its own session on loopback, on a fresh SQLite file
(then, unless --no-postgres, on a fresh database of a throwaway PostgreSQL server,
tests/postgres.py), everything in one temporary folder on the machine's disk. Per hub:

1. push: a station store already holding --events ``auth.login`` events (written once, in
   transactions of 500, and copied for each hub; not timed) pushes them all with
   ``SyncClient.push_pending()`` in batches of --batch. events/s = events / wall time of
   that call; the hub's CPU time (from /proc), this process's (the station's side) and how
   busy the whole machine was are printed beside it. On SQLite, the same rows, read back
   from the hub's ``hub_event``, are then inserted with ``sqlite3.executemany`` into a
   fresh file made from ``hub.tables.metadata`` (same columns and indexes) with the hub's
   pragmas (WAL, synchronous=FULL), one transaction per batch of --batch, three times (the
   median counts: fsync times vary a lot here): the ratio push / raw insert is what the
   sync protocol, HTTP and the hub's checks cost over bare writes.
2. pull: the hub holds --operations operations (5 per work order) for the station's work
   center, their work orders, the item and the work center; a new station's ``pull_all()``
   from cursor 0 to its last page is timed (its store is opened before).
3. poll: --stations stations are enrolled and put at the hub's latest change; each polls
   (``POST /v1/sync/pull`` with that cursor: nothing new) for --seconds seconds. The
   stations are spread over --poll-processes client processes (bench/_sync_poller.py:
   asyncio, one keep-alive connection per station), which all start together once every
   station has pulled once; a request's latency is from sending it to having read the
   answer. Two runs: "at once", where every station sends its poll at the same instant,
   once a second (the target's case, and a plant's stations after a power cut or a hub
   restart); then "back to back", a closed loop where each station polls again as soon as
   it has its answer, which shows the hub's most polls a second (latency is then about
   stations / throughput, Little's law). The clients' CPU share is printed, since they run
   on the same cores as the hub.

Percentiles are nearest-rank. The first line gives the load average at the start: other work
on the machine skews every figure.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

# As a script, bench/ leads sys.path and this file would shadow the `sync` package; the
# project root goes first instead (it also makes `tests` importable).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import msgspec
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import URL
from sqlmodel import select as sql_select

from hub.tables import change_counter, hub_event, metadata
from kiosk.clock import SystemClock
from kiosk.config import HubSection
from kiosk.store.database import Store, open_store
from kiosk.store.models import Operation
from sync.client import HubUnreachable, SyncClient, SyncRefused
from sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION, PULL_PATH, PullRequest
from tests.hub_harness import Plant, free_port, make_plant, operation_records
from tests.postgres import PostgresError, PostgresServer, find_bin_dir

ROOT = Path(__file__).resolve().parent.parent
POLLER = ROOT / "bench" / "_sync_poller.py"
TARGET_RATIO = 0.5
RAW_RUNS = 3
TARGET_P99_MS = 100.0
WORK_CENTER = "WC-A"
PUSH_STATION = "BENCH-PUSH"
PULL_STATION = "BENCH-PULL"
OPS_PER_ORDER = 5
WRITE_CHUNK = 500  # events per station transaction while filling the outbox
HUB_START_SECONDS = 30.0
# Far above any plausible exchange: a hub that takes longer is stuck, and the run has failed.
HTTP_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class Sizes:
    events: int
    operations: int
    stations: int
    seconds: float


FULL = Sizes(events=100_000, operations=10_000, stations=200, seconds=10.0)
QUICK = Sizes(events=2_000, operations=1_000, stations=20, seconds=2.0)


Number = TypeVar("Number", int, float)


class RunFailed(Exception):
    """A hub did not start, or an exchange did not end as it should; the message says which."""


def _progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def cpu_seconds(session: int) -> float:
    """User + system CPU time of the live processes of a session (a hub and its workers),
    from /proc."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a process that ended meanwhile
        if int(fields[3]) == session:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine since boot, from /proc/stat."""
    ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle + iowait
    return sum(ticks) - idle, sum(ticks)


def busy_since(before: tuple[int, int]) -> float:
    """Share of all CPUs' time that was busy since `before` (`machine_ticks()`)."""
    busy, total = machine_ticks()
    return (busy - before[0]) / max(1, total - before[1])


class Hub:
    """`kiosk hub serve` in its own process and session: Ctrl+C reaches only this script,
    which then kills it; its pid gives its CPU time (unlike tests.hub_harness.HubProcess)."""

    def __init__(self, db_url: str, log: Path, workers: int = 1) -> None:
        self.db_url = db_url
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = log
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        if self._process is None:
            raise RunFailed("the hub is not running")
        return self._process.pid

    def start(self) -> None:
        command = [sys.executable, "-m", "kiosk", "hub", "serve", "--db", self.db_url]
        command += ["--port", str(self.port), "--workers", str(self.workers)]
        with self._log.open("ab") as log:
            self._process = subprocess.Popen(
                command,
                stdout=log,
                stderr=log,
                cwd=ROOT,
                start_new_session=True,
            )
        deadline = time.monotonic() + HUB_START_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RunFailed(f"the hub exited: {self._log.read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RunFailed(f"the hub did not listen: {self._log.read_text()[-2000:]}")

    def kill(self) -> None:
        if self._process is not None:
            # The whole session: with --workers, the worker processes too.
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()
            self._process = None


def sync_client(store: Store, hub: Hub, token: str, batch: int) -> SyncClient:
    section = HubSection(
        url=hub.url, token=token, timeout_seconds=HTTP_TIMEOUT_SECONDS, batch_size=batch
    )
    return SyncClient(store, section, SystemClock())


def fill_outbox(path: Path, events: int) -> None:
    """A station database whose outbox holds `events` unsent events."""
    store = open_store(path, PUSH_STATION, SystemClock())
    try:
        for start in range(0, events, WRITE_CHUNK):
            with store.write() as session:
                for _ in range(min(WRITE_CHUNK, events - start)):
                    store.outbox.append(session, "auth.login", {"session_id": "s"}, "user-1")
    finally:
        store.close()


def copy_database(source: Path, target: Path) -> None:
    # The backup API copies what is committed, whatever is still in the WAL file.
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile `q` (0-100] of already sorted values."""
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


@dataclass(frozen=True)
class Push:
    seconds: float
    hub_cpu: float  # seconds
    station_cpu: float  # seconds, this process
    machine_busy: float  # share of all CPUs


def measure_push(plant: Plant, hub: Hub, store: Store, token: str, events: int, batch: int) -> Push:
    client = sync_client(store, hub, token, batch)
    try:
        hub_before, station_before = cpu_seconds(hub.pid), time.process_time()
        machine_before = machine_ticks()
        started = time.perf_counter()
        try:
            pushed = client.push_pending()
        except (HubUnreachable, SyncRefused) as exc:
            raise RunFailed(f"push: {type(exc).__name__}: {exc}") from None
        seconds = time.perf_counter() - started
        machine_busy = busy_since(machine_before)
        station_cpu = time.process_time() - station_before
        hub_cpu = cpu_seconds(hub.pid) - hub_before
    finally:
        client.close()
    with plant.engine.connect() as conn:
        statuses: dict[str, int] = dict(
            conn.execute(
                select(hub_event.c.status, func.count())
                .where(hub_event.c.station_id == PUSH_STATION)
                .group_by(hub_event.c.status)
            ).all()
        )
    if pushed != events or statuses != {"accepted": events}:
        raise RunFailed(f"push: {pushed} of {events} events sent, the hub has {statuses}")
    return Push(seconds, hub_cpu, station_cpu, machine_busy)


def raw_inserts(plant: Plant, folder: Path, batch: int) -> list[float]:
    """Seconds each of RAW_RUNS bare inserts of the hub's pushed rows took (fresh files):
    a commit's fsync varies a lot on this disk, so one run alone is a poor yardstick."""
    columns = [column for column in hub_event.c if column.name != "no"]
    with plant.engine.connect() as conn:
        rows = [tuple(row) for row in conn.execute(select(*columns).order_by(hub_event.c.no))]
    return [
        raw_insert(folder / f"raw-insert-{run}.db", columns, rows, batch) for run in range(RAW_RUNS)
    ]


def raw_insert(path: Path, columns: list[Any], rows: list[tuple[Any, ...]], batch: int) -> float:
    """Seconds to insert `rows` with bare sqlite3, `batch` a transaction."""
    engine = create_engine(URL.create("sqlite", database=str(path)))
    metadata.create_all(engine)
    engine.dispose()
    names = ", ".join(column.name for column in columns)
    statement = f"INSERT INTO hub_event ({names}) VALUES ({', '.join('?' * len(columns))})"
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        started = time.perf_counter()
        for start in range(0, len(rows), batch):
            db.execute("BEGIN IMMEDIATE")
            db.executemany(statement, rows[start : start + batch])
            db.execute("COMMIT")
        seconds = time.perf_counter() - started
        inserted = db.execute("SELECT count(*) FROM hub_event").fetchone()[0]
    finally:
        db.close()
    if inserted != len(rows):
        raise RunFailed(f"raw insert: {inserted} rows in the table, {len(rows)} inserted")
    return seconds


@dataclass(frozen=True)
class Pull:
    seconds: float
    rows: int
    pages: int


def measure_pull(
    hub: Hub, path: Path, token: str, records: int, operations: int, batch: int
) -> Pull:
    store = open_store(path, PULL_STATION, SystemClock())
    client = sync_client(store, hub, token, batch)
    pages = 0

    def page_done(_done: int, _total: int) -> None:
        nonlocal pages
        pages += 1

    try:
        started = time.perf_counter()
        try:
            pulled = client.pull_all(page_done)
        except (HubUnreachable, SyncRefused) as exc:
            raise RunFailed(f"pull: {type(exc).__name__}: {exc}") from None
        seconds = time.perf_counter() - started
        with store.read() as session:
            stored = session.exec(sql_select(func.count()).select_from(Operation)).one()
    finally:
        client.close()
        store.close()
    if pulled != records or stored != operations:
        raise RunFailed(
            f"pull: {pulled} of {records} records received, {stored} of {operations} "
            "operations stored"
        )
    return Pull(seconds, pulled, pages)


@dataclass(frozen=True)
class Poll:
    latencies: list[float]  # seconds, sorted
    seconds: float
    hub_cpu: float
    client_cpu: float
    machine_busy: float


def measure_poll(
    stack: ExitStack,
    hub: Hub,
    folder: Path,
    stations: list[tuple[str, str]],
    cursor: int,
    seconds: float,
    processes: int,
    interval: float,
) -> Poll:
    jobs: list[list[dict[str, Any]]] = [[] for _ in range(processes)]
    for n, (station_id, token) in enumerate(stations):
        body = PullRequest(protocol=PROTOCOL_VERSION, station_id=station_id, cursor=cursor)
        jobs[n % processes].append(
            {"token": token, "body": msgspec.json.encode(body).decode(), "offset": 0}
        )
    request = {
        "host": "127.0.0.1",
        "port": hub.port,
        "path": PULL_PATH,
        "headers": {PROTOCOL_HEADER: str(PROTOCOL_VERSION), "Content-Type": "application/json"},
        "interval": interval,
    }
    clients: list[tuple[subprocess.Popen[str], Path]] = []
    for n, job in enumerate(jobs):
        log = folder / f"poller-{n}.log"
        with log.open("w") as errors:
            child = subprocess.Popen(
                [sys.executable, str(POLLER)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
                cwd=ROOT,
                start_new_session=True,
            )
        stack.callback(_kill, child)
        clients.append((child, log))
        assert child.stdin is not None
        child.stdin.write(json.dumps({**request, "stations": job}) + "\n")
        child.stdin.flush()
    for child, log in clients:
        assert child.stdout is not None
        if child.stdout.readline().strip() != "ready":
            raise RunFailed(f"a poll client did not start: {log.read_text()[-2000:]}")
    start = time.monotonic() + 0.1
    hub_before, machine_before = cpu_seconds(hub.pid), machine_ticks()
    for child, _ in clients:
        assert child.stdin is not None
        child.stdin.write(f"go {start} {start + seconds}\n")
        child.stdin.close()
    results: list[dict[str, Any]] = []
    for child, log in clients:
        assert child.stdout is not None
        out = child.stdout.read()
        if child.wait() != 0:
            raise RunFailed(f"a poll client failed: {log.read_text()[-2000:]}")
        results.append(json.loads(out))
    hub_cpu, machine_busy = cpu_seconds(hub.pid) - hub_before, busy_since(machine_before)
    errors = sum(result["errors"] for result in results)
    if errors:
        first = next(result["first_error"] for result in results if result["errors"])
        raise RunFailed(f"poll: {errors} requests failed, the first: {first}")
    latencies = sorted(value for result in results for value in result["latencies"])
    if not latencies:
        raise RunFailed("poll: no request completed")
    client_cpu = sum(float(result["cpu_seconds"]) for result in results)
    return Poll(latencies, seconds, hub_cpu, client_cpu, machine_busy)


def _kill(child: subprocess.Popen[str]) -> None:
    if child.poll() is None:
        child.kill()
    child.wait()


@dataclass(frozen=True)
class Settings:
    events: int
    batch: int
    operations: int
    stations: int
    seconds: float
    processes: int
    hub_workers: int


def run_hub(
    name: str, db_url: str, folder: Path, outbox: Path, settings: Settings, *, raw_baseline: bool
) -> None:
    """Push, pull and poll against one hub on `db_url`, printing each figure as it comes."""
    tag = name.lower()
    with ExitStack() as stack:
        _progress(f"{name}: preparing the hub database (not timed)")
        plant = make_plant(db_url)
        stack.callback(plant.engine.dispose)
        push_token = plant.enrol(PUSH_STATION, WORK_CENTER)
        pull_token = plant.enrol(PULL_STATION, WORK_CENTER)
        records = operation_records(
            WORK_CENTER, max(1, settings.operations // OPS_PER_ORDER), OPS_PER_ORDER
        )
        plant.write(records)
        operations = sum(r.entity == "operation" for r in records)
        pollers = [
            (f"BENCH-POLL-{n:03d}", plant.enrol(f"BENCH-POLL-{n:03d}", WORK_CENTER))
            for n in range(settings.stations)
        ]
        with plant.engine.connect() as conn:
            cursor = int(conn.execute(select(change_counter.c.value)).scalar_one())
        station_path = folder / f"station-{tag}.db"
        copy_database(outbox, station_path)
        store = open_store(station_path, PUSH_STATION, SystemClock())
        stack.callback(store.close)
        hub = Hub(db_url, folder / f"hub-{tag}.log", settings.hub_workers)
        stack.callback(hub.kill)
        hub.start()

        _progress(f"{name}: pushing {settings.events:,} events")
        push = measure_push(plant, hub, store, push_token, settings.events, settings.batch)
        push_rate = settings.events / push.seconds
        if raw_baseline:
            runs = sorted(raw_inserts(plant, folder, settings.batch))
            raw_seconds = runs[len(runs) // 2]
            ratio = raw_seconds / push.seconds
            print(
                f"push {name}: {push_rate:,.0f} events/s; raw insert: "
                f"{settings.events / raw_seconds:,.0f} rows/s (median of {len(runs)}: "
                f"{settings.events / runs[-1]:,.0f} to {settings.events / runs[0]:,.0f}); "
                f"ratio {ratio:.2f} (target ≥ {TARGET_RATIO}: {verdict(ratio >= TARGET_RATIO)})"
            )
        else:
            print(f"push {name}: {push_rate:,.0f} events/s")
        print(
            f"  {settings.events:,} events in {push.seconds:.2f} s; CPU meanwhile: hub "
            f"{push.hub_cpu:.2f} s ({push.hub_cpu / push.seconds:.0%} of a core), station (this "
            f"process) {push.station_cpu:.2f} s ({push.station_cpu / push.seconds:.0%}), "
            f"machine {push.machine_busy:.0%} busy"
        )

        _progress(f"{name}: pulling {len(records):,} records onto a new station")
        pull = measure_pull(
            hub, folder / f"pull-{tag}.db", pull_token, len(records), operations, settings.batch
        )
        print(
            f"pull {name}: {pull.rows:,} records ({operations:,} operations) onto a new "
            f"station in {pull.seconds:.2f} s: {pull.rows / pull.seconds:,.0f} rows/s "
            f"(pages: {pull.pages})"
        )

        for interval, pace in ((1.0, "at once, once a second"), (0.0, "back to back")):
            _progress(f"{name}: {settings.stations} stations polling {pace}")
            poll = measure_poll(
                stack, hub, folder, pollers, cursor, settings.seconds, settings.processes, interval
            )
            p50, p99 = (percentile(poll.latencies, q) * 1000 for q in (50, 99))
            target = (
                f" (target p99 ≤ {TARGET_P99_MS:g} ms: {verdict(p99 <= TARGET_P99_MS)})"
                if interval
                else ""
            )
            print(
                f"poll {name}: {settings.stations} stations {pace} for {settings.seconds:g} s: "
                f"p50 {p50:.1f} ms, p99 {p99:.1f} ms{target}; "
                f"{len(poll.latencies) / poll.seconds:,.0f} requests/s"
            )
            print(
                f"  {len(poll.latencies):,} requests, max {poll.latencies[-1] * 1000:.1f} ms; "
                f"CPU meanwhile: hub {poll.hub_cpu / poll.seconds:.0%} of a core, "
                f"{settings.processes} client processes {poll.client_cpu / poll.seconds:.0%}, "
                f"machine {poll.machine_busy:.0%} busy"
            )


def _terminate(signum: int, _frame: FrameType | None) -> None:
    # SIGTERM unwinds like Ctrl+C, so hubs, clients and PostgreSQL are stopped on the way out.
    raise SystemExit(128 + signum)


def _positive(kind: Callable[[str], Number]) -> Callable[[str], Number]:
    def parse(text: str) -> Number:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, not {text}")
        return value

    return parse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=_positive(int), help="events pushed (default 100,000)")
    parser.add_argument(
        "--batch", type=_positive(int), default=500, help="events per push and per raw insert"
    )
    parser.add_argument(
        "--operations", type=_positive(int), help="operations pulled (default 10,000)"
    )
    parser.add_argument("--stations", type=_positive(int), help="polling stations (default 200)")
    parser.add_argument("--seconds", type=_positive(float), help="polling time (default 10)")
    parser.add_argument(
        "--poll-processes", type=_positive(int), default=2, help="client processes for polling"
    )
    parser.add_argument(
        "--hub-workers",
        type=_positive(int),
        default=os.cpu_count() or 1,
        help="hub processes (kiosk hub serve --workers; default: one per core, as deployed)",
    )
    parser.add_argument("--no-postgres", action="store_true", help="SQLite hub only")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args(argv)
    if args.batch > 1000:
        parser.error("--batch must be at most 1000 (the protocol's largest push)")
    sizes = QUICK if args.quick else FULL
    stations = args.stations or sizes.stations
    settings = Settings(
        events=args.events or sizes.events,
        batch=args.batch,
        operations=args.operations or sizes.operations,
        stations=stations,
        seconds=args.seconds or sizes.seconds,
        processes=min(args.poll_processes, stations),
        hub_workers=args.hub_workers,
    )
    signal.signal(signal.SIGTERM, _terminate)
    print(
        f"sync benchmark: {settings.events:,} events in batches of {settings.batch}, "
        f"{settings.operations:,} operations, {settings.stations} polling stations, "
        f"{settings.hub_workers} hub process(es); python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.2f} at the start"
    )
    try:
        with ExitStack() as stack:
            folder = Path(
                stack.enter_context(tempfile.TemporaryDirectory(prefix="kiosk-sync-bench-"))
            )
            outbox = folder / "outbox.db"
            _progress(f"writing {settings.events:,} events into a station outbox (not timed)")
            fill_outbox(outbox, settings.events)
            run_hub("SQLite", str(folder / "hub.db"), folder, outbox, settings, raw_baseline=True)
            if args.no_postgres:
                return 0
            bin_dir = find_bin_dir()
            if bin_dir is None:
                print("PostgreSQL: skipped, no server installed (./dev test installs one)")
                return 0
            _progress("starting a throwaway PostgreSQL server")
            server = PostgresServer.start(bin_dir)
            stack.callback(server.stop)
            db_url = server.create_database("kiosk_sync_bench")
            run_hub("PostgreSQL", db_url, folder, outbox, settings, raw_baseline=False)
    except (RunFailed, PostgresError) as exc:
        print(f"sync benchmark: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("sync benchmark: interrupted; hubs, clients and servers stopped", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
