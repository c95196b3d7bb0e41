"""A text field for badges and scans typed by a keyboard-wedge reader (or by hand)."""

from __future__ import annotations

from textual.widgets import Input


class ScanInput(Input):
    """Each Enter hands over what was read and leaves the field empty at once.

    A plain Input is cleared only when its Submitted message is handled, later: a second
    scan arriving in the same burst would be glued to the first.
    """

    async def action_submit(self) -> None:
        value = self.value
        self.clear()
        self.post_message(self.Submitted(self, value))
