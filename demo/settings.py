"""Saleor's settings plus what the demo stack needs.

Every process of the demo (migrate, uvicorn, Celery worker and beat, the
orchestrator) uses this module, so secrets and keys must be the same in all of
them: the orchestrator hands them over through the environment.
"""

import os
from pathlib import Path


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


# Tracebacks in responses, media served by Django and Saleor's other debug-only
# conveniences are for whoever asks for them; the demo stack listens on HTTP.
DEMO_DEBUG = _flag("AMAZON_FEEDS_DEMO_DEBUG")
# Saleor derives settings from DEBUG while its settings module is imported
# (e.g. ALLOWED_CLIENT_HOSTS): decide it before the import, overriding a DEBUG
# the shell may export, so everything derived agrees with DEBUG below.
os.environ["DEBUG"] = "True" if DEMO_DEBUG else "False"
# Without DEBUG Saleor refuses to start unless this is set.
os.environ.setdefault("ALLOWED_CLIENT_HOSTS", "localhost,127.0.0.1")
# Saleor draws a random key per process when unset: tokens signed by one
# process would not verify in another.
os.environ.setdefault("SECRET_KEY", "amazon-feeds-demo-not-a-secret")

from saleor.settings import *  # noqa: F403, E402

DEMO_DIR = Path(os.environ.get("AMAZON_FEEDS_DEMO_DIR", ".cache/demo")).resolve()

DEBUG = DEMO_DEBUG
# Saleor's ASGI app reports usage to Saleor's servers from every process that
# starts it; a demo (and its tests) must not reach the internet. Assigned, not
# read from the environment, so no exported variable can turn it back on.
SEND_USAGE_TELEMETRY = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
# The worker delivers Saleor's signed stock webhooks to the plugin on 127.0.0.1.
HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS = True
_rsa_key_file = os.environ.get("AMAZON_FEEDS_DEMO_RSA_KEY_FILE")
if _rsa_key_file:
    RSA_PRIVATE_KEY = Path(_rsa_key_file).read_text()

PUBLIC_URL = os.environ.get("PUBLIC_URL") or None
MEDIA_ROOT = str(DEMO_DIR / "media")
PRIVATE_MEDIA_ROOT = str(DEMO_DIR / "private-media")

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL

AMAZON_FEEDS_SANDBOX_URL = os.environ.get("AMAZON_FEEDS_SANDBOX_URL", "")
AMAZON_FEEDS_TIME_SCALE = float(os.environ.get("AMAZON_FEEDS_TIME_SCALE", "1"))
AMAZON_FEEDS_REDIS_URL = os.environ.get(
    "AMAZON_FEEDS_REDIS_URL", "redis://127.0.0.1:6379/0"
)
AMAZON_FEEDS_RATE_LIMIT_PREFIX = os.environ.get(
    "AMAZON_FEEDS_RATE_LIMIT_PREFIX", "amazon_feeds_demo"
)
