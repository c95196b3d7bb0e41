"""One client process of bench/sync.py's poll test; the parent starts several.

Protocol on stdin/stdout, one line each: the parent writes a JSON job ``{"host", "port",
"path", "headers", "interval", "stations": [{"token", "body", "offset"}]}``; this process
opens one connection per station, sends each station's pull once (which must come back
empty: the stations are up to date) and writes ``ready``. The parent then writes ``go START
END`` (``time.monotonic()`` values; CLOCK_MONOTONIC is one system-wide clock on Linux), and
every station polls from START until END: back to back when the interval is 0, else every
`interval` seconds from START + its offset. The last line out is a JSON result: request
latencies in seconds, the number of failed requests with the first failure, and this
process's CPU seconds meanwhile, so the parent can tell when the clients, not the hub, were
the bottleneck.

The project is not imported, and HTTP is spoken by hand (HTTP/1.1 keep-alive, one request
at a time per connection, answers framed by Content-Length as the hub sends them): httpx
cost the clients about 1 ms of CPU per request, more than the hub spent answering it, so
the clients and not the hub set the pace on a two-core machine.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass, field
from typing import Any


class Connection:
    """One keep-alive HTTP/1.1 connection sending the same POST again and again."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(host, port)
        return cls(reader, writer)

    async def send(self, request: bytes) -> tuple[int, bytes]:
        """Status and body of the answer to `request` (whole bytes of a request)."""
        self._writer.write(request)
        head = await self._reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        length = 0
        for line in header_lines:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        body = await self._reader.readexactly(length)
        return int(status_line.split()[1]), body

    async def close(self) -> None:
        self._writer.close()
        await self._writer.wait_closed()


def request_bytes(host: str, port: int, path: str, headers: dict[str, str], body: str) -> bytes:
    content = body.encode()
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", f"Content-Length: {len(content)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + content


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""

    def fail(self, why: str) -> None:
        self.errors += 1
        self.first_error = self.first_error or why


def _problem(status: int, body: bytes) -> str:
    """Why this answer is not an empty, final page; "" when it is one."""
    if status != 200:
        return f"hub answered {status}: {body[:200]!r}"
    answer = json.loads(body)
    if answer["changes"] or answer["more"]:
        return f"the station was not up to date: {body[:200]!r}"
    return ""


async def _poll(
    connection: Connection,
    request: bytes,
    start: float,
    end: float,
    interval: float,
    tally: Tally,
) -> None:
    next_at = start
    while next_at < end:
        await asyncio.sleep(max(0.0, next_at - time.monotonic()))
        began = time.perf_counter()
        try:
            status, body = await connection.send(request)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            tally.fail(f"{type(exc).__name__}: {exc}")
            return  # the connection is gone: its later polls would fail the same way
        # Latency ends when the answer is read; checking it is the station's own work.
        tally.latencies.append(time.perf_counter() - began)
        if why := _problem(status, body):
            tally.fail(why)
        # Behind schedule (a slow answer), the next poll goes at once rather than in a burst.
        next_at = max(next_at + interval, time.monotonic()) if interval else time.monotonic()


async def _run(job: dict[str, Any]) -> dict[str, Any]:
    stations: list[dict[str, Any]] = job["stations"]
    host, port = job["host"], int(job["port"])
    requests = [
        request_bytes(
            host,
            port,
            job["path"],
            {**job["headers"], "Authorization": f"Bearer {station['token']}"},
            station["body"],
        )
        for station in stations
    ]
    connections = await asyncio.gather(*(Connection.open(host, port) for _ in stations))
    try:
        warm_up = await asyncio.gather(
            *(c.send(r) for c, r in zip(connections, requests, strict=True))
        )
        for status, body in warm_up:
            if why := _problem(status, body):
                raise RuntimeError(f"warm-up pull failed: {why}")
        print("ready", flush=True)
        # Blocking is fine here: nothing else runs on the loop until the go.
        _, start_text, end_text = sys.stdin.readline().split()
        start, end = float(start_text), float(end_text)
        interval = float(job["interval"])
        tally = Tally()
        cpu_before = time.process_time()
        await asyncio.gather(
            *(
                _poll(c, r, start + s["offset"], end, interval, tally)
                for c, r, s in zip(connections, requests, stations, strict=True)
            )
        )
        cpu = time.process_time() - cpu_before
    finally:
        await asyncio.gather(*(c.close() for c in connections))
    return {
        "latencies": tally.latencies,
        "errors": tally.errors,
        "first_error": tally.first_error,
        "cpu_seconds": cpu,
    }


def main() -> int:
    job = json.loads(sys.stdin.readline())
    print(json.dumps(asyncio.run(_run(job))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
