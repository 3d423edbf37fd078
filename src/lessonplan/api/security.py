"""API keys for the admin routes (``LESSONPLAN_API_KEYS``).

A key comes as ``Authorization: Bearer KEY`` or ``X-API-Key: KEY``. It is compared with every
configured key in constant time (no early exit on the first match, so timing tells nothing about
which key or how much of it matched). Keys are never logged nor echoed in an error. With no key
configured the admin routes are closed rather than open.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from lessonplan.api.deps import SettingsDep
from lessonplan.api.errors import ApiProblem

bearer_scheme = HTTPBearer(
    auto_error=False, scheme_name="bearer", description="Authorization: Bearer <API key>"
)
api_key_scheme = APIKeyHeader(
    name="X-API-Key", auto_error=False, scheme_name="apiKey", description="X-API-Key: <API key>"
)


def key_is_valid(given: str, keys: list[str]) -> bool:
    """True when ``given`` equals one of ``keys``; every key is compared, in constant time."""
    candidate = given.encode("utf-8", "surrogateescape")
    found = False
    for key in keys:
        found |= hmac.compare_digest(candidate, key.encode("utf-8", "surrogateescape"))
    return found


async def require_admin(
    request: Request,
    settings: SettingsDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)],
    api_key: Annotated[str | None, Security(api_key_scheme)],
) -> None:
    keys = settings.api_key_list
    if not keys:
        raise ApiProblem(
            403,
            "admin_disabled",
            "admin routes are disabled: no API key is configured (set LESSONPLAN_API_KEYS)",
        )
    if "authorization" in request.headers and bearer is None:
        # A credential that cannot be read is refused, not skipped for another header.
        raise _unauthenticated("the Authorization header must be 'Bearer KEY'")
    given = bearer.credentials if bearer is not None else api_key
    if not given:
        raise _unauthenticated(
            "this route needs an API key (Authorization: Bearer KEY or X-API-Key: KEY)"
        )
    if not key_is_valid(given, keys):
        raise ApiProblem(403, "invalid_api_key", "the API key is not valid")


def _unauthenticated(detail: str) -> ApiProblem:
    return ApiProblem(401, "missing_api_key", detail, headers={"WWW-Authenticate": "Bearer"})
