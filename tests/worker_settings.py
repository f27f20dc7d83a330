"""Settings for the real Celery worker of the end-to-end sync tests.

Saleor's test settings run tasks eagerly; a worker must not, and must use the
broker and the test database the test process hands it through the
environment.
"""

import os

from tests.settings import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
PLUGINS = ["saleor_amazon_feeds.plugin.AmazonFeedsPlugin"]
# Saleor keeps webhook payloads in files: the test process writes them here.
PRIVATE_MEDIA_ROOT = os.environ["PRIVATE_MEDIA_ROOT"]
