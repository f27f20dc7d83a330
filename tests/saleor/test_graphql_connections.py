"""Connections say how many items their pages hold (``totalCount``)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saleor_amazon_feeds.models import AmazonAccount, AmazonImportedOrder

from ..fixtures.security import gid

pytestmark = pytest.mark.django_db

ACCOUNTS = """
query ($first: Int, $after: String) {
  amazonAccounts(first: $first, after: $after) {
    totalCount edges { cursor node { name } } pageInfo { hasNextPage endCursor }
  }
}
"""
IMPORTED = """
query ($status: AmazonImportedOrderStatus, $marketplaceId: ID) {
  amazonImportedOrders(status: $status, marketplaceId: $marketplaceId, first: 1) {
    totalCount edges { node { amazonOrderId } }
  }
}
"""


def _accounts(count: int) -> None:
    for index in range(count):
        account = AmazonAccount(
            name=f"Seller {index}",
            seller_id=f"ASELLER{index:06d}",
            region="EU",
            lwa_client_id="amzn1.application-oa2-client.count",
        )
        account.lwa_client_secret = "amzn1.oa2-cs.v1.count"
        account.refresh_token = "Atzr|count"
        account.save()


def _count_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]


def test_total_count_is_every_page_not_this_one(caller):
    manager = caller("staff", {"MANAGE_CHANNELS"})
    _accounts(3)
    status, body = manager.post(ACCOUNTS, {"first": 2})
    assert status == 200, body
    first_page = body["data"]["amazonAccounts"]
    assert first_page["totalCount"] == 3
    assert len(first_page["edges"]) == 2
    status, body = manager.post(
        ACCOUNTS, {"first": 2, "after": first_page["pageInfo"]["endCursor"]}
    )
    assert body["data"]["amazonAccounts"]["totalCount"] == 3
    assert len(body["data"]["amazonAccounts"]["edges"]) == 1


def test_total_count_follows_the_filters(caller, plugin_world):
    manager = caller("staff", {"MANAGE_ORDERS"})
    marketplace = plugin_world.ids["marketplace"]
    every = AmazonImportedOrder.objects.count()
    held = AmazonImportedOrder.objects.filter(status="HELD").count()
    assert every > held > 0
    for variables, expected in (
        ({}, every),
        ({"status": "HELD"}, held),
        ({"marketplaceId": marketplace}, every),
        ({"marketplaceId": gid("AmazonMarketplace", 0)}, 0),
    ):
        status, body = manager.post(IMPORTED, variables)
        assert status == 200, body
        assert body["data"]["amazonImportedOrders"]["totalCount"] == expected


def test_one_count_query_and_only_when_asked(caller):
    manager = caller("staff", {"MANAGE_CHANNELS"})
    _accounts(2)
    with CaptureQueriesContext(connection) as asked:
        manager.post(ACCOUNTS, {"first": 1})
    with CaptureQueriesContext(connection) as not_asked:
        manager.post("{ amazonAccounts(first: 1) { edges { cursor } } }")
    assert len(_count_queries(asked.captured_queries)) == 1
    assert _count_queries(not_asked.captured_queries) == []
