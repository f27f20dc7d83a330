"""End to end: the dashboard pages in real headless Chromium, on the real stack.

Saleor runs on uvicorn (ASGI, as deployed: its CORS handling answers the
dashboard's other origin), with a real Celery worker, the bundled SP-API
sandbox as Amazon, and the plugin activated through Saleor's ``pluginUpdate``.
A stand-in for the Saleor dashboard (``tests/e2e/dashboard/``, served from
another loopback origin) logs in as a staff member who is not a superuser
and holds exactly the permissions the pages need, lists the extensions with
the dashboard's ``appExtensions`` query and embeds each one as the dashboard
does. ``tests/e2e/run.mjs`` drives Debian's chromium through playwright-core
and performs the merchant's scenarios through the pages' UI; every request to
a non-loopback address is blocked in the browser. This module then checks the
outcome in the database and at the sandbox.

Screenshots of each page, light and dark, go to ``e2e-screenshots/`` (or
``$AMAZON_FEEDS_E2E_SCREENSHOTS``). Needs node, tests/e2e/node_modules (``npm
ci`` there), chromium and the dashboard build: ``make test`` provides them
when it runs as root, and otherwise these tests are skipped with the reason.
"""

import functools
import http.server
import json
import os
import shutil
import subprocess
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest
import redis
from graphql_relay import to_global_id

from saleor_amazon_feeds import conf
from saleor_amazon_feeds.dashboard import assets
from saleor_amazon_feeds.dashboard.extensions import EXTENSIONS
from saleor_amazon_feeds.plugin import PLUGIN_ID
from tests.fixtures.processes import (
    ROOT,
    celery_worker_args,
    current_database_url,
    free_port,
    running,
    uvicorn_args,
)
from tests.fixtures.sandbox import DE, SANDBOX_TIME_SCALE, SELLER_ID

pytestmark = pytest.mark.django_db(transaction=True)

E2E_DIR = ROOT / "tests" / "e2e"
STAND_IN_DIR = E2E_DIR / "dashboard"
SCREENSHOTS = Path(
    os.environ.get("AMAZON_FEEDS_E2E_SCREENSHOTS") or ROOT / "e2e-screenshots"
)
# Celery broker: a Redis database of its own (the sync worker test uses 12,
# the demo 13), flushed before the worker starts.
BROKER_DB = 11
PASSWORD = "e2e-password-1"
PAGES = {
    "amazon-page": "amazon-page",
    "product-widget": "amazon-product-widget",
    "category-popup": "amazon-category-options",
    "order-widget": "amazon-order-widget",
}
MOUNTS = sorted({e.mount.upper() for e in EXTENSIONS})
FEED_KINDS = ["LISTINGS", "INVENTORY", "PRICES"]
# What the demo maps (demo/day.py), entered through the Fields mapping pop-up:
# enough for Amazon to accept the sample shop's shirts and bags.
FIELD_MAPPINGS = {
    "item_name": ["product.seo_title", "product.name"],
    "brand": ["metadata:brand", "literal:Acme"],
    "manufacturer": ["literal:Acme GmbH"],
    "condition_type": ["literal:new_new"],
    "product_description": ["product.description", "product.seo_description"],
    "bullet_point": ["product.description_bullets"],
    "main_product_image_locator": ["product.media"],
    "country_of_origin": ["literal:PT"],
    "externally_assigned_product_identifier": ["gtin:ean"],
}
# What Amazon's SHIRT type needs on top, entered on the product's Amazon card.
SHIRT_MAPPINGS = {
    "department": ["literal:Unisex"],
    "fabric_type": ["metadata:fabric"],
    "color": ["attribute:colour"],
    "size": ["attribute:size"],
}


