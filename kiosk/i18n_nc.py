"""Catalog entries of machine programs (NC): merged into kiosk.i18n.CATALOG."""

from __future__ import annotations

from kiosk.config import Language

ZH = Language.ZH_CN
EN = Language.EN

TEXTS: dict[str, dict[Language, str]] = {
    "refusal.no_nc_program": {
        ZH: "此工序不需要加工程序。",
        EN: "This operation needs no machine program.",
    },
    "refusal.nc_program_missing": {
        ZH: "本工位还没有收到此加工程序，请等待同步或联系工艺员。",
        EN: "The program has not reached this station yet: wait for the sync or ask engineering.",
    },
    "refusal.nc_version_old": {
        ZH: "本工位的程序版本低于工序要求，拒绝发送。",
        EN: "The program here is older than the version the operation needs: not sent.",
    },
    "refusal.nc_checksum_mismatch": {
        ZH: "程序校验和不符（文件可能损坏），拒绝发送。",
        EN: "The program's checksum does not match (the file may be damaged): not sent.",
    },
    "refusal.nc_machine_not_configured": {
        ZH: "kiosk.toml 中没有配置这台设备的程序传输方式。",
        EN: "kiosk.toml does not say how programs reach this machine.",
    },
    "key.nc_program": {ZH: "加工程序", EN: "Program"},
    "key.send_program": {ZH: "发送", EN: "Send"},
    "nc.title": {ZH: "加工程序 {task}", EN: "Machine program {task}"},
    "nc.loading": {ZH: "正在读取程序…", EN: "Reading the program…"},
    "nc.program": {ZH: "程序", EN: "Program"},
    "nc.version_needed": {ZH: "要求版本", EN: "Version needed"},
    "nc.version_here": {ZH: "本工位版本", EN: "Version here"},
    "nc.checksum": {ZH: "校验和", EN: "Checksum"},
    "nc.file": {ZH: "文件", EN: "File"},
    "nc.none": {ZH: "无", EN: "none"},
    "nc.not_here": {ZH: "本工位没有", EN: "not at this station"},
    "nc.at_least": {ZH: "{version} 或更高", EN: "{version} or later"},
    "nc.too_old": {ZH: "{version}（太旧）", EN: "{version} (too old)"},
    "nc.checksum_ok": {ZH: "正确", EN: "OK"},
    "nc.checksum_bad": {ZH: "不符，文件可能损坏", EN: "does not match: damaged"},
    "nc.file_size": {ZH: "{name}（{size} 字节）", EN: "{name} ({size} bytes)"},
    "nc.kind.folder": {ZH: "文件夹", EN: "folder"},
    "nc.kind.serial": {ZH: "串口", EN: "serial"},
    "nc.no_machines": {
        ZH: "本工作中心没有配置可接收程序的设备。",
        EN: "No machine of this work center is set up to receive programs.",
    },
    "nc.hint": {
        ZH: "用 ↑↓ 选择设备，按 F2 发送程序。",
        EN: "Choose the machine with ↑↓, then F2 sends the program.",
    },
    "nc.will_refuse": {ZH: "发送将被拒绝：{reason}", EN: "A send would be refused: {reason}"},
    "nc.sending": {ZH: "发送中", EN: "SENDING"},
    "nc.sending_to": {
        ZH: "正在发送到 {equipment}，请等待，不要操作设备。",
        EN: "Sending to {equipment}: wait, leave the machine alone.",
    },
    "nc.busy": {ZH: "正在发送，请等待。", EN: "A send is on its way: wait for it."},
    "nc.sent": {ZH: "已发送", EN: "SENT"},
    "nc.sent_detail": {
        ZH: "{code} 版本 {version} 已发送到 {equipment}（{target}）。",
        EN: "{code} version {version} went to {equipment} ({target}).",
    },
    "nc.refused": {ZH: "拒绝", EN: "REFUSED"},
    "nc.interrupted": {ZH: "上次发送中断", EN: "LAST SEND CUT SHORT"},
    "nc.interrupted_detail": {
        ZH: "终端在发送到 {equipment} 时停止：设备上的程序可能不完整。请重新发送 (F2)。",
        EN: "The terminal stopped while sending to {equipment}: the machine may hold part of "
        "the program. Send it again (F2).",
    },
    "nc.failed": {ZH: "失败", EN: "FAILED"},
    "nc.problem.folder_missing": {
        ZH: "程序文件夹不存在（共享盘未连接？）：{target}",
        EN: "The program folder is not there (share not mounted?): {target}",
    },
    "nc.problem.folder_not_writable": {
        ZH: "无法写入程序文件夹：{target}",
        EN: "The program folder cannot be written to: {target}",
    },
    "nc.problem.bad_file_name": {
        ZH: "程序文件名不合法（会写到文件夹之外），请联系工艺员。",
        EN: "The program's file name would leave the folder: ask engineering.",
    },
    "nc.problem.port_missing": {
        ZH: "找不到设备的串口 {target}：请检查串口线是否插好。",
        EN: "The machine's serial port {target} is not there: check the cable is plugged in.",
    },
    "nc.problem.port_error": {
        ZH: "串口 {target} 无法使用（被占用或断开）。",
        EN: "Serial port {target} cannot be used (in use, or disconnected).",
    },
    "nc.problem.timed_out": {
        ZH: "设备没有应答（超时）：请确认设备处于接收程序状态。",
        EN: "The machine did not answer in time: check it is ready to receive.",
    },
    "nc.problem.not_sendable": {
        ZH: "程序含有串口流控字符，无法发送，请联系工艺员。",
        EN: "The program holds flow-control bytes the line cannot carry: ask engineering.",
    },
}
