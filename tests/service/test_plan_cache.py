"""Plan cache: hits, what makes a miss, expiry, stale-if-error and the fallback chain."""

from __future__ import annotations

import asyncio

import pytest

from lessonplan.domain.models import LearnerProfile, PrelessonKit, UsageContext
from lessonplan.errors import (
    AllFallbacksFailedError,
    InvalidOutputError,
    ProviderUnavailableError,
)
from lessonplan.providers.fake import FakeProvider
from lessonplan.service import plans as plans_module
from lessonplan.service.plans import PlanInputs, get_plan, plan_key
from tests.service.conftest import Clock, RuntimeFactory, calls_by_task, fake_llm, offline_answer

PROFILE = LearnerProfile(
    learner_id="ana",
    current_level="A1",
    native_language="Portuguese",
    cultural_interests=["food"],
    usage_context=UsageContext(register_preferences=["polite"]),
)


async def inputs_for(rt, uid: str = "JF:105", **kw) -> PlanInputs:  # type: ignore[no-untyped-def]
    descriptor = await rt.store.get_descriptor(uid=uid)
    return PlanInputs(
        descriptor, kw.get("profile", PROFILE), kw.get("kit", PrelessonKit()), kw.get("ml", "en")
    )


async def test_second_identical_request_is_a_hit_without_llm_call(
    make_runtime: RuntimeFactory,
) -> None:
    llm = fake_llm()
    rt = await make_runtime(llm)
    first = await get_plan(rt, await inputs_for(rt))
    second = await get_plan(rt, await inputs_for(rt))
    assert first.source == "generated"
    assert second.source == "cache"
    assert second.plan == first.plan
    assert calls_by_task(llm)["plan"] == 1
    await rt.flush()
    entry = await rt.store.cache_get(key_hash=first.provenance.key_hash or "", now=rt.now())
    assert entry is not None and entry.hits == 1


