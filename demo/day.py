"""The merchant's day, over HTTP as a client would: Saleor's GraphQL API, the
plugin's GraphQL API, and the sandbox's admin API standing in for Amazon's
buyers. Every check that fails raises ``DemoFailure`` with the reason."""

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from graphql_relay import to_global_id
from saleor.product.models import ProductVariant

from demo.catalog import SUPERUSER_EMAIL, SUPERUSER_PASSWORD
from demo.run import PLUGIN_ID, DemoFailure, say, step, table, wait_for

DE = "A1PA6795UKMFR9"
SELLER_ID = "A3SANDBOXSELLR"
OPEN = ("PENDING", "UPLOADED", "IN_QUEUE", "IN_PROGRESS")


class Client:
    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=60)
        self.token = ""

    def _post(self, path: str, query: str, variables: dict | None) -> dict:
        headers = {"Authorization": f"JWT {self.token}"} if self.token else {}
        response = self.http.post(
            path, json={"query": query, "variables": variables or {}}, headers=headers
        )
        if response.status_code != 200:
            raise DemoFailure(
                f"{path} answered {response.status_code}: {response.text}"
            )
        body = response.json()
        if body.get("errors"):
            raise DemoFailure(f"GraphQL errors from {path}: {body['errors']}")
        return body["data"]

    def saleor(self, query: str, variables: dict | None = None) -> dict:
        return self._post("/graphql/", query, variables)

    def amazon(self, query: str, variables: dict | None = None) -> dict:
        return self._post(f"/plugins/global/{PLUGIN_ID}/graphql/", query, variables)


def no_errors(payload: dict, what: str) -> dict:
    if payload is None:
        raise DemoFailure(f"{what}: no payload")
    if payload.get("errors"):
        raise DemoFailure(f"{what}: {payload['errors']}")
    return payload


def gid(type_name: str, pk) -> str:
    return to_global_id(type_name, pk)


# -- GraphQL documents ---------------------------------------------------------------

