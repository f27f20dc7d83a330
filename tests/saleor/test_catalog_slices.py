"""A full build split by product id among workers (``catalog.slices``) sends
exactly the feed the one-worker build sends, and a slice that fails fails its
submission without sending anything.

The first tests run the slices in this process (Celery eager); the last ones
through two real Celery worker processes, each running one task at a time.
"""

import json
import os
import re
import time
from pathlib import Path

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from saleor_amazon_feeds.amazon_clients import client_for
from saleor_amazon_feeds.catalog.build import language_tag
from saleor_amazon_feeds.catalog.submission import (
    FeedBuild,
    catalog_changes,
    submit_feeds,
)
from saleor_amazon_feeds.catalog.types import FeedKind
from saleor_amazon_feeds.models import (
    AmazonFeedSlice,
    AmazonFeedSliceChunk,
    AmazonFeedSubmission,
    AmazonFieldMapping,
    AmazonProductFingerprint,
    AmazonProductTypeDefinition,
)
from sample_shop.apparel import ShirtCatalog
from sample_shop.product_type_schema import mapped_sources, product_type_schema
from tests.fixtures import processes
from tests.fixtures.catalog import accept_listings, set_options
from tests.fixtures.sync import sandbox_marketplace

pytestmark = pytest.mark.django_db

US = "ATVPDKIKX0DER"
KINDS = (FeedKind.LISTINGS, FeedKind.INVENTORY, FeedKind.PRICES)
ROOT = Path(__file__).resolve().parents[2]
BROKER_DB = 14
# Small slices and documents, so that slices and documents cut through each
# other: a document holds the end of one slice and the start of the next.
SLICE_PRODUCTS = 3
FEED_MESSAGES = 7
# Through the workers: few enough documents for the feed quota's burst of 5.
WORKER_FEED_MESSAGES = 20
# The queue only the second worker consumes: a submission sent there runs on
# a worker that cannot also take the helper it queues. A worker of one task
# at a time still reserves the next message while it runs one, so a helper
# could otherwise wait behind its own submission, which then builds every
# slice alone.
SUBMISSIONS_QUEUE = "amazon_feeds_test_submissions"


@pytest.fixture
def shirts_marketplace(amazon_sandbox_settings, channel_USD, warehouses, category):
    """A sandbox marketplace selling shirts, their product type's schema
    stored (validation on, as in production) and mapped."""
    marketplace = sandbox_marketplace(
        channel_USD,
        warehouses[:2],
        secret="amzn1.oa2-cs.v1.slices-test-secret",
        handling_time=2,
    )
    set_options(category, productType="SHIRT")
    AmazonProductTypeDefinition.objects.create(
        marketplace_id=US,
        product_type="SHIRT",
        requirements="LISTING",
        display_name="Shirt",
        version="test",
        checksum="test-generated",
        schema=product_type_schema(US, language_tag(US), currency="USD"),
        fetched_at=timezone.now(),
    )
    sources = {
        # As the bench's marketplace maps a described shirt.
        "item_name": ["product.name"],
        "product_description": ["product.description"],
        "bullet_point": ["product.description_bullets"],
        "brand": ["attribute:maker"],
        "color": ["attribute:colour"],
        "size": ["attribute:garment-size"],
        "externally_assigned_product_identifier": ["gtin:ean"],
        "main_product_image_locator": ["product.media"],
        "item_weight": ["variant.weight", "product.weight"],
        **mapped_sources(),
        "department": ["literal:mens"],
        "fabric_type": ["literal:100% cotton"],
        "country_of_origin": ["literal:PT"],
    }
    for attribute, chosen in sources.items():
        AmazonFieldMapping.objects.create(
            marketplace=marketplace, amazon_attribute=attribute, sources=chosen
        )
    return marketplace


@pytest.fixture
def shirts(sample_apparel, category, channel_USD, warehouses):
    catalog = ShirtCatalog(
        sample_apparel, category, channel_USD, warehouses, described=True
    )
    return lambda n: catalog.add(n, variants=2)


def _catalog(shirts, marketplace, products=10):
    """Shirts with two sizes whose listings Amazon has (so offers are built
    too), one of them without a price (left out, with a reason)."""
    from saleor.product.models import ProductVariant, ProductVariantChannelListing

    made = shirts(products)
    variants = list(ProductVariant.objects.filter(product__in=made))
    accept_listings(marketplace, variants)
    ProductVariantChannelListing.objects.filter(variant=variants[5]).delete()
    return made


