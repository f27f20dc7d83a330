import json
import subprocess
import sys
import time

import httpx

from saleor_amazon_feeds.sandbox import SandboxServer
from tests.fixtures.sandbox import DE, SandboxClient


def test_state_file_persists_across_restarts(tmp_path):
    state_file = tmp_path / "sandbox.json"
    server = SandboxServer(port=0, state_file=state_file, time_scale=100).start()
    client = SandboxClient(server)
    put = client.sp(
        "PUT",
        f"/listings/2021-08-01/items/{client.seller_id}/KEEP-ME",
        params={"marketplaceIds": DE},
        json={
            "productType": "LUGGAGE",
            "attributes": {"item_name": [{"value": "Koffer", "language_tag": "de_DE"}]},
        },
    )
    assert put.json()["status"] == "ACCEPTED"
    token = client.access_token()
    client.close()
    server.stop()
    assert json.loads(state_file.read_text())["data"]["listings"]

    again = SandboxServer(port=0, state_file=state_file, time_scale=100).start()
    try:
        response = httpx.get(
            f"{again.base_url}/listings/2021-08-01/items/{client.seller_id}/KEEP-ME",
            params={"marketplaceIds": DE},
            headers={"x-amz-access-token": token},
        )
        assert response.status_code == 200
        assert response.json()["sku"] == "KEEP-ME"
    finally:
        again.stop()


def test_no_seed_starts_empty():
    server = SandboxServer(port=0, seed=False).start()
    try:
        orders = httpx.get(f"{server.base_url}/_sandbox/orders").json()["orders"]
        assert orders == []
    finally:
        server.stop()


def test_cli_serves(tmp_path):
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "saleor_amazon_feeds.sandbox",
            "--port",
            "0",
            "--time-scale",
            "10",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert "listening on http://127.0.0.1:" in line
        base_url = line.strip().rsplit(" ", 1)[-1]
        deadline = time.monotonic() + 5
        while True:
            try:
                health = httpx.get(f"{base_url}/_sandbox/health")
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        assert health.json() == {"status": "ok", "timeScale": 10.0}
    finally:
        proc.terminate()
        proc.wait(timeout=5)
    assert proc.returncode is not None
