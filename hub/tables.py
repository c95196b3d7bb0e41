"""The hub's tables (SQLAlchemy Core: the same schema on SQLite and PostgreSQL).

Every fact a process needs lives here, never in process memory, so any number of hub
processes can serve stations from one PostgreSQL database.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
)

metadata = MetaData()

# Bumped when the tables change; a hub refuses a database made by a newer hub.
HUB_SCHEMA_VERSION = 1

hub_meta = Table(
    "hub_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# One row: the last change number handed out. Taking the next numbers is an UPDATE of this
# row, which holds its lock until commit, so change numbers become visible in order and a
# pull cursor can never pass a change that commits later.
change_counter = Table(
    "change_counter",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("value", BigInteger, nullable=False),
)

station = Table(
    "station",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    # "|WC-A|WC-B|": matched with LIKE '%|WC-A|%'.
    Column("work_centers", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("last_seen_at", String(40)),
    # station clock minus hub clock at its last push, in milliseconds.
    Column("clock_skew_ms", BigInteger),
    Column("pull_cursor", BigInteger),
)

admin_token = Table(
    "admin_token",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("created_at", String(40), nullable=False),
)

# Each database a station has pushed from. A station restored from an old copy (its
# sequence numbers reused) or reinstalled (a new epoch) is put in `conflict` until an admin
# accepts it; nothing from it is merged before that.
station_epoch = Table(
    "station_epoch",
    metadata,
    Column("station_id", String(64), primary_key=True),
    Column("epoch", String(64), primary_key=True),
    Column("status", String(16), nullable=False),  # active | conflict | retired
    Column("last_seq", BigInteger, nullable=False),
    Column("conflict_seq", BigInteger),
    Column("conflict_detail", Text, nullable=False, default=""),
    Column("first_seen_at", String(40), nullable=False),
)

hub_event = Table(
    "hub_event",
    metadata,
    # Arrival order on the hub; an event's place in its station's history is (epoch, seq).
    Column(
        "no", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("id", String(64), nullable=False, unique=True),
    Column("station_id", String(64), nullable=False),
    Column("epoch", String(64), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("type", String(64), nullable=False),
    Column("payload", Text, nullable=False),
    Column("subject_id", String(64)),
    Column("user_id", String(64)),
    Column("occurred_at", String(40), nullable=False),
    Column("received_at", String(40), nullable=False),
    Column("status", String(16), nullable=False),  # accepted | flagged | rejected
    Column("reason", String(200), nullable=False, default=""),
    Column("detail", Text, nullable=False, default=""),
    Index("ix_hub_event_station", "station_id", "epoch", "seq"),
    Index("ix_hub_event_type", "type"),
)

# What an accepted event refers to (an operation, a serial number, a lot, an exception), so
# the read API finds reports, genealogy and where-used by index instead of scanning JSON.
event_ref = Table(
    "event_ref",
    metadata,
    Column("event_id", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("value", String(200), nullable=False),
    Index("ix_event_ref_value", "kind", "value"),
)

# First come, first served: the subject (e.g. a maintenance work order) belongs to the
# first station whose claim the hub applied.
claim = Table(
    "claim",
    metadata,
    Column("subject", String(200), primary_key=True),
    Column("event_id", String(64), nullable=False),
    Column("station_id", String(64), nullable=False),
)

# Lot quantities consumed across all stations, for the over-consumption flag.
lot_consumed = Table(
    "lot_consumed",
    metadata,
    Column("lot_no", String(100), primary_key=True),
    Column("qty", Float, nullable=False),
)

# Reference data, latest version of each record. `change_no` orders the pull feed.
record = Table(
    "record",
    metadata,
    Column("entity", String(32), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("scope", Text, nullable=False),  # "" for every station, else "|WC-A|WC-B|"
    # The record's own id (operations, work orders, lots...), for looking events' subjects up.
    Column("record_id", String(64), index=True),
    Column("data", Text),  # JSON; NULL once deleted (a tombstone)
    Column("change_no", BigInteger, nullable=False, unique=True),
    Column("changed_at", String(40), nullable=False),
)
# An operation's key is "<work order number>:<seq>": without its trailing digits, the key
# of every operation of its work order. A statement finds a work order's routing by this
# index when it repeats the expression as is: rtrim(key, '0123456789') (hub/rules.py).
# The expression alone: with entity in it, or limited to operations, the index made the
# push path's lookups by entity and record_id 3 to 4 times slower on SQLite (the first by
# a plan scanning every record of the entity).
Index("ix_record_routing", func.rtrim(record.c.key, "0123456789"))

# The exceptions (andon) of every line as their events left them, kept as events arrive
# (hub/line_exceptions.py) so a station's question "what is open on my lines" is one index
# range, not a replay of every exception event. Steps may arrive before the raise (another
# station pushed first): such a row has no work center until the raise comes, and resolved
# rows stay, so a late raise cannot reopen what was resolved. Text columns: the payloads
# set no lengths, and a value too long for a column must not fail a push on PostgreSQL.
line_exception = Table(
    "line_exception",
    metadata,
    Column("exception_id", Text, primary_key=True),
    Column("work_center", Text),
    Column("station_id", Text),
    Column("category", Text),
    Column("severity", Text),
    Column("note", Text),
    Column("equipment", Text),
    Column("operation_id", Text),
    Column("raised_at", String(40)),
    Column("raised_by", Text),
    Column("level", Integer, nullable=False),
    Column("acknowledged_at", String(40)),
    Column("acknowledged_by", Text),
    Column("ack_seconds", Float),
    Column("resolved_at", String(40)),
    Column("resolved_by", Text),
    Column("resolve_seconds", Float),
    Column("cause", Text),
    Column("action", Text),
    Column("resolution_note", Text),
    Index("ix_line_exception_open", "work_center", "resolved_at"),
)
