"""JSON extraction and ``generate_structured`` (retries, Retry-After, repair, usage) on fakes."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from lessonplan.config import Settings
from lessonplan.errors import (
    InvalidOutputError,
    ProviderBadRequestError,
    ProviderTimeoutError,
    ProviderUnavailableError,
    RateLimitedError,
)
from lessonplan.planners.generate import AttemptRecord, RetryPolicy, generate_structured
from lessonplan.planners.jsonextract import JSONExtractionError, extract_json
from lessonplan.providers import FakeProvider, LLMRequest, Usage

# --- extract_json -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1}', {"a": 1}),
        ('```json\n{"a": 1}\n```', {"a": 1}),
        ('```\n{"a": [1, 2]}\n```\n', {"a": [1, 2]}),
        ('Here is the plan:\n```json\n{"a": "x"}\n```\nHope this helps!', {"a": "x"}),
        ('Sure! {"a": 1, "b": {"c": 2}} Let me know.', {"a": 1, "b": {"c": 2}}),
        ('{"a": "a } brace { and \\" quote"}', {"a": 'a } brace { and " quote'}),
        ('prose {"s": "}}}"} more {"t": "{{{"}', {"s": "}}}"}),
        ('example {"x": 1} then the answer {"x": 2, "y": [1, 2, 3]}', {"x": 2, "y": [1, 2, 3]}),
        ('{"a": 1, "b": [1, 2,', {"a": 1, "b": [1, 2]}),
        (
            '```json\n{"name": "plan", "items": ["休む", "薬"',
            {"name": "plan", "items": ["休む", "薬"]},
        ),
        ('{"a": 1,}', {"a": 1}),
    ],
    ids=[
        "bare",
        "fence",
        "fence-no-lang",
        "fence-with-prose",
        "prose-around",
        "braces-in-strings",
        "unbalanced-braces-in-strings",
        "largest-object-wins",
        "truncated",
        "truncated-in-fence",
        "trailing-comma",
    ],
)
def test_extract_json(text: str, expected: dict[str, object]) -> None:
    assert extract_json(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "I cannot help with that.", "[1, 2, 3]"])
def test_extract_json_raises_a_value_error(text: str) -> None:
    with pytest.raises(JSONExtractionError) as info:
        extract_json(text)
    assert isinstance(info.value, ValueError)
    assert str(info.value)


# --- generate_structured ----------------------------------------------------------------------


class Small(BaseModel):
    name: str
    count: int


REQUEST = LLMRequest(system="static rules", user="<data>", schema_name="Small", task="plan")
VALID = json.dumps({"name": "ok", "count": 3})


class Sleeps:
    """An injected ``RetryPolicy.sleep`` that records waits instead of sleeping."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def policy(sleeps: Sleeps, **kw: float) -> RetryPolicy:
    values: dict[str, float] = {"base_seconds": 0.01, "max_seconds": 2.0} | kw
    return RetryPolicy(
        max_retries=int(values.pop("max_retries", 3)), jitter=False, sleep=sleeps, **values
    )


def fixed_usage(request: LLMRequest, text: str) -> Usage:
    return Usage(prompt_tokens=100, completion_tokens=10, cached_prompt_tokens=40)


async def test_valid_first_answer() -> None:
    fake = FakeProvider("m", usage=fixed_usage).enqueue(VALID)
    result = await generate_structured(fake, REQUEST, Small)
    assert result.value == Small(name="ok", count=3)
    assert not result.repaired
    assert [(a.kind, a.outcome) for a in result.attempts] == [("initial", "ok")]
    assert result.usage == Usage(100, 10, 40)
    assert (result.provider, result.model, result.raw_text) == ("fake", "m", VALID)


async def test_repairs_carry_the_original_request_and_only_the_latest_errors() -> None:
    fake = FakeProvider(usage=fixed_usage).enqueue(
        "Sorry, here is some prose.", '{"name": "x"}', VALID
    )
    result = await generate_structured(fake, REQUEST, Small, retry=policy(Sleeps()))
    assert result.repaired
    assert [(a.kind, a.outcome) for a in result.attempts] == [
        ("initial", "invalid_output"),
        ("repair", "invalid_output"),
        ("repair", "ok"),
    ]
    first, second, third = fake.requests
    assert first == REQUEST
    for repair in (second, third):
        assert repair.system == REQUEST.system
        assert repair.user.startswith(REQUEST.user)
        assert repair.schema_name == "Small"
    assert "no JSON object" in second.user
    assert "count" in third.user  # the missing field of the second answer
    assert "no JSON object" not in third.user  # the first answer's error is gone
    assert "Sorry, here is some prose." not in third.user
    assert result.attempts[0].error and "no JSON object" in result.attempts[0].error


async def test_usage_is_summed_over_every_attempt_including_invalid_and_failed() -> None:
    fake = FakeProvider(usage=fixed_usage).enqueue(ProviderUnavailableError("down"), "prose", VALID)
    result = await generate_structured(fake, REQUEST, Small, retry=policy(Sleeps()))
    assert [a.outcome for a in result.attempts] == ["provider_unavailable", "invalid_output", "ok"]
    assert result.usage == Usage(200, 20, 80)
    assert sum(a.prompt_tokens for a in result.attempts) == result.usage.prompt_tokens
    assert sum(a.completion_tokens for a in result.attempts) == result.usage.completion_tokens


async def test_bad_request_is_not_retried() -> None:
    sleeps = Sleeps()
    fake = FakeProvider().enqueue(ProviderBadRequestError("400: bad"), VALID)
    with pytest.raises(ProviderBadRequestError) as info:
        await generate_structured(fake, REQUEST, Small, retry=policy(sleeps))
    assert len(fake.requests) == 1
    assert sleeps.waits == []
    attempts = info.value.details["attempts"]
    assert [(a.kind, a.outcome) for a in attempts] == [("initial", "bad_request")]
    assert info.value.details["usage"] == Usage()


