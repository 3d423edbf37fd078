"""Delimited JSON data blocks: how descriptor, profile, kit and plan travel inside a prompt.

Everything the caller supplies goes into ``<data name="...">`` blocks as JSON, after the static
instructions. The instructions tell the model that block contents are data, never instructions;
JSON encoding means a profile cannot close its block early (``<`` and ``>`` are escaped).
"""

from __future__ import annotations

import json
import re
from typing import Any

_BLOCK = re.compile(r'<data name="(?P<name>[a-z_]+)">\n(?P<body>.*?)\n</data>', re.DOTALL)


def _encode(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e")


def render_data_blocks(blocks: dict[str, Any]) -> str:
    """Render ``{"descriptor": {...}, "plan": {...}}`` as delimited blocks, in the given order."""
    parts = [f'<data name="{name}">\n{_encode(value)}\n</data>' for name, value in blocks.items()]
    return "\n".join(parts)


def parse_data_blocks(text: str) -> dict[str, Any]:
    """The inverse of :func:`render_data_blocks` (used by the simulated server and tests)."""
    return {m.group("name"): json.loads(m.group("body")) for m in _BLOCK.finditer(text)}
