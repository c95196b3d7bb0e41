"""Waits between attempts to reopen a lost device: exponential, with full jitter.

Full jitter (a wait drawn uniformly between zero and the exponential bound) keeps stations
that lost their devices together (a power dip, a USB hub) from retrying in lockstep.
"""

from __future__ import annotations

import random as _random
from collections.abc import Callable


class Backoff:
    def __init__(
        self,
        base: float = 0.1,
        cap: float = 2.0,
        random: Callable[[], float] = _random.random,
    ) -> None:
        """`random` returns a float in [0, 1), like random.random."""
        self._base = base
        self._cap = cap
        self._random = random
        self._bound = min(base, cap)

    def next_delay(self) -> float:
        """Seconds to wait before the next attempt; each call doubles the bound up to `cap`."""
        delay = self._random() * self._bound
        self._bound = min(self._cap, self._bound * 2)
        return delay

    def reset(self) -> None:
        """The device is back: the next loss starts again from `base`."""
        self._bound = min(self._base, self._cap)
