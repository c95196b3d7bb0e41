"""Whatever a scanner sends, reading it never crashes and explaining it always serialises."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.barcodes.explain import exit_status, explain_json, explain_text, unescape
from kiosk.barcodes.formats import FIELD_NAMES, BarcodeSection, SupplierFormat, check_formats
from kiosk.barcodes.meaning import MaterialLabel, ScanMeaning, UnknownScan, interpret

FUZZ = settings(max_examples=300, deadline=None)

GS = "\x1d"
TOKENS = [
    *("]C1", "]d2", "]Q3", "]e0", "]E0", "]I1", "]C0", "]Q1", "]", "]Y", "]Y9"),
    *("(", ")", "(01)", "(10)", "(17)", "(00)", "(99)"),
    *("00", "01", "02", "10", "11", "17", "21", "30", "37", "240", "3103", "3912", "8008"),
    *("7007", "09506000134352", "106141412345678908", "261231", "261200", "000000"),
    *(GS, "<GS>", r"\x1d", "#K:", "#k:logout", "http://", "https://id.gs1.org/01/"),
    *("?17=", "/10/", "%2F", "%D9%A0", "[", "SN", "E1001", "|", ";", "\r\n", " ", "٠", "\x00"),
]
# Any character, surrogates too: a serial port read with errors="surrogateescape" gives those.
ANY_CHAR = st.characters(exclude_categories=())
SCANS = st.one_of(
    st.text(ANY_CHAR, max_size=60),
    st.lists(st.sampled_from(TOKENS) | st.text(ANY_CHAR, max_size=3), max_size=25).map("".join),
    st.lists(st.sampled_from(TOKENS) | st.text("0123456789", max_size=14), max_size=12).map(
        "".join
    ),
)
SYMBOLOGIES = st.none() | st.sampled_from(["]C1", "C1", "d2", "]Q3", "E0", "I1", "C0", "", "]"])
PATTERNS = st.sampled_from(
    ["(?P<lot>[A-Z0-9]+)", "(?P<part>.*)-(?P<qty>.*)", "(", "(?P<colour>.)", "", ".*", "(?P<lot>)"]
)
FORMATS = st.builds(
    SupplierFormat,
    name=st.text(max_size=5),
    delimiter=st.sampled_from(["", "|", ";", "||", GS]),
    fields=st.lists(st.sampled_from([*FIELD_NAMES, "", "colour"]), max_size=5),
    pattern=PATTERNS,
    expiry_format=st.sampled_from(["%Y-%m-%d", "%y%m%d", "%Q", "%", "%d", "%Y%j"]),
)
SECTIONS = st.builds(
    BarcodeSection,
    supplier_formats=st.lists(FORMATS, max_size=3),
    serial_pattern=st.sampled_from([r"^SN[0-9A-Z]{6,30}$", "", "(", ".*"]),
    badge_pattern=st.sampled_from([r"^E[0-9]{4,8}$", "", "["]),
    command_prefix=st.sampled_from(["#K:", "", "ß", "İ", "]"]),
)


def check_meaning(meaning: ScanMeaning) -> None:
    assert isinstance(meaning, ScanMeaning)
    described = explain_json(meaning)
    assert json.loads(json.dumps(described)) == described
    assert isinstance(explain_text(meaning), str)
    assert exit_status(meaning) == (1 if isinstance(meaning, UnknownScan) else 0)
    if isinstance(meaning, UnknownScan):
        assert meaning.reason
        assert meaning.reason.isprintable(), meaning.reason  # safe to show as it is
    if isinstance(meaning, MaterialLabel) and meaning.source == "gs1" and meaning.gtin:
        assert re.fullmatch("[0-9]{14}", meaning.gtin)


@FUZZ
@given(SCANS, SYMBOLOGIES)
def test_any_scan_has_a_meaning_with_the_default_section(text: str, symbology: str | None) -> None:
    check_meaning(interpret(text, symbology, BarcodeSection()))


@FUZZ
@given(SCANS, SYMBOLOGIES, SECTIONS)
def test_any_scan_has_a_meaning_whatever_the_section(
    text: str, symbology: str | None, section: BarcodeSection
) -> None:
    check_meaning(interpret(text, symbology, section))


@FUZZ
@given(SCANS)
def test_typed_data_for_explain_always_serialises(typed: str) -> None:
    check_meaning(interpret(unescape(typed), None, BarcodeSection()))


@FUZZ
@given(st.lists(FORMATS, max_size=4))
def test_check_formats_passes_only_formats_that_can_be_read(formats: list[SupplierFormat]) -> None:
    problem = check_formats(formats)
    if problem is None:
        for fmt in formats:
            assert bool(fmt.delimiter) != bool(fmt.pattern)
            if fmt.pattern:
                assert set(re.compile(fmt.pattern).groupindex) <= set(FIELD_NAMES)
    else:
        assert problem.startswith("supplier format ")


@pytest.mark.filterwarnings("ignore:Possible nested set:FutureWarning")  # "[[" in a pattern
@FUZZ
@given(st.text("()[]{}?P<>*+,.\\|^$lotpar0-9", max_size=16))
def test_check_formats_catches_any_bad_regular_expression(pattern: str) -> None:
    problem = check_formats([SupplierFormat(name="X", pattern=pattern)])
    try:
        re.compile(pattern)
    except re.error:
        assert problem is not None
        assert problem.startswith("supplier format 'X': pattern: not a valid regular expression")
