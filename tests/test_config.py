"""`kiosk.toml`: the sample loads, and every mistake is one readable message naming the key."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import msgspec
import pytest

from kiosk.config import ConfigError, Language, StationConfig, load_config
from kiosk.demo_data import DEMO_STATION_ID
from kiosk.roles import Role
from tests.conftest import write_config

SAMPLE = Path(__file__).resolve().parents[1] / "kiosk.toml"


def _error_for(path: Path) -> str:
    """The message of the ConfigError that loading `path` raises, checked for its shape."""
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    # Raised `from None`: nothing chained, so nothing but this message is shown to the user.
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__
    assert message.startswith(f"{path}: "), message
    assert "Traceback" not in message
    return message


def _problems(message: str) -> list[str]:
    """The listed problems of a validation message, without the leading '  - '."""
    return [line[4:] for line in message.splitlines()[1:] if line.startswith("  - ")]


def _edited(folder: Path, old: str, new: str, **overrides: str) -> Path:
    """The conftest config with one line changed (the old text must be there)."""
    path = write_config(folder, **overrides)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _appended(folder: Path, extra: str, **overrides: str) -> Path:
    path = write_config(folder, **overrides)
    with path.open("a", encoding="utf-8") as file:
        file.write(extra)
    return path


def _single_problem(path: Path) -> str:
    message = _error_for(path)
    assert message.startswith(f"{path}: 1 problem:\n"), message
    problems = _problems(message)
    assert len(problems) == 1, message
    return problems[0]


# The documented sample ----------


def test_the_sample_kiosk_toml_loads() -> None:
    config = load_config(SAMPLE)
    assert config.source == SAMPLE
    assert config.station.id == "ST-ASM-01"
    assert config.station.work_centers == ["WC-SMT", "WC-ASM"]
    assert config.station.language is Language.ZH_CN
    assert config.station.idle_logout_seconds == 300
    assert config.database.path == SAMPLE.parent / "data" / "station.db"
    assert config.hub.url == ""
    assert config.security.pin_required_roles == [Role.TEAM_LEAD, Role.ADMIN]
    assert config.devices.scanner.kind == "keyboard"
    assert config.devices.printer.kind == "none"


def _model_keys(model: type[msgspec.Struct], prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for field in msgspec.structs.fields(model):
        if field.name == "source":  # where the file was read from, not a key in it
            continue
        annotation = field.type
        if isinstance(annotation, type) and issubclass(annotation, msgspec.Struct):
            keys |= _model_keys(annotation, f"{prefix}{field.name}.")
        else:
            keys.add(f"{prefix}{field.name}")
    return keys


def _toml_keys(table: dict[str, Any], prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for name, value in table.items():
        if isinstance(value, dict):
            keys |= _toml_keys(value, f"{prefix}{name}.")
        else:
            keys.add(f"{prefix}{name}")
    return keys


def test_the_sample_lists_every_key_the_station_accepts() -> None:
    with SAMPLE.open("rb") as file:
        sample = tomllib.load(file)
    assert _toml_keys(sample) == _model_keys(StationConfig)


# Unknown keys and sections ----------


def test_an_unknown_key_is_named_with_its_section(tmp_path: Path) -> None:
    path = _edited(tmp_path, 'name = "Test station"', 'name = "Test station"\nnmae = "typo"')
    problem = _single_problem(path)
    assert problem == "unknown key 'station.nmae' (check its spelling and section)"


def test_a_misspelt_key_is_reported_as_unknown(tmp_path: Path) -> None:
    path = _edited(tmp_path, 'name = "Test station"', 'nmae = "Test station"')
    assert _single_problem(path) == "unknown key 'station.nmae' (check its spelling and section)"


def test_an_unknown_section_is_named(tmp_path: Path) -> None:
    path = _appended(tmp_path, '\n[statoin]\nid = "ST-ASM-01"\n')
    assert _single_problem(path) == "unknown key 'statoin' (check its spelling and section)"


def test_an_unknown_device_section_is_named_with_its_parent(tmp_path: Path) -> None:
    path = _appended(tmp_path, '\n[devices.scaner]\nkind = "keyboard"\n')
    problem = _single_problem(path)
    assert problem == "unknown key 'devices.scaner' (check its spelling and section)"


# Wrong types and values ----------


def test_a_wrong_type_names_the_key_and_what_was_given(tmp_path: Path) -> None:
    path = write_config(tmp_path, idle_logout_seconds='"five"')
    problem = _single_problem(path)
    assert problem.startswith("key 'station.idle_logout_seconds': ")
    assert "expected `int`, got `str`" in problem
    assert problem.endswith("(got 'five')")


def test_a_fractional_number_where_a_whole_one_is_needed_is_refused(tmp_path: Path) -> None:
    path = write_config(tmp_path, idle_logout_seconds="60.5")
    problem = _single_problem(path)
    assert problem.startswith("key 'station.idle_logout_seconds': ")
    assert problem.endswith("(got 60.5)")


@pytest.mark.parametrize(
    ("value", "limit"),
    [("9", ">= 10"), ("86401", "<= 86400")],
)
def test_an_out_of_range_value_names_the_key_and_the_limit(
    tmp_path: Path, value: str, limit: str
) -> None:
    path = write_config(tmp_path, idle_logout_seconds=value)
    problem = _single_problem(path)
    assert problem == f"key 'station.idle_logout_seconds': expected `int` {limit} (got {value})"


@pytest.mark.parametrize("value", [10, 86_400])
def test_the_documented_range_ends_are_accepted(tmp_path: Path, value: int) -> None:
    config = load_config(write_config(tmp_path, idle_logout_seconds=str(value)))
    assert config.station.idle_logout_seconds == value


def test_an_out_of_range_security_value_is_named(tmp_path: Path) -> None:
    path = write_config(tmp_path, max_failed_attempts="0")
    problem = _single_problem(path)
    assert problem == ("key 'security.max_failed_attempts': expected `int` >= 1 (got 0)")


def test_a_missing_required_key_is_named(tmp_path: Path) -> None:
    path = _edited(tmp_path, f'id = "{DEMO_STATION_ID}"\n', "")
    assert _single_problem(path) == "missing key 'station.id'"


def test_a_missing_required_section_is_named(tmp_path: Path) -> None:
    path = _edited(tmp_path, '[database]\npath = "station.db"\n', "")
    assert _single_problem(path) == "missing key 'database'"


def test_an_empty_station_id_is_refused(tmp_path: Path) -> None:
    problem = _single_problem(write_config(tmp_path, id='""'))
    assert problem.startswith("key 'station.id': ")
    assert problem.endswith("(got '')")


def test_an_invalid_language_is_named_with_the_value_given(tmp_path: Path) -> None:
    problem = _single_problem(write_config(tmp_path, language='"fr"'))
    assert problem.startswith("key 'station.language': ")
    assert problem.endswith("(got 'fr')")


def test_the_language_message_offers_values_that_are_accepted(tmp_path: Path) -> None:
    problem = _single_problem(write_config(tmp_path, language='"fr"'))
    assert "allowed: zh_CN, en" in problem


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_both_documented_languages_are_accepted(tmp_path: Path, language: str) -> None:
    config = load_config(write_config(tmp_path, language=f'"{language}"'))
    assert config.station.language == language


def test_an_invalid_pin_role_is_named_with_the_roles_allowed(tmp_path: Path) -> None:
    path = _edited(tmp_path, "[security]\n", '[security]\npin_required_roles = ["boss"]\n')
    problem = _single_problem(path)
    assert problem.startswith("key 'security.pin_required_roles")
    assert "allowed: " + ", ".join(role.value for role in Role) in problem
    assert problem.endswith("(got 'boss')")


def test_valid_pin_roles_are_read(tmp_path: Path) -> None:
    path = _edited(tmp_path, "[security]\n", '[security]\npin_required_roles = ["operator"]\n')
    assert load_config(path).security.pin_required_roles == [Role.OPERATOR]


def test_a_hub_url_without_http_scheme_is_refused(tmp_path: Path) -> None:
    path = _appended(tmp_path, '\n[hub]\nurl = "ftp://hub.plant.local"\n')
    problem = _single_problem(path)
    assert problem.startswith("key 'hub.url': ")
    assert "must be http:// or https://" in problem
    assert problem.endswith("(got 'ftp://hub.plant.local')")


@pytest.mark.parametrize("url", ["http://[::1", "http://hub:99999", "http://"])
def test_a_hub_url_that_cannot_be_used_is_named(tmp_path: Path, url: str) -> None:
    problem = _single_problem(_appended(tmp_path, f'\n[hub]\nurl = "{url}"\n'))
    assert problem.startswith("key 'hub.url': ")
    assert problem.endswith(f"(got {url!r})")


def test_a_hub_token_that_is_not_ascii_is_named(tmp_path: Path) -> None:
    problem = _single_problem(_appended(tmp_path, '\n[hub]\ntoken = "密钥"\n'))
    assert problem.startswith("key 'hub.token': ")


def test_a_hub_url_loses_its_trailing_slash(tmp_path: Path) -> None:
    path = _appended(tmp_path, '\n[hub]\nurl = "https://hub.plant.local:8700/"\n')
    assert load_config(path).hub.url == "https://hub.plant.local:8700"


def test_an_unknown_printer_kind_is_named(tmp_path: Path) -> None:
    path = _appended(tmp_path, '\n[devices.printer]\nkind = "laser"\n')
    problem = _single_problem(path)
    assert problem.startswith("key 'devices.printer.kind': ")
    assert problem.endswith("(got 'laser')")


# Files that cannot be read as TOML ----------


def test_invalid_toml_says_so_with_the_line(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    broken = next(n for n, line in enumerate(lines) if line.startswith("name = "))
    lines[broken] = 'name = "Test station'  # unterminated string
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = _error_for(path)
    assert message.startswith(f"{path}: not valid TOML: ")
    assert f"line {broken + 1}" in message
    assert "\n" not in message


def test_a_missing_file_says_file_not_found(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "kiosk.toml"
    message = _error_for(path)
    assert message.startswith(f"{path}: file not found.")
    assert "--config" in message


def test_a_file_that_is_not_utf8_cannot_be_read(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_bytes(b"\xff\xfe[station]\n")
    assert _error_for(path).startswith(f"{path}: cannot be read (")


# Several problems at once ----------


def test_with_several_mistakes_each_is_named_in_turn(tmp_path: Path) -> None:
    path = write_config(tmp_path, language='"fr"', max_failed_attempts="0")
    assert _single_problem(path).startswith("key 'station.language': ")
    path.write_text(path.read_text(encoding="utf-8").replace('"fr"', '"en"'), encoding="utf-8")
    assert _single_problem(path).startswith("key 'security.max_failed_attempts': ")


# Paths ----------


def test_a_relative_database_path_is_taken_from_the_config_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "station"
    folder.mkdir()
    path = _edited(folder, 'path = "station.db"', 'path = "data/station.db"')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    config = load_config(path)
    assert config.database.path == folder / "data" / "station.db"
    assert config.source == path


def test_a_relative_config_path_keeps_the_database_next_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "station"
    folder.mkdir()
    write_config(folder)
    monkeypatch.chdir(tmp_path)
    config = load_config(Path("station") / "kiosk.toml")
    assert config.database.path.resolve() == (folder / "station.db").resolve()


def test_an_absolute_database_path_stays_as_written(tmp_path: Path) -> None:
    absolute = tmp_path / "var" / "lib" / "kiosk" / "station.db"
    folder = tmp_path / "etc"
    folder.mkdir()
    path = _edited(folder, 'path = "station.db"', f'path = "{absolute.as_posix()}"')
    assert load_config(path).database.path == absolute


# Loose values that would change behaviour silently ----------


@pytest.mark.parametrize("value", ["true", '"5"'])
def test_a_count_given_as_bool_or_text_is_refused(tmp_path: Path, value: str) -> None:
    # `true` would otherwise load as 1: a lockout after a single wrong PIN.
    problem = _single_problem(write_config(tmp_path, max_failed_attempts=value))
    assert problem.startswith("key 'security.max_failed_attempts': ")


def test_a_station_id_must_be_letters_digits_and_dashes(tmp_path: Path) -> None:
    problem = _single_problem(write_config(tmp_path, id='"ST 01 / ?"'))
    assert problem.startswith("key 'station.id': ")


def test_a_byte_order_mark_from_a_windows_editor_is_accepted(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_config(path).station.id == DEMO_STATION_ID


def test_a_database_path_that_is_not_text_is_named(tmp_path: Path) -> None:
    path = _edited(tmp_path, 'path = "station.db"', "path = 5")
    problem = _single_problem(path)
    assert problem.startswith("key 'database.path': ")
    assert problem.endswith("(got 5)")


def test_a_supplier_format_with_a_broken_regex_is_named(tmp_path: Path) -> None:
    path = _appended(
        tmp_path, '\n[[barcodes.supplier_formats]]\nname = "ACME"\npattern = "(?P<lot>["\n'
    )
    problem = _single_problem(path)
    assert problem.startswith("[barcodes] supplier format 'ACME'")
