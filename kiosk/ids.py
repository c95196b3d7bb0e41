"""Station-made identifiers: UUIDv7, time-ordered and never reused."""

from __future__ import annotations

from uuid_utils.compat import uuid7

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # no I L O U: read aloud and typed safely


def new_id() -> str:
    return str(uuid7())


def short_code(id_: str) -> str:
    """Eight characters from the random end of a UUIDv7 (40 bits): a code people can read
    out and type, unique enough to tell a station's records apart without asking anybody."""
    value = int(id_.replace("-", "")[-10:], 16)
    text = ""
    for _ in range(8):
        value, rest = divmod(value, 32)
        text = _CROCKFORD[rest] + text
    return text
