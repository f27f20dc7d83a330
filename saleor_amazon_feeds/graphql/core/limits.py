"""What one request to the plugin's GraphQL endpoint may cost.

The same limits as Saleor's own API, from Saleor's settings, so an operator
tunes both in one place: query cost (``GRAPHQL_QUERY_MAX_COMPLEXITY``, with the
plugin's cost map below), aliases (``GRAPHQL_ALIAS_COUNT_LIMIT``) and mutations
per request (``GRAPHQL_MUTATION_COUNT_LIMIT``). Saleor has no depth limit: its
cost map prices every list. The plugin adds one (``MAX_QUERY_DEPTH``) because
graphql-core's parser and validators recurse, and a deep enough document would
exhaust Python's stack before any cost is computed.
"""

from typing import Any

from django.conf import settings
from graphql import GraphQLError
from graphql.language.ast import (
    Document,
    Field,
    FragmentDefinition,
    FragmentSpread,
    InlineFragment,
    OperationDefinition,
)

from ...saleor_compat import validate_query

# The deepest legitimate document (an import job's marketplaces' account's
# marketplaces' mappings) is 8 levels; introspection's type references ~13.
MAX_QUERY_DEPTH = 16

# Fields that call Amazon (quota-limited, seconds each): a handful per request.
AMAZON_CALL_COST = 5000

_PAGE = {"complexity": 1, "multipliers": ["first"]}
_ONE = {"complexity": 1}
_AMAZON = {"complexity": AMAZON_CALL_COST}
# One COUNT of the filtered table, whatever the page size: not multiplied by
# the connection's ``first``.
_COUNT = {"complexity": 1, "use_multipliers": False}

# Every field that returns a list or calls Amazon is priced; a test fails when
# a new one is not.
COST_MAP: dict[str, dict[str, dict[str, Any]]] = {
    "Query": {
        "amazonAccounts": _PAGE,
        "amazonMarketplaces": _PAGE,
        "amazonMarketplace": _ONE,
        "amazonAvailableMarketplaces": _AMAZON,
        "amazonProductTypes": _AMAZON,
        "amazonFeedSubmissions": _PAGE,
        "amazonFeedSubmission": _ONE,
        "amazonProductListing": _ONE,
        "amazonCategoryOptions": _ONE,
        "amazonProductOptions": _ONE,
        "amazonSyncStatus": _ONE,
        "amazonOrderImports": _PAGE,
        "amazonOrderImport": _ONE,
        "amazonImportedOrders": _PAGE,
        "amazonShipmentConfirmations": _ONE,
        "amazonShippingZones": _ONE,
    },
    "Mutation": {
        "amazonAccountUpdate": _AMAZON,
        "amazonMarketplaceCreate": _AMAZON,
        "amazonMarketplaceUpdate": _AMAZON,
        "amazonMarketplaceCheck": _AMAZON,
        "amazonValidateProduct": _AMAZON,
        "amazonCategoryOptionsUpdate": _AMAZON,
        "amazonProductOptionsUpdate": _AMAZON,
    },
    "AmazonAccount": {"marketplaces": _ONE},
    "AmazonMarketplace": {
        "warehouses": _ONE,
        "fieldMappings": _ONE,
        "shippingMappings": _ONE,
    },
    "AmazonFeedSubmission": {"issues": _PAGE},
    "AmazonOrderImport": {"marketplaces": _ONE},
    "AmazonProductListing": {"skus": _ONE, "problems": _ONE},
    "AmazonShippingZoneChoice": {"shippingMethods": _ONE},
    "AmazonAccountConnection": {"totalCount": _COUNT},
    "AmazonMarketplaceConnection": {"totalCount": _COUNT},
    "AmazonFeedSubmissionConnection": {"totalCount": _COUNT},
    "AmazonOrderImportConnection": {"totalCount": _COUNT},
    "AmazonImportedOrderConnection": {"totalCount": _COUNT},
}


def document_depth(document: Document) -> int:
    """Deepest selection in any operation, following fragments; iterative, so a
    document deeper than Python's stack is measured rather than crashing."""
    fragments = {
        d.name.value: d
        for d in document.definitions
        if isinstance(d, FragmentDefinition)
    }
    deepest = 0
    stack: list[tuple[Any, int, frozenset[str]]] = [
        (d, 0, frozenset())
        for d in document.definitions
        if isinstance(d, OperationDefinition)
    ]
    while stack:
        node, depth, seen = stack.pop()
        deepest = max(deepest, depth)
        selection_set = getattr(node, "selection_set", None)
        if selection_set is None:
            continue
        for selection in selection_set.selections:
            if isinstance(selection, Field):
                stack.append((selection, depth + 1, seen))
            elif isinstance(selection, InlineFragment):
                stack.append((selection, depth, seen))
            elif isinstance(selection, FragmentSpread):
                name = selection.name.value
                # A fragment cycle is a validation error of its own; do not loop.
                if name in fragments and name not in seen:
                    stack.append((fragments[name], depth, seen | {name}))
    return deepest


def depth_errors(document: Document) -> list[GraphQLError]:
    depth = document_depth(document)
    if depth <= MAX_QUERY_DEPTH:
        return []
    return [
        GraphQLError(
            f"The query is nested {depth} levels deep; the limit is {MAX_QUERY_DEPTH}."
        )
    ]


def cost_errors(schema, document: Document, variables: dict | None) -> list:
    """Errors for a document over the cost, alias or mutation-count limits.

    Run before graphql-core's own validation, as Saleor does: some of its
    rules are quadratic in the number of fields, which aliases multiply.
    """
    _cost, errors = validate_query(
        schema=schema, document_ast=document, variables=variables, cost_map=COST_MAP
    )
    errors = errors or []
    if not settings.GRAPHQL_QUERY_MAX_COMPLEXITY:
        # Cost is off (complexity 0): the alias and mutation limits still apply.
        errors = [e for e in errors if "cost" not in (e.extensions or {})]
    return errors