def _plain(summary):
    return json.loads(json.dumps(summary, cls=DjangoJSONEncoder))


def _built(marketplace, kind):
    """The documents of a build and what each message came from, not sent."""
    with client_for(marketplace.account) as client:
        build = FeedBuild(client, marketplace, kind)
        documents = [
            (
                document.content,
                document.correlation,
                [
                    (i.product_id, i.variant_id, i.digest, _plain(i.summary))
                    for i in items
                ],
            )
            for document, items in build.documents()
        ]
        return documents, build.skipped_count


def test_sliced_build_equals_the_one_worker_build(shirts_marketplace, shirts, settings):
    _catalog(shirts, shirts_marketplace)
    settings.AMAZON_FEEDS_MAX_FEED_MESSAGES = FEED_MESSAGES
    settings.AMAZON_FEEDS_BUILD_SLICE_PRODUCTS = SLICE_PRODUCTS
    skipped = []
    for kind in KINDS:
        settings.AMAZON_FEEDS_PARALLEL_BUILD_MIN_PRODUCTS = 0
        one, one_skipped = _built(shirts_marketplace, kind)
        settings.AMAZON_FEEDS_PARALLEL_BUILD_MIN_PRODUCTS = 1
        sliced, sliced_skipped = _built(shirts_marketplace, kind)
        assert len(one) > 1, "the test needs several documents"
        assert sliced == one, kind
        assert sliced_skipped == one_skipped
        skipped.append(one_skipped)
    assert any(skipped), "the test needs a product left out"
    # Nothing of the build stays behind.
    assert not AmazonFeedSlice.objects.exists()
    assert not AmazonFeedSliceChunk.objects.exists()


@pytest.fixture
def planned(monkeypatch):
    """How many slices each split build planned: ``slices.plan`` runs as
    ever, its answers recorded."""
    from saleor_amazon_feeds.catalog import slices

    answers: list[int] = []
    plan = slices.plan

    def recorded(*args, **kwargs):
        answers.append(plan(*args, **kwargs))
        return answers[-1]

    monkeypatch.setattr(slices, "plan", recorded)
    return answers


def test_small_and_partial_builds_are_not_split(
    shirts_marketplace, shirts, settings, planned
):
    made = _catalog(shirts, shirts_marketplace, products=4)
    settings.AMAZON_FEEDS_BUILD_SLICE_PRODUCTS = 1
    settings.AMAZON_FEEDS_PARALLEL_BUILD_MIN_PRODUCTS = 5
    _built(shirts_marketplace, FeedKind.LISTINGS)
    settings.AMAZON_FEEDS_PARALLEL_BUILD_MIN_PRODUCTS = 1
    with client_for(shirts_marketplace.account) as client:
        build = FeedBuild(client, shirts_marketplace, FeedKind.LISTINGS, [made[0].pk])
        assert list(build.documents())
    assert planned == []
    _built(shirts_marketplace, FeedKind.LISTINGS)
    assert planned == [4]


@pytest.mark.parametrize("together", [False, True], ids=["one kind", "all kinds"])
def test_an_automatic_build_of_few_changes_is_not_split(
    shirts_marketplace, shirts, settings, planned, together
):
    """The automatic sync reads which products changed first: nothing or a
    few changed, this worker builds just those, without planning slices;
    as many as the threshold, the build is split as a full one is. Read by
    the build itself or, as a submission reads them, for all its kinds at
    once (``catalog_changes``)."""
    from saleor.product.models import ProductVariantChannelListing

    made = _catalog(shirts, shirts_marketplace, products=6)
    settings.AMAZON_FEEDS_BUILD_SLICE_PRODUCTS = 2
    settings.AMAZON_FEEDS_PARALLEL_BUILD_MIN_PRODUCTS = 3

    def automatic():
        changes = (
            catalog_changes(
                shirts_marketplace, [FeedKind.INVENTORY, FeedKind.PRICES], None, True
            )
            if together
            else None
        )
        with client_for(shirts_marketplace.account) as client:
            build = FeedBuild(
                client,
                shirts_marketplace,
                FeedKind.PRICES,
                skip_unchanged=True,
                changes=changes,
            )
            prices = [
                item.summary["price"]
                for _, items in build.documents()
                for item in items
            ]
            build.settle([])
            return prices, build.fingerprints.built

    # The first automatic build sends everything: split, as a full build.
    prices, _ = automatic()
    assert planned == [3]
    assert len(prices) == 11
    assert automatic() == ([], 0)
    assert planned == [3]

    def reprice(products, amount):
        ProductVariantChannelListing.objects.filter(
            variant__product__in=products
        ).update(price_amount=amount)

    reprice(made[:2], 31)
    assert automatic() == (["31.00"] * 4, 2)
    assert planned == [3]
    # As many changed products as the threshold: split again.
    reprice(made[:3], 32)
    prices, _ = automatic()
    assert prices == ["32.00"] * 6
    assert planned == [3, 3]


