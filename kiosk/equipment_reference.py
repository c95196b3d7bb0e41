"""The station's equipment and the plant's stop reasons, as the hub sent them (reference
records): read inside a caller's session. No Textual."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, select

from kiosk.store.models import ReferenceRecord
from kiosk.work import Refusal, Refused
from sync.reference import EquipmentRecord, ReasonCodeRecord

STOP = "stop"  # the kind of reason code a stop needs


def station_equipment(session: Session, work_centers: Sequence[str]) -> list[EquipmentRecord]:
    """The equipment of these work centers, by work center then code."""
    rows = session.exec(
        select(ReferenceRecord.data).where(ReferenceRecord.entity == "equipment")
    ).all()
    found = [EquipmentRecord.model_validate_json(data) for data in rows]
    here = [record for record in found if record.work_center in work_centers]
    return sorted(here, key=lambda r: (list(work_centers).index(r.work_center), r.code))


def equipment_here(session: Session, work_centers: Sequence[str], code: str) -> EquipmentRecord:
    """The machine `code` if it is at these work centers; Refused(UNKNOWN_EQUIPMENT) if not."""
    for record in station_equipment(session, work_centers):
        if record.code == code:
            return record
    raise Refused(Refusal.UNKNOWN_EQUIPMENT)


def stop_reasons(session: Session) -> dict[str, ReasonCodeRecord]:
    """The plant's stop reasons by code."""
    rows = session.exec(
        select(ReferenceRecord.data).where(ReferenceRecord.entity == "reason_code")
    ).all()
    reasons = (ReasonCodeRecord.model_validate_json(data) for data in rows)
    return {reason.code: reason for reason in reasons if reason.kind == STOP}


def in_language(zh: str, en: str, language: str) -> str:
    """The Chinese or the English of a plant's text, for a person's language."""
    return zh if language == "zh_CN" else en
