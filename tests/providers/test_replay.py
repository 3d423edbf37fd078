"""ReplayProvider: the recorded plans, their invented uid intact until the system normalises."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lessonplan.domain.models import CanDoDescriptor, DomainPlan, normalize_plan
from lessonplan.errors import ConfigurationError
from lessonplan.planners.generate import generate_structured
from lessonplan.providers.base import LLMRequest
from lessonplan.providers.replay import ReplayProvider, default_fixtures_dir


def plan_request(uid: str) -> LLMRequest:
    return LLMRequest(
        system="TARGET_SCHEMA: DomainPlan",
        user="",
        schema_name="DomainPlan",
        task="plan",
        inputs={"descriptor": {"uid": uid}},
    )


def descriptor(stem: str) -> CanDoDescriptor:
    directory = default_fixtures_dir()
    assert directory is not None
    text = (Path(directory) / f"{stem}.cando.json").read_text(encoding="utf-8")
    return CanDoDescriptor.model_validate(json.loads(text))


def test_recordings_are_indexed_by_descriptor_uid() -> None:
    provider = ReplayProvider()
    assert {"JF:105", "JF:106", "JFまるごと:14"} <= set(provider.plans)
    assert provider.spec == "replay" and not provider.is_offline


@pytest.mark.parametrize(
    ("stem", "uid"), [("jf-105", "JF:105"), ("jfmarugoto-14", "JFまるごと:14")]
)
async def test_recorded_plan_validates_and_is_normalised_by_the_system(stem: str, uid: str) -> None:
    provider = ReplayProvider()
    completion = await provider.complete(plan_request(uid))
    directory = default_fixtures_dir()
    assert directory is not None
    assert completion.text == (Path(directory) / f"{stem}.plan.json").read_text(encoding="utf-8")
    raw = DomainPlan.model_validate_json(completion.text)
    assert raw.uid == "12345"
    plan = normalize_plan(raw, descriptor(stem))
    assert plan.uid == uid
    assert plan.level == descriptor(stem).level


async def test_jf105_through_generate_structured() -> None:
    d = descriptor("jf-105")
    result = await generate_structured(
        ReplayProvider(),
        plan_request("JF:105"),
        DomainPlan,
        postprocess=lambda p: normalize_plan(p, d),
    )
    assert result.value.uid == "JF:105"
    assert result.value.level == "A1"  # the recording says A2
    assert result.value.grammar_ids()[0] == "gf_001"
    assert json.loads(result.raw_text)["uid"] == "12345"
    assert (result.provider, result.usage.prompt_tokens) == ("replay", 0)


def test_missing_directory_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="LESSONPLAN_FIXTURES_DIR"):
        ReplayProvider(tmp_path / "nowhere")


def test_fixtures_dir_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "x.cando.json").write_text(json.dumps({"uid": "X:1"}), encoding="utf-8")
    (tmp_path / "x.plan.json").write_text("{}", encoding="utf-8")
    monkeypatch.setenv("LESSONPLAN_FIXTURES_DIR", str(tmp_path))
    assert ReplayProvider().plans == {"X:1": "{}"}
