"""`kiosk hub ...`: serve the hub and administer it from the shell."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine


def _now() -> datetime:
    return datetime.now(UTC)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk hub", description="The central hub.")
    default_db = os.environ.get("KIOSK_HUB_DB", "hub.db")
    db_help = "SQLAlchemy URL or SQLite file (default: $KIOSK_HUB_DB or %(default)s)"
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--db", default=default_db, help=db_help)
        return sub

    serve = command("serve", "serve stations and admins over HTTP(S)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8700)
    serve.add_argument("--cert", type=Path, help="certificate (PEM) to serve HTTPS")
    serve.add_argument("--key", type=Path, help="private key (PEM) of --cert")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="hub processes sharing the port, e.g. one per core (default %(default)s)",
    )
    add = command("add-station", "enrol a station and print its token (shown once)")
    add.add_argument("station_id", metavar="ID")
    add.add_argument("--work-center", action="append", required=True, dest="work_centers")
    rotate = command("rotate-token", "give an enrolled station a new token (shown once)")
    rotate.add_argument("station_id", metavar="ID")
    token = command("admin-token", "print a new admin token for the admin API (shown once)")
    token.add_argument("--name", default="admin")
    imp = command("import", "load ERP reference data from a JSON or CSV file")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--entity", help="what a CSV file holds (default: from its name)")
    accept = command("accept-epoch", "let a restored or reinstalled station database push")
    accept.add_argument("station_id", metavar="ID")
    accept.add_argument("epoch", metavar="EPOCH")
    prune = command("prune", "forget deletions older than --keep-days (stations resync)")
    prune.add_argument("--keep-days", type=float, required=True)
    command("stations", "list enrolled stations, their databases and clock skew")
    return parser


def main(argv: Sequence[str]) -> int:
    from hub.db import HubDatabaseError, open_hub_db

    args = _parser().parse_args(argv)
    try:
        engine = open_hub_db(args.db)
    except HubDatabaseError as exc:
        print(f"kiosk hub: {exc}", file=sys.stderr)
        return 2
    try:
        return _dispatch(args, engine)
    finally:
        engine.dispose()


def _dispatch(args: argparse.Namespace, engine: Engine) -> int:
    from hub import admin

    try:
        if args.command == "serve":
            return _serve(engine, args)
        if args.command == "add-station":
            print(admin.add_station(engine, args.station_id, args.work_centers, _now()))
        elif args.command == "rotate-token":
            print(admin.rotate_station_token(engine, args.station_id))
        elif args.command == "admin-token":
            print(admin.add_admin_token(engine, args.name, _now()))
        elif args.command == "accept-epoch":
            print(admin.accept_epoch(engine, args.station_id, args.epoch))
        elif args.command == "prune":
            count = admin.prune_tombstones(engine, timedelta(days=args.keep_days), _now())
            print(f"{count} deletions forgotten")
        elif args.command == "stations":
            print(json.dumps(admin.stations(engine), indent=2, ensure_ascii=False))
        elif args.command == "import":
            return _import(engine, args.file, args.entity)
    except admin.AdminError as exc:
        print(f"kiosk hub: {exc}", file=sys.stderr)
        return 1
    return 0


def _import(engine: Engine, path: Path, entity: str | None) -> int:
    from hub.importer import ImportProblems, apply_import, parse_import_file

    def progress(done: int, total: int) -> None:
        print(f"\rimporting: {done} of {total} rows", end="", file=sys.stderr, flush=True)

    try:
        summary = apply_import(engine, parse_import_file(path, entity), _now(), progress)
    except ImportProblems as exc:
        print(f"kiosk hub: nothing imported\n{exc}", file=sys.stderr)
        return 1
    print(file=sys.stderr)
    print(f"{summary.rows} rows read, {summary.changed} records changed")
    return 0


def _serve(engine: Engine, args: argparse.Namespace) -> int:
    import uvicorn

    from hub.app import WORKER_DB_ENV, create_hub_app

    cert: Path | None = args.cert
    key: Path | None = args.key
    if (cert is None) != (key is None):
        print("kiosk hub: --cert and --key go together", file=sys.stderr)
        return 2
    if args.workers < 1:
        print("kiosk hub: --workers must be at least 1", file=sys.stderr)
        return 2
    options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "ssl_certfile": str(cert) if cert else None,
        "ssl_keyfile": str(key) if key else None,
        "log_level": "warning",
        "access_log": False,
    }
    scheme = "https" if cert else "http"
    print(f"kiosk hub on {scheme}://{args.host}:{args.port}", flush=True)
    if args.workers == 1:
        uvicorn.Server(uvicorn.Config(create_hub_app(engine), **options)).run()
        return 0
    # uvicorn starts each worker process from an import string; each opens the database
    # itself. The tables were made above, once, so the workers never race to make them.
    os.environ[WORKER_DB_ENV] = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    uvicorn.run("hub.app:worker_app", factory=True, workers=args.workers, **options)
    return 0
