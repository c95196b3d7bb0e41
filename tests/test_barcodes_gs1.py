"""GS1 element strings as scanners send them: AIM prefixes, FNC1 as GS, HRI, Digital Link."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kiosk.barcodes.formats import BarcodeSection
from kiosk.barcodes.meaning import (
    MaterialLabel,
    ScanMeaning,
    SerialNumber,
    UnknownScan,
    interpret,
)

GS = "\x1d"
SECTION = BarcodeSection()


def with_check_digit(payload: str) -> str:
    """GS1 mod-10: weights 3, 1, 3, ... from the right, worked out here and not by biip."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(payload)))
    return payload + str(-total % 10)


GTIN = with_check_digit("0950600013435")
SSCC = with_check_digit("10614141234567890")
OTHER_GTIN = with_check_digit("0400638133393")


def read(text: str, symbology: str | None = None) -> ScanMeaning:
    return interpret(text, symbology, SECTION)


def label(text: str, symbology: str | None = None) -> MaterialLabel:
    meaning = read(text, symbology)
    assert isinstance(meaning, MaterialLabel), meaning
    return meaning


def reason(text: str, symbology: str | None = None) -> str:
    meaning = read(text, symbology)
    assert isinstance(meaning, UnknownScan), meaning
    return meaning.reason


def test_the_check_digits_are_the_published_ones() -> None:
    assert GTIN == "09506000134352"
    assert SSCC == "106141412345678908"


@pytest.mark.parametrize(
    ("prefix", "format_name"),
    [
        ("]C1", "GS1-128"),
        ("]d2", "GS1 DataMatrix"),
        ("]Q3", "GS1 QR Code"),
        ("]e0", "GS1 DataBar"),
    ],
)
def test_an_aim_prefixed_label_with_separators(prefix: str, format_name: str) -> None:
    scanned = f"{prefix}01{GTIN}10LOT-42{GS}17261231{GS}3712\r\n"
    found = label(scanned)
    assert found.source == "gs1"
    assert found.format_name == format_name
    assert (found.gtin, found.lot, found.expiry, found.qty) == (
        GTIN,
        "LOT-42",
        date(2026, 12, 31),
        Decimal(12),
    )
    assert {key: field.value for key, field in found.fields.items()} == {
        "01": GTIN,
        "10": "LOT-42",
        "17": "2026-12-31",
        "37": "12",
    }
    assert found.fields["17"].title == "Expiration date"
    assert found.fields["01"].title == "Global Trade Item Number (GTIN)"


@pytest.mark.parametrize("symbology", ["]d2", "d2"])
def test_the_symbology_reported_by_the_device_layer(symbology: str) -> None:
    found = label(f"01{GTIN}10A1{GS}17270630", symbology)
    assert (found.format_name, found.lot, found.expiry) == (
        "GS1 DataMatrix",
        "A1",
        date(2027, 6, 30),
    )


def test_a_leading_fnc1_marks_gs1() -> None:
    found = label(f"{GS}01{GTIN}10B7")
    assert (found.format_name, found.gtin, found.lot) == ("GS1", GTIN, "B7")


def test_the_human_readable_form() -> None:
    found = label(f"(01){GTIN}(10)LOT7(17)261231")
    assert (found.gtin, found.lot, found.expiry) == (GTIN, "LOT7", date(2026, 12, 31))
    assert label(f"(01) {GTIN} (10) LOT7").lot == "LOT7"


def test_unmarked_gs1_from_a_scanner_without_aim_prefixes() -> None:
    found = label(f"01{GTIN}10LOT9{GS}17261231")
    assert (found.format_name, found.lot) == ("GS1", "LOT9")


def test_a_gtin_with_a_fixed_length_value_after_it_needs_no_separator() -> None:
    # 17 is fixed length, so the lot may follow at once; the lot ends the data.
    assert label(f"]C101{GTIN}1726123110L1").lot == "L1"


@pytest.mark.parametrize(
    "text",
    [
        "]C101" + GTIN[:-1] + "3",
        "(01)" + GTIN[:-1] + "3",
        "01" + GTIN[:-1] + "3",
        f"]d2{GS}01{GTIN[:-1]}310LOT",
    ],
)
def test_a_wrong_gtin_check_digit_is_refused_naming_the_ai(text: str) -> None:
    assert reason(text) == "GS1: check digit of GTIN (01) is wrong"


def test_a_wrong_sscc_check_digit_is_refused_naming_the_ai() -> None:
    assert reason("]C100" + SSCC[:-1] + "0") == "GS1: check digit of SSCC (00) is wrong"


@pytest.mark.parametrize(
    ("yymmdd", "expiry"),
    [
        ("261231", date(2026, 12, 31)),
        ("261200", date(2026, 12, 31)),  # day 00: the last day of the month (GS1 7.12)
        ("280200", date(2028, 2, 29)),
        ("270200", date(2027, 2, 28)),
    ],
)
def test_expiry_dates(yymmdd: str, expiry: date) -> None:
    found = label(f"]C101{GTIN}17{yymmdd}")
    assert found.expiry == expiry
    assert found.fields["17"].value == expiry.isoformat()


def test_an_impossible_date_is_refused_naming_the_ai() -> None:
    assert "(17)" in reason(f"]C101{GTIN}17261301")
    assert reason(f"]C101{GTIN}17260231") == (
        "GS1: USE BY or EXPIRY (17) is not a valid date: '260231'"
    )


