"""Shorthands for writing corpus items: ``right(...)`` and ``wrong(...)`` append to a list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .model import Item, Reference


class Collection(list[Item]):
    """The items of one source, in the order they are written."""

    def __init__(self, source_prefix: str) -> None:
        super().__init__()
        self.prefix = source_prefix

    def right(self, id: str, source: str, lhs: str, rhs: str, reference: Callable[[], Reference], **kw: Any) -> None:
        """A correct step."""
        self.append(Item(f"{self.prefix}-{id}", source, lhs, rhs, "right", reference, **_fields(kw)))

    def wrong(self, id: str, source: str, lhs: str, rhs: str, reference: Callable[[], Reference], mistake: str, **kw: Any) -> None:
        """A step with a slip students make; ``mistake`` names it."""
        self.append(Item(f"{self.prefix}-{id}", source, lhs, rhs, "wrong", reference, mistake=mistake, **_fields(kw)))


def _fields(kw: dict[str, Any]) -> dict[str, Any]:
    out = dict(kw)
    for key in ("assume", "symmetric"):
        if key in out:
            out[key] = tuple(out[key])
    return out
