"""Demo reference data for an empty station store: a small electronics assembly plant.

Everything the hub would normally send (users, work centers, items, work orders with their
routings and BOMs, material lots, SOPs) is written in one transaction, with ids derived by
`uuid.uuid5` from stable keys, so seeding the same date twice gives the same rows. Dates
(due dates, lot expiry, SOP effective dates) are relative to `today`, so the demo always has
overdue work, an expired lot and a freshly released SOP version.

Reference data is not something that happened at the station, so no events are written.
The one piece of history seeded is the finished SMT work of the most overdue gateway order
(its lots loaded, its boards' serial numbers bound), so that final assembly has units to
take over and traceability has something to show.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

from sqlmodel import SQLModel, select

from kiosk.roles import Role
from kiosk.security import badge_hash, pin_hash
from kiosk.store.database import Store
from kiosk.store.models import (
    BomLine,
    Item,
    MaterialLoad,
    MaterialLot,
    Operation,
    ReferenceRecord,
    SerialUnit,
    SopDocument,
    User,
    WorkCenter,
    WorkOrder,
)
from kiosk.work import LotStatus, OperationStatus, WorkOrderStatus
from sync.reference import RECORD_TYPES, InspectionPlanRecord

_NAMESPACE = uuid.UUID("6f1c2a52-3d7e-5b1a-9c40-2b8e61d0a7f3")


def _id(key: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, key))


# --- people -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoBadge:
    badge: str  # what is printed on the card / typed, e.g. "E1001"
    pin: str | None  # clear PIN for the README, None when the user has none
    name: str
    role: Role
    language: str  # "zh_CN" or "en"


DEMO_STATION_ID = "ST-ASM-01"
DEMO_WORK_CENTERS = ("WC-SMT", "WC-ASM")

DEMO_BADGES: tuple[DemoBadge, ...] = (
    DemoBadge("E1001", None, "张丽", Role.OPERATOR, "zh_CN"),
    DemoBadge("E1002", None, "李强", Role.OPERATOR, "zh_CN"),
    DemoBadge("E1003", None, "Kevin Chen", Role.OPERATOR, "en"),
    DemoBadge("E1004", "2468", "刘洋", Role.OPERATOR, "zh_CN"),
    DemoBadge("E1005", None, "Zhou Min", Role.OPERATOR, "en"),
    DemoBadge("E1006", None, "赵磊", Role.MATERIAL_HANDLER, "zh_CN"),
    DemoBadge("E1007", None, "Lisa Wang", Role.MATERIAL_HANDLER, "en"),
    DemoBadge("E1008", "3579", "黄婷", Role.QC_INSPECTOR, "zh_CN"),
    DemoBadge("E1009", "1357", "陈刚", Role.TEAM_LEAD, "zh_CN"),
    DemoBadge("E1010", "8642", "Daniel Lee", Role.TEAM_LEAD, "en"),
    DemoBadge("E1011", None, "吴军", Role.MAINTENANCE, "zh_CN"),
    DemoBadge("E1012", "9021", "Jason Xu", Role.ADMIN, "en"),
    DemoBadge("E1014", "2580", "Grace Lin", Role.QC_INSPECTOR, "en"),
)

# A badge that is still in the store but whose holder has left: signing in is refused.
DEMO_LEFT_BADGE = DemoBadge("E1013", None, "徐明", Role.OPERATOR, "zh_CN")

_EMPLOYEE_NO = {
    "E1001": "208113",
    "E1002": "208127",
    "E1003": "209041",
    "E1004": "210356",
    "E1005": "211802",
    "E1006": "205519",
    "E1007": "212230",
    "E1008": "207764",
    "E1009": "203118",
    "E1010": "206402",
    "E1011": "204275",
    "E1012": "201009",
    "E1013": "209988",
    "E1014": "213377",
}

# --- plant ------------------------------------------------------------------------------

_WORK_CENTERS = (
    ("WC-SMT", "SMT line 贴片线"),
    ("WC-ASM", "Final assembly 总装"),
    ("WC-TEST", "Test & pack 测试包装"),
)

_ITEMS = (
    ("FG-MC200", "MC-200 motor controller board, tested / 电机控制板", "pcs"),
    ("FG-GW310", "GW-310 industrial IoT gateway, complete unit / 物联网网关整机", "pcs"),
    ("FG-CB200", "CB-200 controller box assy / 控制盒总成", "pcs"),
    ("PCB-MC200-C", "Bare PCB MC-200 rev C, 4L FR-4 1.6 mm / 裸板", "pcs"),
    ("PCB-GW310-B", "Bare PCB GW-310 rev B, 6L FR-4 1.6 mm / 裸板", "pcs"),
    ("IC-STM32F407", "MCU STM32F407VGT6, LQFP-100 / 主控芯片", "pcs"),
    ("IC-DRV8323", "Gate driver DRV8323RS, VQFN-48", "pcs"),
    ("CAP-0402-104", "MLCC 100 nF 50 V X7R 0402 / 贴片电容", "pcs"),
    ("RES-0603-103", "Resistor 10 kΩ 1% 0603 / 贴片电阻", "pcs"),
    ("SP-SAC305", "Solder paste SAC305 T4, 500 g jar / 无铅锡膏", "g"),
    ("CON-RJ45", "RJ45 jack with magnetics, THT / 网口连接器", "pcs"),
    ("SCR-M3X8", "Screw M3×8 pan head Phillips, zinc / 盘头十字螺丝", "pcs"),
    ("ENC-GW310", "Enclosure GW-310, die-cast aluminium / 铝压铸外壳", "pcs"),
    ("ENC-CB200", "Enclosure CB-200, PC/ABS with lid / 塑料外壳", "pcs"),
    ("TIM-PAD-20", "Thermal pad 20×20×1 mm, 3 W/mK / 导热垫", "pcs"),
    ("LBL-SN-3015", "SN label 30×15 mm, polyester / 序列号标签", "pcs"),
    ("CTN-220", "Carton 220×160×80 mm, single unit / 单机纸箱", "pcs"),
)


class _Step(NamedTuple):
    seq: int
    name: str
    work_center: str
    sop_code: str | None
    bom: tuple[tuple[str, float], ...]
    # "bind": each unit's SN is bound here; "after": too, once bound at the previous one.
    serials: str = ""
    nc: tuple[str, int] | None = None  # the machine program and the least version it needs


_ROUTINGS: dict[str, tuple[_Step, ...]] = {
    "FG-MC200": (
        _Step(
            10,
            "SMT placement 贴片",
            "WC-SMT",
            "SOP-SMT-001",
            (
                ("PCB-MC200-C", 1),
                ("IC-STM32F407", 1),
                ("IC-DRV8323", 1),
                ("CAP-0402-104", 24),
                ("RES-0603-103", 18),
                ("SP-SAC305", 0.6),
            ),
            nc=("PNP-MC200", 3),
        ),
        _Step(20, "Reflow & AOI 回流焊/AOI", "WC-SMT", "SOP-SMT-002", ()),
        _Step(30, "ICT & firmware flash 测试烧录", "WC-TEST", None, (("LBL-SN-3015", 1),)),
    ),
    "FG-GW310": (
        _Step(
            10,
            "SMT placement 贴片",
            "WC-SMT",
            "SOP-SMT-001",
            (
                ("PCB-GW310-B", 1),
                ("IC-STM32F407", 1),
                ("CAP-0402-104", 36),
                ("RES-0603-103", 22),
                ("CON-RJ45", 2),
                ("SP-SAC305", 0.9),
            ),
            nc=("PNP-GW310", 3),  # the hub has only version 2 of it: the station refuses it
        ),
        _Step(20, "Reflow & AOI 回流焊/AOI", "WC-SMT", "SOP-SMT-002", (), "bind"),
        _Step(
            30,
            "Final assembly 整机装配",
            "WC-ASM",
            "SOP-ASM-001",
            (("ENC-GW310", 1), ("SCR-M3X8", 8), ("TIM-PAD-20", 1)),
            "after",
        ),
        _Step(
            40,
            "Functional test & pack 功能测试包装",
            "WC-TEST",
            "SOP-TST-001",
            (("LBL-SN-3015", 1), ("CTN-220", 1)),
        ),
    ),
    "FG-CB200": (
        _Step(
            10,
            "Box assembly 控制盒装配",
            "WC-ASM",
            "SOP-ASM-002",
            (("FG-MC200", 1), ("ENC-CB200", 1), ("SCR-M3X8", 8), ("TIM-PAD-20", 2)),
            "bind",
            nc=("TQ-CB200", 1),
        ),
        _Step(
            20,
            "Functional test & pack 功能测试包装",
            "WC-TEST",
            "SOP-TST-001",
            (("LBL-SN-3015", 1), ("CTN-220", 1)),
        ),
    ),
}


class _Order(NamedTuple):
    serial: int  # the running number in "WO-yymm-nnnn"
    item_code: str
    qty: int
    priority: int  # 1 = most urgent
    due_in_days: int  # negative: overdue
    status: WorkOrderStatus = WorkOrderStatus.RELEASED
    ops_done: int = 0  # leading operations already finished
    scrap: int = 0  # scrap on the first finished operation
    progress: int = 0  # good qty already reported on the first open operation


_ORDERS = (
    _Order(31, "FG-GW310", 200, 2, -3, ops_done=2, scrap=3, progress=120),
    _Order(32, "FG-MC200", 500, 1, -1, ops_done=1, scrap=4, progress=340),
    _Order(33, "FG-CB200", 120, 3, 0, progress=45),
    _Order(34, "FG-GW310", 80, 3, -2, ops_done=3, scrap=1, progress=30),
    _Order(35, "FG-GW310", 150, 4, 2, ops_done=1),
    _Order(36, "FG-CB200", 60, 2, 1),
    _Order(37, "FG-MC200", 800, 5, 3),
    _Order(38, "FG-GW310", 100, 5, 4),
    _Order(39, "FG-MC200", 300, 6, 5),
    _Order(40, "FG-GW310", 300, 5, 6),
    _Order(41, "FG-CB200", 80, 7, 7),
    _Order(42, "FG-MC200", 1000, 4, 8, progress=250),
    _Order(43, "FG-MC200", 250, 6, 9),
    _Order(44, "FG-GW310", 120, 8, 10),
    _Order(45, "FG-CB200", 200, 5, 11),
    _Order(46, "FG-MC200", 600, 3, 12),
    _Order(47, "FG-GW310", 180, 7, 13),
    _Order(48, "FG-GW310", 50, 9, 14),
    _Order(49, "FG-GW310", 100, 5, 5, WorkOrderStatus.CANCELLED),
    _Order(28, "FG-MC200", 400, 5, -5, WorkOrderStatus.CLOSED, ops_done=3, scrap=6),
)


# The plant's scrap reasons: code, Chinese, English.
_SCRAP_REASONS = (
    ("SOLDER", "焊接不良", "Solder defect"),
    ("COMPONENT", "元件损坏", "Damaged component"),
    ("COSMETIC", "外观不良", "Cosmetic defect"),
    ("TEST_FAIL", "测试不通过", "Failed test"),
    ("HANDLING", "搬运损坏", "Damaged in handling"),
)

# Why a machine stopped (kind "stop"); causes and actions of exceptions and repairs.
_STOP_REASONS = (
    ("NO_MATERIAL", "待料", "Waiting for material"),
    ("CHANGEOVER", "换线换型", "Product changeover"),
    ("BREAKDOWN", "设备故障", "Breakdown"),
    ("PLANNED", "计划停机", "Planned stop (break, meeting)"),
    ("NO_OPERATOR", "无人操作", "No operator"),
    ("QUALITY_HOLD", "质量停线", "Quality hold"),
)
_CAUSES = (
    ("MACHINE_FAULT", "设备故障", "Machine fault"),
    ("WORN_PART", "零件磨损", "Worn part"),
    ("MATERIAL_DEFECT", "来料不良", "Defective material"),
    ("MATERIAL_SHORT", "缺料", "Material shortage"),
    ("OPERATOR_ERROR", "操作失误", "Operator error"),
    ("PROCESS_SETTING", "工艺参数不当", "Wrong process setting"),
    ("OTHER", "其他", "Other"),
)
_ACTIONS = (
    ("REPAIRED", "维修", "Repaired"),
    ("PART_REPLACED", "更换零件", "Part replaced"),
    ("ADJUSTED", "调整参数", "Adjusted"),
    ("MATERIAL_REPLACED", "更换物料", "Material replaced"),
    ("CLEANED", "清洁保养", "Cleaned"),
    ("RETRAINED", "培训操作员", "Operator retrained"),
)

# What an inspector finds wrong with a unit (kind "defect"), named by the characteristics
# of the inspection plans below.
_DEFECTS = (
    ("SOLDER_BRIDGE", "连锡", "Solder bridge"),
    ("INSUFFICIENT_SOLDER", "少锡", "Insufficient solder"),
    ("TOMBSTONE", "立碑", "Tombstone"),
    ("MISSING_PART", "缺件", "Missing part"),
    ("WRONG_PART", "错件", "Wrong part"),
    ("REVERSED_POLARITY", "极性反", "Reversed polarity"),
    ("SCRATCH", "划伤", "Scratch"),
    ("WRONG_LABEL", "标签错误", "Wrong label"),
)


def _variable(
    code: str,
    names: tuple[str, str],
    limits: tuple[float, float, float],  # lsl, nominal, usl
    unit: str,
    decimals: int,
    gauge: str,
) -> dict[str, Any]:
    lsl, nominal, usl = limits
    return {
        "code": code,
        "name_zh": names[0],
        "name_en": names[1],
        "kind": "variable",
        "nominal": nominal,
        "lsl": lsl,
        "usl": usl,
        "unit": unit,
        "decimals": decimals,
        "gauge": gauge,
    }


def _attribute(code: str, names: tuple[str, str], *defects: str) -> dict[str, Any]:
    return {"code": code, "name_zh": names[0], "name_en": names[1], "defects": list(defects)}


# Inspection plans, as the hub's import takes them: a first article after the MC-200
# placement (SOP-SMT-001 step 4), patrols at its reflow and at the GW-310 assembly (both at
# the demo station), and the GW-310's final inspection at its test and pack.
_INSPECTION_PLANS: tuple[dict[str, Any], ...] = (
    {
        "code": "FA-MC200-SMT",
        "item_code": "FG-MC200",
        "operation_seq": 10,
        "kind": "first_article",
        "characteristics": [
            _variable(
                "PASTE_H", ("锡膏厚度", "Solder paste height"), (100, 120, 140), "µm", 0, "SPI"
            ),
            _variable(
                "U1_OFFSET",
                ("U1 贴装偏移", "U1 placement offset"),
                (-0.08, 0.0, 0.08),
                "mm",
                3,
                "AOI",
            ),
            _attribute(
                "PLACEMENT",
                ("元件贴装（对照 BOM）", "Parts placed as per the BOM"),
                "MISSING_PART",
                "WRONG_PART",
                "REVERSED_POLARITY",
            ),
            _attribute(
                "PASTE_PRINT",
                ("锡膏印刷", "Solder paste print"),
                "SOLDER_BRIDGE",
                "INSUFFICIENT_SOLDER",
            ),
        ],
    },
    {
        "code": "PT-MC200-REFLOW",
        "item_code": "FG-MC200",
        "operation_seq": 20,
        "kind": "patrol",
        "every_minutes": 30,
        "sample_size": 2,
        "characteristics": [
            _attribute(
                "JOINTS",
                ("焊点（出炉目检）", "Solder joints after reflow"),
                "SOLDER_BRIDGE",
                "INSUFFICIENT_SOLDER",
                "TOMBSTONE",
            ),
        ],
    },
    {
        "code": "PT-GW310-ASM",
        "item_code": "FG-GW310",
        "operation_seq": 30,
        "kind": "patrol",
        "every_units": 10,
        "characteristics": [
            _variable(
                "PCBA_TORQUE",
                ("PCBA 螺丝扭力", "PCBA screw torque"),
                (0.45, 0.5, 0.55),
                "N·m",
                2,
                "扭力测试仪 torque tester",
            ),
            _attribute("THERMAL_PAD", ("U1 导热垫", "Thermal pad on U1"), "MISSING_PART"),
            _attribute("HOUSING", ("外壳外观", "Housing appearance"), "SCRATCH"),
        ],
    },
    {
        "code": "FI-GW310",
        "item_code": "FG-GW310",
        "operation_seq": 40,
        "kind": "final",
        "aql": "1.0",
        "level": "II",
        "characteristics": [
            _variable(
                "IDLE_CURRENT",
                ("24 V 空载电流", "Idle current at 24 V"),
                (80, 100, 120),
                "mA",
                0,
                "FCT",
            ),
            _attribute("LINK", ("网口与 RS-485 通信", "Ethernet link and RS-485")),
            _attribute("APPEARANCE", ("整机外观", "Unit appearance"), "SCRATCH"),
            _attribute(
                "LABEL_PACK",
                ("SN 标签与包装", "SN label and packing"),
                "WRONG_LABEL",
                "MISSING_PART",
            ),
        ],
    },
)

# Preventive maintenance: code, equipment, titles, (every days, run hours, units).
_MAINTENANCE_PLANS = (
    ("PM-PNP-NOZZLE", "SMT1-PNP", "吸嘴清洁", "Clean the nozzles", (None, 8.0, None)),
    ("PM-PNP-MONTHLY", "SMT1-PNP", "月度保养", "Monthly service", (30, None, None)),
    ("PM-REFLOW-CHAIN", "SMT1-REFLOW", "链条润滑", "Lubricate the chain", (None, None, 5000)),
    ("PM-SCREW-CAL", "ASM1-SCREW", "扭矩校准", "Torque calibration", (7, None, None)),
)

# Machine programs: code, version, file name, body. The routing names which one an
# operation needs (its least version).
_NC_PROGRAMS = (
    (
        "PNP-MC200",
        3,
        "MC200_TOP_R3.pnp",
        "; MC-200 motor controller, top side, rev 3\nBOARD MC200-C 120.0x80.0\n"
        "FIDUCIAL 5.0 5.0\nFIDUCIAL 115.0 75.0\n"
        "PLACE U1 IC-STM32F407 LQFP100 60.20 40.10 0\n"
        "PLACE U2 IC-DRV8323 QFN40 88.50 22.75 90\n"
        "PLACE C1-C24 CAP-0402-104 ARRAY 4x6 10.00 10.00 2.54\nEND\n",
    ),
    (
        "PNP-GW310",
        2,
        "GW310_TOP_R2.pnp",
        "; GW-310 gateway, top side, rev 2\nBOARD GW310-B 100.0x70.0\n"
        "PLACE U1 IC-STM32F407 LQFP100 50.00 35.00 0\nPLACE J1 CON-RJ45 THT 5.00 30.00 270\n"
        "END\n",
    ),
    (
        "TQ-CB200",
        1,
        "O1200.nc",
        "O1200 (CB-200 BOX SCREWS M3X8)\nN10 G90 G21\nN20 T1 M06 (TORQUE 0.60 NM)\n"
        "N30 G00 X10.0 Y10.0\nN40 M71\nN50 G00 X110.0 Y10.0\nN60 M71\n"
        "N70 G00 X110.0 Y70.0\nN80 M71\nN90 G00 X10.0 Y70.0\nN100 M71\nN110 M30\n",
    ),
)

# Equipment at the work centers: code, name, work center, kind.
_EQUIPMENT = (
    ("SMT1-PNP", "贴片机 Yamaha YSM20R", "WC-SMT", "pick_and_place"),
    ("SMT1-REFLOW", "回流焊炉 Heller 1809 MK5", "WC-SMT", "reflow_oven"),
    ("ASM1-SCREW", "电批工作台 Screwdriver station", "WC-ASM", "screwdriver"),
    ("TST1-FCT", "功能测试台 FCT rack", "WC-TEST", "tester"),
)

# Daily checks (点检) of the demo machines: code, Chinese, English, and for a reading its
# limits and unit (None: a pass/fail item). Only `kiosk demo` gives them to its station;
# the demo plant of the tests has none, so its operations start without a check.
_DAILY_CHECKS: dict[str, tuple[tuple[str, str, str, tuple[float, float, str] | None], ...]] = {
    "SMT1-PNP": (
        ("NOZZLES", "吸嘴无堵塞、无磨损", "Nozzles clear, not worn", None),
        ("AIR", "气源压力", "Air pressure", (0.45, 0.65, "MPa")),
        ("FEEDERS", "飞达安装到位并锁紧", "Feeders seated and locked", None),
    ),
    "SMT1-REFLOW": (
        ("PEAK", "峰值温区实测温度", "Peak zone temperature", (235.0, 250.0, "°C")),
        ("EXHAUST", "排风正常", "Exhaust working", None),
    ),
    "ASM1-SCREW": (
        ("TORQUE", "扭矩测试块读数", "Torque on the test block", (0.55, 0.65, "N·m")),
        ("GUARD", "安全防护完好", "Guards in place", None),
    ),
}

# The finished SMT work seeded as history: this order's boards, and the lots its
# placement used (by lot serial).
_HISTORY_ORDER = 31
_HISTORY_LOTS = (44, 38, 40, 41, 47, 55)


class _Lot(NamedTuple):
    serial: int
    item_code: str
    qty: float
    received_days_ago: int
    expires_in_days: int | None
    supplier: str
    status: LotStatus = LotStatus.RELEASED


_LOTS = (
    _Lot(42, "PCB-MC200-C", 1200, 20, 180, "深圳鑫和电路 Shenzhen Xinhe Circuits"),
    _Lot(57, "PCB-MC200-C", 800, 6, 240, "深圳鑫和电路 Shenzhen Xinhe Circuits"),
    _Lot(44, "PCB-GW310-B", 600, 18, 200, "景旺电子 Kinwong Electronic"),
    _Lot(38, "IC-STM32F407", 1000, 25, None, "Arrow Electronics (Shanghai)"),
    # IQC hold: top marking does not match the datasheet, waiting for supplier answer.
    _Lot(61, "IC-STM32F407", 500, 3, None, "世平 WPG China", LotStatus.ON_HOLD),
    _Lot(39, "IC-DRV8323", 1500, 25, None, "Avnet Asia"),
    _Lot(40, "CAP-0402-104", 50000, 24, None, "Murata via WPG"),
    _Lot(41, "RES-0603-103", 40000, 24, None, "国巨 Yageo"),
    _Lot(12, "SP-SAC305", 0, 52, 4, "Indium Corp. (Suzhou)", LotStatus.CONSUMED),
    # Still "released": expiry is checked by date, so this one must be refused at the line.
    _Lot(29, "SP-SAC305", 500, 40, -2, "Indium Corp. (Suzhou)"),
    _Lot(55, "SP-SAC305", 500, 8, 25, "Indium Corp. (Suzhou)"),
    _Lot(47, "CON-RJ45", 1200, 15, None, "Bel Fuse Asia"),
    _Lot(33, "SCR-M3X8", 20000, 30, None, "昆山嘉和五金 Kunshan Jiahe Hardware"),
    _Lot(48, "ENC-GW310", 400, 14, None, "宁波永鑫压铸 Ningbo Yongxin Die-Casting"),
    _Lot(50, "ENC-CB200", 300, 12, None, "余姚华塑 Yuyao Huasu Plastics"),
    _Lot(36, "TIM-PAD-20", 2000, 28, 300, "Laird Thermal Systems"),
    _Lot(34, "LBL-SN-3015", 10000, 30, 330, "苏州印通标签 Suzhou Yintong Labels"),
    _Lot(52, "CTN-220", 800, 10, None, "东莞华鑫包装 Dongguan Huaxin Packaging"),
)

# --- SOPs -------------------------------------------------------------------------------


class _Sop(NamedTuple):
    code: str
    version: int
    language: str
    effective_days_ago: int
    title: str
    body: str


_SMT_001_EN = """\
# SOP-SMT-001 SMT line set-up and placement

