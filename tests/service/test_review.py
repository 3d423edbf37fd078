"""Review states of lesson versions on both databases: what learners are served, the history
kept, two reviewers at once, auto-publish, and the upgrade of lessons stored before reviews."""

from __future__ import annotations

import asyncio

import pytest

from lessonplan.domain.models import LearnerProfile
from lessonplan.domain.review import InvalidTransitionError, NoteRequiredError
from lessonplan.errors import UnknownLessonError
from lessonplan.service.compile import compile_lesson
from lessonplan.service.regenerate import regenerate_stage
from lessonplan.service.review import change_review_state
from tests.service.conftest import Clock, RuntimeFactory

LEARNER = LearnerProfile(learner_id="aiko")


async def _publish(rt, lesson_id: str, version: int | None = None) -> None:  # type: ignore[no-untyped-def]
    for state in ("in_review", "approved", "published"):
        await change_review_state(
            rt, lesson_id=lesson_id, version=version, to_state=state, actor="sato"
        )


async def test_learners_get_the_latest_published_version_only(
    make_runtime: RuntimeFactory, clock: Clock
) -> None:
    rt = await make_runtime()
    lesson = (await compile_lesson(rt, "JF:105", profile=LEARNER)).lesson
    assert lesson.review_state == "draft"
    store = rt.store
    assert await store.get_lesson(lesson_id=lesson.lesson_id, published_only=True) is None
    assert await store.list_lessons(learner_id="aiko", published_only=True) == []

    await _publish(rt, lesson.lesson_id)
    clock.advance(minutes=5)
    regenerated = await regenerate_stage(rt, lesson.lesson_id, "production")
    assert regenerated.lesson.version == 2 and regenerated.lesson.review_state == "draft"

    served = await store.get_lesson(lesson_id=lesson.lesson_id, published_only=True)
    assert served is not None and (served.version, served.review_state) == (1, "published")
    assert served.stages == lesson.stages
    assert (
        await store.get_lesson(lesson_id=lesson.lesson_id, version=2, published_only=True) is None
    )
    [row] = await store.list_lessons(learner_id="aiko", published_only=True)
    assert (row.version, row.review_state) == (1, "published")
    [latest] = await store.list_lessons(learner_id="aiko")
    assert (latest.version, latest.review_state) == (2, "draft")

    await _publish(rt, lesson.lesson_id, version=2)
    served = await store.get_lesson(lesson_id=lesson.lesson_id, published_only=True)
    assert served is not None and served.version == 2
    states = [
        (v.version, v.review_state) for v in await store.lesson_versions(lesson_id=lesson.lesson_id)
    ]
    assert states == [(1, "published"), (2, "published")]


async def test_every_change_is_kept_with_who_and_why(
    make_runtime: RuntimeFactory, clock: Clock
) -> None:
    rt = await make_runtime()
    lesson = (await compile_lesson(rt, "JF:105", profile=LEARNER)).lesson
    await change_review_state(rt, lesson_id=lesson.lesson_id, to_state="in_review", actor="ito")
    clock.advance(minutes=1)
    with pytest.raises(NoteRequiredError):
        await change_review_state(rt, lesson_id=lesson.lesson_id, to_state="rejected", actor="sato")
    rejected = await change_review_state(
        rt,
        lesson_id=lesson.lesson_id,
        to_state="rejected",
        actor="sato",
        note="The reading uses 召し上がる: too formal for A1.",
    )
    assert (rejected.from_state, rejected.to_state) == ("in_review", "rejected")
    with pytest.raises(InvalidTransitionError):
        await change_review_state(
            rt, lesson_id=lesson.lesson_id, to_state="published", actor="sato"
        )
    clock.advance(minutes=1)
    await change_review_state(rt, lesson_id=lesson.lesson_id, to_state="draft", actor="ito")

    history = await rt.store.review_history(lesson_id=lesson.lesson_id)
    assert [(e.from_state, e.to_state, e.actor) for e in history] == [
        ("draft", "in_review", "ito"),
        ("in_review", "rejected", "sato"),
        ("rejected", "draft", "ito"),
    ]
    assert history[1].note == "The reading uses 召し上がる: too formal for A1."
    assert history[0].at < history[1].at < history[2].at
    stored = await rt.store.get_lesson(lesson_id=lesson.lesson_id)
    assert stored is not None and stored.review_state == "draft"
    assert stored.stages == lesson.stages  # a review never touches the content


async def test_unknown_lessons_and_versions_are_named(make_runtime: RuntimeFactory) -> None:
    rt = await make_runtime()
    with pytest.raises(UnknownLessonError, match="unknown lesson 'L-nope'"):
        await change_review_state(rt, lesson_id="L-nope", to_state="in_review", actor="x")
    lesson = (await compile_lesson(rt, "JF:105", profile=LEARNER)).lesson
    with pytest.raises(UnknownLessonError, match="version 9"):
        await change_review_state(
            rt, lesson_id=lesson.lesson_id, version=9, to_state="in_review", actor="x"
        )


async def test_two_reviewers_at_once_move_a_version_once(make_runtime: RuntimeFactory) -> None:
    rt = await make_runtime()
    lesson = (await compile_lesson(rt, "JF:105", profile=LEARNER)).lesson
    outcomes = await asyncio.gather(
        *(
            change_review_state(
                rt, lesson_id=lesson.lesson_id, to_state="in_review", actor=f"reviewer {i}"
            )
            for i in range(4)
        ),
        return_exceptions=True,
    )
    moved = [o for o in outcomes if not isinstance(o, BaseException)]
    refused = [o for o in outcomes if isinstance(o, InvalidTransitionError)]
    assert len(moved) == 1 and len(refused) == 3, outcomes
    history = await rt.store.review_history(lesson_id=lesson.lesson_id)
    assert [(e.from_state, e.to_state) for e in history] == [("draft", "in_review")]


async def test_auto_publish_serves_each_new_version_and_says_so(
    make_runtime: RuntimeFactory,
) -> None:
    rt = await make_runtime(auto_publish=True)
    lesson = (await compile_lesson(rt, "JF:105", profile=LEARNER)).lesson
    assert lesson.review_state == "published"
    served = await rt.store.get_lesson(lesson_id=lesson.lesson_id, published_only=True)
    assert served is not None and served.version == 1
    [event] = await rt.store.review_history(lesson_id=lesson.lesson_id)
    assert (event.from_state, event.to_state) == (None, "published")
    assert "LESSONPLAN_AUTO_PUBLISH" in event.actor
