"""Every settings module the project starts Saleor with: no usage telemetry
(Saleor's default reports to Saleor's servers), and the demo without DEBUG
unless asked for.

Each module is imported in a fresh interpreter with the environment its
processes get, plus hostile variables (``DEBUG=True``,
``SEND_USAGE_TELEMETRY=True``) a developer's shell might export. The
benchmarks (``make bench``) and ``make schema`` run on ``tests.settings``.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json
import os

import django
from django.conf import settings

django.setup()
report = {
    "DEBUG": settings.DEBUG,
    "SEND_USAGE_TELEMETRY": settings.SEND_USAGE_TELEMETRY,
    "ALLOWED_HOSTS": list(settings.ALLOWED_HOSTS),
}
if os.environ.get("PROBE_ASGI"):
    from saleor.core.jwt_manager import get_jwt_manager

    # Saleor refuses to sign tokens without DEBUG unless a key is configured.
    get_jwt_manager().validate_configuration()
    report["jwks_keys"] = len(get_jwt_manager().get_jwks()["keys"])
    # What uvicorn serves in the demo: Saleor wraps it in the usage telemetry
    # middleware only when SEND_USAGE_TELEMETRY is on.
    import saleor.asgi

    report["asgi_app"] = saleor.asgi.application.__qualname__
print("PROBE" + json.dumps(report))
"""


@pytest.fixture(scope="module")
def rsa_key_file(tmp_path_factory):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path_factory.mktemp("demo-key") / "jwt-key.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    return path


def probe(module: str, tmp_path: Path, **extra_env: str | None) -> dict:
    """The settings ``module`` loads in a new interpreter (None unsets a variable)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SETTINGS_MODULE", "AMAZON_FEEDS_DEMO_DEBUG")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": module,
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
            ),
            "DATABASE_URL": os.environ.get(
                "DATABASE_URL", "postgres://127.0.0.1/unused"
            ),
            "DEBUG": "True",
            "SEND_USAGE_TELEMETRY": "True",
            "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
            "PRIVATE_MEDIA_ROOT": str(tmp_path),
            "AMAZON_FEEDS_DEMO_DIR": str(tmp_path),
        }
    )
    for key, value in extra_env.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(x for x in result.stdout.splitlines() if x.startswith("PROBE"))
    return json.loads(line.removeprefix("PROBE"))


def test_demo_settings_default_to_no_debug_and_no_telemetry(tmp_path, rsa_key_file):
    # The environment demo/run.py hands every process of the stack.
    report = probe(
        "demo.settings",
        tmp_path,
        AMAZON_FEEDS_DEMO_RSA_KEY_FILE=str(rsa_key_file),
        PUBLIC_URL="http://127.0.0.1:8000",
        PROBE_ASGI="1",
    )
    assert report["DEBUG"] is False
    assert report["SEND_USAGE_TELEMETRY"] is False
    assert "usage_telemetry" not in report["asgi_app"]
    # Without DEBUG Django enforces ALLOWED_HOSTS: the demo's own addresses.
    assert set(report["ALLOWED_HOSTS"]) >= {"127.0.0.1", "localhost"}
    assert report["jwks_keys"] == 1


def test_demo_debug_is_opt_in(tmp_path, rsa_key_file):
    report = probe(
        "demo.settings",
        tmp_path,
        AMAZON_FEEDS_DEMO_RSA_KEY_FILE=str(rsa_key_file),
        AMAZON_FEEDS_DEMO_DEBUG="1",
    )
    assert report["DEBUG"] is True
    assert report["SEND_USAGE_TELEMETRY"] is False


@pytest.mark.parametrize("module", ["tests.settings", "tests.worker_settings"])
def test_test_and_worker_settings_have_no_telemetry(tmp_path, module):
    assert probe(module, tmp_path)["SEND_USAGE_TELEMETRY"] is False


def test_probe_sees_saleors_own_default(tmp_path, rsa_key_file):
    # The probe can tell: Saleor's own settings send telemetry by default.
    report = probe(
        "saleor.settings",
        tmp_path,
        SEND_USAGE_TELEMETRY=None,
        PROBE_ASGI="1",
        # Else Saleor writes a debug key into its source tree.
        RSA_PRIVATE_KEY=rsa_key_file.read_text(),
    )
    assert report["SEND_USAGE_TELEMETRY"] is True
    assert "usage_telemetry" in report["asgi_app"]


def test_bench_runs_on_the_test_settings():
    # bench/run.sh runs pytest from the root, whose conftest picks the
    # settings: nothing in the bench's own files may pick others.
    for path in [ROOT / "bench" / "run.sh", *sorted((ROOT / "bench").glob("*.py"))]:
        text = path.read_text()
        assert "DJANGO_SETTINGS_MODULE" not in text, path
        assert "saleor.settings" not in text, path
    assert (
        '"DJANGO_SETTINGS_MODULE", "tests.settings"'
        in (ROOT / "conftest.py").read_text()
    )
