"""The endpoint cannot be made to fail or to work hard: sizes, depth, cost.

Every case is answered with a 4xx and a message, never a 500 or a
traceback, and nothing is executed.
"""

import json

import pytest
from django.conf import settings

from saleor_amazon_feeds.endpoint import MAX_BODY_BYTES
from saleor_amazon_feeds.graphql.core.limits import MAX_QUERY_DEPTH
from saleor_amazon_feeds.models import AmazonAccount
from saleor_amazon_feeds.plugin import PLUGIN_ID

from ..fixtures.security import GRAPHQL_PATH

pytestmark = pytest.mark.django_db

STOCK_PATH = f"/plugins/global/{PLUGIN_ID}/sync/stock/"


@pytest.fixture
def manager(caller):
    return caller("staff", {"MANAGE_CHANNELS", "MANAGE_PRODUCTS", "MANAGE_ORDERS"})


def _raw(manager, body: bytes | str, **extra):
    headers = {"HTTP_AUTHORIZATION": manager.authorization}
    response = manager.client.generic(
        "POST", GRAPHQL_PATH, body, content_type="application/json", **headers, **extra
    )
    return response


def _message(response) -> str:
    body = response.json()
    errors = body.get("errors") or [body.get("error")]
    return errors[0]["message"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("[" * 100_000 + "]" * 100_000, "not valid JSON"),
        ('{"query": ' + "[" * 5000 + "]" * 5000 + "}", "not valid JSON"),
        ("{not json", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not valid JSON"),
        ("[]", "JSON object"),
        ('"a string"', "JSON object"),
        ('{"query": 12}', "query"),
        ('{"query": ""}', "query"),
        (
            '{"query": "{ amazonAccounts { edges { cursor } } }", "variables": []}',
            "variables",
        ),
        (
            '{"query": "{ amazonAccounts { edges { cursor } } }", "operationName": 5}',
            "operationName",
        ),
    ],
    ids=[
        "nested-json",
        "nested-query-value",
        "not-json",
        "not-utf8",
        "array",
        "string",
        "query-not-string",
        "empty-query",
        "variables-not-object",
        "operation-name-not-string",
    ],
)
def test_unreadable_requests_are_400(manager, body, fragment):
    response = _raw(manager, body)
    assert response.status_code == 400
    assert fragment in _message(response)


def test_deeply_nested_graphql_is_400_before_parsing_exhausts_the_stack(manager):
    query = "{ amazonAccounts " + "{ edges " * 3000 + "}" * 3001
    status, body = manager.post(query)
    assert status == 400
    assert "nested" in body["errors"][0]["message"]


def test_depth_over_the_limit_is_refused_also_through_fragments(manager):
    # A cycle of object types lets a document go as deep as it likes:
    # account -> marketplaces -> account -> ...
    hops = (MAX_QUERY_DEPTH // 2) + 1
    selection = "id"
    for _ in range(hops):
        selection = f"marketplaces {{ account {{ {selection} }} }}"
    query = f"""
        query {{ amazonAccounts {{ edges {{ node {{ ...Deep }} }} }} }}
        fragment Deep on AmazonAccount {{ {selection} }}
    """
    status, body = manager.post(query)
    assert status == 400
    assert f"limit is {MAX_QUERY_DEPTH}" in body["errors"][0]["message"]

    shallow = """query { amazonAccounts { edges { node {
        marketplaces { account { id } } } } } }"""
    status, body = manager.post(shallow)
    assert status == 200, body


def test_aliases_are_limited_as_in_saleor(manager):
    aliases = " ".join(
        f"a{i}: amazonAccounts(first: 1) {{ edges {{ cursor }} }}" for i in range(1000)
    )
    status, body = manager.post(f"{{ {aliases} }}")
    assert status == 400
    assert "aliases" in body["errors"][0]["message"]
    assert str(settings.GRAPHQL_ALIAS_COUNT_LIMIT) in body["errors"][0]["message"]


def test_query_cost_is_limited_as_in_saleor(manager):
    query = """{ amazonFeedSubmissions(first: 100) { edges { node {
        issues(first: 1000) { sku } } } } }"""
    status, body = manager.post(query)
    assert status == 400
    error = body["errors"][0]
    assert error["extensions"]["cost"]["requestedQueryCost"] > (
        settings.GRAPHQL_QUERY_MAX_COMPLEXITY
    )
    cheap = "{ amazonFeedSubmissions(first: 10) { edges { node { issues { sku } } } } }"
    status, body = manager.post(cheap)
    assert status == 200, body


def test_calls_to_amazon_are_few_per_request(manager, plugin_world):
    aliases = " ".join(
        f'a{i}: amazonProductTypes(marketplaceId: "{plugin_world.ids["marketplace"]}")'
        " { name }"
        for i in range(20)
    )
    status, body = manager.post(f"{{ {aliases} }}")
    assert status == 400
    assert "cost" in body["errors"][0]["extensions"]


def test_mutations_per_request_are_limited(manager):
    one = 'amazonAccountDelete(id: "QW1hem9uQWNjb3VudDox") { errors { field } }'
    mutations = " ".join(f"m{i}: {one}" for i in range(5))
    status, body = manager.post(f"mutation {{ {mutations} }}")
    assert status == 400
    assert "mutations" in body["errors"][0]["message"]


def test_body_over_the_limit_is_413(manager):
    padding = "x" * (MAX_BODY_BYTES + 1)
    body = json.dumps(
        {"query": "{ amazonAccounts { edges { cursor } } }", "p": padding}
    )
    response = _raw(manager, body)
    assert response.status_code == 413
    assert "exceeds" in _message(response)


def test_body_over_djangos_upload_limit_is_413_not_a_traceback(manager):
    body = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)
    response = _raw(manager, body)
    assert response.status_code == 413


