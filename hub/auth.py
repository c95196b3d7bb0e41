"""Who is calling: a station by its token, or an admin by an admin token."""

from __future__ import annotations

from sqlalchemy import Connection, Engine, select

from hub.rules import StationScope
from hub.tables import admin_token, station
from hub.tokens import token_hash


def station_for_token(conn: Connection, token: str) -> StationScope | None:
    row = conn.execute(
        select(station.c.id, station.c.work_centers).where(
            station.c.token_hash == token_hash(token)
        )
    ).first()
    if row is None:
        return None
    return StationScope(row.id, frozenset(code for code in row.work_centers.split("|") if code))


def is_admin_token(engine: Engine, token: str) -> bool:
    with engine.connect() as conn:
        found = conn.execute(
            select(admin_token.c.name).where(admin_token.c.token_hash == token_hash(token))
        ).first()
    return found is not None
