"""The URLs the sandbox hands out (presigned documents, schemas) point at the
sandbox itself, whatever Host header the client sends."""

import subprocess
import sys
import time
from types import SimpleNamespace
from urllib.parse import urlsplit

import httpx
import pytest
from sp_api.base import Client as SpApiClient

from saleor_amazon_feeds.sandbox import SandboxServer
from saleor_amazon_feeds.sandbox.server import normalize_public_url
from tests.fixtures.sandbox import DE, SandboxClient

CONTENT_TYPE = "application/json; charset=UTF-8"


def host_header_of_python_amazon_sp_api(endpoint: str) -> str:
    """The Host header python-amazon-sp-api sends for ``endpoint``, computed by
    the library's own code (``Client.headers``)."""
    client = SimpleNamespace(
        endpoint=endpoint, user_agent="test", restricted_data_token="token"
    )
    return SpApiClient.headers.fget(client)["host"]


def upload_url(client: SandboxClient, host: str) -> str:
    response = client.sp(
        "POST",
        "/feeds/2021-06-30/documents",
        json={"contentType": CONTENT_TYPE},
        headers={"Host": host},
    )
    assert response.status_code == 201, response.text
    return response.json()["url"]


def schema_url(client: SandboxClient, host: str) -> str:
    response = client.sp(
        "GET",
        "/definitions/2020-09-01/productTypes/SHIRT",
        params={"marketplaceIds": DE},
        headers={"Host": host},
    )
    assert response.status_code == 200, response.text
    return response.json()["schema"]["link"]["resource"]


@pytest.fixture
def bare_server():
    server = SandboxServer(host="127.0.0.1", port=0, time_scale=100).start()
    yield server
    server.stop()


def test_library_host_header_is_not_the_sandbox(bare_server):
    # The premise: for an http:// endpoint the library cuts one character too
    # many, so a Host-based URL would name another machine.
    port = urlsplit(bare_server.base_url).port
    assert host_header_of_python_amazon_sp_api(bare_server.base_url) == (
        f"27.0.0.1:{port}"
    )


def test_urls_are_on_the_bound_address_whatever_the_host_header(bare_server):
    client = SandboxClient(bare_server)
    try:
        host = host_header_of_python_amazon_sp_api(bare_server.base_url)
        url = upload_url(client, host)
        assert url.startswith(f"{bare_server.base_url}/_sandbox/documents/")
        # The presigned URL works as handed out.
        upload = httpx.put(
            url, content=b'{"messages": []}', headers={"Content-Type": CONTENT_TYPE}
        )
        assert upload.status_code == 200, upload.text
        schema = schema_url(client, host)
        assert schema.startswith(f"{bare_server.base_url}/_sandbox/schemas/")
        assert httpx.get(schema).status_code == 200
        # Any other Host header gives the same answer.
        assert upload_url(client, "attacker.example:80").startswith(
            bare_server.base_url + "/"
        )
    finally:
        client.close()


def test_public_url_is_the_base_of_handed_out_urls():
    public = "https://sandbox.example.test:8443/sp-api"
    server = SandboxServer(port=0, time_scale=100, public_url=public + "/").start()
    client = SandboxClient(server)
    try:
        host = host_header_of_python_amazon_sp_api(server.base_url)
        assert upload_url(client, host).startswith(f"{public}/_sandbox/documents/")
        assert schema_url(client, host).startswith(f"{public}/_sandbox/schemas/")
        # It only names the URLs: the sandbox still listens where it was bound.
        assert urlsplit(server.base_url).hostname == "127.0.0.1"
    finally:
        client.close()
        server.stop()


@pytest.mark.parametrize(
    "url",
    ["", "127.0.0.1:8100", "ftp://host", "http://", "http://h:99999", "http://h?x=1"],
)
def test_public_url_must_be_an_http_base_url(url):
    with pytest.raises(ValueError, match="URL"):
        normalize_public_url(url)


def run_cli(*args: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "saleor_amazon_feeds.sandbox", "--port", "0", *args],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    return process, line.strip().rsplit(" ", 1)[-1]


def test_cli_public_url():
    public = "http://sandbox.internal:9000"
    process, base_url = run_cli("--time-scale", "100", "--public-url", public)
    try:
        assert base_url.startswith("http://127.0.0.1:")
        deadline = time.monotonic() + 5
        while True:
            try:
                httpx.get(f"{base_url}/_sandbox/health")
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        client = SandboxClient(SimpleNamespace(base_url=base_url))
        try:
            host = host_header_of_python_amazon_sp_api(base_url)
            assert upload_url(client, host).startswith(f"{public}/_sandbox/documents/")
        finally:
            client.close()
    finally:
        process.terminate()
        process.wait(timeout=5)


def test_cli_rejects_a_bad_public_url():
    process = subprocess.run(
        [
            sys.executable,
            "-m",
            "saleor_amazon_feeds.sandbox",
            "--port",
            "0",
            "--public-url",
            "127.0.0.1:8100",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert process.returncode == 2
    assert "--public-url" in process.stderr
