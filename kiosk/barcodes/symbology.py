"""AIM symbology identifiers (ISO/IEC 15424): the `]C1` a scanner may put before the data."""

from __future__ import annotations

import re

GS = "\x1d"  # group separator: how scanners send GS1's FNC1

# Codes whose data is a GS1 element string; the names are shown on the label's explanation.
GS1_SYMBOLOGIES = {
    "C1": "GS1-128",
    "d2": "GS1 DataMatrix",
    "Q3": "GS1 QR Code",
    "e0": "GS1 DataBar",
    "J1": "GS1 DotCode",
}
# Codes whose data is a bare GTIN.
GTIN_SYMBOLOGIES = {"E0": "EAN/UPC", "E4": "EAN-8", "I1": "ITF-14"}

_AIM_PREFIX = re.compile(r"\][A-Za-z][0-9A-Z]")  # a modifier is a digit or a capital


def split_symbology(text: str) -> tuple[str, str]:
    """`"]C1010950..."` → `("C1", "010950...")`; text without a prefix → `("", text)`."""
    match = _AIM_PREFIX.match(text)
    if match is None:
        return "", text
    return match[0][1:], text[match.end() :]