**Scope:** all PCBA placement jobs on the SMT line (WC-SMT).

> ⚠ **Safety:** wear a grounded ESD wrist strap and ESD smock at all times. Never reach into
> the placement machine while the gantry is live: open the front cover only with the machine
> in STOP and the interlock engaged.

## Steps

1. Check that the work order and the placement program on the machine match the board
   revision on the traveller (e.g. `MC200_RC_TOP`).
2. Take the solder paste from the fridge, write the time on the jar label and let it warm up
   unopened for at least 4 h. Stir 2–3 min before use.
3. Load the feeders as per the feeder list. **Scan the reel lot label and the feeder slot**
   for every reel: the terminal refuses an expired or held lot.
4. Print the first board and check the paste deposit on the SPI; place it and call IPQC for
   the first-article inspection.
5. Start the run only after IPQC has recorded the first article as pass.
6. At every reel change, scan the new reel before splicing.

## Solder paste handling

| Item | Limit |
|---|---|
| Storage | 2–10 °C, sealed |
| Warm-up before opening | ≥ 4 h at room temperature |
| Opened jar, on the stencil | use within 8 h |
| Opened jar, total | 24 h, then scrap |

![Feeder layout, MC-200 top side](fig1.png)
"""

_SMT_001_ZH = """\
# SOP-SMT-001 SMT 上料与贴装

