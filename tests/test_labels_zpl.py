"""ZPL labels: structure, sizes in dots, barcode fields, and field data that cannot inject."""

from __future__ import annotations

import re
import string
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.labels.templates import BoxLabel, LabelSize, ProductLabel
from devices.labels.zpl import render_zpl
from kiosk.barcodes.formats import BarcodeSection
from kiosk.barcodes.meaning import MaterialLabel, interpret
from kiosk.barcodes.symbology import GS

PRODUCT = ProductLabel(
    "P-100", "电机外壳 Motor housing", "SN0001234567", "WO-42", date(2026, 11, 25)
)
SERIALS = tuple(f"SN{i:010d}" for i in range(24))
BOX = BoxLabel("P-100", "LOT42", 24, SERIALS)
SMALL = LabelSize(60, 40)
TALL = LabelSize(100, 150)
BARCODE_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1)
GS1_CHARACTERS = "!\"%&'()*+,-./0123456789:;<=>?_" + string.ascii_letters
# The longest values a box takes, in the most codewords (61), with characters ZPL treats
# specially.
LONGEST = BoxLabel("P_%>" + "X" * 26, "L_%" + "X" * 17, 99_999_999, SERIALS)


def fields(zpl: bytes) -> list[tuple[str, str]]:
    """(what draws each field: A0, BC or BX; its data as the printer reads it)."""
    found = []
    for segment in zpl.decode().split("^FS")[:-1]:
        head, _, data = segment.rpartition("^FD")
        kind = re.findall(r"\^(A0|BC|BX)", head)[-1]
        assert head.endswith("^FH"), "every field is hex-escaped"
        data = re.sub(r"_([0-9A-F]{2})", lambda m: chr(int(m[1], 16)), data)
        if kind == "BC":
            data = re.sub(r">([0<=])", lambda m: {"0": ">", "<": "^", "=": "~"}[m[1]], data)
        elif kind == "BX":
            # The ^BX escapes: `__` is `_`, `_1` FNC1, which a scanner sends as GS.
            data = re.sub(r"_([_1])", lambda m: "_" if m[1] == "_" else GS, data)
        found.append((kind, data))
    return found


def scanned_box(zpl: bytes) -> MaterialLabel:
    """The label's one DataMatrix, read as a scanner sends it: a leading FNC1 makes it GS1
    DataMatrix (AIM ]d2) and is not sent; the others come as GS."""
    [data] = [data for kind, data in fields(zpl) if kind == "BX"]
    assert data.startswith(GS)
    meaning = interpret(data.removeprefix(GS), "]d2", BarcodeSection())
    assert isinstance(meaning, MaterialLabel)
    assert meaning.format_name == "GS1 DataMatrix"
    return meaning


def test_a_label_is_one_format_in_utf8() -> None:
    zpl = render_zpl(PRODUCT, SMALL)
    assert zpl.startswith(b"^XA^CI28")
    assert zpl.endswith(b"^XZ")
    assert zpl.count(b"^XA") == zpl.count(b"^XZ") == 1
    assert "电机外壳".encode() in zpl


@pytest.mark.parametrize(
    ("size", "width", "length"),
    [
        (LabelSize(100, 150), 799, 1199),
        (LabelSize(60, 40), 480, 320),
        (LabelSize(50, 25, 300), 591, 295),
    ],
)
def test_print_width_and_label_length_are_the_size_in_dots(
    size: LabelSize, width: int, length: int
) -> None:
    zpl = render_zpl(PRODUCT, size)
    assert f"^PW{width}^LL{length}^".encode() in zpl


def test_the_serial_is_both_code128_and_datamatrix() -> None:
    found = fields(render_zpl(PRODUCT, SMALL))
    assert ("BC", "SN0001234567") in found
    assert ("BX", "SN0001234567") in found
    assert ("A0", "P-100") in found


def test_a_box_label_has_part_lot_and_quantity_as_code128_and_lists_the_serials() -> None:
    found = fields(render_zpl(BOX, TALL))
    assert [data for kind, data in found if kind == "BC"] == ["P-100", "LOT42", "24"]
    assert [data for kind, data in found if data.startswith("SN")] == list(SERIALS)


@pytest.mark.parametrize("size", [SMALL, TALL])
@pytest.mark.parametrize("label", [BOX, LONGEST])
def test_a_box_labels_gs1_datamatrix_reads_as_its_part_lot_and_quantity(
    label: BoxLabel, size: LabelSize
) -> None:
    meaning = scanned_box(render_zpl(label, size))
    assert (meaning.part, meaning.lot, meaning.qty) == (
        label.part,
        label.lot,
        Decimal(label.quantity),
    )


@given(
    part=st.text(GS1_CHARACTERS, min_size=1, max_size=30),
    lot=st.text(GS1_CHARACTERS, min_size=1, max_size=20),
    quantity=st.integers(0, 99_999_999),
)
def test_any_gs1_part_and_lot_come_back_from_the_datamatrix(
    part: str, lot: str, quantity: int
) -> None:
    meaning = scanned_box(render_zpl(BoxLabel(part, lot, quantity, ()), SMALL))
    assert (meaning.part, meaning.lot, meaning.qty) == (part, lot, Decimal(quantity))


