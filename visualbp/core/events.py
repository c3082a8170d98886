"""A tiny observer: ``event.connect(fn)``, ``event.emit(...)``. Plain Python, no Qt."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Event:
    """A list of callbacks, called in order on ``emit``; falsy when nobody listens.

    ``connect`` and ``disconnect`` replace the list rather than change it, so ``emit`` (once per minibatch
    while the engine trains, possibly on another thread) walks a list nobody changes under it, uncopied."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._callbacks: tuple[Callable[..., Any], ...] = ()

    def connect(self, callback: Callable[..., Any]) -> None:
        self._callbacks = (*self._callbacks, callback)

    def disconnect(self, callback: Callable[..., Any]) -> None:
        """Remove the first connection of ``callback``; ValueError if it is not connected."""
        callbacks = list(self._callbacks)
        callbacks.remove(callback)
        self._callbacks = tuple(callbacks)

    def emit(self, *args: Any) -> None:
        for callback in self._callbacks:
            callback(*args)

    def __bool__(self) -> bool:
        return bool(self._callbacks)

    def __repr__(self) -> str:
        return f"Event({self.name!r}, {len(self._callbacks)} listeners)"