**适用范围:** 贴片线（WC-SMT）所有 PCBA 贴装作业。

> ⚠ **安全注意:** 全程佩戴接地的防静电手环和防静电服。设备运行时严禁将手伸入贴片机内；
> 只有在设备处于停止状态且安全联锁生效时才能打开前盖。

## 作业步骤

1. 核对工单和贴片机上的程序名与流程卡上的板号版本一致（例如 `MC200_RC_TOP`）。
2. 从冰箱取出锡膏，在标签上写明取出时间，未开封回温至少 4 小时；使用前搅拌 2–3 分钟。
3. 按站位表上料。**每一盘料都要扫描料盘批次标签和飞达站位**：过期或冻结的批次终端会拒绝。
4. 印刷首片并用 SPI 检查锡膏，贴装后通知 IPQC 做首件检验。
5. IPQC 记录首件合格后才能开始批量生产。
6. 每次换料，接料前必须先扫描新料盘。

## 锡膏管控

| 项目 | 要求 |
|---|---|
| 储存 | 2–10 °C，密封 |
| 开封前回温 | 室温 ≥ 4 小时 |
| 开封后在钢网上 | 8 小时内用完 |
| 开封后总时限 | 24 小时，超时报废 |

![MC-200 顶面站位图](fig1.png)
"""

_SMT_002_EN = """\
# SOP-SMT-002 Reflow soldering and AOI

