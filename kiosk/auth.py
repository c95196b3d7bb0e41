"""Badge login, PIN checks and lockout.

Nothing here remembers who is signed in: callers hold the `SignedIn` values they get, so a
terminal can later have several people signed in, and every event names its own actor.
Lockout state is derived from the events themselves, so it survives a restart. A PIN
re-entered to sign (a QC disposition) is checked and counted the same way (`check_pin_in`).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from kiosk.clock import Clock
from kiosk.config import Language, SecuritySection
from kiosk.identity import LoginResult, LogoutReason, Outcome, SignedIn
from kiosk.ids import new_id
from kiosk.roles import Permission, Role
from kiosk.security import badge_hash, pin_matches
from kiosk.store.database import Store
from kiosk.store.models import Event, User

LOGIN = "auth.login"
LOGIN_FAILED = "auth.login_failed"
LOGOUT = "auth.logout"
PERMISSION_REFUSED = "auth.permission_refused"
TERMINAL_CLOSED = "terminal.closed"
# A disposition signed by re-entering the PIN (kiosk/qc.py) proves the PIN as a sign-in with
# it does: wrong PINs are counted from the latest of them.
SIGNED = "qc.dispositioned"


class AuthService:
    def __init__(self, store: Store, clock: Clock, policy: SecuritySection) -> None:
        self._store = store
        self._clock = clock
        self._policy = policy

    def badge(self, raw_badge: str) -> LoginResult:
        """First step: a badge was scanned or typed."""
        return self._attempt(raw_badge, pin=None)

    def badge_and_pin(self, raw_badge: str, pin: str) -> LoginResult:
        """Second step, for roles whose policy asks for a PIN."""
        return self._attempt(raw_badge, pin=pin)

    def authorize(self, raw_badge: str, pin: str | None, permission: Permission) -> LoginResult:
        """Check a badge (and PIN) for one permitted act without signing anybody in."""
        result = self._attempt(raw_badge, pin, sign_in=False)
        if result.user is not None and not result.user.may(permission):
            with self._store.write() as session:
                self._store.outbox.append(
                    session,
                    PERMISSION_REFUSED,
                    {"permission": permission.value},
                    result.user.user_id,
                    subject_id=result.user.user_id,
                )
            return LoginResult(Outcome.NOT_PERMITTED, name=result.name)
        return result

    def logout(self, who: SignedIn, reason: LogoutReason) -> None:
        with self._store.write() as session:
            self._logout(session, who, reason)

    def close_terminal(self, admin: SignedIn, signed_in: SignedIn | None) -> None:
        """The terminal is closed by `admin`; whoever was signed in is signed out with it."""
        with self._store.write() as session:
            if signed_in is not None:
                self._logout(session, signed_in, LogoutReason.TERMINAL_CLOSED)
            self._store.outbox.append(session, TERMINAL_CLOSED, {}, admin.user_id)

    def _logout(self, session: Session, who: SignedIn, reason: LogoutReason) -> None:
        self._store.outbox.append(
            session,
            LOGOUT,
            {"session_id": who.session_id, "reason": reason.value},
            who.user_id,
            subject_id=who.user_id,
        )

    def _attempt(self, raw_badge: str, pin: str | None, sign_in: bool = True) -> LoginResult:
        with self._store.write() as session:
            user = session.exec(
                select(User).where(User.badge_hash == badge_hash(raw_badge))
            ).first()
            if user is None:
                self._fail(session, None, Outcome.UNKNOWN_BADGE)
                return LoginResult(Outcome.UNKNOWN_BADGE)
            if not user.active:
                self._fail(session, user.id, Outcome.INACTIVE)
                return LoginResult(Outcome.INACTIVE, name=user.name)
            failures, locked_until = self._lock_state(session, user)
            if locked_until is not None:
                self._fail(session, user.id, Outcome.LOCKED)
                return LoginResult(Outcome.LOCKED, name=user.name, locked_until=locked_until)
            if Role(user.role) in self._policy.pin_required_roles:
                if user.pin_hash is None:
                    self._fail(session, user.id, Outcome.PIN_NOT_SET)
                    return LoginResult(Outcome.PIN_NOT_SET, name=user.name)
                if pin is None:
                    return LoginResult(Outcome.PIN_REQUIRED, name=user.name)
                if not pin_matches(pin, user.pin_hash):
                    return self._wrong_pin(session, user, failures)
            signed_in = SignedIn(
                session_id=new_id(),
                user_id=user.id,
                employee_no=user.employee_no,
                name=user.name,
                role=Role(user.role),
                language=Language(user.language),
            )
            if sign_in:
                self._store.outbox.append(
                    session, LOGIN, {"session_id": signed_in.session_id}, user.id, user.id
                )
            return LoginResult(Outcome.OK, user=signed_in, name=user.name)

    def check_pin_in(self, session: Session, user: User, pin: str) -> Outcome:
        """Check the PIN `user` re-enters to sign something, inside the caller's transaction:
        OK, or why not, recorded as a failed sign-in is. A wrong PIN counts towards the same
        lockout, and a locked user is refused whatever they enter. A right PIN records
        nothing here: what it signs (SIGNED) starts the count again."""
        if not user.active:
            self._fail(session, user.id, Outcome.INACTIVE)
            return Outcome.INACTIVE
        failures, locked_until = self._lock_state(session, user)
        if locked_until is not None:
            self._fail(session, user.id, Outcome.LOCKED)
            return Outcome.LOCKED
        if user.pin_hash is None:
            self._fail(session, user.id, Outcome.PIN_NOT_SET)
            return Outcome.PIN_NOT_SET
        if not pin_matches(pin, user.pin_hash):
            return self._wrong_pin(session, user, failures).outcome
        return Outcome.OK

    def _wrong_pin(self, session: Session, user: User, failures: int) -> LoginResult:
        """Record a wrong PIN; the one that reaches the limit locks the user."""
        self._fail(session, user.id, Outcome.WRONG_PIN)
        left = self._policy.max_failed_attempts - failures - 1
        if left <= 0:
            until = self._clock.now() + timedelta(seconds=self._policy.lockout_seconds)
            return LoginResult(Outcome.LOCKED, name=user.name, locked_until=until)
        return LoginResult(Outcome.WRONG_PIN, name=user.name, attempts_left=left)

    def _fail(self, session: Session, user_id: str | None, outcome: Outcome) -> None:
        self._store.outbox.append(
            session, LOGIN_FAILED, {"reason": outcome.value}, user_id, subject_id=user_id
        )

    def _lock_state(self, session: Session, user: User) -> tuple[int, datetime | None]:
        """Wrong PINs since the user last proved their PIN, and when the current lockout ends.

        A good login proves it where their role signs in with a PIN; a login by badge alone
        proves nothing (or signing out and in again would allow endless guesses at a
        signature), a signed disposition does. Reaching the limit locks the user for
        `lockout_seconds`; after that the count starts again from zero. Attempts made while
        locked do not count.
        """
        proofs = [LOGIN] if Role(user.role) in self._policy.pin_required_roles else []
        history = session.exec(
            select(Event)
            .where(
                or_(
                    and_(
                        col(Event.subject_id) == user.id,
                        col(Event.type).in_([*proofs, LOGIN_FAILED]),
                    ),
                    and_(col(Event.user_id) == user.id, col(Event.type) == SIGNED),
                )
            )
            .order_by(col(Event.seq))
        ).all()
        lockout = timedelta(seconds=self._policy.lockout_seconds)
        failures = 0
        locked_until: datetime | None = None
        for event in history:
            if event.type != LOGIN_FAILED:
                failures, locked_until = 0, None
            elif json.loads(event.payload)["reason"] == Outcome.WRONG_PIN:
                if locked_until is not None and event.occurred_at < locked_until:
                    continue
                failures += 1
                if failures >= self._policy.max_failed_attempts:
                    failures, locked_until = 0, event.occurred_at + lockout
        if locked_until is not None and locked_until <= self._clock.now():
            locked_until = None
        return failures, locked_until
