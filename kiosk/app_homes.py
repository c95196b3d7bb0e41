"""Where each person's day starts after badge-in: the screen their role works from."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.i18n import Translator
from kiosk.identity import SignedIn
from kiosk.roles import Role

if TYPE_CHECKING:
    from kiosk.clock import Clock
    from kiosk.config import StationConfig
    from kiosk.services import Services
    from screens.base import SignedInScreen


def home_screen(
    user: SignedIn, services: Services, clock: Clock, station: str, config: StationConfig
) -> SignedInScreen:
    """A material handler picks and receives, a technician works maintenance orders, an
    inspector works inspections; everyone else starts at the tasks of the line."""
    tr = Translator(user.language)
    if user.role == Role.MATERIAL_HANDLER:
        from screens.material_handler import MaterialHandlerScreen

        return MaterialHandlerScreen(
            tr, station, clock, user, services.handling, services.andon, config.barcodes
        )
    if user.role == Role.MAINTENANCE:
        from screens.maintenance_home import MaintenanceHome

        return MaintenanceHome(
            tr, station, clock, user, services.maintenance, services.auth.authorize, config.barcodes
        )
    if user.role == Role.QC_INSPECTOR:
        from screens.qc_home import QcHome

        return QcHome(tr, station, clock, user, services.qc)
    from screens.home import HomeScreen

    return HomeScreen(tr, station, clock, user, services, config.barcodes)
