"""The HTTP fast lane: ``POST /api/v1/cando/{uid}/plan`` answered from the cache in one read.

The plan route is the service's hot path (a product backend asks for the same plans again and
again), and most of its time on a hit went to the framework around one indexed read: solving
ten dependencies, validating the request body twice over, re-validating the stored plan and
serialising it back. This ASGI middleware sits inside the loopback and body-size guards and in
front of the router. It answers a request only when it is sure of the whole answer: a known
key (or a keyless loopback server), a JSON body that :class:`PlanRequest` accepts, no query
string, no daily budget to check, and a live cache entry for a descriptor held in process. Its
response is the route's :class:`PlanResponse`, serialised by the same model, with the plan
spliced in as the JSON text stored (it was checked when it was stored).

Anything else (a miss, an error of any kind, an unusual request) goes to the route unchanged,
with the body replayed, and the route answers it as it always did: errors, problem details,
generation, single-flight. Nothing is recorded before the fast lane is sure to answer, so a
request that falls through is counted once. ``LESSONPLAN_HTTP_FAST_LANE=false`` turns it off.

It remembers the last bodies it parsed (their bytes decide what they parse to) and the key each
gives for the descriptor held in process, so a body sent again costs neither pydantic nor
hashing. Who sent it is checked on every request; a body naming a stored learner has its key
computed from the profile stored now; a changed descriptor is a new held copy, a new key.
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from functools import lru_cache

from pydantic import ValidationError
from starlette.datastructures import State
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lessonplan import metrics
from lessonplan.access import KeyRing
from lessonplan.api.errors import ApiProblem
from lessonplan.api.routes._common import body_inputs, lineage_out, require_body_learner
from lessonplan.api.schemas import PlanRequest, PlanResponse
from lessonplan.api.security import caller_for, require_admin_for_no_cache
from lessonplan.domain.hashing import PlanKey
from lessonplan.domain.models import CanDoDescriptor
from lessonplan.domain.textcheck import checked_whole
from lessonplan.errors import LessonplanError
from lessonplan.service.plans import PlanInputs, finish_plan_text, peek_plan_text, plan_key
from lessonplan.service.runtime import Runtime

log = logging.getLogger(__name__)

# \u0000 and any \uD800-\uDFFF (a surrogate: alone, it is not text); pairs are checked too.
_RISKY_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")
_JSON_TYPES = (b"application/json", b"application/json; charset=utf-8")


# Product backends send the same bodies again and again: the last ones are kept parsed, and the
# cache keys they give for a held descriptor with them (what a body gives is fixed by its bytes).
MEMO_BODIES = 256
MEMO_BODY_BYTES = 16_384


class PlanFastLane:
    def __init__(self, app: ASGIApp, *, state: State, prefix: str) -> None:
        self.app = app
        self.state = state
        self.path = re.compile(re.escape(prefix) + r"/cando/([^/]+)/plan")
        # (runtime, descriptor, request) by identity -> the key; the objects are held here, so
        # their ids cannot be reused while their entry lives.
        self._keys: OrderedDict[
            tuple[int, int, int], tuple[Runtime, CanDoDescriptor, PlanRequest, PlanKey]
        ] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or (match := self.path.fullmatch(_route_path(scope))) is None
        ):
            await self.app(scope, receive, send)
            return
        if scope.get("query_string"):  # not a parameter of this route: the route decides
            metrics.observe_fast_lane("passed")
            await self.app(scope, receive, send)
            return
        messages, body = await _read_body(receive)
        answer = None
        if body is not None:
            try:
                answer = await self._answer(scope, match.group(1), body)
            except (ApiProblem, LessonplanError, ValidationError, ValueError):
                answer = None  # the route answers it, with its error
            except Exception:  # a fault here must not cost the request: the route still answers
                log.exception("fast lane failed; the route answers")
                answer = None
        if answer is None:
            metrics.observe_fast_lane("passed")
            await self.app(scope, _replay(messages, receive), send)
            return
        metrics.observe_fast_lane("answered")
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(answer)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": answer})

    async def _answer(self, scope: Scope, uid: str, body: bytes) -> bytes | None:
        rt: Runtime | None = getattr(self.state, "runtime", None)
        ring: KeyRing | None = getattr(self.state, "key_ring", None)
        if rt is None or ring is None or rt.settings.daily_budget_usd is not None:
            return None
        headers = _headers(scope)
        if headers.get(b"content-type", b"application/json").lower() not in _JSON_TYPES:
            return None
        caller = caller_for(
            ring, _text(headers.get(b"authorization")), _text(headers.get(b"x-api-key"))
        )
        request = _remembered_request(body) if len(body) <= MEMO_BODY_BYTES else _plan_request(body)
        require_body_learner(caller, request)
        require_admin_for_no_cache(caller, request.use_cache)
        if not request.use_cache or len(uid) > 200 or not uid.isprintable():
            return None
        inputs = await body_inputs(rt, uid, request)
        hit = await peek_plan_text(rt, inputs, key=self._key(rt, request, inputs))
        if hit is None:
            return None
        await finish_plan_text(rt, hit)
        if caller.label:
            scope.setdefault("state", {})["caller"] = caller.label
        head = PlanResponse.model_construct(
            can_do_id=inputs.descriptor.uid,
            source="cache",
            provenance=hit.provenance,
            quality_issues=[],
            timings_ms={"plan": round(hit.provenance.duration_ms, 2)},
            lineage=lineage_out(hit.key.lineage),
            plan=None,  # type: ignore[arg-type]  # spliced in below as the stored text
        ).model_dump_json(exclude={"plan"})
        return f'{head[:-1]},"plan":{hit.plan_text}}}'.encode()

    def _key(self, rt: Runtime, request: PlanRequest, inputs: PlanInputs) -> PlanKey:
        """The cache key of ``inputs``, remembered when the body holds the whole profile (a
        stored learner's profile is read each time: it may have changed)."""
        if request.profile is None and request.learner_id:
            return plan_key(rt, inputs, rt.provider)
        memo = (id(rt), id(inputs.descriptor), id(request))
        known = self._keys.get(memo)
        if known is not None:
            self._keys.move_to_end(memo)
            return known[3]
        key = plan_key(rt, inputs, rt.provider)
        self._keys[memo] = (rt, inputs.descriptor, request, key)
        if len(self._keys) > MEMO_BODIES:
            self._keys.popitem(last=False)
        return key


@lru_cache(maxsize=MEMO_BODIES)
def _remembered_request(body: bytes) -> PlanRequest:
    """:func:`_plan_request` of the last bodies that validated (one that fails is not kept)."""
    return _plan_request(body)


def _plan_request(body: bytes) -> PlanRequest:
    """The body as the route reads it. Raw JSON cannot hold a NUL or a lone surrogate (only an
    escape can), and :class:`PlanRequest` is typed all the way down (no free-form field), so
    what validates is as deep as the schema, and the parser bounds its own recursion. Without
    such an escape the text walk is skipped; with one it runs as on the route."""
    if not body.strip():
        return PlanRequest()
    if _RISKY_ESCAPE.search(body):
        return PlanRequest.model_validate_json(body)
    with checked_whole():
        return PlanRequest.model_validate_json(body)


async def _read_body(receive: Receive) -> tuple[list[Message], bytes | None]:
    """Every message of the request body, and the body (``None`` if the client left)."""
    messages: list[Message] = []
    chunks: list[bytes] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages, None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return messages, b"".join(chunks)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed


def _route_path(scope: Scope) -> str:
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def _headers(scope: Scope) -> dict[bytes, bytes]:
    out: dict[bytes, bytes] = {}
    for name, value in scope.get("headers", ()):
        if name in out:
            out[name] = b"\x00"  # repeated: let the route decide
        else:
            out[name] = value
    return out


def _text(value: bytes | None) -> str | None:
    return None if value is None else value.decode("latin-1")
