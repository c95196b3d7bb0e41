"""The hub's HTTP API (FastAPI). Stateless: every request reads and writes the database."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from anyio import to_thread
from fastapi import Body, Depends, FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Connection, Engine

from hub import admin, reads
from hub.auth import is_admin_token, station_for_token
from hub.pull import pull
from hub.push import EpochConflict, apply_push
from hub.rules import StationScope
from sync.protocol import (
    HELLO_PATH,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    PULL_PATH,
    PUSH_PATH,
    ErrorBody,
    ErrorCode,
    HelloResponse,
    PullRequest,
    PullResponse,
    PushRequest,
    PushResponse,
)

_log = logging.getLogger("kiosk.hub")


class HubError(Exception):
    def __init__(self, status: int, code: ErrorCode, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.body = ErrorBody(error=code, detail=detail)


def _utc_now() -> datetime:
    return datetime.now(UTC)


_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in (
        (400, "Malformed request"),
        (401, "Missing or unknown token"),
        (403, "Not allowed for this token"),
        (409, "Protocol mismatch, or a station database waiting for an admin"),
    )
}

# Database integers (SQLite, PostgreSQL BIGINT) end here: a larger cursor or event number
# can name nothing the hub has, and binding it to a query would fail in the driver.
_MAX_NO = 2**63 - 1

_bearer = HTTPBearer(auto_error=False, description="A station token, or an admin token")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _check_protocol(version: int) -> None:
    if version != PROTOCOL_VERSION:
        raise HubError(
            409,
            ErrorCode.PROTOCOL_MISMATCH,
            f"the station speaks sync protocol {version}, this hub speaks {PROTOCOL_VERSION}: "
            "update the older of the two",
        )


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


@dataclass(frozen=True)
class _Caller:
    token: str
    protocol: int | None


async def _caller(
    credentials: Credentials,
    protocol: Annotated[int | None, Header(alias=PROTOCOL_HEADER)] = None,
) -> _Caller:
    """The bearer token; whose it is, the handler looks up in the connection it works in
    (one trip to a worker thread and one connection per request, not two)."""
    if credentials is None:
        raise _no_station()
    return _Caller(credentials.credentials, protocol)


def _no_station() -> HubError:
    detail = "a station token is needed (kiosk hub add-station)"
    return HubError(401, ErrorCode.UNAUTHORIZED, detail)


def _station(conn: Connection, caller: _Caller) -> StationScope:
    scope = station_for_token(conn, caller.token)
    if scope is None:
        raise _no_station()
    # Only a known station learns which protocol this hub speaks.
    if caller.protocol is not None:
        _check_protocol(caller.protocol)
    return scope


def _require_admin(request: Request, credentials: Credentials) -> None:
    if credentials is None or not is_admin_token(_engine(request), credentials.credentials):
        raise HubError(
            401, ErrorCode.UNAUTHORIZED, "an admin token is needed (kiosk hub admin-token)"
        )


StationToken = Annotated[_Caller, Depends(_caller)]
_as_admin = Depends(_require_admin)


@asynccontextmanager
async def _few_threads(_app: FastAPI) -> AsyncIterator[None]:
    # Requests are short database calls: four threads keep a core busy, while the default
    # 40 spend it fighting over the GIL (measured: 330 against 210 polls a second).
    to_thread.current_default_thread_limiter().total_tokens = 4
    yield


def create_hub_app(engine: Engine, now: Callable[[], datetime] = _utc_now) -> FastAPI:
    app = FastAPI(
        title="kiosk hub", version=str(PROTOCOL_VERSION), responses=_ERRORS, lifespan=_few_threads
    )
    app.state.engine = engine

    @app.exception_handler(HubError)
    async def _hub_error(request: Request, exc: HubError) -> JSONResponse:
        if exc.body.error in (ErrorCode.PROTOCOL_MISMATCH, ErrorCode.EPOCH_CONFLICT):
            # The hub's side of it: whoever runs the hub must see it too, not only the station.
            _log.warning("%s %s: %s", request.method, request.url.path, exc.body.detail)
        headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
        if exc.status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        return JSONResponse(
            exc.body.model_dump(mode="json"), status_code=exc.status, headers=headers
        )

    @app.exception_handler(UnicodeEncodeError)
    async def _unstorable_text(_request: Request, exc: UnicodeEncodeError) -> JSONResponse:
        # JSON may carry lone surrogates ("\udfff") that no database can store as text.
        body = ErrorBody(error=ErrorCode.BAD_REQUEST, detail=f"text that cannot be stored: {exc}")
        return JSONResponse(body.model_dump(mode="json"), status_code=400)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(part) for part in first.get("loc", ()))
        body = ErrorBody(error=ErrorCode.BAD_REQUEST, detail=f"{where}: {first.get('msg')}")
        return JSONResponse(body.model_dump(mode="json"), status_code=400)

    def own(scope: StationScope, station_id: str, version: int) -> None:
        _check_protocol(version)
        if station_id != scope.station_id:
            raise HubError(
                403,
                ErrorCode.WRONG_STATION,
                f"this token belongs to station {scope.station_id}, not {station_id}",
            )

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "protocol": PROTOCOL_VERSION}

    @app.post(HELLO_PATH)
    def hello(token: StationToken) -> HelloResponse:
        with engine.connect() as conn:
            scope = _station(conn, token)
        return HelloResponse(
            hub_time=now(), station_id=scope.station_id, work_centers=sorted(scope.work_centers)
        )

    # Push and pull answers are encoded by the handlers: FastAPI would check again the
    # answer it was just given. `response_model` still puts their shape in the schema.
    @app.post(PUSH_PATH, response_model=PushResponse)
    def push(token: StationToken, request: PushRequest) -> Response:
        with engine.connect() as conn:
            scope = _station(conn, token)
        own(scope, request.station_id, request.protocol)
        try:
            answer = apply_push(engine, scope, request, now())
        except EpochConflict as exc:
            raise HubError(409, ErrorCode.EPOCH_CONFLICT, str(exc)) from None
        return Response(answer.model_dump_json(), media_type="application/json")

    @app.post(PULL_PATH, response_model=PullResponse)
    def pull_changes(token: StationToken, request: PullRequest) -> Response:
        with engine.connect() as conn:
            scope = _station(conn, token)
            own(scope, request.station_id, request.protocol)
            if request.cursor > _MAX_NO:
                raise HubError(
                    400, ErrorCode.BAD_REQUEST, f"body.cursor: must be at most {_MAX_NO}"
                )
            answer = pull(conn, scope, request, now())
        return Response(answer.model_dump_json(), media_type="application/json")

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