def test_sliced_submission_records_fingerprints_once_sent(
    shirts_marketplace, shirts, settings, sandbox
):
    made = _catalog(shirts, shirts_marketplace)
    settings.AMAZON_FEEDS_MAX_FEED_MESSAGES = FEED_MESSAGES
    settings.AMAZON_FEEDS_BUILD_SLICE_PRODUCTS = SLICE_PRODUCTS
    settings.AMAZON_FEEDS_PARALLEL_BUILD_MIN_PRODUCTS = 1
    submissions = submit_feeds(shirts_marketplace, [FeedKind.LISTINGS])
    assert len(submissions) > 1
    assert {s.status for s in submissions} == {"IN_QUEUE"}
    assert len(sandbox.requests("createFeed")) == len(submissions)
    prints = AmazonProductFingerprint.objects.filter(marketplace=shirts_marketplace)
    assert prints.filter(pending="").exclude(fingerprint="").count() == len(made)


def _break_schema_of(product) -> None:
    """A stored product type definition that is not a schema: building a
    product of that type raises (the kind of fault a slice can meet)."""
    set_options(product, productType="BROKEN")
    AmazonProductTypeDefinition.objects.create(
        marketplace_id=US,
        product_type="BROKEN",
        requirements="LISTING",
        display_name="Broken",
        version="test",
        checksum="broken",
        schema={"not": "a schema"},
        fetched_at=timezone.now(),
    )


def test_a_failed_slice_fails_the_submission_and_sends_nothing(
    shirts_marketplace, shirts, settings, sandbox
):
    from saleor_amazon_feeds.catalog import locks

    made = _catalog(shirts, shirts_marketplace)
    _break_schema_of(made[-1])
    settings.AMAZON_FEEDS_BUILD_SLICE_PRODUCTS = SLICE_PRODUCTS
    settings.AMAZON_FEEDS_PARALLEL_BUILD_MIN_PRODUCTS = 1
    (submission,) = submit_feeds(shirts_marketplace, [FeedKind.LISTINGS])
    assert submission.status == "ERROR"
    assert "slice 4 of 4" in submission.error
    assert "Not a product type schema" in submission.error
    assert sandbox.requests("createFeedDocument") == []
    assert not AmazonProductFingerprint.objects.exclude(pending="").exists()
    assert not AmazonFeedSlice.objects.exists()
    # The lock is free again.
    with locks.submission_lock(shirts_marketplace.pk):
        pass


# -- two real worker processes ---------------------------------------------------


@pytest.fixture(scope="module")
def two_workers(django_db_setup, django_db_blocker, sandbox_server):
    """Two Celery workers of one task at a time each, splitting builds of 3
    products a slice from 1 product on; the first consumes the default queue,
    the second only ``SUBMISSIONS_QUEUE``."""
    with django_db_blocker.unblock():
        database_url = processes.current_database_url()
    with processes.stack(
        database_url=database_url,
        sandbox_url=sandbox_server.base_url,
        broker_db=BROKER_DB,
        workers=2,
        worker_concurrency=1,
        worker_queues=[["celery"], [SUBMISSIONS_QUEUE]],
        settings_module="tests.worker_settings",
        env={
            "AMAZON_FEEDS_PARALLEL_BUILD_MIN_PRODUCTS": "1",
            "AMAZON_FEEDS_BUILD_SLICE_PRODUCTS": str(SLICE_PRODUCTS),
            "AMAZON_FEEDS_MAX_FEED_MESSAGES": str(WORKER_FEED_MESSAGES),
            "PRIVATE_MEDIA_ROOT": str(
                ROOT / ".cache" / f"slices-private-media-{os.getpid()}"
            ),
        },
    ) as stack:
        yield stack


@pytest.fixture
def on_workers(two_workers, settings):
    settings.AMAZON_FEEDS_RATE_LIMIT_PREFIX = two_workers.prefix
    with processes.sending_tasks_to(two_workers.broker_url):
        from saleor_amazon_feeds.amazon_clients import limiter

        limiter().clear()
        yield two_workers


