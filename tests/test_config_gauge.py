"""`[devices.gauge]` in kiosk.toml: read, refused with a message naming the key, checked by
`kiosk doctor`."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigError, GaugeDevice, load_config
from kiosk.doctor import Check, Verdict, diagnose
from tests.conftest import write_config

SAMPLE = Path(__file__).resolve().parents[1] / "kiosk.toml"


def with_gauge(folder: Path, section: str) -> Path:
    """The conftest station config with `section` as its [devices.gauge]."""
    path = write_config(folder)
    with path.open("a", encoding="utf-8") as file:
        file.write(f"\n[devices.gauge]\n{section}\n")
    return path


def problem_of(path: Path) -> str:
    """The one problem loading `path` reports."""
    with pytest.raises(ConfigError) as info:
        load_config(path)
    header, *problems = str(info.value).splitlines()
    assert header == f"{path}: 1 problem:"
    assert len(problems) == 1 and problems[0].startswith("  - ")
    return problems[0][4:]


def test_without_a_section_there_is_no_gauge(tmp_path: Path) -> None:
    assert load_config(write_config(tmp_path)).devices.gauge == GaugeDevice(
        kind="none", port="", baud=9600, suffix="cr"
    )


def test_the_sample_documents_a_gauge_switched_off() -> None:
    assert load_config(SAMPLE).devices.gauge == GaugeDevice()
    text = SAMPLE.read_text(encoding="utf-8")
    assert "[devices.gauge]" in text


def test_a_serial_gauge_is_read_with_every_key(tmp_path: Path) -> None:
    path = with_gauge(
        tmp_path, 'kind = "serial"\nport = "/dev/ttyUSB3"\nbaud = 2400\nsuffix = "crlf"'
    )
    assert load_config(path).devices.gauge == GaugeDevice(
        kind="serial", port="/dev/ttyUSB3", baud=2400, suffix="crlf"
    )


@pytest.mark.parametrize("suffix", ["cr", "lf", "crlf"])
def test_each_suffix_is_accepted(tmp_path: Path, suffix: str) -> None:
    path = with_gauge(tmp_path, f'kind = "serial"\nport = "/dev/ttyUSB0"\nsuffix = "{suffix}"')
    assert load_config(path).devices.gauge.suffix == suffix


def test_a_relative_port_is_taken_from_the_config_folder(tmp_path: Path) -> None:
    path = with_gauge(tmp_path, 'kind = "serial"\nport = "gauge.tty"')
    assert load_config(path).devices.gauge.port == str(tmp_path / "gauge.tty")


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        (
            'kind = "keyboard"',
            "key 'devices.gauge.kind': invalid enum value 'keyboard'; allowed: none, serial "
            "(got 'keyboard')",
        ),
        (
            'kind = "serial"\nsuffix = "none"',
            "key 'devices.gauge.suffix': invalid enum value 'none'; allowed: cr, crlf, lf "
            "(got 'none')",
        ),
        ("baud = 0", "key 'devices.gauge.baud': expected `int` >= 1 (got 0)"),
        ('baud = "9600"', "key 'devices.gauge.baud': expected `int`, got `str` (got '9600')"),
        ("port = 3", "key 'devices.gauge.port': expected `str`, got `int` (got 3)"),
        # A gauge ends each reading with its suffix: the scanner's silence gap is no key here.
        ("gap_ms = 50", "unknown key 'devices.gauge.gap_ms' (check its spelling and section)"),
        (
            "prot = '/dev/ttyUSB0'",
            "unknown key 'devices.gauge.prot' (check its spelling and section)",
        ),
    ],
)
def test_a_bad_value_is_named_with_its_key(tmp_path: Path, section: str, problem: str) -> None:
    assert problem_of(with_gauge(tmp_path, section)) == problem


# `kiosk doctor` ----------


def check_of(path: Path) -> Check:
    found = [check for check in diagnose(path) if check.subject == "gauge"]
    assert len(found) == 1
    return found[0]


def test_doctor_says_no_gauge_is_fine(tmp_path: Path) -> None:
    assert check_of(write_config(tmp_path)) == Check("gauge", Verdict.OK, "none")


def test_doctor_finds_the_gauges_port(tmp_path: Path) -> None:
    port = tmp_path / "ttyUSB3"
    port.touch()
    path = with_gauge(tmp_path, f'kind = "serial"\nport = "{port}"\nbaud = 4800')
    assert check_of(path) == Check("gauge", Verdict.OK, f"serial {port} at 4800 baud")


def test_doctor_fails_a_gauge_port_that_is_not_there(tmp_path: Path) -> None:
    path = with_gauge(tmp_path, 'kind = "serial"\nport = "/dev/serial/by-id/usb-gauge"')
    check = check_of(path)
    assert (check.verdict, check.detail) == (
        Verdict.FAIL,
        "serial port '/dev/serial/by-id/usb-gauge' not found",
    )
    assert "Plug the device in" in check.fix
