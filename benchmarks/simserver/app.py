"""A simulated OpenAI-compatible chat completions server, with latency and fault injection.

It also answers Anthropic's Messages API (``POST /v1/messages``: the forced tool's input is the
answer) so the ``anthropic`` SDK can be tested the same way.

It answers like an LLM that follows the planner and stage prompts: it parses the ``<data>``
blocks of the last user message, finds the task from the requested schema name, and replies
with the offline planner's JSON (or, in ``recorded`` mode, the recorded plans); a descriptor in
another target language gets a lesson written by hand in it (:mod:`.languages`). Tokens are
counted with ``o200k_base`` as OpenAI would. Faults (429 with Retry-After, 500, a stall past the
client's timeout, prose, missing fields, truncated JSON) are scripted or drawn at a seeded rate.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
import uuid
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from benchmarks.simserver.batches import add_batch_routes
from benchmarks.simserver.config import SimConfig, SimState
from benchmarks.simserver.languages import answer_other_language, target_language
from lessonplan.domain.quality.scripts import is_japanese
from lessonplan.errors import LessonplanError
from lessonplan.prompts.datablocks import parse_data_blocks
from lessonplan.providers.offline import SCHEMA_TASKS

_TARGET = re.compile(r"TARGET_SCHEMA:\s*([A-Za-z_][A-Za-z0-9_]*)")
TOKENS_PER_MESSAGE = 3
TOKENS_REPLY_PRIMING = 3
PROSE = (
    "Certainly! I have thought carefully about this learner and the descriptor. The lesson "
    "should focus on everyday situations, with polite register and a few key phrases."
)


@lru_cache(maxsize=1)
def _encoding() -> Any:
    """``o200k_base``, loaded once (bpe-openai 0.1.4 warns about ``open_binary`` on load)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import bpe_openai

        return bpe_openai.get_encoding("o200k_base")


def count_tokens(text: str) -> int:
    return len(_encoding().encode_ordinary(text))


def cut_to_tokens(text: str, limit: int) -> str:
    """The first ``limit`` tokens of ``text`` (what a model emits before its budget runs out)."""
    tokens = _encoding().encode_ordinary(text)
    return str(_encoding().decode(tokens[:limit])) if len(tokens) > limit else text


def budget_of(body: dict[str, Any], config: SimConfig) -> int | None:
    """The completion budget of a request: its ``max_completion_tokens`` / ``max_tokens``, else
    the configured server default."""
    for name in ("max_completion_tokens", "max_tokens"):
        value = body.get(name)
        if isinstance(value, int) and value > 0:
            return value
    return config.default_max_tokens


