"""Badge login, PINs, lockout and logout, through a real station database."""

from __future__ import annotations

import json

from sqlmodel import col, select

from kiosk.auth import AuthService
from kiosk.config import Language, SecuritySection
from kiosk.demo_data import DEMO_LEFT_BADGE
from kiosk.identity import LogoutReason, Outcome
from kiosk.roles import Permission, Role
from kiosk.services import Services
from kiosk.store.models import Event
from tests.fakes import FakeClock

OPERATOR = "E1001"
TEAM_LEAD, TEAM_LEAD_PIN = "E1009", "1357"
ADMIN, ADMIN_PIN = "E1012", "9021"


def events(services: Services) -> list[Event]:
    with services.store.read() as session:
        return list(session.exec(select(Event).order_by(col(Event.seq))).all())


def test_known_badge_signs_in_and_records_who(services: Services) -> None:
    result = services.auth.badge(OPERATOR)
    assert result.outcome is Outcome.OK and result.user is not None
    assert (result.user.name, result.user.role, result.user.language) == (
        "张丽",
        Role.OPERATOR,
        Language.ZH_CN,
    )
    [login] = events(services)
    assert login.type == "auth.login" and login.user_id == result.user.user_id
    assert json.loads(login.payload) == {"session_id": result.user.session_id}


def test_badge_is_matched_however_the_reader_pads_or_cases_it(services: Services) -> None:
    assert services.auth.badge("  e1001\r\n").outcome is Outcome.OK


def test_unknown_badge_is_refused_and_recorded(services: Services) -> None:
    assert services.auth.badge("NOPE-123").outcome is Outcome.UNKNOWN_BADGE
    [failed] = events(services)
    assert failed.type == "auth.login_failed" and failed.user_id is None
    assert json.loads(failed.payload) == {"reason": "unknown_badge"}


def test_inactive_user_is_refused(services: Services) -> None:
    result = services.auth.badge(DEMO_LEFT_BADGE.badge)
    assert result.outcome is Outcome.INACTIVE and result.name == DEMO_LEFT_BADGE.name


def test_two_people_signed_in_at_once_get_separate_sessions(services: Services) -> None:
    first = services.auth.badge(OPERATOR).user
    second = services.auth.badge("E1002").user
    assert first is not None and second is not None
    assert first.session_id != second.session_id
    assert [e.user_id for e in events(services)] == [first.user_id, second.user_id]


def test_role_policy_asks_for_a_pin(services: Services) -> None:
    asked = services.auth.badge(TEAM_LEAD)
    assert asked.outcome is Outcome.PIN_REQUIRED and asked.user is None
    assert events(services) == []  # nothing happened yet
    ok = services.auth.badge_and_pin(TEAM_LEAD, TEAM_LEAD_PIN)
    assert ok.outcome is Outcome.OK and ok.user is not None and ok.user.role is Role.TEAM_LEAD


def test_wrong_pins_count_down_then_lock(services: Services, clock: FakeClock) -> None:
    # conftest's policy: 3 attempts, 300 s lockout.
    first = services.auth.badge_and_pin(TEAM_LEAD, "0000")
    assert (first.outcome, first.attempts_left) == (Outcome.WRONG_PIN, 2)
    second = services.auth.badge_and_pin(TEAM_LEAD, "1111")
    assert (second.outcome, second.attempts_left) == (Outcome.WRONG_PIN, 1)
    third = services.auth.badge_and_pin(TEAM_LEAD, "2222")
    assert third.outcome is Outcome.LOCKED
    assert third.locked_until is not None
    assert (third.locked_until - clock.now()).total_seconds() == 300
    # Even the right PIN is refused while locked.
    clock.advance(299)
    assert services.auth.badge_and_pin(TEAM_LEAD, TEAM_LEAD_PIN).outcome is Outcome.LOCKED
    assert services.auth.badge(TEAM_LEAD).outcome is Outcome.LOCKED
    # After the lockout the count starts again.
    clock.advance(2)
    assert services.auth.badge_and_pin(TEAM_LEAD, "0000").attempts_left == 2
    assert services.auth.badge_and_pin(TEAM_LEAD, TEAM_LEAD_PIN).outcome is Outcome.OK


def test_lockout_survives_a_restart(services: Services, clock: FakeClock) -> None:
    for pin in ("0", "1", "2"):
        services.auth.badge_and_pin(TEAM_LEAD, pin)
    restarted = AuthService(services.store, clock, SecuritySection(max_failed_attempts=3))
    assert restarted.badge_and_pin(TEAM_LEAD, TEAM_LEAD_PIN).outcome is Outcome.LOCKED


def test_a_good_login_resets_the_count(services: Services) -> None:
    services.auth.badge_and_pin(TEAM_LEAD, "0")
    services.auth.badge_and_pin(TEAM_LEAD, "1")
    assert services.auth.badge_and_pin(TEAM_LEAD, TEAM_LEAD_PIN).outcome is Outcome.OK
    assert services.auth.badge_and_pin(TEAM_LEAD, "0").attempts_left == 2


def test_pin_required_but_not_set(services: Services, clock: FakeClock) -> None:
    strict = AuthService(services.store, clock, SecuritySection(pin_required_roles=[Role.OPERATOR]))
    assert strict.badge(OPERATOR).outcome is Outcome.PIN_NOT_SET


def test_logout_is_recorded_with_its_reason(services: Services) -> None:
    user = services.auth.badge(OPERATOR).user
    assert user is not None
    services.auth.logout(user, LogoutReason.IDLE)
    logout = events(services)[-1]
    assert logout.type == "auth.logout" and logout.user_id == user.user_id
    assert json.loads(logout.payload) == {"session_id": user.session_id, "reason": "idle"}


def test_authorize_checks_the_permission_without_signing_in(services: Services) -> None:
    denied = services.auth.authorize(OPERATOR, None, Permission.CLOSE_TERMINAL)
    assert denied.outcome is Outcome.NOT_PERMITTED
    needs_pin = services.auth.authorize(ADMIN, None, Permission.CLOSE_TERMINAL)
    assert needs_pin.outcome is Outcome.PIN_REQUIRED
    allowed = services.auth.authorize(ADMIN, ADMIN_PIN, Permission.CLOSE_TERMINAL)
    assert allowed.outcome is Outcome.OK
    # Nobody was signed in; the refusal is on record, with who tried.
    [refused] = events(services)
    assert refused.type == "auth.permission_refused"
    assert json.loads(refused.payload) == {"permission": "close_terminal"}
    operator = services.auth.badge(OPERATOR).user
    assert operator is not None and refused.user_id == operator.user_id


def test_closing_the_terminal_signs_out_whoever_is_signed_in(services: Services) -> None:
    operator = services.auth.badge(OPERATOR).user
    admin = services.auth.authorize(ADMIN, ADMIN_PIN, Permission.CLOSE_TERMINAL).user
    assert operator is not None and admin is not None
    services.auth.close_terminal(admin, operator)
    logout, closed = events(services)[-2:]
    assert (logout.type, logout.user_id) == ("auth.logout", operator.user_id)
    assert json.loads(logout.payload)["reason"] == "terminal_closed"
    assert (closed.type, closed.user_id) == ("terminal.closed", admin.user_id)
