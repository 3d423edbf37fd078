"""Event retention: old raw events are deleted, the figures of `stats` stay the same."""

from __future__ import annotations

from datetime import timedelta

from lessonplan.domain.models import LearnerProfile, PrelessonKit
from lessonplan.service.plans import PlanInputs, get_plan
from lessonplan.service.stats import compute_stats, purge_events
from tests.service.conftest import Clock, RuntimeFactory


async def test_purge_deletes_old_events_and_keeps_the_stats(
    make_runtime: RuntimeFactory, clock: Clock
) -> None:
    rt = await make_runtime(event_retention_days=30)
    descriptor = await rt.store.get_descriptor(uid="JF:105")
    assert descriptor is not None
    inputs = PlanInputs(descriptor, LearnerProfile.anonymous(), PrelessonKit())
    await get_plan(rt, inputs)
    await get_plan(rt, inputs)
    await rt.flush()
    old_events = len(await rt.store.list_events())
    clock.advance(days=40)
    await get_plan(rt, inputs)  # a recent answer (the entry expired: generated again)
    await rt.flush()
    before = await compute_stats(rt)
    assert len(await rt.store.list_events()) > old_events

    assert await purge_events(rt) == old_events
    left = await rt.store.list_events()
    assert left and all(e.at >= clock.now - timedelta(days=30) for e in left)
    after = await compute_stats(rt)
    assert after == before
    assert await purge_events(rt) == 0


async def test_retention_zero_keeps_everything(make_runtime: RuntimeFactory, clock: Clock) -> None:
    rt = await make_runtime(event_retention_days=0)
    descriptor = await rt.store.get_descriptor(uid="JF:105")
    assert descriptor is not None
    await get_plan(rt, PlanInputs(descriptor, LearnerProfile.anonymous(), PrelessonKit()))
    clock.advance(days=400)
    assert await purge_events(rt) == 0
    await rt.flush()
    assert await rt.store.list_events()
