"""The permission matrix, generated from the schema and checked over HTTP.

The tables below are the security spec: who may run each operation and read
each field. The tests fail when the schema has an operation, a type or a field
the tables do not list, and they call every operation and every field as every
kind of caller (anonymous, a customer, staff with and without the permission,
an app token, a dashboard extension's token), as clients do.
"""

from collections import deque
from itertools import product as cartesian

import pytest
from graphql.type import GraphQLList, GraphQLNonNull, GraphQLObjectType

from saleor_amazon_feeds.graphql.core.permissions import FIELD_PERMISSIONS
from saleor_amazon_feeds.graphql.schema import schema

from ..fixtures.security import CHANNELS, ORDERS, PLUGIN_PERMISSIONS, PRODUCTS, gid

pytestmark = pytest.mark.django_db

C, P, O = CHANNELS, PRODUCTS, ORDERS  # noqa: E741 - a table's legend
ANY = {C, P, O}
INHERIT: set[str] = set()  # reachable only through a field checked itself

# Operation -> any one of these permissions grants it.
OPERATIONS: dict[str, set[str]] = {
    "amazonAccounts": {C},
    "amazonMarketplaces": ANY,
    "amazonMarketplace": ANY,
    "amazonAvailableMarketplaces": {C},
    "amazonProductTypes": {P},
    "amazonFeedSubmissions": {P},
    "amazonFeedSubmission": {P},
    "amazonProductListing": {P},
    "amazonCategoryOptions": {P},
    "amazonProductOptions": {P},
    "amazonSyncStatus": {P},
    "amazonOrderImports": {O},
    "amazonOrderImport": {O},
    "amazonImportedOrders": {O},
    "amazonShipmentConfirmations": {O},
    "amazonShippingZones": {O},
    "amazonAccountCreate": {C},
    "amazonAccountUpdate": {C},
    "amazonAccountDelete": {C},
    "amazonMarketplaceCreate": {C},
    "amazonMarketplaceUpdate": {C},
    "amazonMarketplaceDelete": {C},
    "amazonMarketplaceCheck": {C},
    "amazonFieldMappingCreate": {P},
    "amazonFieldMappingUpdate": {P},
    "amazonFieldMappingDelete": {P},
    "amazonShippingMappingCreate": {O},
    "amazonShippingMappingBulkDelete": {O},
    "amazonCategoryOptionsUpdate": {P},
    "amazonProductOptionsUpdate": {P},
    "amazonSubmitFeeds": {P},
    "amazonValidateProduct": {P},
    "amazonImportOrders": {O},
    "amazonImportedOrderRetry": {O},
}


def _all(permissions: set[str], names: str) -> dict[str, set[str]]:
    return dict.fromkeys(names.split(), permissions)