TOKEN_CREATE = """
mutation ($email: String!, $password: String!) {
  tokenCreate(email: $email, password: $password) { token errors { field message } }
}"""
PLUGIN_UPDATE = """
mutation ($id: ID!) {
  pluginUpdate(id: $id, input: {active: true}) {
    plugin { id name globalConfiguration { active } } errors { field message }
  }
}"""
ACCOUNT_CREATE = """
mutation ($input: AmazonAccountCreateInput!) {
  amazonAccountCreate(input: $input) {
    account { id name sellerId region environment hasClientSecret hasRefreshToken }
    errors { field code message }
  }
}"""
AVAILABLE = """
query ($account: ID!) {
  amazonAvailableMarketplaces(accountId: $account) {
    id name country currency participating supported configured
  }
}"""
MARKETPLACE_CREATE = """
mutation ($input: AmazonMarketplaceCreateInput!) {
  amazonMarketplaceCreate(input: $input) {
    marketplace { id marketplaceId status lastError } errors { field code message }
  }
}"""
MARKETPLACE_UPDATE = """
mutation ($id: ID!, $input: AmazonMarketplaceInput!) {
  amazonMarketplaceUpdate(id: $id, input: $input) {
    marketplace { id autoSync } errors { field code message }
  }
}"""
MARKETPLACES = """
query {
  amazonMarketplaces(first: 20) { edges { node {
    marketplaceId country currency status lastError autoSync syncScope
    autoImportOrders stockBuffer handlingTime
    account { name sellerId environment } channel { name } warehouses { name }
    fieldMappings { amazonAttribute sources }
    shippingMappings { serviceLevel shippingZone { name } shippingMethod { name } }
  } } }
}"""
FIELD_MAPPING_CREATE = """
mutation ($input: AmazonFieldMappingCreateInput!) {
  amazonFieldMappingCreate(input: $input) {
    fieldMapping { id } errors { field code message }
  }
}"""
SHIPPING_MAPPING_CREATE = """
mutation ($input: AmazonShippingMappingCreateInput!) {
  amazonShippingMappingCreate(input: $input) {
    shippingMapping { id } errors { field code message }
  }
}"""
PRODUCT_TYPES = """
query ($marketplace: ID!, $keywords: String) {
  amazonProductTypes(marketplaceId: $marketplace, keywords: $keywords) {
    name displayName
  }
}"""
CATEGORY_OPTIONS_UPDATE = """
mutation ($id: ID!, $input: AmazonCatalogOptionsInput!) {
  amazonCategoryOptionsUpdate(categoryId: $id, input: $input) {
    options { productTypes { marketplaceId productType } } errors { field code message }
  }
}"""
PRODUCT_OPTIONS_UPDATE = """
mutation ($id: ID!, $input: AmazonCatalogOptionsInput!) {
  amazonProductOptionsUpdate(productId: $id, input: $input) {
    options { productTypes { marketplaceId productType } } errors { field code message }
  }
}"""
SUBMIT = """
mutation ($marketplaces: [ID!]!, $kinds: [AmazonFeedKind!]!) {
  amazonSubmitFeeds(marketplaceIds: $marketplaces, kinds: $kinds) {
    marketplaces { marketplaceId } errors { field code message }
  }
}"""
SUBMISSIONS = """
query ($marketplace: ID) {
  amazonFeedSubmissions(marketplaceId: $marketplace, first: 50) { edges { node {
    id kind trigger status feedId messageCount acceptedCount invalidCount errorCount
    warningCount skippedCount error
    issues(first: 200) { sku code severity message attribute }
  } } }
}"""
SYNC_STATUS = """
query ($marketplace: ID) {
  amazonSyncStatus(marketplaceId: $marketplace) {
    pendingChanges waitingReason lastSubmissionAt nextSubmissionAt lastError
  }
}"""
STOCKS_UPDATE = """
mutation ($variant: ID!, $stocks: [StockInput!]!) {
  productVariantStocksUpdate(variantId: $variant, stocks: $stocks) {
    errors { field message }
  }
}"""
PRICE_UPDATE = """
mutation ($variant: ID!, $input: [ProductVariantChannelListingAddInput!]!) {
  productVariantChannelListingUpdate(id: $variant, input: $input) {
    errors { field message }
  }
}"""
IMPORT_ORDERS = """
mutation ($ids: [ID!]!) {
  amazonImportOrders(marketplaceIds: $ids) {
    orderImport { id status } errors { field code message }
  }
}"""
ORDER_IMPORT = """
query ($id: ID!) {
  amazonOrderImport(id: $id) {
    status found imported updated skipped held
    issues { amazonOrderId status reason } errors { marketplaceId message }
  }
}"""
IMPORTED_ORDERS = """
query {
  amazonImportedOrders(first: 50) { edges { node {
    amazonOrderId status reason amazonStatus fulfilledBy orderId
  } } }
}"""
SALEOR_ORDER = """
query ($id: ID!) {
  order(id: $id) {
    id number externalReference status paymentStatus
    total { gross { amount currency } }
    shippingMethodName
    lines { id productSku quantity allocations { quantity warehouse { id name } } }
  }
}"""
ORDER_FULFILL = """
mutation ($order: ID!, $input: OrderFulfillInput!) {
  orderFulfill(order: $order, input: $input) {
    fulfillments { id trackingNumber } errors { field code message }
  }
}"""
LISTING_PROBLEMS = """
query ($product: ID!, $marketplace: ID!) {
  amazonProductListing(productId: $product, marketplaceId: $marketplace) {
    problems { sku kind severity reason attribute }
  }
}"""
CONFIRMATIONS = """
query ($id: ID!) {
  amazonShipmentConfirmations(orderId: $id) {
    packageReferenceId carrierCode carrierName trackingNumber status lastError
    items { orderItemId quantity }
  }
}"""


# -- helpers -------------------------------------------------------------------------


def sandbox_listings(stack) -> dict:
    response = httpx.get(
        f"{stack.sandbox_url}/_sandbox/listings", params={"marketplaceId": DE}
    )
    response.raise_for_status()
    return {item["sku"]: item for item in response.json()["listings"]}


def sandbox_shipments(stack) -> list:
    response = httpx.get(f"{stack.sandbox_url}/_sandbox/shipments")
    response.raise_for_status()
    return response.json()["shipments"]


def listing_quantity(listing: dict):
    values = listing.get("attributes", {}).get("fulfillment_availability") or []
    return values[0].get("quantity") if values else None


def listing_price(listing: dict):
    offers = listing.get("attributes", {}).get("purchasable_offer") or []
    try:
        value = offers[0]["our_price"][0]["schedule"][0]["value_with_tax"]
    except (IndexError, KeyError):
        return None
    return Decimal(str(value))


def submissions(client: Client, marketplace: str) -> list[dict]:
    data = client.amazon(SUBMISSIONS, {"marketplace": marketplace})
    return [e["node"] for e in data["amazonFeedSubmissions"]["edges"]]


