"""The SOP in force for an operation, and acknowledging a new version, on the demo plant."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from kiosk.config import Language
from kiosk.services import Services
from kiosk.sop import SopService
from kiosk.store.models import Event, Operation, SopDocument
from kiosk.work import Refusal, Refused
from sync.events import SopAcknowledged, read_payload
from tests.conftest import TODAY
from tests.fakes import FakeClock
from tests.test_materials import signed_in


@pytest.fixture
def sops(services: Services, clock: FakeClock) -> SopService:
    return SopService(services.store, clock)


def operation_with(services: Services, sop_code: str | None) -> str:
    with services.store.read() as session:
        operation = session.exec(
            select(Operation).where(Operation.sop_code == sop_code).order_by(col(Operation.id))
        ).first()
    assert operation is not None
    return operation.id


def acknowledgements(services: Services) -> list[Event]:
    with services.store.read() as session:
        return list(
            session.exec(
                select(Event).where(Event.type == "sop.acknowledged").order_by(col(Event.seq))
            ).all()
        )


def test_the_newest_version_in_force_in_the_persons_language(
    services: Services, sops: SopService
) -> None:
    assembly = operation_with(services, "SOP-ASM-001")
    english = sops.current(assembly, Language.EN)
    chinese = sops.current(assembly, Language.ZH_CN)
    assert english is not None and chinese is not None
    # Version 2 came into force three days ago: it replaces version 1 in both languages.
    assert (english.code, english.version, english.language) == ("SOP-ASM-001", 2, "en")
    assert english.effective_from == TODAY - timedelta(days=3)
    assert english.title == "GW-310 final assembly"
    assert "0.5 N·m ±10%" in english.body and "Changed in v2" in english.body
    assert (chinese.version, chinese.language, chinese.title) == (2, "zh_CN", "GW-310 整机装配")
    assert not english.acknowledged  # read for nobody in particular


def test_a_version_not_yet_in_force_is_not_shown(
    services: Services, sops: SopService, clock: FakeClock
) -> None:
    assembly = operation_with(services, "SOP-ASM-001")
    clock.set_wall(datetime(2026, 11, 21, 8, 0, tzinfo=UTC))  # the day before version 2
    before = sops.current(assembly, Language.EN)
    assert before is not None and before.version == 1
    assert "PCBA to housing, 4× | 0.6 N·m" in before.body


def test_the_right_version_comes_before_the_right_language(
    services: Services, sops: SopService
) -> None:
    assembly = operation_with(services, "SOP-ASM-001")
    with services.store.write() as session:
        chinese_v2 = session.exec(
            select(SopDocument).where(
                SopDocument.code == "SOP-ASM-001",
                SopDocument.version == 2,
                SopDocument.language == "zh_CN",
            )
        ).one()
        session.delete(chinese_v2)
    # Not translated yet: the Chinese reader gets version 2 in English, not the old version.
    shown = sops.current(assembly, Language.ZH_CN)
    assert shown is not None and (shown.version, shown.language) == (2, "en")


def test_an_operation_without_an_sop_has_none_and_an_unknown_one_is_refused(
    services: Services, sops: SopService
) -> None:
    who = signed_in(services, "E1003")
    ict = operation_with(services, None)
    assert sops.current(ict, Language.EN) is None
    assert sops.needs_acknowledgement(ict, who) is None
    sops.acknowledge(ict, who)
    assert acknowledgements(services) == []
    with pytest.raises(Refused) as refused:
        sops.current("no-such-operation", Language.EN)
    assert refused.value.reason is Refusal.UNKNOWN_OPERATION


def test_acknowledging_is_an_event_once_per_person_and_version(
    services: Services, sops: SopService, clock: FakeClock
) -> None:
    assembly = operation_with(services, "SOP-ASM-001")
    kevin, zhang = signed_in(services, "E1003"), signed_in(services, "E1001")
    needed = sops.needs_acknowledgement(assembly, kevin)
    assert needed is not None and needed.version == 2 and not needed.acknowledged

    sops.acknowledge(assembly, kevin)
    sops.acknowledge(assembly, kevin)  # a second press adds nothing

    [event] = acknowledgements(services)
    assert (event.user_id, event.subject_id) == (kevin.user_id, assembly)
    assert json.loads(event.payload) == {
        "operation_id": assembly,
        "sop_code": "SOP-ASM-001",
        "version": 2,
        "language": "en",
        "session_id": kevin.session_id,
    }
    # The hub takes it as it is.
    assert read_payload(event.type, event.payload) == SopAcknowledged(assembly, "SOP-ASM-001", 2)
    assert sops.needs_acknowledgement(assembly, kevin) is None
    shown = sops.current(assembly, Language.ZH_CN, kevin.user_id)
    assert shown is not None and shown.acknowledged  # per version, whatever the language
    # Someone else has not read it yet.
    still = sops.needs_acknowledgement(assembly, zhang)
    assert still is not None and still.language == "zh_CN"


def test_acknowledging_an_old_version_does_not_cover_the_new_one(
    services: Services, sops: SopService, clock: FakeClock
) -> None:
    assembly = operation_with(services, "SOP-ASM-001")
    kevin = signed_in(services, "E1003")
    clock.set_wall(datetime(2026, 11, 21, 8, 0, tzinfo=UTC))
    sops.acknowledge(assembly, kevin)
    assert sops.needs_acknowledgement(assembly, kevin) is None
    clock.set_wall(datetime(2026, 11, 25, 8, 0, tzinfo=UTC))  # version 2 is in force now
    needed = sops.needs_acknowledgement(assembly, kevin)
    assert needed is not None and needed.version == 2
    assert [json.loads(e.payload)["version"] for e in acknowledgements(services)] == [1]