def _submitted(kind, stack, timeout=120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = list(
            AmazonFeedSubmission.objects.filter(kind=kind)
            .exclude(status__in=["PENDING", "UPLOADED"])
            .order_by("pk")
        )
        open_ = AmazonFeedSubmission.objects.filter(
            kind=kind, status__in=["PENDING", "UPLOADED"]
        )
        if done and not open_.exists() and not AmazonFeedSlice.objects.exists():
            return done
        stack.assert_alive()
        time.sleep(0.1)
    pytest.fail(f"no {kind} submission recorded:\n{stack.logs()}")


def _slices_built_per_worker(stack) -> list[int]:
    """Slices each worker's helper tasks built (their task results)."""
    return [
        sum(
            int(n)
            for n in re.findall(
                rb"build_feed_slices_task\[[^\]]+\] succeeded in [^:]+: (\d+)",
                p.log_path.read_bytes(),
            )
        )
        for p in stack.named("worker")
    ]


@pytest.mark.django_db(transaction=True)
def test_two_workers_send_exactly_the_one_worker_feed(
    on_workers, shirts_marketplace, shirts, settings, sandbox_server
):
    from saleor_amazon_feeds.catalog.tasks import submit_feeds_task

    _catalog(shirts, shirts_marketplace, products=24)
    settings.AMAZON_FEEDS_MAX_FEED_MESSAGES = WORKER_FEED_MESSAGES
    settings.AMAZON_FEEDS_PARALLEL_BUILD_MIN_PRODUCTS = 0
    # Built here by one worker, not sent.
    expected, skipped = _built(shirts_marketplace, FeedKind.LISTINGS)

    submit_feeds_task.apply_async(
        (shirts_marketplace.pk, [FeedKind.LISTINGS.value]), queue=SUBMISSIONS_QUEUE
    )
    submissions = _submitted(FeedKind.LISTINGS, on_workers)

    assert 1 < len(expected) <= 5
    assert [s.status for s in submissions] == ["IN_QUEUE"] * len(expected)
    documents = sandbox_server.state.data["documents"]
    sent = [bytes(documents[s.document_id]["content"]) for s in submissions]
    assert sent == [content for content, _, _ in expected]
    assert [s.skipped_count for s in submissions] == [skipped] * len(expected)
    # The other worker helped, and every slice was built once: by the
    # submission's worker or by the helpers (which only the other one runs;
    # a helper logs its result just after the submission could go on).
    (submitting,) = on_workers.named("worker")[1:]
    (built,) = re.findall(
        rb"(\d+) slices built in [^,]+, (\d+) by the submission's worker",
        submitting.log_path.read_bytes(),
    )
    count, own = int(built[0]), int(built[1])
    deadline = time.monotonic() + 10
    while _slices_built_per_worker(on_workers) != [count - own, 0]:
        assert time.monotonic() < deadline, on_workers.logs()
        time.sleep(0.1)
    assert count - own > 0, on_workers.logs()


@pytest.mark.django_db(transaction=True)
def test_a_slice_failing_on_a_worker_fails_the_submission(
    on_workers, shirts_marketplace, shirts, sandbox_server
):
    from saleor_amazon_feeds.catalog.tasks import submit_feeds_task

    made = _catalog(shirts, shirts_marketplace, products=24)
    _break_schema_of(made[4])
    before = len(sandbox_server.state.data["documents"])

    submit_feeds_task.delay(shirts_marketplace.pk, [FeedKind.LISTINGS.value])
    (submission,) = _submitted(FeedKind.LISTINGS, on_workers)

    assert submission.status == "ERROR"
    assert "slice 2 of 8" in submission.error, submission.error
    assert "Not a product type schema" in submission.error
    assert submission.feed_id == ""
    assert len(sandbox_server.state.data["documents"]) == before
    deadline = time.monotonic() + 30
    # The other slices' prints are discarded once the submission is recorded.
    while AmazonProductFingerprint.objects.exclude(pending="").exists():
        assert time.monotonic() < deadline
        time.sleep(0.1)
    # The lock was released: the next submission runs (and fails the same way).
    submit_feeds_task.delay(shirts_marketplace.pk, [FeedKind.LISTINGS.value])
    deadline = time.monotonic() + 60
    while AmazonFeedSubmission.objects.count() < 2:
        assert time.monotonic() < deadline, on_workers.logs()
        time.sleep(0.1)
