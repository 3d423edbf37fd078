"""The OpenAPI docs pages load everything from the server itself: no CDN, no key needed."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from lessonplan.api.app import create_app

from .helpers import ADMIN_KEY, CLIENT_KEYS, api_settings, serve

CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}


class _References(HTMLParser):
    """Every URL a page loads: script src, link href, img src, and URLs in inline scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and name in ("src", "href"):
                self.urls.append(value)
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.urls += re.findall(r"(?:https?:)?//[^\s'\"`)]+", data)
            self.urls += re.findall(r"url:\s*'([^']+)'", data)
            self.urls += re.findall(r"spec-url=\"([^\"]+)\"", data)


def references(html: str) -> list[str]:
    parser = _References()
    parser.feed(html)
    # ReDoc names its schema in an attribute of <redoc>
    parser.urls += re.findall(r"spec-url=\"([^\"]+)\"", html)
    return parser.urls


@pytest.fixture
async def keyed_client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(api_settings(tmp_path, api_keys=ADMIN_KEY, client_keys=CLIENT_KEYS))
    async with serve(app) as client:  # no key on any request
        yield client


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_docs_page_loads_only_local_assets(
    keyed_client: httpx.AsyncClient, page: str
) -> None:
    response = await keyed_client.get(page)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "img-src 'self' data:" in policy
    urls = references(response.text)
    assert any(u.endswith(".js") for u in urls), urls
    assert "/openapi.json" in urls
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), f"{page} loads {url}"
    assert "cdn" not in response.text.lower()
    for url in urls:
        asset = await keyed_client.get(url)
        assert asset.status_code == 200, url
        suffix = Path(url).suffix
        if suffix in CONTENT_TYPES:
            assert asset.headers["content-type"].startswith(CONTENT_TYPES[suffix]), url
            assert len(asset.content) > 1000, url


async def test_docs_schema_offers_the_api_key_header(keyed_client: httpx.AsyncClient) -> None:
    """The Authorize button of /docs comes from the schema's security schemes."""
    schema = (await keyed_client.get("/openapi.json")).json()
    scheme = schema["components"]["securitySchemes"]["apiKey"]
    assert scheme == {**scheme, "type": "apiKey", "in": "header", "name": "X-API-Key"}
    assert "/api/v1/cando" in schema["paths"]
    html = (await keyed_client.get("/docs")).text
    assert '"persistAuthorization": true' in html


async def test_asset_outside_the_bundle_is_404(keyed_client: httpx.AsyncClient) -> None:
    response = await keyed_client.get("/docs-assets/../../app.py")
    assert response.status_code == 404
    assert (await keyed_client.get("/docs-assets/nope.js")).status_code == 404