def _chromium() -> str | None:
    configured = os.environ.get("AMAZON_FEEDS_CHROMIUM")
    for candidate in (configured, "/usr/bin/chromium", "/usr/lib/chromium/chromium"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def _missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not (E2E_DIR / "node_modules" / "playwright-core").is_dir():
        return "tests/e2e/node_modules is missing (npm ci in tests/e2e)"
    if _chromium() is None:
        return "chromium is not installed (apt-get install chromium)"
    if not (assets.STATIC_DIR / "index.html").is_file():
        return "the dashboard is not built (python scripts/build_dashboard.py)"
    return None


@pytest.fixture(scope="module")
def browser_tools() -> str:
    """The chromium to drive; skips (or fails, where `make test` promised the
    tools) when something is missing."""
    missing = _missing()
    if missing:
        message = f"dashboard end-to-end tests: {missing}"
        if os.environ.get("AMAZON_FEEDS_E2E_REQUIRED"):
            pytest.fail(message)
        pytest.skip(message)
    return _chromium()


class _StandInHandler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        # What a browser applies by default, said explicitly: the extension's
        # app-bridge needs the dashboard's origin in document.referrer.
        self.send_header("Referrer-Policy", "strict-origin-when-cross-origin")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:
        pass


@pytest.fixture(scope="module")
def stand_in_dashboard() -> str:
    """The stand-in dashboard on its own loopback origin."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0),
        functools.partial(_StandInHandler, directory=str(STAND_IN_DIR)),
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class Stack:
    def __init__(self, saleor_url: str, dashboard_url: str, broker_url: str, procs):
        self.saleor_url = saleor_url
        self.api_url = f"{saleor_url}/graphql/"
        self.dashboard_url = dashboard_url
        self.broker_url = broker_url
        self.processes = procs

    def logs(self) -> str:
        return "\n".join(f"--- {p.name} ---\n{p.tail(4000)}" for p in self.processes)


@pytest.fixture(scope="module")
def stack(
    browser_tools,
    stand_in_dashboard,
    django_db_setup,
    django_db_blocker,
    sandbox_server,
):
    """Saleor (uvicorn) and a Celery worker on the test database, sharing one
    broker, sandbox and rate-limit namespace; started once for the module."""
    broker_url = conf.redis_url().rsplit("/", 1)[0] + f"/{BROKER_DB}"
    redis.Redis.from_url(broker_url).flushdb()
    with django_db_blocker.unblock():
        database_url = current_database_url()
    port = free_port()
    saleor_url = f"http://127.0.0.1:{port}"
    env = {
        "DJANGO_SETTINGS_MODULE": "tests.e2e_settings",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "PRIVATE_MEDIA_ROOT": str(ROOT / ".cache" / f"e2e-media-{os.getpid()}"),
        "PUBLIC_URL": saleor_url,
        "AMAZON_FEEDS_REDIS_URL": conf.redis_url(),
        "AMAZON_FEEDS_SANDBOX_URL": sandbox_server.base_url,
        "AMAZON_FEEDS_TIME_SCALE": str(SANDBOX_TIME_SCALE),
        "AMAZON_FEEDS_RATE_LIMIT_PREFIX": f"amazon_feeds_dash_e2e:{uuid.uuid4().hex}",
        "AMAZON_FEEDS_DASHBOARD_ORIGINS": stand_in_dashboard,
        "SEND_USAGE_TELEMETRY": "False",
    }
    specs = [
        ("saleor", uvicorn_args(port), b"Uvicorn running on"),
        ("worker", celery_worker_args(), b"ready."),
    ]
    with running(specs, env) as processes:
        yield Stack(saleor_url, stand_in_dashboard, broker_url, processes)


@pytest.fixture
def beat(stack):
    """Celery beat's part, faster: the plugin's feed-polling task every second
    (beat sends it every 30 s), through the broker to the real worker."""
    from celery import Celery

    producer = Celery("e2e-beat", broker=stack.broker_url)
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(1.0):
            producer.send_task(
                "saleor_amazon_feeds.catalog.tasks.poll_feed_submissions_task"
            )

    thread = threading.Thread(target=tick, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=5)
    producer.close()


# -- the shop -------------------------------------------------------------------------


def staff(email: str, *codenames: str, superuser: bool = False):
    """A staff member whose permissions come from a group, as the dashboard
    grants them (no channel restriction)."""
    from saleor.account.models import Group, User
    from saleor.permission.models import Permission

    user = User(email=email, is_staff=True, is_active=True, is_superuser=superuser)
    user.set_password(PASSWORD)
    user.save()
    if codenames:
        group = Group.objects.create(
            name=f"E2E {email}", restricted_access_to_channels=False
        )
        group.permissions.set(Permission.objects.filter(codename__in=codenames))
        group.user_set.add(user)
    return user


@pytest.fixture
def shop(stack, sandbox):
    """The demo's sample shop (two channels, warehouses, DHL in Germany, 23
    products with EANs), the plugin switched on by an administrator through
    Saleor's API, and Amazon orders waiting at the sandbox."""
    from demo.catalog import build_sample_shop
    from demo.day import amazon_order

    sample = build_sample_shop()
    admin = staff("admin@e2e.example.com", superuser=True)
    with httpx.Client(base_url=stack.saleor_url, timeout=60) as client:
        token = client.post(
            "/graphql/",
            json={
                "query": "mutation ($e: String!, $p: String!) { tokenCreate(email: $e,"
                " password: $p) { token } }",
                "variables": {"e": admin.email, "p": PASSWORD},
            },
        ).json()["data"]["tokenCreate"]["token"]
        activated = client.post(
            "/graphql/",
            headers={"Authorization": f"Bearer {token}"},
            json={
                "query": "mutation ($id: ID!) { pluginUpdate(id: $id, input: "
                "{active: true}) { errors { message } } }",
                "variables": {"id": PLUGIN_ID},
            },
        ).json()
    assert activated["data"]["pluginUpdate"]["errors"] == [], activated

    shirt = next(p for p in sample.products if p.slug.endswith("classic-crew-t-shirt"))
    mug = next(p for p in sample.products if p.slug == "classic-mug")
    shirt_sku = shirt.variants.order_by("pk").first().sku
    mug_sku = mug.variants.get().sku
    from decimal import Decimal

    orders = [
        amazon_order(
            "302-1111111-2222222",
            [
                (shirt_sku, shirt.name, 1, Decimal("19.90")),
                (mug_sku, mug.name, 2, Decimal("8.90")),
            ],
            "Standard",
            "Erika Mustermann",
        )
    ]
    response = sandbox.post_orders(orders)
    assert response.status_code < 300, response.text
    sample.amazon_order_ids = [o["orderId"] for o in orders]
    sample.shirt, sample.mug = shirt, mug
    return sample


