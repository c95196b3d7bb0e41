"""kiosk: the shop-floor station terminal.

Everything in this package except `kiosk.app` and `kiosk.cli` is UI-free: the store, the
domain services and the configuration can be used (and tested) without Textual.
"""

__version__ = "0.1.0"
