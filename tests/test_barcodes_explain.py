"""`kiosk barcode explain`: typed group separators, the JSON shapes, the lines for a person."""

from __future__ import annotations

import pytest

from kiosk.barcodes.explain import exit_status, explain_json, explain_text, unescape
from kiosk.barcodes.formats import BarcodeSection, SupplierFormat
from kiosk.barcodes.meaning import ScanMeaning, interpret

GS = "\x1d"
GTIN = "09506000134352"
SSCC = "106141412345678908"
ACME = SupplierFormat(name="ACME", delimiter="|", fields=["part", "lot", "qty", "expiry"])
SECTION = BarcodeSection(supplier_formats=[ACME])


def explained(data: str) -> ScanMeaning:
    return interpret(unescape(data), None, SECTION)


@pytest.mark.parametrize(
    "typed",
    [r"\x1d", r"\X1D", r"\u001d", r"\035", "<GS>", "<gs>", "<FNC1>", GS],
)
def test_the_ways_to_type_a_group_separator(typed: str) -> None:
    assert unescape(f"]C101{GTIN}10A{typed}17261231") == f"]C101{GTIN}10A{GS}17261231"


def test_other_backslashes_are_left_alone() -> None:
    assert unescape(r"PN\x41\n|L1") == r"PN\x41\n|L1"


def test_json_of_a_gs1_label() -> None:
    meaning = explained(rf"]C101{GTIN}10LOT42\x1d17261200\x1d3712")
    assert explain_json(meaning) == {
        "kind": "material_label",
        "fields": {"01": GTIN, "10": "LOT42", "17": "2026-12-31", "37": "12"},
    }
    assert exit_status(meaning) == 0


def test_json_of_a_pallet_and_of_a_unit() -> None:
    assert explain_json(explained(f"(00){SSCC}")) == {
        "kind": "material_label",
        "fields": {"00": SSCC},
    }
    assert explain_json(explained(f"]d201{GTIN}21SN-0001")) == {
        "kind": "serial_number",
        "fields": {"01": GTIN, "21": "SN-0001"},
    }
    assert explain_json(explained("SN12345678")) == {
        "kind": "serial_number",
        "fields": {"serial": "SN12345678"},
    }


def test_json_of_a_supplier_label() -> None:
    assert explain_json(explained("PN-1|L7|2.5|2026-12-31")) == {
        "kind": "material_label",
        "fields": {"part": "PN-1", "lot": "L7", "qty": "2.5", "expiry": "2026-12-31"},
    }


def test_json_of_a_badge_and_a_command() -> None:
    assert explain_json(explained("E1001")) == {"kind": "badge", "fields": {"badge": "E1001"}}
    assert explain_json(explained("#k:logout")) == {
        "kind": "command",
        "fields": {"command": "logout"},
    }


def test_json_of_what_is_not_understood() -> None:
    meaning = explained("]C10109506000134353")
    assert explain_json(meaning) == {
        "kind": "unknown",
        "reason": "GS1: check digit of GTIN (01) is wrong",
    }
    assert exit_status(meaning) == 1


def test_text_of_a_gs1_label() -> None:
    assert explain_text(explained(rf"]C101{GTIN}10LOT42<GS>17261231<GS>3103001250")) == (
        "material label (GS1-128)\n"
        f"01   Global Trade Item Number (GTIN): {GTIN}\n"
        "10   Batch or lot number: LOT42\n"
        "17   Expiration date: 2026-12-31\n"
        "3103 Net weight, kilograms (variable measure trade item): 1.250"
    )


def test_text_of_a_supplier_label_a_badge_a_command_and_nothing() -> None:
    assert explain_text(explained("PN-1|L7|5|2026-12-31")) == (
        "material label (supplier format 'ACME')\npart: PN-1\nlot: L7\nqty: 5\nexpiry: 2026-12-31"
    )
    assert explain_text(explained("E1001")) == "badge\nbadge: E1001"
    assert explain_text(explained("#K:HELP")) == "command\ncommand: help"
    assert explain_text(explained("#K:FOO")) == "not understood: unknown command 'FOO'"


def test_text_never_carries_control_characters_to_the_terminal() -> None:
    text = explain_text(explained("PN\x1b[2J|L\x07|5|2026-12-31"))
    assert "part: PN\\x1b[2J" in text
    assert "lot: L\\x07" in text
    assert all(char.isprintable() for line in text.splitlines() for char in line)