def test_webhook_route_has_the_same_body_limit(client, amazon_feeds_plugin):
    response = client.generic(
        "POST",
        STOCK_PATH,
        "x" * (MAX_BODY_BYTES + 1),
        content_type="application/json",
    )
    assert response.status_code == 413


def test_wrong_method_is_405(manager):
    response = manager.client.get(GRAPHQL_PATH)
    assert response.status_code == 405


def test_nothing_ran_when_a_request_was_refused(manager):
    create = """amazonAccountCreate(input: {name: "x", sellerId: "A3SANDBOXSELLR",
        region: NA, lwaClientId: "c", lwaClientSecret: "s", refreshToken: "r"})
        { errors { field } }"""
    mutations = " ".join(f"m{i}: {create}" for i in range(5))
    status, _ = manager.post(f"mutation {{ {mutations} }}")
    assert status == 400
    assert not AmazonAccount.objects.exists()


def test_every_list_and_every_query_is_priced():
    """A new list field without a price would let aliases multiply it freely."""
    from graphql.type import GraphQLList, GraphQLNonNull, GraphQLObjectType

    from saleor_amazon_feeds.graphql.core.limits import COST_MAP
    from saleor_amazon_feeds.graphql.schema import schema

    def unwrap(gtype):
        while isinstance(gtype, GraphQLNonNull):
            gtype = gtype.of_type
        return gtype

    payloads = {unwrap(f.type).name for f in schema.get_mutation_type().fields.values()}
    unpriced = [
        f"Query.{name}"
        for name in schema.get_query_type().fields
        if name not in COST_MAP["Query"]
    ]
    for name, type_ in schema.get_type_map().items():
        if (
            not isinstance(type_, GraphQLObjectType)
            or name.startswith("__")
            or name in ("Query", "Mutation", "PageInfo")
            or name in payloads
            or name.endswith(("Connection", "Edge"))
        ):
            continue
        for field_name, field in type_.fields.items():
            listed = isinstance(unwrap(field.type), GraphQLList)
            if listed and field_name not in COST_MAP.get(name, {}):
                unpriced.append(f"{name}.{field_name}")
    # Lists of scalars or of a handful of items the parent already holds.
    free = {
        "AmazonFieldMapping.sources",
        "AmazonAttributeMapping.sources",
        "AmazonValidationIssue.attributes",
        "AmazonShipmentConfirmation.items",
        "AmazonCatalogOptions.productTypes",
        "AmazonCatalogOptions.mappings",
        "AmazonCatalogOptions.issues",
        "AmazonOrderImport.issues",
        "AmazonOrderImport.errors",
        "AmazonListingSku.issues",
    }
    assert sorted(set(unpriced) - free) == []
