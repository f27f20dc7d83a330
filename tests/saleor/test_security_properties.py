"""Property: any input to any mutation is answered cleanly.

Inputs are generated from the schema itself (every argument and input field of
every mutation, with nasty strings, extreme integers, real and forged IDs), so
a new mutation or field is covered without writing a strategy for it. For
every example: HTTP 200, never an internal error, and either

* errors, each naming a field of the input, and nothing in the database
  changed, or
* success, and what the mutation wrote reads back as written (after the
  documented normalisation: trimmed text, upper-case product types).
"""

import json
import re
from typing import Any

import pytest
from django.db import transaction
from graphql.type import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from saleor.product.models import Category, Product

from saleor_amazon_feeds.graphql.schema import schema
from saleor_amazon_feeds.mapping.options import options_from_metadata
from saleor_amazon_feeds.models import (
    AmazonAccount,
    AmazonFieldMapping,
    AmazonImportedOrder,
    AmazonMarketplace,
    AmazonOrderImportJob,
    AmazonShippingMapping,
)

from ..fixtures.security import gid

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
    # The same examples on every run: CI must not turn red by luck.
    derandomize=True,
)

# Strings clients really send, and strings that broke things before.
NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "Acme\x00",
        "line\n",
        "tab\there",
        "\u202eRTL",
        "シャツ",
        "ÄÖÜ",
        "straße",
        "DROP TABLE",
        "' OR 1=1 --",
        "<script>",
        "a" * 257,
        "x" * 3000,
        "product.name",
        "literal:Acme",
        "attribute:size",
        "metadata:brand",
        "SHIRT",
        "shirt",
        "A1PA6795UKMFR9",
        "ATVPDKIKX0DER",
        "*",
        "item_name",
        "brand",
        "amzn1.application-oa2-client.abc",
        "Atzr|refresh",
        "A3SANDBOXSELLR",
    ]
)
TEXT = st.one_of(NASTY, st.text(max_size=40), st.text(max_size=3000))
INTS = st.one_of(
    st.integers(-5, 40),
    st.integers(0, 1_100_000),
    st.sampled_from([-(2**31), 2**31 - 1, 32767, 32768, 65535]),
)
FORGED_IDS = st.one_of(
    TEXT,
    st.builds(
        gid,
        st.sampled_from(["AmazonMarketplace", "Product", "Order", "Channel", "X"]),
        st.one_of(st.integers(-1, 2**63), TEXT),
    ),
)

# Argument or input field name -> the Saleor or plugin type its IDs name.
ID_TYPES = {
    "accountId": "account",
    "marketplaceId": "marketplace",
    "marketplaceIds": "marketplace",
    "channelId": "channel",
    "warehouseIds": "warehouse",
    "shippingZoneId": "shippingZone",
    "shippingMethodId": "shippingMethod",
    "productId": "product",
    "categoryId": "category",
}
# The subject of a mutation's bare "id"/"ids" argument.
SUBJECTS = {
    "amazonAccountUpdate": "account",
    "amazonAccountDelete": "account",
    "amazonMarketplaceUpdate": "marketplace",
    "amazonMarketplaceDelete": "marketplace",
    "amazonMarketplaceCheck": "marketplace",
    "amazonFieldMappingDelete": "fieldMapping",
    "amazonFieldMappingUpdate": "fieldMapping",
    "amazonShippingMappingBulkDelete": "shippingMapping",
    "amazonImportedOrderRetry": "heldOrder",
}


# Values that pass validation, per field name: most examples should be mostly
# valid, or they would never get past the first error to the writes.
GOOD_TEXT = {
    "name": ["EU seller", "Händler ✓", "シャツ店", "  padded  "],
    "sellerId": ["A3SANDBOXSELLR", "ANEWSELLER01"],
    "lwaClientId": ["amzn1.application-oa2-client.abc"],
    "lwaClientSecret": ["amzn1.oa2-cs.v1.secret"],
    "refreshToken": ["Atzr|refresh"],
    "amazonAttribute": ["brand", "item_name", " bullet_point "],
    "sources": ["product.name", "literal:Acme ✓", "metadata:brand", " variant.sku"],
    "productType": ["SHIRT", "shirt", "LUGGAGE"],
    "marketplaceId": ["ATVPDKIKX0DER", "*", "A2EUQ1WTGCTBG2"],
}
GOOD_INTS = {
    "stockBuffer": st.integers(0, 1_000_000),
    "maxQuantity": st.integers(0, 1_000_000),
    "untrackedQuantity": st.integers(0, 1_000_000),
    "handlingTime": st.integers(1, 30),
}