# Type -> field -> any one of these permissions grants it.
FIELDS: dict[str, dict[str, set[str]]] = {
    "AmazonAccount": _all(
        {C},
        "id name sellerId region environment lwaClientId hasClientSecret "
        "hasRefreshToken marketplaces createdAt updatedAt",
    ),
    "AmazonMarketplace": {
        **_all(ANY, "id marketplaceId country currency channel status createdAt"),
        **_all(ANY, "updatedAt"),
        **_all({C}, "account lastError checkedAt"),
        **_all({C, P}, "warehouses stockBuffer maxQuantity untrackedQuantity"),
        **_all({C, P}, "handlingTime autoSync syncScope"),
        "autoImportOrders": {C, O},
        "fieldMappings": {P},
        "shippingMappings": {O},
    },
    "SaleorObjectRef": _all(INHERIT, "id name"),
    "AmazonFeedsError": _all(INHERIT, "field code message"),
    "AmazonFieldMapping": _all({P}, "id amazonAttribute sources"),
    "AmazonShippingMapping": _all({O}, "id serviceLevel shippingZone shippingMethod"),
    "AmazonAvailableMarketplace": _all(
        {C},
        "id name country currency language domain participating "
        "hasSuspendedListings supported configured",
    ),
    "AmazonCatalogOptions": _all({P}, "productTypes mappings exclude issues"),
    "AmazonProductTypeChoice": _all({P}, "marketplaceId productType"),
    "AmazonAttributeMapping": _all({P}, "amazonAttribute sources"),
    "AmazonOptionsIssue": _all({P}, "field message"),
    "AmazonProductType": _all({P}, "name displayName"),
    "AmazonFeedSubmission": _all(
        {P},
        "id marketplace kind trigger status feedId messageCount acceptedCount "
        "invalidCount errorCount warningCount skippedCount error createdAt "
        "submittedAt finishedAt issues",
    ),
    "AmazonFeedIssue": _all(
        {P}, "sku messageId code severity message attribute sentValue"
    ),
    "AmazonProductListing": _all({P}, "productId marketplace skus problems"),
    "AmazonListingSku": _all(
        {P},
        "sku kind variantId status sentValues sentAt acceptedValues acceptedAt issues",
    ),
    "AmazonListingProblem": _all({P}, "variantId sku kind severity reason attribute"),
    "AmazonValidationIssue": _all({P}, "sku code severity message attributes"),
    "AmazonSyncStatus": _all(
        {P},
        "marketplace pendingChanges lastSubmissionAt nextSubmissionAt "
        "waitingReason lastError lastReconciledAt",
    ),
    "AmazonOrderImport": _all(
        {O},
        "id status trigger requestedBy marketplaces found imported updated "
        "skipped held issues errors createdAt startedAt finishedAt",
    ),
    "AmazonOrderImportIssue": _all({O}, "amazonOrderId status reason"),
    "AmazonOrderImportError": _all({O}, "marketplaceId message"),
    "AmazonImportedOrder": _all(
        {O},
        "id amazonOrderId marketplace status reason amazonStatus fulfilledBy "
        "orderId attempts updatedAt",
    ),
    "AmazonShipmentConfirmation": _all(
        {O},
        "id fulfillmentId packageReferenceId carrierCode carrierName "
        "trackingNumber items status attempts lastError confirmedAt",
    ),
    "AmazonShipmentItem": _all({O}, "orderItemId quantity"),
    "AmazonShippingZoneChoice": _all({O}, "id name shippingMethods"),
}

NAMES = {
    "MANAGE_CHANNELS": C,
    "MANAGE_PRODUCTS": P,
    "MANAGE_ORDERS": O,
}


def _plugin_object_types() -> dict[str, GraphQLObjectType]:
    """Object types the plugin defines (not Relay plumbing or payloads)."""
    return {
        name: type_
        for name, type_ in schema.get_type_map().items()
        if isinstance(type_, GraphQLObjectType)
        and not name.startswith("__")
        and name not in ("Query", "Mutation", "PageInfo")
        and not name.endswith(("Connection", "Edge", "Payload"))
    }


def _named(type_):
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    return type_


def _is_payload(name: str) -> bool:
    mutation_types = {
        _named(f.type).name for f in schema.get_mutation_type().fields.values()
    }
    return name in mutation_types


# -- the tables cover the schema ------------------------------------------------


def test_every_operation_has_an_entry():
    operations = {
        *schema.get_query_type().fields,
        *schema.get_mutation_type().fields,
    }
    assert operations == set(OPERATIONS), (
        "Add new operations to OPERATIONS with their permissions; remove old ones."
    )


def test_every_type_and_field_has_an_entry():
    found = {
        name: set(type_.fields)
        for name, type_ in _plugin_object_types().items()
        if not _is_payload(name)
    }
    assert found == {name: set(fields) for name, fields in FIELDS.items()}


def test_the_code_declares_what_the_tables_say():
    declared = {
        (type_name, field): {NAMES[p.name] for p in permissions}
        for (type_name, field), permissions in FIELD_PERMISSIONS.items()
        if type_name in FIELDS
    }
    expected = {
        (type_name, field): permissions
        for type_name, fields in FIELDS.items()
        for field, permissions in fields.items()
    }
    assert declared == expected


