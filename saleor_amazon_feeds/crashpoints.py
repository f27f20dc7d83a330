"""Named points where a test may kill the process, to prove crash recovery.

``crash_point("feed.after_create_feed")`` kills the current process with
SIGKILL when the environment variable ``AMAZON_FEEDS_CRASH_AT`` names that
point, exactly as a machine failure or the OOM killer would: no ``finally``,
no rollback handler, no Celery acknowledgement. It is a test switch, not a
setting: it is read once at import (a deployment never sets it), so an
unnamed point costs one comparison. Several points may be named, separated
by commas.

Points (each a step after which a crash must lose and double nothing):

* ``feed.after_build``: a feed document is built and its submission recorded,
  nothing sent yet;
* ``feed.after_create_document``: createFeedDocument answered, nothing uploaded;
* ``feed.after_upload``: the document is uploaded and recorded, no createFeed;
* ``feed.after_create_feed``: Amazon created the feed, its id is not recorded;
* ``feed.before_result``: the processing report is read, not yet recorded;
* ``urgent.after_patch``: the urgent quantity-0 PATCH went out, not recorded;
* ``orders.after_bulk_create``: orderBulkCreate ran, its batch not committed;
* ``orders.after_batch``: one batch committed, the next not started;
* ``shipment.after_confirm``: confirmShipment answered, not recorded;
* ``hooks.before_outbox``: Saleor committed a product change, the plugin's
  hook has not written the outbox row.
"""

import os
import signal

ENVIRONMENT_VARIABLE = "AMAZON_FEEDS_CRASH_AT"

_ARMED = frozenset(
    name.strip()
    for name in (os.environ.get(ENVIRONMENT_VARIABLE) or "").split(",")
    if name.strip()
)


def crash_point(name: str) -> None:
    """Die here, at once, if the process was started to crash at ``name``."""
    if _ARMED and name in _ARMED:
        os.kill(os.getpid(), signal.SIGKILL)


def armed() -> frozenset[str]:
    """The points this process crashes at (empty outside crash tests)."""
    return _ARMED