def _mostly_good(good, bad):
    # Hypothesis favours the ends of a range when it picks a branch, so the
    # bad branch sits in the middle: about one draw in ten.
    return st.integers(0, 9).flatmap(lambda i: bad if i == 5 else good)


def _strategy(gtype, name: str, mutation: str, ids: dict[str, str], required: bool):
    if isinstance(gtype, GraphQLNonNull):
        return _strategy(gtype.of_type, name, mutation, ids, True)
    if isinstance(gtype, GraphQLList):
        items = _strategy(gtype.of_type, name, mutation, ids, True)
        inner = st.lists(items, min_size=1, max_size=3) | st.lists(items, max_size=3)
    elif isinstance(gtype, GraphQLInputObjectType):
        fields = {
            field_name: _strategy(f.type, field_name, mutation, ids, False)
            for field_name, f in gtype.fields.items()
        }
        needed = {
            k: v
            for k, v in fields.items()
            if isinstance(gtype.fields[k].type, GraphQLNonNull)
        }
        optional = {k: v for k, v in fields.items() if k not in needed}
        inner = st.fixed_dictionaries(needed, optional=optional)
    elif isinstance(gtype, GraphQLEnumType):
        inner = st.sampled_from([v.name for v in gtype.values])
    elif gtype.name == "ID":
        kind = ID_TYPES.get(name) or (
            SUBJECTS.get(mutation) if name in ("id", "ids") else None
        )
        inner = (
            _mostly_good(st.just(ids[kind]), FORGED_IDS) if kind in ids else FORGED_IDS
        )
    elif gtype.name == "Int":
        inner = _mostly_good(GOOD_INTS[name], INTS) if name in GOOD_INTS else INTS
    elif gtype.name == "Boolean":
        inner = st.booleans()
    elif name in GOOD_TEXT:
        inner = _mostly_good(st.sampled_from(GOOD_TEXT[name]), TEXT)
    else:
        inner = TEXT
    if required:
        return inner
    return _mostly_good(inner, st.none())


def _arguments(mutation: str, ids: dict[str, str]):
    field = schema.get_mutation_type().fields[mutation]
    return st.fixed_dictionaries(
        {
            name: _strategy(arg.type, name, mutation, ids, False)
            for name, arg in field.args.items()
        }
    )


def _names(mutation: str) -> set[str]:
    """Every argument and input field name: what an error may name."""
    found: set[str] = set()

    def walk(gtype) -> None:
        while isinstance(gtype, GraphQLNonNull | GraphQLList):
            gtype = gtype.of_type
        if isinstance(gtype, GraphQLInputObjectType):
            for name, field in gtype.fields.items():
                found.add(name)
                walk(field.type)

    for name, arg in schema.get_mutation_type().fields[mutation].args.items():
        found.add(name)
        walk(arg.type)
    return found


def _document(mutation: str) -> str:
    field = schema.get_mutation_type().fields[mutation]
    definitions = ", ".join(f"${n}: {a.type}" for n, a in field.args.items())
    passed = ", ".join(f"{n}: ${n}" for n in field.args)
    return (
        f"mutation M({definitions}) {{ {mutation}({passed}) "
        "{ __typename errors { field code message } } }"
    )


def snapshot() -> dict[str, Any]:
    """Everything a mutation of the plugin could write."""
    return {
        model.__name__: sorted(
            json.dumps(row, sort_keys=True, default=str)
            for row in model.objects.values()
        )
        for model in (
            AmazonAccount,
            AmazonMarketplace,
            AmazonMarketplace.warehouses.through,
            AmazonFieldMapping,
            AmazonShippingMapping,
            AmazonOrderImportJob,
            AmazonImportedOrder,
        )
    } | {
        "metadata": sorted(
            json.dumps(p, sort_keys=True)
            for model in (Category, Product)
            for p in model.objects.values_list("private_metadata", flat=True)
        )
    }


# -- what a successful write must read back as ----------------------------------


def _read_account_create(arguments, world):
    data = arguments["input"]
    account = AmazonAccount.objects.get(
        seller_id=data["sellerId"].strip(), region=data["region"]
    )
    assert account.name == data["name"].strip()
    assert account.lwa_client_id == data["lwaClientId"]
    assert account.lwa_client_secret == data["lwaClientSecret"]
    assert account.refresh_token == data["refreshToken"]


