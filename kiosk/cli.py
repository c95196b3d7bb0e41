"""The `kiosk` command: run, demo, doctor, --version."""

from __future__ import annotations

import argparse
import os
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
    doctor = commands.add_parser("doctor", help="check config, database, devices and hub")
    doctor.add_argument(
        "--config", type=Path, default=Path(os.environ.get("KIOSK_CONFIG", "kiosk.toml"))
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "doctor":
            return _doctor(args.config)
        if args.command == "demo":
            from kiosk.demo import prepare_demo

            config = prepare_demo(args.data_dir, SystemClock(), reset=args.reset)
            print(f"demo station in {args.data_dir}", file=sys.stderr)
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
