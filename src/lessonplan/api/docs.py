"""The OpenAPI docs pages, offline: ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc).

FastAPI's own docs pages load Swagger UI and ReDoc from a CDN (a blank page offline); the app
turns them off (``docs_url=None, redoc_url=None``) and :func:`install_docs` serves the same pages
with every script, style and icon from the package ``fastapi-offline`` (MIT; it bundles
swagger-ui-dist 5 and redoc 2, Apache-2.0 and MIT), mounted under :data:`ASSETS_PATH`.

The pages need no key, like the schema at ``/openapi.json``; Swagger UI's "Authorize" button
offers the schemes the API declares (``X-API-Key`` and ``Authorization: Bearer``) and sends the
key with "Try it out" requests.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_PATH = "/docs"
REDOC_PATH = "/redoc"
ASSETS_PATH = "/docs-assets"
SWAGGER_JS = "swagger-ui-bundle.js"
SWAGGER_CSS = "swagger-ui.css"
REDOC_JS = "redoc.standalone.js"
FAVICON = "favicon.png"
# The pages may load from this server only. ReDoc's sidebar shows Redocly's logo from their CDN
# whatever its options say: the policy keeps the browser from fetching it (the image hides itself
# on error). Both pages start their viewer from an inline script; ReDoc's search runs in a worker
# made from a blob: URL.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "worker-src 'self' blob:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
    ]
)


def assets_dir() -> Path:
    """The directory of the bundled Swagger UI and ReDoc files."""
    return Path(str(files("fastapi_offline") / "static"))


def install_docs(app: FastAPI) -> None:
    """Serve ``/docs`` and ``/redoc`` with assets from the package (the app has no CDN docs)."""
    app.mount(ASSETS_PATH, StaticFiles(directory=assets_dir()), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"

    def asset(request: Request, name: str) -> str:
        return f"{request.scope.get('root_path', '')}{ASSETS_PATH}/{name}"

    @app.get(DOCS_PATH, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        return _local_only(
            get_swagger_ui_html(
                openapi_url=f"{request.scope.get('root_path', '')}{openapi_url}",
                title=f"{app.title} - API docs",
                swagger_js_url=asset(request, SWAGGER_JS),
                swagger_css_url=asset(request, SWAGGER_CSS),
                swagger_favicon_url=asset(request, FAVICON),
                # Keep the key across reloads of the page; it stays in this browser's storage.
                # validatorUrl: no badge fetched from validator.swagger.io
                swagger_ui_parameters={"persistAuthorization": True, "validatorUrl": None},
            )
        )

    @app.get(REDOC_PATH, include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        return _local_only(
            get_redoc_html(
                openapi_url=f"{request.scope.get('root_path', '')}{openapi_url}",
                title=f"{app.title} - API reference",
                redoc_js_url=asset(request, REDOC_JS),
                redoc_favicon_url=asset(request, FAVICON),
                with_google_fonts=False,
            )
        )


def _local_only(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return page
