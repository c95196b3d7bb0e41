from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.scan import Scan
from devices.symbology import split_symbology

GS = "\x1d"


@pytest.mark.parametrize(
    ("text", "symbology", "data"),
    [
        (f"]C1010950123456789017{GS}10LOT-7", "]C1", f"010950123456789017{GS}10LOT-7"),
        ("]C0SN-000042", "]C0", "SN-000042"),
        (f"]d2010950123456789017{GS}21SN42", "]d2", f"010950123456789017{GS}21SN42"),
        ("]d1hello", "]d1", "hello"),
        ("]Q3010950123456789017", "]Q3", "010950123456789017"),
        ("]Q1https://example.com/sop/7", "]Q1", "https://example.com/sop/7"),
        ("]E04006381333931", "]E0", "4006381333931"),
        ("]e00109501234567890", "]e0", "0109501234567890"),
        ("]A0CODE39", "]A0", "CODE39"),
        ("]zC", "]zC", ""),
    ],
)
def test_an_aim_identifier_is_recognised_and_stripped(text: str, symbology: str, data: str) -> None:
    assert split_symbology(text) == (symbology, data)


@pytest.mark.parametrize(
    "text",
    ["", "]", "]C", "]1C", "]Ca", "]C-1", "] C1", "SN]C1", "C1]", "]]C1", "]é1", "]C\x1d"],
)
def test_no_identifier_or_a_malformed_one_is_left_as_data(text: str) -> None:
    assert split_symbology(text) == (None, text)


@given(st.text())
def test_splitting_never_raises_and_loses_nothing(text: str) -> None:
    symbology, data = split_symbology(text)
    assert (symbology or "") + data == text


def test_a_scan_keeps_the_raw_bytes_and_strips_the_identifier_from_the_text() -> None:
    at = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    frame = b"]d2010950123456789017\x1d10LOT-7"
    scan = Scan.from_frame(frame, source="scanner", received_at=at, received_mono=12.5)
    assert scan == Scan(frame, f"010950123456789017{GS}10LOT-7", "]d2", "scanner", at, 12.5)


def test_text_is_utf8_when_valid_and_latin1_otherwise() -> None:
    at = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    utf8 = Scan.from_frame("]Q1工单-7".encode(), source="s", received_at=at, received_mono=0)
    assert (utf8.symbology, utf8.text) == ("]Q1", "工单-7")
    # GB18030 bytes are not UTF-8: every byte survives as one character, nothing raises.
    other = Scan.from_frame("工单".encode("gb18030"), source="s", received_at=at, received_mono=0)
    assert other.text == "工单".encode("gb18030").decode("latin-1")
    assert other.text.encode("latin-1") == other.raw


@given(st.binary())
def test_any_frame_makes_a_scan(frame: bytes) -> None:
    at = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    scan = Scan.from_frame(frame, source="s", received_at=at, received_mono=0)
    assert scan.raw == frame
    assert scan.symbology is None or frame.startswith(scan.symbology.encode())
