"""What the catalog's SQL search compares: the folded columns stored beside each descriptor and a
query's folded terms. Pure; the store runs the query (``CatalogRepository.search``).

Text is folded once, on write (NFKC, lower case), so SQLite and PostgreSQL compare the same
strings with a plain ``LIKE``: full-width Ａ２ finds A2, "SHOPPING" finds Shopping.
"""

from __future__ import annotations

from dataclasses import dataclass

from lessonplan.catalog.vocab import fold, jf_vocabulary, skill_key
from lessonplan.domain.models import LEVELS, CanDoDescriptor
from lessonplan.errors import BadInputError

MAX_LIMIT = 500
MAX_QUERY = 200


def search_text(descriptor: CanDoDescriptor) -> str:
    """Everything a query may match: uid, the descriptions in every language, titles, topics,
    category."""
    parts = (
        descriptor.uid,
        descriptor.description_en,
        descriptor.description_ja,
        *descriptor.descriptions.values(),
        descriptor.title_en,
        descriptor.title_ja,
        *descriptor.titles.values(),
        descriptor.primary_topic_en,
        descriptor.primary_topic_ja,
        descriptor.category,
        descriptor.course,
    )
    return "\n".join(fold(p) for p in parts if p)


def index_columns(descriptor: CanDoDescriptor) -> dict[str, str]:
    """The folded columns stored beside a descriptor's JSON."""
    return {
        "topic_key_ja": fold(descriptor.primary_topic_ja),
        "topic_key_en": fold(descriptor.primary_topic_en),
        "skill": skill_key(descriptor.skill_domain) if descriptor.skill_domain else "",
        "source_key": fold(descriptor.source),
        "search_text": search_text(descriptor),
    }


@dataclass(frozen=True)
class CatalogQuery:
    """Filters and a page of the catalog. ``terms`` must all occur (in either language)."""

    terms: tuple[str, ...] = ()
    level: str | None = None
    topics: tuple[str, ...] = ()
    skill: str | None = None
    source: str | None = None
    limit: int | None = None
    offset: int = 0

    @classmethod
    def build(
        cls,
        *,
        query: str | None = None,
        level: str | None = None,
        topic: str | None = None,
        skill: str | None = None,
        source: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> CatalogQuery:
        """Validated filters; a bad value is :class:`BadInputError` naming it."""
        if query is not None and len(query) > MAX_QUERY:
            raise BadInputError(f"query is longer than {MAX_QUERY} characters")
        if level is not None and fold(level).upper() not in LEVELS:
            raise BadInputError(f"unknown level {level!r}: use A1…C2")
        if limit is not None and not 0 < limit <= MAX_LIMIT:
            raise BadInputError(f"limit must be between 1 and {MAX_LIMIT}")
        if offset < 0:
            raise BadInputError("offset must be 0 or more")
        topics: tuple[str, ...] = ()
        if topic is not None and fold(topic):
            # A JF topic matches by either of its names; any other topic as written.
            known = jf_vocabulary().topic(topic)
            topics = (fold(known.ja), fold(known.en)) if known else (fold(topic),)
        return cls(
            terms=tuple(t for t in fold(query or "").split() if t),
            level=fold(level).upper() if level else None,
            topics=topics,
            skill=skill_key(skill) if skill and fold(skill) else None,
            source=fold(source) if source and fold(source) else None,
            limit=limit,
            offset=offset,
        )


def like_pattern(term: str) -> str:
    """``%term%`` with LIKE's wildcards escaped (escape character ``\\``)."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
