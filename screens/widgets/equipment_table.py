"""The station's machines: state (coloured), time in it, availability and daily check."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text

from kiosk.daily_check_values import CheckStatus
from kiosk.equipment_values import EquipmentShift, MachineState
from kiosk.i18n import Translator
from screens.widgets.column_table import ColumnTable
from screens.widgets.task_table import format_duration

NOTHING = "—"  # no state recorded yet: the same in every language
STATE_STYLE = {
    MachineState.RUNNING: "bold green",
    MachineState.IDLE: "yellow",
    MachineState.WAITING_MATERIAL: "bold yellow",
    MachineState.CHANGEOVER: "cyan",
    MachineState.DOWN: "bold white on red",
    MachineState.MAINTENANCE: "bold magenta",
}
CHECK_STYLE = {
    CheckStatus.NOT_NEEDED: "dim",
    CheckStatus.TO_DO: "bold yellow",
    CheckStatus.PASSED: "green",
    CheckStatus.FAILED: "bold white on red",
    CheckStatus.RELEASED: "yellow",
}
WIDE_COLUMNS = ("code", "name", "state", "in_state", "availability", "check")
# A handheld (40 columns) sees the machine, its state and how available it was.
COMPACT_COLUMNS = ("code", "state", "availability")


@dataclass(frozen=True)
class EquipmentLine:
    shift: EquipmentShift
    check: CheckStatus


class EquipmentTable(ColumnTable[EquipmentLine]):
    WIDE = WIDE_COLUMNS
    COMPACT = COMPACT_COLUMNS
    LABELS = "equipment.col_"

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr, cursor_type="row", id="equipment")

    def show(self, lines: Sequence[EquipmentLine]) -> None:
        """Redraw in place when the machines are the same ones (the cursor stays put)."""
        lines = tuple(lines)
        same = [self._key(line) for line in lines] == [self._key(line) for line in self._rows]
        self._rows = lines
        if same and self.row_count == len(lines):
            for line in lines:
                cells = self._cells(line)
                for name in self._columns:
                    self.update_cell(self._key(line), name, cells[name], update_width=True)
            return
        self.clear()
        self._add_rows()

    def selected(self) -> EquipmentLine | None:
        if self.row_count == 0:
            return None
        return self._rows[self.cursor_row]

    def select(self, code: str) -> bool:
        """Move the cursor to the machine `code`; False when it is not in the table."""
        for index, line in enumerate(self._rows):
            if line.shift.equipment.code == code:
                self.move_cursor(row=index)
                return True
        return False

    def _cells(self, line: EquipmentLine) -> dict[str, Text | str]:
        shift = line.shift
        state: Text | str = NOTHING
        in_state = NOTHING
        if shift.state is not None:
            state = Text(self._tr(f"state.{shift.state}"), style=STATE_STYLE[shift.state])
            in_state = format_duration(shift.seconds_in_state)
        availability = NOTHING if shift.availability is None else f"{shift.availability:.0%}"
        check = Text(self._tr(f"check.status.{line.check}"), style=CHECK_STYLE[line.check])
        return {
            "code": shift.equipment.code,
            "name": shift.equipment.name,
            "state": state,
            "in_state": in_state,
            "availability": availability,
            "check": check,
        }

    def _key(self, line: EquipmentLine) -> str:
        return line.shift.equipment.code
