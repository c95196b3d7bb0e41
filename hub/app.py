"""The hub's HTTP API (FastAPI). Stateless: every request reads and writes the database."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec
from anyio import to_thread
from fastapi import Body, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine

from hub import admin, reads
from hub.auth import is_admin_token
from hub.db import open_hub_db
from hub.errors import ERROR_STATUSES, HubError, validation_problem
from hub.station_openapi import document_station_calls, json_content
from hub.station_routes import station_routes
from sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION, ErrorBody, ErrorCode

_log = logging.getLogger("kiosk.hub")

# `kiosk hub serve --workers N` hands its worker processes the database URL here.
WORKER_DB_ENV = "KIOSK_HUB_WORKER_DB"


def _utc_now() -> datetime:
    return datetime.now(UTC)


_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"description": text, "content": json_content(ErrorBody)}
    for status, text in ERROR_STATUSES.items()
}

# Database integers (SQLite, PostgreSQL BIGINT) end here: a larger cursor or event number
# can name nothing the hub has, and binding it to a query would fail in the driver.
_MAX_NO = 2**63 - 1


def _error(body: ErrorBody, status: int, headers: dict[str, str] | None = None) -> Response:
    return Response(
        msgspec.json.encode(body), status, headers=headers, media_type="application/json"
    )


# Worker threads for database calls: four keep a core busy (measured: 330 polls a second
# against 210 with anyio's default of 40, which spend it fighting over the GIL).
_THREADS = 4

_bearer = HTTPBearer(auto_error=False, description="A station token, or an admin token")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _require_admin(request: Request, credentials: Credentials) -> None:
    engine: Engine = request.app.state.engine
    if credentials is None or not is_admin_token(engine, credentials.credentials):
        raise HubError(
            401, ErrorCode.UNAUTHORIZED, "an admin token is needed (kiosk hub admin-token)"
        )


_as_admin = Depends(_require_admin)


def create_hub_app(engine: Engine, now: Callable[[], datetime] = _utc_now) -> FastAPI:
    # Database calls that wait (a commit's fsync, any PostgreSQL round trip) go to these
    # threads. Reads of a SQLite hub wait on nothing (WAL: readers never wait for writers,
    # and the pages are in memory), and a trip to a thread and back costs more CPU than
    # such a read (measured: 0.4 ms against 0.1 ms), so those run where the request is.
    pool = ThreadPoolExecutor(_THREADS, thread_name_prefix="hub-db")
    reads_in_place = engine.dialect.name == "sqlite"

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # The admin calls are plain functions, which FastAPI runs in anyio's threads: the
        # same few, not the default 40 that spend a core fighting over the GIL.
        to_thread.current_default_thread_limiter().total_tokens = _THREADS
        try:
            yield
        finally:
            pool.shutdown(wait=True)

    app = FastAPI(
        title="kiosk hub",
        version=str(PROTOCOL_VERSION),
        responses=_ERRORS,
        lifespan=lifespan,
        # Off, and so not asked on every request whether a tracer has appeared meanwhile.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.engine = engine

    @app.exception_handler(HubError)
    async def _hub_error(request: Request, exc: HubError) -> Response:
        if exc.body.error in (ErrorCode.PROTOCOL_MISMATCH, ErrorCode.EPOCH_CONFLICT):
            # The hub's side of it: whoever runs the hub must see it too, not only the station.
            _log.warning("%s %s: %s", request.method, request.url.path, exc.body.detail)
        headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
        if exc.status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        return _error(exc.body, exc.status, headers)

    @app.exception_handler(UnicodeEncodeError)
    async def _unstorable_text(_request: Request, exc: UnicodeEncodeError) -> Response:
        # JSON may carry lone surrogates ("\udfff") that no database can store as text.
        body = ErrorBody(error=ErrorCode.BAD_REQUEST, detail=f"text that cannot be stored: {exc}")
        return _error(body, 400)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(_request: Request, exc: RequestValidationError) -> Response:
        body = ErrorBody(
            error=ErrorCode.BAD_REQUEST, detail=validation_problem(list(exc.errors()), ())
        )
        return _error(body, 400)

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "protocol": PROTOCOL_VERSION}

    async def run(work: Callable[[], Response], reads_only: bool) -> Response:
        if reads_only and reads_in_place:
            return work()
        return await asyncio.get_running_loop().run_in_executor(pool, work)

    app.router.routes[:0] = station_routes(engine, now, run)
    document_station_calls(app)

    @app.post("/v1/admin/import", dependencies=[_as_admin])
    def import_data(document: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
        # Loaded on first use: most hub processes only ever serve stations.
        from hub.importer import ImportProblems, apply_import, parse_import_json

        try:
            summary = apply_import(engine, parse_import_json(document), now())
        except ImportProblems as exc:
            raise HubError(400, ErrorCode.BAD_REQUEST, str(exc)) from None
        return {"rows": summary.rows, "changed": summary.changed, "by_entity": summary.by_entity}

    @app.get("/v1/admin/stations", dependencies=[_as_admin])
    def list_stations() -> list[dict[str, Any]]:
        return admin.stations(engine)

    @app.post("/v1/admin/stations/{station_id}/accept-epoch", dependencies=[_as_admin])
    def accept_epoch(station_id: str, epoch: Annotated[str, Query(min_length=1)]) -> dict[str, str]:
        try:
            return {"result": admin.accept_epoch(engine, station_id, epoch)}
        except admin.AdminError as exc:
            raise HubError(400, ErrorCode.BAD_REQUEST, str(exc)) from None

    @app.get("/v1/admin/stations/{station_id}/events", dependencies=[_as_admin])
    def station_events(
        station_id: str,
        after: Annotated[int, Query(ge=0, le=_MAX_NO)] = 0,
        limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
    ) -> list[dict[str, Any]]:
        with engine.connect() as conn:
            return reads.station_events(conn, station_id, after, limit)

    @app.get("/v1/admin/events/flagged", dependencies=[_as_admin])
    def flagged(
        after: Annotated[int, Query(ge=0, le=_MAX_NO)] = 0,
        limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
    ) -> list[dict[str, Any]]:
        with engine.connect() as conn:
            return reads.flagged_events(conn, after, limit)

    @app.get("/v1/admin/operations/{operation_id}/reports", dependencies=[_as_admin])
    def operation_reports(operation_id: str) -> dict[str, Any]:
        with engine.connect() as conn:
            return reads.operation_reports(conn, operation_id)

    @app.get("/v1/admin/serials/{sn}/genealogy", dependencies=[_as_admin])
    def genealogy(sn: str) -> dict[str, Any]:
        with engine.connect() as conn:
            return reads.serial_genealogy(conn, sn)

    @app.get("/v1/admin/lots/{lot_no}/where-used", dependencies=[_as_admin])
    def where_used(lot_no: str) -> dict[str, Any]:
        with engine.connect() as conn:
            return reads.lot_where_used(conn, lot_no)

    @app.get("/v1/admin/exceptions/open", dependencies=[_as_admin])
    def exceptions_open() -> list[dict[str, Any]]:
        with engine.connect() as conn:
            return reads.open_exceptions(conn)

    return app


def worker_app() -> FastAPI:
    """The app of one worker process of `kiosk hub serve --workers N` (uvicorn calls it)."""
    return create_hub_app(open_hub_db(os.environ[WORKER_DB_ENV], create=False))
