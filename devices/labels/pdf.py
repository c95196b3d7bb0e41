"""Labels as one-page PDFs (reportlab), for office printers and for a look at a label on screen.

The 2D code is QR here rather than DataMatrix: reportlab's own DataMatrix does not read back
reliably. A box label's is GS1 QR Code (FNC1 in first position, GS between elements), which
a scanner sends as it would a GS1 DataMatrix but for its AIM prefix (]Q3, not ]d2). Chinese
text uses the Adobe CID font STSong-Light, which reportlab references by name without
embedding: the viewer or print server supplies the glyphs.
"""

from __future__ import annotations

import io
import itertools
from functools import cache

from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qrencoder import (
    QR8bitByte,
    QRCode,
    QRErrorCorrectLevel,
    QRFNC1First,
)
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from devices.labels.templates import BoxLabel, Label, LabelSize, ProductLabel

_MARGIN = 2 * mm
_CJK_FONT = "STSong-Light"
# Text is shrunk to fit its width down to this share of its size, then cut short.
_MIN_TEXT_SCALE = 0.6
# Narrowest Code 128 module: about two dots of a 300 dpi print.
_MIN_MODULE = 0.17 * mm
_MAX_MODULE = 0.5 * mm
_QUIET_MODULES = 10
_QR_QUIET_MODULES = 4
# A box's 2D code carries all it says, so it keeps modules an imager reads well, the bars
# beside it giving way; bigger modules only make a handheld imager stand further back.
_MIN_2D_MODULE = 0.25 * mm
_MAX_2D_MODULE = 1 * mm
_GS = "\x1d"  # separates GS1 elements in a QR code's data
_SERIAL_TEXT = 2.5 * mm


def render_pdf(label: Label, size: LabelSize) -> bytes:
    """One page the size of the label stock."""
    buffer = io.BytesIO()
    width, height = size.width_mm * mm, size.height_mm * mm
    # invariant: the same label gives the same bytes (no creation date or random id).
    canvas = Canvas(buffer, pagesize=(width, height), invariant=True)
    if isinstance(label, ProductLabel):
        _product(canvas, label, width, height)
    else:
        _box(canvas, label, width, height)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _product(canvas: Canvas, label: ProductLabel, width: float, height: float) -> None:
    inner = width - 2 * _MARGIN
    side = min(0.45 * height, 0.35 * inner)
    _qr(canvas, _qr_code(label.serial), width - _MARGIN - side, height - _MARGIN - side, side)

    # Text stops short of the QR code: printed over it, the symbol would not read.
    column = inner - side - _MARGIN
    title, text, small = 0.13 * height, 0.09 * height, 0.08 * height
    y = height - _MARGIN - title
    _text(canvas, _MARGIN, y, title, column, label.part, bold=True)
    y -= 1.2 * text
    _text(canvas, _MARGIN, y, text, column, label.description)
    y -= 1.2 * small
    line = f"WO {label.work_order}  {label.printed_on.isoformat()}"
    _text(canvas, _MARGIN, y, small, column, line)
    _code128(canvas, label.serial, _MARGIN, _MARGIN, inner, 0.2 * height, small)


def _box(canvas: Canvas, label: BoxLabel, width: float, height: float) -> None:
    inner = width - 2 * _MARGIN
    # Capped, so that on tall stock the room goes to the serial list.
    caption, bar, gap = min(0.05 * height, 4 * mm), min(0.1 * height, 12 * mm), 2 * mm
    values = (("PART", label.part), ("LOT", label.lot), ("QTY", str(label.quantity)))

    # The 2D code beside the three bars, as big as leaves them room at their narrowest.
    narrowest = max(_code128_modules(value) for _, value in values) * _MIN_MODULE
    code = _gs1_qr_code(label.gs1_elements)
    span = code.getModuleCount() + 2 * _QR_QUIET_MODULES
    side = min(0.35 * inner, 3 * (2.4 * caption + bar + gap) - gap, inner - narrowest)
    side = min(max(side, span * _MIN_2D_MODULE), span * _MAX_2D_MODULE)
    top = height - _MARGIN
    _qr(canvas, code, width - _MARGIN - side, top - side, side)
    column = inner - side  # the bars' quiet zone and the code's touch: both are white
    for name, value in values:
        top -= caption
        _text(canvas, _MARGIN, top, caption, column, name, bold=True)
        top -= 0.2 * caption + bar + 1.2 * caption
        _code128(canvas, value, _MARGIN, top, column, bar, caption, narrowest=0)
        top -= gap
    _serial_list(canvas, label.serials, _MARGIN, top, inner, top - _MARGIN)


