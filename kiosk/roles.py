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


_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.OPERATOR: frozenset({Permission.RUN_OPERATION}),
    Role.MATERIAL_HANDLER: frozenset({Permission.HANDLE_MATERIAL}),
    Role.QC_INSPECTOR: frozenset(),
    Role.TEAM_LEAD: frozenset(
        {
            Permission.RUN_OPERATION,
            Permission.VIEW_SYNC_ISSUES,
            Permission.OVERRIDE_MATERIAL,
            Permission.HANDLE_MATERIAL,
            Permission.APPROVE_OVER_REPORT,
        }
    ),
    Role.MAINTENANCE: frozenset(),
    Role.ADMIN: frozenset({Permission.CLOSE_TERMINAL, Permission.VIEW_SYNC_ISSUES}),
}


def may(role: Role, permission: Permission) -> bool:
    return permission in _GRANTS[role]
