"""Employee and OtherName (enough to exercise the shared name space), and EntityQuery.

EmployeeAdd's Name is optional; QuickBooks then names the employee from First/Middle/Last name.
Not yet faithful: payroll info, employee-specific filters.
"""

from __future__ import annotations

from ..qbxml_io import Doc
from ..queries import list_query
from ..registry import Reply, RequestContext, handles
from .common import ENTITY_KINDS, ListFamily
from .replies import add_reply, mod_reply, query_reply


def fill_employee_name(add: Doc) -> Doc:
    """EmployeeAdd without Name: QuickBooks names the employee "First Middle Last"."""
    if not add.get("Name"):
        parts = [add.get("FirstName"), add.get("MiddleName"), add.get("LastName")]
        add["Name"] = " ".join(str(p) for p in parts if p)
    return add


EMPLOYEE = ListFamily(kind="Employee", name_space="Entity")
OTHER_NAME = ListFamily(kind="OtherName", name_space="Entity")


@handles("EmployeeAdd")
def employee_add(ctx: RequestContext) -> Reply:
    fill_employee_name(ctx.body["EmployeeAdd"])
    return add_reply(ctx, EMPLOYEE)


@handles("EmployeeMod")
def employee_mod(ctx: RequestContext) -> Reply:
    return mod_reply(ctx, EMPLOYEE)


@handles("EmployeeQuery")
def employee_query(ctx: RequestContext) -> Reply:
    return query_reply(ctx, EMPLOYEE)


@handles("OtherNameAdd")
def other_name_add(ctx: RequestContext) -> Reply:
    return add_reply(ctx, OTHER_NAME)


@handles("OtherNameMod")
def other_name_mod(ctx: RequestContext) -> Reply:
    return mod_reply(ctx, OTHER_NAME)


@handles("OtherNameQuery")
def other_name_query(ctx: RequestContext) -> Reply:
    return query_reply(ctx, OTHER_NAME)


@handles("EntityQuery")
def entity_query(ctx: RequestContext) -> Reply:
    """Customers, employees, other names and vendors in one name-ordered answer."""
    return list_query(ctx, ENTITY_KINDS)
