"""Catalog entries of exceptions (andon): merged into kiosk.i18n.CATALOG."""

from __future__ import annotations

from kiosk.config import Language

ZH = Language.ZH_CN
EN = Language.EN

TEXTS: dict[str, dict[Language, str]] = {
    "andon.already_raised": {
        ZH: "同一张异常指令单刚刚已扫过，未重复上报。",
        EN: "That andon sheet was just scanned: not raised twice.",
    },
    "key.andon_repair": {ZH: "报修", EN: "Repair order"},
    "andon.repair_needs_equipment": {
        ZH: "只有注明设备的设备异常才能创建维修工单。",
        EN: "Only an equipment exception that names its machine opens a maintenance order.",
    },
    "andon.repair_opened": {
        ZH: "维修工单 {number}（{equipment}）已创建，维护员可领取。",
        EN: "Maintenance order {number} for {equipment} is open for the technicians.",
    },
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
    # Keys
    "key.andon": {ZH: "异常上报", EN: "Andon"},
    "key.exceptions": {ZH: "异常看板", EN: "Exceptions"},
    "key.andon_ack": {ZH: "确认异常", EN: "Acknowledge"},
    "key.andon_resolve": {ZH: "解决异常", EN: "Resolve"},
    "key.andon_milder": {ZH: "降低级别", EN: "Milder"},
    "key.andon_worse": {ZH: "提高级别", EN: "Worse"},
    "key.andon_equipment": {ZH: "异常设备", EN: "Equipment"},
    # What went wrong, and how bad it is
    "category.material": {ZH: "物料", EN: "Material"},
    "category.equipment": {ZH: "设备", EN: "Equipment"},
    "category.quality": {ZH: "质量", EN: "Quality"},
    "category.safety": {ZH: "安全", EN: "Safety"},
    "category.other": {ZH: "其他", EN: "Other"},
    "severity.low": {ZH: "低", EN: "low"},
    "severity.medium": {ZH: "中", EN: "medium"},
    "severity.high": {ZH: "高", EN: "high"},
    "severity.critical": {ZH: "紧急", EN: "critical"},
    # Raising one (Ctrl+A on home)
    "andon.raise_title": {ZH: "上报异常", EN: "Raise an exception"},
    "andon.raise_where": {
        ZH: "工作中心 {work_center} {operation}",
        EN: "At {work_center} {operation}",
    },
    "andon.raise_severity": {ZH: "严重程度：{severity} F2/F3", EN: "Severity: {severity} F2/F3"},
    "andon.raise_equipment": {
        ZH: "设备：{equipment}（F4 切换）",
        EN: "Equipment: {equipment} (F4)",
    },
    "andon.no_equipment": {ZH: "未指定", EN: "none"},
    "andon.note_placeholder": {
        ZH: "备注：按 Tab 输入，Enter 完成",
        EN: "Note: Tab to type, Enter when done",
    },
    "andon.raise_hint": {
        ZH: "按数字 1-5 立即上报 · Esc 取消",
        EN: "1-5 raises it at once · Esc cancels",
    },
    "andon.raised": {
        ZH: "已上报异常 {code}：{category}（{severity}）。",
        EN: "Exception {code} raised: {category} ({severity}).",
    },
    # Home's line, and the bell when nobody answers
    "andon.strip_one": {
        ZH: "⚠ 1 个未解决异常 · 最高级别 {level}",
        EN: "⚠ 1 open exception · highest level {level}",
    },
    "andon.strip": {
        ZH: "⚠ {count} 个未解决异常 · 最高级别 {level}",
        EN: "⚠ {count} open exceptions · highest level {level}",
    },
    "andon.escalated": {
        ZH: "异常 {code}（{category} {where}）无人确认，已升级到第 {level} 级！",
        EN: "Exception {code} ({category} {where}) escalated to level {level}: nobody has "
        "acknowledged it!",
    },
    # The board (Ctrl+X on home)
    "andon.board_title": {
        ZH: "产线未解决异常：{count}",
        EN: "Open exceptions of the line: {count}",
    },
    "andon.none": {ZH: "没有未解决的异常。", EN: "No open exceptions."},
    "andon.col_code": {ZH: "编号", EN: "Code"},
    "andon.col_age": {ZH: "时长", EN: "Age"},
    "andon.col_category": {ZH: "类别", EN: "Category"},
    "andon.col_severity": {ZH: "严重程度", EN: "Severity"},
    "andon.col_level": {ZH: "级别", EN: "Level"},
    "andon.col_where": {ZH: "设备/工序", EN: "Equipment / operation"},
    "andon.col_raised_by": {ZH: "上报人", EN: "Raised by"},
    "andon.col_acknowledged_by": {ZH: "确认人", EN: "Acknowledged by"},
    "andon.detail_acknowledged": {ZH: "确认人 {name}", EN: "acknowledged by {name}"},
    "andon.detail_raised": {
        ZH: "{name} 于 {time} 在 {station} 上报",
        EN: "raised by {name} at {time} on {station}",
    },
    "andon.none_selected": {ZH: "请先选择一个异常。", EN: "Select an exception first."},
    "andon.ack_title": {
        ZH: "确认异常 {code}（{category}）：请班组长刷卡",
        EN: "Acknowledge exception {code} ({category}): a team lead's badge",
    },
    "andon.resolve_title": {
        ZH: "解决异常 {code}（{category}）：请班组长刷卡",
        EN: "Resolve exception {code} ({category}): a team lead's badge",
    },
    "andon.cause_title": {ZH: "原因是什么？", EN: "What was the cause?"},
    "andon.action_title": {ZH: "采取了什么措施？", EN: "What was done?"},
    "andon.resolve_note_title": {
        ZH: "解决说明（可不填，直接按 Enter）",
        EN: "A note on the resolution (may be left empty: Enter)",
    },
    "andon.resolve_note_placeholder": {ZH: "说明", EN: "Note"},
    "andon.no_reasons": {
        ZH: "工厂的原因或措施清单为空，无法在此解决异常。",
        EN: "The plant's list of causes or of actions is empty: nothing can be resolved here.",
    },
    "andon.acknowledged": {
        ZH: "异常 {code} 已确认，响应用时 {duration}。",
        EN: "Exception {code} acknowledged after {duration}.",
    },
    "andon.resolved": {
        ZH: "异常 {code} 已解决，用时 {duration}。",
        EN: "Exception {code} resolved after {duration}.",
    },
}
