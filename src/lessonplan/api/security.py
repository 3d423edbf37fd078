"""API keys on every ``/api/v1`` route (see :mod:`lessonplan.access` for the configuration).

A key comes as ``Authorization: Bearer KEY`` or ``X-API-Key: KEY``. When any key is configured
every ``/api/v1`` route needs one: none is 401 ``missing_api_key``, an unknown one is 403
``invalid_api_key``; a client key on an admin route is 403 ``admin_required``; a learner the key
is not bound to is 404, exactly as if it did not exist. With no key configured at all the API
is open to loopback clients only (:class:`LoopbackOnly`) and the admin routes are closed.
Keys are never logged nor echoed in an error.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Annotated

from fastapi import Depends, Query, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.types import ASGIApp, Receive, Scope, Send

from lessonplan.access import LOCAL, ApiKey, Caller, KeyRing, digest
from lessonplan.api.errors import PROBLEM_MEDIA_TYPE, ApiProblem, problem_body

bearer_scheme = HTTPBearer(
    auto_error=False, scheme_name="bearer", description="Authorization: Bearer <API key>"
)
api_key_scheme = APIKeyHeader(
    name="X-API-Key", auto_error=False, scheme_name="apiKey", description="X-API-Key: <API key>"
)
LOOPBACK_NAMES = {"localhost", "testclient"}  # testclient: Starlette's in-process TestClient


def key_is_valid(given: str, keys: list[str]) -> bool:
    """True when ``given`` equals one of ``keys``; every key is compared, in constant time."""
    ring = KeyRing(tuple(ApiKey(digest(k), "admin") for k in keys))
    return ring.match(given) is not None


def get_key_ring(request: Request) -> KeyRing:
    ring: KeyRing = request.app.state.key_ring
    return ring


async def get_caller(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)],
    api_key: Annotated[str | None, Security(api_key_scheme)],
) -> Caller:
    """The caller of this request (a dependency of every ``/api/v1`` route). ``bearer`` and
    ``api_key`` document the two schemes in OpenAPI; :func:`caller_for` reads the headers."""
    caller = caller_for(
        get_key_ring(request),
        request.headers.get("authorization"),
        request.headers.get("x-api-key"),
    )
    if caller is not LOCAL:
        request.state.caller = caller.label  # what the access log may name: never the key
    return caller


def caller_for(ring: KeyRing, authorization: str | None, api_key: str | None) -> Caller:
    """Who sends these headers: :data:`LOCAL` when no key is configured, else the caller of the
    key; :class:`ApiProblem` 401 (no key, or an ``Authorization`` that is not ``Bearer KEY``)
    or 403 (an unknown key)."""
    if not ring.configured:
        return LOCAL
    given = api_key
    if authorization is not None:
        # A credential that cannot be read is refused, not skipped for another header.
        scheme, _, credentials = authorization.strip().partition(" ")
        credentials = credentials.strip()
        if scheme.lower() != "bearer" or not credentials:
            raise _unauthenticated("the Authorization header must be 'Bearer KEY'")
        given = credentials
    if not given:
        raise _unauthenticated(
            "this route needs an API key (Authorization: Bearer KEY or X-API-Key: KEY)"
        )
    caller = ring.caller(given)
    if caller is None:
        raise ApiProblem(403, "invalid_api_key", "the API key is not valid")
    return caller


CallerDep = Annotated[Caller, Depends(get_caller)]


async def require_admin(request: Request, caller: CallerDep) -> Caller:
    if not get_key_ring(request).has_admin:
        raise ApiProblem(
            403,
            "admin_disabled",
            "admin routes are disabled: no admin API key is configured (set LESSONPLAN_API_KEYS)",
        )
    if not caller.is_admin:
        raise ApiProblem(403, "admin_required", "this route needs an admin API key")
    return caller


AdminDep = Annotated[Caller, Depends(require_admin)]


def require_unbound(caller: Caller, what: str) -> None:
    """Figures about every learner are for keys that reach every learner."""
    if caller.is_bound:
        raise ApiProblem(403, "forbidden_for_key", f"{what} needs a key not bound to learners")


def require_admin_for_no_cache(caller: Caller, use_cache: bool) -> None:
    """``use_cache: false`` bypasses the cache and single-flight: every such request is an LLM
    call, so only an admin may ask for it over HTTP (the CLI's ``--no-cache`` stays)."""
    if not use_cache and not caller.is_admin:
        raise ApiProblem(403, "admin_required", "use_cache: false needs an admin API key")


DraftsQuery = Annotated[
    bool,
    Query(
        description="also versions not yet published (draft, in review, approved, rejected): "
        "needs an admin key (or a local server with no keys configured)"
    ),
]


def can_review(caller: Caller) -> bool:
    """Authors and reviewers: an admin key, or the local user of a server with no keys (which
    answers loopback clients only)."""
    return caller.is_admin or caller.role == "local"


def require_drafts_access(caller: Caller, drafts: bool) -> None:
    """Learners are served published versions only; drafts are for reviewers."""
    if drafts and not can_review(caller):
        raise ApiProblem(
            403, "admin_required", "drafts (unpublished lesson versions) need an admin API key"
        )


def require_reviewer(caller: Caller) -> None:
    if not can_review(caller):
        raise ApiProblem(
            403, "admin_required", "reviewing lessons (and reading drafts) needs an admin API key"
        )


def unknown_learner(learner_id: str) -> ApiProblem:
    return ApiProblem(404, "unknown_learner", f"no learner {learner_id!r}")


def require_learner(caller: Caller, learner_id: str | None) -> None:
    """404 for a learner outside the key's scope; a bound key must name its learner."""
    if learner_id is None:
        if caller.is_bound:
            raise ApiProblem(
                422,
                "learner_required",
                "this API key acts for its learners only: give learner_id (or a profile)",
            )
        return
    if not caller.reaches(learner_id):
        raise unknown_learner(learner_id)


def _unauthenticated(detail: str) -> ApiProblem:
    return ApiProblem(401, "missing_api_key", detail, headers={"WWW-Authenticate": "Bearer"})


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


class LoopbackOnly:
    """With no API key configured the server answers loopback clients only, whatever address
    it was bound to (``lessonplan serve`` refuses a non-loopback ``--host`` then; this covers
    ``uvicorn --host 0.0.0.0`` and containers). Others get a 403 problem."""

    def __init__(self, app: ASGIApp, *, enabled: bool) -> None:
        self.app = app
        self.enabled = enabled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if (
            not self.enabled
            or scope["type"] not in ("http", "websocket")
            or (client is not None and is_loopback(client[0]))
        ):
            await self.app(scope, receive, send)
            return
        detail = (
            "no API key is configured: this server answers loopback clients only "
            "(set LESSONPLAN_API_KEYS / LESSONPLAN_CLIENT_KEYS)"
        )
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        body = json.dumps(problem_body(403, "loopback_only", detail)).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [
                    (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
