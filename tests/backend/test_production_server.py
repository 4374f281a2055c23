"""Production as the README runs it: collectstatic, then gunicorn with DEBUG=0 serving admin and docs files."""

import gzip
import re
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from tests.backend.production import production_gunicorn

# Its own SQLite database and processes: nothing to learn from running it in the SQLite pass again.
pytestmark = pytest.mark.once

ONE_YEAR = 365 * 24 * 3600


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    with production_gunicorn(tmp_path_factory.mktemp("production")) as url:
        yield url


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    # Behind the TLS proxy production runs behind; without it SECURE_SSL_REDIRECT answers 301.
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https", **headers})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_the_admin_login_page_links_hashed_stylesheets_that_are_served_compressed_and_cached_a_year(server):
    status, _, html = fetch(server + "/admin/login/")
    assert status == 200
    stylesheet = re.search(rb'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', html)
    assert stylesheet is not None, html[:2000]

    status, headers, body = fetch(server + stylesheet.group(1).decode(), **{"Accept-Encoding": "gzip"})

    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert headers["Content-Encoding"] == "gzip"
    assert b"body" in gzip.decompress(body)
    assert f"max-age={ONE_YEAR}" in headers["Cache-Control"] and "immutable" in headers["Cache-Control"]


def test_brotli_is_served_to_clients_that_ask_for_it(server):
    _, _, html = fetch(server + "/admin/login/")
    path = re.search(rb'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', html)
    assert path is not None

    status, headers, _ = fetch(server + path.group(1).decode(), **{"Accept-Encoding": "br, gzip"})

    assert status == 200
    assert headers["Content-Encoding"] == "br"


def test_an_unknown_static_file_is_a_404(server):
    status, _, _ = fetch(server + "/static/admin/css/no-such-file.css")

    assert status == 404


def test_the_api_docs_page_loads_swagger_ui_from_this_server_not_a_cdn(server):
    status, _, html = fetch(server + "/api/docs/")
    assert status == 200
    assets = re.findall(rb'(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert assets, html[:2000]
    assert all(asset.startswith(b"/static/") for asset in assets), assets

    for asset in assets:
        asset_status, _, body = fetch(server + asset.decode())
        assert asset_status == 200, asset
        assert body
