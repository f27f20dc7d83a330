"""The plugin serves the dashboard extension's build under ``dashboard/``.

Most tests use a small build folder of their own (pages, hashed assets, a
gzip copy, a hidden file, a symlink out of the folder) so that each header and
refusal is pinned down independently of what the frontend emits; the last
ones check the real build the package ships.
"""

import gzip
import os
import re
from pathlib import Path

import pytest
from saleor.plugins.models import PluginConfiguration

from saleor_amazon_feeds.dashboard import assets
from saleor_amazon_feeds.dashboard.extensions import PAGES
from saleor_amazon_feeds.plugin import PLUGIN_ID

pytestmark = pytest.mark.django_db

BASE = f"/plugins/global/{PLUGIN_ID}/dashboard"
INDEX_HTML = (
    b"<!doctype html><html><head>"
    b'<script type="module" src="/x/assets/index-abc123.js"></script>'
    b"</head><body><div id=root></div></body></html>"
)
SCRIPT = b"console.log('amazon');\n" * 200


@pytest.fixture
def build(tmp_path, monkeypatch, amazon_feeds_plugin) -> Path:
    """A build folder as Vite leaves it, plus things that must never be served."""
    static = tmp_path / "static"
    (static / "assets").mkdir(parents=True)
    (static / "index.html").write_bytes(INDEX_HTML)
    (static / "assets" / "index-abc123.js").write_bytes(SCRIPT)
    (static / "assets" / "index-abc123.js.gz").write_bytes(
        gzip.compress(SCRIPT, mtime=0)
    )
    (static / "assets" / "index-abc123.css").write_text("body{margin:0}")
    (static / "assets" / "Inter-abc123.woff2").write_bytes(b"wOF2fake")
    (static / "assets" / "logo-abc123.svg").write_text("<svg/>")
    (static / "favicon.ico").write_bytes(b"\x00\x00\x01\x00")
    (static / ".build-stamp").write_text("digest\n")
    (static / "assets" / "tool.exe").write_bytes(b"MZ")
    (tmp_path / "secret.js").write_text("SECRET")
    (static / "assets" / "link-abc123.js").symlink_to(tmp_path / "secret.js")
    monkeypatch.setattr(assets, "STATIC_DIR", static)
    return static


def assert_page_headers(response) -> None:
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    # The dashboard frames these pages: frame-ancestors decides, not XFO.
    assert "X-Frame-Options" not in response
    assert response["ETag"]


def csp(response) -> dict[str, list[str]]:
    policy = {}
    for directive in response["Content-Security-Policy"].split(";"):
        name, *values = directive.split()
        policy[name] = values
    return policy


# -- pages ---------------------------------------------------------------------


@pytest.mark.parametrize("page", sorted(PAGES))
def test_each_page_answers_with_index_html(client, build, page):
    response = client.get(f"{BASE}/{page}?id=QXBwOjE%3D&theme=dark")
    assert response.status_code == 200
    assert response.content == INDEX_HTML
    assert_page_headers(response)


def test_pages_are_the_four_extensions():
    assert {"app", "widgets/product", "widgets/order", "popups/category"} == PAGES


def test_page_with_trailing_slash(client, build):
    response = client.get(f"{BASE}/widgets/order/")
    assert response.status_code == 200
    assert response.content == INDEX_HTML


def test_page_policy_is_strict(client, build, settings):
    settings.PUBLIC_URL = "https://shop.example.com"
    settings.AMAZON_FEEDS_DASHBOARD_ORIGINS = (
        "https://dashboard.example.com, http://localhost:9000"
    )
    policy = csp(client.get(f"{BASE}/app"))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-src"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    # The page talks to the plugin (same origin) and to Saleor's API at
    # PUBLIC_URL, nothing else.
    assert policy["connect-src"] == ["'self'", "https://shop.example.com"]
    assert policy["img-src"] == ["'self'", "data:", "blob:", "https://shop.example.com"]
    assert policy["frame-ancestors"] == [
        "'self'",
        "https://dashboard.example.com",
        "http://localhost:9000",
    ]


def test_frame_ancestors_default_is_saleors_own_origin(client, build, settings):
    settings.AMAZON_FEEDS_DASHBOARD_ORIGINS = None
    assert csp(client.get(f"{BASE}/app"))["frame-ancestors"] == ["'self'"]