def test_fields_stricter_than_their_type_are_nullable():
    """Refusing one field must not null out the objects around it."""
    types = _plugin_object_types()
    for type_name, fields in FIELDS.items():
        broadest = max((len(p) for p in fields.values()), default=0)
        for field, permissions in fields.items():
            if permissions and len(permissions) < broadest:
                field_type = types[type_name].fields[field].type
                assert not isinstance(field_type, GraphQLNonNull), (type_name, field)


# -- operations ----------------------------------------------------------------

_MUTATION_ARGS = {
    "amazonAccountCreate": lambda ids: {
        "input": {
            "name": "Matrix",
            "sellerId": "AMATRIXSELLER",
            "region": "NA",
            "lwaClientId": "amzn1.application-oa2-client.matrix",
            "lwaClientSecret": "amzn1.oa2-cs.v1.matrix",
            "refreshToken": "Atzr|matrix",
        }
    },
    "amazonAccountUpdate": lambda ids: {
        "id": gid("AmazonAccount", 0),
        "input": {"name": "x"},
    },
    "amazonAccountDelete": lambda ids: {"id": gid("AmazonAccount", 0)},
    "amazonMarketplaceCreate": lambda ids: {
        "input": {"accountId": gid("AmazonAccount", 0), "marketplaceId": "A1"}
    },
    "amazonMarketplaceUpdate": lambda ids: {
        "id": gid("AmazonMarketplace", 0),
        "input": {},
    },
    "amazonMarketplaceDelete": lambda ids: {"id": gid("AmazonMarketplace", 0)},
    "amazonMarketplaceCheck": lambda ids: {"id": gid("AmazonMarketplace", 0)},
    "amazonFieldMappingCreate": lambda ids: {
        "input": {
            "marketplaceId": gid("AmazonMarketplace", 0),
            "amazonAttribute": "brand",
            "sources": ["product.name"],
        }
    },
    "amazonFieldMappingUpdate": lambda ids: {
        "id": gid("AmazonFieldMapping", 0),
        "input": {"sources": ["product.name"]},
    },
    "amazonFieldMappingDelete": lambda ids: {"id": gid("AmazonFieldMapping", 0)},
    "amazonShippingMappingCreate": lambda ids: {
        "input": {
            "marketplaceId": gid("AmazonMarketplace", 0),
            "serviceLevel": "STANDARD",
            "shippingZoneId": gid("ShippingZone", 0),
            "shippingMethodId": gid("ShippingMethodType", 0),
        }
    },
    "amazonShippingMappingBulkDelete": lambda ids: {
        "ids": [gid("AmazonShippingMapping", 0)]
    },
    "amazonCategoryOptionsUpdate": lambda ids: {
        "categoryId": gid("Category", 0),
        "input": {"exclude": True},
    },
    "amazonProductOptionsUpdate": lambda ids: {
        "productId": gid("Product", 0),
        "input": {"exclude": True},
    },
    "amazonSubmitFeeds": lambda ids: {
        "marketplaceIds": [gid("AmazonMarketplace", 0)],
        "kinds": ["INVENTORY"],
    },
    "amazonValidateProduct": lambda ids: {
        "productId": gid("Product", 0),
        "marketplaceId": gid("AmazonMarketplace", 0),
    },
    "amazonImportOrders": lambda ids: {"marketplaceIds": [gid("AmazonMarketplace", 0)]},
    "amazonImportedOrderRetry": lambda ids: {"ids": [gid("AmazonImportedOrder", 0)]},
}