@pytest.mark.parametrize(
    "change",
    ["model", "prompt_version", "metalanguage", "profile_used_field", "descriptor_text", "kit"],
)
async def test_anything_that_changes_the_answer_is_a_miss(
    make_runtime: RuntimeFactory, change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    llm = fake_llm()
    rt = await make_runtime(llm)
    await get_plan(rt, await inputs_for(rt))
    kwargs: dict[str, object] = {}
    if change == "model":
        llm = fake_llm("gpt-4o")
        rt = await make_runtime(llm)
    elif change == "prompt_version":
        monkeypatch.setattr(plans_module, "PLANNER_PROMPT_VERSION", "planner-v999")
    elif change == "metalanguage":
        kwargs["ml"] = "es"
    elif change == "profile_used_field":
        kwargs["profile"] = PROFILE.model_copy(update={"cultural_interests": ["temples"]})
    elif change == "kit":
        kwargs["kit"] = PrelessonKit.model_validate(
            {"words": [{"surface": "熱"}], "requirements": {"min_words": 1}}
        )
    elif change == "descriptor_text":
        descriptor = await rt.store.get_descriptor(uid="JF:105")
        assert descriptor is not None
        changed = descriptor.model_copy(update={"description_en": descriptor.description_en + "!"})
        await rt.store.upsert_descriptors(descriptors=[changed])
    before = calls_by_task(llm)["plan"]
    result = await get_plan(rt, await inputs_for(rt, **kwargs))
    assert result.source == "generated", change
    assert calls_by_task(llm)["plan"] == before + 1


async def test_profile_field_the_prompt_does_not_carry_is_still_a_hit(
    make_runtime: RuntimeFactory,
) -> None:
    llm = fake_llm()
    rt = await make_runtime(llm)
    await get_plan(rt, await inputs_for(rt))
    other = PROFILE.model_copy(update={"native_language": "Korean", "cultural_background": "x"})
    result = await get_plan(rt, await inputs_for(rt, profile=other))
    assert result.source == "cache"
    assert calls_by_task(llm)["plan"] == 1


async def test_expired_entry_is_regenerated(make_runtime: RuntimeFactory, clock: Clock) -> None:
    llm = fake_llm()
    rt = await make_runtime(llm, cache_ttl_hours=1)
    await get_plan(rt, await inputs_for(rt))
    clock.advance(hours=1, seconds=1)
    result = await get_plan(rt, await inputs_for(rt))
    assert result.source == "generated"
    assert result.provenance.plan_version == 2
    assert calls_by_task(llm)["plan"] == 2


async def test_provider_down_serves_expired_entry_as_stale_cache(
    make_runtime: RuntimeFactory, clock: Clock
) -> None:
    rt = await make_runtime(fake_llm(), cache_ttl_hours=1)
    first = await get_plan(rt, await inputs_for(rt))
    clock.advance(hours=5)
    down = FakeProvider("gpt-4o-mini").enqueue(
        *[ProviderUnavailableError("503 from provider") for _ in range(5)]
    )
    rt_down = await make_runtime(down, cache_ttl_hours=1)
    result = await get_plan(rt_down, await inputs_for(rt_down))
    assert result.source == "stale_cache"
    assert result.plan == first.plan
    assert result.provenance.path == ["primary", "stale_cache"]


async def test_provider_down_without_stale_entry_is_a_typed_error(
    make_runtime: RuntimeFactory,
) -> None:
    down = FakeProvider("gpt-4o-mini").enqueue(ProviderUnavailableError("503"))
    rt = await make_runtime(down)
    with pytest.raises(ProviderUnavailableError):
        await get_plan(rt, await inputs_for(rt))


async def test_offline_planner_is_the_last_fallback_when_enabled(
    make_runtime: RuntimeFactory,
) -> None:
    down = FakeProvider("gpt-4o-mini").enqueue(ProviderUnavailableError("503"))
    rt = await make_runtime(down, offline_fallback=True)
    result = await get_plan(rt, await inputs_for(rt))
    assert result.source == "offline"
    assert result.provenance.path == ["primary", "offline", "offline"]
    # Cached only under the offline planner's own key, not the primary model's.
    primary_key = plan_key(rt, await inputs_for(rt), rt.provider)
    assert await rt.store.cache_get(key_hash=primary_key.key_hash, now=rt.now()) is None


async def test_fallback_model_answers_and_is_cached_under_its_own_key(
    make_runtime: RuntimeFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lessonplan.providers import fake as fake_module

    down = FakeProvider("gpt-4o-mini").enqueue(ProviderUnavailableError("503"))
    backup = fake_module.register_fake(fake_llm("backup"))
    try:
        rt = await make_runtime(down, fallback_llms="fake:backup")
        result = await get_plan(rt, await inputs_for(rt))
    finally:
        fake_module.unregister_fakes()
    assert result.source == "fallback"
    assert result.provenance.model == "fake:backup"
    assert calls_by_task(backup)["plan"] == 1
    inputs = await inputs_for(rt)
    primary_key = plan_key(rt, inputs, rt.provider)
    backup_key = primary_key.with_model("fake:backup")
    assert await rt.store.cache_get(key_hash=primary_key.key_hash, now=rt.now()) is None
    assert await rt.store.cache_get(key_hash=backup_key.key_hash, now=rt.now()) is not None


async def test_invalid_output_falls_back_to_the_simplified_prompt(
    make_runtime: RuntimeFactory,
) -> None:
    llm = FakeProvider("gpt-4o-mini", fallback=offline_answer).enqueue(
        "I'm sorry, here is a plan in prose.", "still prose", "prose again"
    )
    rt = await make_runtime(llm)
    result = await get_plan(rt, await inputs_for(rt))
    assert result.source == "fallback"
    assert "simplified_prompt" in result.provenance.path
    assert [r.task for r in llm.requests] == ["plan"] * 4


async def test_every_step_failing_names_each_step(make_runtime: RuntimeFactory) -> None:
    from lessonplan.providers import fake as fake_module

    prose = FakeProvider("gpt-4o-mini", fallback=lambda _r: "no json here")
    fake_module.register_fake(FakeProvider("backup").enqueue(ProviderUnavailableError("down")))
    try:
        rt = await make_runtime(prose, fallback_llms="fake:backup")
        with pytest.raises(AllFallbacksFailedError) as info:
            await get_plan(rt, await inputs_for(rt))
    finally:
        fake_module.unregister_fakes()
    message = str(info.value)
    assert "primary: invalid_output" in message
    assert "simplified_prompt: invalid_output" in message
    assert "fallback:fake:backup: provider_unavailable" in message
    assert isinstance(info.value.failures[0][1], InvalidOutputError)


async def test_fifty_concurrent_identical_requests_make_one_llm_call(
    make_runtime: RuntimeFactory,
) -> None:
    llm = fake_llm(latency_s=0.2)
    rt = await make_runtime(llm)
    inputs = await inputs_for(rt)
    results = await asyncio.gather(*(get_plan(rt, inputs) for _ in range(50)))
    assert calls_by_task(llm)["plan"] == 1
    assert len({r.plan.model_dump_json() for r in results}) == 1
    assert sorted({r.source for r in results}) == ["generated"]
    await rt.flush()
    events = await rt.store.list_events(operation="plan_answer")
    assert sorted(e.outcome for e in events).count("joined") == 49


async def test_no_cache_bypasses_reads_but_refreshes_the_entry(
    make_runtime: RuntimeFactory,
) -> None:
    llm = fake_llm()
    rt = await make_runtime(llm)
    await get_plan(rt, await inputs_for(rt))
    again = await get_plan(rt, await inputs_for(rt), use_cache=False)
    assert again.source == "generated"
    assert again.provenance.plan_version == 2
    assert calls_by_task(llm)["plan"] == 2
    hit = await get_plan(rt, await inputs_for(rt))
    assert hit.source == "cache" and hit.provenance.plan_version == 2


async def test_waiters_of_a_failed_generation_get_its_error(make_runtime: RuntimeFactory) -> None:
    down = FakeProvider("gpt-4o-mini", latency_s=0.1).enqueue(ProviderUnavailableError("503"))
    rt = await make_runtime(down)
    inputs = await inputs_for(rt)
    results = await asyncio.gather(
        *(get_plan(rt, inputs) for _ in range(10)), return_exceptions=True
    )
    assert all(isinstance(r, ProviderUnavailableError) for r in results)
    assert len(down.requests) == 1
