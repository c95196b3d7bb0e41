"""Labels as ZPL II for Zebra-compatible thermal printers: plain string building, no I/O.

Field data never reaches the printer raw. Every field is preceded by ^FH (hex indicator `_`)
and `^`, `~`, `_` and control characters are written as `_XX`, so no value can end a field or
start a command. Barcode data also gets the symbology's own escapes: Code 128 `>` invocation
codes, and the ^BX escape character doubled. A box label's GS1 DataMatrix marks its FNC1s
with the ^BX escape sequence `_1`, written `_5F1` as ^FH decodes hex before ^BX reads escapes.
"""

from __future__ import annotations

import unicodedata

from devices.labels.templates import BoxLabel, Label, LabelSize, ProductLabel

_MARGIN_MM = 2.0
# Average glyph width of font 0 as a share of its height: generous, so a list that is
# judged to fit does fit.
_GLYPH_WIDTH = 0.6
_WIDE_GLYPH_WIDTH = 1.0  # CJK ideographs are square
# Text is shrunk to fit its width down to this share of its height, then cut short.
_MIN_TEXT_SCALE = 0.6
# Three dots rather than U+2026: every printer font has them.
_ELLIPSIS = "..."
_SERIAL_TEXT_MM = 2.5
# ^BX escape character, set explicitly: printers' defaults differ by firmware (`_` or `~`).
_DM_ESCAPE = "_"
_DM_FNC1 = "_5F1"  # `_1` once ^FH has decoded it
# Bigger modules only make a handheld imager stand further back.
_DM_MAX_MODULE_MM = 1.0
# Code 128 modules of white after the stop bar, kept inside the width a barcode is given.
_CODE128_QUIET = 10

_HEX_SPECIALS = {ord(c): f"_{ord(c):02X}" for c in "^~_"}
_TEXT_ESCAPES = _HEX_SPECIALS | {c: f"_{c:02X}" for c in (*range(0x20), 0x7F)}
# Code 128 subset B: `>` starts an invocation code, so `>` `^` `~` are written as the codes
# for their symbol values 30, 62 and 94.
_CODE128_ESCAPES = _HEX_SPECIALS | {ord(">"): ">0", ord("^"): "><", ord("~"): ">="}
_DATAMATRIX_ESCAPES = _HEX_SPECIALS | {ord(_DM_ESCAPE): "_5F_5F"}

# (square symbol side in modules, data codewords it holds), ECC 200.
_DATAMATRIX_SIZES = (
    (10, 3), (12, 5), (14, 8), (16, 12), (18, 18), (20, 22), (22, 30), (24, 36), (26, 44),
    (32, 62), (36, 86), (40, 114), (44, 144), (48, 174), (52, 204), (64, 280),
)  # fmt: skip


def render_zpl(label: Label, size: LabelSize) -> bytes:
    """One label format (^XA … ^XZ), UTF-8 encoded as ^CI28 declares."""
    body = _product(label, size) if isinstance(label, ProductLabel) else _box(label, size)
    width, height = size.dots(size.width_mm), size.dots(size.height_mm)
    return f"^XA^CI28^PW{width}^LL{height}^LH0,0{body}^XZ".encode()