def _read_account_update(arguments, world):
    data = arguments["input"] or {}
    account = AmazonAccount.objects.get(pk=world.account.pk)
    if data.get("name") is not None:
        assert account.name == data["name"].strip()
    for field, attribute in (
        ("lwaClientId", "lwa_client_id"),
        ("lwaClientSecret", "lwa_client_secret"),
        ("refreshToken", "refresh_token"),
    ):
        if data.get(field) is not None:
            assert getattr(account, attribute) == data[field]


def _read_marketplace_update(arguments, world):
    data = arguments["input"] or {}
    marketplace = AmazonMarketplace.objects.get(pk=world.marketplace.pk)
    for field, attribute in (
        ("stockBuffer", "stock_buffer"),
        ("maxQuantity", "max_quantity"),
        ("untrackedQuantity", "untracked_quantity"),
        ("handlingTime", "handling_time"),
        ("autoSync", "auto_sync"),
        ("syncScope", "sync_scope"),
        ("autoImportOrders", "auto_import_orders"),
    ):
        if data.get(field) is not None:
            assert getattr(marketplace, attribute) == data[field], field


def _read_field_mapping(arguments, world):
    data = arguments["input"]
    mapping = AmazonFieldMapping.objects.get(
        marketplace=world.marketplace, amazon_attribute=data["amazonAttribute"].strip()
    )
    assert mapping.sources == [s.strip() for s in data["sources"]]


def _read_options(model):
    def read(arguments, world):
        data = arguments["input"] or {}
        instance = model.objects.get(pk=world.ids_pk[model.__name__.lower()])
        options, issues = options_from_metadata(instance.private_metadata)
        assert issues == [], issues
        if data.get("productTypes") is not None:
            assert dict(options.product_type) == {
                c["marketplaceId"].strip(): c["productType"].strip().upper()
                for c in data["productTypes"]
            }
        if data.get("mappings") is not None:
            assert {k: list(v) for k, v in options.mappings.items()} == {
                m["amazonAttribute"].strip(): [s.strip() for s in m["sources"]]
                for m in data["mappings"]
            }
        if data.get("exclude") is not None:
            assert options.exclude is data["exclude"]

    return read


READ_BACK = {
    "amazonAccountCreate": _read_account_create,
    "amazonAccountUpdate": _read_account_update,
    "amazonMarketplaceUpdate": _read_marketplace_update,
    "amazonFieldMappingCreate": _read_field_mapping,
    "amazonCategoryOptionsUpdate": _read_options(Category),
    "amazonProductOptionsUpdate": _read_options(Product),
}

MUTATIONS = sorted(schema.get_mutation_type().fields)


@pytest.fixture
def world(plugin_world, category, product):
    plugin_world.ids["heldOrder"] = gid(
        "AmazonImportedOrder", AmazonImportedOrder.objects.get(status="HELD").pk
    )
    plugin_world.ids_pk = {"category": category.pk, "product": product.pk}
    return plugin_world


@pytest.mark.slow
@pytest.mark.parametrize("mutation", MUTATIONS)
def test_any_input_is_answered_cleanly(mutation, world, caller):
    who = caller("staff", {"MANAGE_CHANNELS", "MANAGE_PRODUCTS", "MANAGE_ORDERS"})
    document = _document(mutation)
    names = _names(mutation)
    outcomes = {"errors": 0, "success": 0}

    @EXAMPLES
    @given(arguments=_arguments(mutation, world.ids))
    def run(arguments):
        # Each example starts from the same state and leaves nothing behind.
        with transaction.atomic():
            before = snapshot()
            status, body = who.post(document, arguments)
            assert status == 200, body
            assert "errors" not in body, body["errors"]
            errors = body["data"][mutation]["errors"]
            if errors:
                outcomes["errors"] += 1
                for error in errors:
                    assert error["field"], error
                    head = re.split(r"[.\[]", error["field"])[0]
                    assert head in names, (error, names)
                assert snapshot() == before, errors
            else:
                outcomes["success"] += 1
                if mutation in READ_BACK:
                    READ_BACK[mutation](arguments, world)
            transaction.set_rollback(True)

    run()
    assert outcomes["errors"] > 0
    if mutation in READ_BACK:
        assert outcomes["success"] > 0, outcomes
