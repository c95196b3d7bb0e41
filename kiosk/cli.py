"""The `kiosk` command: run, demo, doctor, --version."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from kiosk import __version__
from kiosk.clock import SystemClock
from kiosk.config import ConfigError, StationConfig, load_config
from kiosk.store.errors import StoreError


def _default_demo_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "kiosk" / "demo"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="Shop-floor station terminal.")
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser("run", help="open the station app")
    run.add_argument(
        "--config", type=Path, default=Path(os.environ.get("KIOSK_CONFIG", "kiosk.toml"))
    )
    demo = commands.add_parser("demo", help="open the app on demo data (created on first use)")
    demo.add_argument(
        "--data-dir",
        type=Path,
        default=_default_demo_dir(),
        help="where the demo config and database live (default: %(default)s)",
    )
    demo.add_argument("--reset", action="store_true", help="start from fresh demo data")
    demo.add_argument(
        "--hub",
        action="store_true",
        help="also run a demo hub on loopback, with the demo plant, and sync with it",
    )
    barcode = commands.add_parser("barcode", help="what the station makes of a barcode")
    barcode_commands = barcode.add_subparsers(dest="barcode_command", required=True)
    explain = barcode_commands.add_parser(
        "explain",
        help="show the kind and fields of DATA, or why it is not understood",
        description="Separators may be written as \\x1d, <GS> or <FNC1>. "
        "Exit status 0 when understood, 1 when not.",
    )
    explain.add_argument("data", metavar="DATA")
    explain.add_argument("--json", action="store_true", help="print one JSON object")
    explain.add_argument(
        "--config",
        type=Path,
        default=Path(os.environ.get("KIOSK_CONFIG", "kiosk.toml")),
        help="read supplier formats and patterns from this file when it exists",
    )
    qc = commands.add_parser("qc", help="quality control: acceptance sampling by ISO 2859-1")
    qc_commands = qc.add_subparsers(dest="qc_command", required=True)
    qc_plan = qc_commands.add_parser(
        "plan",
        help="the single sampling plan for a lot",
        description="Sample size and accept/reject numbers by ISO 2859-1:1999 "
        "(ANSI/ASQ Z1.4). Exit status 2 on input it has no plan for.",
    )
    # Checked by kiosk.qc_sampling rather than argparse, for a one-line message.
    qc_plan.add_argument("--lot-size", required=True, help="items in the lot")
    qc_plan.add_argument("--aql", required=True, help="acceptance quality limit, e.g. 1.0")
    qc_plan.add_argument(
        "--level", default="II", help="inspection level: S-1 to S-4, I, II, III (default II)"
    )
    qc_plan.add_argument(
        "--severity",
        default="normal",
        help="normal, tightened or reduced inspection (default normal)",
    )
    qc_plan.add_argument("--json", action="store_true", help="print one JSON object")
    sim = commands.add_parser(
        "sim",
        help="simulate a serial scanner, badge reader or gauge on a pseudo-terminal",
        description="Creates a serial port at --link and sends each line typed here as one "
        "read (\\x1d or <GS> for separators). Ctrl+D unplugs it.",
    )
    sim.add_argument("device", choices=["scanner", "badge", "gauge", "printer", "dnc"])
    sim.add_argument(
        "--link",
        type=Path,
        help="where the port appears (default: the demo station's, in the demo data dir)",
    )
    sim.add_argument("--data-dir", type=Path, default=_default_demo_dir())
    sim.add_argument("--suffix", choices=["cr", "lf", "crlf"], default="cr")
    sim.add_argument(
        "--port", type=int, default=9100, help="printer: loopback TCP port (default 9100)"
    )
    sim.add_argument("--folder", type=Path, help="printer: also save each job in this folder")
    commands.add_parser(
        "hub", help="serve and administer the central hub (kiosk hub --help)", add_help=False
    ).add_argument("hub_args", nargs=argparse.REMAINDER)
    sync = commands.add_parser("sync", help="sync this station with the hub from the shell")
    sync.add_argument(
        "--config", type=Path, default=Path(os.environ.get("KIOSK_CONFIG", "kiosk.toml"))
    )
    sync.add_argument("--once", action="store_true", help="one round, then exit")
    doctor = commands.add_parser("doctor", help="check config, database, devices and hub")
    doctor.add_argument(
        "--config", type=Path, default=Path(os.environ.get("KIOSK_CONFIG", "kiosk.toml"))
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "hub":
        from hub.cli import main as hub_main

        return hub_main(args.hub_args)
    try:
        if args.command == "sync":
            return _sync(load_config(args.config), args.once)
        if args.command == "doctor":
            return _doctor(args.config)
        if args.command == "barcode":
            return _explain(args.data, args.json, args.config)
        if args.command == "qc":
            return _qc_plan(args.lot_size, args.aql, args.level, args.severity, args.json)
        if args.command == "sim":
            if args.device == "printer":
                return _simulate_printer(args.port, args.folder)
            from kiosk.demo import demo_port

            link = args.link or demo_port(args.data_dir, args.device)
            if args.device == "dnc":
                return _simulate_machine(link)
            return _simulate(args.device, link, args.suffix)
        if args.command == "demo":
            from kiosk.demo import prepare_demo, start_demo_printer

            config = prepare_demo(args.data_dir, SystemClock(), reset=args.reset)
            printer, config = start_demo_printer(config)
            print(f"demo station in {args.data_dir}", file=sys.stderr)
            try:
                if args.hub:
                    return _demo_with_hub(config, args.data_dir)
                return _run(config)
            finally:
                printer.stop()
        else:
            config = load_config(args.config)
    except ConfigError as exc:
        print(f"kiosk: configuration error\n{exc}", file=sys.stderr)
        return 2
    except (StoreError, OSError) as exc:
        print(f"kiosk: cannot prepare the station: {exc}", file=sys.stderr)
        return 2
    return _run(config)


def _run(config: StationConfig) -> int:
    from kiosk.app import create_app

    create_app(config, SystemClock()).run()
    return 0


def _demo_with_hub(config: StationConfig, folder: Path) -> int:
    import msgspec

    from hub.demo import start_demo_hub
    from kiosk.demo_data import demo_reference

    today = SystemClock().now().astimezone().date()
    station = config.station
    hub = start_demo_hub(folder, station.id, station.work_centers, demo_reference(today))
    print(
        f"demo hub on {hub.url} (log: {folder / 'hub.log'}); its admin API, e.g.:\n"
        f'  curl -H "Authorization: Bearer {hub.admin_token}" {hub.url}/v1/admin/stations',
        file=sys.stderr,
    )
    section = msgspec.structs.replace(
        config.hub, url=hub.url, token=hub.station_token, sync_seconds=5.0
    )
    try:
        return _run(msgspec.structs.replace(config, hub=section))
    finally:
        hub.stop()


def _sync(config: StationConfig, once: bool) -> int:
    """Sync from the shell: one round, or rounds until interrupted, with progress."""
    import time

    from kiosk.store.database import open_store
    from sync.client import HubUnreachable, SyncClient, SyncRefused

    if not config.hub.url:
        print("kiosk sync: no [hub] url in the configuration", file=sys.stderr)
        return 2
    store = open_store(config.database.path, config.station.id, SystemClock())
    client = SyncClient(store, config.hub, SystemClock())

    def progress(done: int, total: int) -> None:
        print(f"\rpulling: {done} of {total} changes", end="", file=sys.stderr, flush=True)

    try:
        while True:
            try:
                report = client.sync_once(progress)
                print(
                    f"\npushed {report.pushed} events, pulled {report.pulled} changes", flush=True
                )
                if report.blocked:
                    print(f"pushing stopped: {report.blocked}", file=sys.stderr)
            except HubUnreachable as exc:
                print(f"hub unreachable: {exc}", file=sys.stderr, flush=True)
                if once:
                    return 1
            except SyncRefused as exc:
                print(f"hub refused: {exc.detail}", file=sys.stderr)
                return 1
            if once:
                return 0
            time.sleep(config.hub.sync_seconds)
    except KeyboardInterrupt:
        return 0
    finally:
        client.close()
        store.close()


def _explain(data: str, as_json: bool, config_path: Path) -> int:
    from kiosk.barcodes.explain import exit_status, explain_json, explain_text, unescape
    from kiosk.barcodes.formats import BarcodeSection
    from kiosk.barcodes.meaning import interpret

    section = load_config(config_path).barcodes if config_path.exists() else BarcodeSection()
    meaning = interpret(unescape(data), None, section)
    if as_json:
        print(json.dumps(explain_json(meaning), ensure_ascii=False))
    else:
        print(explain_text(meaning))
    return exit_status(meaning)


def _qc_plan(lot_size: str, aql: str, level: str, severity: str, as_json: bool) -> int:
    from kiosk.qc_sampling import SamplingError, plan_for

    try:
        lot = int(lot_size)
    except ValueError:
        print(f"kiosk qc: lot size must be a whole number, not {lot_size!r}", file=sys.stderr)
        return 2
    try:
        plan = plan_for(lot, aql, level, severity)
    except SamplingError as exc:
        print(f"kiosk qc: {exc}", file=sys.stderr)
        return 2
    if as_json:
        fields = {
            "code_letter": plan.code_letter,
            "sample_size": plan.sample_size,
            "accept": plan.accept,
            "reject": plan.reject,
        }
        print(json.dumps(fields))
        return 0
    whole = " (the whole lot)" if plan.sample_size == lot else ""
    print(f"code letter {plan.code_letter}")
    print(f"sample size {plan.sample_size}{whole}")
    print(f"accept if ≤ {plan.accept} nonconforming")
    print(f"reject if ≥ {plan.reject} nonconforming")
    return 0


def _simulate(device: str, link: Path, suffix: str) -> int:
    from devices.simulator import SerialSimulator
    from kiosk.barcodes.explain import unescape

    _ctrl_c_stops()
    simulator = SerialSimulator(link, suffix)
    print(f"{device} simulator on {link}: type a read and press Enter; Ctrl+D unplugs it.")
    try:
        for line in sys.stdin:
            text = unescape(line.rstrip("\r\n"))
            if text:
                simulator.send(text.encode())
    except KeyboardInterrupt:
        pass
    finally:
        simulator.close()
    return 0


def _ctrl_c_stops() -> None:
    """The simulators say Ctrl+C stops them. Started where SIGINT is ignored (a shell's
    background job, a CI runner), Python would never raise KeyboardInterrupt: they would
    only die, leaving their port link behind."""
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _simulate_machine(link: Path) -> int:
    """A machine's DNC port: prints each program it receives as it arrives."""
    from devices.dnc_sim import DncMachine

    _ctrl_c_stops()
    machine = DncMachine(link=link)
    machine.start()
    print(f"DNC machine simulator on {link}: shows what it receives; Ctrl+C stops it.", flush=True)
    shown = 0
    try:
        while True:
            received = machine.wait_for(shown + 1, timeout=1.0)
            if len(received) > shown:
                print(received[shown:].decode("ascii", "replace"), end="", flush=True)
                shown = len(received)
    except KeyboardInterrupt:
        pass
    finally:
        machine.close()
    return 0


def _simulate_printer(port: int, folder: Path | None) -> int:
    from devices.printer_sim import PrinterSimulator

    _ctrl_c_stops()
    printer = PrinterSimulator(port=port, folder=folder)
    printer.start()
    print(f"label printer simulator on 127.0.0.1:{printer.port}; Ctrl+C stops it.", flush=True)
    seen = 0
    try:
        while True:
            jobs = printer.wait_for_jobs(seen + 1, timeout=1.0)
            for job in jobs[seen:]:
                print(f"job {seen + 1}: {len(job)} bytes, starts {job[:40]!r}", flush=True)
                seen += 1
    except KeyboardInterrupt:
        pass
    finally:
        printer.stop()
    return 0


def _doctor(config_path: Path) -> int:
    from kiosk.doctor import Verdict, diagnose

    checks = diagnose(config_path)
    for check in checks:
        print(f"{check.verdict.value.upper():<5} {check.subject:<13} {check.detail}")
        if check.fix and check.verdict is not Verdict.OK:
            print(f"{'':<19}→ {check.fix}")
    return 1 if any(check.verdict is Verdict.FAIL for check in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