def amazon_order(order_id: str, lines: list, level: str, buyer: str) -> dict:
    """An Orders 2026-01-01 ``Order`` (EU consumer order: prices include VAT)."""
    created = datetime.now(UTC) - timedelta(minutes=20)
    iso = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    shipping = Decimal("3.90")
    items, total = [], Decimal(0)
    for n, (sku, title, quantity, price) in enumerate(lines):
        subtotal = price * quantity
        ship = shipping if n == 0 else Decimal(0)
        breakdowns = [{"type": "ITEM", "subtotal": _money(subtotal)}]
        if ship:
            breakdowns.append({"type": "SHIPPING", "subtotal": _money(ship)})
        total += subtotal + ship
        items.append(
            {
                "orderItemId": order_id.replace("-", "")[-11:] + f"{n:03d}",
                "quantityOrdered": quantity,
                "product": {
                    "asin": f"B0DEMO{abs(hash(sku)) % 10**4:04d}",
                    "title": title,
                    "sellerSku": sku,
                    "condition": {"conditionType": "NEW", "conditionSubtype": "NEW"},
                    "price": {"unitPrice": _money(price)},
                },
                "proceeds": {
                    "proceedsTotal": _money(subtotal + ship),
                    "breakdowns": breakdowns,
                },
                "fulfillment": {
                    "quantityFulfilled": 0,
                    "quantityUnfulfilled": quantity,
                },
            }
        )
    items_total = sum((p * q for _, _, q, p in lines), Decimal(0))
    return {
        "orderId": order_id,
        "createdTime": iso,
        "lastUpdatedTime": iso,
        "salesChannel": {
            "channelName": "AMAZON",
            "marketplaceId": DE,
            "marketplaceName": "Amazon.de",
        },
        "buyer": {
            "buyerName": buyer,
            "buyerEmail": f"{order_id.replace('-', '')}@marketplace.amazon.de",
        },
        "recipient": {
            "deliveryAddress": {
                "name": buyer,
                "addressLine1": "Lindenstraße 12",
                "city": "Berlin",
                "postalCode": "10969",
                "countryCode": "DE",
                "phone": "+49 30 12345678",
                "addressType": "RESIDENTIAL",
            }
        },
        "proceeds": {
            "grandTotal": _money(total),
            "breakdowns": [
                {"type": "ITEM", "subtotal": _money(items_total)},
                {"type": "SHIPPING", "subtotal": _money(shipping)},
            ],
        },
        "payment": {
            "paymentExecutions": [
                {"paymentMethod": "CreditCard", "paymentAmount": _money(total)}
            ]
        },
        "fulfillment": {
            "fulfillmentStatus": "UNSHIPPED",
            "fulfilledBy": "MERCHANT",
            "fulfillmentServiceLevel": level,
            "shipByWindow": {
                "earliestDateTime": iso,
                "latestDateTime": (created + timedelta(days=2)).strftime(
                    "%Y-%m-%dT%H:%M:%SZ"
                ),
            },
        },
        "orderItems": items,
    }


def _money(amount: Decimal) -> dict:
    return {"amount": f"{amount:.2f}", "currencyCode": "EUR"}


def wait_feeds_done(stack, client, marketplace, timeout, label, since=None):
    """Wait until no submission (newer than ``since`` ids) is still open."""

    def settled():
        stack.check_alive()
        nodes = submissions(client, marketplace)
        if since is not None:
            nodes = [n for n in nodes if n["id"] not in since]
        if nodes and not any(n["status"] in OPEN for n in nodes):
            return nodes
        return None

    return wait_for(settled, timeout, label, interval=1)


# -- the day -------------------------------------------------------------------------


APP_EXTENSIONS = """
query ($mounts: [String!]) {
  appExtensions(filter: {mountName: $mounts}, first: 100) {
    edges { node { identifier label url mountName targetName app { appUrl } } }
  }
}"""
DASHBOARD_MOUNTS = [
    "NAVIGATION_CATALOG",
    "PRODUCT_DETAILS_WIDGETS",
    "CATEGORY_DETAILS_MORE_ACTIONS",
    "ORDER_DETAILS_WIDGETS",
]


def login_and_activate(client: Client) -> str:
    """The demo superuser's token; the plugin switched on with it, as a
    merchant does (which registers the App, its stock webhook and its
    dashboard extensions)."""
    data = client.saleor(
        TOKEN_CREATE, {"email": SUPERUSER_EMAIL, "password": SUPERUSER_PASSWORD}
    )
    token = no_errors(data["tokenCreate"], "tokenCreate")["token"]
    if not token:
        raise DemoFailure("tokenCreate gave no token")
    client.token = token
    data = client.saleor(PLUGIN_UPDATE, {"id": PLUGIN_ID})
    no_errors(data["pluginUpdate"], "pluginUpdate")
    return token


def dashboard_extensions(stack, client: Client) -> list[dict]:
    """The extensions a Saleor dashboard finds (its own query), and the pages
    they open, served by the plugin."""
    data = client.saleor(APP_EXTENSIONS, {"mounts": DASHBOARD_MOUNTS})
    nodes = [edge["node"] for edge in data["appExtensions"]["edges"]]
    if len(nodes) != len(DASHBOARD_MOUNTS):
        raise DemoFailure(f"expected 4 dashboard extensions, Saleor lists {nodes}")
    rows = []
    for node in nodes:
        url = node["url"]
        if url.startswith("/"):
            url = node["app"]["appUrl"] + url
        rows.append([node["label"], node["mountName"], node["targetName"], url])
    table(["extension", "mount", "target", "page"], rows)
    page = httpx.get(f"{stack.saleor_url}/plugins/global/{PLUGIN_ID}/dashboard/app")
    if page.status_code == 503:
        say("   (the dashboard pages are not built: Node.js >= 20.19 is needed)")
    elif page.status_code != 200 or "frame-ancestors" not in page.headers.get(
        "content-security-policy", ""
    ):
        raise DemoFailure(f"the Amazon page answered {page.status_code}")
    return nodes