def test_quantities() -> None:
    variable = label(f"]C101{GTIN}30250{GS}10L")
    assert (variable.qty, variable.fields["30"].value) == (Decimal(250), "250")
    counted = label(f"]C102{GTIN}370012{GS}00{SSCC}")
    assert (counted.qty, counted.fields["37"].value, counted.gtin) == (Decimal(12), "12", GTIN)
    assert label(f"]C101{GTIN}10L").qty is None


def test_an_empty_count_is_refused() -> None:
    assert reason(f"]C130{GS}01{GTIN}") == "GS1: VAR. COUNT (30) is empty"


def test_an_sscc_alone_is_a_pallet_label() -> None:
    found = label(f"]C100{SSCC}")
    assert (found.sscc, found.gtin, found.lot) == (SSCC, None, None)
    assert found.fields["00"].value == SSCC
    assert found.fields["00"].title == "Serial Shipping Container Code (SSCC)"
    assert label(f"00{SSCC}").sscc == SSCC  # unmarked too


def test_a_serial_with_its_gtin_is_a_unit_of_product() -> None:
    found = read(f"]d201{GTIN}21SN-0001")
    assert isinstance(found, SerialNumber)
    assert (found.serial, found.gtin, list(found.fields)) == ("SN-0001", GTIN, ["01", "21"])
    alone = read("]C121ABC123")
    assert isinstance(alone, SerialNumber)
    assert (alone.serial, alone.gtin) == ("ABC123", None)


def test_a_serial_with_a_lot_stays_a_material_label() -> None:
    found = label(f"]C101{GTIN}10L5{GS}21S9")
    assert (found.lot, found.serial) == ("L5", "S9")


def test_the_manufacturers_part_number() -> None:
    assert label(f"]C101{GTIN}240PN-778{GS}10L").part == "PN-778"


def test_a_date_alone_names_no_material() -> None:
    assert reason("]C117261231") == (
        "GS1: names no SSCC (00), GTIN (01, 02), lot (10) or serial (21); has (17)"
    )
    assert reason("(240)PN-1") == (
        "GS1: names no SSCC (00), GTIN (01, 02), lot (10) or serial (21); has (240)"
    )


def test_the_same_ai_twice_with_different_values_is_refused() -> None:
    assert reason(f"(01){GTIN}(10)A(10)B") == (
        "GS1: BATCH/LOT (10) is given twice with different values"
    )
    assert label(f"(01){GTIN}(10)A(10)A").lot == "A"


def test_values_that_do_not_fit_the_ai() -> None:
    assert reason("]C1012") == "GS1: GTIN (01) does not fit its format N2+N14"
    assert reason(f"(01){GTIN}(10){'L' * 21}") == (
        "GS1: BATCH/LOT (10) does not fit its format N2+X..20"
    )
    # Without parentheses a lot ends after 20 characters and the 21st starts no known AI.
    assert reason(f"]C101{GTIN}10{'L' * 21}") == (
        "GS1: no known application identifier (AI) at 'L'"
    )
    assert reason("]C1ABC") == "GS1: no known application identifier (AI) at 'ABC'"
    assert reason(f"]C1{GS}") == "GS1: no element strings"


def test_digits_of_other_scripts_are_not_gs1() -> None:
    assert reason("]C101" + "٠" * 14) == "GS1: contains characters outside the GS1 character set"


def test_a_gs1_digital_link() -> None:
    found = label(f"https://id.gs1.org/01/{GTIN}/10/LOT42?17=261231")
    assert (found.gtin, found.lot, found.expiry) == (GTIN, "LOT42", date(2026, 12, 31))
    assert label(f"]Q1https://example.com/01/{GTIN}/10/X").lot == "X"
    assert reason(f"]Q3https://id.gs1.org/01/{GTIN}?17=999999").startswith("GS1: ")


def test_a_web_address_that_is_no_digital_link_is_just_not_understood() -> None:
    assert reason("https://example.com/manual") == (
        "not a GS1 element string and matches no supplier format, serial or badge pattern"
    )
    assert reason("]Q1http://[") == (
        "not a GS1 element string and matches no supplier format, serial or badge pattern"
    )


@pytest.mark.parametrize(
    ("text", "format_name", "gtin"),
    [
        ("]E0" + OTHER_GTIN[1:], "EAN/UPC", OTHER_GTIN),
        ("]I1" + with_check_digit("1950600013435"), "ITF-14", with_check_digit("1950600013435")),
    ],
)
def test_a_bare_gtin_from_ean_or_itf(text: str, format_name: str, gtin: str) -> None:
    found = label(text)
    assert (found.format_name, found.gtin, found.lot) == (format_name, gtin, None)
    assert found.fields["01"].value == gtin


def test_a_bare_gtin_with_a_wrong_check_digit() -> None:
    wrong = OTHER_GTIN[1:-1] + str((int(OTHER_GTIN[-1]) + 1) % 10)
    assert reason("]E0" + wrong) == f"EAN/UPC: check digit is wrong ({wrong!r})"
    assert reason("]E0ABC") == "EAN/UPC: a GTIN is digits only, got 'ABC'"


def test_plain_code_128_is_not_read_as_gs1() -> None:
    # ]C0: Code 128 without FNC1 first, so these digits are no element string.
    assert reason(f"]C001{GTIN}") == (
        "not a GS1 element string and matches no supplier format, serial or badge pattern"
    )
