"""Fault rules: make the next matching API request or webhook delivery fail the way Procore's do.

The same declarative rules as the fake QuickBooks' ``faults.py`` (``sim/CONTROLS.md``), for HTTP:

* match: ``path`` (a glob on the request path, ``/rest/v1.0/projects/*/direct_costs``; for a webhook
  delivery, on the path of the hook's destination URL), ``method`` (``GET``; deliveries are ``POST``),
  ``nth`` (fire only on the nth matching occurrence, 1-based), ``probability`` (0-1, decided by a hash of
  the fake's seed, the rule and the occurrence: the same seed fires on the same occurrences), ``times``
  (stop after firing this many times).
* action, on requests (``target: "request"``, ``/rest/...`` and ``/oauth/...``; ``/_sim`` is never
  faulted): ``status`` (answer ``status_code`` instead of serving the request; nothing is changed. A 429
  carries Procore's rate-limit sentence and ``Retry-After: retry_after``, default 60; other codes
  ``{"errors": message}``), ``delay`` (advance the manual clock by ``delay_seconds`` before serving: a slow
  answer as the client's clock sees it, never a real sleep). On webhook deliveries (``target:
  "webhook"``): ``drop`` (the delivery is never sent and never retried: a lost event only polling
  recovers) and ``duplicate`` (sent twice, as Procore may).

First matching rule wins; an empty list means no faults. Rules live in memory and travel in snapshots.

Not faithful: Procore's 503 body is not published (a load balancer's page is likely); the fake sends
``{"errors": "Service Unavailable"}``.
"""

from __future__ import annotations

import fnmatch
import math
import threading
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

from sim.fault_rules import fires
from sim.procore_fake.errors import RATE_LIMITED, ProcoreError, ValidationFailed

Action = Literal["status", "delay", "drop", "duplicate"]
TARGET_OF = {"status": "request", "delay": "request", "drop": "webhook", "duplicate": "webhook"}
DEFAULT_RETRY_AFTER_SECONDS = 60
_MESSAGES = {503: "Service Unavailable", 500: "Internal Server Error", 502: "Bad Gateway"}
# Counters and id are the rule's bookkeeping: shown, restored from a snapshot, never taken from a request.
_BOOKKEEPING = ("seen", "fired", "id")


@dataclass
class FaultRule:
    action: Action
    target: str = ""
    path: str | None = None
    method: str | None = None
    nth: int | None = None
    probability: float | None = None
    times: int | None = None
    status_code: int | None = None
    retry_after: int | None = None
    message: str | None = None
    delay_seconds: float | None = None
    seen: int = 0
    fired: int = 0
    id: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def error(self) -> ProcoreError:
        """The answer of a ``status`` rule."""
        code = int(self.status_code or 503)
        if code == 429:
            retry = self.retry_after if self.retry_after is not None else DEFAULT_RETRY_AFTER_SECONDS
            text = self.message or RATE_LIMITED
            error: ProcoreError = _TextError(text, headers={"Retry-After": str(retry)})
        else:
            headers = {"Retry-After": str(self.retry_after)} if self.retry_after is not None else None
            error = ProcoreError(self.message or _MESSAGES.get(code, "Injected fault"), headers=headers)
        error.status_code = code
        return error


class _TextError(ProcoreError):
    """A 429's body is a sentence of text, as Procore's (``errors.RateLimited``)."""

    def body(self) -> Any:
        return self.message


def parse_rule(payload: Any) -> FaultRule:
    """A rule from a ``POST /_sim/faults`` body; a 422 naming every bad field otherwise."""
    if not isinstance(payload, dict):
        raise ValidationFailed({"base": ["a fault rule is a JSON object"]})
    known = {f.name for f in fields(FaultRule)} - set(_BOOKKEEPING)
    errors: dict[str, list[str]] = {k: ["is not a fault rule field"] for k in payload if k not in known}
    action = payload.get("action")
    if action not in TARGET_OF:
        errors["action"] = [f"is not included in the list ({', '.join(TARGET_OF)})"]
    else:
        target = payload.get("target", TARGET_OF[action])
        if target != TARGET_OF[action]:
            errors["target"] = [f"must be {TARGET_OF[action]} for a {action} fault"]
    for name, text in (("path", "a glob such as /rest/v1.0/vendors*"), ("method", "an HTTP method")):
        if payload.get(name) is not None and not isinstance(payload[name], str):
            errors[name] = [f"must be a string: {text}"]
    for name in ("nth", "times"):
        if payload.get(name) is not None and not _int_at_least(payload[name], 1):
            errors[name] = ["must be an integer of at least 1"]
    probability = payload.get("probability")
    if probability is not None and not (_number(probability) and 0 <= probability <= 1):
        errors["probability"] = ["must be a number between 0 and 1"]
    if action == "status":
        code = payload.get("status_code")
        if not (_int_at_least(code, 400) and code <= 599):
            errors["status_code"] = ["must be an HTTP error status (400-599)"]
    if payload.get("retry_after") is not None and not _int_at_least(payload["retry_after"], 0):
        errors["retry_after"] = ["must be a non-negative integer of seconds"]
    if payload.get("message") is not None and not isinstance(payload["message"], str):
        errors["message"] = ["must be a string"]
    if action == "delay":
        delay = payload.get("delay_seconds")
        if not (_number(delay) and delay > 0):
            errors["delay_seconds"] = ["must be a positive number of seconds"]
    if errors:
        raise ValidationFailed(errors)
    rule = FaultRule(**{k: v for k, v in payload.items() if k != "target"}, target=TARGET_OF[action])
    if rule.method is not None:
        rule.method = rule.method.upper()
    return rule


def _int_at_least(value: Any, low: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= low


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


class Faults:
    """The fake's fault rules, in match order (``SimState.faults``)."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def add(self, rule: FaultRule) -> FaultRule:
        with self._lock:
            rule.id = max((r.id for r in self._rules), default=0) + 1
            self._rules.append(rule)
            return rule

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def clear(self) -> None:
        with self._lock:
            self._rules = []

    def load(self, rules: list[dict[str, Any]]) -> None:
        """Replace the rules with those of a snapshot (counters included)."""
        with self._lock:
            self._rules = [FaultRule(**r) for r in rules]

    def match(self, target: str, method: str, path: str) -> FaultRule | None:
        """The first rule matching this request or delivery, its counters updated; None: no fault."""
        with self._lock:
            for rule in self._rules:
                if rule.target != target:
                    continue
                if rule.method is not None and rule.method != method.upper():
                    continue
                if rule.path is not None and not fnmatch.fnmatchcase(path, rule.path):
                    continue
                if fires(rule, self.seed):
                    return rule
            return None