@dataclass
class Day:
    """What the steps of the day share: the stack, the client, the shop, and
    what each step leaves for the next ones and for the summary."""

    stack: Any
    shop: Any
    client: Client
    report: dict = field(default_factory=dict)
    marketplace: str = ""  # the plugin's ID for Amazon.de
    listings: dict = field(default_factory=dict)  # Amazon's after the feeds
    feed_ids: set[str] = field(default_factory=set)  # the manual submissions


def merchant_day(stack, shop) -> None:
    """The README's seven steps, in order; each raises ``DemoFailure`` when
    what it checks is wrong."""
    day = Day(stack, shop, Client(stack.saleor_url))
    for play in (
        activate_plugin,
        connect_amazon_de,
        map_catalog,
        submit_feeds,
        sync_stock_and_price,
        import_amazon_orders,
        fulfil_and_confirm,
    ):
        play(day)
    summary(day.report)


# -- 1. the plugin ----------------------------------------------------------------


def activate_plugin(day: Day) -> None:
    step("Staff login and plugin activation (Saleor GraphQL)")
    token = login_and_activate(day.client)
    # Versions are shown to staff only: ask with the staff token.
    health = httpx.get(
        f"{day.stack.saleor_url}/plugins/global/{PLUGIN_ID}/health/",
        headers={"Authorization": f"Bearer {token}"},
    )
    if health.status_code != 200:
        raise DemoFailure(f"plugin health answered {health.status_code}")
    say(f"   staff token for {SUPERUSER_EMAIL}; plugin active: {health.json()}")
    dashboard_extensions(day.stack, day.client)


# -- 2. account and marketplace ---------------------------------------------------


def connect_amazon_de(day: Day) -> None:
    step("Amazon account and marketplace (plugin GraphQL)")
    account = _create_account(day.client)
    available = day.client.amazon(AVAILABLE, {"account": account["id"]})[
        "amazonAvailableMarketplaces"
    ]
    say("   Amazon says the seller participates in:")
    table(
        ["id", "name", "currency", "participating"],
        [[m["id"], m["name"], m["currency"], m["participating"]] for m in available],
    )
    if not any(m["id"] == DE and m["participating"] for m in available):
        raise DemoFailure("the sandbox seller does not participate in Amazon.de")
    day.marketplace = _create_marketplace(day, account["id"])
    say("   Amazon.de linked to channel 'Shop DE' (EUR): CONFIGURED")


def _create_account(client: Client) -> dict:
    data = client.amazon(
        ACCOUNT_CREATE,
        {
            "input": {
                "name": "Acme EU (sandbox)",
                "sellerId": SELLER_ID,
                "region": "EU",
                "environment": "LOCAL_SANDBOX",
                "lwaClientId": "amzn1.application-oa2-client.demo",
                "lwaClientSecret": "amzn1.oa2-cs.v1.demo-secret",
                "refreshToken": "Atzr|demo-refresh-token",
            }
        },
    )
    return no_errors(data["amazonAccountCreate"], "amazonAccountCreate")["account"]


def _create_marketplace(day: Day, account_id: str) -> str:
    """Amazon.de on the EUR channel and the German warehouses; its ID."""
    shop = day.shop
    warehouses = [shop.warehouses["berlin"], shop.warehouses["leipzig"]]
    data = day.client.amazon(
        MARKETPLACE_CREATE,
        {
            "input": {
                "accountId": account_id,
                "marketplaceId": DE,
                "channelId": gid("Channel", shop.channels["EUR"].pk),
                "warehouseIds": [gid("Warehouse", w.pk) for w in warehouses],
                "stockBuffer": 1,
                "handlingTime": 2,
                "syncScope": "ALL",
                "autoSync": False,
                "autoImportOrders": False,
            }
        },
    )
    marketplace = no_errors(data["amazonMarketplaceCreate"], "amazonMarketplaceCreate")[
        "marketplace"
    ]
    if marketplace["status"] != "CONFIGURED":
        raise DemoFailure(
            f"marketplace is {marketplace['status']}: {marketplace['lastError']}"
        )
    return marketplace["id"]


# -- 3. mappings and product types -------------------------------------------------


