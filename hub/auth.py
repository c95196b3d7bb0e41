"""Who is calling: a station by its token, or an admin by an admin token.

Every request starts here, so both look-ups run on the driver (hub/driver_sql.py).
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine

from hub.driver_sql import fetch
from hub.rules import StationScope
from hub.tokens import token_hash

_STATION_BY_TOKEN = "SELECT id, work_centers FROM station WHERE token_hash = ?"
_ADMIN_BY_TOKEN = "SELECT name FROM admin_token WHERE token_hash = ?"


def station_for_token(conn: Connection, token: str) -> StationScope | None:
    rows = fetch(conn, _STATION_BY_TOKEN, (token_hash(token),))
    if not rows:
        return None
    station_id, work_centers = rows[0]
    return StationScope(station_id, frozenset(code for code in work_centers.split("|") if code))


def is_admin_token(engine: Engine, token: str) -> bool:
    with engine.connect() as conn:
        return bool(fetch(conn, _ADMIN_BY_TOKEN, (token_hash(token),)))