> ⚠ **Safety:** oven covers and boards leaving the oven are above 100 °C: use heat-resistant
> gloves. Keep fingers away from the conveyor edges (pinch point).

## Steps

1. At shift start, select the oven recipe for the board (`SAC305_4L_STD`) and wait for
   READY (all zones within ±3 °C).
2. Run the profile board with the thermocouple logger, compare with the table below and
   attach the printout to the shift record.
3. Load the AOI program for the board revision and check that the golden board passes.
4. Review every AOI NG call: confirm a real defect (red dot sticker) or release a false call.
5. Send boards with real defects to the rework bench with the defect code. Report them as
   scrap only when rework is not allowed for that defect.

## Reflow profile (SAC305)

| Zone | Target |
|---|---|
| Preheat ramp | 1–3 °C/s |
| Soak 150–200 °C | 60–120 s |
| Time above liquidus (217 °C) | 45–75 s |
| Peak temperature | 240–250 °C |
| Cooling rate | ≤ 4 °C/s |

![Thermocouple positions on the profile board](fig1.png)
"""

_SMT_002_ZH = """\
# SOP-SMT-002 回流焊与 AOI 检测

> ⚠ **安全注意:** 炉盖和出炉的板子温度超过 100 °C，必须戴隔热手套。手指远离传送带边缘（夹手危险）。

