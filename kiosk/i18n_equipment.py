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
    "refusal.in_maintenance": {
        ZH: "设备正在维修：维修确认后才会交还（维护工单 F4 确认）。",
        EN: "The machine is in maintenance: confirming its repair (F4 on its order) hands it back.",
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
    # Keys
    "key.equipment": {ZH: "设备", EN: "Equipment"},
    "key.set_state": {ZH: "设备状态", EN: "State"},
    "key.daily_check": {ZH: "点检", EN: "Daily check"},
    "key.release_check": {ZH: "点检放行", EN: "Release check"},
    "key.check_submit": {ZH: "提交点检", EN: "Submit"},
    # Equipment states
    "state.running": {ZH: "运行", EN: "Running"},
    "state.idle": {ZH: "待机", EN: "Idle"},
    "state.waiting_material": {ZH: "待料", EN: "Waiting material"},
    "state.changeover": {ZH: "换线", EN: "Changeover"},
    "state.down": {ZH: "故障停机", EN: "Down"},
    "state.maintenance": {ZH: "维修中", EN: "Maintenance"},
    # The equipment screen
    "equipment.title": {ZH: "本班次设备状态", EN: "Equipment this shift"},
    "equipment.col_code": {ZH: "设备", EN: "Machine"},
    "equipment.col_name": {ZH: "名称", EN: "Name"},
    "equipment.col_state": {ZH: "状态", EN: "State"},
    "equipment.col_in_state": {ZH: "持续", EN: "For"},
    "equipment.col_availability": {ZH: "开动率", EN: "Avail."},
    "equipment.col_check": {ZH: "点检", EN: "Check"},
    "equipment.none": {ZH: "本工位没有设备。", EN: "There is no equipment at this station."},
    "equipment.loading": {ZH: "正在读取设备…", EN: "Reading the equipment…"},
    "equipment.reason": {ZH: "原因：{reason}", EN: "Reason: {reason}"},
    "equipment.times": {ZH: "本班次：{times}", EN: "This shift: {times}"},
    "equipment.no_times": {ZH: "本班次尚无状态记录。", EN: "No state recorded yet this shift."},
    "equipment.availability": {ZH: "开动率 {percent}", EN: "availability {percent}"},
    "equipment.legend": {ZH: "按数字切换状态：{states}", EN: "A digit changes the state: {states}"},
    "equipment.reason_title": {
        ZH: "停机原因（数字，回车确认）",
        EN: "Why it stops (digit, then Enter)",
    },
    "equipment.no_reasons": {
        ZH: "工厂的停机原因清单是空的，请联系班组长。",
        EN: "The plant's list of stop reasons is empty: please ask your team lead.",
    },
    "equipment.changed": {ZH: "{equipment} 已切换为{state}。", EN: "{equipment}: now {state}."},
    "equipment.order_opened": {
        ZH: "已创建维修工单 {number}。",
        EN: "Maintenance order {number} opened.",
    },
    "equipment.scan_unknown": {
        ZH: "{code} 不是本工位的设备。",
        EN: "{code} is not equipment of this station.",
    },
    # The daily check (点检)
    "check.status.not_needed": {ZH: "无需", EN: "none"},
    "check.status.to_do": {ZH: "待点检", EN: "to do"},
    "check.status.passed": {ZH: "合格", EN: "passed"},
    "check.status.failed": {ZH: "不合格", EN: "FAILED"},
    "check.status.released": {ZH: "已放行", EN: "released"},
    "check.title": {ZH: "设备点检：{equipment}", EN: "Daily check: {equipment}"},
    "check.hint": {
        ZH: "1/P 合格 · 2/F 不合格 · 数值直接输入 · ↑↓ 换项 · F2 提交",
        EN: "1/P pass · 2/F fail · type readings · ↑↓ move · F2 submit",
    },
    "check.no_items": {ZH: "{equipment} 没有点检项目。", EN: "{equipment} has no daily check."},
    "check.pass": {ZH: "✓ 合格", EN: "✓ pass"},
    "check.fail": {ZH: "✗ 不合格", EN: "✗ FAIL"},
    "check.unanswered": {ZH: "? 未填", EN: "? no answer"},
    "check.value_placeholder": {ZH: "读数", EN: "reading"},
    "check.limits": {ZH: "范围 {limits}", EN: "limits {limits}"},
    "check.out_of_limits": {ZH: "超出范围 {limits}！", EN: "out of limits {limits}!"},
    "check.not_a_number": {ZH: "不是数字", EN: "not a number"},
    "check.passed": {ZH: "{equipment} 点检合格。", EN: "Daily check of {equipment} passed."},
    "check.failed": {
        ZH: "{equipment} 点检不合格：{items}。已上报设备异常，须班组长放行后才能开工。",
        EN: "Daily check of {equipment} FAILED: {items}. An equipment exception was raised; "
        "a team lead must release it before work starts.",
    },
    "check.release_title": {
        ZH: "放行 {equipment} 不合格的点检：请班组长刷卡",
        EN: "Release the failed check of {equipment}: team lead's badge",
    },
    "check.released": {
        ZH: "{equipment} 的点检已由 {approver} 放行。",
        EN: "The check of {equipment} was released by {approver}.",
    },
}
