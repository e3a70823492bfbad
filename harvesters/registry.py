"""The harvester types by name. A new type is one module in ``harvesters/types`` and one
line here."""

from __future__ import annotations

from importlib import import_module

from harvesters.interfaces import Harvester

# source_type -> "module:Class"
HARVESTER_TYPES = {
    "ckan": "harvesters.types.ckan:CkanHarvester",
    "dcat": "harvesters.types.dcat:DcatHarvester",
    "estat": "harvesters.types.estat:EstatHarvester",
    "inventory": "harvesters.types.inventory:InventoryHarvester",
    "sql": "harvesters.types.sql:SqlHarvester",
}


def get_harvester(source_type: str) -> Harvester | None:
    """A new harvester of ``source_type``, or None for an unknown type."""
    target = HARVESTER_TYPES.get(source_type or "")
    if target is None:
        return None
    module, _colon, name = target.partition(":")
    return getattr(import_module(module), name)()


def source_types() -> list[str]:
    return sorted(HARVESTER_TYPES)
