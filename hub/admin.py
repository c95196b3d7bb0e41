"""What a hub admin does: enrol stations, issue admin tokens, accept a database, prune."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from hub.db import write
from hub.pull import TOMBSTONE_HORIZON, tombstone_horizon
from hub.records import scope_text
from hub.tables import admin_token, hub_meta, record, station, station_epoch
from hub.tokens import new_token, token_hash


class AdminError(Exception):
    """A request an admin made that cannot be done; the message says why."""


def add_station(engine: Engine, station_id: str, work_centers: list[str], now: datetime) -> str:
    """Enrol a station; returns its token, which the hub never stores in clear."""
    if not station_id.strip() or not work_centers:
        raise AdminError("a station needs an id and at least one work center")
    token = new_token()
    try:
        with write(engine) as conn:
            conn.execute(
                insert(station).values(
                    id=station_id,
                    token_hash=token_hash(token),
                    work_centers=scope_text(work_centers),
                    created_at=now.isoformat(),
                )
            )
    except IntegrityError:
        raise AdminError(f"station {station_id} is already enrolled (use rotate-token)") from None
    return token


def rotate_station_token(engine: Engine, station_id: str) -> str:
    token = new_token()
    with write(engine) as conn:
        done = conn.execute(
            update(station).where(station.c.id == station_id).values(token_hash=token_hash(token))
        ).rowcount
    if not done:
        raise AdminError(f"no station {station_id} is enrolled")
    return token


def add_admin_token(engine: Engine, name: str, now: datetime) -> str:
    token = new_token()
    with write(engine) as conn:
        conn.execute(
            insert(admin_token).values(
                token_hash=token_hash(token), name=name, created_at=now.isoformat()
            )
        )
    return token


def accept_epoch(engine: Engine, station_id: str, epoch: str) -> str:
    """Let a station's restored or reinstalled database push again; returns what was done.

    A new database becomes the station's only active one. A database restored from an old
    copy resumes at the first sequence it reused: the events it sends from there on are
    new ones (they have new ids), and the ones the hub already had stay as they were.
    """
    with write(engine) as conn:
        row = conn.execute(
            select(station_epoch).where(
                station_epoch.c.station_id == station_id, station_epoch.c.epoch == epoch
            )
        ).first()
        if row is None or row.status != "conflict":
            raise AdminError(f"station {station_id} has no database {epoch} waiting to be accepted")
        conn.execute(
            update(station_epoch)
            .where(station_epoch.c.station_id == station_id, station_epoch.c.epoch != epoch)
            .values(status="retired")
        )
        resume = 0 if row.conflict_seq is None else int(row.conflict_seq) - 1
        conn.execute(
            update(station_epoch)
            .where(station_epoch.c.station_id == station_id, station_epoch.c.epoch == epoch)
            .values(status="active", last_seq=resume, conflict_seq=None)
        )
    return (
        f"database {epoch} of station {station_id} accepted; "
        f"events after sequence {resume} will be merged"
    )


def prune_tombstones(engine: Engine, older_than: timedelta, now: datetime) -> int:
    """Forget deletions older than `older_than`; stations behind them resync in full."""
    cutoff = (now - older_than).isoformat()
    with write(engine) as conn:
        old = select(record.c.change_no).where(
            record.c.data.is_(None), record.c.changed_at < cutoff
        )
        top = conn.execute(select(func.max(old.subquery().c.change_no))).scalar()
        if top is None:
            return 0
        count = conn.execute(
            delete(record).where(record.c.data.is_(None), record.c.change_no <= top)
        ).rowcount
        horizon = max(tombstone_horizon(conn), int(top))
        updated = conn.execute(
            update(hub_meta).where(hub_meta.c.key == TOMBSTONE_HORIZON).values(value=str(horizon))
        ).rowcount
        if not updated:
            conn.execute(insert(hub_meta).values(key=TOMBSTONE_HORIZON, value=str(horizon)))
    return int(count)


def stations(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        epochs: dict[str, list[dict[str, Any]]] = {}
        for row in conn.execute(select(station_epoch).order_by(station_epoch.c.first_seen_at)):
            epochs.setdefault(row.station_id, []).append(
                {
                    "epoch": row.epoch,
                    "status": row.status,
                    "last_seq": row.last_seq,
                    "conflict": row.conflict_detail,
                }
            )
        return [
            {
                "id": row.id,
                "work_centers": [code for code in row.work_centers.split("|") if code],
                "last_seen_at": row.last_seen_at,
                "clock_skew_ms": row.clock_skew_ms,
                "databases": epochs.get(row.id, []),
            }
            for row in conn.execute(select(station).order_by(station.c.id))
        ]
