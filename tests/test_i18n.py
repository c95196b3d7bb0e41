"""One catalog, two languages, nothing missing."""

from __future__ import annotations

import re
from string import Formatter

import pytest

from kiosk.config import Language
from kiosk.i18n import CATALOG, Translator
from kiosk.identity import Outcome
from kiosk.roles import Role
from kiosk.work import OperationStatus, PauseReason, Refusal
from sync.protocol import FlagCode, RejectReason

# Entries that only join texts translated elsewhere: their punctuation is all they own.
JOINS = {"disposition.choice"}


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in Formatter().parse(text) if field}


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_every_entry_has_both_languages_with_the_same_placeholders(key: str) -> None:
    entry = CATALOG[key]
    assert set(entry) == set(Language)
    assert placeholders(entry[Language.ZH_CN]) == placeholders(entry[Language.EN])
    if key not in JOINS:
        assert re.search(r"[\u4e00-\u9fff]", entry[Language.ZH_CN]), "the Chinese text is Chinese"


def test_every_value_a_screen_translates_has_an_entry() -> None:
    keys = (
        [f"status.{s.value}" for s in OperationStatus]
        + [f"pause.{r.value}" for r in PauseReason]
        + [f"refusal.{r.value}" for r in Refusal]
        + [f"role.{r.value}" for r in Role]
        + [f"login.{o.value}" for o in Outcome if o not in (Outcome.OK, Outcome.PIN_REQUIRED)]
    )
    assert [key for key in keys if key not in CATALOG] == []


def test_translator_fills_values_and_shows_unknown_keys() -> None:
    tr = Translator(Language.EN)
    assert tr("login.wrong_pin", left=2) == "Wrong PIN, 2 attempt(s) left."
    assert Translator(Language.ZH_CN)("login.wrong_pin", left=2) == "密码错误，还可尝试 2 次。"
    assert tr("no.such.key") == "no.such.key"


def test_every_reason_the_hub_gives_has_words() -> None:
    """A flag or refusal added to the protocol must not reach a team lead as a raw code."""
    codes = {code.value for code in FlagCode} | {reason.value for reason in RejectReason}
    assert {code for code in codes if f"sync.reason.{code}" not in CATALOG} == set()
