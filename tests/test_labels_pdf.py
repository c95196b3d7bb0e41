"""PDF labels, rasterised at 300 dpi (pypdfium2) and read back with a real decoder (zxing-cpp)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pypdfium2 as pdfium
import pytest
import zxingcpp

from devices.labels.pdf import render_pdf
from devices.labels.templates import BoxLabel, Label, LabelSize, ProductLabel
from kiosk.barcodes.formats import BarcodeSection
from kiosk.barcodes.meaning import MaterialLabel, interpret

POINTS_PER_MM = 72 / 25.4
SMALL = LabelSize(60, 40)
TALL = LabelSize(100, 150)
SERIALS = tuple(f"SN{i:010d}" for i in range(24))
# The longest values a box takes, with characters GS1 and PDF both treat specially.
LONGEST = BoxLabel("P_%>()" + "X" * 24, "L_%" + "X" * 17, 99_999_999, SERIALS)


def product(serial: str = "SN0001234567", description: str = "Motor housing") -> ProductLabel:
    return ProductLabel("P-100", description, serial, "WO-42", date(2026, 11, 25))


def read(label: Label, size: LabelSize) -> list[zxingcpp.Barcode]:
    page = pdfium.PdfDocument(render_pdf(label, size))[0]
    # Plain: the data as a scanner sends it (GS1 elements separated by GS, not "(AI)" text).
    image = page.render(scale=300 / 72).to_pil()
    return list(zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain))


def decoded(label: Label, size: LabelSize) -> list[tuple[zxingcpp.BarcodeFormat, str]]:
    return [(code.format, code.text) for code in read(label, size)]


def page_text(label: Label, size: LabelSize) -> str:
    text: str = pdfium.PdfDocument(render_pdf(label, size))[0].get_textpage().get_text_range()
    return text


def test_the_page_is_the_size_of_the_label() -> None:
    page = pdfium.PdfDocument(render_pdf(product(), SMALL))[0]
    assert page.get_size() == pytest.approx((60 * POINTS_PER_MM, 40 * POINTS_PER_MM), abs=0.01)


@pytest.mark.parametrize("serial", ["SN0001234567", "A1", "sn-2026/11:25_x^~>", "9" * 24])
def test_code128_and_qr_both_read_back_as_exactly_the_serial(serial: str) -> None:
    assert sorted(decoded(product(serial), SMALL)) == [
        (zxingcpp.BarcodeFormat.Code128, serial),
        (zxingcpp.BarcodeFormat.QRCode, serial),
    ]


def test_a_chinese_description_is_written_as_text() -> None:
    label = product(description="电机外壳 铝合金")
    assert "电机外壳 铝合金" in page_text(label, SMALL)
    assert (zxingcpp.BarcodeFormat.QRCode, label.serial) in decoded(label, SMALL)


def test_long_text_is_cut_short_rather_than_drawn_over_the_qr_code() -> None:
    label = product(description="长" * 200)
    assert "长…" in page_text(label, SMALL)
    assert (zxingcpp.BarcodeFormat.QRCode, label.serial) in decoded(label, SMALL)


# Small stock has room for the count of serials only.
@pytest.mark.parametrize(("size", "listed"), [(SMALL, ("24 serials",)), (TALL, SERIALS)])
def test_a_box_label_reads_back_part_lot_and_quantity_and_lists_the_serials(
    size: LabelSize, listed: tuple[str, ...]
) -> None:
    label = BoxLabel("P-100", "LOT-2026-11-25_A", 24, SERIALS)
    bars = [text for kind, text in decoded(label, size) if kind == zxingcpp.BarcodeFormat.Code128]
    assert sorted(bars) == sorted(["P-100", "LOT-2026-11-25_A", "24"])
    assert all(line in page_text(label, size) for line in listed)


@pytest.mark.parametrize("size", [SMALL, TALL])
@pytest.mark.parametrize("label", [BoxLabel("P-100", "LOT-2026-11-25_A", 24, SERIALS), LONGEST])
def test_a_box_labels_gs1_qr_code_reads_as_its_part_lot_and_quantity(
    label: BoxLabel, size: LabelSize
) -> None:
    [code] = [code for code in read(label, size) if code.format == zxingcpp.BarcodeFormat.QRCode]
    assert code.content_type == zxingcpp.ContentType.GS1

    meaning = interpret(code.text, code.symbology_identifier, BarcodeSection())

    assert isinstance(meaning, MaterialLabel)
    assert meaning.format_name == "GS1 QR Code"
    assert (meaning.part, meaning.lot, meaning.qty) == (
        label.part,
        label.lot,
        Decimal(label.quantity),
    )


def test_the_bars_of_the_longest_box_values_read_beside_the_2d_code_on_tall_stock() -> None:
    assert sorted(decoded(LONGEST, TALL)) == sorted(
        [
            (zxingcpp.BarcodeFormat.Code128, LONGEST.part),
            (zxingcpp.BarcodeFormat.Code128, LONGEST.lot),
            (zxingcpp.BarcodeFormat.Code128, "99999999"),
            (zxingcpp.BarcodeFormat.QRCode, "\x1d".join(LONGEST.gs1_elements)),
        ]
    )


def test_a_box_label_gives_the_count_when_the_serials_do_not_fit() -> None:
    serials = tuple(f"SN{i:010d}" for i in range(1000))
    text = page_text(BoxLabel("P-100", "LOT42", 1000, serials), TALL)
    assert "1000 serials" in text
    assert "SN0000000000" not in text


def test_the_same_label_gives_the_same_bytes() -> None:
    assert render_pdf(product(), SMALL) == render_pdf(product(), SMALL)
