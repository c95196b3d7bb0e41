"""The central hub: a stateless ASGI server over one SQL database (SQLite or PostgreSQL)."""