## 作业步骤

1. 开班时选择对应板子的炉温程序（`SAC305_4L_STD`），等待 READY（各温区在 ±3 °C 以内）。
2. 用测温板和炉温测试仪测量炉温曲线，与下表对比，并将打印结果附在交接班记录上。
3. 调用对应板号版本的 AOI 程序，确认标准板（金板）检测通过。
4. 逐一复判 AOI 报警：确认真实不良（贴红点标签）或放行误报。
5. 真实不良的板子连同不良代码送维修台；只有该不良不允许返修时才报废。

## 炉温曲线（SAC305）

| 区段 | 目标 |
|---|---|
| 预热升温速率 | 1–3 °C/s |
| 恒温区 150–200 °C | 60–120 s |
| 液相线以上时间（217 °C） | 45–75 s |
| 峰值温度 | 240–250 °C |
| 冷却速率 | ≤ 4 °C/s |

![测温板热电偶位置](fig1.png)
"""


def _asm_001_en(version: int) -> str:
    board_torque = "0.5 N·m ±10%" if version >= 2 else "0.6 N·m ±10%"
    change = (
        "> **Changed in v2:** PCBA screw torque lowered from 0.6 to 0.5 N·m (threads stripped in\n"
        "> the die-cast housing); thermal pad check added to step 3.\n\n"
        if version >= 2
        else ""
    )
    pad_step = (
        "3. Peel the liner off the thermal pad (TIM-PAD-20) and press it centred on U1 (MCU).\n"
        "   **Check:** no air bubbles, no overhang onto C14/C15.\n"
        if version >= 2
        else "3. Apply the thermal pad (TIM-PAD-20) on U1 (MCU).\n"
    )
    return f"""\
# SOP-ASM-001 GW-310 final assembly

{change}> ⚠ **Safety:** ESD wrist strap required. Only the team lead sets the torque of the electric
> screwdriver: do not turn the clutch ring. Wear cut-resistant gloves when handling housings.

## Steps

1. Scan the work order and the SN label on the PCBA.
2. Check the PCBA visually: no missing parts, no solder bridges on J1/J2 (RJ45).
{pad_step}4. Place the PCBA in the housing with the RJ45 ports through the front cut-outs.
5. Fasten the 4 PCBA screws in cross order (1-3-2-4), torque as per the table.
6. Fit the cover and fasten the 4 cover screws.
7. Report good and scrap quantities on the terminal; give a reason for every scrap.

## Torque values

| Fastener | Position | Torque | Tool |
|---|---|---|---|
| M3×8 (SCR-M3X8) | PCBA to housing, 4× | {board_torque} | e-screwdriver, PH1 bit |
| M3×8 (SCR-M3X8) | Cover, 4× | 0.6 N·m ±10% | e-screwdriver, PH1 bit |
| M4 nut | Earth stud, rear | 1.2 N·m ±10% | torque wrench, 7 mm |

![Screw order, top view](fig1.png)
"""


def _asm_001_zh(version: int) -> str:
    board_torque = "0.5 N·m ±10%" if version >= 2 else "0.6 N·m ±10%"
    change = (
        "> **v2 变更:** PCBA 固定螺丝扭力由 0.6 N·m 降为 0.5 N·m（压铸外壳出现滑牙）；"
        "第 3 步增加导热垫检查。\n\n"
        if version >= 2
        else ""
    )
    pad_step = (
        "3. 撕去导热垫（TIM-PAD-20）离型膜，居中贴在 U1（主控芯片）上。\n"
        "   **检查:** 无气泡，不得搭到 C14/C15。\n"
        if version >= 2
        else "3. 在 U1（主控芯片）上贴导热垫（TIM-PAD-20）。\n"
    )
    return f"""\
