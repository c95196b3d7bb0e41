"""Supplier labels in their own formats, as configured in `[[barcodes.supplier_formats]]`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from kiosk.barcodes.formats import FIELD_NAMES, SupplierFormat, compiled
from kiosk.barcodes.scans import Field, MaterialLabel, UnknownScan, quoted

_TITLES = {
    "part": "Part number",
    "lot": "Lot",
    "qty": "Quantity",
    "expiry": "Expiry date",
    "serial": "Serial number",
    "supplier": "Supplier",
}
# Plain digits only: Decimal would also take "1_000", "NaN", "-3" and other scripts' digits.
_QUANTITY = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def read_supplier(
    text: str, formats: Sequence[SupplierFormat]
) -> MaterialLabel | UnknownScan | None:
    """The label as read by the first format that fits it.

    When formats fit its shape but not its values (a quantity that is no number), the first
    such problem; when none fits at all, None.
    """
    problem: UnknownScan | None = None
    for fmt in formats:
        values = _values(text, fmt)
        if values is None:
            continue
        label = _label(fmt, values)
        if isinstance(label, MaterialLabel):
            return label
        problem = problem or label
    return problem


def _values(text: str, fmt: SupplierFormat) -> dict[str, str] | None:
    """The field texts by name, in the format's order, or None when the shape differs."""
    if fmt.delimiter and not fmt.pattern:
        parts = text.split(fmt.delimiter)
        if len(parts) != len(fmt.fields):
            return None
        return {
            name: part for name, part in zip(fmt.fields, parts, strict=True) if name in FIELD_NAMES
        }
    regex = compiled(fmt.pattern) if fmt.pattern and not fmt.delimiter else None
    match = regex.fullmatch(text) if regex else None
    if match is None:
        return None
    return {
        name: value
        for name, value in match.groupdict().items()
        if value is not None and name in FIELD_NAMES
    }


def _label(fmt: SupplierFormat, raw: dict[str, str]) -> MaterialLabel | UnknownScan:
    values = {name: value.strip() for name, value in raw.items() if value.strip()}
    where = f"supplier format {fmt.name!r}"
    if "part" not in values and "lot" not in values:
        return UnknownScan(f"{where}: the label has no part number or lot")
    qty = values.get("qty")
    if qty is not None and not _QUANTITY.fullmatch(qty):
        return UnknownScan(f"{where}: quantity {quoted(qty)} is not a number")
    expiry = None
    if "expiry" in values:
        try:
            expiry = datetime.strptime(values["expiry"], fmt.expiry_format).date()
        except ValueError:
            return UnknownScan(
                f"{where}: expiry {quoted(values['expiry'])} is not a date "
                f"in the form {fmt.expiry_format!r}"
            )
    shown = values | ({"expiry": expiry.isoformat()} if expiry else {})
    return MaterialLabel(
        source="supplier",
        format_name=fmt.name,
        part=values.get("part"),
        lot=values.get("lot"),
        qty=None if qty is None else Decimal(qty),
        expiry=expiry,
        serial=values.get("serial"),
        supplier=values.get("supplier"),
        fields={name: Field(name, _TITLES[name], value) for name, value in shown.items()},
    )
