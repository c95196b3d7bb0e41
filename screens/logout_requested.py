"""What every signed-in person's home posts for F10: the app signs them out."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from kiosk.identity import SignedIn


@dataclass
class LogoutRequested(Message):
    user: SignedIn