# SOP-ASM-001 GW-310 整机装配

{change}> ⚠ **安全注意:** 必须佩戴防静电手环。电批扭力只能由班组长设定，禁止自行调节离合环。
> 搬运外壳时佩戴防割手套。

## 作业步骤

1. 扫描工单和 PCBA 上的 SN 标签。
2. 目检 PCBA：无缺件，J1/J2（网口）无连锡。
{pad_step}4. 将 PCBA 放入外壳，网口从前面板开孔穿出。
5. 按对角顺序（1-3-2-4）锁紧 4 颗 PCBA 螺丝，扭力见下表。
6. 装上盖板，锁紧 4 颗盖板螺丝。
7. 在终端上报良品数和报废数，每个报废都要选择原因。

## 扭力要求

| 紧固件 | 位置 | 扭力 | 工具 |
|---|---|---|---|
| M3×8（SCR-M3X8） | PCBA 固定，4 颗 | {board_torque} | 电批，PH1 批头 |
| M3×8（SCR-M3X8） | 盖板，4 颗 | 0.6 N·m ±10% | 电批，PH1 批头 |
| M4 螺母 | 背面接地柱 | 1.2 N·m ±10% | 扭力扳手，7 mm |

![锁付顺序（俯视图）](fig1.png)
"""


_ASM_002_EN = """\
# SOP-ASM-002 CB-200 controller box assembly

> ⚠ **Safety:** ESD wrist strap required. Do not power the board on the assembly bench:
> the motor outputs carry 48 V DC during test.

## Steps

1. Scan the work order and the SN of the tested MC-200 board.
2. Apply the 2 thermal pads (TIM-PAD-20) on Q1–Q6 (MOSFET row), liner side up, then remove
   the liner.
3. Place the board on the 4 bosses of the base; the terminal block faces the cable gland.
4. Fasten the 4 board screws, then fit the lid and fasten the 4 lid screws (torque as per
   the table).
5. Check that the lid gasket is seated all round with no gap.
6. Report good and scrap quantities on the terminal.

## Torque values

| Fastener | Position | Torque |
|---|---|---|
| M3×8 (SCR-M3X8) | Board to base, 4× | 0.45 N·m ±10% |
| M3×8 (SCR-M3X8) | Lid, 4× | 0.5 N·m ±10% |
| Cable gland M16 | Side | 2.5 N·m |

![Thermal pad position on Q1–Q6](fig1.png)
"""

_ASM_002_ZH = """\
# SOP-ASM-002 CB-200 控制盒装配

> ⚠ **安全注意:** 必须佩戴防静电手环。装配台上禁止给板子通电：测试时电机输出端为 48 V 直流。

## 作业步骤

1. 扫描工单和已测试 MC-200 板的 SN。
2. 在 Q1–Q6（MOS 管一排）上贴 2 片导热垫（TIM-PAD-20），离型膜朝上，贴好后撕掉离型膜。
3. 将板子放在底壳的 4 个螺柱上，接线端子朝向电缆防水接头。
4. 先锁 4 颗板子螺丝，再装上盖并锁 4 颗上盖螺丝（扭力见下表）。
5. 检查上盖密封圈一圈到位，无缝隙。
6. 在终端上报良品数和报废数。

## 扭力要求

| 紧固件 | 位置 | 扭力 |
|---|---|---|
| M3×8（SCR-M3X8） | 板子固定，4 颗 | 0.45 N·m ±10% |
| M3×8（SCR-M3X8） | 上盖，4 颗 | 0.5 N·m ±10% |
| M16 电缆防水接头 | 侧面 | 2.5 N·m |

![Q1–Q6 导热垫位置](fig1.png)
"""

_TST_001_EN = """\
# SOP-TST-001 Functional test and packing

> ⚠ **Safety:** the hi-pot tester applies 1500 V AC. Only trained operators may run it;
> start it with both hands on the two-hand buttons and never touch the fixture while the red
> lamp is on.

## Steps

1. Scan the SN of the unit; the test program is chosen from the item code.
2. Place the unit in the fixture, close the lid and press START. The test runs by itself.
3. **PASS:** print the SN label, stick it on the rear panel, put the unit in an ESD bag and
   a carton (CTN-220) and scan the carton label.
4. **FAIL:** put the unit in the red bin with the printed failure ticket. Report it as scrap
   only after the team lead has judged it.
5. Report good and scrap quantities on the terminal at the end of each carton batch.

## Test limits

| Test | Limit |
|---|---|
| Supply current, idle at 24 V | 80–120 mA |
| Hi-pot 1500 V AC, 1 s | leakage < 5 mA |
| Ethernet link (GW-310) | 100 Mbit/s, 0 errors in 1000 frames |
| RS-485 loopback | pass |

![Fixture and two-hand start buttons](fig1.png)
"""

_TST_001_ZH = """\
# SOP-TST-001 功能测试与包装

> ⚠ **安全注意:** 耐压测试仪输出 1500 V 交流电，只有经过培训的人员才能操作；
> 必须双手按下双手启动按钮，红灯亮时严禁触碰治具。

## 作业步骤

1. 扫描产品 SN，测试程序根据物料号自动选择。
2. 将产品放入治具，关上压盖，按 START，测试自动进行。
3. **PASS:** 打印 SN 标签贴在后面板上，装入防静电袋和纸箱（CTN-220），扫描箱标签。
4. **FAIL:** 将产品连同打印的不良单放入红色不良品盒；经班组长判定后才能报废。
5. 每装完一箱在终端上报良品数和报废数。

## 测试标准

| 测试项 | 标准 |
|---|---|
| 24 V 空载电流 | 80–120 mA |
| 耐压 1500 V AC，1 s | 漏电流 < 5 mA |
| 网口链接（GW-310） | 100 Mbit/s，1000 帧 0 错误 |
| RS-485 回环 | 通过 |

