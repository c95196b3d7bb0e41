"""Commands, serial numbers, badges, and the order in which a scan is read."""

from __future__ import annotations

import pytest

from kiosk.barcodes.formats import BarcodeSection, SupplierFormat
from kiosk.barcodes.meaning import (
    BadgeScan,
    Command,
    CommandScan,
    ScanMeaning,
    SerialNumber,
    UnknownScan,
    interpret,
)

SECTION = BarcodeSection()
NOT_UNDERSTOOD = "not a GS1 element string and matches no supplier format, serial or badge pattern"


def read(text: str, symbology: str | None = None, section: BarcodeSection = SECTION) -> ScanMeaning:
    return interpret(text, symbology, section)


@pytest.mark.parametrize("command", list(Command))
def test_every_command_has_its_barcode(command: Command) -> None:
    assert read(f"#K:{command.value.upper()}") == CommandScan(command)


@pytest.mark.parametrize("text", ["#k:logout", "#K:Logout", "#K: LOGOUT ", "#K:LOGOUT\r\n"])
def test_commands_ignore_case_and_spaces(text: str) -> None:
    assert read(text) == CommandScan(Command.LOGOUT)


def test_an_unknown_command_is_refused_by_name() -> None:
    assert read("#K:FOO") == UnknownScan("unknown command 'FOO'")
    assert read("#K:") == UnknownScan("unknown command ''")


def test_a_command_behind_an_aim_prefix() -> None:
    assert read("]C0#K:PAUSE") == CommandScan(Command.PAUSE)
    assert read("#K:PAUSE", "]Q1") == CommandScan(Command.PAUSE)


def test_the_command_prefix_is_configurable_and_can_be_turned_off() -> None:
    assert read("CMD/help", section=BarcodeSection(command_prefix="cmd/")) == CommandScan(
        Command.HELP
    )
    assert read("#K:LOGOUT", section=BarcodeSection(command_prefix="")) == UnknownScan(
        NOT_UNDERSTOOD
    )


def test_commands_come_first() -> None:
    greedy = SupplierFormat(name="greedy", pattern=r"(?P<lot>.+)")
    section = BarcodeSection(supplier_formats=[greedy], serial_pattern=".*")
    assert read("#K:REFRESH", section=section) == CommandScan(Command.REFRESH)


def test_a_serial_number_of_this_plant() -> None:
    found = read("SN12345678")
    assert isinstance(found, SerialNumber)
    assert (found.serial, found.gtin) == ("SN12345678", None)
    assert [(f.key, f.value) for f in found.fields.values()] == [("serial", "SN12345678")]
    assert read("]C0SN12345678") == found
    assert read("SN123") == UnknownScan(NOT_UNDERSTOOD)  # too short for the pattern
    custom = BarcodeSection(serial_pattern=r"[0-9]{4}-[0-9]{6}")
    assert isinstance(read("2026-000123", section=custom), SerialNumber)


def test_a_badge_scanned_with_the_scanner() -> None:
    assert read("E1001") == BadgeScan("E1001")
    assert read("E1001\n") == BadgeScan("E1001")
    assert read("E12") == UnknownScan(NOT_UNDERSTOOD)
    assert read("xE1001") == UnknownScan(NOT_UNDERSTOOD)  # the whole scan must match


def test_the_serial_pattern_comes_before_the_badge_pattern() -> None:
    both = BarcodeSection(serial_pattern=r"E[0-9]{4}", badge_pattern=r"E[0-9]{4}")
    assert isinstance(read("E1001", section=both), SerialNumber)


def test_empty_patterns_match_nothing() -> None:
    off = BarcodeSection(serial_pattern="", badge_pattern="")
    assert read("E1001", section=off) == UnknownScan(NOT_UNDERSTOOD)


def test_a_pattern_that_was_never_checked_does_not_crash_the_station() -> None:
    broken = BarcodeSection(serial_pattern="(", badge_pattern="[")
    assert read("E1001", section=broken) == UnknownScan(NOT_UNDERSTOOD)


@pytest.mark.parametrize("text", ["", "   ", "\r\n", "]C1", "]d2\r\n"])
def test_an_empty_scan(text: str) -> None:
    assert read(text) == UnknownScan("empty scan")


def test_text_that_means_nothing_here() -> None:
    assert read("hello") == UnknownScan(NOT_UNDERSTOOD)


def test_a_runaway_scan_is_refused_before_any_pattern_sees_it() -> None:
    assert read("9" * 8_001) == UnknownScan("scan too long (8001 characters)")
