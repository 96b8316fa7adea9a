"""What a Procore user does in the ERP Integrations and Budget tools, and reads back, over the fake's faces.

Shared by the black-box world (:class:`conformance.blackbox.world.ProcorePeople`) and the in-process
harness (:class:`conformance.procore_stack.ProcoreStack`): each says how it reaches the fake (``sim`` for the
web-UI routes of one company, ``rest`` for the REST API as a signed-in user) and who its people are
(``users``); the clicks themselves are written once, here.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import httpx


class ProcoreUserActions(ABC):
    """A Procore user's clicks, given the two ways into the fake a subclass provides."""

    users: dict[str, int]

    @abstractmethod
    def sim(self, method: str, path: str, body: Any = None) -> httpx.Response:
        """A web-UI route of this company: ``/_sim/companies/{company_id}{path}``."""

    @abstractmethod
    def rest(self, method: str, path: str, body: Any = None, *, expect: int = 200) -> Any:
        """A REST API call as a signed-in user; the JSON answer, asserting the status ``expect``."""

    def act(self, action: str, who: str, item_type: str, item_id: int, **extra: Any) -> httpx.Response:
        """An ERP Integrations action (send, accept, reject, resend …) as ``who`` would click it."""
        body = {"as_user_id": self.users[who], "item_type": item_type, "item_id": item_id, **extra}
        return self.sim("POST", f"/erp/items/{action}", body)

    def item(self, item_type: str, item_id: int) -> dict[str, Any]:
        """One item as the ERP Integrations tool shows it (status, its label, origin id, messages)."""
        answer = self.sim("GET", f"/erp/items/{item_type}/{item_id}")
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    def lists(self) -> dict[str, Any]:
        """The ERP Integrations tool's lists (Ready to Export, Synced, Failed to Export …)."""
        body: dict[str, Any] = self.sim("GET", "/erp/lists").json()
        return body

    def lock_budget(self, project_id: int, locked: bool = True) -> None:
        self.rest("POST" if locked else "DELETE", f"/rest/v1.0/projects/{project_id}/budget/lock",
                  expect=201 if locked else 200)

    def modify_budget(self, project_id: int, from_line: int, to_line: int, amount: str) -> dict[str, Any]:
        """A budget modification: money moved from one budget line to another."""
        body = {"budget_modification": {"from_budget_line_item_id": from_line,
                                        "to_budget_line_item_id": to_line, "transfer_amount": amount}}
        made: dict[str, Any] = self.rest("POST", f"/rest/v1.0/projects/{project_id}/budget_modifications",
                                         body, expect=201)
        return made

    def erp_budget(self, project_id: int, who: str = "Pat Manager") -> int:
        """The project's ERP budget (what Budget > Send to ERP acts on): its item id."""
        answer = self.sim("POST", "/erp/budgets", {"as_user_id": self.users[who], "project_id": project_id})
        assert answer.status_code == 200, answer.text
        return int(answer.json()["item_id"])
