"""A unit's history or a lot's units as a tree: read with the arrows, PgUp/PgDn, Home/End.

A tree because genealogy is one: unit → operations → lots, lot → operations → units. It
draws only the lines in view, and holds a lot's units a hundred at a time: the next hundred
come on Enter on the "more" line that ends them, so a lot of thirty thousand units shows
about as fast as one of ten. On a handheld a line that would not fit is split: its head,
and the rest beneath it. A scrapped unit says so, in its history and among a lot's units.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import NodeID, TreeNode

from kiosk.i18n import Translator
from kiosk.trace_values import BuiltUnit, LotTrace, SerialTrace, UnitStep

_HELD = "bold red"  # a lot on hold, a scrapped unit
_NOT_KNOWN = "italic"
_CHUNK = 100  # a lot's units added at a time


@dataclass(frozen=True)
class More:
    """A "more" line: the units of a load not added yet, from `start`."""

    units: tuple[BuiltUnit, ...]
    start: int


class TraceTree(Tree[More | None]):
    DEFAULT_CSS = """
    TraceTree { height: 1fr; scrollbar-size-vertical: 1; }
    """

    def __init__(self, tr: Translator) -> None:
        super().__init__(Text(tr("trace.title"), style="bold"), id="trace")
        self._tr = tr
        self._compact = False
        self._shown: SerialTrace | LotTrace | None = None
        self._widths: dict[NodeID, int] = {}  # of leaves, by get_label_width

    def set_compact(self, compact: bool) -> None:
        if compact != self._compact:
            self._compact = compact
            self.guide_depth = 2 if compact else 4
            if self._shown is not None:
                self.show(self._shown)

    def show(self, trace: SerialTrace | LotTrace) -> None:
        self._shown = trace
        self._widths.clear()
        if isinstance(trace, SerialTrace):
            self._serial(trace)
        else:
            self._lot(trace)
        self.root.expand()
        self.move_cursor(self.root)
        self.scroll_home(animate=False, immediate=True)

    # A unit: each operation it went through, with its lots.

    def _serial(self, trace: SerialTrace) -> None:
        tr = self._tr
        first = trace.steps[0]
        root = self.reset(
            Text(tr("trace.root_serial", sn=trace.sn, item=first.item_code), style="bold")
        ).root
        root.add_leaf(Text(first.item_description))
        for step in trace.steps:
            where = tr("trace.where", work_order=step.work_order, work_center=step.work_center)
            head = Text(f"{step.seq} {step.operation}", style="bold")
            if step.scrapped:
                head.append(f" {tr('trace.scrapped')}", style=_HELD)
            node = self._pair(root, head, where)
            node.add_leaf(self._scanned(step))
            node.add_leaf(self._operator(step))
            if step.equipment:
                node.add_leaf(Text(tr("trace.equipment", equipment=step.equipment)))
            node.add_leaf(self._times(step))
            if not step.lots:
                node.add_leaf(Text(tr("trace.no_lots"), style=_NOT_KNOWN))
                continue
            lots = node.add(Text(tr("trace.lots", count=len(step.lots))), expand=True)
            for lot in step.lots:
                status = self._status(lot.status)
                tail = Text.assemble(f"{lot.supplier} · ", status) if lot.supplier else status
                head = Text(f"{lot.lot_no} {lot.item_code}")
                if lot.qty > 0:  # 0: the quantity was not recorded
                    head.append(f" ×{lot.qty:g}")
                self._pair(lots, head, tail, leaf=True)

    def _scanned(self, step: UnitStep) -> Text:
        if step.bound_at is None:
            return Text(self._tr("trace.not_scanned"), style=_NOT_KNOWN)
        return Text(self._tr("trace.scanned", time=self._time(step.bound_at)))

    def _operator(self, step: UnitStep) -> Text:
        if not step.operator:
            return Text(self._tr("trace.operator_unknown"), style=_NOT_KNOWN)
        operator = self._tr("trace.operator", name=step.operator, employee_no=step.employee_no)
        return Text(operator)

    def _times(self, step: UnitStep) -> Text:
        tr = self._tr
        started = (
            tr("trace.started", time=self._time(step.started_at))
            if step.started_at is not None
            else tr("trace.not_started")
        )
        finished = (
            tr("trace.finished", time=self._time(step.finished_at))
            if step.finished_at is not None
            else tr("trace.not_finished")
        )
        return Text(f"{started} · {finished}")

    # A lot: what it is, where it was picked for, and the units built from it.

    def _lot(self, trace: LotTrace) -> None:
        tr = self._tr
        root = self.reset(
            Text(tr("trace.root_lot", lot=trace.lot_no, item=trace.item_code), style="bold")
        ).root
        if trace.item_description:
            root.add_leaf(Text(trace.item_description))
        if trace.supplier:
            root.add_leaf(Text(tr("trace.supplier", supplier=trace.supplier)))
        state = Text.assemble(tr("trace.status"), " ", self._status(trace.status))
        if trace.expires_on is not None:
            state.append(" · " + tr("trace.expires", date=trace.expires_on.isoformat()))
        root.add_leaf(state)
        if trace.picks:
            picks = root.add(Text(tr("trace.picks", count=len(trace.picks))), expand=True)
            for pick in trace.picks:
                moved = tr("trace.picked", time=self._time(pick.picked_at))
                if pick.delivered_to is not None and pick.delivered_at is not None:
                    delivered = self._time(pick.delivered_at)
                    where = tr("trace.delivered", work_center=pick.delivered_to, time=delivered)
                    moved = f"{moved} · {where}"
                self._pair(picks, Text(f"{pick.work_order} ×{pick.qty:g}"), moved, leaf=True)
        if not trace.loads:
            root.add_leaf(Text(tr("trace.not_loaded"), style=_NOT_KNOWN))
        for load in trace.loads:
            head = Text(f"{load.work_order} · {load.seq} {load.operation}", style="bold")
            if load.qty > 0:
                head.append(f" ×{load.qty:g}")
            loaded = tr(
                "trace.loaded",
                time=self._time(load.loaded_at),
                count=len(load.units),
            )
            self._units(self._pair(root, head, loaded), load.units, 0, _CHUNK)

    def _units(
        self, parent: TreeNode[More | None], units: tuple[BuiltUnit, ...], start: int, stop: int
    ) -> None:
        """Units `start` to `stop`, then a "more" line for the rest, if any."""
        for unit in units[start:stop]:
            parent.add_leaf(self._unit(unit))
        rest = len(units) - stop
        if rest > 0:
            more = self._tr("trace.more", count=rest, next=min(rest, _CHUNK))
            parent.add_leaf(Text(more, style=_NOT_KNOWN), More(units, stop))

    def _unit(self, unit: BuiltUnit) -> Text:
        when = self._time(unit.bound_at)
        if self._compact:  # the operation is in the line above: room for the time
            line = Text(f"{unit.sn}  {when}")
        else:
            line = Text(self._tr("trace.unit", sn=unit.sn, seq=unit.seq, time=when))
        if unit.scrapped:
            line.append(f" {self._tr('trace.scrapped')}", style=_HELD)
        return line

    def on_tree_node_selected(self, event: Tree.NodeSelected[More | None]) -> None:
        """Enter on a "more" line: it becomes the first of the next units, so the cursor
        stays where it is, on the first unit not seen yet."""
        more = event.node.data
        parent = event.node.parent
        if not isinstance(more, More) or parent is None:
            return
        event.stop()
        event.node.data = None
        event.node.set_label(self._unit(more.units[more.start]))
        self._widths.pop(event.node.id, None)  # measured as the "more" line
        self._units(parent, more.units, more.start + 1, more.start + _CHUNK)

    # Pieces.

    def get_label_width(self, node: TreeNode[More | None]) -> int:
        """Textual measures every line whenever the tree changes: each leaf is measured once
        (its line is its label), so Enter on "more" stays quick after thousands of units."""
        if node.allow_expand:
            return super().get_label_width(node)
        width = self._widths.get(node.id)
        if width is None:
            width = self._widths[node.id] = cell_len(str(node.label))
        return width

    def _pair(
        self, parent: TreeNode[More | None], head: Text, tail: str | Text, leaf: bool = False
    ) -> TreeNode[More | None]:
        """One line `head · tail`, or on a handheld `head` with `tail` beneath it; the node
        returned takes the children (none when `leaf`)."""
        if self._compact:
            node = parent.add(head, expand=True)
            node.add_leaf(Text(tail) if isinstance(tail, str) else tail)
            return node
        line = Text.assemble(head, " · ", tail)
        return parent.add_leaf(line) if leaf else parent.add(line, expand=True)

    def _status(self, status: str | None) -> Text:
        if status is None:
            return Text(self._tr("trace.lot_not_known"), style=_NOT_KNOWN)
        key = f"trace.lot.{status}"
        word = self._tr(key)
        # A status newer than this catalog (a newer hub) reads as it is.
        return Text(status if word == key else word, style=_HELD if status == "on_hold" else "")

    def _time(self, moment: datetime) -> str:
        return moment.astimezone().strftime("%m-%d %H:%M" if self._compact else "%Y-%m-%d %H:%M")