def _serial_list(
    canvas: Canvas,
    serials: tuple[str, ...],
    x: float,
    top: float,
    width: float,
    height: float,
) -> None:
    if not serials:
        return
    size = _SERIAL_TEXT
    line = 1.2 * size
    column = max(pdfmetrics.stringWidth(s, "Helvetica", size) for s in serials) + size
    columns, rows = int(width // column), int(height // line)
    if len(serials) > columns * rows:
        _text(canvas, x, top - size, size, width, f"{len(serials)} serials")
        return
    for i, serial in enumerate(serials):
        _text(
            canvas, x + (i // rows) * column, top - size - (i % rows) * line, size, column, serial
        )


def _text(
    canvas: Canvas, x: float, y: float, size: float, width: float, value: str, bold: bool = False
) -> None:
    """`value` on one line within `width`: smaller if need be, then cut with an ellipsis."""
    font = ("Helvetica-Bold" if bold else "Helvetica") if value.isascii() else _cjk_font()
    natural = pdfmetrics.stringWidth(value, font, size)
    if natural > width:
        smallest = _MIN_TEXT_SCALE * size
        if natural * smallest / size <= width:
            size = size * width / natural
        else:
            size = smallest
            room, used, kept = width - pdfmetrics.stringWidth("…", font, size), 0.0, 0
            for char in value:
                used += pdfmetrics.stringWidth(char, font, size)
                if used > room:
                    break
                kept += 1
            value = value[:kept] + "…"
    canvas.setFont(font, size)
    canvas.drawString(x, y, value)


@cache
def _cjk_font() -> str:
    # Registered on first use: most labels never need it, and registering is global.
    pdfmetrics.registerFont(UnicodeCIDFont(_CJK_FONT))
    return _CJK_FONT


def _code128(
    canvas: Canvas,
    value: str,
    x: float,
    y: float,
    width: float,
    bar: float,
    font: float,
    narrowest: float = _MIN_MODULE,
) -> None:
    """Code 128 with its text below; (x, y) is the bottom left of the text line.

    Within `width` unless that takes modules under `narrowest`.
    """
    module = min(_MAX_MODULE, max(narrowest, width / _code128_modules(value)))
    quiet = _QUIET_MODULES * module
    symbol = Code128(
        value,
        barWidth=module,
        barHeight=bar,
        lquiet=quiet,
        rquiet=quiet,
        humanReadable=True,
        fontSize=font,
    )
    # The quiet zone may reach into the margin: both are white.
    symbol.drawOn(canvas, x - min(quiet, _MARGIN), y + 1.2 * font)


def _code128_modules(value: str) -> float:
    """Width of `value` as Code 128 in modules, quiet zones included."""
    width: float = Code128(value, barWidth=1, lquiet=_QUIET_MODULES, rquiet=_QUIET_MODULES).width
    return width


def _qr_code(value: str) -> QRCode:
    # The encoder behind reportlab's QrCodeWidget: see _qr.
    code = QRCode(None, QRErrorCorrectLevel.M)
    code.addData(value)
    code.make()
    return code


def _gs1_qr_code(elements: tuple[str, ...]) -> QRCode:
    """GS1 QR Code: FNC1 in first position says the data is GS1 element strings."""
    code = QRCode(None, QRErrorCorrectLevel.M)
    code.addData(QRFNC1First())
    code.addData(QR8bitByte(_GS.join(elements)))
    code.make()
    return code


def _qr(canvas: Canvas, code: QRCode, x: float, y: float, side: float) -> None:
    """A QR code with its 4-module quiet zone, filling the square at (x, y) of `side`.

    Drawn as one path of runs of dark modules: reportlab's QrCodeWidget makes a shape per
    run, which alone took longer than the 10 ms budget.
    """
    count = code.getModuleCount()
    module = side / (count + 2 * _QR_QUIET_MODULES)
    path = canvas.beginPath()
    for r, row in enumerate(code.modules):
        top = y + side - (r + _QR_QUIET_MODULES + 1) * module
        c = _QR_QUIET_MODULES
        for dark, run in itertools.groupby(row):
            length = len(list(run))
            if dark:
                path.rect(x + c * module, top, length * module, module)
            c += length
    canvas.drawPath(path, stroke=0, fill=1)
