"""Catalog entries of maintenance orders: merged into kiosk.i18n.CATALOG."""

from __future__ import annotations

from kiosk.config import Language

ZH = Language.ZH_CN
EN = Language.EN

TEXTS: dict[str, dict[Language, str]] = {
    "refusal.unknown_maintenance_order": {
        ZH: "找不到该维护工单。",
        EN: "That maintenance order is not known here.",
    },
    "refusal.already_claimed": {
        ZH: "该维护工单已被他人领取。",
        EN: "Someone has already taken that maintenance order.",
    },
    "refusal.not_claimed": {
        ZH: "请先刷卡领取该维护工单。",
        EN: "Take the maintenance order with your badge first.",
    },
    "refusal.maintenance_not_done": {
        ZH: "维修记录尚未完成，无法确认。",
        EN: "The repair is not recorded yet: nothing to confirm.",
    },
    "refusal.maintenance_closed": {
        ZH: "该维护工单已关闭。",
        EN: "That maintenance order is closed.",
    },
}
