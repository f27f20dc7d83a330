"""Settings of the Saleor server (uvicorn) and Celery worker the dashboard
end-to-end tests start (``tests/saleor/test_dashboard_e2e.py``).

The worker's settings, made to run as Saleor is deployed rather than as its
unit tests run it:

- a public URL: Saleor's test settings pin ``PUBLIC_URL`` to
  https://example.com, but the plugin builds its App's ``appUrl`` and the
  popup's URL from it, and the browser must reach them;
- Saleor's test settings make any unmarked read of the writer database raise
  (``restrict_writer_middleware``); deployed Saleor only logs it. Saleor's own
  authentication of an app-extension token (``load_user_from_request``) reads
  permissions that way, so under the test middleware every Saleor API call
  the dashboard pages make with their token would fail.
"""

import os

from tests.worker_settings import *  # noqa: F403

PUBLIC_URL = os.environ["PUBLIC_URL"]
DEBUG = False
_TEST_ONLY = "saleor.core.db.connection.restrict_writer_middleware"
MIDDLEWARE = [m for m in MIDDLEWARE if m != _TEST_ONLY]  # noqa: F405
CELERY_RESTRICT_WRITER_METHOD = "saleor.core.db.connection.log_writer_usage"
