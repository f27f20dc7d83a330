"""A free feed slot reads as free: the limiter answers with Redis's clock,
rounded to fewer digits than Python's, so a free slot used to come back a few
microseconds in the future about one time in thirty, and the drain waited for
the quota (or a manual submission failed with a quota error) for nothing."""

import pytest
from django.utils import timezone

from saleor_amazon_feeds.amazon_clients import client_for

pytestmark = pytest.mark.django_db


def test_a_free_feed_slot_is_never_reported_in_the_future(sync_marketplace):
    with client_for(sync_marketplace.account) as client:
        late = 0
        for _ in range(3000):
            if client.next_feed_submission_at() > timezone.now():
                late += 1
    assert late == 0
