"""Alembic environment: always run from `kiosk.store.database` with a live connection."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import kiosk.store.models  # noqa: F401  (registers the tables on SQLModel.metadata)

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,  # SQLite can only ALTER by copying the table
    transaction_per_migration=True,
)
with context.begin_transaction():
    context.run_migrations()