_QUERY_ARGS = {
    "amazonMarketplace": lambda ids: {"id": ids["marketplace"]},
    "amazonAvailableMarketplaces": lambda ids: {"accountId": ids["account"]},
    "amazonProductTypes": lambda ids: {
        "marketplaceId": ids["marketplace"],
        "keywords": "shirt",
    },
    "amazonProductListing": lambda ids: {
        "productId": ids["product"],
        "marketplaceId": ids["marketplace"],
    },
    "amazonCategoryOptions": lambda ids: {"categoryId": ids["category"]},
    "amazonProductOptions": lambda ids: {"productId": ids["product"]},
    "amazonOrderImport": lambda ids: {"id": ids["orderImport"]},
    "amazonFeedSubmission": lambda ids: {"id": ids["feedSubmission"]},
    "amazonShipmentConfirmations": lambda ids: {"orderId": ids["order"]},
    "amazonShippingZones": lambda ids: {"marketplaceId": ids["marketplace"]},
}


def _root_field(name: str):
    for root in (schema.get_query_type(), schema.get_mutation_type()):
        if name in root.fields:
            return root, root.fields[name]
    raise KeyError(name)


def _operation(name: str, arguments: dict, selection: str = "__typename"):
    """An operation calling root field ``name`` with ``arguments`` as variables."""
    root, field = _root_field(name)
    definitions = ", ".join(f"${arg}: {field.args[arg].type}" for arg in arguments)
    passed = ", ".join(f"{arg}: ${arg}" for arg in arguments)
    keyword = "mutation" if root is schema.get_mutation_type() else "query"
    head = f"{keyword} Call({definitions})" if definitions else keyword
    call = f"{name}({passed})" if passed else name
    body = (
        f" {{ {selection} }}"
        if isinstance(_named(field.type), GraphQLObjectType)
        else ""
    )
    return f"{head} {{ {call}{body} }}"


def _denied(body: dict, path_head: str) -> bool:
    return any(
        e.get("extensions", {}).get("exceptionCode") == "PermissionDenied"
        and (e.get("path") or [None])[0] == path_head
        for e in body.get("errors", [])
    )


def _callers_for(required: set[str]):
    """(kind, permissions, extension user permissions, allowed?) to try."""
    others = set(PLUGIN_PERMISSIONS) - required
    yield "anonymous", set(), None, False
    yield "customer", set(), None, False
    yield "staff", set(), None, False
    yield "staff", others, None, False
    yield "app", set(), None, False
    yield "app", others, None, False
    for permission in sorted(required):
        yield "staff", {permission}, None, True
        yield "app", {permission}, None, True
        yield "extension", {permission}, None, True
        # The dashboard narrows an extension's token to what the user holds.
        yield "extension", {permission}, others, False


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_operation_permissions(operation, caller, plugin_world):
    arguments = {**_QUERY_ARGS, **_MUTATION_ARGS}.get(operation, lambda ids: {})(
        plugin_world.ids
    )
    query = _operation(operation, arguments)
    tried = 0
    for kind, permissions, user_permissions, allowed in _callers_for(
        OPERATIONS[operation]
    ):
        who = caller(kind, permissions, user_permissions=user_permissions)
        status, body = who.post(query, arguments)
        assert status == 200, (who, body)
        assert _denied(body, operation) is not allowed, (who, body)
        if allowed:
            assert body["data"][operation] is not None or body.get("errors"), body
        tried += 1
    assert tried >= 9


# -- fields --------------------------------------------------------------------


def _paths_to(type_name: str) -> list[list[tuple[str, str]]]:
    """For each query operation that can reach ``type_name``: the shortest
    chain of (type, field) from the root to an object of that type."""
    query = schema.get_query_type()
    paths = []
    for root_name, root_field in query.fields.items():
        start = [("Query", root_name)]
        queue = deque([(_named(root_field.type), start)])
        seen = set()
        while queue:
            current, path = queue.popleft()
            if current.name == type_name:
                paths.append(path)
                break
            if not isinstance(current, GraphQLObjectType) or current.name in seen:
                continue
            seen.add(current.name)
            for name, field in current.fields.items():
                target = _named(field.type)
                if isinstance(target, GraphQLObjectType):
                    queue.append((target, [*path, (current.name, name)]))
    return paths