def _product(label: ProductLabel, size: LabelSize) -> str:
    width, height = size.dots(size.width_mm), size.dots(size.height_mm)
    margin = size.dots(_MARGIN_MM)
    inner = width - 2 * margin

    modules = _datamatrix_modules(_ascii_codewords(label.serial))
    module = max(1, int(min(0.45 * height, 0.35 * inner)) // modules)
    matrix_x = width - margin - modules * module

    # Text stops short of the DataMatrix: printed over it, the symbol would not read.
    column = matrix_x - 2 * margin
    title, text, small = round(0.13 * height), round(0.09 * height), round(0.08 * height)
    bar = round(0.2 * height)
    return "".join(
        (
            _fitted_text(margin, margin, title, column, label.part),
            _fitted_text(margin, margin + round(1.2 * title), text, column, label.description),
            _fitted_text(
                margin,
                margin + round(1.2 * title + 1.2 * text),
                small,
                column,
                f"WO {label.work_order}  {label.printed_on.isoformat()}",
            ),
            _datamatrix(matrix_x, margin, module, label.serial),
            _code128(
                margin, height - margin - bar - round(1.2 * small), bar, small, inner, label.serial
            ),
        )
    )


def _box(label: BoxLabel, size: LabelSize) -> str:
    width, height = size.dots(size.width_mm), size.dots(size.height_mm)
    margin = size.dots(_MARGIN_MM)
    inner = width - 2 * margin
    # Capped, so that on tall stock the room goes to the serial list.
    caption = min(round(0.05 * height), size.dots(4.0))
    bar, gap = min(round(0.1 * height), size.dots(12.0)), size.dots(2.0)
    row = round(1.1 * caption) + bar + round(1.2 * caption) + gap
    values = (("PART", label.part), ("LOT", label.lot), ("QTY", str(label.quantity)))

    # The DataMatrix beside the three bars, as big as leaves them room at one dot a module.
    narrowest = max(_code128_modules(value) for _, value in values) + _CODE128_QUIET
    room = min(round(0.35 * inner), 3 * row - gap, inner - narrowest)
    # An FNC1 is one codeword.
    modules = _datamatrix_modules(sum(1 + _ascii_codewords(e) for e in label.gs1_elements))
    module = max(1, min(room // modules, size.dots(_DM_MAX_MODULE_MM)))
    matrix_x = width - margin - modules * module

    parts = [_gs1_datamatrix(matrix_x, margin, module, label.gs1_elements)]
    y = margin
    for name, value in values:
        parts.append(_text(margin, y, caption, name))
        y += round(1.1 * caption)
        parts.append(_code128(margin, y, bar, caption, matrix_x - margin, value))
        y += bar + round(1.2 * caption) + gap
    parts.append(_serial_list(label.serials, margin, y, inner, height - margin - y, size))
    return "".join(parts)


def _serial_list(
    serials: tuple[str, ...], x: int, y: int, width: int, height: int, size: LabelSize
) -> str:
    if not serials:
        return ""
    font = size.dots(_SERIAL_TEXT_MM)
    line = round(1.2 * font)
    column = round((max(map(len, serials)) + 2) * _GLYPH_WIDTH * font)
    columns, rows = max(0, width // column), max(0, height // line)
    if len(serials) > columns * rows:
        return _text(x, y, font, f"{len(serials)} serials")
    return "".join(
        _text(x + (i // rows) * column, y + (i % rows) * line, font, serial)
        for i, serial in enumerate(serials)
    )


def _fitted_text(x: int, y: int, height: int, width: int, value: str) -> str:
    """Text on one line within `width` dots: smaller if need be, then cut with an ellipsis."""
    ems = _width_in_ems(value)
    if ems * height <= width:
        return _text(x, y, height, value)
    smallest = max(1, round(_MIN_TEXT_SCALE * height))
    if ems * smallest <= width:
        return _text(x, y, int(width / ems), value)
    room, used, kept = width / smallest - _width_in_ems(_ELLIPSIS), 0.0, 0
    for char in value:
        used += _glyph_width(char)
        if used > room:
            break
        kept += 1
    return _text(x, y, smallest, value[:kept] + _ELLIPSIS)


def _width_in_ems(value: str) -> float:
    if value.isascii():
        return _GLYPH_WIDTH * len(value)
    return sum(map(_glyph_width, value))


def _glyph_width(char: str) -> float:
    return _WIDE_GLYPH_WIDTH if unicodedata.east_asian_width(char) in "WF" else _GLYPH_WIDTH


def _text(x: int, y: int, height: int, value: str) -> str:
    return f"^FO{x},{y}^A0N,{height}^FH^FD{value.translate(_TEXT_ESCAPES)}^FS"


def _code128(x: int, y: int, bar: int, font: int, width: int, value: str) -> str:
    module = min(4, max(1, width // (_code128_modules(value) + _CODE128_QUIET)))
    return (
        f"^FO{x},{y}^BY{module}^A0N,{font}^BCN,{bar},Y,N,N"
        f"^FH^FD{value.translate(_CODE128_ESCAPES)}^FS"
    )


def _code128_modules(value: str) -> int:
    # Subset B: start, data, check and stop symbols of 11 modules, the stop 2 more.
    return 11 * len(value) + 35


def _datamatrix(x: int, y: int, module: int, value: str) -> str:
    return _datamatrix_field(x, y, module, value.translate(_DATAMATRIX_ESCAPES))


def _gs1_datamatrix(x: int, y: int, module: int, elements: tuple[str, ...]) -> str:
    """FNC1 first (the symbol is GS1), then between elements as their separator."""
    data = "".join(_DM_FNC1 + element.translate(_DATAMATRIX_ESCAPES) for element in elements)
    return _datamatrix_field(x, y, module, data)


def _datamatrix_field(x: int, y: int, module: int, escaped: str) -> str:
    return f"^FO{x},{y}^BXN,{module},200,,,,{_DM_ESCAPE}^FH^FD{escaped}^FS"


def _ascii_codewords(value: str) -> int:
    """Data codewords `value` takes in ECC 200's ASCII mode."""
    codewords, i = 0, 0
    while i < len(value):
        # Two digits in a row share one codeword.
        i += 2 if value[i : i + 2].isdigit() and len(value[i : i + 2]) == 2 else 1
        codewords += 1
    return codewords


def _datamatrix_modules(codewords: int) -> int:
    """Side of the smallest square ECC 200 symbol holding `codewords` data codewords."""
    for side, capacity in _DATAMATRIX_SIZES:
        if codewords <= capacity:
            return side
    return _DATAMATRIX_SIZES[-1][0]
