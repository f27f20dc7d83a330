"""Two real workers (threads, each with its own PostgreSQL connection) importing
the same window at the same time create every Saleor order exactly once."""

import threading

import pytest
from django.db import connection
from saleor.core.db.connection import allow_writer
from saleor.order.models import Order
from saleor.warehouse.models import Allocation

from saleor_amazon_feeds.models import AmazonImportedOrder
from saleor_amazon_feeds.orders import importer
from tests.fixtures.orders import DE_ORDERS_SEEDED as DE_ORDERS


@pytest.mark.django_db(transaction=True)
def test_two_workers_importing_the_same_window_create_each_order_once(
    de_shop, monkeypatch
):
    marketplace_pk = de_shop.marketplace.pk
    barrier = threading.Barrier(2, timeout=30)
    real_process = importer.process_batch

    def process_together(*args, **kwargs):
        # Both workers fetched the same orders; start writing at the same moment.
        barrier.wait()
        return real_process(*args, **kwargs)

    monkeypatch.setattr(importer, "process_batch", process_together)
    outcomes, errors = [], []

    def worker():
        try:
            with allow_writer():
                marketplace = (
                    type(de_shop.marketplace)
                    .objects.select_related("account", "channel")
                    .get(pk=marketplace_pk)
                )
                outcomes.append(importer.import_marketplace(marketplace))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert len(outcomes) == 2
    assert sorted(o.imported for o in outcomes) == [0, 4]
    assert sum(o.found for o in outcomes) == 10
    for amazon_id in DE_ORDERS:
        assert Order.objects.filter(external_reference=amazon_id).count() == 1
    assert Order.objects.count() == 4
    assert AmazonImportedOrder.objects.count() == 5
    assert set(
        AmazonImportedOrder.objects.filter(status="IMPORTED").values_list(
            "amazon_order_id", flat=True
        )
    ) == set(DE_ORDERS)
    # Stock reserved once, not twice.
    assert de_shop.stock("TSHIRT-BLUE-M").quantity_allocated == 21
    assert (
        sum(
            Allocation.objects.filter(
                stock__product_variant__sku="TSHIRT-BLUE-M"
            ).values_list("quantity_allocated", flat=True)
        )
        == 21
    )
