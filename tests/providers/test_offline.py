"""OfflineProvider: the offline planner behind the provider interface, saying what it is."""

from __future__ import annotations

import json

from lessonplan.domain.models import DomainPlan, LearnerProfile
from lessonplan.planners.offline import load_catalog
from lessonplan.prompts.planner import build_planner_request
from lessonplan.providers import offline as offline_module
from lessonplan.providers.base import LLMRequest, Usage
from lessonplan.providers.offline import OfflineProvider


def test_it_says_plainly_it_is_not_an_llm() -> None:
    provider = OfflineProvider()
    assert provider.is_offline
    assert (provider.spec, provider.provider, provider.model) == (
        "offline",
        "offline",
        "offline-planner",
    )
    assert "offline planner" in provider.describe() and "not an LLM" in provider.describe()
    assert "NOT an LLM" in (offline_module.__doc__ or "")


async def test_plan_answer_validates_with_zero_usage() -> None:
    descriptor = load_catalog()[0]
    request = build_planner_request(descriptor, LearnerProfile.anonymous(), None, variant="compact")
    completion = await OfflineProvider().complete(request)
    plan = DomainPlan.model_validate_json(completion.text)
    assert plan.uid == descriptor.uid
    assert completion.usage == Usage()
    assert completion.provider == "offline"


async def test_task_and_inputs_are_read_from_the_prompt_when_absent() -> None:
    descriptor = load_catalog()[0]
    full = build_planner_request(descriptor, LearnerProfile.anonymous(), None, variant="compact")
    prose_only = LLMRequest(system=full.system, user=full.user, schema_name="DomainPlan")
    provider = OfflineProvider()
    a = await provider.complete(full)
    b = await provider.complete(prose_only)
    assert json.loads(a.text) == json.loads(b.text)
