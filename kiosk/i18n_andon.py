"""Catalog entries of exceptions (andon): merged into kiosk.i18n.CATALOG."""

from __future__ import annotations

from kiosk.config import Language

ZH = Language.ZH_CN
EN = Language.EN

TEXTS: dict[str, dict[Language, str]] = {
    "refusal.unknown_exception": {
        ZH: "找不到该异常，可能已被删除。",
        EN: "That exception is not known here.",
    },
    "refusal.already_acknowledged": {
        ZH: "该异常已被确认。",
        EN: "That exception has already been acknowledged.",
    },
    "refusal.already_resolved": {ZH: "该异常已解决。", EN: "That exception is already resolved."},
    "refusal.unknown_cause": {
        ZH: "原因不在工厂的原因清单中。",
        EN: "That cause is not in the plant's list.",
    },
    "refusal.unknown_action": {
        ZH: "措施不在工厂的措施清单中。",
        EN: "That action is not in the plant's list.",
    },
}
