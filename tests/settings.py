"""Saleor's test settings; the plugin joins INSTALLED_APPS via its entry point.

Also the settings of everything else that starts Saleor from the test tree:
the Celery worker of the end-to-end tests (``tests.worker_settings``), the
benchmarks (``make bench``) and ``make schema``.
"""

from saleor.tests.settings import *  # noqa: F403

# Saleor's usage telemetry is on unless told otherwise and reports to Saleor's
# servers; no test, worker or bench run may reach the internet. Assigned rather
# than read from the environment so an exported variable cannot turn it on.
SEND_USAGE_TELEMETRY = False
