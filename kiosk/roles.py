"""Roles and what each may do at a station."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OPERATOR = "operator"
    MATERIAL_HANDLER = "material_handler"
    QC_INSPECTOR = "qc_inspector"
    TEAM_LEAD = "team_lead"
    MAINTENANCE = "maintenance"
    ADMIN = "admin"


class Permission(StrEnum):
    RUN_OPERATION = "run_operation"
    CLOSE_TERMINAL = "close_terminal"
    VIEW_SYNC_ISSUES = "view_sync_issues"
    OVERRIDE_MATERIAL = "override_material"
    HANDLE_MATERIAL = "handle_material"  # pick, deliver, receive finished goods
    APPROVE_OVER_REPORT = "approve_over_report"  # report beyond the planned quantity
    RAISE_EXCEPTION = "raise_exception"  # anyone on the floor may pull the andon
    HANDLE_EXCEPTION = "handle_exception"  # acknowledge and resolve (a team lead)
    RUN_EQUIPMENT = "run_equipment"  # change a machine's state, do its daily check
    RELEASE_CHECK = "release_check"  # let work start despite a failed daily check
    MAINTAIN = "maintain"  # take a maintenance order, record the repair
    CONFIRM_REPAIR = "confirm_repair"  # confirm the machine works again, closing the order
    SEND_PROGRAM = "send_program"  # send a machine program (NC) to a machine
    INSPECT = "inspect"  # enter inspection results (QC)
    DISPOSITION = "disposition"  # sign what is done with a failed lot: QC only


_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.OPERATOR: frozenset(
        {
            Permission.RUN_OPERATION,
            Permission.RAISE_EXCEPTION,
            Permission.RUN_EQUIPMENT,
            Permission.CONFIRM_REPAIR,
            Permission.SEND_PROGRAM,
        }
    ),
    Role.MATERIAL_HANDLER: frozenset({Permission.HANDLE_MATERIAL, Permission.RAISE_EXCEPTION}),
    Role.QC_INSPECTOR: frozenset(
        {Permission.RAISE_EXCEPTION, Permission.INSPECT, Permission.DISPOSITION}
    ),
    Role.TEAM_LEAD: frozenset(
        {
            Permission.RUN_OPERATION,
            Permission.VIEW_SYNC_ISSUES,
            Permission.OVERRIDE_MATERIAL,
            Permission.HANDLE_MATERIAL,
            Permission.APPROVE_OVER_REPORT,
            Permission.RAISE_EXCEPTION,
            Permission.HANDLE_EXCEPTION,
            Permission.RUN_EQUIPMENT,
            Permission.RELEASE_CHECK,
            Permission.CONFIRM_REPAIR,
            Permission.SEND_PROGRAM,
        }
    ),
    Role.MAINTENANCE: frozenset(
        {Permission.RAISE_EXCEPTION, Permission.RUN_EQUIPMENT, Permission.MAINTAIN}
    ),
    Role.ADMIN: frozenset({Permission.CLOSE_TERMINAL, Permission.VIEW_SYNC_ISSUES}),
}


def may(role: Role, permission: Permission) -> bool:
    return permission in _GRANTS[role]