def map_catalog(day: Day) -> None:
    step("Field mappings, shipping mappings, product types")
    _create_field_mappings(day)
    _create_shipping_mappings(day)
    _choose_product_types(day)
    mps = day.client.amazon(MARKETPLACES)["amazonMarketplaces"]["edges"]
    day.report["marketplaces"] = [e["node"] for e in mps]


def _create_field_mappings(day: Day) -> None:
    for attribute, sources in (
        ("item_name", ["product.seo_title", "product.name"]),
        ("brand", ["metadata:brand", "literal:Acme"]),
        ("manufacturer", ["literal:Acme GmbH"]),
        ("condition_type", ["literal:new_new"]),
        ("product_description", ["product.description", "product.seo_description"]),
        ("bullet_point", ["product.description_bullets"]),
        ("main_product_image_locator", ["product.media"]),
        ("country_of_origin", ["literal:PT"]),
        ("externally_assigned_product_identifier", ["gtin:ean"]),
    ):
        data = day.client.amazon(
            FIELD_MAPPING_CREATE,
            {
                "input": {
                    "marketplaceId": day.marketplace,
                    "amazonAttribute": attribute,
                    "sources": sources,
                }
            },
        )
        no_errors(data["amazonFieldMappingCreate"], f"mapping {attribute}")


def _create_shipping_mappings(day: Day) -> None:
    shop = day.shop
    for level, method in (("STANDARD", "DE"), ("EXPEDITED", "DE")):
        data = day.client.amazon(
            SHIPPING_MAPPING_CREATE,
            {
                "input": {
                    "marketplaceId": day.marketplace,
                    "serviceLevel": level,
                    "shippingZoneId": gid("ShippingZone", shop.zones["DE"].pk),
                    "shippingMethodId": gid(
                        "ShippingMethodType", shop.methods[method].pk
                    ),
                }
            },
        )
        no_errors(data["amazonShippingMappingCreate"], f"shipping mapping {level}")


def _choose_product_types(day: Day) -> None:
    """Amazon product types per category, and one product overriding its own."""
    found = day.client.amazon(
        PRODUCT_TYPES, {"marketplace": day.marketplace, "keywords": "shirt"}
    )["amazonProductTypes"]
    say(f"   product types for 'shirt': {', '.join(p['name'] for p in found)}")
    _set_category_options(day)
    _override_product_type(day)
    say("   categories: T-Shirts -> SHIRT, Mugs -> PRODUCT, Bags -> LUGGAGE;")
    say("   product 'Acme Tote Bag' -> PRODUCT on Amazon.de (product beats category)")


def _set_category_options(day: Day) -> None:
    for slug, product_type, mappings in (
        (
            "t-shirts",
            "SHIRT",
            [
                ("department", ["literal:Unisex"]),
                ("fabric_type", ["metadata:fabric"]),
                ("color", ["attribute:colour"]),
                ("size", ["attribute:size"]),
            ],
        ),
        ("mugs", "PRODUCT", []),
        ("bags", "LUGGAGE", []),
    ):
        data = day.client.amazon(
            CATEGORY_OPTIONS_UPDATE,
            {
                "id": gid("Category", day.shop.categories[slug].pk),
                "input": {
                    "productTypes": [
                        {"marketplaceId": "*", "productType": product_type}
                    ],
                    "mappings": [
                        {"amazonAttribute": a, "sources": s} for a, s in mappings
                    ],
                },
            },
        )
        no_errors(data["amazonCategoryOptionsUpdate"], f"category {slug}")


def _override_product_type(day: Day) -> None:
    """The tote bag is a PRODUCT on Amazon.de, not LUGGAGE like its category."""
    tote = next(p for p in day.shop.products if p.slug == "tote-bag")
    data = day.client.amazon(
        PRODUCT_OPTIONS_UPDATE,
        {
            "id": gid("Product", tote.pk),
            "input": {
                "productTypes": [{"marketplaceId": DE, "productType": "PRODUCT"}]
            },
        },
    )
    no_errors(data["amazonProductOptionsUpdate"], "product options")


# -- 4. feeds ---------------------------------------------------------------------


def submit_feeds(day: Day) -> None:
    step("Submit feeds (listings, inventory, prices) and wait for Amazon's reports")
    data = day.client.amazon(
        SUBMIT,
        {
            "marketplaces": [day.marketplace],
            "kinds": ["LISTINGS", "INVENTORY", "PRICES"],
        },
    )
    no_errors(data["amazonSubmitFeeds"], "amazonSubmitFeeds")
    nodes = wait_feeds_done(
        day.stack,
        day.client,
        day.marketplace,
        240,
        "processing reports (beat polls)",
    )
    _check_manual_feeds(nodes)
    day.report["manual_feeds"] = nodes[::-1]
    day.feed_ids = {n["id"] for n in nodes}
    day.listings = sandbox_listings(day.stack)
    say(f"   Amazon.de now lists {len(day.listings)} SKUs")
    day.report["problems"] = _listing_problems(day)


