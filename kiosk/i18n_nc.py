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
}
