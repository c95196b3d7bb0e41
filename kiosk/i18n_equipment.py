"""Catalog entries of equipment states and daily checks: merged into kiosk.i18n.CATALOG."""

from __future__ import annotations

from kiosk.config import Language

ZH = Language.ZH_CN
EN = Language.EN

TEXTS: dict[str, dict[Language, str]] = {
    "refusal.unknown_equipment": {
        ZH: "本工位没有这台设备。",
        EN: "That equipment is not at this station.",
    },
    "refusal.same_state": {ZH: "设备已处于该状态。", EN: "The equipment is already in that state."},
    "refusal.stop_reason_needed": {
        ZH: "停机状态需要选择原因。",
        EN: "A stop needs a reason from the list.",
    },
    "refusal.unknown_stop_reason": {
        ZH: "停机原因不在工厂的清单中。",
        EN: "That stop reason is not in the plant's list.",
    },
    "refusal.daily_check_needed": {
        ZH: "本班次开工前须完成设备点检。",
        EN: "Do the daily equipment check before the first start of this shift.",
    },
    "refusal.daily_check_failed": {
        ZH: "设备点检未通过：须由班组长放行后才能开工。",
        EN: "The daily check failed: a team lead must release it before work starts.",
    },
    "refusal.check_incomplete": {
        ZH: "还有点检项目未填写。",
        EN: "Some check items have no answer yet.",
    },
    "refusal.nothing_to_release": {
        ZH: "没有需要放行的点检。",
        EN: "There is no failed check to release.",
    },
}