def _check_manual_feeds(nodes: list[dict]) -> None:
    """One submission per kind, each done with something accepted."""
    by_kind = {n["kind"]: n for n in nodes}
    if set(by_kind) != {"LISTINGS", "INVENTORY", "PRICES"}:
        raise DemoFailure(f"expected three submissions, got {sorted(by_kind)}")
    for node in nodes:
        if node["status"] != "DONE" or node["acceptedCount"] == 0:
            raise DemoFailure(
                f"{node['kind']} feed {node['status']} with "
                f"{node['acceptedCount']} accepted: {node['error']}"
            )


def _listing_problems(day: Day) -> list[dict]:
    """Why products or variants were left out, as the merchant sees it."""
    problems = []
    for product in day.shop.products:
        listing = day.client.amazon(
            LISTING_PROBLEMS,
            {"product": gid("Product", product.pk), "marketplace": day.marketplace},
        )["amazonProductListing"]
        problems += (listing or {}).get("problems") or []
    return problems


# -- 5. automatic sync ------------------------------------------------------------


def sync_stock_and_price(day: Day) -> None:
    """A stock and a price changed in Saleor reach Amazon on their own."""
    step("Automatic sync: stock and price changes in Saleor flow to Amazon")
    data = day.client.amazon(
        MARKETPLACE_UPDATE, {"id": day.marketplace, "input": {"autoSync": True}}
    )
    no_errors(data["amazonMarketplaceUpdate"], "enable autoSync")
    mug = _first_listed(day, "mugs")
    shirt = _first_listed(day, "t-shirts")
    before_qty, expected_qty = _change_stock(day, mug)
    old_price, new_price = _change_price(day, shirt)
    say(f"   {mug.sku}: stock Berlin 40 + Leipzig 2 (Amazon had {before_qty})")
    say(f"   {shirt.sku}: price {old_price} -> {new_price} EUR")
    _wait_until_amazon_shows(day, {mug.sku: expected_qty}, {shirt.sku: new_price})
    auto = wait_feeds_done(
        day.stack, day.client, day.marketplace, 120, "auto feed reports", day.feed_ids
    )
    day.report["auto_feeds"] = auto[::-1]
    status = day.client.amazon(SYNC_STATUS, {"marketplace": day.marketplace})[
        "amazonSyncStatus"
    ]
    say(
        f"   Amazon shows quantity {expected_qty} and price {new_price}; "
        f"sync status: {status[0]['waitingReason'] if status else '?'}"
    )
    day.report["sync_change"] = [
        [mug.sku, "quantity", before_qty, expected_qty],
        [shirt.sku, "price", old_price, new_price],
    ]


def _wait_until_amazon_shows(
    day: Day, quantities: dict[str, int], prices: dict[str, Decimal]
) -> None:
    """Until the sandbox's listings hold these quantities and prices."""

    def shown():
        day.stack.check_alive()
        current = sandbox_listings(day.stack)
        return all(
            listing_quantity(current.get(sku, {})) == q for sku, q in quantities.items()
        ) and all(listing_price(current.get(sku, {})) == p for sku, p in prices.items())

    changes = [f"quantity {q}" for q in quantities.values()]
    changes += [f"price {p}" for p in prices.values()]
    wait_for(
        shown,
        max(120, 600 / day.stack.time_scale * 10),
        f"{' and '.join(changes)} on Amazon",
        label="auto sync to Amazon",
        interval=1,
    )


def _first_listed(day: Day, category: str) -> ProductVariant:
    return ProductVariant.objects.filter(
        sku__in=list(day.listings), product__category__slug=category
    ).order_by("pk")[0]


def _change_stock(day: Day, variant: ProductVariant) -> tuple:
    """New stock in both linked warehouses; Amazon's quantity before, and the
    one expected after."""
    berlin, leipzig = day.shop.warehouses["berlin"], day.shop.warehouses["leipzig"]
    before = listing_quantity(day.listings[variant.sku])
    data = day.client.saleor(
        STOCKS_UPDATE,
        {
            "variant": gid("ProductVariant", variant.pk),
            "stocks": [
                {"warehouse": gid("Warehouse", berlin.pk), "quantity": 40},
                {"warehouse": gid("Warehouse", leipzig.pk), "quantity": 2},
            ],
        },
    )
    no_errors(data["productVariantStocksUpdate"], "productVariantStocksUpdate")
    return before, 40 + 2 - 1  # minus the marketplace's stock buffer


def _change_price(day: Day, variant: ProductVariant) -> tuple:
    """A new price in the EUR channel; Amazon's price before, and the new one."""
    before = listing_price(day.listings[variant.sku])
    new_price = Decimal("17.77")
    data = day.client.saleor(
        PRICE_UPDATE,
        {
            "variant": gid("ProductVariant", variant.pk),
            "input": [
                {
                    "channelId": gid("Channel", day.shop.channels["EUR"].pk),
                    "price": str(new_price),
                }
            ],
        },
    )
    no_errors(data["productVariantChannelListingUpdate"], "price update")
    return before, new_price