def _text(content: Any) -> str:
    """A message's content as text (a string, or a list of ``{"type": "text"}`` parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def find_task(body: dict[str, Any], system: str) -> str:
    """The task from ``response_format.json_schema.name`` or a ``TARGET_SCHEMA:`` line."""
    response_format = body.get("response_format") or {}
    name = (response_format.get("json_schema") or {}).get("name")
    if not name:
        match = _TARGET.search(system)
        name = match.group(1) if match else ""
    return SCHEMA_TASKS.get(name, "")


def _drop_fields(text: str) -> str:
    """Valid JSON with every other top-level field (starting with the first) removed."""
    data = json.loads(text)
    kept = {k: v for i, (k, v) in enumerate(data.items()) if i % 2 == 1}
    return json.dumps(kept, ensure_ascii=False)


class Answerer:
    """The content the simulated model replies with (offline planner or recorded plans)."""

    def __init__(self) -> None:
        self._planner: Any = None
        self._recorded: dict[str, str] | None = None

    def recorded(self, config: SimConfig) -> dict[str, str]:
        if self._recorded is None:
            from lessonplan.providers.replay import default_fixtures_dir, load_recorded_plans

            directory = Path(config.recorded_dir) if config.recorded_dir else default_fixtures_dir()
            self._recorded = load_recorded_plans(directory) if directory else {}
        return self._recorded

    def answer(self, task: str, inputs: dict[str, Any], config: SimConfig) -> str:
        if not is_japanese(target_language(inputs)):  # the offline planner teaches Japanese
            return json.dumps(answer_other_language(task, inputs), ensure_ascii=False)
        if config.mode == "recorded" and task == "plan":
            uid = (inputs.get("descriptor") or {}).get("uid")
            text = self.recorded(config).get(uid) if isinstance(uid, str) else None
            if text is not None:
                return text
        if self._planner is None:
            from lessonplan.planners.offline import OfflinePlanner

            self._planner = OfflinePlanner()
        return json.dumps(self._planner.answer(task, inputs), ensure_ascii=False)


def _apply_fault(content: str, fault: str | None) -> tuple[str, bool]:
    """The answer as the fault shapes it, and whether it was cut at a token limit."""
    if fault == "prose":
        return PROSE, False
    if fault == "missing_fields":
        return _drop_fields(content), False
    if fault == "truncated":
        return content[: len(content) // 2], True
    return content, False


def _partial_tool_input(text: str) -> dict[str, Any]:
    """What a tool call cut at max_tokens leaves: the fields streamed before the limit."""
    try:
        data = json.loads(text)
    except ValueError:
        import json_repair

        repaired = json_repair.loads(text)
        return repaired if isinstance(repaired, dict) else {}
    return data if isinstance(data, dict) else {}


def _error(status: int, message: str, kind: str, headers: dict[str, str] | None = None) -> Response:
    body = {"error": {"message": message, "type": kind, "param": None, "code": kind}}
    return JSONResponse(body, status_code=status, headers=headers)


def _anthropic_error(
    status: int, message: str, kind: str, headers: dict[str, str] | None = None
) -> Response:
    body = {"type": "error", "error": {"type": kind, "message": message}}
    return JSONResponse(body, status_code=status, headers=headers)


# The latency is the time from a request's arrival to its answer. A fault in EARLY_FAULTS is
# answered once it has passed; an answer's own work (reading the request, the content, the token
# counts, the JSON) is done within it, as a model generates within its provider's latency, so
# concurrent requests' work overlaps, and then waits for the rest of it (:func:`_until`).
EARLY_FAULTS = frozenset({"rate_limit", "server_error", "unauthorized", "timeout"})


# The event loop's timers wake up to a millisecond late (epoll waits whole milliseconds, rounded
# up): a latency of 100 ms would be 100.5–101 ms. The last stretch is waited in loop turns.
_TIMER_SLACK = 0.0015


async def _until(moment: float) -> None:
    """Sleep until ``moment`` (``time.monotonic``), not a millisecond later; at once when it
    has passed."""
    delay = moment - time.monotonic()
    if delay > _TIMER_SLACK:
        await asyncio.sleep(delay - _TIMER_SLACK)
    while time.monotonic() < moment:  # noqa: ASYNC110 (loop turns, not a timer, on purpose)
        await asyncio.sleep(0)


async def _stall(request: Request, seconds: float, stopping: threading.Event) -> bool:
    """Sleep up to ``seconds``; ``False`` as soon as the client hangs up or the server stops."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if stopping.is_set() or await request.is_disconnected():
            return False
        await asyncio.sleep(min(0.02, max(0.0, deadline - time.monotonic())))
    return True


