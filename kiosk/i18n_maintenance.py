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
    # The maintenance screen
    "key.maintenance_orders": {ZH: "维护工单", EN: "Maintenance"},
    "key.maintenance_take": {ZH: "领取", EN: "Take"},
    "key.maintenance_repair": {ZH: "维修记录", EN: "Repair"},
    "key.maintenance_confirm": {ZH: "确认修复", EN: "Confirm"},
    "maintenance.loading": {ZH: "正在读取维护工单…", EN: "Reading the maintenance orders…"},
    "maintenance.none": {ZH: "没有未关闭的维护工单。", EN: "No maintenance order is open."},
    "maintenance.col_status": {ZH: "状态", EN: "Status"},
    "maintenance.col_number": {ZH: "工单号", EN: "Order"},
    "maintenance.col_code": {ZH: "编号", EN: "Code"},
    "maintenance.col_kind": {ZH: "类型", EN: "Kind"},
    "maintenance.col_equipment": {ZH: "设备", EN: "Equipment"},
    "maintenance.col_age": {ZH: "已开", EN: "Age"},
    "maintenance.col_claimed_by": {ZH: "维护员", EN: "Taken by"},
    "maintenance.col_title": {ZH: "内容", EN: "What"},
    "maintenance.kind_corrective": {ZH: "故障维修", EN: "breakdown"},
    "maintenance.kind_preventive": {ZH: "预防维护", EN: "preventive"},
    "maintenance.status_open": {ZH: "待领取", EN: "open"},
    "maintenance.status_claimed": {ZH: "维修中", EN: "taken"},
    "maintenance.status_done": {ZH: "待确认", EN: "to confirm"},
    "maintenance.status_closed": {ZH: "已关闭", EN: "closed"},
    "maintenance.detail": {
        ZH: "{number} {kind} 设备 {equipment}：{title}",
        EN: "{number} {kind} {equipment}: {title}",
    },
    "maintenance.detail_claimed": {ZH: "维护员：{name}", EN: "taken by {name}"},
    "maintenance.opened_due": {
        ZH: "已生成 {count} 个到期的预防维护工单。",
        EN: "{count} preventive maintenance order(s) fell due and were opened.",
    },
    "maintenance.taken": {
        ZH: "已领取 {number}，设备进入维护状态。",
        EN: "{number} taken: the machine is in maintenance.",
    },
    "maintenance.recorded": {
        ZH: "{number} 维修已记录，请操作工或班组长确认设备恢复正常。",
        EN: "{number} repair recorded: an operator or team lead confirms the machine works.",
    },
    "maintenance.confirmed": {
        ZH: "{number} 已关闭，停机 {minutes} 分钟。",
        EN: "{number} closed after {minutes} min of downtime.",
    },
    "maintenance.closed": {ZH: "{number} 已关闭。", EN: "{number} closed."},
    "maintenance.take_approval": {
        ZH: "领取 {number}（{equipment}）：请维护员刷卡",
        EN: "Take {number} ({equipment}): maintenance technician, scan your badge",
    },
    "maintenance.repair_approval": {
        ZH: "记录 {number}（{equipment}）的维修：请维护员刷卡",
        EN: "Record the repair of {number} ({equipment}): technician, scan your badge",
    },
    "maintenance.confirm_approval": {
        ZH: "{equipment} 已恢复正常？请操作工或班组长刷卡确认 {number}",
        EN: "Does {equipment} work again? Operator or team lead: scan to confirm {number}",
    },
    "maintenance.badge_here": {
        ZH: "领取、记录或确认：先按 F2、F3 或 F4，再刷卡。",
        EN: "To take, record or confirm, press F2, F3 or F4 first, then scan the badge.",
    },
    "maintenance.part_here": {
        ZH: "备件标签请在维修记录中扫描（F3）。",
        EN: "Scan a spare part's label in the repair record (F3).",
    },
    "maintenance.scan_not_here": {
        ZH: "此处不接受该扫描。",
        EN: "That scan is not taken here.",
    },
    # The repair form
    "key.maintenance_send": {ZH: "提交", EN: "Send"},
    "key.maintenance_cause": {ZH: "原因", EN: "Cause"},
    "key.maintenance_action": {ZH: "措施", EN: "Action"},
    "key.maintenance_part": {ZH: "输入备件", EN: "Type part"},
    "key.maintenance_remove_part": {ZH: "删除备件", EN: "Remove part"},
    "maintenance.form_title": {
        ZH: "维修记录 {number} {equipment}",
        EN: "Repair of {number} {equipment}",
    },
    "maintenance.none_yet": {ZH: "（未选）", EN: "(none yet)"},
    "maintenance.cause": {ZH: "原因（F3）：{name}", EN: "Cause (F3): {name}"},
    "maintenance.actions": {ZH: "措施（F4）：{names}", EN: "Actions (F4): {names}"},
    "maintenance.parts": {ZH: "备件：{parts}", EN: "Parts: {parts}"},
    "maintenance.scan_parts": {
        ZH: "扫描备件标签，或按 F6 输入",
        EN: "scan each part's label, or F6 to type it",
    },
    "maintenance.part_line": {
        ZH: "{item} 数量 {qty} 批次 {lot}",
        EN: "{item} qty {qty} lot {lot}",
    },
    "maintenance.part_line_no_lot": {ZH: "{item} 数量 {qty}", EN: "{item} qty {qty}"},
    "maintenance.labour": {ZH: "工时（分钟）", EN: "Labour (min)"},
    "maintenance.labour_measured": {
        ZH: "自领取起已计 {minutes} 分钟，可更正。",
        EN: "{minutes} min since the order was taken; correct it if need be.",
    },
    "maintenance.note": {ZH: "备注", EN: "Note"},
    "maintenance.cause_title": {ZH: "故障原因", EN: "What caused it?"},
    "maintenance.action_title": {ZH: "维修措施", EN: "What was done?"},
    "maintenance.part_title": {
        ZH: "备件：料号 数量 批次（或扫描标签）",
        EN: "Spare part: part, quantity, lot (or scan its label)",
    },
    "maintenance.part_placeholder": {ZH: "料号 数量 批次", EN: "part qty lot"},
    "maintenance.cause_needed": {ZH: "请选择故障原因（F3）。", EN: "Choose the cause (F3)."},
    "maintenance.action_needed": {
        ZH: "请至少选择一项维修措施（F4）。",
        EN: "Choose at least one action (F4).",
    },
    "maintenance.bad_minutes": {
        ZH: "工时请输入 0 到 10080 之间的分钟数。",
        EN: "Labour is a number of minutes from 0 to 10080.",
    },
    "maintenance.bad_part": {
        ZH: "无法识别该备件：请输入料号、数量（大于 0）和批次。",
        EN: "That part is not understood: part, quantity (above 0), then lot.",
    },
    "maintenance.scan_not_part": {
        ZH: "这不是备件标签：请扫描备件的物料标签。",
        EN: "That is not a part's label: scan the spare part's material label.",
    },
    "maintenance.no_reasons": {
        ZH: "工厂的原因和措施清单尚未下发到本工位。",
        EN: "The plant's causes and actions have not reached this station yet.",
    },
}
