"""A plot card that redraws at most once per ``INTERVAL_MS``: the decision boundary and the regression fit."""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Any


class ThrottledRedraw:
    """Mixed into a card with a single-shot ``_timer`` connected to ``update_now``, ``_last`` (perf_counter
    seconds of the last redraw, < 0 for never) and ``dirty``; its ``request`` decides whether to draw at all."""

    INTERVAL_MS: int
    _timer: Any
    _last: float
    dirty: bool

    if TYPE_CHECKING:  # what the card provides
        def request(self) -> None: ...
        def update_now(self) -> None: ...

    def redraw_when_due(self) -> None:
        """At once if the last redraw was at least INTERVAL_MS ago, else when that has passed (a redraw already
        waiting covers this request too)."""
        if self._timer.isActive():
            return
        wait = self.INTERVAL_MS - (time.perf_counter() - self._last) * 1000.0
        if self._last < 0 or wait <= 0:
            self.update_now()
        else:
            self._timer.start(int(math.ceil(wait)))

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)  # type: ignore[misc]  # the card's QWidget, next in the MRO
        if self.dirty:
            self.request()
