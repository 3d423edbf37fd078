"""Each Store method on both backends (the ``store`` fixture runs every test on SQLite and on
PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from lessonplan.domain.issues import QualityIssue
from lessonplan.domain.lesson import Lesson
from lessonplan.domain.models import CanDoDescriptor, LearnerProfile, UsageContext
from lessonplan.errors import UnknownLessonError
from lessonplan.store import GenerationEvent, Store
from lessonplan.store.tables import PlanVersionRow

from .samples import NOW, sample_key, sample_plan, sample_stages

TTL = timedelta(hours=24)
VOCAB_WARNING = QualityIssue(
    code="vocab_total", severity="warning", message="too few words", path="$.lex_buckets"
)


def _descriptor(uid: str, level: str = "A1", topic: str = "food") -> CanDoDescriptor:
    return CanDoDescriptor.model_validate(
        {
            "uid": uid,
            "level": level,
            "primary_topic_en": topic,
            "description_en": f"can do {uid}",
            "description_ja": "できる",
        }
    )


# --- descriptors ---------------------------------------------------------------------------------


async def test_descriptors_upsert_get_list_count(store: Store) -> None:
    count = await store.upsert_descriptors(
        descriptors=[_descriptor("JF:2", "A2"), _descriptor("JF:1", "A1"), _descriptor("JF:3")]
    )
    assert count == 3
    assert await store.count_descriptors() == 3
    assert await store.get_descriptor(uid="JF:2") == _descriptor("JF:2", "A2")
    assert await store.get_descriptor(uid="nope") is None
    assert [d.uid for d in await store.list_descriptors()] == ["JF:1", "JF:3", "JF:2"]
    assert [d.uid for d in await store.list_descriptors(level="A2")] == ["JF:2"]

    changed = _descriptor("JF:1", "B1", topic="travel")
    assert await store.upsert_descriptors(descriptors=[changed]) == 1
    assert await store.get_descriptor(uid="JF:1") == changed
    assert await store.count_descriptors() == 3
    assert await store.upsert_descriptors(descriptors=[]) == 0


async def test_descriptor_upsert_is_all_or_nothing(store: Store) -> None:
    await store.upsert_descriptors(descriptors=[_descriptor("JF:1")])
    no_level = _descriptor("JF:9").model_copy(update={"level": None})  # NOT NULL violation
    with pytest.raises(IntegrityError):
        await store.upsert_descriptors(
            descriptors=[_descriptor("JF:1", "C2"), _descriptor("JF:8"), no_level]
        )
    assert [(d.uid, d.level) for d in await store.list_descriptors()] == [("JF:1", "A1")]


async def test_unicode_uids_round_trip(store: Store) -> None:
    await store.upsert_descriptors(descriptors=[_descriptor("JFまるごと:14")])
    found = await store.get_descriptor(uid="JFまるごと:14")
    assert found is not None and found.description_ja == "できる"


# --- learners ------------------------------------------------------------------------------------


async def test_profiles_upsert(store: Store) -> None:
    assert await store.get_profile(learner_id="u1") is None
    profile = LearnerProfile(learner_id="u1", current_level="A1", learning_goals=["travel"])
    await store.save_profile(profile=profile, now=NOW)
    assert await store.get_profile(learner_id="u1") == profile

    updated = profile.model_copy(
        update={"usage_context": UsageContext(register_preferences=["polite"])}
    )
    await store.save_profile(profile=updated, now=NOW + timedelta(days=1))
    assert await store.get_profile(learner_id="u1") == updated


# --- plan cache ----------------------------------------------------------------------------------


async def test_cache_put_get_and_hit(store: Store) -> None:
    key = sample_key()
    assert await store.cache_get(key_hash=key.key_hash, now=NOW) is None
    await store.cache_put(
        key=key, plan=sample_plan(), source="generated", plan_version=None, now=NOW, ttl=TTL
    )
    entry = await store.cache_get(key_hash=key.key_hash, now=NOW)
    assert entry is not None
    assert entry.plan == sample_plan()
    assert (entry.can_do_id, entry.profile_hash, entry.kit_hash) == (
        key.can_do_id,
        key.profile_hash,
        key.kit_hash,
    )
    assert (entry.model, entry.prompt_version) == ("offline", "planner-v1")
    assert entry.source == "generated"
    assert entry.hits == 0 and entry.last_used_at is None and not entry.expired

    await store.cache_hit(key_hash=key.key_hash, now=NOW + timedelta(minutes=5))
    await store.cache_hit(key_hash=key.key_hash, now=NOW + timedelta(minutes=6))
    entry = await store.cache_get(key_hash=key.key_hash, now=NOW)
    assert entry is not None
    assert entry.hits == 2
    assert entry.last_used_at == NOW + timedelta(minutes=6)
    await store.cache_hit(key_hash="missing", now=NOW)  # no row, no error


async def test_cache_put_replaces_plan_and_lifetime_but_keeps_hits(store: Store) -> None:
    key = sample_key()
    await store.cache_put(
        key=key, plan=sample_plan(), source="generated", plan_version=1, now=NOW, ttl=TTL
    )
    await store.cache_hit(key_hash=key.key_hash, now=NOW)
    later = NOW + timedelta(hours=30)
    await store.cache_put(
        key=key, plan=sample_plan(tag="v2"), source="repaired", plan_version=2, now=later, ttl=TTL
    )
    entry = await store.cache_get(key_hash=key.key_hash, now=later)
    assert entry is not None
    assert entry.plan == sample_plan(tag="v2")
    assert (entry.source, entry.plan_version, entry.hits) == ("repaired", 2, 1)
    assert entry.created_at == later and entry.expires_at == later + TTL


async def test_expired_entries_are_kept_and_returned_only_on_request(store: Store) -> None:
    key = sample_key()
    await store.cache_put(
        key=key, plan=sample_plan(), source="generated", plan_version=None, now=NOW, ttl=TTL
    )
    after = NOW + TTL + timedelta(seconds=1)
    assert await store.cache_get(key_hash=key.key_hash, now=after) is None
    stale = await store.cache_get(key_hash=key.key_hash, now=after, include_expired=True)
    assert stale is not None and stale.expired
    exactly = await store.cache_get(key_hash=key.key_hash, now=NOW + TTL, include_expired=True)
    assert exactly is not None and exactly.expired


async def test_purge_respects_grace(store: Store) -> None:
    old, fresh = sample_key("JF:1"), sample_key("JF:2")
    for key, at in ((old, NOW - timedelta(days=10)), (fresh, NOW - timedelta(days=2))):
        await store.cache_put(
            key=key, plan=sample_plan(), source="generated", plan_version=None, now=at, ttl=TTL
        )
    assert await store.cache_purge(now=NOW, grace=timedelta(days=7)) == 1
    assert await store.cache_get(key_hash=old.key_hash, now=NOW, include_expired=True) is None
    assert await store.cache_get(key_hash=fresh.key_hash, now=NOW, include_expired=True)
    assert await store.cache_purge(now=NOW, grace=timedelta(0)) == 1
    assert await store.cache_purge(now=NOW, grace=timedelta(0)) == 0


async def test_invalidate_by_descriptor_or_all(store: Store) -> None:
    keys = [sample_key("JF:1"), sample_key("JF:1", model="gpt"), sample_key("JF:2")]
    for key in keys:
        await store.cache_put(
            key=key, plan=sample_plan(), source="generated", plan_version=None, now=NOW, ttl=TTL
        )
    assert await store.cache_invalidate(can_do_id="JF:1") == 2
    assert await store.cache_get(key_hash=keys[0].key_hash, now=NOW) is None
    assert await store.cache_get(key_hash=keys[2].key_hash, now=NOW) is not None
    assert await store.cache_invalidate() == 1
    assert (await store.cache_stats(now=NOW)).entries == 0


async def test_cache_stats(store: Store) -> None:
    empty = await store.cache_stats(now=NOW)
    assert (empty.entries, empty.live, empty.expired, empty.total_hits) == (0, 0, 0, 0)
    assert empty.by_model == {}
    for key, at in (
        (sample_key("JF:1"), NOW),
        (sample_key("JF:2"), NOW),
        (sample_key("JF:3", model="gpt"), NOW - timedelta(days=2)),
    ):
        await store.cache_put(
            key=key, plan=sample_plan(), source="generated", plan_version=None, now=at, ttl=TTL
        )
    for _ in range(3):
        await store.cache_hit(key_hash=sample_key("JF:1").key_hash, now=NOW)
    stats = await store.cache_stats(now=NOW)
    assert (stats.entries, stats.live, stats.expired, stats.total_hits) == (3, 2, 1, 3)
    assert stats.by_model == {"gpt": 1, "offline": 2}


# --- plan versions -------------------------------------------------------------------------------


async def test_record_plan_appends_versions_and_caches(store: Store) -> None:
    key = sample_key()
    first = await store.record_plan(
        key=key,
        plan=sample_plan(),
        source="generated",
        model="offline",
        prompt_version="planner-v1",
        quality_issues=[VOCAB_WARNING],
        parent_version=None,
        now=NOW,
        ttl=TTL,
    )
    assert (first.version, first.is_active, first.source) == (1, True, "generated")
    entry = await store.cache_get(key_hash=key.key_hash, now=NOW)
    assert entry is not None and entry.plan_version == 1 and entry.plan == sample_plan()

    second = await store.record_plan(
        key=key,
        plan=sample_plan(tag="v2"),
        source="repaired",
        model="offline",
        prompt_version="planner-v1",
        quality_issues=[],
        parent_version=1,
        now=NOW + timedelta(hours=1),
        ttl=TTL,
        note="after repair",
    )
    assert second.version == 2 and second.parent_version == 1 and second.note == "after repair"
    entry = await store.cache_get(key_hash=key.key_hash, now=NOW)
    assert entry is not None and entry.plan_version == 2 and entry.plan == sample_plan(tag="v2")

    lineage = dict(can_do_id=key.can_do_id, profile_hash=key.profile_hash, kit_hash=key.kit_hash)
    versions = await store.list_plan_versions(**lineage)
    assert [(v.version, v.is_active) for v in versions] == [(1, False), (2, True)]
    assert versions[0].quality_issues == [VOCAB_WARNING]
    assert isinstance(versions[0].quality_issues[0], QualityIssue)
    assert versions[0].created_at == NOW
    got = await store.get_plan_version(**lineage, version=1)
    assert got is not None and got.plan == sample_plan() and not got.is_active
    assert await store.get_plan_version(**lineage, version=3) is None
    active = await store.get_active_plan(**lineage)
    assert active is not None and active.version == 2


async def test_record_plan_without_cache(store: Store) -> None:
    key = sample_key()
    for cache, ttl in ((False, TTL), (True, None)):
        await store.record_plan(
            key=key,
            plan=sample_plan(),
            source="offline",
            model="offline",
            prompt_version="planner-v1",
            quality_issues=[],
            parent_version=None,
            now=NOW,
            ttl=ttl,
            cache=cache,
        )
    assert await store.cache_get(key_hash=key.key_hash, now=NOW, include_expired=True) is None
    lineages = await store.list_lineages()
    assert [(lin.last_version, lin.active_version) for lin in lineages] == [(2, 2)]


async def test_rollback_appends_a_new_version_that_the_cache_serves(store: Store) -> None:
    key = sample_key()
    other_model = sample_key(model="gpt")
    lineage = dict(can_do_id=key.can_do_id, profile_hash=key.profile_hash, kit_hash=key.kit_hash)
    for tag in ("v1", "v2"):
        await store.record_plan(
            key=key,
            plan=sample_plan(tag=tag),
            source="generated",
            model="offline",
            prompt_version="planner-v1",
            quality_issues=[],
            parent_version=None,
            now=NOW,
            ttl=TTL,
        )
    await store.cache_put(
        key=other_model, plan=sample_plan(tag="gpt"), source="generated", plan_version=None,
        now=NOW, ttl=TTL,
    )  # fmt: skip
    old = await store.get_plan_version(**lineage, version=1)
    assert old is not None

    rolled = await store.add_plan_version(
        **lineage,
        plan=old.plan,
        source="rollback",
        model=old.model,
        prompt_version=old.prompt_version,
        quality_issues=old.quality_issues,
        parent_version=1,
        now=NOW + timedelta(hours=1),
        note="rollback to v1",
    )
    assert (rolled.version, rolled.parent_version, rolled.is_active) == (3, 1, True)
    versions = await store.list_plan_versions(**lineage)
    assert [v.version for v in versions] == [1, 2, 3]
    assert versions[1].plan == sample_plan(tag="v2")  # history never rewritten
    for cache_key in (key, other_model):
        entry = await store.cache_get(key_hash=cache_key.key_hash, now=NOW)
        assert entry is not None
        assert (entry.plan, entry.plan_version, entry.source) == (old.plan, 3, "rollback")

    draft = await store.add_plan_version(
        **lineage,
        plan=sample_plan(tag="draft"),
        source="manual_edit",
        model="human",
        prompt_version="",
        quality_issues=[],
        parent_version=3,
        now=NOW + timedelta(hours=2),
        activate=False,
    )
    assert (draft.version, draft.is_active) == (4, False)
    active = await store.get_active_plan(**lineage)
    assert active is not None and active.version == 3
    entry = await store.cache_get(key_hash=key.key_hash, now=NOW)
    assert entry is not None and entry.plan_version == 3


async def test_lineages_are_scoped_by_profile_and_kit(store: Store) -> None:
    for key in (
        sample_key("JF:1"),
        sample_key("JF:1", profile_hash="q" * 16),
        sample_key("JF:1", kit_hash="j" * 16),
        sample_key("JF:2"),
    ):
        await store.record_plan(
            key=key,
            plan=sample_plan(),
            source="generated",
            model="offline",
            prompt_version="planner-v1",
            quality_issues=[],
            parent_version=None,
            now=NOW,
            ttl=TTL,
        )
    assert len(await store.list_lineages()) == 4
    only = await store.list_lineages(can_do_id="JF:1")
    assert [(lin.profile_hash[0], lin.kit_hash[0]) for lin in only] == [
        ("p", "j"),
        ("p", "k"),
        ("q", "k"),
    ]
    assert all(lin.last_version == 1 and lin.active_version == 1 for lin in only)
    assert await store.get_active_plan(can_do_id="JF:9", profile_hash="p", kit_hash="k") is None
    assert await store.list_plan_versions(can_do_id="JF:9", profile_hash="p", kit_hash="k") == []


# --- lessons -------------------------------------------------------------------------------------


async def _save(store: Store, lesson_id: str | None = None, **overrides: Any) -> Lesson:
    args: dict[str, Any] = dict(
        lesson_id=lesson_id,
        can_do_id="JF:21",
        learner_id="u1",
        profile_hash="p" * 16,
        kit_hash="k" * 16,
        plan_version=1,
        plan=sample_plan(),
        plan_source="generated",
        metalanguage="en",
        stages=sample_stages(),
        now=NOW,
    )
    args.update(overrides)
    return await store.save_lesson(**args)


async def test_save_and_get_lesson_versions(store: Store) -> None:
    first = await _save(store)
    assert first.lesson_id.startswith("L-") and len(first.lesson_id) == 14
    assert (first.version, first.status) == (1, "complete")

    again = await _save(store)  # same (descriptor, learner, profile, kit): same lesson
    assert (again.lesson_id, again.version) == (first.lesson_id, 2)

    partial = await _save(
        store,
        first.lesson_id,
        stages=sample_stages(failed=("production",)),
        now=NOW + timedelta(minutes=1),
    )
    assert (partial.version, partial.status) == (3, "partial")

    latest = await store.get_lesson(lesson_id=first.lesson_id)
    assert latest is not None
    assert latest.version == 3 and latest.status == "partial"
    assert latest.stages["production"].status == "failed"
    assert latest.stages["content"].data == {"stage": "content", "text": "こんにちは"}
    assert latest.stages["content"].started_at == NOW
    assert latest.plan == sample_plan() and latest.plan_version == 1
    assert latest.created_at == NOW + timedelta(minutes=1)
    assert latest == partial

    v1 = await store.get_lesson(lesson_id=first.lesson_id, version=1)
    assert v1 is not None and v1.status == "complete"
    assert await store.get_lesson(lesson_id=first.lesson_id, version=9) is None
    assert await store.get_lesson(lesson_id="L-000000000000") is None
    assert await store.list_lesson_versions(lesson_id=first.lesson_id) == [1, 2, 3]
    assert await store.list_lesson_versions(lesson_id="nope") == []

    failed = await _save(store, can_do_id="JF:22", stages=sample_stages(failed=tuple(first.stages)))
    assert failed.status == "failed" and failed.lesson_id != first.lesson_id


async def test_lessons_belong_to_their_learner(store: Store) -> None:
    mine = await _save(store, learner_id="u1")
    theirs = await _save(store, learner_id="u2")
    assert mine.lesson_id != theirs.lesson_id

    assert await store.get_lesson(lesson_id=mine.lesson_id, learner_id="u2") is None
    own = await store.get_lesson(lesson_id=mine.lesson_id, learner_id="u1")
    assert own is not None and own.learner_id == "u1"
    with pytest.raises(UnknownLessonError):
        await _save(store, mine.lesson_id, learner_id="u2")
    assert await store.list_lesson_versions(lesson_id=mine.lesson_id) == [1]


async def test_save_lesson_with_unknown_id_fails(store: Store) -> None:
    with pytest.raises(UnknownLessonError):
        await _save(store, "L-doesnotexist")
    assert await store.list_lessons() == []


async def test_list_lessons(store: Store) -> None:
    def pairs(found: list[Any]) -> list[tuple[str, int]]:
        return [(s.lesson_id, s.version) for s in found]

    a = await _save(store, learner_id="u1", can_do_id="JF:1", now=NOW)
    b = await _save(store, learner_id="u1", can_do_id="JF:2", now=NOW + timedelta(minutes=1))
    c = await _save(store, learner_id="u2", can_do_id="JF:1", now=NOW + timedelta(minutes=2))
    await _save(store, a.lesson_id, learner_id="u1", can_do_id="JF:1", now=NOW + timedelta(hours=1))
    assert pairs(await store.list_lessons(learner_id="u1")) == [(a.lesson_id, 2), (b.lesson_id, 1)]
    assert pairs(await store.list_lessons(can_do_id="JF:1")) == [(a.lesson_id, 2), (c.lesson_id, 1)]
    assert await store.list_lessons(learner_id="u2", can_do_id="JF:2") == []
    assert len(await store.list_lessons()) == 3


# --- events and health ---------------------------------------------------------------------------


async def test_events_round_trip_and_filter(store: Store) -> None:
    events = [
        GenerationEvent(
            at=NOW,
            operation="plan",
            can_do_id="JF:1",
            outcome="ok",
            key_hash="h" * 64,
            provider="openai",
            model="gpt",
            source="generated",
            latency_ms=812.5,
            prompt_tokens=1200,
            completion_tokens=400,
            cost_usd=0.0031,
            quality_issue_count=2,
        ),
        GenerationEvent(
            at=NOW + timedelta(seconds=1),
            operation="plan",
            can_do_id="JF:1",
            outcome="hit",
            source="cache",
            cost_saved_usd=0.0031,
        ),
        GenerationEvent(
            at=NOW + timedelta(seconds=2),
            operation="stage:content",
            can_do_id="JF:1",
            outcome="timeout",
            error_type="timeout",
        ),
    ]
    await store.add_events(events=events)
    await store.add_events(events=[])
    got = await store.list_events()
    assert [e.outcome for e in got] == ["ok", "hit", "timeout"]
    assert all(e.id is not None for e in got)
    assert got[0].at == NOW
    assert [e.__class__(**{**_fields(e), "id": None}) for e in got] == events
    assert [e.outcome for e in await store.list_events(operation="plan")] == ["ok", "hit"]
    since = await store.list_events(since=NOW + timedelta(seconds=1))
    assert [e.outcome for e in since] == ["hit", "timeout"]


def _fields(event: GenerationEvent) -> dict[str, object]:
    return {name: getattr(event, name) for name in event.__dataclass_fields__}


async def test_ping(store: Store) -> None:
    assert await store.ping() is True


async def test_plan_version_issues_stored_by_older_releases_stay_readable(store: Store) -> None:
    """A stored issue object without the fields the typed model needs is read as a warning."""
    key = sample_key()
    await store.record_plan(
        key=key,
        plan=sample_plan(),
        source="generated",
        model="offline",
        prompt_version="planner-v1",
        quality_issues=[VOCAB_WARNING],
        now=NOW,
        ttl=TTL,
    )
    legacy = [{"code": "vocab_total", "path": "$.lex_buckets"}, "free text"]
    async with store.engine.begin() as conn:
        await conn.execute(PlanVersionRow.__table__.update().values(quality_issues=legacy))
    got = await store.get_plan_version(
        can_do_id=key.can_do_id, profile_hash=key.profile_hash, kit_hash=key.kit_hash, version=1
    )
    assert got is not None
    assert [(i.code, i.severity, i.path) for i in got.quality_issues] == [
        ("vocab_total", "warning", "$.lex_buckets"),
        ("stored.unreadable", "warning", "$"),
    ]
    assert got.quality_issues[1].message == "free text"
