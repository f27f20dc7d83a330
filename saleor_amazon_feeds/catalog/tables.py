"""Saleor's catalog tables as the plugin's plain SQL names them.

The loader and the fingerprints read the same tables under the same aliases;
both take them from ``catalog_tables`` so an alias means one table everywhere.
Table and column names come from the models' ``_meta``, never spelled out.
"""

from dataclasses import dataclass
from functools import cache

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from saleor.attribute.models import (
    AssignedProductAttributeValue,
    AssignedVariantAttribute,
    AssignedVariantAttributeValue,
    Attribute,
    AttributeValue,
    AttributeVariant,
)
from saleor.product.models import (
    Category,
    Product,
    ProductChannelListing,
    ProductMedia,
    ProductType,
    ProductVariant,
    ProductVariantChannelListing,
)
from saleor.warehouse.models import Allocation, Stock


class Table:
    """A model's table under an alias: str() for FROM, attributes give columns."""

    def __init__(
        self, connection: BaseDatabaseWrapper, model: type[Model], alias: str
    ) -> None:
        self._connection = connection
        self._model = model
        self._alias = alias

    def __str__(self) -> str:
        quote = self._connection.ops.quote_name
        return f"{quote(self._model._meta.db_table)} {self._alias}"

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        column = self._model._meta.get_field(name).column
        return f"{self._alias}.{self._connection.ops.quote_name(column)}"

    def db_type(self, name: str) -> str:
        """The SQL type of a column, of the key it points to for a relation."""
        field = self._model._meta.get_field(name)
        if field.is_relation:
            field = field.target_field
        return str(field.rel_db_type(self._connection))

    def any(self, name: str) -> str:
        """``column = ANY(ids)``, ids given as one array literal (a ``%s``).

        The array goes through a sub-select so the planner does not estimate
        each id's selectivity (half a millisecond for a few hundred ids) and
        plans index lookups, whose cost follows the page, not the table.
        """
        db_type = self.db_type(name)
        return f"{getattr(self, name)} = ANY((SELECT %s::{db_type}[])::{db_type}[])"


@dataclass(frozen=True, slots=True)
class CatalogTables:
    p: Table  # Product
    pt: Table  # ProductType
    c: Table  # Category
    pl: Table  # ProductChannelListing
    v: Table  # ProductVariant
    vl: Table  # ProductVariantChannelListing
    s: Table  # Stock
    al: Table  # Allocation
    a: Table  # Attribute
    av: Table  # AttributeValue
    pa: Table  # AssignedProductAttributeValue
    va: Table  # AssignedVariantAttribute
    vav: Table  # AssignedVariantAttributeValue
    at: Table  # AttributeVariant
    m: Table  # ProductMedia


@cache
def catalog_tables(alias: str) -> CatalogTables:
    """The catalog's tables on the database ``alias`` (its quoting rules)."""
    connection = connections[alias]

    def table(model: type[Model], name: str) -> Table:
        return Table(connection, model, name)

    return CatalogTables(
        p=table(Product, "p"),
        pt=table(ProductType, "pt"),
        c=table(Category, "c"),
        pl=table(ProductChannelListing, "pl"),
        v=table(ProductVariant, "v"),
        vl=table(ProductVariantChannelListing, "vl"),
        s=table(Stock, "s"),
        al=table(Allocation, "al"),
        a=table(Attribute, "a"),
        av=table(AttributeValue, "av"),
        pa=table(AssignedProductAttributeValue, "pa"),
        va=table(AssignedVariantAttribute, "va"),
        vav=table(AssignedVariantAttributeValue, "vav"),
        at=table(AttributeVariant, "at"),
        m=table(ProductMedia, "m"),
    )
