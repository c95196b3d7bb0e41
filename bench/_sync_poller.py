"""One client process of bench/sync.py's poll test; the parent starts several.

Protocol on stdin/stdout, one line each: the parent writes a JSON job ``{"url", "path",
"headers", "interval", "stations": [{"token", "body", "offset"}]}``; this process opens one
connection per station, sends each station's pull once (which must come back empty: the
stations are up to date) and writes ``ready``. The parent then writes ``go START END``
(``time.monotonic()`` values; CLOCK_MONOTONIC is one system-wide clock on Linux), and every
station polls from START until END: back to back when the interval is 0, else every
`interval` seconds from START + its offset. The last line out is a JSON result: request
latencies in seconds, the number of failed requests with the first failure, and this
process's CPU seconds meanwhile, so the parent can tell when the clients, not the hub, were
the bottleneck.

Only httpx is imported, not the project: the clients should cost as little CPU as they can,
so the parent hands over the path, headers and request bodies ready-made.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""

    def fail(self, why: str) -> None:
        self.errors += 1
        self.first_error = self.first_error or why


def _problem(response: httpx.Response) -> str:
    """Why this answer is not an empty, final page; "" when it is one."""
    if response.status_code != 200:
        return f"hub answered {response.status_code}: {response.text[:200]}"
    answer = json.loads(response.content)
    if answer["changes"] or answer["more"]:
        return f"the station was not up to date: {response.text[:200]}"
    return ""


async def _poll(
    client: httpx.AsyncClient,
    path: str,
    body: str,
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
            response = await client.post(path, content=body)
        except httpx.HTTPError as exc:
            tally.fail(f"{type(exc).__name__}: {exc}")
        else:
            # Latency ends when the answer is read; checking it is the station's own work.
            tally.latencies.append(time.perf_counter() - began)
            if why := _problem(response):
                tally.fail(why)
        # Behind schedule (a slow answer), the next poll goes at once rather than in a burst.
        next_at = max(next_at + interval, time.monotonic()) if interval else time.monotonic()


async def _run(job: dict[str, Any]) -> dict[str, Any]:
    stations: list[dict[str, Any]] = job["stations"]
    path: str = job["path"]
    clients = [
        httpx.AsyncClient(
            base_url=job["url"],
            timeout=60.0,
            limits=httpx.Limits(max_connections=1),
            headers={**job["headers"], "Authorization": f"Bearer {station['token']}"},
        )
        for station in stations
    ]
    try:
        warm_up = await asyncio.gather(
            *(c.post(path, content=s["body"]) for c, s in zip(clients, stations, strict=True))
        )
        for response in warm_up:
            if why := _problem(response):
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
                _poll(c, path, s["body"], start + s["offset"], end, interval, tally)
                for c, s in zip(clients, stations, strict=True)
            )
        )
        cpu = time.process_time() - cpu_before
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
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