# -- 6. Amazon orders -------------------------------------------------------------


def import_amazon_orders(day: Day) -> None:
    step("Amazon orders: buyers order, the merchant imports")
    orders = _place_orders(day)
    lag = 120.0 / day.stack.time_scale + 1
    _sleep_with_bar(lag, "Amazon's search lag (2 min, scaled)")
    data = day.client.amazon(IMPORT_ORDERS, {"ids": [day.marketplace]})
    job = no_errors(data["amazonImportOrders"], "amazonImportOrders")["orderImport"]

    def finished():
        day.stack.check_alive()
        current = day.client.amazon(ORDER_IMPORT, {"id": job["id"]})[
            "amazonOrderImport"
        ]
        return current if current["status"] in ("SUCCESS", "FAILED") else None

    job = wait_for(finished, 120, "the order import", label="import orders", interval=1)
    day.report["import_job"] = job
    if job["status"] != "SUCCESS" or job["imported"] != len(orders):
        raise DemoFailure(f"order import: {job}")
    imported = [
        e["node"]
        for e in day.client.amazon(IMPORTED_ORDERS)["amazonImportedOrders"]["edges"]
    ]
    rows = []
    for node in sorted(imported, key=lambda n: n["amazonOrderId"]):
        node["saleor"] = day.client.saleor(SALEOR_ORDER, {"id": node["orderId"]})[
            "order"
        ]
        rows.append(node)
    day.report["orders"] = rows


def _place_orders(day: Day) -> list[dict]:
    """Three buyers order listed SKUs on Amazon.de (the sandbox's admin API)."""
    sellable = ProductVariant.objects.filter(sku__in=list(day.listings)).order_by("pk")
    picks = [sellable[0], sellable[5], sellable[12], sellable[len(sellable) - 1]]

    def line(variant, quantity):
        price = variant.channel_listings.get(
            channel=day.shop.channels["EUR"]
        ).price_amount
        return (variant.sku, variant.product.name, quantity, price)

    orders = [
        amazon_order(
            "305-1000001-0000001", [line(picks[0], 1)], "STANDARD", "Jonas Becker"
        ),
        amazon_order(
            "305-1000002-0000002",
            [line(picks[1], 2), line(picks[2], 1)],
            "EXPEDITED",
            "Mia Schneider",
        ),
        amazon_order(
            "305-1000003-0000003", [line(picks[3], 1)], "STANDARD", "Lukas Wagner"
        ),
    ]
    response = httpx.post(f"{day.stack.sandbox_url}/_sandbox/orders", json=orders)
    if response.status_code != 200:
        raise DemoFailure(f"sandbox refused the orders: {response.text}")
    say(f"   {len(orders)} orders placed on Amazon.de: {response.json()}")
    return orders


# -- 7. fulfilment ----------------------------------------------------------------


def fulfil_and_confirm(day: Day) -> None:
    """Ship one order in Saleor; the plugin confirms it to Amazon."""
    step("Fulfil an order in Saleor with a tracking number")
    target = next(
        n for n in day.report["orders"] if n["amazonOrderId"] == "305-1000002-0000002"
    )
    order = target["saleor"]
    tracking = "JJD000390007771234"
    _fulfil(day, order, tracking)
    say(f"   Saleor order #{order['number']} shipped with DHL tracking {tracking}")
    shipments, confirmations = _wait_for_confirmation(day, target, order)
    detail = shipments[0]["request"]["packageDetail"]
    if detail["trackingNumber"] != tracking:
        raise DemoFailure(f"Amazon got tracking {detail['trackingNumber']}")
    day.report["confirmations"] = [(target, c, shipments[0]) for c in confirmations]
    mps = day.client.amazon(MARKETPLACES)["amazonMarketplaces"]["edges"]
    day.report["marketplaces"] = [e["node"] for e in mps]


def _fulfil(day: Day, order: dict, tracking: str) -> None:
    """Saleor's orderFulfill from the warehouses the import reserved stock in."""
    lines = []
    for order_line in order["lines"]:
        allocations = order_line["allocations"] or []
        if not allocations:
            raise DemoFailure(
                f"order line {order_line['productSku']} reserved no stock"
            )
        lines.append(
            {
                "orderLineId": order_line["id"],
                "stocks": [
                    {"warehouse": a["warehouse"]["id"], "quantity": a["quantity"]}
                    for a in allocations
                ],
            }
        )
    data = day.client.saleor(
        ORDER_FULFILL,
        {
            "order": order["id"],
            "input": {
                "notifyCustomer": False,
                "trackingNumber": tracking,
                "lines": lines,
            },
        },
    )
    no_errors(data["orderFulfill"], "orderFulfill")


