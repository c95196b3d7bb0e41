"""Raise an exception in two keys: Ctrl+A opens this, a category's digit (1-5) raises it.

Before the digit the person may set the severity (F2 milder, F3 worse, or s), name the
equipment (F4) and type a note (Tab into it; Enter or Tab comes back). Digits typed in the
note are part of the note: only the category list answers to them. Answers the request, or
None when cancelled (Esc).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker

from kiosk.andon_values import Category, EquipmentChoice, RaiseContext, RaiseRequest, Severity
from kiosk.i18n import Translator
from screens.base import report_worker_failure

CATEGORIES = tuple(Category)  # digit n raises CATEGORIES[n - 1]
SEVERITIES = tuple(Severity)
SEVERITY_STYLE = {
    Severity.LOW: "",
    Severity.MEDIUM: "bold",
    Severity.HIGH: "bold black on yellow",
    Severity.CRITICAL: "bold white on red",
}


class AndonRaise(ModalScreen[RaiseRequest | None]):
    BINDINGS = [
        Binding("escape", "cancel", "key.cancel"),
        Binding("f2", "severity(-1)", "key.andon_milder", key_display="F2"),
        Binding("f3", "severity(1)", "key.andon_worse", key_display="F3"),
        Binding("s", "severity(1, True)", show=False),
        Binding("f4", "equipment", "key.andon_equipment", key_display="F4"),
        *(Binding(str(n), f"choose({n - 1})", show=False) for n in range(1, len(CATEGORIES) + 1)),
    ]
    DEFAULT_CSS = """
    AndonRaise { align: center middle; }
    AndonRaise > Vertical {
        width: 52; max-width: 100%; height: auto; max-height: 100%;
        border: thick $error; background: $surface; padding: 0 1;
    }
    AndonRaise Label, AndonRaise Static { width: 100%; text-wrap: nowrap; text-overflow: ellipsis; }
    AndonRaise #andon-title { text-style: bold; }
    AndonRaise #andon-where { color: $text-muted; }
    AndonRaise OptionList, AndonRaise OptionList:focus { height: auto; border: none; padding: 0; }
    AndonRaise #andon-hint { color: $text-muted; }
    """

    @dataclass
    class ContextLoaded(Message):
        context: RaiseContext

    def __init__(
        self,
        tr: Translator,
        context: Callable[[], RaiseContext],
        operation_id: str | None,
        severity: Severity = Severity.MEDIUM,
    ) -> None:
        super().__init__()
        self._tr = tr
        self._read_context = context
        self._operation_id = operation_id
        self.severity = severity
        self._equipment: tuple[EquipmentChoice, ...] = ()
        self._at = -1  # the equipment named: an index into _equipment, -1 for none
        self._picked = False  # named with F4, not preset because the work center has one
        self._answered = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._tr("andon.raise_title"), id="andon-title")
            yield Static("…", id="andon-where", markup=False)
            yield Static("", id="andon-severity")
            yield Static("", id="andon-equipment", markup=False)
            yield OptionList(
                *(
                    Option(f"{n}  {self._tr(f'category.{category.value}')}")
                    for n, category in enumerate(CATEGORIES, start=1)
                ),
                id="andon-categories",
            )
            yield Input(
                placeholder=self._tr("andon.note_placeholder"),
                max_length=200,
                compact=True,
                id="andon-note",
            )
            yield Static(self._tr("andon.raise_hint"), id="andon-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self._show()
        self._load()

    @work(thread=True, exit_on_error=False, exclusive=True, group="andon-context")
    def _load(self) -> None:
        self.post_message(self.ContextLoaded(self._read_context()))

    def on_andon_raise_context_loaded(self, message: ContextLoaded) -> None:
        context = message.context
        where = self._tr(
            "andon.raise_where", work_center=context.work_center, operation=context.operation
        )
        self.query_one("#andon-where", Static).update(where.rstrip())
        self._equipment = context.equipment
        if not self._picked:
            self._at = 0 if len(context.equipment) == 1 else -1
        self._show()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_worker_failure(self.app, self._tr, event)

    # Before the digit.

    def action_severity(self, step: int, wrap: bool = False) -> None:
        at = SEVERITIES.index(self.severity) + step
        at = at % len(SEVERITIES) if wrap else max(0, min(len(SEVERITIES) - 1, at))
        self.severity = SEVERITIES[at]
        self._show()

    def action_equipment(self) -> None:
        """None, then each of the work center's equipment in turn."""
        if not self._equipment:
            self.app.bell()
            return
        self._at = self._at + 1 if self._at + 1 < len(self._equipment) else -1
        self._picked = True
        self._show()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the note comes back to the categories: it does not raise by itself."""
        event.stop()
        self.query_one(OptionList).focus()

    # The digit (or Enter on a highlighted category) raises it.

    def action_choose(self, index: int) -> None:
        if 0 <= index < len(CATEGORIES):
            self._raise(CATEGORIES[index])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._raise(CATEGORIES[event.option_index])

    def _raise(self, category: Category) -> None:
        if self._answered:  # a second digit before the screen went: one exception
            return
        self._answered = True
        equipment = self._named()
        if not self._picked and category is not Category.EQUIPMENT:
            equipment = ""  # the one machine there is named only for an equipment problem
        note = self.query_one("#andon-note", Input).value.strip()
        self.dismiss(RaiseRequest(category, self.severity, note, equipment, self._operation_id))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _named(self) -> str:
        return self._equipment[self._at].code if 0 <= self._at < len(self._equipment) else ""

    def _show(self) -> None:
        tr = self._tr
        name = Text(f" {tr(f'severity.{self.severity.value}')} ", SEVERITY_STYLE[self.severity])
        line = tr("andon.raise_severity", severity="\0").split("\0")
        self.query_one("#andon-severity", Static).update(Text.assemble(line[0], name, line[-1]))
        equipment = self._named() or tr("andon.no_equipment")
        text = tr("andon.raise_equipment", equipment=equipment)
        self.query_one("#andon-equipment", Static).update(text)
