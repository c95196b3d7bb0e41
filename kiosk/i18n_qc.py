"""Catalog entries of quality inspection (QC): merged into kiosk.i18n.CATALOG."""

from __future__ import annotations

from kiosk.config import Language

ZH = Language.ZH_CN
EN = Language.EN

TEXTS: dict[str, dict[Language, str]] = {
    "refusal.first_article_pending": {
        ZH: "首检未通过前不能报工：请质检员做首检。",
        EN: "No report before the first article passes: call QC for the first-article check.",
    },
    "refusal.unknown_inspection": {
        ZH: "本工位没有这项检验任务。",
        EN: "There is no such inspection at this station.",
    },
    "refusal.inspection_closed": {
        ZH: "这项检验已经判定，不能再修改。",
        EN: "This inspection is judged already: it cannot change.",
    },
    "refusal.unknown_characteristic": {
        ZH: "检验计划中没有这个检验项目。",
        EN: "The inspection plan has no such characteristic.",
    },
    "refusal.sample_incomplete": {
        ZH: "这个样品还有检验项目没有结果。",
        EN: "A characteristic of this unit has no result yet.",
    },
    "refusal.value_needed": {
        ZH: "计量项目需要输入测量值。",
        EN: "A measured characteristic needs its value.",
    },
    "refusal.unknown_defect": {
        ZH: "这个缺陷代码不属于该检验项目。",
        EN: "That defect code is not one of this characteristic's.",
    },
    "refusal.not_failed": {
        ZH: "只有判定不合格的检验才需要处置。",
        EN: "Only a failed inspection is dispositioned.",
    },
    "refusal.already_dispositioned": {
        ZH: "这项检验已经处置并签名。",
        EN: "This inspection is dispositioned and signed already.",
    },
    "refusal.wrong_pin": {
        ZH: "密码错误，签名未生效。",
        EN: "Wrong PIN: nothing was signed.",
    },
    "refusal.locked_out": {
        ZH: "密码错误次数过多，已锁定：请稍后再签名。",
        EN: "Too many wrong PINs: you are locked out for now. Sign again later.",
    },
    "refusal.pin_not_set": {
        ZH: "您尚未设置密码：签名前请联系管理员设置。",
        EN: "No PIN is set for you: ask an administrator to set one before signing.",
    },
    "refusal.not_a_number": {
        ZH: "测量值不是有效数字，请重新输入。",
        EN: "That value is not a finite number: enter the measurement again.",
    },
    "sync.event.qc.inspection_raised": {ZH: "检验任务", EN: "inspection raised"},
    "sync.event.qc.sample_recorded": {ZH: "检验结果", EN: "inspection results"},
    "sync.event.qc.inspection_judged": {ZH: "检验判定", EN: "inspection judged"},
    "sync.event.qc.dispositioned": {ZH: "不合格处置", EN: "disposition"},
    "sync.event.qc.signature_refused": {ZH: "签名被拒", EN: "signature refused"},
    "sync.event.qc.spc_signal": {ZH: "SPC 异常", EN: "SPC signal"},
    "sync.event.qc.sampling_discontinued": {ZH: "抽样检验暂停", EN: "sampling discontinued"},
    "qc.decision.scrap": {ZH: "报废", EN: "SCRAP"},
    "qc.decision.rework": {ZH: "返工", EN: "REWORK"},
    "qc.decision.concession": {ZH: "让步接收（按现状使用）", EN: "CONCESSION (use as is)"},
    # The disposition modal (screens/disposition.py).
    "key.disposition_sign": {ZH: "签名", EN: "Sign"},
    "disposition.title": {ZH: "不合格处置 {number}", EN: "Disposition {number}"},
    "disposition.nonconforming": {
        ZH: "{sample_size} 件中 {nonconforming} 件不合格",
        EN: "{nonconforming} of {sample_size} nonconforming",
    },
    "disposition.unit_failed": {ZH: "不合格项：{checks}", EN: "Unit failed: {checks}"},
    "disposition.units_failed": {
        ZH: "{sample_size} 件中 {failed} 件不合格：{checks}",
        EN: "{failed} of {sample_size} units failed: {checks}",
    },
    # The space lets a handheld wrap after the decision: Chinese text offers no other break.
    "disposition.choice": {ZH: "{decision}： {explain}", EN: "{decision}: {explain}"},
    "disposition.explain.scrap": {ZH: "报废，不再使用", EN: "scrapped, not used"},
    "disposition.explain.rework": {ZH: "返工至符合要求", EN: "reworked until it conforms"},
    "disposition.explain.concession": {
        ZH: "按现状使用，偏差由您签名担保",
        EN: "used as it is, on your signature",
    },
    # A first article's: what happens to the operation next.
    "disposition.explain.scrap_first": {
        ZH: "报废；随后重新做首检",
        EN: "scrapped; a new first-article check follows",
    },
    "disposition.explain.rework_first": {
        ZH: "返工；随后重新做首检",
        EN: "reworked; a new first-article check follows",
    },
    "disposition.explain.concession_first": {
        ZH: "按现状使用；该工序可以报工",
        EN: "used as it is; the operation may report",
    },
    "disposition.note": {ZH: "备注", EN: "Note"},
    "disposition.note_placeholder": {ZH: "可不填", EN: "optional"},
    "disposition.pin": {ZH: "密码", EN: "PIN"},
    "disposition.pin_placeholder": {ZH: "输入密码即签名", EN: "your PIN signs it"},
    "disposition.you_sign": {ZH: "您签署", EN: "You sign"},
    "disposition.decide_first": {
        ZH: "请先选择处置：按 1、2 或 3。",
        EN: "Choose the disposition first: 1, 2 or 3.",
    },
    # What a signer declares by re-entering their PIN: shown to them, kept with the signature.
    "qc.signature.meaning": {
        ZH: "本人{name}签署检验单 {number} 的处置：{decision}；"
        "{sample_size} 件中 {nonconforming} 件不合格",
        EN: "I, {name}, sign the disposition {decision} of inspection {number}: "
        "{nonconforming} of {sample_size} units nonconforming",
    },
    # The note of the quality exception an SPC signal raises.
    "qc.spc.note": {
        ZH: "SPC 异常：{item} 的 {characteristic}（{chart}）触发判异准则 {rules}，检验单 {number}",
        EN: "SPC signal: {characteristic} of {item} ({chart}), Nelson rule {rules}, "
        "inspection {number}",
    },
    # The note of the quality exception raised when a final plan's sampling is discontinued.
    "qc.sampling_discontinued.note": {
        ZH: "检验计划 {plan}（{item}）按 ISO 2859-1 暂停抽样检验：加严检验下累计 5 批不接收，"
        "检验单 {number}。商定纠正措施后，中心下发修改后的计划即以加严检验恢复。",
        EN: "Acceptance sampling of plan {plan} ({item}) is discontinued per ISO 2859-1: "
        "5 lots not accepted on tightened inspection, inspection {number}. Once the "
        "corrective action is agreed, the plan imported as changed resumes it, tightened.",
    },
    # The control chart screen. CL, LCL, UCL, Cp and Cpk are written so in both languages.
    "key.spc_switch": {ZH: "切换", EN: "Switch"},
    "qc.spc.with_unit": {ZH: "{name}（单位 {unit}）", EN: "{name} ({unit})"},
    "qc.spc.moving_range": {ZH: "移动极差", EN: "Moving range"},
    "qc.spc.range": {ZH: "极差", EN: "Range"},
    "qc.spc.points": {ZH: "{count} 点", EN: "n={count}"},  # how many points are charted
    "qc.spc.provisional": {
        ZH: "控制限暂定：少于 {count} 点",
        EN: "provisional limits: fewer than {count} points",
    },
    "qc.spc.provisional_short": {ZH: "暂定", EN: "provisional"},
    "qc.spc.rule_at": {ZH: "准则 {rule}：第 {point} 点", EN: "Rule {rule} at point {point}"},
    "qc.spc.rule_at_short": {ZH: "准则{rule}@{point}", EN: "R{rule}@{point}"},
    "qc.spc.more_rules": {ZH: "另有 {count} 处更早", EN: "+{count} earlier"},
    "qc.spc.more_rules_short": {ZH: "另{count}条", EN: "+{count}"},
    "qc.spc.no_rule": {ZH: "未触发判异准则", EN: "No Nelson rule fired"},
    "qc.spc.no_limits.too_few_points": {
        ZH: "数据太少，暂无控制限",
        EN: "too few values for limits yet",
    },
    "qc.spc.no_limits.no_variation": {
        ZH: "所有数值相同：没有波动",
        EN: "all values equal: no variation",
    },
    "qc.spc.loading": {ZH: "正在读取控制图…", EN: "Reading the chart…"},
    "qc.spc.none": {ZH: "本检验没有计量项目，无控制图。", EN: "Nothing measured here to chart."},
    # The inspector's home and the entry screen.
    "key.qc_open": {ZH: "打开", EN: "Open"},
    "key.qc_record": {ZH: "记录样品", EN: "Record unit"},
    "key.qc_spc": {ZH: "SPC图", EN: "SPC"},
    "key.qc_disposition": {ZH: "处置", EN: "Disposition"},
    "qc.home_title": {ZH: "待检验：{count}（回车打开）", EN: "To inspect: {count} (Enter opens)"},
    "qc.nothing_to_do": {ZH: "本工位没有待检验任务。", EN: "Nothing to inspect at this station."},
    "qc.kind.first_article": {ZH: "首检", EN: "First article"},
    "qc.kind.patrol": {ZH: "巡检", EN: "Patrol"},
    "qc.kind.final": {ZH: "终检", EN: "Final"},
    "qc.to_disposition": {ZH: "不合格，待处置", EN: "FAILED: to disposition"},
    "qc.samples_done": {ZH: "已检 {done}/{size}", EN: "{done}/{size} done"},
    "qc.progress": {
        ZH: "样品 {sample}/{size} · 不合格 {bad}（允许 {accept}）",
        EN: "Unit {sample} of {size} · nonconforming {bad} (accept {accept})",
    },
    "qc.lot_plan": {
        ZH: "批量 {lot} · 字码 {letter} · 抽样 {size} · Ac {accept} Re {reject} · {severity}",
        EN: "Lot {lot} · code {letter} · sample {size} · Ac {accept} Re {reject} · {severity}",
    },
    "qc.severity.normal": {ZH: "正常检验", EN: "normal"},
    "qc.severity.tightened": {ZH: "加严检验", EN: "tightened"},
    "qc.severity.reduced": {ZH: "放宽检验", EN: "reduced"},
    "qc.unit_ok": {ZH: "样品 {sample} 合格", EN: "Unit {sample} conforms"},
    "qc.unit_bad": {ZH: "样品 {sample} 不合格", EN: "Unit {sample} NONCONFORMING"},
    "qc.passed": {ZH: "检验合格（不合格品 {bad}）", EN: "PASSED ({bad} nonconforming)"},
    "qc.failed": {ZH: "检验不合格（不合格品 {bad}）", EN: "FAILED ({bad} nonconforming)"},
    "qc.disposition_hint": {ZH: "F6 处置并签名", EN: "F6: disposition and sign"},
    "qc.dispositioned": {
        ZH: "已处置：{decision}（{signer}）",
        EN: "Dispositioned: {decision} ({signer})",
    },
    "qc.signed": {ZH: "{number} 的处置已签名。", EN: "The disposition of {number} is signed."},
    "qc.defect_title": {ZH: "发现什么缺陷？", EN: "Which defect?"},
    "qc.spc_signal": {
        ZH: "SPC：{characteristic} 触发规则 {rule}，已发起质量异常。",
        EN: "SPC: {characteristic} broke rule {rule}; a quality exception is raised.",
    },
    "qc.gauge_not_now": {ZH: "现在不需要量具读数。", EN: "No gauge reading is wanted now."},
    "qc.gauge_unreadable": {
        ZH: "量具读数无法识别（{problem}）：请重测或手输。",
        EN: "The gauge reading could not be read ({problem}): measure again or type it.",
    },
    "qc.gauge_no_value_row": {
        ZH: "这个样品没有需要测量的项目。",
        EN: "This unit has no measured characteristic left.",
    },
    "qc.no_measured": {ZH: "此检验没有计量项目。", EN: "This inspection measures nothing."},
    "qc.patrol_raised": {
        ZH: "巡检 {number} 已到：{where}。请通知质检员。",
        EN: "Patrol inspection {number} is due: {where}. QC is needed.",
    },
    "gauge.not_here": {
        ZH: "量具读数只在检验录入时使用。",
        EN: "Gauge readings are used only while entering an inspection.",
    },
    "gauge.problem.empty": {ZH: "空行", EN: "an empty line"},
    "gauge.problem.garbled": {
        ZH: "乱码，请检查波特率",
        EN: "garbled: check the baud rate",
    },
    "gauge.problem.not_a_number": {ZH: "不是数值", EN: "not a number"},
    "gauge.problem.unknown_unit": {ZH: "单位不认识", EN: "an unknown unit"},
    "qc.first_article_due": {
        ZH: "首检任务已生成：请质检员检验第一件，合格前不能报工。",
        EN: "First-article inspection raised: QC checks the first unit; no report until it passes.",
    },
    "qc.unit_found": {ZH: "样品 {sample} ✗ {found}", EN: "Unit {sample} ✗ {found}"},
    "qc.units_conform": {ZH: "合格样品：{count}", EN: "Units that conform: {count}"},
    "qc.gauge_wrong_unit": {
        ZH: "量具读数单位为 {unit}，此项目单位为 {wanted}：未录入。",
        EN: "The gauge reads in {unit}; this characteristic is in {wanted}: not entered.",
    },
    "qc.gauge_wait": {
        ZH: "正在记录上一个样品：请稍后再测。",
        EN: "The last unit is being recorded: measure again in a moment.",
    },
}
