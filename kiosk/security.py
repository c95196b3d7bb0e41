"""Hashing of badge ids and PINs: the store never holds either in clear."""

from __future__ import annotations

import hashlib
import hmac
import secrets

# Badges are looked up by their hash, so it must be deterministic; the fixed context string
# keeps these hashes from matching any other system's plain SHA-256 of the same card.
_BADGE_CONTEXT = b"kiosk/badge/v1:"
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def normalize_badge(raw: str) -> str:
    """Readers differ in case and padding; one card must give one id."""
    return raw.strip().upper()


def badge_hash(raw: str) -> str:
    return hashlib.sha256(_BADGE_CONTEXT + normalize_badge(raw).encode()).hexdigest()


def pin_hash(pin: str, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    scheme, salt_hex, digest_hex = stored.split("$")
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt_hex), **_SCRYPT)
    return hmac.compare_digest(digest.hex(), digest_hex)
