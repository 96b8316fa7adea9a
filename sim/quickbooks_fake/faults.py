"""Fault rules: make the next matching request or session fail the way QuickBooks does.

LocalStack-style declarative rules, kept in the company file (so a snapshot carries them):

* match: ``target`` (``"request"`` — one qbXML request; ``"session"`` — BeginSession), ``request_type``
  (``"VendorAdd"`` or ``"VendorAddRq"``; for sessions the application name), ``object_name``
  (equals any Name/FullName in the request), ``nth`` (fire only on the nth matching occurrence,
  1-based), ``probability`` (0–1, decided by a hash of the file's seed, the rule and the occurrence:
  reproducible), ``times`` (stop after firing this many times).
* action: ``status`` (answer the request with ``status_code``/``status_severity``/``status_message``;
  nothing is changed), ``hresult`` (the whole call raises QBXMLError), ``delay`` (advance the
  injected clock by ``delay_seconds`` then process normally — never a real sleep).

First matching rule wins; an empty list means no faults (``clear()``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

from sim.fault_rules import fires

from .errors import HRESULT_MESSAGES, CustomStatus, QBXMLError, StatusError

if TYPE_CHECKING:
    from .store import Store

Action = Literal["status", "hresult", "delay"]
Target = Literal["request", "session"]
_META_KEY = "faults.rules"


@dataclass
class FaultRule:
    """One rule. ``fired`` and ``seen`` are bookkeeping kept with the rule."""

    action: Action
    target: Target = "request"
    request_type: str | None = None
    object_name: str | None = None
    nth: int | None = None
    probability: float | None = None
    times: int | None = None
    status_code: int = 3180
    status_severity: str = "Error"
    status_message: str = ""
    hresult: str = "0x80040401"
    message: str | None = None
    delay_seconds: float = 0.0
    seen: int = 0
    fired: int = 0
    id: int = 0

    def __post_init__(self) -> None:
        if self.action not in ("status", "hresult", "delay"):
            raise ValueError("action must be status, hresult or delay")
        if self.target not in ("request", "session"):
            raise ValueError("target must be request or session")
        if self.action == "status" and not self.status_message:
            raise ValueError("a status fault needs status_message (QuickBooks' text for that code)")
        if self.probability is not None and not 0 <= self.probability <= 1:
            raise ValueError("probability must be between 0 and 1")
        if self.target == "request" and self.request_type and self.request_type.endswith("Rq"):
            # "VendorAddRq" (the element name) would otherwise never match "VendorAdd" and silently
            # never fire
            self.request_type = self.request_type[:-2]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class FaultOutcome:
    """What the processor must do for a matched rule."""

    rule: FaultRule
    status: StatusError | None = None
    error: QBXMLError | None = None
    delay_seconds: float = 0.0


class Faults:
    """The company's fault rules (``company.faults``); kept in memory and written through to the file.

    Memory is the source of truth for the counters, so a message set that is rolled back (an HRESULT
    fault) does not undo the rule's own bookkeeping: :meth:`flush` rewrites them afterwards.
    """

    def __init__(self, store: Store, seed: int) -> None:
        self.store = store
        self.seed = seed
        self._rules = [FaultRule(**r) for r in store.meta_get(_META_KEY, [])]

    def reload(self) -> None:
        """Re-read the rules from the file (after a restore)."""
        self._rules = [FaultRule(**r) for r in self.store.meta_get(_META_KEY, [])]

    def flush(self) -> None:
        self.store.meta_set(_META_KEY, [r.to_dict() for r in self._rules])

    def add(self, rule: FaultRule | None = None, **kwargs: Any) -> FaultRule:
        """Append a rule (a FaultRule or its fields as keywords); returns it with its id."""
        rule = rule or FaultRule(**kwargs)
        rule.id = max((r.id for r in self._rules), default=0) + 1
        self._rules.append(rule)
        self.flush()
        return rule

    def rules(self) -> list[FaultRule]:
        """The rules in match order."""
        return list(self._rules)

    def clear(self) -> None:
        self._rules = []
        self.flush()

    def match(self, target: Target, request_type: str, names: set[str]) -> FaultOutcome | None:
        """Find the first rule matching this request/session; update its counters."""
        if not self._rules:
            return None
        outcome: FaultOutcome | None = None
        for rule in self._rules:
            if rule.target != target:
                continue
            if rule.request_type is not None and rule.request_type != request_type:
                continue
            if rule.object_name is not None and rule.object_name not in names:
                continue
            if not fires(rule, self.seed):
                continue
            outcome = _outcome(rule)
            break
        self.flush()
        return outcome


def _outcome(rule: FaultRule) -> FaultOutcome:
    if rule.action == "status":
        status = CustomStatus(rule.status_code, rule.status_message, rule.status_severity)
        return FaultOutcome(rule, status=status)
    if rule.action == "hresult":
        message = rule.message if rule.message is not None else HRESULT_MESSAGES.get(rule.hresult, "")
        return FaultOutcome(rule, error=QBXMLError(rule.hresult, message, detail=f"fault rule {rule.id}"))
    return FaultOutcome(rule, delay_seconds=rule.delay_seconds)