@pytest.mark.parametrize("size", [SMALL, TALL])
def test_the_datamatrix_is_on_the_label_and_clear_of_the_bars(size: LabelSize) -> None:
    zpl = render_zpl(LONGEST, size).decode()
    # 61 codewords take a 32 x 32 symbol; then a quiet zone of 1 module.
    [(x, y, module)] = [tuple(map(int, m)) for m in re.findall(r"\^FO(\d+),(\d+)\^BXN,(\d+)", zpl)]
    assert module >= 2
    assert x + 33 * module <= size.dots(size.width_mm)
    assert y + 33 * module <= size.dots(size.height_mm)
    bars = re.findall(r"\^FO(\d+),\d+\^BY(\d+)\^A0N,\d+\^BC", zpl)
    values = [data for kind, data in fields(zpl.encode()) if kind == "BC"]
    assert values == [LONGEST.part, LONGEST.lot, str(LONGEST.quantity)]
    for (left, bar_module), value in zip(bars, values, strict=True):
        # Subset B: 11 modules a symbol, the stop 2 more; then 10 modules of quiet zone.
        assert int(left) + int(bar_module) * (11 * len(value) + 35 + 10) <= x


def test_a_box_label_gives_the_count_when_the_serials_do_not_fit() -> None:
    many = tuple(f"SN{i:010d}" for i in range(1000))
    found = fields(render_zpl(BoxLabel("P-100", "LOT42", 1000, many), TALL))
    assert ("A0", "1000 serials") in found
    assert not any(data.startswith("SN") for _, data in found)


def test_long_text_is_cut_short_rather_than_printed_over_the_datamatrix() -> None:
    label = ProductLabel("P-100", "长" * 200, "SN1", "WO-42", date(2026, 11, 25))
    description = fields(render_zpl(label, SMALL))[1][1]
    assert description.endswith("...")
    assert len(description) < 20


def test_field_data_cannot_end_the_label_or_start_a_command() -> None:
    hostile = "^XZ^XA^FO0,0^GB800,800,800^FS~JR_41\r\n"
    label = ProductLabel(hostile, hostile, hostile.strip(), hostile, date(2026, 11, 25))
    zpl = render_zpl(label, LabelSize(200, 100))
    assert zpl.count(b"^XZ") == 1
    assert b"~" not in zpl
    found = fields(zpl)
    assert ("A0", hostile) in found
    assert ("BC", hostile.strip()) in found
    assert ("BX", hostile.strip()) in found


@given(text=st.text(), serial=BARCODE_TEXT)
def test_any_value_comes_back_as_it_was_and_only_as_field_data(text: str, serial: str) -> None:
    label = ProductLabel("P", text, serial, "W", date(2026, 11, 25))
    zpl = render_zpl(label, LabelSize(1000, 100))  # wide: no text is cut short
    commands = re.sub(r"\^FD.*?\^FS", "", zpl.decode(), flags=re.DOTALL)
    assert "~" not in zpl.decode()
    assert re.fullmatch(r"(\^[A-Z0-9@]{2}[^\^~]*)+", commands)
    assert ("A0", text) in fields(zpl)
    assert ("BC", serial) in fields(zpl)
    assert ("BX", serial) in fields(zpl)


@pytest.mark.parametrize("serial", ["", "SN\n1", "SN°1", "序列号"])
def test_a_barcode_value_must_be_printable_ascii(serial: str) -> None:
    with pytest.raises(ValueError, match="serial"):
        ProductLabel("P-100", "", serial, "WO-42", date(2026, 11, 25))


def test_a_box_needs_a_lot_and_a_quantity_that_is_not_negative() -> None:
    with pytest.raises(ValueError, match="lot"):
        BoxLabel("P-100", "", 1, ())
    with pytest.raises(ValueError, match="quantity"):
        BoxLabel("P-100", "LOT42", -1, ())


@pytest.mark.parametrize(
    ("part", "lot", "quantity", "problem"),
    [
        ("P" * 31, "LOT42", 1, "part 'PPP.*': GS1 AI 240 holds at most 30 characters"),
        ("P-100", "L" * 21, 1, "lot 'LLL.*': GS1 AI 10 holds at most 20 characters"),
        ("P 100", "LOT42", 1, "part 'P 100': GS1 AI 240 cannot hold ' '"),
        ("P-100", "LOT#4$", 1, "lot 'LOT#4\\$': GS1 AI 10 cannot hold '#' '\\$'"),
        ("P-100", "LOT42", 100_000_000, "quantity 100000000: GS1 AI 30 holds at most 8 digits"),
    ],
)
def test_a_box_refuses_what_its_gs1_code_cannot_carry(
    part: str, lot: str, quantity: int, problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        BoxLabel(part, lot, quantity, ())