def test_frame_ancestors_from_environment(client, build, settings, monkeypatch):
    settings.AMAZON_FEEDS_DASHBOARD_ORIGINS = None
    monkeypatch.setenv("AMAZON_FEEDS_DASHBOARD_ORIGINS", "https://d.example.com")
    assert csp(client.get(f"{BASE}/app"))["frame-ancestors"] == [
        "'self'",
        "https://d.example.com",
    ]


@pytest.mark.parametrize(
    "bad",
    [
        "https://a.example.com; script-src *",
        "javascript:alert(1)",
        "https://a.example.com/dashboard/",
        "ftp://a.example.com",
        "'unsafe-inline'",
        "https://a.example.com'",
        "data:",
        "https://user@a.example.com",
    ],
)
def test_a_bad_origin_voids_the_setting(client, build, settings, bad, caplog):
    settings.AMAZON_FEEDS_DASHBOARD_ORIGINS = f"https://ok.example.com {bad}"
    response = client.get(f"{BASE}/app")
    header = response["Content-Security-Policy"]
    # Fails closed: nothing of the value reaches the header (not even its
    # valid-looking pieces, such as the `*` of "...; script-src *").
    assert csp(response)["frame-ancestors"] == ["'self'"]
    assert header.count(";") == len(csp(response)) - 1
    assert "script-src *" not in header
    assert "javascript" not in header
    assert "AMAZON_FEEDS_DASHBOARD_ORIGINS is ignored" in caplog.text


def test_frame_ancestors_accepts_wildcards_ports_and_ipv6(client, build, settings):
    settings.AMAZON_FEEDS_DASHBOARD_ORIGINS = [
        "https://*.saleor.example",
        "http://127.0.0.1:9000/",
        "http://[::1]:9000",
        "*",
    ]
    assert csp(client.get(f"{BASE}/app"))["frame-ancestors"] == [
        "'self'",
        "https://*.saleor.example",
        "http://127.0.0.1:9000",
        "http://[::1]:9000",
        "*",
    ]


