"""The `[barcodes]` section: how it decodes, what `check_formats` refuses, what it loads."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import msgspec
import pytest

from kiosk.barcodes.formats import BarcodeSection, SupplierFormat, check_formats, check_section

SAMPLE = """
serial_pattern = '^SN[0-9]{8}$'

[[supplier_formats]]
name = "ACME"
delimiter = "|"
fields = ["part", "lot", "qty", "expiry"]

[[supplier_formats]]
name = "Bolts Ltd"
pattern = 'B(?P<part>[0-9]{5})L(?P<lot>[A-Z0-9]+)E(?P<expiry>[0-9]{6})'
expiry_format = "%y%m%d"
"""


def test_the_section_decodes_from_toml() -> None:
    section = msgspec.convert(tomllib.loads(SAMPLE), BarcodeSection)
    assert [fmt.name for fmt in section.supplier_formats] == ["ACME", "Bolts Ltd"]
    assert section.supplier_formats[1].expiry_format == "%y%m%d"
    assert (section.badge_pattern, section.command_prefix) == (r"^E[0-9]{4,8}$", "#K:")
    assert check_section(section) is None


def test_unknown_keys_are_refused() -> None:
    with pytest.raises(msgspec.ValidationError, match="delimeter"):
        msgspec.convert({"supplier_formats": [{"name": "A", "delimeter": "|"}]}, BarcodeSection)
    with pytest.raises(msgspec.ValidationError, match="serial"):
        msgspec.convert({"serial": "x"}, BarcodeSection)


def _problem(**settings: object) -> str | None:
    return check_formats([msgspec.convert({"name": "ACME"} | settings, SupplierFormat)])


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        (
            {},
            "supplier format 'ACME': set exactly one of delimiter (with fields) and pattern",
        ),
        (
            {"delimiter": "|", "fields": ["lot"], "pattern": "(?P<lot>.*)"},
            "supplier format 'ACME': set exactly one of delimiter (with fields) and pattern",
        ),
        (
            {"delimiter": "|"},
            "supplier format 'ACME': a delimiter needs fields, one name per column",
        ),
        (
            {"delimiter": "|", "fields": ["part", "colour"]},
            "supplier format 'ACME': unknown field 'colour' "
            '(allowed: part, lot, qty, expiry, serial, supplier, or "" to skip a column)',
        ),
        (
            {"delimiter": "|", "fields": ["lot", "lot"]},
            "supplier format 'ACME': a field is named twice in fields",
        ),
        (
            {"delimiter": "|", "fields": ["qty", "expiry"]},
            "supplier format 'ACME': needs a part or a lot field",
        ),
        (
            {"pattern": "(?P<lot>.*)", "fields": ["lot"]},
            "supplier format 'ACME': fields are for a delimiter; "
            "a pattern names its fields with (?P<name>...)",
        ),
        (
            {"pattern": "L[0-9]+"},
            "supplier format 'ACME': pattern names no fields; use groups such as (?P<lot>...)",
        ),
        (
            {"pattern": "(?P<lot>.*)(?P<colour>.*)"},
            "supplier format 'ACME': unknown group 'colour' in pattern "
            "(allowed: part, lot, qty, expiry, serial, supplier)",
        ),
        (
            {"delimiter": "|", "fields": ["lot", "expiry"], "expiry_format": "%m/%d"},
            "supplier format 'ACME': expiry_format '%m/%d' cannot read a full date back "
            "(try '%Y-%m-%d')",
        ),
        (
            {"delimiter": "|", "fields": ["lot", "expiry"], "expiry_format": "%Q"},
            "supplier format 'ACME': expiry_format '%Q' cannot read a full date back "
            "(try '%Y-%m-%d')",
        ),
    ],
)
def test_what_check_formats_refuses(settings: dict[str, object], problem: str) -> None:
    assert _problem(**settings) == problem


@pytest.mark.parametrize("pattern", ["(?P<lot>", "[A-Z", "(?P<lot>a)(?P<lot>b)", "*", "a{2,1}"])
def test_a_bad_regular_expression_is_refused_naming_the_format(pattern: str) -> None:
    problem = _problem(pattern=pattern)
    assert problem is not None
    assert problem.startswith("supplier format 'ACME': pattern: not a valid regular expression: ")
    assert problem.endswith(f"(got {pattern!r})")


@pytest.mark.parametrize("expiry_format", ["%Y-%m-%d", "%y%m%d", "%d.%m.%Y", "%Y%j"])
def test_expiry_formats_that_keep_the_whole_date(expiry_format: str) -> None:
    assert _problem(delimiter="|", fields=["lot", "expiry"], expiry_format=expiry_format) is None


def test_an_expiry_format_only_matters_when_there_is_an_expiry() -> None:
    assert _problem(delimiter="|", fields=["lot"], expiry_format="%m") is None


def test_names_must_be_given_and_distinct() -> None:
    lots = SupplierFormat(name="A", pattern="(?P<lot>.+)")
    assert check_formats([lots, lots]) == (
        "supplier format 'A': defined twice; give each format its own name"
    )
    nameless = SupplierFormat(name=" ", pattern="(?P<lot>.+)")
    assert check_formats([nameless]) == "supplier format ' ': needs a name"
    assert check_formats([]) is None


def test_check_section_covers_the_plant_patterns_and_the_formats() -> None:
    assert check_section(BarcodeSection()) is None
    serial = check_section(BarcodeSection(serial_pattern="SN[0-9"))
    assert serial is not None
    assert serial.startswith("serial_pattern: not a valid regular expression: ")
    badge = check_section(BarcodeSection(badge_pattern="(E"))
    assert badge is not None
    assert badge.startswith("badge_pattern: not a valid regular expression: ")
    bad_format = BarcodeSection(supplier_formats=[SupplierFormat(name="X", pattern="(")])
    assert (check_section(bad_format) or "").startswith("supplier format 'X': pattern: ")


def test_config_and_the_barcode_readers_load_no_biip_until_a_scan() -> None:
    # biip costs about 200 ms: paid at the first scan, not before the first screen.
    code = (
        "import sys\n"
        "import kiosk.config, kiosk.barcodes.formats, kiosk.barcodes.meaning\n"
        "import kiosk.barcodes.explain\n"
        "assert 'biip' not in sys.modules, 'biip loaded at import'\n"
        "from kiosk.barcodes.formats import BarcodeSection\n"
        "kiosk.barcodes.meaning.interpret(']C10109506000134352', None, BarcodeSection())\n"
        "assert 'biip' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
