"""Every string a person reads at the station, in Simplified Chinese and English.

One catalog, looked up by key; a test checks that both languages have every key and the
same placeholders.
"""

from __future__ import annotations

from kiosk import i18n_andon, i18n_equipment, i18n_maintenance, i18n_nc, i18n_qc
from kiosk.config import Language

ZH = Language.ZH_CN
EN = Language.EN

_GENERAL: dict[str, dict[Language, str]] = {
    # Header and chrome
    "header.hub_online": {ZH: "● 在线", EN: "● online"},
    "header.hub_offline": {ZH: "○ 离线", EN: "○ offline"},
    "header.hub_none": {ZH: "○ 单机", EN: "○ no hub"},
    "header.hub_stopped": {ZH: "✖ 同步已停止", EN: "✖ sync stopped"},
    "header.hub_queued": {ZH: "待上传 {count}", EN: "to send: {count}"},
    "header.hub_all_sent": {ZH: "已全部上传", EN: "all sent"},
    "header.hub_synced": {ZH: "同步于 {time}", EN: "synced {time}"},
    "header.hub_never_synced": {ZH: "尚未同步", EN: "never synced"},
    "header.hub_receiving": {ZH: "接收中 {done}/{total}", EN: "receiving {done}/{total}"},
    "header.sync_issues": {ZH: "⚠ 同步问题 {count}", EN: "⚠ sync issues: {count}"},
    "header.nobody": {ZH: "未登录", EN: "not signed in"},
    "role.operator": {ZH: "操作工", EN: "operator"},
    "role.material_handler": {ZH: "物料员", EN: "material handler"},
    "role.qc_inspector": {ZH: "质检员", EN: "QC inspector"},
    "role.team_lead": {ZH: "班组长", EN: "team lead"},
    "role.maintenance": {ZH: "设备维护员", EN: "maintenance"},
    "role.admin": {ZH: "管理员", EN: "admin"},
    # Login
    "login.title": {ZH: "请刷工卡", EN: "Scan your badge"},
    "login.hint": {
        ZH: "刷卡，或输入工卡号后按回车",
        EN: "Scan the badge, or type its number and press Enter",
    },
    "login.placeholder": {ZH: "工卡号", EN: "badge number"},
    "login.starting": {ZH: "正在启动，请稍候…", EN: "Starting, one moment…"},
    "login.checking": {ZH: "正在核对…", EN: "Checking…"},
    "login.unknown_badge": {
        ZH: "无法识别此工卡。请重刷，或联系班组长。",
        EN: "This badge is not known here. Scan again or ask your team lead.",
    },
    "login.inactive": {
        ZH: "{name}：此工卡已停用，请联系班组长。",
        EN: "{name}: this badge is disabled. Please see your team lead.",
    },
    "login.locked": {
        ZH: "{name}：密码错误次数过多，已锁定至 {until}。",
        EN: "{name}: too many wrong PINs, locked until {until}.",
    },
    "login.wrong_pin": {
        ZH: "密码错误，还可尝试 {left} 次。",
        EN: "Wrong PIN, {left} attempt(s) left.",
    },
    "login.pin_not_set": {
        ZH: "{name}：您的岗位需要密码，但尚未设置。请联系管理员。",
        EN: "{name}: your role needs a PIN but none is set. Please see an admin.",
    },
    "login.not_permitted": {
        ZH: "{name} 无权执行此操作。",
        EN: "{name} may not do this.",
    },
    "login.store_failed": {
        ZH: "本地数据库无法打开：{error}",
        EN: "The local database cannot be opened: {error}",
    },
    "login.idle_logout": {
        ZH: "{name} 因长时间无操作已自动退出。",
        EN: "{name} was signed out after a period of inactivity.",
    },
    "login.signed_out": {ZH: "{name} 已退出。", EN: "{name} signed out."},
    "pin.title": {ZH: "{name}，请输入密码", EN: "{name}, enter your PIN"},
    "pin.placeholder": {ZH: "密码", EN: "PIN"},
    # Closing the terminal
    "close.title": {
        ZH: "关闭终端需要管理员刷卡",
        EN: "Closing the terminal needs an admin badge",
    },
    "close.placeholder": {ZH: "管理员工卡号", EN: "admin badge"},
    # Key bar actions
    "key.help": {ZH: "帮助", EN: "Help"},
    "key.start": {ZH: "开工", EN: "Start"},
    "key.pause": {ZH: "暂停", EN: "Pause"},
    "key.resume": {ZH: "继续", EN: "Resume"},
    "key.refresh": {ZH: "刷新", EN: "Refresh"},
    "key.logout": {ZH: "退出", EN: "Logout"},
    "key.cancel": {ZH: "取消", EN: "Cancel"},
    "key.label": {ZH: "打标签", EN: "Label"},
    "key.reprint": {ZH: "补打", EN: "Reprint"},
    "key.sync_issues": {ZH: "同步问题", EN: "Sync"},
    "key.close": {ZH: "关闭", EN: "Close"},
    # Home: task list and detail
    "home.empty": {
        ZH: "本工位暂无派工任务。",
        EN: "No tasks are dispatched to this station.",
    },
    "home.loading": {ZH: "正在加载任务…", EN: "Loading tasks…"},
    "col.work_order": {ZH: "工单", EN: "Work order"},
    "col.item": {ZH: "物料", EN: "Item"},
    "col.operation": {ZH: "工序", EN: "Operation"},
    "col.seq": {ZH: "工序", EN: "Op"},
    "col.qty": {ZH: "完成数", EN: "Done"},
    "col.due": {ZH: "交期", EN: "Due"},
    "col.status": {ZH: "状态", EN: "Status"},
    "col.time": {ZH: "工时", EN: "Time"},
    "detail.work_order": {ZH: "工单", EN: "Work order"},
    "detail.item": {ZH: "产品", EN: "Product"},
    "detail.operation": {ZH: "工序", EN: "Operation"},
    "detail.work_center": {ZH: "工作中心", EN: "Work center"},
    "detail.qty": {
        ZH: "合格 {good} / 报废 {scrap} / 计划 {planned}",
        EN: "good {good} / scrap {scrap} / planned {planned}",
    },
    "detail.quantity": {ZH: "数量", EN: "Quantity"},
    "detail.due": {ZH: "交期", EN: "Due"},
    "detail.priority": {ZH: "优先级", EN: "Priority"},
    "detail.status": {ZH: "状态", EN: "Status"},
    "detail.time": {ZH: "已用工时", EN: "Time worked"},
    "detail.sop": {ZH: "作业指导书", EN: "SOP"},
    "detail.none": {ZH: "无", EN: "none"},
    "detail.components": {ZH: "所需物料", EN: "Materials needed"},
    "detail.overdue": {ZH: "已逾期", EN: "overdue"},
    "status.pending": {ZH: "待开工", EN: "ready"},
    "status.running": {ZH: "进行中", EN: "running"},
    "status.paused": {ZH: "已暂停", EN: "paused"},
    "status.done": {ZH: "已完成", EN: "done"},
    "status.cancelled": {ZH: "已取消", EN: "cancelled"},
    "task.started": {ZH: "已开工：{task}", EN: "Started: {task}"},
    "task.paused": {ZH: "已暂停：{task}", EN: "Paused: {task}"},
    "task.resumed": {ZH: "已继续：{task}", EN: "Resumed: {task}"},
    "task.none_selected": {ZH: "请先选择一项任务。", EN: "Select a task first."},
    # Pause reasons
    "pause.title": {ZH: "暂停原因", EN: "Reason for the pause"},
    "pause.break": {ZH: "休息", EN: "Break"},
    "pause.material_shortage": {ZH: "缺料", EN: "Material shortage"},
    "pause.equipment_down": {ZH: "设备故障", EN: "Equipment down"},
    "pause.quality_hold": {ZH: "质量待定", EN: "Quality hold"},
    "pause.waiting_instructions": {ZH: "等待指示", EN: "Waiting for instructions"},
    "pause.shift_end": {ZH: "交班", EN: "End of shift"},
    # Refusals of the task service
    "refusal.not_permitted": {
        ZH: "您的岗位不能执行此操作。",
        EN: "Your role may not do this.",
    },
    "refusal.not_at_this_station": {
        ZH: "此工序不在本工位。",
        EN: "This operation is not done at this station.",
    },
    "refusal.work_order_not_released": {
        ZH: "工单未下达或已取消。",
        EN: "The work order is not released (or was cancelled).",
    },
    "refusal.already_running": {ZH: "此工序已开工。", EN: "This operation is already started."},
    "refusal.not_running": {ZH: "此工序未在进行中。", EN: "This operation is not running."},
    "refusal.not_paused": {ZH: "此工序未暂停。", EN: "This operation is not paused."},
    "refusal.closed": {ZH: "此工序已结束。", EN: "This operation is finished."},
    "refusal.unknown_operation": {
        ZH: "找不到此工序，请刷新。",
        EN: "This operation no longer exists; refresh the list.",
    },
    "refusal.sop_not_acknowledged": {
        ZH: "作业指导书已更新：请先阅读并确认（F2），再开工。",
        EN: "The SOP has a new version: read and acknowledge it (F2) before starting.",
    },
    "key.sop": {ZH: "作业指导", EN: "SOP"},
    # Serial numbers bound to the running operation
    "serial.bound": {
        ZH: "✔ {sn} 已绑定（{bound}/{planned}）",
        EN: "✔ {sn} bound ({bound} of {planned})",
    },
    "serial.already_bound": {
        ZH: "✖ {sn} 已绑定过（{detail}），不能重复。",
        EN: "✖ {sn} was already bound ({detail}): not again.",
    },
    "serial.other_work_order": {
        ZH: "✖ {sn} 属于工单 {detail}，不是本工单的产品。",
        EN: "✖ {sn} belongs to work order {detail}, not this one.",
    },
    "serial.previous_not_done": {
        ZH: "✖ {sn} 未经过上道工序 {detail}，请退回。",
        EN: "✖ {sn} has not been through operation {detail}: send it back.",
    },
    "serial.not_running": {
        ZH: "✖ {sn}：工序未在进行中，请先开工（F2）或恢复（F4），再扫描序列号。",
        EN: "✖ {sn}: the operation is not running; start (F2) or resume (F4) it first.",
    },
    "serial.scrapped": {
        ZH: "✖ {sn} 已在工序 {detail} 报废，不能继续加工。",
        EN: "✖ {sn} was scrapped at operation {detail}: it goes no further.",
    },
    "serial.not_serialized": {
        ZH: "此工序不记录序列号（{sn}）。",
        EN: "This operation does not record serial numbers ({sn}).",
    },
    # Work report (F12)
    "key.report": {ZH: "报工", EN: "Report"},
    "key.trace": {ZH: "追溯", EN: "Trace"},
    "key.report_send": {ZH: "提交", EN: "Send"},
    "key.report_final": {ZH: "完工/部分", EN: "Final/partial"},
    "report.title": {ZH: "报工 {task}", EN: "Report work {task}"},
    "report.progress": {
        ZH: "计划 {planned}，已报 合格 {good} 报废 {scrap}，剩余 {remaining}",
        EN: "Planned {planned}; reported {good} good, {scrap} scrap; {remaining} to go",
    },
    "report.labour": {
        ZH: "上次报工以来工时：{minutes} 分钟",
        EN: "Labour since the last report: {minutes} min",
    },
    "report.serials": {
        ZH: "已扫描未报工的序列号：{count}",
        EN: "Units scanned and not yet reported: {count}",
    },
    "report.good": {ZH: "合格数", EN: "Good"},
    "report.scrap": {ZH: "报废数", EN: "Scrap"},
    "report.partial": {ZH: "部分报工（F3 改为完工）", EN: "Partial report (F3: final)"},
    "report.final": {
        ZH: "完工报工：工序将关闭（F3 改为部分）",
        EN: "FINAL report: the operation closes (F3: partial)",
    },
    "report.bad_quantity": {
        ZH: "数量请输入整数（0 到 9999999）。",
        EN: "Quantities are whole numbers (0 to 9,999,999).",
    },
    "report.reason_title": {ZH: "报废原因", EN: "Reason for the scrap"},
    "report.scan_scrap": {
        ZH: "报废品请扫描其序列号。",
        EN: "Scan the serial number of each scrapped unit.",
    },
    "report.scrapped": {ZH: "报废：{serials}", EN: "Scrapped: {serials}"},
    "report.scan_not_scrap": {
        ZH: "这里只能扫描报废品的序列号。",
        EN: "Only a scrapped unit's serial number can be scanned here.",
    },
    "report.scrap_twice": {
        ZH: "这个序列号已记为报废。",
        EN: "That unit is already counted as scrap.",
    },
    "report.approval_detail": {
        ZH: "报工 合格 {good} 报废 {scrap}：合计将达 {total}，计划 {planned}",
        EN: "Report of {good} good, {scrap} scrap: {total} in all, {planned} planned",
    },
    "report.no_reasons": {
        ZH: "本工位还没有报废原因清单（等待与服务器同步）。请联系班组长。",
        EN: "This station has no scrap reasons yet (not synced from the hub). Call the team lead.",
    },
    "report.approval_title": {
        ZH: "超出计划数量：班组长请刷卡批准",
        EN: "More than planned: team lead, scan your badge to approve",
    },
    "report.done": {
        ZH: "已报工：合格 {good}，报废 {scrap}。",
        EN: "Reported: {good} good, {scrap} scrap.",
    },
    "report.done_final": {
        ZH: "已完工报工：合格 {good}，报废 {scrap}。工序已关闭。",
        EN: "Final report: {good} good, {scrap} scrap. The operation is closed.",
    },
    "report.labels": {ZH: "{count} 张标签已送打印。", EN: "{count} labels sent to print."},
    "report.label_problem": {
        ZH: "报工已记录，但标签无法生成：{problem}",
        EN: "The report is recorded, but a label cannot be made: {problem}",
    },
    "approval.not_a_badge": {
        ZH: "这不是工卡。请刷班组长工卡。",
        EN: "That is not a badge. Scan the team lead's badge.",
    },
    "refusal.not_started": {
        ZH: "此工序尚未开工：请先开工（F2）。",
        EN: "This operation has not been started: start it first (F2).",
    },
    "refusal.nothing_to_report": {
        ZH: "没有要报的数量：请输入合格数或报废数。",
        EN: "Nothing to report: enter a good or a scrap quantity.",
    },
    "refusal.scrap_reason_needed": {
        ZH: "报废必须选择原因。",
        EN: "Scrap needs a reason.",
    },
    "refusal.unknown_scrap_reason": {
        ZH: "此报废原因不在工厂清单中。",
        EN: "That scrap reason is not on the plant's list.",
    },
    "refusal.over_plan": {
        ZH: "超出计划数量，需要班组长批准。",
        EN: "More than planned: a team lead must approve.",
    },
    "refusal.serials_unaccounted": {
        ZH: "完工报工必须交代每个已扫描的产品：合格数加报废的序列号应等于已扫描数。",
        EN: "A final report accounts for every unit scanned: good plus scrapped units must "
        "equal the units scanned.",
    },
    "refusal.serial_not_here": {
        ZH: "报废的序列号不是本工序已扫描且未报工的产品。",
        EN: "A scrapped serial number is not a unit scanned here and not yet reported.",
    },
    "refusal.scrap_below_serials": {
        ZH: "报废数少于扫描的报废序列号数。",
        EN: "The scrap quantity is less than the scrapped units scanned.",
    },
    "refusal.serials_missing": {
        ZH: "合格数多于已扫描的序列号：请先扫描每件产品。",
        EN: "More good units than serial numbers scanned: scan each unit first.",
    },
    "sop.acknowledged": {ZH: "已确认阅读作业指导书。", EN: "SOP acknowledged."},
    "refusal.not_overridable": {
        ZH: "此结果不能放行（标签无法读取，或该批次已上料）。",
        EN: "This verdict cannot be overridden (unreadable label, or lot already loaded).",
    },
    "error.unexpected": {
        ZH: "操作未完成（{error}），数据未丢失。请重试或联系班组长。",
        EN: (
            "That did not go through ({error}); nothing was lost. Try again or call your team lead."
        ),
    },
    # Devices and scans
    "device.scanner": {ZH: "扫码枪", EN: "Scanner"},
    "device.badge_reader": {ZH: "读卡器", EN: "Badge reader"},
    "device.gauge": {ZH: "量具", EN: "Gauge"},
    "device.connected": {ZH: "{device}已连接。", EN: "{device} connected."},
    "device.reconnecting": {
        ZH: "{device}连接中断，正在重连…",
        EN: "{device} disconnected, reconnecting…",
    },
    "device.absent": {
        ZH: "未找到{device}，请检查连接线。",
        EN: "{device} not found: check its cable.",
    },
    "scan.bad_badge": {ZH: "工卡读取失败：{reason}", EN: "Badge not read: {reason}"},
    "scan.badge_first": {ZH: "请先刷工卡登录。", EN: "Scan your badge to sign in first."},
    "scan.unknown": {ZH: "条码无法识别：{reason}", EN: "Barcode not understood: {reason}"},
    "scan.not_here": {
        ZH: "此处不接受扫描，请先完成当前步骤。",
        EN: "A scan is not taken here: finish this step first.",
    },
    "scan.command_not_here": {
        ZH: "此命令在此界面不可用。",
        EN: "That command is not used on this screen.",
    },
    "scan.material": {ZH: "已扫描物料标签：{summary}", EN: "Material label scanned: {summary}"},
    "scan.badge_other": {
        ZH: "{name} 已登录；请先退出。",
        EN: "{name} is signed in; sign out first.",
    },
    # Material verification
    "key.material": {ZH: "上料", EN: "Material"},
    "key.override": {ZH: "放行", EN: "Override"},
    "key.back": {ZH: "返回", EN: "Back"},
    "material.title": {ZH: "上料核对 {task}", EN: "Material check {task}"},
    "material.waiting": {ZH: "请扫描物料标签", EN: "Scan a material label"},
    "material.col_item": {ZH: "物料", EN: "Item"},
    "material.col_description": {ZH: "名称", EN: "Description"},
    "material.col_required": {ZH: "需求", EN: "Required"},
    "material.col_loaded": {ZH: "已上料", EN: "Loaded"},
    "material.col_short": {ZH: "缺料", EN: "Short"},
    "material.no_bom": {ZH: "此工序无需物料。", EN: "This operation uses no material."},
    "verdict.ok": {ZH: "正确 OK", EN: "OK"},
    "verdict.wrong_part": {ZH: "物料错误", EN: "WRONG PART"},
    "verdict.lot_on_hold": {ZH: "批次冻结", EN: "LOT ON HOLD"},
    "verdict.expired": {ZH: "已过期", EN: "EXPIRED"},
    "verdict.unknown_lot": {ZH: "未知批次", EN: "UNKNOWN LOT"},
    "verdict.not_in_bom": {ZH: "不在BOM中", EN: "NOT IN THIS BOM"},
    "verdict.already_loaded": {ZH: "已上料", EN: "ALREADY LOADED"},
    "verdict.lot_empty": {ZH: "批次无余量", EN: "LOT EMPTY"},
    "verdict.bad_label": {ZH: "标签错误", EN: "BAD LABEL"},
    "verdict.detail.ok": {
        ZH: "批次 {lot}（{item}）数量 {qty} 已上料。",
        EN: "Lot {lot} ({item}) qty {qty} loaded.",
    },
    "verdict.detail.wrong_part": {
        ZH: "标签料号 {detail}，批次 {lot} 实为 {item}。不要使用。",
        EN: "The label says part {detail}; lot {lot} is {item}. Do not use it.",
    },
    "verdict.detail.lot_on_hold": {
        ZH: "批次 {lot}（{item}）已冻结，不得使用。请隔离并通知班组长。",
        EN: "Lot {lot} ({item}) is on hold: do not use. Set it aside, call your team lead.",
    },
    "verdict.detail.expired": {
        ZH: "批次 {lot}（{item}）已于 {detail} 过期。",
        EN: "Lot {lot} ({item}) expired on {detail}.",
    },
    "verdict.detail.unknown_lot": {
        ZH: "本站没有批次 {lot} 的记录。请核对标签，或联系物料员。",
        EN: "This station has no record of lot {lot}. Check the label or call material.",
    },
    "verdict.detail.not_in_bom": {
        ZH: "{item}（批次 {lot}）不是本工序所需物料。",
        EN: "{item} (lot {lot}) is not used by this operation.",
    },
    "verdict.detail.already_loaded": {
        ZH: "批次 {lot} 已为本工序上料。",
        EN: "Lot {lot} is already loaded for this operation.",
    },
    "verdict.detail.lot_empty": {
        ZH: "批次 {lot}（{item}）已无余量。",
        EN: "Lot {lot} ({item}) has no quantity left.",
    },
    "verdict.detail.bad_label": {
        ZH: "无法读取此标签：{detail}",
        EN: "This label cannot be read: {detail}",
    },
    "verdict.override_hint": {
        ZH: "班组长可刷卡放行（F6）。",
        EN: "A team lead may override with a badge (F6).",
    },
    "override.badge": {ZH: "班组长请刷卡放行", EN: "Team lead: scan your badge to override"},
    "override.badge_placeholder": {ZH: "班组长工卡", EN: "team lead badge"},
    "override.reason_title": {ZH: "放行原因", EN: "Reason for the override"},
    "override.concession": {ZH: "让步接收", EN: "Concession (use as is)"},
    "override.engineering_deviation": {ZH: "工程变更/替代料", EN: "Engineering deviation"},
    "override.data_not_synced": {ZH: "数据未同步", EN: "Data not synced yet"},
    "override.label_wrong": {ZH: "标签错误，物料正确", EN: "Label wrong, material right"},
    "override.done": {
        ZH: "{approver} 已放行批次 {lot}。",
        EN: "{approver} overrode lot {lot}: loaded.",
    },
    "override.nothing": {
        ZH: "没有可放行的结果。",
        EN: "There is no refused scan to override.",
    },
    # Material handling (物料员): pick, deliver, receive finished goods
    "key.pick": {ZH: "配料", EN: "Pick"},
    "key.deliver": {ZH: "送料", EN: "Deliver"},
    "key.receive": {ZH: "成品入库", EN: "Receive"},
    "handling.mode.pick": {ZH: "配料 {order}", EN: "PICK for {order}"},
    "handling.mode.deliver": {ZH: "送料到线", EN: "DELIVER to this line"},
    "handling.mode.receive": {ZH: "成品入库", EN: "RECEIVE finished goods"},
    "handling.wait.pick": {ZH: "请扫描要配料的批次标签", EN: "Scan each lot label you pick"},
    "handling.wait.deliver": {
        ZH: "请扫描送达本线的批次标签",
        EN: "Scan each lot label delivered to this line",
    },
    "handling.wait.receive": {ZH: "请扫描成品箱标签", EN: "Scan each box label"},
    "handling.no_order": {
        ZH: "请先用 ↑↓ 选择工单，再扫描配料。",
        EN: "Select a work order (↑↓) before scanning a pick.",
    },
    "handling.no_orders": {ZH: "本站暂无已下达的工单。", EN: "No released work orders here."},
    "handling.col_work_order": {ZH: "工单", EN: "Work order"},
    "handling.col_item": {ZH: "物料", EN: "Item"},
    "handling.col_product": {ZH: "产品", EN: "Product"},
    "handling.col_due": {ZH: "交期", EN: "Due"},
    "handling.col_progress": {ZH: "已配", EN: "Picked"},
    "handling.col_short": {ZH: "缺料", EN: "Short"},
    "handling.col_description": {ZH: "名称", EN: "Description"},
    "handling.col_required": {ZH: "需求", EN: "Required"},
    "handling.col_picked": {ZH: "已配", EN: "Picked"},
    "handling.col_delivered": {ZH: "已送", EN: "Delivered"},
    "handling.col_to_pick": {ZH: "待配", EN: "To pick"},
    "handling.short": {ZH: "缺料", EN: "SHORT"},
    "handling.verdict.picked": {ZH: "正确 OK", EN: "OK"},
    "handling.verdict.delivered": {ZH: "正确 OK", EN: "OK"},
    "handling.verdict.received": {ZH: "已入库", EN: "RECEIVED"},
    "handling.verdict.not_in_pick_list": {ZH: "不在配料单中", EN: "NOT IN THIS PICK LIST"},
    "handling.verdict.wrong_part": {ZH: "物料错误", EN: "WRONG PART"},
    "handling.verdict.lot_on_hold": {ZH: "批次冻结", EN: "LOT ON HOLD"},
    "handling.verdict.expired": {ZH: "已过期", EN: "EXPIRED"},
    "handling.verdict.unknown_lot": {ZH: "未知批次", EN: "UNKNOWN LOT"},
    "handling.verdict.lot_empty": {ZH: "批次无余量", EN: "LOT EMPTY"},
    "handling.verdict.already_picked": {ZH: "已配料", EN: "ALREADY PICKED"},
    "handling.verdict.not_picked": {ZH: "未配料", EN: "NOT PICKED"},
    "handling.verdict.already_delivered": {ZH: "已送达", EN: "ALREADY DELIVERED"},
    "handling.verdict.already_received": {ZH: "已入过库", EN: "ALREADY RECEIVED"},
    "handling.verdict.not_a_finished_good": {ZH: "不是成品", EN: "NOT A FINISHED GOOD"},
    "handling.verdict.no_quantity": {ZH: "无数量", EN: "NO QUANTITY"},
    "handling.verdict.not_needed": {ZH: "无需配料", EN: "NOT NEEDED"},
    "handling.verdict.too_many": {ZH: "超出计划", EN: "TOO MANY"},
    "handling.verdict.bad_label": {ZH: "标签错误", EN: "BAD LABEL"},
    "handling.detail.picked": {
        ZH: "批次 {lot}（{item}）数量 {qty} 已配给 {order}。",
        EN: "Lot {lot} ({item}) qty {qty} picked for {order}.",
    },
    "handling.detail.delivered": {
        ZH: "{order} 的批次 {lot}（{item}）已送达 {detail}。",
        EN: "Lot {lot} ({item}) of {order} delivered to {detail}.",
    },
    "handling.detail.received": {
        ZH: "{item} 批次 {lot} 数量 {qty} 已入库。",
        EN: "{qty} × {item}, lot {lot}, received into stock.",
    },
    "handling.detail.not_in_pick_list": {
        ZH: "{item}（批次 {lot}）不在 {order} 的配料单中。",
        EN: "{item} (lot {lot}) is not on the pick list of {order}.",
    },
    "handling.detail.wrong_part": {
        ZH: "标签料号 {detail}，批次 {lot} 实为 {item}。请隔离。",
        EN: "The label says part {detail}; lot {lot} is {item}. Set it aside.",
    },
    "handling.detail.lot_on_hold": {
        ZH: "批次 {lot}（{item}）已冻结，不得使用。请隔离。",
        EN: "Lot {lot} ({item}) is on hold: do not use it. Set it aside.",
    },
    "handling.detail.expired": {
        ZH: "批次 {lot}（{item}）已于 {detail} 过期。",
        EN: "Lot {lot} ({item}) expired on {detail}.",
    },
    "handling.detail.unknown_lot": {
        ZH: "本站没有批次 {lot} 的记录。请核对标签。",
        EN: "This station has no record of lot {lot}. Check the label.",
    },
    "handling.detail.lot_empty": {
        ZH: "批次 {lot}（{item}）已无可配数量。",
        EN: "Lot {lot} ({item}) has nothing left to pick.",
    },
    "handling.detail.already_picked": {
        ZH: "批次 {lot} 已配给 {order}。",
        EN: "Lot {lot} is already picked for {order}.",
    },
    "handling.detail.not_picked": {
        ZH: "批次 {lot} 未给本线的工单配料，请先配料。",
        EN: "Lot {lot} was not picked for an order of this line: pick it first.",
    },
    "handling.detail.already_delivered": {
        ZH: "批次 {lot} 已送达 {detail}。",
        EN: "Lot {lot} was already delivered to {detail}.",
    },
    "handling.detail.already_received": {
        ZH: "{item} 批次 {lot} 的这一箱已入库。",
        EN: "This box of {item}, lot {lot}, is already in stock.",
    },
    "handling.detail.not_a_finished_good": {
        ZH: "{item} 不是本站任何工单的产品，不能作为成品入库。",
        EN: "{item} is made by no work order here: not a finished good.",
    },
    "handling.detail.no_quantity": {
        ZH: "{item} 批次 {lot} 的箱标签没有数量。",
        EN: "The box label of {item}, lot {lot}, carries no quantity.",
    },
    "handling.detail.not_needed": {
        ZH: "{order} 的 {item} 已配齐，批次 {lot} 无需再配。",
        EN: "Nothing left to pick of {item} for {order}: lot {lot} is not needed.",
    },
    "handling.detail.too_many": {
        ZH: "{order} 计划生产 {detail} 件 {item}，本箱 {qty} 件入库后将超出计划。",
        EN: "{order} plans {detail} × {item}: this box of {qty} would be more than planned.",
    },
    "handling.detail.bad_label": {
        ZH: "无法读取此标签：{detail}",
        EN: "This label cannot be read: {detail}",
    },
    # Why a label is bad, when the service says so (the parser's own reasons stay as given).
    "label_problem.not_a_material_label": {ZH: "不是物料标签", EN: "not a material label"},
    "label_problem.no_lot": {ZH: "标签上没有批次号", EN: "the label carries no lot"},
    "label_problem.no_part": {ZH: "标签上没有料号", EN: "the label carries no part"},
    "label_problem.fractional_quantity": {
        ZH: "数量 {qty} 不是整数",
        EN: "the quantity {qty} is not a whole number",
    },
    "sync.event.material.picked": {ZH: "配料", EN: "material picked"},
    "sync.event.material.delivered": {ZH: "送料到线", EN: "material delivered"},
    "sync.event.goods.received": {ZH: "成品入库", EN: "finished goods received"},
    # SOP viewer (作业指导书)
    "key.acknowledge": {ZH: "确认已读", EN: "Acknowledge"},
    "key.search": {ZH: "查找", EN: "Find"},
    "sop.heading": {
        ZH: "{code} 第 {version} 版 · {title} · {date} 起生效",
        EN: "{code} v{version} · {title} · in force since {date}",
    },
    "sop.must_acknowledge": {
        ZH: "新版本：请阅读后按 F2 确认已读，才能开工。",
        EN: "New version: read it, then press F2 to acknowledge before starting.",
    },
    "sop.other_language": {
        ZH: "此版本没有您的语言版本，显示的是其他语言版本。",
        EN: "This version is not available in your language: shown in another one.",
    },
    "sop.figure": {ZH: "［图：{caption}（{src}）］", EN: "[Figure: {caption} ({src})]"},
    "sop.search_placeholder": {ZH: "查找内容，回车找下一处", EN: "find text, Enter for next"},
    "sop.found": {ZH: "第 {index}/{count} 处", EN: "{index} of {count}"},
    "sop.not_found": {ZH: "未找到", EN: "not found"},
    "sop.none": {ZH: "此工序没有生效的作业指导书。", EN: "This operation has no SOP in force."},
    "sync.event.sop.acknowledged": {ZH: "确认作业指导书", EN: "SOP acknowledged"},
    # Traceability (追溯): a unit's history, or the units built from a lot
    "key.trace_type": {ZH: "输入", EN: "Type"},
    "trace.title": {ZH: "追溯", EN: "Traceability"},
    "trace.hint": {
        ZH: "扫描产品序列号或物料批次标签；F2 手动输入",
        EN: "Scan a unit's SN or a lot label; F2 to type one",
    },
    "trace.looking": {ZH: "正在查询…", EN: "Looking it up…"},
    "trace.type_title": {ZH: "输入序列号或批次号", EN: "Type a serial number or a lot number"},
    "trace.type_placeholder": {ZH: "序列号 / 批次号", EN: "SN / lot"},
    "trace.serial_found": {
        ZH: "序列号 {sn}：在本站经过 {count} 道工序",
        EN: "SN {sn}: {count} operation(s) at this station",
    },
    "trace.lot_found": {
        ZH: "批次 {lot}：用于 {count} 件产品",
        EN: "Lot {lot}: {count} unit(s) built from it",
    },
    "trace.miss.unknown_serial": {
        ZH: "本站没有序列号 {subject} 的记录。",
        EN: "SN {subject} is not known at this station.",
    },
    "trace.miss.unknown_lot": {
        ZH: "本站没有批次 {subject} 的记录。",
        EN: "Lot {subject} is not known at this station.",
    },
    "trace.miss.not_found": {
        ZH: "本站没有 {subject} 的记录：既不是已知序列号，也不是已知批次号。",
        EN: "Nothing is known here as {subject}: not an SN or a lot number of this station.",
    },
    "trace.miss.no_lot": {
        ZH: "此标签没有批次号（{subject}）：请扫描带批次号的标签，或按 F2 输入批次号。",
        EN: "This label names no lot ({subject}): scan one that does, or type the lot (F2).",
    },
    "trace.miss.not_traceable": {
        ZH: "只能追溯产品序列号或物料批次：请扫描其中一种。",
        EN: "Only a unit's SN or a material lot can be traced: scan one of those.",
    },
    "trace.miss.not_understood": {
        ZH: "条码无法识别：{subject}",
        EN: "Barcode not understood: {subject}",
    },
    "trace.root_serial": {ZH: "序列号 {sn} · {item}", EN: "SN {sn} · {item}"},
    "trace.where": {
        ZH: "工单 {work_order} · 工作中心 {work_center}",
        EN: "{work_order} · {work_center}",
    },
    "trace.scanned": {ZH: "扫描于 {time}", EN: "Scanned {time}"},
    "trace.not_scanned": {
        ZH: "此工序未扫描序列号（在扫描之前完成）",
        EN: "SN not scanned here (done before it was)",
    },
    "trace.operator": {ZH: "操作工 {name}（{employee_no}）", EN: "Operator {name} ({employee_no})"},
    "trace.operator_unknown": {ZH: "操作工：本站无记录", EN: "Operator: not recorded here"},
    "trace.equipment": {ZH: "设备 {equipment}", EN: "Equipment {equipment}"},
    "trace.started": {ZH: "开工 {time}", EN: "Started {time}"},
    "trace.not_started": {ZH: "开工时间无记录", EN: "start not recorded"},
    "trace.finished": {ZH: "完工 {time}", EN: "finished {time}"},
    "trace.not_finished": {ZH: "未完工报工", EN: "no final report"},
    "trace.lots": {ZH: "物料批次（{count}）", EN: "Lots ({count})"},
    "trace.no_lots": {ZH: "此工序未上料", EN: "No lots loaded for this operation"},
    "trace.lot_not_known": {ZH: "不在本站批次清单中", EN: "not in this station's lot list"},
    "trace.lot.released": {ZH: "已放行", EN: "released"},
    "trace.lot.on_hold": {ZH: "冻结", EN: "ON HOLD"},
    "trace.lot.consumed": {ZH: "已用完", EN: "used up"},
    "trace.root_lot": {ZH: "批次 {lot} · {item}", EN: "Lot {lot} · {item}"},
    "trace.supplier": {ZH: "供应商 {supplier}", EN: "Supplier {supplier}"},
    "trace.status": {ZH: "状态", EN: "Status"},
    "trace.expires": {ZH: "有效期至 {date}", EN: "expires {date}"},
    "trace.picks": {ZH: "配料（{count}）", EN: "Picked for ({count})"},
    "trace.picked": {ZH: "配料 {time}", EN: "picked {time}"},
    "trace.delivered": {
        ZH: "已送至 {work_center} {time}",
        EN: "delivered to {work_center} {time}",
    },
    "trace.not_loaded": {ZH: "本站未在任何工序上料", EN: "Not loaded for any operation here"},
    "trace.loaded": {
        ZH: "上料 {time} · 用于 {count} 件",
        EN: "loaded {time} · {count} unit(s)",
    },
    "trace.unit": {ZH: "{sn} · 工序 {seq} · {time}", EN: "{sn} · op {seq} · {time}"},
    "trace.scrapped": {ZH: "已报废", EN: "SCRAPPED"},
    "trace.more": {
        ZH: "还有 {count} 件…（回车显示后 {next} 件）",
        EN: "{count} more… (Enter for the next {next})",
    },
    # Labels
    "label.title": {ZH: "扫描或输入产品序列号", EN: "Scan or type the unit's serial number"},
    "label.placeholder": {ZH: "序列号", EN: "serial number"},
    "label.queued": {ZH: "标签已加入打印队列：{serial}", EN: "Label queued: {serial}"},
    "label.bad_serial": {
        ZH: "序列号 {serial} 无法打印为条码（仅限英文字母、数字和符号）。",
        EN: "Serial {serial} cannot be printed as a barcode (ASCII letters, digits, signs only).",
    },
    "label.printed": {ZH: "标签已打印。", EN: "Label printed."},
    "printer.down": {
        ZH: "打印机不可用（{reason}）：{waiting} 张标签已保留，稍后自动重试。",
        EN: "Printer not available ({reason}): {waiting} label(s) kept, retrying.",
    },
    "printer.back": {ZH: "打印机已恢复，标签已打印。", EN: "Printer back: labels printed."},
    "reprint.title": {ZH: "补打原因", EN: "Why reprint?"},
    "reprint.damaged": {ZH: "标签损坏", EN: "Label damaged"},
    "reprint.misprinted": {ZH: "打印错误", EN: "Misprinted"},
    "reprint.unreadable": {ZH: "条码无法扫描", EN: "Barcode unreadable"},
    "reprint.lost": {ZH: "标签丢失", EN: "Label lost"},
    "reprint.nothing": {ZH: "本工位尚未打印过标签。", EN: "No label has been printed here yet."},
    "reprint.queued": {ZH: "补打已加入打印队列。", EN: "Reprint queued."},
    "help.text": {
        ZH: (
            "↑↓ 选择任务　F2 开工　F3 暂停　F4 继续　F5 刷新　F6 打标签　F7 补打　"
            "F8 同步问题　F10 退出"
        ),
        EN: (
            "↑↓ select a task   F2 start   F3 pause   F4 resume   F5 refresh   "
            "F6 label   F7 reprint   F8 sync issues   F10 logout"
        ),
    },
    # Sync issues: what the hub refused or flagged, for team leads
    "sync.title": {ZH: "同步问题（{count}）", EN: "Sync issues ({count})"},
    "sync.loading": {ZH: "正在读取同步问题…", EN: "Reading sync issues…"},
    "sync.none": {
        ZH: "没有同步问题：中心系统已接受本工位的全部记录。",
        EN: "No sync issues: the hub took every record from this station.",
    },
    "sync.stopped": {
        ZH: "同步已停止，需管理员处理。中心系统说明：{reason}",
        EN: "Sync has stopped and needs an admin. The hub says: {reason}",
    },
    "sync.rejected": {ZH: "被拒绝", EN: "REJECTED"},
    "sync.rejected_means": {
        ZH: "中心系统未记录此条",
        EN: "not recorded by the hub",
    },
    "sync.flagged": {ZH: "需核查", EN: "FLAGGED"},
    "sync.flagged_means": {
        ZH: "已记录，但需班组长核查",
        EN: "recorded, but needs a look",
    },
    "sync.when": {ZH: "时间", EN: "When"},
    "sync.what": {ZH: "事项", EN: "What"},
    "sync.who": {ZH: "人员", EN: "Who"},
    "sync.subject": {ZH: "对象", EN: "About"},
    "sync.why": {ZH: "原因", EN: "Why"},
    "sync.detail": {ZH: "说明", EN: "Hub"},
    "sync.reason.unknown_type": {
        ZH: "中心系统不认识这类记录（版本不一致？）",
        EN: "The hub does not know this kind of record (versions differ?)",
    },
    "sync.reason.bad_payload": {
        ZH: "记录内容不完整或格式不对",
        EN: "The record is incomplete or malformed",
    },
    "sync.reason.unknown_operation": {
        ZH: "中心系统中没有这道工序",
        EN: "The hub has no such operation",
    },
    "sync.reason.work_center_not_served": {
        ZH: "这道工序不属于本工位负责的工作中心",
        EN: "The operation's work center is not served by this station",
    },
    "sync.reason.taken": {
        ZH: "已被其他工位领取",
        EN: "Another station had already taken it",
    },
    "sync.reason.work_order_cancelled": {
        ZH: "工单已取消",
        EN: "The work order had been cancelled",
    },
    "sync.reason.lot_overconsumed": {
        ZH: "批次用量超过了批次数量",
        EN: "More was used from the lot than it holds",
    },
    "sync.reason.lot_on_hold": {ZH: "批次已冻结", EN: "The lot is on hold"},
    "sync.reason.previous_op_missing": {
        ZH: "该序列号未在上道工序绑定",
        EN: "The unit was not bound at the previous operation",
    },
    "sync.reason.equipment_kept_elsewhere": {
        ZH: "该设备由其他工位管理，本工位的记录在那里看不到",
        EN: "Another station keeps this machine: what this one records of it is not seen there",
    },
    "sync.reason.maintenance_not_opened": {
        ZH: "中心系统中没有该维护工单的创建记录",
        EN: "The hub never saw this maintenance order opened",
    },
    "sync.reason.nc_program_unknown": {
        ZH: "中心系统中没有该版本的加工程序",
        EN: "The hub has no such version of the machine program",
    },
    "sync.reason.nc_checksum_differs": {
        ZH: "加工程序的校验值与中心系统的不一致",
        EN: "The machine program's checksum differs from the hub's",
    },
    "sync.event.auth.login": {ZH: "登录", EN: "sign-in"},
    "sync.event.auth.login_failed": {ZH: "登录失败", EN: "failed sign-in"},
    "sync.event.auth.logout": {ZH: "退出登录", EN: "sign-out"},
    "sync.event.auth.permission_refused": {ZH: "越权操作被拒", EN: "refused action"},
    "sync.event.terminal.closed": {ZH: "关闭终端", EN: "terminal closed"},
    "sync.event.operation.started": {ZH: "开工", EN: "operation started"},
    "sync.event.operation.paused": {ZH: "暂停工序", EN: "operation paused"},
    "sync.event.operation.resumed": {ZH: "继续工序", EN: "operation resumed"},
    "sync.event.operation.reported": {ZH: "报工", EN: "work report"},
    "sync.event.label.queued": {ZH: "打印标签", EN: "label print"},
    "sync.event.label.reprint": {ZH: "补打标签", EN: "label reprint"},
    "sync.event.label.printed": {ZH: "标签已打印", EN: "label printed"},
    "sync.event.label.failed": {ZH: "标签未打印", EN: "label not printed"},
    "sync.event.material.verified": {ZH: "上料确认", EN: "material check"},
    "sync.event.material.consumed": {ZH: "物料消耗", EN: "material used"},
    "sync.event.serial.bound": {ZH: "序列号绑定", EN: "serial number bound"},
    "sync.event.exception.raised": {ZH: "异常上报", EN: "exception raised"},
    "sync.event.exception.acknowledged": {ZH: "异常确认", EN: "exception acknowledged"},
    "sync.event.exception.escalated": {ZH: "异常升级", EN: "exception escalated"},
    "sync.event.exception.resolved": {ZH: "异常解决", EN: "exception resolved"},
    "sync.event.equipment.state_changed": {ZH: "设备状态变更", EN: "equipment state change"},
    "sync.event.equipment.checked": {ZH: "设备点检", EN: "daily equipment check"},
    "sync.event.equipment.check_released": {ZH: "点检放行", EN: "daily check released"},
    "sync.event.maintenance.opened": {ZH: "维护工单创建", EN: "maintenance order opened"},
    "sync.event.maintenance.claimed": {ZH: "领取维护任务", EN: "maintenance taken on"},
    "sync.event.maintenance.done": {ZH: "维护完成", EN: "maintenance done"},
    "sync.event.maintenance.confirmed": {ZH: "维护确认关闭", EN: "maintenance confirmed"},
    "sync.event.nc.transferred": {ZH: "加工程序传输", EN: "machine program transfer"},
}

# Features keep their own entries in their own modules; a key defined twice is an error.
_PARTS = (
    _GENERAL,
    i18n_andon.TEXTS,
    i18n_equipment.TEXTS,
    i18n_maintenance.TEXTS,
    i18n_nc.TEXTS,
    i18n_qc.TEXTS,
)
CATALOG: dict[str, dict[Language, str]] = {key: part[key] for part in _PARTS for key in part}
if len(CATALOG) != sum(len(part) for part in _PARTS):
    raise RuntimeError("a catalog key is defined in two modules")  # caught by every test run


class Translator:
    """Looks strings up in one language; a missing key shows itself rather than crashing."""

    def __init__(self, language: Language) -> None:
        self.language = language

    def __call__(self, key: str, **values: object) -> str:
        entry = CATALOG.get(key)
        if entry is None:
            return key
        return entry[self.language].format(**values)