![治具与双手启动按钮](fig1.png)
"""

_SOPS = (
    _Sop("SOP-SMT-001", 1, "en", 200, "SMT line set-up and placement", _SMT_001_EN),
    _Sop("SOP-SMT-001", 1, "zh_CN", 200, "SMT 上料与贴装", _SMT_001_ZH),
    _Sop("SOP-SMT-002", 1, "en", 200, "Reflow soldering and AOI", _SMT_002_EN),
    _Sop("SOP-SMT-002", 1, "zh_CN", 200, "回流焊与 AOI 检测", _SMT_002_ZH),
    _Sop("SOP-ASM-001", 1, "en", 150, "GW-310 final assembly", _asm_001_en(1)),
    _Sop("SOP-ASM-001", 1, "zh_CN", 150, "GW-310 整机装配", _asm_001_zh(1)),
    _Sop("SOP-ASM-001", 2, "en", 3, "GW-310 final assembly", _asm_001_en(2)),
    _Sop("SOP-ASM-001", 2, "zh_CN", 3, "GW-310 整机装配", _asm_001_zh(2)),
    _Sop("SOP-ASM-002", 1, "en", 90, "CB-200 controller box assembly", _ASM_002_EN),
    _Sop("SOP-ASM-002", 1, "zh_CN", 90, "CB-200 控制盒装配", _ASM_002_ZH),
    _Sop("SOP-TST-001", 1, "en", 120, "Functional test and packing", _TST_001_EN),
    _Sop("SOP-TST-001", 1, "zh_CN", 120, "功能测试与包装", _TST_001_ZH),
)

# --- building rows ----------------------------------------------------------------------


def _users() -> list[User]:
    rows: list[User] = []
    for demo in (*DEMO_BADGES, DEMO_LEFT_BADGE):
        rows.append(
            User(
                id=_id(f"user/{demo.badge}"),
                employee_no=_EMPLOYEE_NO[demo.badge],
                name=demo.name,
                role=demo.role,
                language=demo.language,
                badge_hash=badge_hash(demo.badge),
                pin_hash=pin_hash(demo.pin) if demo.pin is not None else None,
                active=demo is not DEMO_LEFT_BADGE,
            )
        )
    return rows


def _work_orders(today: date) -> tuple[list[WorkOrder], list[Operation], list[BomLine]]:
    orders: list[WorkOrder] = []
    operations: list[Operation] = []
    bom_lines: list[BomLine] = []
    for order in _ORDERS:
        key = f"wo/{order.serial}"
        orders.append(
            WorkOrder(
                id=_id(key),
                number=f"WO-{today:%y%m}-{order.serial:04d}",
                item_code=order.item_code,
                qty_planned=order.qty,
                priority=order.priority,
                due_date=today + timedelta(days=order.due_in_days),
                status=order.status,
            )
        )
        for index, step in enumerate(_ROUTINGS[order.item_code]):
            operation = Operation(
                id=_id(f"{key}/op/{step.seq}"),
                work_order_id=_id(key),
                seq=step.seq,
                name=step.name,
                work_center=step.work_center,
                qty_planned=order.qty,
                sop_code=step.sop_code,
                binds_serials=bool(step.serials),
                needs_previous_op=step.serials == "after",
                nc_program=step.nc[0] if step.nc else None,
                nc_version=step.nc[1] if step.nc else None,
            )
            if order.status == WorkOrderStatus.CANCELLED:
                operation.status = OperationStatus.CANCELLED
            elif index < order.ops_done:
                operation.status = OperationStatus.DONE
                operation.qty_good = order.qty
                operation.qty_scrap = order.scrap if index == 0 else 0
            else:
                operation.status = OperationStatus.PENDING
                operation.qty_good = order.progress if index == order.ops_done else 0
            operations.append(operation)
            bom_lines.extend(
                BomLine(
                    id=_id(f"{key}/op/{step.seq}/bom/{item_code}"),
                    operation_id=operation.id,
                    item_code=item_code,
                    qty_per_unit=qty_per_unit,
                )
                for item_code, qty_per_unit in step.bom
            )
    return orders, operations, bom_lines


def _lots(today: date) -> list[MaterialLot]:
    rows: list[MaterialLot] = []
    for lot in _LOTS:
        received = today - timedelta(days=lot.received_days_ago)
        expires = (
            today + timedelta(days=lot.expires_in_days) if lot.expires_in_days is not None else None
        )
        rows.append(
            MaterialLot(
                id=_id(f"lot/{lot.serial}"),
                lot_no=f"L{received:%y%m}-{lot.serial:04d}",
                item_code=lot.item_code,
                qty=lot.qty,
                status=lot.status,
                expires_on=expires,
                supplier=lot.supplier,
            )
        )
    return rows


def _sops(today: date) -> list[SopDocument]:
    return [
        SopDocument(
            id=_id(f"sop/{sop.code}/{sop.version}/{sop.language}"),
            code=sop.code,
            version=sop.version,
            language=sop.language,
            title=sop.title,
            body=sop.body,
            effective_from=today - timedelta(days=sop.effective_days_ago),
        )
        for sop in _SOPS
    ]


def seed_demo(store: Store, today: date, daily_checks: bool = False) -> None:
    """Fill an empty store with the demo plant; refuse a store that already has data.
    `daily_checks` gives the machines their daily check items and the items their inspection
    plans (`kiosk demo` does): both hold work up until done, which the tests' plant must not."""
    users = _users()  # PIN hashing is slow: do it before taking the write lock
    orders, operations, bom_lines = _work_orders(today)
    groups: tuple[list[SQLModel], ...] = (
        list(users),
        [WorkCenter(code=code, name=name) for code, name in _WORK_CENTERS],
        [Item(code=code, description=text, unit=unit) for code, text, unit in _ITEMS],
        list(orders),
        list(operations),
        list(bom_lines),
        list(_lots(today)),
        list(_sops(today)),
        [
            ReferenceRecord(entity=r.entity, key=r.key, data=json.dumps(r.data, ensure_ascii=False))
            for r in _lists(daily_checks)
        ],
        _history(today, orders, operations),
    )
    with store.write() as session:
        if session.exec(select(WorkCenter).limit(1)).first() is not None:
            raise ValueError("store already has data")
        # Flushed group by group, parents first: the tables declare foreign keys but no
        # relationships, so the order of inserts is spelled out rather than inferred.
        for group in groups:
            session.add_all(group)
            session.flush()


def _check_items(equipment: str) -> list[dict[str, Any]]:
    return [
        {
            "code": code,
            "text_zh": zh,
            "text_en": en,
            "kind": "pass_fail" if reading is None else "value",
            "lsl": None if reading is None else reading[0],
            "usl": None if reading is None else reading[1],
            "unit": "" if reading is None else reading[2],
        }
        for code, zh, en, reading in _DAILY_CHECKS.get(equipment, ())
    ]