async def test_retry_after_is_honoured() -> None:
    sleeps = Sleeps()
    fake = FakeProvider().enqueue(RateLimitedError("429", retry_after=0.7), VALID)
    result = await generate_structured(fake, REQUEST, Small, retry=policy(sleeps))
    assert sleeps.waits == [0.7]
    assert [(a.kind, a.outcome) for a in result.attempts] == [
        ("initial", "rate_limited"),
        ("retry", "ok"),
    ]


async def test_backoff_wins_over_a_shorter_retry_after_and_max_caps_both() -> None:
    sleeps = Sleeps()
    fake = FakeProvider().enqueue(
        RateLimitedError("429", retry_after=0.001),
        RateLimitedError("429", retry_after=None),
        RateLimitedError("429", retry_after=60.0),
        VALID,
    )
    await generate_structured(fake, REQUEST, Small, retry=policy(sleeps, base_seconds=0.5))
    assert sleeps.waits == [0.5, 1.0, 2.0]


async def test_transient_errors_exhaust_retries_with_exponential_backoff() -> None:
    sleeps = Sleeps()
    fake = FakeProvider().enqueue(*[ProviderUnavailableError("503") for _ in range(4)], VALID)
    with pytest.raises(ProviderUnavailableError) as info:
        await generate_structured(fake, REQUEST, Small, retry=policy(sleeps))
    assert sleeps.waits == [0.01, 0.02, 0.04]
    attempts = info.value.details["attempts"]
    assert [a.kind for a in attempts] == ["initial", "retry", "retry", "retry"]
    assert fake.pending == 1


async def test_timeouts_are_retried() -> None:
    fake = FakeProvider().enqueue(ProviderTimeoutError("slow"), VALID)
    result = await generate_structured(fake, REQUEST, Small, retry=policy(Sleeps()))
    assert [a.outcome for a in result.attempts] == ["timeout", "ok"]
    assert result.attempts[0].error_type == "ProviderTimeoutError"


async def test_retries_inside_a_repair_are_counted_as_retries() -> None:
    fake = FakeProvider().enqueue("prose", RateLimitedError("429", retry_after=0), VALID)
    result = await generate_structured(fake, REQUEST, Small, retry=policy(Sleeps()))
    assert [(a.kind, a.outcome) for a in result.attempts] == [
        ("initial", "invalid_output"),
        ("repair", "rate_limited"),
        ("retry", "ok"),
    ]
    assert result.repaired
    assert fake.requests[1] == fake.requests[2]  # the retry resends the repair request


async def test_invalid_output_after_every_repair() -> None:
    fake = FakeProvider(usage=fixed_usage).enqueue("a", "b", "c", VALID)
    with pytest.raises(InvalidOutputError) as info:
        await generate_structured(fake, REQUEST, Small, max_repairs=2)
    exc = info.value
    assert "Small" in str(exc) and "2 repair" in str(exc) and "\n" not in str(exc)
    assert [a.kind for a in exc.details["attempts"]] == ["initial", "repair", "repair"]
    assert exc.details["usage"] == Usage(300, 30, 120)
    assert fake.pending == 1


async def test_no_repairs_when_max_repairs_is_zero() -> None:
    fake = FakeProvider().enqueue("{}")
    with pytest.raises(InvalidOutputError) as info:
        await generate_structured(fake, REQUEST, Small, max_repairs=0)
    assert "name" in str(info.value)
    assert len(fake.requests) == 1


async def test_postprocess_then_validate_extra_can_ask_for_a_repair() -> None:
    seen: list[int] = []

    def double(value: Small) -> Small:
        return value.model_copy(update={"count": value.count * 2})

    def at_least_ten(value: Small) -> list[str]:
        seen.append(value.count)
        return [] if value.count >= 10 else [f"$.count: {value.count} is below 10"]

    fake = FakeProvider().enqueue(VALID, json.dumps({"name": "ok", "count": 7}))
    result = await generate_structured(
        fake, REQUEST, Small, postprocess=double, validate_extra=at_least_ten
    )
    assert seen == [6, 14]
    assert result.value.count == 14
    assert "$.count: 6 is below 10" in fake.requests[1].user


async def test_on_attempt_may_be_sync_or_async() -> None:
    sync_seen: list[AttemptRecord] = []
    async_seen: list[AttemptRecord] = []

    async def record(attempt: AttemptRecord) -> None:
        async_seen.append(attempt)

    for callback in (sync_seen.append, record):
        fake = FakeProvider().enqueue(ProviderTimeoutError("t"), "prose", VALID)
        result = await generate_structured(
            fake, REQUEST, Small, retry=policy(Sleeps()), on_attempt=callback
        )
        assert len(result.attempts) == 3
    assert [a.index for a in sync_seen] == [0, 1, 2]
    assert [(a.kind, a.outcome) for a in async_seen] == [(a.kind, a.outcome) for a in sync_seen]


def test_retry_policy_from_settings_and_jitter() -> None:
    settings = Settings(llm_max_retries=5, llm_retry_base_seconds=0.2, llm_retry_max_seconds=3)
    retry = RetryPolicy.from_settings(settings)
    assert (retry.max_retries, retry.base_seconds, retry.max_seconds) == (5, 0.2, 3)
    for n in range(1, 8):
        exact = min(3.0, 0.2 * 2 ** (n - 1))
        assert exact / 2 <= retry.backoff(n) <= exact
