"""The `[barcodes]` section of kiosk.toml: supplier label formats and the plant's own patterns.

Only msgspec and the standard library: `kiosk.config` imports this on the way to the first
screen.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from functools import lru_cache

from msgspec import Struct

# What a supplier label may carry; "" in `fields` skips a column the plant does not use.
FIELD_NAMES = ("part", "lot", "qty", "expiry", "serial", "supplier")
_ALLOWED = ", ".join(FIELD_NAMES)


class SupplierFormat(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """A supplier's own label: delimited columns (`delimiter` + `fields`) or a `pattern`.

    A pattern is a regular expression that must match the whole scan and names its fields
    with groups such as `(?P<lot>[A-Z0-9]+)`.
    """

    name: str
    delimiter: str = ""
    fields: list[str] = []
    pattern: str = ""
    expiry_format: str = "%Y-%m-%d"


class BarcodeSection(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    supplier_formats: list[SupplierFormat] = []
    # A product serial number at this plant when it is not in a GS1 code; "" for none.
    serial_pattern: str = r"^SN[0-9A-Z]{6,30}$"
    # A badge scanned with the barcode scanner rather than the badge reader; "" for none.
    badge_pattern: str = r"^E[0-9]{4,8}$"
    # Station commands printed as barcodes, e.g. `#K:LOGOUT`; "" turns them off.
    command_prefix: str = "#K:"


def check_section(section: BarcodeSection) -> str | None:
    """The first problem of the section as a sentence, or None when it can be used."""
    for key, pattern in (
        ("serial_pattern", section.serial_pattern),
        ("badge_pattern", section.badge_pattern),
    ):
        problem = _regex_problem(pattern)
        if problem:
            return f"{key}: {problem}"
    return check_formats(section.supplier_formats)


def check_formats(formats: Sequence[SupplierFormat]) -> str | None:
    """The first problem among the supplier formats, naming the format, or None."""
    seen: set[str] = set()
    for fmt in formats:
        problem = _format_problem(fmt)
        if not problem and fmt.name in seen:
            problem = "defined twice; give each format its own name"
        if problem:
            return f"supplier format {fmt.name!r}: {problem}"
        seen.add(fmt.name)
    return None


@lru_cache(maxsize=64)
def compiled(pattern: str) -> re.Pattern[str] | None:
    """The compiled pattern, or None when it is not a regular expression.

    Reading a scan must not fail on a pattern that `check_section` would have refused.
    """
    try:
        return re.compile(pattern)
    except re.error:
        return None


def _format_problem(fmt: SupplierFormat) -> str | None:
    if not fmt.name.strip():
        return "needs a name"
    if bool(fmt.delimiter) == bool(fmt.pattern):
        return "set exactly one of delimiter (with fields) and pattern"
    names = _delimited_problem(fmt) if fmt.delimiter else _pattern_problem(fmt)
    if isinstance(names, str):
        return names
    if not {"part", "lot"} & names:
        return "needs a part or a lot field"
    if "expiry" in names:
        return _expiry_format_problem(fmt.expiry_format)
    return None


def _delimited_problem(fmt: SupplierFormat) -> set[str] | str:
    """The field names used, or the problem with them."""
    if not fmt.fields:
        return "a delimiter needs fields, one name per column"
    used = [name for name in fmt.fields if name]
    for name in used:
        if name not in FIELD_NAMES:
            return f'unknown field {name!r} (allowed: {_ALLOWED}, or "" to skip a column)'
    if len(used) != len(set(used)):
        return "a field is named twice in fields"
    return set(used)


def _pattern_problem(fmt: SupplierFormat) -> set[str] | str:
    """The group names of the pattern, or the problem with it."""
    if fmt.fields:
        return "fields are for a delimiter; a pattern names its fields with (?P<name>...)"
    problem = _regex_problem(fmt.pattern)
    if problem:
        return f"pattern: {problem}"
    regex = compiled(fmt.pattern)
    names = set(regex.groupindex) if regex else set()
    unknown = sorted(names - set(FIELD_NAMES))
    if unknown:
        return f"unknown group {unknown[0]!r} in pattern (allowed: {_ALLOWED})"
    if not names:
        return "pattern names no fields; use groups such as (?P<lot>...)"
    return names


def _regex_problem(pattern: str) -> str | None:
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"not a valid regular expression: {exc} (got {pattern!r})"
    return None


def _expiry_format_problem(expiry_format: str) -> str | None:
    # A format that cannot give the same date back (no year, a bad directive) would let an
    # expired lot through, so it is refused here rather than at the first scan.
    sample = date(2026, 12, 31)
    try:
        text = sample.strftime(expiry_format)
        same = datetime.strptime(text, expiry_format).date() == sample
    except ValueError:
        same = False
    if same:
        return None
    return f"expiry_format {expiry_format!r} cannot read a full date back (try '%Y-%m-%d')"
