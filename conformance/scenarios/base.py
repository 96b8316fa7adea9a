"""What a scenario is and what running one gives back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from conformance.stack import Stack
from sim.webconnector import UpdateResult


@dataclass
class ScenarioRun:
    """The stack after the scenario, the updates it ran, and the work items it queued by role."""

    stack: Stack
    updates: list[UpdateResult] = field(default_factory=list)
    items: dict[str, int] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def last(self) -> UpdateResult:
        return self.updates[-1]

    def documents(self) -> list[str]:
        """Every qbXML document of every update (requests and responses)."""
        return [doc for result in self.updates for doc in self.stack.documents(result)]


@dataclass(frozen=True)
class Scenario:
    """A named scenario: how to build its stack and what to do with it."""

    name: str
    title: str
    play: Callable[[Stack], ScenarioRun]
    stack_options: dict[str, Any] = field(default_factory=dict)

    def run(self, make_stack: Callable[..., Stack] = Stack.create) -> ScenarioRun:
        return self.play(make_stack(**self.stack_options))
