"""English keyword matching for choosing topics, scenarios, buckets and grammar patterns."""

from __future__ import annotations

import re

_WORD_RE = re.compile(r"[a-z][a-z'-]*")


def tokens(text: str) -> list[str]:
    """Lower-case English words of ``text`` (for keyword matching)."""
    return _WORD_RE.findall(text.lower())


def matches(keyword: str, words: list[str], text: str) -> bool:
    """Does a keyword (single word or phrase) occur in the text?"""
    keyword = keyword.lower()
    if " " in keyword or "-" in keyword:
        return keyword in text.lower()
    return keyword in words