# -- running the browser ------------------------------------------------------------


def run_browser(stack, chromium: str, scenario: dict, tmp_path: Path) -> dict:
    config = {
        "chromium": chromium,
        "dashboardUrl": f"{stack.dashboard_url}/index.html",
        "apiUrl": stack.api_url,
        "mounts": MOUNTS,
        "identifiers": PAGES,
        "screenshots": str(SCREENSHOTS),
        "results": str(tmp_path / "results.json"),
        "feedKinds": FEED_KINDS,
        **scenario,
    }
    config_path = tmp_path / "config.json"
    config_path.write_text(json.dumps(config))
    started = time.monotonic()
    completed = subprocess.run(
        ["node", str(E2E_DIR / "run.mjs"), str(config_path)],
        cwd=E2E_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    results_path = Path(config["results"])
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    if completed.returncode != 0 or not results.get("ok"):
        pytest.fail(
            f"browser run failed ({time.monotonic() - started:.0f}s): "
            f"{results.get('error') or completed.stderr[-3000:]}\n"
            f"--- node output ---\n{completed.stdout[-4000:]}\n{stack.logs()}"
        )
    print(completed.stdout)
    return results


def actions_of(results: dict, identifier: str, kind: str) -> list[dict]:
    return [
        a
        for a in results["actions"]
        if a["identifier"] == identifier and a["type"] == kind
    ]


def test_merchant_works_through_the_dashboard_pages(
    stack, browser_tools, shop, beat, sandbox, tmp_path
):
    from saleor.order.models import Order
    from saleor.product.models import Category, Product

    from saleor_amazon_feeds.mapping.options import OPTIONS_KEY
    from saleor_amazon_feeds.models import (
        AmazonAccount,
        AmazonFeedSubmission,
        AmazonFieldMapping,
        AmazonImportedOrder,
        AmazonMarketplace,
        AmazonShippingMapping,
    )

    merchant = staff(
        "merchant@e2e.example.com",
        "manage_channels",
        "manage_products",
        "manage_orders",
    )
    assert not merchant.is_superuser
    channel = shop.channels["EUR"]
    warehouses = [shop.warehouses["berlin"], shop.warehouses["leipzig"]]
    results = run_browser(
        stack,
        browser_tools,
        {
            "scenario": "merchant",
            "user": {"email": merchant.email, "password": PASSWORD},
            "account": {
                "name": "Acme EU",
                "sellerId": SELLER_ID,
                "lwaClientId": "amzn1.application-oa2-client.e2e",
                "lwaClientSecret": "amzn1.oa2-cs.v1.e2e-secret",
                "refreshToken": "Atzr|e2e-refresh-token",
            },
            "marketplace": {
                "id": DE,
                "country": "DE",
                "channelLabel": f"{channel.name} ({channel.currency_code})",
                "warehouses": [w.name for w in warehouses],
                "stockBuffer": 1,
            },
            "fieldMappings": [
                {"attribute": attribute, "sources": sources}
                for attribute, sources in FIELD_MAPPINGS.items()
            ],
            "shippingMapping": {
                "serviceLevel": "Standard",
                "zone": shop.zones["DE"].name,
                "method": shop.methods["DE"].name,
            },
            "product": {
                "id": to_global_id("Product", shop.shirt.pk),
                "keywords": "shirt",
                "productType": "SHIRT",
                "mappings": [
                    {"attribute": attribute, "sources": sources}
                    for attribute, sources in SHIRT_MAPPINGS.items()
                ],
            },
            "category": {
                "id": to_global_id("Category", shop.categories["bags"].pk),
                "keywords": "bag",
                "productType": "LUGGAGE",
            },
            "orders": {"amazonOrderId": shop.amazon_order_ids[0]},
        },
        tmp_path,
    )

    # The dashboard's query, as a merchant who is not a superuser: the four
    # extensions, each with a token, lowercase-stored mounts read back upper.
    seen = {e["identifier"]: e for e in results["extensions"]}
    assert set(seen) == set(PAGES.values())
    assert all(e["token"] for e in seen.values())
    assert (seen["amazon-page"]["mount"], seen["amazon-page"]["target"]) == (
        "NAVIGATION_CATALOG",
        "APP_PAGE",
    )
    assert seen["amazon-category-options"]["url"].startswith(f"{stack.saleor_url}/")

    # Each page got the handshake with a token, answered notifyReady, and the
    # widgets sized their cards.
    for identifier in PAGES.values():
        assert actions_of(results, identifier, "notifyReady"), identifier
        assert any(
            h["identifier"] == identifier and h["token"] for h in results["handshakes"]
        )
    for widget in ("amazon-product-widget", "amazon-order-widget"):
        heights = [
            a["payload"]["height"] for a in actions_of(results, widget, "widgetResize")
        ]
        assert heights, widget
        assert all(h > 0 for h in heights)
    assert actions_of(results, "amazon-category-options", "popupClose")
    titles = [
        a["payload"]["title"] for a in results["actions"] if a["type"] == "notification"
    ]
    for title in (
        "Marketplace configured",
        *(f"{attribute} mapped" for attribute in FIELD_MAPPINGS),
        "Shipping mapping added",
        "Feeds submitted",
        "Orders imported",
        "Amazon options saved",
    ):
        assert title in titles
    assert results["standInErrors"] == []

    # Nothing left the machine, nothing broke the policy.
    assert all("127.0.0.1" not in url for url in results["blocked"])
    assert results["failedRequests"] == []
    assert results["pageErrors"] == []
    assert results["cspViolations"] == []
    # The policy is in force in the browser: an injected inline script did not
    # run, and it and an inline style were reported.
    assert results["cspCanaryRan"] is False
    blocked_directives = {v["text"].split()[2] for v in results["cspCanary"]}
    assert blocked_directives == {"script-src-elem", "style-src-elem"}
    # The browser's own console errors are the canary's two, nothing else.
    assert len(results["consoleErrors"]) == 2
    assert all("Content Security Policy" in e["text"] for e in results["consoleErrors"])

    # What the merchant did is in the database and at Amazon.
    account = AmazonAccount.objects.get()
    assert (account.seller_id, account.environment) == (SELLER_ID, "LOCAL_SANDBOX")
    marketplace = AmazonMarketplace.objects.get()
    assert (marketplace.marketplace_id, marketplace.status) == (DE, "CONFIGURED")
    assert marketplace.channel_id == channel.pk
    assert set(marketplace.warehouses.all()) == set(warehouses)
    assert marketplace.stock_buffer == 1
    assert marketplace.auto_sync is False
    assert {
        m.amazon_attribute: m.sources
        for m in AmazonFieldMapping.objects.filter(marketplace=marketplace)
    } == FIELD_MAPPINGS
    shipping = AmazonShippingMapping.objects.get(marketplace=marketplace)
    assert (shipping.service_level, shipping.shipping_method_id) == (
        "Standard",
        shop.methods["DE"].pk,
    )
    submissions = AmazonFeedSubmission.objects.filter(marketplace=marketplace)
    assert {s.kind for s in submissions} == set(FEED_KINDS)
    assert all(s.status in ("DONE", "EMPTY") for s in submissions), [
        (s.kind, s.status, s.error) for s in submissions
    ]
    listings = submissions.get(kind="LISTINGS")
    assert listings.status == "DONE"
    assert listings.accepted_count > 0
    assert {item["sku"] for item in sandbox.listings(DE)}

    product_options = json.loads(
        Product.objects.get(pk=shop.shirt.pk).private_metadata[OPTIONS_KEY]
    )
    assert product_options["productType"] == {DE: "SHIRT"}
    assert product_options["mappings"] == SHIRT_MAPPINGS
    bags = Category.objects.get(pk=shop.categories["bags"].pk)
    category_options = json.loads(bags.private_metadata[OPTIONS_KEY])
    assert category_options["productType"] == {"*": "LUGGAGE"}
    assert sandbox.requests("putListingsItem"), "no VALIDATION_PREVIEW reached Amazon"

    imported = AmazonImportedOrder.objects.get(amazon_order_id=shop.amazon_order_ids[0])
    assert imported.status == "IMPORTED"
    order = Order.objects.get(pk=imported.order_id)
    assert order.external_reference == shop.amazon_order_ids[0]
    assert results["orderIds"][shop.amazon_order_ids[0]] == to_global_id(
        "Order", order.pk
    )

    # A screenshot per page, light and dark.
    from PIL import Image, ImageStat

    for page in PAGES:
        light, dark = (
            SCREENSHOTS / f"{page}-{theme}.png" for theme in ("light", "dark")
        )
        assert str(light) in results["screenshots"]
        brightness = [
            sum(ImageStat.Stat(Image.open(path).convert("L")).mean)
            for path in (light, dark)
        ]
        assert brightness[1] < brightness[0] - 40, (page, brightness)


def test_staff_without_a_pages_permission_is_told_why(
    stack, browser_tools, shop, tmp_path
):
    from saleor.order.models import Order

    order = Order.objects.create(
        channel=shop.channels["EUR"], currency="EUR", lines_count=0
    )
    # Products only: no token for the order widget, and the Amazon page's
    # token carries MANAGE_PRODUCTS alone.
    clerk = staff("clerk@e2e.example.com", "manage_products")
    results = run_browser(
        stack,
        browser_tools,
        {
            "scenario": "no-access",
            "user": {"email": clerk.email, "password": PASSWORD},
            "orders": {"saleorOrderId": to_global_id("Order", order.pk)},
        },
        tmp_path,
    )
    tokens = {e["identifier"]: e["token"] for e in results["noAccess"]["extensions"]}
    assert tokens == {
        "amazon-page": True,
        "amazon-product-widget": True,
        "amazon-category-options": True,
        "amazon-order-widget": False,
    }
    assert "You don't have access to this" in results["noAccess"]["orderWidget"]
    # Said as soon as the dashboard's token-less handshake arrives (the page
    # listens from its first script on), not after its 10 s handshake timeout.
    assert results["noAccess"]["orderWidgetMs"] < 3_000, results["noAccess"]
    assert "Manage orders" in results["noAccess"]["orderWidget"]
    assert "Manage channels" in results["noAccess"]["amazonPage"]
    # The token-less handshake never reaches @saleor/app-sdk's decoding (which
    # would throw in its message listener): no uncaught error on the page.
    assert results["pageErrors"] == []
    assert results["cspViolations"] == []