def _edge_permissions(type_name: str, field: str) -> set[str]:
    if type_name == "Query":
        return OPERATIONS[field]
    return FIELDS.get(type_name, {}).get(field, INHERIT)


def _carrier(path) -> set[str]:
    """Fewest permissions that let a caller down ``path``."""
    held: set[str] = set()
    for type_name, field in path:
        needed = _edge_permissions(type_name, field)
        if needed and not needed & held:
            held.add(sorted(needed)[0])
    return held


def _nested(path, leaf: str) -> str:
    selection = leaf
    for _type_name, field in reversed(path[1:]):
        selection = f"{field} {{ {selection} }}"
    return selection


def _leaf_selection(type_name: str) -> str:
    object_type = schema.get_type(type_name)
    parts = []
    for name, field in object_type.fields.items():
        if isinstance(_named(field.type), GraphQLObjectType):
            parts.append(f"{name} {{ __typename }}")
        else:
            parts.append(name)
    return " ".join(parts)


def _walk(value, path):
    """Every object at the end of ``path`` in response data."""
    if isinstance(value, list):
        for item in value:
            yield from _walk(item, path)
    elif not path:
        yield value
    elif isinstance(value, dict) and value.get(path[0]) is not None:
        yield from _walk(value[path[0]], path[1:])


_FIELD_CASES = [
    (type_name, path)
    for type_name in sorted(FIELDS)
    if type_name != "AmazonFeedsError"
    for path in (_paths_to(type_name) if type_name != "AmazonValidationIssue" else [])
]


def test_every_type_is_reached_by_the_field_matrix():
    reached = {type_name for type_name, _ in _FIELD_CASES}
    # Payload-only types: a mutation's own check covers them (tested above),
    # and their fields carry the mutation's permission.
    assert set(FIELDS) - reached == {"AmazonFeedsError", "AmazonValidationIssue"}
    assert FIELDS["AmazonValidationIssue"] == _all(
        OPERATIONS["amazonValidateProduct"], "sku code severity message attributes"
    )


@pytest.mark.parametrize(
    ("type_name", "path"),
    _FIELD_CASES,
    ids=[f"{t}-via-{p[0][1]}" for t, p in _FIELD_CASES],
)
def test_field_permissions(type_name, path, caller, plugin_world):
    root = path[0][1]
    arguments = _QUERY_ARGS.get(root, lambda ids: {})(plugin_world.ids)
    selection = _nested(path, _leaf_selection(type_name))
    query = _operation(root, arguments, selection)
    carrier = _carrier(path)
    response_path = [field for _, field in path]
    permission_sets = {frozenset(carrier)} | {
        frozenset(carrier | {p}) for p in PLUGIN_PERMISSIONS
    }
    checked_fields = 0
    for permissions, kind in cartesian(
        sorted(permission_sets, key=sorted), ("staff", "app", "extension")
    ):
        who = caller(kind, permissions)
        status, body = who.post(query, arguments)
        assert status == 200, (who, body)
        denied = {
            tuple(e["path"])
            for e in body.get("errors", [])
            if e["extensions"]["exceptionCode"] == "PermissionDenied"
        }
        assert all(
            e["extensions"]["exceptionCode"] == "PermissionDenied"
            for e in body.get("errors", [])
        ), body["errors"]
        objects = list(_walk(body["data"], response_path))
        assert objects, f"{type_name} not reached via {root} as {who}: {body}"
        for field, required in FIELDS[type_name].items():
            expect_allowed = not required or bool(required & permissions)
            refused = any(p[-1] == field for p in denied)
            assert refused is not expect_allowed, (type_name, field, who, body)
            if expect_allowed:
                assert all(field in obj for obj in objects)
            checked_fields += 1
    assert checked_fields >= len(FIELDS[type_name]) * 3
