"""What the AIM symbology identifiers (ISO/IEC 15424) say about a scan's data.

Recognising and stripping the `]C1` prefix is the device layer's (`devices.symbology`).
"""

from __future__ import annotations

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
