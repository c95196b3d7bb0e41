"""Station and admin tokens: shown once, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    # Tokens are 256 random bits, so a plain SHA-256 cannot be brute-forced; it is also
    # deterministic, which lets the hub find the station by its token's hash.
    return hashlib.sha256(token.encode()).hexdigest()
