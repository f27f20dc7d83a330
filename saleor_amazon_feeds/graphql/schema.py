"""The plugin's schema, assembled from each domain's Query and Mutation mixins.

Saleor's schema cannot be extended by a plugin, so this one is served at
/plugins/global/<PLUGIN_ID>/graphql/ (``views``) and authenticates with
Saleor's tokens.
"""

import graphene

from .account.schema import AccountMutations, AccountQueries
from .catalog.schema import CatalogMutations, CatalogQueries
from .mappings.schema import MappingMutations
from .orders.schema import OrderMutations, OrderQueries
from .sync.schema import SyncQueries


# graphene lists the last base's fields first: this order keeps the printed
# schema (and its diffs) as clients know it.
class Query(
    AccountQueries, CatalogQueries, OrderQueries, SyncQueries, graphene.ObjectType
):
    pass


class Mutation(
    MappingMutations,
    AccountMutations,
    CatalogMutations,
    OrderMutations,
    graphene.ObjectType,
):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation)