def create_app(config: SimConfig | None = None) -> FastAPI:
    """The ASGI app; ``app.state.sim`` is its :class:`SimState`."""
    _encoding()  # load here, in the caller's thread, not in the server's
    state = SimState(config or SimConfig())
    answerer = Answerer()
    stopping = threading.Event()  # set by the handle on stop: stalled requests end at once
    app = FastAPI(title="lessonplan simulated OpenAI-compatible server")
    app.state.sim = state
    app.state.stopping = stopping

    @app.get("/v1/models")
    async def models() -> dict[str, Any]:
        ids = sorted(set(state.stats()["by_model"]) | {"sim-model"})
        return {
            "object": "list",
            "data": [{"id": i, "object": "model", "created": 0, "owned_by": "sim"} for i in ids],
        }

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request) -> Response:
        arrived = time.monotonic()
        try:
            body = await request.json()
        except ValueError:
            return _error(400, "request body is not JSON", "invalid_request_error")
        messages = body.get("messages") or []
        model = str(body.get("model") or "sim-model")
        system = "\n".join(_text(m.get("content")) for m in messages if m.get("role") == "system")
        users = [_text(m.get("content")) for m in messages if m.get("role") == "user"]
        task = find_task(body, system)
        fault = state.begin(task, model, body)
        status, prompt_tokens, completion_tokens = 500, 0, 0
        try:
            answer_at = arrived + state.latency_for(task)
            if fault in EARLY_FAULTS:
                await _until(answer_at)
            cfg = state.config
            if fault == "rate_limit":
                status = 429
                ra = cfg.retry_after_seconds
                headers = {"retry-after": f"{ra:g}", "retry-after-ms": f"{ra * 1000:g}"}
                return _error(429, "simulated rate limit", "rate_limit_exceeded", headers)
            if fault == "server_error":
                return _error(500, "simulated server error", "server_error")
            if fault == "unauthorized":  # as OpenAI does: the error quotes the key it was given
                status = 401
                given = request.headers.get("authorization", "").removeprefix("Bearer ")
                message = f"Incorrect API key provided: {given}. You can find your API key at ..."
                return _error(401, message, "invalid_api_key")
            if fault == "timeout" and not await _stall(request, cfg.timeout_seconds, stopping):
                status = 499
                return Response(status_code=499)
            if not task:
                status = 400
                return _error(
                    400, "no known schema (response_format or TARGET_SCHEMA)", "bad_schema"
                )
            try:
                content = answerer.answer(task, parse_data_blocks(users[-1] if users else ""), cfg)
            except (LessonplanError, KeyError, ValueError, TypeError) as exc:
                status = 400
                return _error(400, f"cannot answer {task}: {exc}", "invalid_request_error")
            content, cut = _apply_fault(content, fault)
            budget = budget_of(body, cfg)
            if budget is not None and count_tokens(content) > budget:
                content, cut = cut_to_tokens(content, budget), True
            prompt_tokens = sum(count_tokens(_text(m.get("content"))) for m in messages)
            prompt_tokens += TOKENS_PER_MESSAGE * len(messages) + TOKENS_REPLY_PRIMING
            completion_tokens = count_tokens(content)
            schema = json.dumps(body.get("response_format") or {}, sort_keys=True)
            prefix_tokens = count_tokens(system) + count_tokens(schema)
            cached = 0
            if prefix_tokens >= cfg.cache_min_tokens and state.prefix_seen(model, system + schema):
                cached = min(prompt_tokens, count_tokens(system) // 128 * 128)
            state.count_cached(cached)
            answer = JSONResponse(
                {
                    "id": f"chatcmpl-sim-{uuid.uuid4().hex[:12]}",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": content},
                            "finish_reason": "length" if cut else "stop",
                        }
                    ],
                    "usage": {
                        "prompt_tokens": prompt_tokens,
                        "completion_tokens": completion_tokens,
                        "total_tokens": prompt_tokens + completion_tokens,
                        "prompt_tokens_details": {"cached_tokens": cached},
                    },
                }
            )
            await _until(answer_at)
            status = 200
            return answer
        finally:
            state.end(status, prompt_tokens, completion_tokens)

    @app.post("/v1/messages")
    async def anthropic_messages(request: Request) -> Response:
        arrived = time.monotonic()
        try:
            body = await request.json()
        except ValueError:
            return _anthropic_error(400, "request body is not JSON", "invalid_request_error")
        model = str(body.get("model") or "sim-model")
        system = _text(body.get("system"))
        messages = body.get("messages") or []
        users = [_text(m.get("content")) for m in messages if m.get("role") == "user"]
        tools = body.get("tools") or []
        name = str(tools[0].get("name", "")) if tools else ""
        task = SCHEMA_TASKS.get(name, "") or find_task({}, system)
        fault = state.begin(task, model, body)
        status, prompt_tokens, completion_tokens = 500, 0, 0
        try:
            answer_at = arrived + state.latency_for(task)
            if fault in EARLY_FAULTS:
                await _until(answer_at)
            cfg = state.config
            if fault == "rate_limit":
                status = 429
                headers = {"retry-after": f"{cfg.retry_after_seconds:g}"}
                return _anthropic_error(429, "simulated rate limit", "rate_limit_error", headers)
            if fault == "server_error":
                return _anthropic_error(500, "simulated server error", "api_error")
            if fault == "timeout" and not await _stall(request, cfg.timeout_seconds, stopping):
                status = 499
                return Response(status_code=499)
            if not task:
                status = 400
                return _anthropic_error(400, "no known tool schema", "invalid_request_error")
            try:
                content = answerer.answer(task, parse_data_blocks(users[-1] if users else ""), cfg)
            except (LessonplanError, KeyError, ValueError, TypeError) as exc:
                status = 400
                return _anthropic_error(
                    400, f"cannot answer {task}: {exc}", "invalid_request_error"
                )
            content, cut = _apply_fault(content, fault)
            budget = budget_of(body, cfg)
            if budget is not None and count_tokens(content) > budget:
                content, cut = cut_to_tokens(content, budget), True
            prompt_tokens = count_tokens(system) + sum(count_tokens(u) for u in users)
            completion_tokens = count_tokens(content)
            usage = _anthropic_usage(state, cfg, body, model, system, prompt_tokens)
            usage["output_tokens"] = completion_tokens
            block: dict[str, Any]
            if name and fault != "prose":
                tool_input = _partial_tool_input(content) if cut else json.loads(content)
                block = {
                    "type": "tool_use",
                    "id": f"toolu_sim_{uuid.uuid4().hex[:12]}",
                    "name": name,
                    "input": tool_input,
                }
            else:
                block = {"type": "text", "text": content}
            answer = JSONResponse(
                {
                    "id": f"msg_sim_{uuid.uuid4().hex[:12]}",
                    "type": "message",
                    "role": "assistant",
                    "model": model,
                    "content": [block],
                    "stop_reason": "max_tokens" if cut else "tool_use" if name else "end_turn",
                    "stop_sequence": None,
                    "usage": usage,
                }
            )
            await _until(answer_at)
            status = 200
            return answer
        finally:
            state.end(status, prompt_tokens, completion_tokens)

    add_batch_routes(app, state)

    @app.get("/_sim/stats")
    async def sim_stats() -> dict[str, Any]:
        return state.stats()

    @app.get("/_sim/requests")
    async def sim_requests() -> list[dict[str, Any]]:
        return state.requests_seen()

    @app.post("/_sim/reset")
    async def sim_reset() -> dict[str, Any]:
        state.reset()
        return state.stats()

    @app.post("/_sim/config")
    async def sim_config(request: Request) -> Response:
        try:
            updated = state.configure(await request.json())
        except ValueError as exc:
            return _error(422, " ".join(str(exc).split())[:500], "invalid_config")
        return JSONResponse(updated.model_dump())

    return app


def _anthropic_usage(
    state: SimState, cfg: SimConfig, body: dict[str, Any], model: str, system: str, prompt: int
) -> dict[str, Any]:
    """Input tokens split as Anthropic reports them when the system block is marked for caching:
    written to the cache the first time, read from it after (the rest is ``input_tokens``)."""
    blocks = body.get("system")
    marked = isinstance(blocks, list) and any(
        isinstance(b, dict) and b.get("cache_control") for b in blocks
    )
    tools = json.dumps(body.get("tools") or [], sort_keys=True)
    system_tokens = count_tokens(system)
    if not marked or system_tokens + count_tokens(tools) < cfg.cache_min_tokens:
        return {"input_tokens": prompt}
    cached = min(prompt, system_tokens)
    if state.prefix_seen(model, system + tools):
        state.count_cached(cached)
        return {"input_tokens": prompt - cached, "cache_read_input_tokens": cached}
    return {"input_tokens": prompt - cached, "cache_creation_input_tokens": cached}