def _lists(daily_checks: bool) -> list[DemoRecord]:
    """Reference data the station keeps as plain records: reason codes, equipment, plans."""
    records = [
        DemoRecord(
            "reason_code",
            f"scrap:{code}",
            (),
            {"kind": "scrap", "code": code, "name_zh": zh, "name_en": en},
        )
        for code, zh, en in _SCRAP_REASONS
    ]
    for kind, reasons in (
        ("stop", _STOP_REASONS),
        ("cause", _CAUSES),
        ("action", _ACTIONS),
        ("defect", _DEFECTS),
    ):
        records += [
            DemoRecord(
                "reason_code",
                f"{kind}:{code}",
                (),
                {"kind": kind, "code": code, "name_zh": zh, "name_en": en},
            )
            for code, zh, en in reasons
        ]
    records += [
        DemoRecord(
            "equipment",
            code,
            (center,),
            {
                "code": code,
                "name": name,
                "work_center": center,
                "kind": kind,
                "daily_check": _check_items(code) if daily_checks else [],
            },
        )
        for code, name, center, kind in _EQUIPMENT
    ]
    center_of = {code: center for code, _, center, _ in _EQUIPMENT}
    records += [
        DemoRecord(
            "maintenance_plan",
            code,
            (center_of[equipment],),
            {
                "code": code,
                "equipment": equipment,
                "title_zh": zh,
                "title_en": en,
                "every_days": days,
                "every_run_hours": hours,
                "every_units": units,
            },
        )
        for code, equipment, zh, en, (days, hours, units) in _MAINTENANCE_PLANS
    ]
    records += [
        DemoRecord(
            "nc_program",
            f"{code}:{version}",
            (),
            {
                "code": code,
                "version": version,
                "file_name": file_name,
                "checksum": hashlib.sha256(body.encode()).hexdigest(),
                "body": body,
            },
        )
        for code, version, file_name, body in _NC_PROGRAMS
    ]
    if daily_checks:
        records += [
            DemoRecord(
                "inspection_plan",
                plan["code"],
                (),
                InspectionPlanRecord(id=_id(f"ip/{plan['code']}"), **plan).model_dump(mode="json"),
            )
            for plan in _INSPECTION_PLANS
        ]
    return records


def _history(today: date, orders: list[WorkOrder], operations: list[Operation]) -> list[SQLModel]:
    """The SMT work of one overdue order, done yesterday: lots loaded, boards bound."""
    key = f"wo/{_HISTORY_ORDER}"
    order = next(o for o in orders if o.id == _id(key))
    placement, reflow = [op for op in operations if op.work_order_id == order.id][:2]
    start = datetime.combine(today - timedelta(days=1), time(0, 30), tzinfo=UTC)
    operator = _id("user/E1002")
    lots = {lot.id: lot for lot in _lots(today)}
    rows: list[SQLModel] = [
        MaterialLoad(
            id=_id(f"{key}/load/{serial}"),
            operation_id=placement.id,
            lot_no=lots[_id(f"lot/{serial}")].lot_no,
            item_code=lots[_id(f"lot/{serial}")].item_code,
            qty=0.0,
            loaded_at=start,
            user_id=operator,
        )
        for serial in _HISTORY_LOTS
    ]
    rows += [
        SerialUnit(
            id=_id(f"{key}/unit/{n}"),
            sn=demo_serial(today, _HISTORY_ORDER, n),
            operation_id=reflow.id,
            work_order_id=order.id,
            equipment="SMT1-PNP, SMT1-REFLOW",
            bound_at=start + timedelta(minutes=2 * n),
            user_id=operator,
        )
        for n in range(1, order.qty_planned + 1)
    ]
    return rows


def demo_serial(today: date, order: int, unit: int) -> str:
    """A demo unit's serial number, as the plant's pattern wants it: SN261100310017."""
    return f"SN{today:%y%m}{order:04d}{unit:04d}"


# --- the same plant as the hub would send it -------------------------------------------


class DemoRecord(NamedTuple):
    """One reference record as a hub holds it: `kiosk demo --hub` loads these into its hub."""

    entity: str
    key: str
    scope: tuple[str, ...]  # the work centers it concerns; empty for every station
    data: dict[str, Any]


def _record_data(entity: str, row: SQLModel) -> dict[str, Any]:
    fields = set(RECORD_TYPES[entity].model_fields)
    return dict(row.model_dump(mode="json", include=fields))


def demo_reference(today: date) -> list[DemoRecord]:
    """The demo plant as hub records, with the ids `seed_demo` gives the station's rows, so a
    demo station and a demo hub agree on every operation and lot."""
    orders, operations, bom_lines = _work_orders(today)
    number = {order.id: order.number for order in orders}
    centers = {op.id: op.work_center for op in operations}
    by_order: dict[str, set[str]] = {}
    for op in operations:
        by_order.setdefault(op.work_order_id, set()).add(op.work_center)
    op_key = {op.id: f"{number[op.work_order_id]}:{op.seq}" for op in operations}
    records = [
        DemoRecord("work_center", code, (code,), {"code": code, "name": name})
        for code, name in _WORK_CENTERS
    ]
    records += [
        DemoRecord("item", code, (), {"code": code, "description": text, "unit": unit})
        for code, text, unit in _ITEMS
    ]
    records += [DemoRecord("user", u.employee_no, (), _record_data("user", u)) for u in _users()]
    records += [
        DemoRecord(
            "work_order", o.number, tuple(sorted(by_order[o.id])), _record_data("work_order", o)
        )
        for o in orders
    ]
    records += [
        DemoRecord("operation", op_key[op.id], (op.work_center,), _record_data("operation", op))
        for op in operations
    ]
    records += [
        DemoRecord(
            "bom_line",
            f"{op_key[line.operation_id]}:{line.item_code}",
            (centers[line.operation_id],),
            _record_data("bom_line", line),
        )
        for line in bom_lines
    ]
    records += [DemoRecord("lot", lot.lot_no, (), _record_data("lot", lot)) for lot in _lots(today)]
    records += [
        DemoRecord("sop", f"{s.code}:{s.version}:{s.language}", (), _record_data("sop", s))
        for s in _sops(today)
    ]
    return records + _lists(daily_checks=True)
