"""Batch APIs on the simulated server: OpenAI files + batches and Anthropic message batches.

A batch's requests are answered by the server's own chat completions / messages routes (called
in process through ``httpx.ASGITransport``), so they get the same answers, token counts, prompt
caching and faults as synchronous calls. A batch is ``in_progress`` until all of its items are
answered (after ``batch_latency_ms``); then ``completed`` (OpenAI) / ``ended`` (Anthropic), or
``expired`` when ``batch_expire_after`` cut it short (the remaining items expire).
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from benchmarks.simserver.config import SimState

ITEM_CONCURRENCY = 16


@dataclass
class _Batch:
    id: str
    kind: str  # "openai" | "anthropic"
    lines: list[dict[str, Any]]
    created_at: int = field(default_factory=lambda: int(time.time()))
    status: str = "in_progress"
    results: list[dict[str, Any]] = field(default_factory=list)
    ended_at: int | None = None
    output_file_id: str | None = None
    error_file_id: str | None = None


def _multipart(body: bytes, content_type: str) -> tuple[str, bytes, dict[str, str]]:
    """(filename, file bytes, form fields) of a ``multipart/form-data`` upload."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    filename, data, fields = "upload.jsonl", b"", {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition") or ""
        payload = part.get_payload(decode=True) or b""
        if part.get_filename():
            filename, data = str(part.get_filename()), bytes(payload)
        else:
            fields[str(name)] = bytes(payload).decode()
    return filename, data, fields


def add_batch_routes(app: FastAPI, state: SimState) -> None:
    files: dict[str, tuple[str, bytes, str]] = {}  # id -> (filename, content, purpose)
    batches: dict[str, _Batch] = {}
    tasks: set[asyncio.Task[None]] = set()

    def file_object(file_id: str) -> dict[str, Any]:
        name, content, purpose = files[file_id]
        return {
            "id": file_id,
            "object": "file",
            "bytes": len(content),
            "created_at": int(time.time()),
            "filename": name,
            "purpose": purpose,
            "status": "processed",
        }

    def store_file(name: str, content: bytes, purpose: str) -> str:
        file_id = f"file-sim-{uuid.uuid4().hex[:16]}"
        files[file_id] = (name, content, purpose)
        return file_id

    async def run(batch: _Batch, path: str) -> None:
        await asyncio.sleep(state.config.batch_latency_ms / 1000.0)
        limit = asyncio.Semaphore(ITEM_CONCURRENCY)
        expire_after = state.config.batch_expire_after
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sim") as client:

            async def one(index: int, line: dict[str, Any]) -> dict[str, Any]:
                if expire_after is not None and index >= expire_after:
                    return {"custom_id": line["custom_id"], "status": None, "body": None}
                body = line["body"] if batch.kind == "openai" else line["params"]
                async with limit:
                    response = await client.post(path, json=body)
                return {
                    "custom_id": line["custom_id"],
                    "status": response.status_code,
                    "body": response.json() if response.content else {},
                }

            batch.results = list(
                await asyncio.gather(*(one(i, line) for i, line in enumerate(batch.lines)))
            )
        batch.ended_at = int(time.time())
        expired = any(r["status"] is None for r in batch.results)
        if batch.kind == "openai":
            ok = [r for r in batch.results if r["status"] == 200]
            bad = [r for r in batch.results if r["status"] not in (200, None)]
            batch.output_file_id = store_file("output.jsonl", _openai_lines(ok), "batch_output")
            if bad:
                batch.error_file_id = store_file("errors.jsonl", _openai_lines(bad), "batch_output")
            batch.status = "expired" if expired else "completed"
        else:
            batch.status = "ended"

    @app.post("/v1/files")
    async def upload(request: Request) -> Response:
        name, content, fields = _multipart(
            await request.body(), request.headers.get("content-type", "")
        )
        file_id = store_file(name, content, fields.get("purpose", "batch"))
        return JSONResponse(file_object(file_id))

    @app.get("/v1/files/{file_id}/content")
    async def file_content(file_id: str) -> Response:
        if file_id not in files:
            return JSONResponse({"error": {"message": "no such file"}}, status_code=404)
        return Response(files[file_id][1], media_type="application/jsonl")

    @app.post("/v1/batches")
    async def create_openai_batch(request: Request) -> Response:
        body = await request.json()
        file_id = body.get("input_file_id", "")
        if file_id not in files:
            return JSONResponse({"error": {"message": "no such file"}}, status_code=404)
        text = files[file_id][1].decode()
        lines = [json.loads(line) for line in text.splitlines() if line.strip()]
        batch = _Batch(f"batch_sim_{uuid.uuid4().hex[:16]}", "openai", lines)
        batches[batch.id] = batch
        state.count_batch(len(lines))
        task = asyncio.create_task(run(batch, body.get("endpoint", "/v1/chat/completions")))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        return JSONResponse(_openai_batch(batch, file_id))

    @app.get("/v1/batches/{batch_id}")
    async def get_openai_batch(batch_id: str) -> Response:
        batch = batches.get(batch_id)
        if batch is None or batch.kind != "openai":
            return JSONResponse({"error": {"message": "no such batch"}}, status_code=404)
        return JSONResponse(_openai_batch(batch, ""))

    @app.post("/v1/messages/batches")
    async def create_anthropic_batch(request: Request) -> Response:
        body = await request.json()
        lines = list(body.get("requests") or [])
        batch = _Batch(f"msgbatch_sim_{uuid.uuid4().hex[:16]}", "anthropic", lines)
        batches[batch.id] = batch
        state.count_batch(len(lines))
        task = asyncio.create_task(run(batch, "/v1/messages"))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        return JSONResponse(_anthropic_batch(batch, str(request.base_url)))

    @app.get("/v1/messages/batches/{batch_id}")
    async def get_anthropic_batch(batch_id: str, request: Request) -> Response:
        batch = batches.get(batch_id)
        if batch is None or batch.kind != "anthropic":
            return JSONResponse(
                {"type": "error", "error": {"type": "not_found_error", "message": "no batch"}},
                status_code=404,
            )
        return JSONResponse(_anthropic_batch(batch, str(request.base_url)))

    @app.get("/v1/messages/batches/{batch_id}/results")
    async def anthropic_results(batch_id: str) -> Response:
        batch = batches.get(batch_id)
        if batch is None or batch.status != "ended":
            return JSONResponse(
                {"type": "error", "error": {"type": "not_found_error", "message": "not ended"}},
                status_code=404,
            )
        out = []
        for r in batch.results:
            if r["status"] is None:
                result: dict[str, Any] = {"type": "expired"}
            elif r["status"] == 200:
                result = {"type": "succeeded", "message": r["body"]}
            else:
                result = {"type": "errored", "error": r["body"]}
            out.append(json.dumps({"custom_id": r["custom_id"], "result": result}))
        return Response("\n".join(out) + "\n", media_type="application/binary")


