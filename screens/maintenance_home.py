"""A maintenance technician's home after badge-in: the maintenance orders of the station's
machines, with F10 signing out (the order list is where their day starts)."""

from __future__ import annotations

from textual.binding import Binding

from screens.logout_requested import LogoutRequested
from screens.maintenance import MaintenanceScreen


class MaintenanceHome(MaintenanceScreen):
    BINDINGS = [Binding("f10", "logout", "key.logout", key_display="F10")]

    def action_logout(self) -> None:
        self.post_message(LogoutRequested(self.user))
