"""How the CLI prints a lesson for a teacher: everything needed to teach it, readable."""

from __future__ import annotations

from typing import Any

import pytest
from rich.console import Console

from lessonplan.cli.render import lesson_view, ruby
from lessonplan.domain.lesson import STAGES, Lesson, StageRecord, TargetText
from lessonplan.domain.models import CanDoDescriptor, LearnerProfile, PrelessonKit
from lessonplan.japanese import annotate_stage
from lessonplan.planners.offline import OfflinePlanner, load_catalog
from lessonplan.planners.offline.library import authored_lesson

PLANNER = OfflinePlanner()


def lesson_for(descriptor: CanDoDescriptor) -> Lesson:
    profile, kit = LearnerProfile.anonymous(), PrelessonKit()
    plan = PLANNER.plan(descriptor, profile, kit)
    args: dict[str, Any] = {"plan": plan, "descriptor": descriptor, "profile": profile}
    content = PLANNER.content(**args, kit=kit)
    stages = {
        "content": content,
        "comprehension": PLANNER.comprehension(**args, content=content),
        "production": PLANNER.production(**args, kit=kit),
        "interaction": PLANNER.interaction(**args, kit=kit),
    }
    records = {
        name: StageRecord(
            status="done", data=annotate_stage(name, stages[name]).model_dump(mode="json")
        )
        for name in STAGES
    }
    return Lesson(
        lesson_id="L-test",
        version=1,
        can_do_id=descriptor.uid,
        learner_id="anonymous",
        profile_hash="p",
        kit_hash="k",
        plan_version=1,
        plan=plan,
        plan_source="offline",
        stages=records,  # type: ignore[arg-type]
    )


def printed(lesson: Lesson, **options: Any) -> str:
    console = Console(record=True, width=200, color_system=None)
    console.print(lesson_view(lesson, **options))
    return console.export_text()


def test_ruby_puts_each_kanji_reading_after_its_run() -> None:
    [text] = [annotate_stage("content", _content_with("薬を飲んでください。")).phrases[0]]
    assert ruby(text) == "薬[くすり]を飲[の]んでください。"
    assert ruby(TargetText(surface="はい")) == "はい"


def _content_with(surface: str) -> Any:
    descriptor = next(d for d in load_catalog() if d.uid == "JF:105")
    content = lesson_for(descriptor).stage_data("content")
    assert content is not None
    return content.model_copy(update={"phrases": [TargetText(surface=surface)]})


def test_a_teacher_sees_the_whole_authored_lesson() -> None:
    descriptor = next(d for d in load_catalog() if d.uid == "JF:105")
    authored = authored_lesson("JF:105")
    if authored is None:
        pytest.skip("JF:105 has no authored lesson")
    out = printed(lesson_for(descriptor))
    assert "Objective: Understanding a doctor's" in out
    assert f"目標: {authored.function_ja}" in out
    assert "薬[くすり] — medicine  [N5]" in out
    assert "gf_001 〜てください" in out and "例:" in out
    first = authored.dialogues[0].turns[0]
    assert f"Dialogue: {authored.dialogues[0].scenario}" in out
    assert f"{first.speaker} (polite):" in out and first.translation in out
    assert f"Reading: {authored.reading.title} ({authored.reading.title_en})" in out
    q = authored.comprehension[0]
    assert q.question in out and f"→ {q.answer}" in out
    assert "[dialogue, true/false]" in out and "[gf_001]" in out
    assert "model: " in out and authored.production[0].model_answer.translation in out
    rp = authored.role_plays[0]
    assert "Learner card" in out and rp.goal in out and "Partner card" in out
    assert rp.success_criteria[0] in out
    # the card is headed by its own situation, not by the dialogue's scenario it builds on
    assert rp.scenario != authored.dialogues[0].scenario
    assert f"r1 {rp.scenario} (polite)" in out
    assert f"r1 {authored.dialogues[0].scenario}" not in out


def test_romaji_instead_of_furigana() -> None:
    descriptor = next(d for d in load_catalog() if d.uid == "JF:105")
    out = printed(lesson_for(descriptor), romaji=True)
    assert "kusuri" in out and "[くすり]" not in out


def test_a_vocabulary_and_grammar_lesson_says_what_it_is() -> None:
    imported = CanDoDescriptor(
        uid="USER:9",
        level="A2",
        description_en="Can ask where things are in a supermarket.",
        primary_topic_en="Shopping",
    )
    out = printed(lesson_for(imported))
    assert "Vocabulary-and-grammar lesson: no authored dialogue" in out
    assert "Dialogue:" not in out
    assert "Reading: 例文 (Example sentences (Tatoeba))" in out
    assert "improvise" in out
