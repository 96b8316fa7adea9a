"""Items: ItemService, ItemNonInventory, ItemOtherCharge, ItemInventory (+ ItemQuery across types).

All item types share one name space (QuickBooks' Item list) and may have sub-items (ParentRef of the
same type). ItemInventory exists only when "Inventory and purchase orders are active" is on
(PurchasesAndVendorsPreferences/IsUsingInventory) — otherwise Add/Mod answer 3250. Account and vendor
references resolve or fail with 3140. ClassFilter applies to each item type's query. Not yet faithful:
BarCode on Add, unit-of-measure sets, inventory quantities do not follow transactions.
"""

from __future__ import annotations

from ..company_api import Company
from ..qbxml_io import Doc
from ..queries import class_filter, list_query
from ..registry import Reply, RequestContext, handles
from .common import ListFamily
from .replies import add_reply, mod_reply, query_reply

# 3130's label for items is not in the stored captures; "Items" follows the "Customers" form.
ITEM_SERVICE = ListFamily(kind="ItemService", name_space="Item", hierarchical=True, list_label="Items")
ITEM_NON_INVENTORY = ListFamily(kind="ItemNonInventory", name_space="Item", hierarchical=True,
                                list_label="Items")
ITEM_OTHER_CHARGE = ListFamily(kind="ItemOtherCharge", name_space="Item", hierarchical=True,
                               list_label="Items")


def _inventory_on_add(company: Company, doc: Doc, request: Doc) -> None:
    # a real ItemInventoryRet shows the prices QuickBooks' item window defaults to: 0.00
    doc.setdefault("SalesPrice", "0.00")
    doc.setdefault("PurchaseCost", "0.00")
    doc.setdefault("QuantityOnHand", "0")
    doc.setdefault("AverageCost", "0.00")
    doc.setdefault("QuantityOnOrder", "0")
    doc.setdefault("QuantityOnSalesOrder", "0")


ITEM_INVENTORY = ListFamily(kind="ItemInventory", name_space="Item", hierarchical=True, list_label="Items",
                            requires_inventory=True, on_add=_inventory_on_add)

#: The item types this fake implements (ItemQuery returns these).
IMPLEMENTED_ITEM_KINDS = ("ItemService", "ItemNonInventory", "ItemOtherCharge", "ItemInventory")


@handles("ItemServiceAdd")
def item_service_add(ctx: RequestContext) -> Reply:
    return add_reply(ctx, ITEM_SERVICE)


@handles("ItemServiceMod")
def item_service_mod(ctx: RequestContext) -> Reply:
    return mod_reply(ctx, ITEM_SERVICE)


@handles("ItemServiceQuery")
def item_service_query(ctx: RequestContext) -> Reply:
    return query_reply(ctx, ITEM_SERVICE, extra=class_filter(ctx))


@handles("ItemNonInventoryAdd")
def item_non_inventory_add(ctx: RequestContext) -> Reply:
    return add_reply(ctx, ITEM_NON_INVENTORY)


@handles("ItemNonInventoryMod")
def item_non_inventory_mod(ctx: RequestContext) -> Reply:
    return mod_reply(ctx, ITEM_NON_INVENTORY)


@handles("ItemNonInventoryQuery")
def item_non_inventory_query(ctx: RequestContext) -> Reply:
    return query_reply(ctx, ITEM_NON_INVENTORY, extra=class_filter(ctx))


@handles("ItemOtherChargeAdd")
def item_other_charge_add(ctx: RequestContext) -> Reply:
    return add_reply(ctx, ITEM_OTHER_CHARGE)


@handles("ItemOtherChargeMod")
def item_other_charge_mod(ctx: RequestContext) -> Reply:
    return mod_reply(ctx, ITEM_OTHER_CHARGE)


@handles("ItemOtherChargeQuery")
def item_other_charge_query(ctx: RequestContext) -> Reply:
    return query_reply(ctx, ITEM_OTHER_CHARGE, extra=class_filter(ctx))


@handles("ItemInventoryAdd")
def item_inventory_add(ctx: RequestContext) -> Reply:
    return add_reply(ctx, ITEM_INVENTORY)


@handles("ItemInventoryMod")
def item_inventory_mod(ctx: RequestContext) -> Reply:
    return mod_reply(ctx, ITEM_INVENTORY)


@handles("ItemInventoryQuery")
def item_inventory_query(ctx: RequestContext) -> Reply:
    """Existing inventory items stay queryable when the preference is turned off (as in QuickBooks)."""
    return query_reply(ctx, ITEM_INVENTORY, extra=class_filter(ctx))


@handles("ItemQuery")
def item_query(ctx: RequestContext) -> Reply:
    """Every item type in one list order; each answered with its own Ret (ItemServiceRet …)."""
    return list_query(ctx, IMPLEMENTED_ITEM_KINDS)
