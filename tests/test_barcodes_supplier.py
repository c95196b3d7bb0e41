"""Supplier labels in their own formats: delimited columns and regular expressions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kiosk.barcodes.formats import BarcodeSection, SupplierFormat
from kiosk.barcodes.meaning import (
    MaterialLabel,
    ScanMeaning,
    SerialNumber,
    UnknownScan,
    interpret,
)

ACME = SupplierFormat(name="ACME", delimiter="|", fields=["part", "lot", "qty", "expiry"])
BOLTS = SupplierFormat(
    name="Bolts Ltd",
    pattern=r"B(?P<part>[0-9]{5})-L(?P<lot>[A-Z0-9]+)-Q(?P<qty>[0-9.]+)(?:-E(?P<expiry>[0-9]{6}))?",
    expiry_format="%y%m%d",
)
SECTION = BarcodeSection(supplier_formats=[ACME, BOLTS])
NOT_UNDERSTOOD = "not a GS1 element string and matches no supplier format, serial or badge pattern"


def read(text: str, section: BarcodeSection = SECTION) -> ScanMeaning:
    return interpret(text, None, section)


def label(text: str, section: BarcodeSection = SECTION) -> MaterialLabel:
    meaning = read(text, section)
    assert isinstance(meaning, MaterialLabel), meaning
    return meaning


def reason(text: str, section: BarcodeSection = SECTION) -> str:
    meaning = read(text, section)
    assert isinstance(meaning, UnknownScan), meaning
    return meaning.reason


def test_a_delimited_label() -> None:
    found = label("PN-4711|L2026-09|2.50|2026-12-31")
    assert (found.source, found.format_name) == ("supplier", "ACME")
    assert (found.part, found.lot, found.qty, found.expiry) == (
        "PN-4711",
        "L2026-09",
        Decimal("2.50"),
        date(2026, 12, 31),
    )
    assert found.gtin is None
    assert [(f.key, f.title, f.value) for f in found.fields.values()] == [
        ("part", "Part number", "PN-4711"),
        ("lot", "Lot", "L2026-09"),
        ("qty", "Quantity", "2.50"),
        ("expiry", "Expiry date", "2026-12-31"),
    ]


def test_spaces_around_values_are_dropped_and_empty_values_are_absent() -> None:
    found = label(" PN-1 | L1 |  | ")
    assert (found.part, found.lot, found.qty, found.expiry) == ("PN-1", "L1", None, None)
    assert list(found.fields) == ["part", "lot"]


def test_a_column_can_be_skipped() -> None:
    skipping = SupplierFormat(name="S", delimiter=";", fields=["supplier", "", "lot", "serial"])
    found = label("V-88;PO-1234;L9;S-1", BarcodeSection(supplier_formats=[skipping]))
    assert (found.supplier, found.lot, found.serial) == ("V-88", "L9", "S-1")
    assert list(found.fields) == ["supplier", "lot", "serial"]


def test_a_pattern_label_with_its_own_date_form() -> None:
    found = label("B12345-LX9-Q100-E271130")
    assert (found.format_name, found.part, found.lot, found.qty, found.expiry) == (
        "Bolts Ltd",
        "12345",
        "X9",
        Decimal(100),
        date(2027, 11, 30),
    )
    assert label("B12345-LX9-Q100").expiry is None  # an optional group left out


def test_a_pattern_must_match_the_whole_scan() -> None:
    assert reason("xB12345-LX9-Q100") == NOT_UNDERSTOOD
    assert reason("B12345-LX9-Q100-E271130-extra") == NOT_UNDERSTOOD


def test_a_label_with_another_number_of_columns_is_not_this_format() -> None:
    assert reason("PN-1|L1|5") == NOT_UNDERSTOOD
    assert reason("PN-1|L1|5|2026-12-31|more") == NOT_UNDERSTOOD


def test_a_quantity_that_is_no_number_is_refused() -> None:
    for qty in ("x", "-3", "1_000", "NaN", "1e3", "٣", "1.", ".5"):
        assert reason(f"PN-1|L1|{qty}|2026-12-31") == (
            f"supplier format 'ACME': quantity {qty!r} is not a number"
        )
    assert (
        reason("B12345-LX9-Q1.2.3")
        == "supplier format 'Bolts Ltd': quantity '1.2.3' is not a number"
    )


def test_an_expiry_in_another_form_is_refused() -> None:
    assert reason("PN-1|L1|5|31.12.2026") == (
        "supplier format 'ACME': expiry '31.12.2026' is not a date in the form '%Y-%m-%d'"
    )
    assert reason("PN-1|L1|5|2026-02-30").startswith("supplier format 'ACME': expiry")


def test_a_label_without_part_or_lot_is_refused() -> None:
    assert reason("||5|2026-12-31") == "supplier format 'ACME': the label has no part number or lot"


def test_the_first_format_that_reads_the_label_wins() -> None:
    first = SupplierFormat(name="first", pattern=r"(?P<lot>L[0-9]+)")
    second = SupplierFormat(name="second", pattern=r"(?P<part>L[0-9]+)")
    assert label("L42", BarcodeSection(supplier_formats=[first, second])).format_name == "first"


def test_a_later_format_reads_what_an_earlier_one_could_not() -> None:
    strict = SupplierFormat(name="strict", delimiter="|", fields=["part", "qty"])
    loose = SupplierFormat(name="loose", delimiter="|", fields=["part", "lot"])
    found = label("PN-1|L7", BarcodeSection(supplier_formats=[strict, loose]))
    assert (found.format_name, found.lot) == ("loose", "L7")


def test_supplier_formats_come_before_the_serial_pattern() -> None:
    serials = SupplierFormat(name="serials", pattern=r"(?P<lot>SN[0-9]{8})")
    assert isinstance(read("SN12345678"), SerialNumber)
    section = BarcodeSection(supplier_formats=[serials])
    assert label("SN12345678", section).lot == "SN12345678"


def test_a_format_that_was_never_checked_does_not_crash_the_station() -> None:
    broken = [
        SupplierFormat(name="bad regex", pattern="(?P<lot>"),
        SupplierFormat(name="both", delimiter="|", fields=["lot"], pattern=".*"),
        SupplierFormat(name="odd field", delimiter="|", fields=["colour", "lot"]),
    ]
    section = BarcodeSection(supplier_formats=broken)
    assert reason("(?P<lot>", section) == NOT_UNDERSTOOD
    found = label("red|L1", section)
    assert (found.format_name, found.lot, list(found.fields)) == ("odd field", "L1", ["lot"])