def test_referrer_policy_overrides_saleors_same_origin(client, build, settings):
    # Saleor runs Django's SecurityMiddleware, whose default is same-origin:
    # the app-bridge would then see no referrer and drop every message.
    assert "django.middleware.security.SecurityMiddleware" in settings.MIDDLEWARE
    assert settings.SECURE_REFERRER_POLICY == "same-origin"
    response = client.get(f"{BASE}/widgets/product")
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_page_revalidates_with_etag(client, build):
    first = client.get(f"{BASE}/app")
    again = client.get(f"{BASE}/app", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    other = client.get(f"{BASE}/app", HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == 200
    (build / "index.html").write_bytes(INDEX_HTML.replace(b"abc123", b"def456"))
    changed = client.get(f"{BASE}/app", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


def test_head_of_a_page(client, build):
    response = client.head(f"{BASE}/app")
    assert response.status_code == 200
    assert response.content == b""
    assert response["Content-Length"] == str(len(INDEX_HTML))
    assert_page_headers(response)


def test_folder_redirects_to_the_amazon_page_keeping_the_query(client, build):
    for path in (BASE, BASE + "/"):
        response = client.get(path + "?id=QXBwOjE%3D&theme=dark")
        assert response.status_code == 302
        assert response["Location"] == f"{BASE}/app?id=QXBwOjE%3D&theme=dark"
    assert client.get(BASE)["Location"] == f"{BASE}/app"


def test_not_built_says_so(client, build, monkeypatch, tmp_path):
    monkeypatch.setattr(assets, "STATIC_DIR", tmp_path / "missing")
    response = client.get(f"{BASE}/app")
    assert response.status_code == 503
    assert b"not built" in response.content
    assert response["Cache-Control"] == "no-store"
    assert client.get(f"{BASE}/assets/index-abc123.js").status_code == 404


# -- files ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("index-abc123.js", "text/javascript; charset=utf-8"),
        ("index-abc123.css", "text/css; charset=utf-8"),
        ("Inter-abc123.woff2", "font/woff2"),
        ("logo-abc123.svg", "image/svg+xml"),
    ],
)
def test_hashed_assets_are_cached_for_a_year(client, build, name, content_type):
    response = client.get(f"{BASE}/assets/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == (build / "assets" / name).read_bytes()
    assert response["Content-Length"] == str((build / "assets" / name).stat().st_size)


def test_gzip_copy_for_clients_that_accept_it(client, build):
    plain = client.get(f"{BASE}/assets/index-abc123.js")
    assert "Content-Encoding" not in plain
    assert plain["Vary"] == "Accept-Encoding"
    zipped = client.get(
        f"{BASE}/assets/index-abc123.js", HTTP_ACCEPT_ENCODING="br, gzip;q=0.8"
    )
    assert zipped["Content-Encoding"] == "gzip"
    assert zipped["Content-Type"] == "text/javascript; charset=utf-8"
    assert gzip.decompress(zipped.content) == SCRIPT
    refused = client.get(
        f"{BASE}/assets/index-abc123.js", HTTP_ACCEPT_ENCODING="gzip;q=0"
    )
    assert "Content-Encoding" not in refused
    # The .gz itself is not a file the build serves.
    assert client.get(f"{BASE}/assets/index-abc123.js.gz").status_code == 404


def test_unhashed_file_revalidates(client, build):
    response = client.get(f"{BASE}/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response["Cache-Control"] == "no-cache"


def test_head_of_an_asset(client, build):
    response = client.head(f"{BASE}/assets/index-abc123.css")
    assert response.status_code == 200
    assert response.content == b""
    assert response["Content-Length"] == str(len("body{margin:0}"))


@pytest.mark.parametrize(
    "path",
    [
        "assets/missing-abc123.js",
        "assets",
        "assets/",
        "index.html",
        "nope",
        "widgets",
        "widgets/customer",
        "assets/tool.exe",
        ".build-stamp",
        "assets/.hidden.js",
    ],
)
def test_unknown_files_are_404(client, build, path):
    response = client.get(f"{BASE}/{path}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    "path",
    [
        "../health",
        "assets/../../assets.py",
        "assets/../../../plugin.py",
        "%2e%2e/%2e%2e/plugin.py",
        "assets/%2e%2e/%2e%2e/assets.py",
        "assets/..%2f..%2fassets.py",
        "assets%2f..%2f..%2fassets.py",
        "assets/..\\..\\assets.py",
        "assets/index-abc123.js%00.css",
        "assets//index-abc123.js",
        "./assets/index-abc123.js",
        # A symlink pointing out of the folder is as good as a traversal.
        "assets/link-abc123.js",
        "/etc/passwd",
        "assets/%2fetc%2fpasswd",
    ],
)
def test_paths_out_of_the_folder_are_refused(client, build, path):
    response = client.get(f"{BASE}/{path}")
    assert response.status_code in (404, 400), response.status_code
    body = response.content
    assert b"SECRET" not in body
    assert b"import" not in body
    assert b"root:" not in body


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
@pytest.mark.parametrize("path", ["app", "assets/index-abc123.js", ""])
def test_other_methods_are_405(client, build, method, path):
    response = getattr(client, method)(f"{BASE}/{path}")
    assert response.status_code == 405
    assert sorted(response["Allow"].split(", ")) == ["GET", "HEAD"]


def test_inactive_plugin_serves_nothing(client, build):
    PluginConfiguration.objects.filter(identifier=PLUGIN_ID).update(active=False)
    assert client.get(f"{BASE}/app").status_code == 404
    assert client.get(f"{BASE}/assets/index-abc123.js").status_code == 404


# -- the real build -------------------------------------------------------------


def test_the_shipped_build_is_served(client, amazon_feeds_plugin):
    index = assets.STATIC_DIR / "index.html"
    if not index.is_file():
        message = "the dashboard is not built (scripts/build_dashboard.py)"
        if os.environ.get("AMAZON_FEEDS_FRONTEND_REQUIRED"):
            pytest.fail(message)
        pytest.skip(message)
    page = client.get(f"{BASE}/app")
    assert page.status_code == 200
    html = page.content.decode()
    # Vite writes absolute URLs under the plugin's endpoint (its `base`).
    referenced = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert referenced
    for url in referenced:
        assert url.startswith(f"{BASE}/assets/"), url
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "public, max-age=31536000, immutable"
        expected = "text/javascript" if url.endswith(".js") else "text/css"
        assert response["Content-Type"].startswith(expected)