def _openai_lines(results: list[dict[str, Any]]) -> bytes:
    lines = []
    for r in results:
        error = None if r["status"] == 200 else (r["body"] or {}).get("error")
        lines.append(
            json.dumps(
                {
                    "id": f"batch_req_{uuid.uuid4().hex[:12]}",
                    "custom_id": r["custom_id"],
                    "response": {
                        "status_code": r["status"],
                        "request_id": uuid.uuid4().hex,
                        "body": r["body"],
                    },
                    "error": error,
                },
                ensure_ascii=False,
            )
        )
    return ("\n".join(lines) + "\n").encode()


def _openai_batch(batch: _Batch, input_file_id: str) -> dict[str, Any]:
    done = [r for r in batch.results if r["status"] is not None]
    failed = [r for r in done if r["status"] != 200]
    return {
        "id": batch.id,
        "object": "batch",
        "endpoint": "/v1/chat/completions",
        "input_file_id": input_file_id or "file-sim-input",
        "completion_window": "24h",
        "status": batch.status,
        "created_at": batch.created_at,
        "completed_at": batch.ended_at if batch.status == "completed" else None,
        "expired_at": batch.ended_at if batch.status == "expired" else None,
        "output_file_id": batch.output_file_id,
        "error_file_id": batch.error_file_id,
        "request_counts": {
            "total": len(batch.lines),
            "completed": len(done) - len(failed),
            "failed": len(failed),
        },
    }


def _anthropic_batch(batch: _Batch, base_url: str) -> dict[str, Any]:
    counts = {"processing": 0, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0}
    if batch.status == "in_progress":
        counts["processing"] = len(batch.lines)
    for r in batch.results:
        key = "expired" if r["status"] is None else "succeeded" if r["status"] == 200 else "errored"
        counts[key] += 1
    ended = batch.status == "ended"
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(batch.created_at))
    return {
        "id": batch.id,
        "type": "message_batch",
        "processing_status": "ended" if ended else "in_progress",
        "request_counts": counts,
        "created_at": stamp,
        "expires_at": stamp,
        "ended_at": stamp if ended else None,
        "archived_at": None,
        "cancel_initiated_at": None,
        "results_url": (
            f"{base_url.rstrip('/')}/v1/messages/batches/{batch.id}/results" if ended else None
        ),
    }
