"""`kiosk qc plan` as a person or a script runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.cli import main


def test_json_is_one_line_with_four_keys_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["qc", "plan", "--lot-size", "1000", "--aql", "1.0", "--json"]) == 0
    out = capsys.readouterr()
    assert out.out == '{"code_letter": "J", "sample_size": 80, "accept": 2, "reject": 3}\n'
    assert out.err == ""


def test_level_and_severity_are_applied(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["qc", "plan", "--lot-size", "1000", "--aql", "1.0", "--level", "III"]
    assert main([*argv, "--severity", "tightened", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "code_letter": "K",
        "sample_size": 125,
        "accept": 2,
        "reject": 3,
    }


def test_in_words(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["qc", "plan", "--lot-size", "1000", "--aql", "1.0"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "code letter J",
        "sample size 80",
        "accept if ≤ 2 nonconforming",
        "reject if ≥ 3 nonconforming",
    ]


def test_a_sample_larger_than_the_lot_says_whole_lot(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["qc", "plan", "--lot-size", "10", "--aql", "1.0"]) == 0
    assert "sample size 10 (the whole lot)" in capsys.readouterr().out.splitlines()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--lot-size", "1000", "--aql", "1.1"], "AQL 1.1 is not one of the preferred AQLs"),
        (["--lot-size", "1000", "--aql", "1.0", "--level", "IV"], "inspection level 'IV'"),
        (["--lot-size", "0", "--aql", "1.0"], "lot size must be at least 1, not 0"),
        (["--lot-size", "ten", "--aql", "1.0"], "lot size must be a whole number, not 'ten'"),
        (["--lot-size", "9", "--aql", "1", "--severity", "loose"], "unknown severity 'loose'"),
    ],
)
def test_bad_input_is_one_line_and_status_2(
    capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    assert main(["qc", "plan", *arguments, "--json"]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err.startswith("kiosk qc: ") and message in out.err
    assert out.err.count("\n") == 1


def test_installed_command() -> None:
    kiosk = Path(sys.executable).parent / "kiosk"
    done = subprocess.run(
        [kiosk, "qc", "plan", "--lot-size", "1000", "--aql", "1.0", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "code_letter": "J",
        "sample_size": 80,
        "accept": 2,
        "reject": 3,
    }
