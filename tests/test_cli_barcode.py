"""`kiosk barcode explain` as a person or a script runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import write_config

GTIN = "09506000134352"


def explain(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "barcode", "explain", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )


def test_gs1_label_with_escaped_separators_as_json(tmp_path: Path) -> None:
    done = explain(tmp_path, "--json", f"]C101{GTIN}\\x1d10LOT42\\x1d17261231\\x1d3712")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "kind": "material_label",
        "fields": {"01": GTIN, "10": "LOT42", "17": "2026-12-31", "37": "12"},
    }


def test_gs1_serial_number_in_words(tmp_path: Path) -> None:
    done = explain(tmp_path, f"]d201{GTIN}21SN-0001")
    assert done.returncode == 0
    assert done.stdout.splitlines()[0].startswith("serial number")
    assert any(line.startswith("21") and "SN-0001" in line for line in done.stdout.splitlines())


def test_not_understood_says_why_and_exits_1(tmp_path: Path) -> None:
    done = explain(tmp_path, "--json", f"]C101{GTIN[:-1]}3")
    assert done.returncode == 1
    assert json.loads(done.stdout) == {
        "kind": "unknown",
        "reason": "GS1: check digit of GTIN (01) is wrong",
    }
    assert "Traceback" not in done.stderr


def test_supplier_formats_come_from_the_station_config(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    with config.open("a", encoding="utf-8") as file:
        file.write(
            '\n[[barcodes.supplier_formats]]\nname = "ACME"\ndelimiter = "|"\n'
            'fields = ["part", "lot", "qty", "expiry"]\n'
        )
    label = "PN-4711|L2026-09|2.50|2026-12-31"
    assert explain(tmp_path, "--json", label).returncode == 0  # ./kiosk.toml is read
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    without = explain(elsewhere, "--json", label)
    assert without.returncode == 1 and json.loads(without.stdout)["kind"] == "unknown"


def test_command_barcode(tmp_path: Path) -> None:
    done = explain(tmp_path, "--json", "#K:LOGOUT")
    assert json.loads(done.stdout) == {"kind": "command", "fields": {"command": "logout"}}
