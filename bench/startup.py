"""Start-up time of the kiosk, next to a bare Textual app started the same way.

Run: ``.venv/bin/python bench/startup.py [--runs N]``. A benchmark that prints figures; it
exits 0 whether or not the target is met (1 only when a run fails).

What is measured, from process start:

- bare: a Textual app with a Header, an Input and a Footer; ``on_mount`` ->
  ``call_after_refresh`` -> "drawn";
- kiosk (a) "login screen drawn": ``LoginScreen.Shown`` reaches the app;
- kiosk (b) "ready for a badge": ``KioskApp.ServicesOpened`` has been handled (the store
  is open).

The headline is median(kiosk a) / median(bare drawn), target at most 1.5; the ratio for
(b) is printed too. Those events are the apps' own idea of "drawn", and they do not fall
at the same point of the paint: so the parent also times, for both apps, when the first
complete screen reaches the terminal (every one of the pty's rows has been written to,
found from the cursor-position sequences in the child's output), and prints that ratio.

How: a demo station is created once in a temporary folder with `kiosk.demo.prepare_demo`
(so its database exists and is at the newest schema before any timing). Every
measurement is then a fresh process, ``python bench/_startup_child.py kiosk|bare ...``,
with its stdin/stdout/stderr on a real pseudo-terminal (120x40, TERM=xterm-256color, its
controlling terminal) whose output the parent drains. The parent reads `time.monotonic()`
just before `subprocess.Popen`; the child writes `time.monotonic()` at each event to a
pipe (CLOCK_MONOTONIC is one system-wide clock on Linux), then exits. Start-up therefore
includes interpreter start, every import, building the app and the first frame. After one
discarded warm-up run of each, N runs alternate bare/kiosk; medians and minimums are
printed, and a breakdown of the median phases. A child that has not finished after 20 s
is killed and the benchmark stops with its terminal output.

Bytecode: by default the children get a private, empty ``PYTHONPYCACHEPREFIX`` (filled
by the warm-up run) and ``PYTHONDONTWRITEBYTECODE`` unset, as in an installed app whose
modules are already compiled; ``--inherit-bytecode-env`` keeps this shell's settings
instead. ``TEXTUAL*`` variables (devtools, debug) are not passed on.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import platform
import re
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

CHILD = Path(__file__).resolve().with_name("_startup_child.py")
COLUMNS, ROWS = 120, 40
TIMEOUT_SECONDS = 20.0
TARGET_RATIO = 1.5
_OUTPUT_TAIL_BYTES = 16_384
_CURSOR_TO_ROW = re.compile(rb"\x1b\[(\d+);\d+H")
_ANSI = re.compile(r"\x1b(\[[0-9;?<>=$ ]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|.)")


class RunFailed(Exception):
    """One child did not reach its events; the message says why, with its terminal output."""


@dataclass(frozen=True)
class Run:
    """Seconds from just before Popen to each event the child reported."""

    events: dict[str, float]


def _take_terminal() -> None:
    # Runs in the child after setsid (start_new_session) and with fd 0 on the pty slave:
    # make the pty its controlling terminal, as a terminal emulator would.
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _screen_text(output: bytes) -> str:
    text = _ANSI.sub("", output.decode("utf-8", errors="replace"))
    lines = [line.rstrip() for line in text.replace("\r", "\n").split("\n")]
    return "\n".join(line for line in lines if line.strip())[-4000:]


def measure(mode: str, config_path: Path, env: dict[str, str]) -> Run:
    """Start one child in a fresh pty and return the times it reported."""
    needed = ("drawn", "painted", "ready") if mode == "kiosk" else ("drawn", "painted")
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    report_r, report_w = os.pipe()
    command = [sys.executable, str(CHILD), mode, str(report_w), str(config_path)]
    try:
        t0 = time.monotonic()
        child = subprocess.Popen(
            command,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            pass_fds=(report_w,),
            env=env,
            start_new_session=True,
            preexec_fn=_take_terminal,
        )
    except BaseException:
        for fd in (master, slave, report_r, report_w):
            os.close(fd)
        raise
    os.close(slave)
    os.close(report_w)
    output, report = bytearray(), bytearray()
    rows_left = set(range(1, ROWS + 1))
    events: dict[str, float] = {}
    open_fds = {master, report_r}
    timed_out = False
    try:
        deadline = t0 + TIMEOUT_SECONDS
        while open_fds:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            readable, _, _ = select.select(list(open_fds), [], [], min(left, 0.5))
            for fd in readable:
                try:
                    chunk = os.read(fd, 65_536)
                except OSError:  # EIO: every copy of the pty slave is closed
                    chunk = b""
                if not chunk:
                    open_fds.discard(fd)
                elif fd == master:
                    if rows_left:
                        # Rescan a few bytes of the previous chunk: a split escape sequence.
                        for match in _CURSOR_TO_ROW.finditer(bytes(output[-16:]) + chunk):
                            rows_left.discard(int(match[1]))
                        if not rows_left:
                            events["painted"] = time.monotonic() - t0
                    output += chunk
                    del output[:-_OUTPUT_TAIL_BYTES]
                else:
                    report += chunk
            if not readable and child.poll() is not None:
                # The child is gone; a grandchild could still hold the pty, so stop waiting.
                break
        if timed_out:
            child.kill()
        try:
            returncode = child.wait(timeout=5)
        except subprocess.TimeoutExpired:  # closed its pty and pipe but did not exit
            timed_out = True
            child.kill()
            returncode = child.wait()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        os.close(master)
        os.close(report_r)

    failure = ""
    for line in report.decode(errors="replace").splitlines():
        name, _, value = line.partition(" ")
        if name == "failed":
            failure = value
        elif value:
            events[name] = float(value) - t0
    missing = [name for name in needed if name not in events]
    if timed_out or failure or missing or returncode != 0:
        if timed_out:
            why = f"killed after {TIMEOUT_SECONDS:.0f} s without reaching {', '.join(missing)}"
        elif failure:
            why = failure
        elif missing:
            why = f"exited with status {returncode} before reaching {', '.join(missing)}"
        else:
            why = f"exited with status {returncode}"
        in_order = sorted(events.items(), key=lambda item: item[1])
        reached = ", ".join(f"{name} at {at:.3f} s" for name, at in in_order) or "nothing"
        raise RunFailed(
            f"{mode} run failed: {why}\n"
            f"  command: {' '.join(command)}\n"
            f"  reached: {reached}\n"
            f"  terminal output (escape sequences removed, last lines):\n"
            + "\n".join(f"    | {line}" for line in _screen_text(bytes(output)).splitlines())
        )
    return Run(events)


def child_env(cache_dir: Path, inherit_bytecode: bool) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TEXTUAL")}
    env["TERM"] = "xterm-256color"
    for key in ("COLUMNS", "LINES"):  # the size comes from the pty, as in a real terminal
        env.pop(key, None)
    if not inherit_bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(cache_dir)
    return env


def prepare_station(folder: Path) -> Path:
    """A demo station in `folder`, its database created and at the newest schema."""
    from kiosk.clock import SystemClock
    from kiosk.demo import prepare_demo

    config = prepare_demo(folder, SystemClock())
    assert config.source is not None
    return config.source


def _line(label: str, values: list[float], runs: int | None = None) -> str:
    text = f"{label:<37} median {statistics.median(values):.3f} s  min {min(values):.3f} s"
    return text + (f"  ({runs} runs)" if runs is not None else "")


def _phases(label: str, runs: list[Run], steps: list[tuple[str, str, str]]) -> str:
    parts = []
    for name, start, end in steps:
        spans = [r.events[end] - (r.events[start] if start else 0.0) for r in runs]
        parts.append(f"{name} {statistics.median(spans):.3f}")
    return f"  {label:<9} median phases (s): " + ", ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=10, help="measured runs of each app")
    parser.add_argument(
        "--inherit-bytecode-env",
        action="store_true",
        help="keep this shell's PYTHONDONTWRITEBYTECODE/PYTHONPYCACHEPREFIX for the children",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    bare: list[Run] = []
    kiosk: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        config_path = prepare_station(Path(tmp) / "station")
        env = child_env(Path(tmp) / "pycache", args.inherit_bytecode_env)
        try:
            measure("bare", config_path, env)  # warm-up: discarded
            measure("kiosk", config_path, env)
            for _ in range(args.runs):
                bare.append(measure("bare", config_path, env))
                kiosk.append(measure("kiosk", config_path, env))
        except RunFailed as exc:
            print(f"startup benchmark: {exc}", file=sys.stderr)
            return 1

    bytecode = "as in this shell" if args.inherit_bytecode_env else "compiled (private cache)"
    print(
        f"python {platform.python_version()}, textual {version('textual')}, "
        f"pty {COLUMNS}x{ROWS}, bytecode {bytecode}, {os.cpu_count()} CPUs"
    )

    def times(runs: list[Run], event: str) -> list[float]:
        return [run.events[event] for run in runs]

    def ratio(runs: list[Run], event: str, base: str) -> float:
        return statistics.median(times(runs, event)) / statistics.median(times(bare, base))

    print(_line("bare textual (Header+Input+Footer):", times(bare, "drawn"), args.runs))
    print(_line("kiosk login screen drawn:", times(kiosk, "drawn")))
    print(_line("kiosk ready for a badge (store open):", times(kiosk, "ready")))
    drawn_ratio = ratio(kiosk, "drawn", "drawn")
    verdict = "met" if drawn_ratio <= TARGET_RATIO else "NOT met"
    print(f"ratio login drawn / bare: {drawn_ratio:.2f}  (target ≤ {TARGET_RATIO}: {verdict})")
    print(f"ratio ready for a badge / bare: {ratio(kiosk, 'ready', 'drawn'):.2f}")
    print(f"seen on the terminal (every one of the {ROWS} rows written to the pty):")
    print(_line("  bare first full screen:", times(bare, "painted")))
    print(_line("  kiosk first full login screen:", times(kiosk, "painted")))
    print(f"  ratio kiosk / bare on the terminal: {ratio(kiosk, 'painted', 'painted'):.2f}")
    common = [
        ("interpreter", "", "python"),
        ("imports", "python", "imported"),
        ("first frame", "imported", "drawn"),
    ]
    print(_phases("bare", bare, common))
    print(_phases("kiosk", kiosk, [*common, ("store open", "drawn", "ready")]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
