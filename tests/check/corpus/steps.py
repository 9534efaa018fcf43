"""Every corpus item, by source: Sutton & Barto, Zhao, the DPO/Adam/AdamW papers, Stewart
and matrix algebra, and the traps of issue 10 (classes 1-3)."""

from __future__ import annotations

from . import steps_calculus, steps_optim_dpo, steps_sutton_barto, steps_traps, steps_zhao
from .model import Item

SOURCES = {
    "Sutton & Barto": steps_sutton_barto.ITEMS,
    "Zhao": steps_zhao.ITEMS,
    "DPO, Adam, AdamW": steps_optim_dpo.ITEMS,
    "Stewart and matrix algebra": steps_calculus.ITEMS,
    "issue 10 traps": steps_traps.ITEMS,
}
ITEMS: list[Item] = [item for items in SOURCES.values() for item in items]
BY_ID: dict[str, Item] = {item.id: item for item in ITEMS}
if len(BY_ID) != len(ITEMS):
    raise ValueError("corpus item ids are not unique")
