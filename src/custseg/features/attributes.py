"""Customer attributes, and the set of customers the feature table has one row for.

A customer is in the feature table when, as of the as-of date, it is in the customers table
(created on or before as_of, or with no created date) or has an order, invoice or opportunity
dated on or before as_of. Attributes are the customers table's current values (it keeps no
history), joined to every customer in that set, whatever its created date.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from custseg.features._context import BuildContext

ATTRIBUTES: tuple[str, ...] = (
    "name",
    "created_date",
    "nature",
    "business_type",
    "industry",
    "region",
    "city",
    "age",
    "gender",
    "occupation",
    "decision_factor",
    "satisfaction",
    "prospect_score",
    "owner",
)


def customer_attributes(con: ibis.BaseBackend) -> ir.Table:
    """The customers table's id and attribute columns (ids are unique: ingestion keys on them)."""
    return con.table("customers").select("customer_id", *ATTRIBUTES)


def known_customer_ids(con: ibis.BaseBackend, ctx: BuildContext) -> ir.Table:
    """Ids of the customers table created on or before as_of (or with no created date)."""
    customers = con.table("customers")
    known = customers.created_date.isnull() | (customers.created_date <= ctx.as_of_literal())
    return customers.filter(known).select("customer_id")
