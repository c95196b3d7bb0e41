"""The station's local store: SQLite (WAL, synchronous=FULL) through SQLModel.

Import `kiosk.store.database` to open one; the tables live in `kiosk.store.models`.
"""