def _wait_for_confirmation(day: Day, target: dict, order: dict) -> tuple:
    """Amazon's shipment for the order, and the plugin's confirmations."""

    def confirmed():
        day.stack.check_alive()
        shipments = [
            s
            for s in sandbox_shipments(day.stack)
            if s["orderId"] == target["amazonOrderId"]
        ]
        if not shipments:
            return None
        found = day.client.amazon(CONFIRMATIONS, {"id": order["id"]})[
            "amazonShipmentConfirmations"
        ]
        if found and all(c["status"] == "CONFIRMED" for c in found):
            return shipments, found
        return None

    return wait_for(
        confirmed,
        120,
        "the shipment confirmation",
        label="confirm to Amazon",
        interval=1,
    )


def _sleep_with_bar(seconds: float, label: str) -> None:
    wait_for(
        _Timer(seconds),
        seconds + 5,
        label,
        label=label,
        interval=min(0.5, seconds / 10),
    )


class _Timer:
    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def __call__(self) -> bool:
        return time.monotonic() >= self.end


def summary(report: dict) -> None:
    step("Summary")
    say("\n Marketplaces")
    table(
        [
            "marketplace",
            "account",
            "channel",
            "warehouses",
            "status",
            "sync",
            "mappings",
        ],
        [
            [
                f"{m['marketplaceId']} ({m['country']}/{m['currency']})",
                f"{m['account']['name']} [{m['account']['environment']}]",
                m["channel"]["name"],
                ", ".join(w["name"] for w in m["warehouses"]),
                m["status"],
                f"{m['syncScope']} auto={m['autoSync']}",
                f"{len(m['fieldMappings'])} fields, "
                f"{len(m['shippingMappings'])} shipping",
            ]
            for m in report["marketplaces"]
        ],
    )
    feeds = report["manual_feeds"] + report["auto_feeds"]
    say("\n Feeds")
    table(
        [
            "kind",
            "trigger",
            "status",
            "messages",
            "accepted",
            "invalid",
            "errors",
            "skipped",
        ],
        [
            [
                f["kind"],
                f["trigger"],
                f["status"],
                f["messageCount"],
                f["acceptedCount"],
                f["invalidCount"],
                f["errorCount"],
                f["skippedCount"],
            ]
            for f in feeds
        ],
    )
    issues = Counter()
    skus: dict = {}
    for f in feeds:
        for issue in f["issues"]:
            key = (
                issue["severity"],
                issue["code"],
                issue["attribute"],
                issue["message"],
            )
            issues[key] += 1
            skus.setdefault(key, issue["sku"])
    say("\n Top issues in Amazon's processing reports")
    table(
        ["count", "severity", "code", "attribute", "example SKU", "message"],
        [
            [n, s, c, a, skus[(s, c, a, m)], m[:70]]
            for (s, c, a, m), n in issues.most_common(5)
        ],
    )
    say("\n Left out before sending (checked locally against the product type)")
    reasons = Counter()
    example: dict = {}
    for p in report["problems"]:
        key = (p["kind"], p["severity"], p["attribute"], p["reason"])
        reasons[key] += 1
        example.setdefault(key, p["sku"])
    table(
        ["count", "kind", "severity", "attribute", "example SKU", "reason"],
        [
            [n, k, s, a, example[(k, s, a, r)], r[:70]]
            for (k, s, a, r), n in reasons.most_common(5)
        ],
    )
    say("\n Automatic sync")
    table(["SKU", "change", "Amazon before", "Amazon after"], report["sync_change"])
    job = report["import_job"]
    say(
        f"\n Orders imported (job: found {job['found']}, imported {job['imported']}, "
        f"skipped {job['skipped']}, held {job['held']})"
    )
    table(
        ["Amazon order", "status", "Saleor #", "payment", "total", "shipping", "lines"],
        [
            [
                n["amazonOrderId"],
                n["status"],
                n["saleor"]["number"],
                n["saleor"]["paymentStatus"],
                f"{n['saleor']['total']['gross']['amount']:.2f} "
                f"{n['saleor']['total']['gross']['currency']}",
                n["saleor"]["shippingMethodName"],
                ", ".join(
                    f"{line['quantity']}x {line['productSku']}"
                    for line in n["saleor"]["lines"]
                ),
            ]
            for n in report["orders"]
        ],
    )
    say("\n Shipment confirmations")
    table(
        ["Amazon order", "package", "carrier", "tracking", "items", "status"],
        [
            [
                target["amazonOrderId"],
                c["packageReferenceId"],
                c["carrierCode"] or c["carrierName"],
                c["trackingNumber"],
                ", ".join(f"{i['quantity']}x {i['orderItemId']}" for i in c["items"]),
                c["status"],
            ]
            for target, c, _ in report["confirmations"]
        ],
    )
