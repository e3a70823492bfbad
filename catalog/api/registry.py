"""The registry of actions by name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from catalog.api.context import Context

ActionFunction = Callable[[Context, dict], Any]


@dataclass(frozen=True)
class ActionSpec:
    name: str
    function: ActionFunction
    # Side-effect free actions may be called with GET (CKAN's side_effect_free).
    read_only: bool

    @property
    def help(self) -> str:
        return (self.function.__doc__ or "").strip()


_ACTIONS: dict[str, ActionSpec] = {}


def action(name: str, *, read_only: bool = False) -> Callable[[ActionFunction], ActionFunction]:
    """Register the decorated function as the action ``name``."""

    def register(function: ActionFunction) -> ActionFunction:
        if name in _ACTIONS and _ACTIONS[name].function is not function:
            raise RuntimeError(f"action {name!r} registered twice")
        _ACTIONS[name] = ActionSpec(name, function, read_only)
        return function

    return register


def get_action(name: str) -> ActionSpec | None:
    return _ACTIONS.get(name)


def action_names() -> list[str]:
    return sorted(_ACTIONS)
