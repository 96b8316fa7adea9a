"""``company.ui``: what a person does in QuickBooks' own windows.

List edits go through the same rules as qbXML (name spaces, references, EditSequence bumps), so a
connector sees exactly what it would see after an accountant's edit: a new EditSequence and
TimeModified. Window/session state (single-user mode, a modal dialog, QuickBooks closed, another file
open, the Integrated Applications preferences) changes what ``begin_session`` answers.

Every public method here is also reachable over HTTP as ``POST /_sim/ui/{method}`` with keyword
arguments as JSON (see :data:`ACTIONS`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .lists.account import ACCOUNT
from .lists.common import ListFamily, add_record, both_branches, get_record, mod_record
from .lists.customer import CUSTOMER
from .lists.entities import EMPLOYEE, OTHER_NAME, fill_employee_name
from .lists.items import ITEM_INVENTORY, ITEM_NON_INVENTORY, ITEM_OTHER_CHARGE, ITEM_SERVICE
from .lists.vendor import VENDOR
from .schema import element_decl
from .store import Record
from .ui_txns import TXN_ACTIONS, TxnActions

if TYPE_CHECKING:
    from .company_api import Company

FAMILIES: dict[str, ListFamily] = {f.kind: f for f in (
    ACCOUNT, CUSTOMER, VENDOR, EMPLOYEE, OTHER_NAME, ITEM_SERVICE, ITEM_NON_INVENTORY, ITEM_OTHER_CHARGE,
    ITEM_INVENTORY)}

ACTIONS = (
    "create", "edit", "inactivate", "reactivate", "create_vendor", "create_customer", "create_job",
    "create_service_item", "set_preference", "set_inventory_active", "set_company_info",
    "open_single_user", "open_multi_user", "lock_by_other_user", "release_other_user",
    "open_modal_dialog", "close_modal_dialog", "quit_quickbooks", "start_quickbooks", "make_unstartable",
    "open_other_company", "reopen_this_company", "set_app_access", "allow_auto_login",
    "set_grant_new_apps",
) + TXN_ACTIONS  # transaction windows live in ui_txns.py


class CompanyUI(TxnActions):
    """Accountant actions on one company file (transaction windows: :class:`TxnActions`)."""

    def __init__(self, company: Company) -> None:
        self._company = company

    # -- list elements ---------------------------------------------------------------------------
    def _family(self, kind: str) -> ListFamily:
        if kind not in FAMILIES:
            raise ValueError(f"unknown list {kind!r}; one of {sorted(FAMILIES)}")
        return FAMILIES[kind]

    def _find(self, kind: str, name_or_id: str) -> Record:
        family = self._family(kind)
        rec = self._company.store.by_list_id_or_name(kind, name_or_id)
        if rec is None:
            return get_record(self._company, family, name_or_id)  # raises 3120-shaped ObjectNotFound
        return rec

    def _one_branch_each(self, family: ListFamily, fields: dict[str, Any]) -> None:
        both = both_branches(element_decl(family.ret_name), fields)
        if both is not None:
            raise ValueError(f"{both[0]} and {both[1]} are alternatives (one XSD choice): give one of them")

    def create(self, kind: str, **fields: Any) -> dict[str, Any]:
        """New list element of ``kind`` (``Vendor``, ``ItemService`` …); fields as in its qbXML Add."""
        self._one_branch_each(self._family(kind), fields)
        if kind == "Employee":
            fill_employee_name(fields)
        with self._company.lock, self._company.store.transaction():
            return add_record(self._company, self._family(kind), fields).doc

    def edit(self, kind: str, name_or_id: str, **fields: Any) -> dict[str, Any]:
        """Change fields of an element (EditSequence and TimeModified move, as after a real edit)."""
        self._one_branch_each(self._family(kind), fields)
        with self._company.lock, self._company.store.transaction():
            rec = self._find(kind, name_or_id)
            request = {"ListID": rec.list_id, "EditSequence": rec.edit_sequence, **fields}
            return mod_record(self._company, self._family(kind), request).doc

    def inactivate(self, kind: str, name_or_id: str) -> dict[str, Any]:
        """Make inactive (right-click > Make Inactive)."""
        return self.edit(kind, name_or_id, IsActive="false")

    def reactivate(self, kind: str, name_or_id: str) -> dict[str, Any]:
        return self.edit(kind, name_or_id, IsActive="true")

    def create_vendor(self, name: str, **fields: Any) -> dict[str, Any]:
        return self.create("Vendor", Name=name, **fields)

    def create_customer(self, name: str, **fields: Any) -> dict[str, Any]:
        return self.create("Customer", Name=name, **fields)

    def create_job(self, customer: str, name: str, **fields: Any) -> dict[str, Any]:
        """A job (or sub-job when ``customer`` is "Customer:Job") under an existing customer."""
        return self.create("Customer", Name=name, ParentRef={"FullName": customer}, **fields)

    def create_service_item(self, name: str, account: str = "Job Expenses", **fields: Any) -> dict[str, Any]:
        return self.create("ItemService", Name=name, SalesOrPurchase={"AccountRef": {"FullName": account}},
                           **fields)

    # -- preferences ------------------------------------------------------------------------------
    def set_preference(self, section: str, field: str, value: str) -> dict[str, Any]:
        """Edit > Preferences: set PreferencesRet/<section>/<field> (e.g. JobsAndEstimatesPreferences)."""
        with self._company.lock:
            prefs = self._company.preferences
            if section not in prefs:
                raise ValueError(f"unknown preference section {section!r}")
            prefs[section][field] = value
            self._company.set_preferences(prefs)
            return prefs

    def set_inventory_active(self, active: bool = True) -> dict[str, Any]:
        """Items & Inventory > "Inventory and purchase orders are active" (seed 000)."""
        return self.set_preference("PurchasesAndVendorsPreferences", "IsUsingInventory",
                                   "true" if active else "false")

    def set_company_info(self, **fields: Any) -> dict[str, Any]:
        """Company > My Company: CompanyRet fields (CompanyName, Address, Phone …)."""
        from .host.queries import company_ret

        with self._company.lock:
            info = company_ret(self._company)
            info.update(fields)
            self._company.store.meta_set("company_info", info)
            return info

    # -- QuickBooks' window and the file ----------------------------------------------------------
    def _state(self, **changes: Any) -> dict[str, Any]:
        with self._company.lock:
            state = self._company.ui_state
            state.update(changes)
            self._company.set_ui_state(state)
            return state

    def open_single_user(self, user: str = "Admin") -> dict[str, Any]:
        """File > Switch to Single-user Mode, as ``user`` on this machine."""
        return self._state(file_mode="SingleUser", user=user, single_user_holder=None, open_file="this")

    def open_multi_user(self, user: str = "Admin") -> dict[str, Any]:
        return self._state(file_mode="MultiUser", user=user, single_user_holder=None, open_file="this")

    def lock_by_other_user(self, user: str = "Bookkeeper") -> dict[str, Any]:
        """Another user holds the file in single-user mode from another workstation."""
        return self._state(single_user_holder=user)

    def release_other_user(self) -> dict[str, Any]:
        return self._state(single_user_holder=None)

    def open_modal_dialog(self, title: str = "Preferences") -> dict[str, Any]:
        """Leave a modal window open (Preferences, a report filter, a message box …)."""
        return self._state(modal_dialog=title)

    def close_modal_dialog(self) -> dict[str, Any]:
        return self._state(modal_dialog=None)

    def quit_quickbooks(self) -> dict[str, Any]:
        return self._state(running=False, open_file=None)

    def start_quickbooks(self) -> dict[str, Any]:
        return self._state(running=True, startable=True, open_file="this")

    def make_unstartable(self) -> dict[str, Any]:
        """QuickBooks is closed and cannot start (broken install, license dialog …)."""
        return self._state(running=False, startable=False, open_file=None)

    def open_other_company(self) -> dict[str, Any]:
        """File > Open: a different company file is now open in QuickBooks."""
        return self._state(open_file="other")

    def reopen_this_company(self) -> dict[str, Any]:
        return self._state(open_file="this", running=True)

    def set_app_access(self, app_name: str, access: str) -> dict[str, Any]:
        """Preferences > Integrated Applications: ``granted``, ``revoked`` (0x8004041A) or ``denied``."""
        if access not in ("granted", "revoked", "denied"):
            raise ValueError("access must be granted, revoked or denied")
        with self._company.lock:
            state = self._company.ui_state
            state["apps"][app_name] = access
            self._company.set_ui_state(state)
            return state

    def allow_auto_login(self, app_name: str, allowed: bool = True) -> dict[str, Any]:
        """Integrated Applications > "Allow this application to login automatically"."""
        with self._company.lock:
            state = self._company.ui_state
            apps = set(state["auto_login_apps"])
            (apps.add if allowed else apps.discard)(app_name)
            state["auto_login_apps"] = sorted(apps)
            self._company.set_ui_state(state)
            return state

    def set_grant_new_apps(self, grant: bool) -> dict[str, Any]:
        """Whether the admin answers the first-access certificate dialog with "Yes" (else 0x80040418)."""
        return self._state(grant_new_apps=grant)
