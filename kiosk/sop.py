"""The SOP (作业指导书) of an operation, and the operator's acknowledgement of a new version.

The version shown is the newest one in force today; the right version matters more than the
right language, so a version not yet translated is shown in the other language. An
acknowledgement is an event in the outbox, per person and per code and version: which
operation it was read for does not matter, the same SOP serves many work orders.
No Textual here: screens call this from workers.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlmodel import Session, col, select

from kiosk.clock import Clock
from kiosk.config import Language
from kiosk.identity import SignedIn
from kiosk.sop_values import SopView
from kiosk.store.database import Store
from kiosk.store.models import Event, Operation, SopDocument
from kiosk.work import Refusal, Refused

ACKNOWLEDGED = "sop.acknowledged"


class SopService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def current(
        self, operation_id: str, language: Language, user_id: str | None = None
    ) -> SopView | None:
        """The SOP in force for the operation, None if it has none (or none in force yet);
        `acknowledged` says whether `user_id` has acknowledged that version."""
        with self._store.read() as session:
            return self._current(session, operation_id, language, user_id)

    def needs_acknowledgement(self, operation_id: str, who: SignedIn) -> SopView | None:
        """The SOP `who` must acknowledge before starting the operation, or None: a revised
        version (2 and later) they have not acknowledged. A first version is taught when
        the operation is (the plant's training record), not caught at the terminal."""
        sop = self.current(operation_id, who.language, who.user_id)
        return None if sop is None or sop.acknowledged or sop.version < 2 else sop

    def acknowledge(self, operation_id: str, who: SignedIn) -> None:
        """Record that `who` has read the SOP in force; once per version, so a second press
        (or a second screen) adds nothing."""
        with self._store.write() as session:
            sop = self._current(session, operation_id, who.language, who.user_id)
            if sop is None or sop.acknowledged:
                return
            self._store.outbox.append(
                session,
                ACKNOWLEDGED,
                {
                    "operation_id": operation_id,
                    "sop_code": sop.code,
                    "version": sop.version,
                    "language": sop.language,
                    "session_id": who.session_id,
                },
                who.user_id,
                subject_id=operation_id,
            )

    def _current(
        self, session: Session, operation_id: str, language: Language, user_id: str | None
    ) -> SopView | None:
        operation = session.get(Operation, operation_id)
        if operation is None:
            raise Refused(Refusal.UNKNOWN_OPERATION)
        if operation.sop_code is None:
            return None
        today = self._clock.now().astimezone().date()
        versions = session.exec(
            select(SopDocument)
            .where(
                SopDocument.code == operation.sop_code,
                col(SopDocument.effective_from) <= today,
            )
            .order_by(col(SopDocument.version).desc(), col(SopDocument.language))
        ).all()
        document = _in_language(versions, language)
        if document is None:
            return None
        acknowledged = user_id is not None and _acknowledged(
            session, user_id, document.code, document.version
        )
        return SopView(
            code=document.code,
            version=document.version,
            language=document.language,
            title=document.title,
            body=document.body,
            effective_from=document.effective_from,
            acknowledged=acknowledged,
        )


def _in_language(newest_first: Sequence[SopDocument], language: Language) -> SopDocument | None:
    """The newest version, in `language` if it has it, else in whichever it has."""
    if not newest_first:
        return None
    newest = [doc for doc in newest_first if doc.version == newest_first[0].version]
    return next((doc for doc in newest if doc.language == language), newest[0])


def _acknowledged(session: Session, user_id: str, code: str, version: int) -> bool:
    payloads = session.exec(
        select(Event.payload).where(Event.type == ACKNOWLEDGED, Event.user_id == user_id)
    ).all()
    for text in payloads:
        payload = json.loads(text)
        if payload.get("sop_code") == code and payload.get("version") == version:
            return True
    return False
