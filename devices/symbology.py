"""AIM symbology identifiers (ISO/IEC 15424): the "]C1" a scanner may put before the data.

The identifier names the kind of symbol read: "]C0" Code 128, "]C1" GS1-128, "]d1" Data
Matrix, "]d2" GS1 DataMatrix, "]Q1" QR Code, "]Q3" GS1 QR Code, "]E0" EAN-13, "]e0" GS1
DataBar... It is always three characters: "]", a letter for the symbology, and a modifier
(a digit or a capital letter).
"""

from __future__ import annotations

import string

_CODES = frozenset(string.ascii_letters)
_MODIFIERS = frozenset(string.digits + string.ascii_uppercase)


def split_symbology(text: str) -> tuple[str | None, str]:
    """(identifier, data) when `text` starts with an identifier, else (None, text) untouched.

    Only the prefix goes: GS separators (FNC1) inside the data stay, the GS1 parser needs them.
    """
    if len(text) >= 3 and text[0] == "]" and text[1] in _CODES and text[2] in _MODIFIERS:
        return text[:3], text[3:]
    return None, text
