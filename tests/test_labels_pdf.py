"""PDF labels, rasterised at 300 dpi (pypdfium2) and read back with a real decoder (zxing-cpp)."""

from __future__ import annotations

from datetime import date

import pypdfium2 as pdfium
import pytest
import zxingcpp

from devices.labels.pdf import render_pdf
from devices.labels.templates import BoxLabel, Label, LabelSize, ProductLabel

POINTS_PER_MM = 72 / 25.4
SMALL = LabelSize(60, 40)
TALL = LabelSize(100, 150)


def product(serial: str = "SN0001234567", description: str = "Motor housing") -> ProductLabel:
    return ProductLabel("P-100", description, serial, "WO-42", date(2026, 11, 25))


def decoded(label: Label, size: LabelSize) -> list[tuple[zxingcpp.BarcodeFormat, str]]:
    page = pdfium.PdfDocument(render_pdf(label, size))[0]
    return [
        (code.format, code.text)
        for code in zxingcpp.read_barcodes(page.render(scale=300 / 72).to_pil())
    ]


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


def test_a_box_label_reads_back_part_lot_and_quantity_and_lists_the_serials() -> None:
    serials = tuple(f"SN{i:010d}" for i in range(24))
    label = BoxLabel("P-100", "LOT-2026-11-25_A", 24, serials)
    assert sorted(text for _, text in decoded(label, TALL)) == sorted(
        ["P-100", "LOT-2026-11-25_A", "24"]
    )
    assert all(serial in page_text(label, TALL) for serial in serials)


def test_a_box_label_gives_the_count_when_the_serials_do_not_fit() -> None:
    serials = tuple(f"SN{i:010d}" for i in range(1000))
    text = page_text(BoxLabel("P-100", "LOT42", 1000, serials), TALL)
    assert "1000 serials" in text
    assert "SN0000000000" not in text


def test_the_same_label_gives_the_same_bytes() -> None:
    assert render_pdf(product(), SMALL) == render_pdf(product(), SMALL)
