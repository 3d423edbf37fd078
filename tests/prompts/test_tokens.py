"""Offline token counts and the prompt hash."""

from __future__ import annotations

from lessonplan.prompts.tokens import (
    TOKENS_PER_MESSAGE,
    TOKENS_REPLY_PRIMING,
    count_request_tokens,
    count_tokens,
    prompt_hash,
)
from lessonplan.providers.base import LLMRequest


def test_exact_counts_for_o200k() -> None:
    assert count_tokens("hello world") == 2
    assert count_tokens("The quick brown fox jumps over the lazy dog.") == 10
    assert count_tokens("") == 0


def test_model_names_pick_their_encoding() -> None:
    text = "薬を1日3回飲んでください。"
    assert count_tokens(text, "gpt-4o") == count_tokens(text, "gpt-4o-mini")
    assert count_tokens(text, "openai:gpt-4o-mini") == count_tokens(text, "gpt-4o-mini")
    assert count_tokens(text, "gpt-4o-mini-2024-07-18") == count_tokens(text, "gpt-4o")
    sample = "東京の桜がきれいです。" * 5
    assert count_tokens(sample, "gpt-4") != count_tokens(sample, "gpt-4o")  # cl100k_base
    assert count_tokens(sample, "gpt-3.5-turbo") == count_tokens(sample, "gpt-4")


def test_unknown_models_fall_back_to_o200k() -> None:
    text = "ラーメンを食べましょう"
    assert count_tokens(text, "anthropic:claude-sonnet-4") == count_tokens(text, "gpt-4o")
    assert count_tokens(text, "llama3.1:8b") == count_tokens(text, "gpt-4o")


def test_special_token_text_is_plain_text() -> None:
    assert count_tokens("<|endoftext|>") > 1


def test_request_tokens_add_message_framing() -> None:
    request = LLMRequest(system="You plan lessons.", user="hello world", schema_name="DomainPlan")
    overhead = 2 * TOKENS_PER_MESSAGE + TOKENS_REPLY_PRIMING
    assert count_request_tokens(request) == count_tokens("You plan lessons.") + 2 + overhead


def test_prompt_hash() -> None:
    a = LLMRequest(system="s", user="u", schema_name="DomainPlan")
    assert prompt_hash(a) == prompt_hash(
        LLMRequest(system="s", user="u", schema_name="X", task="t")
    )
    assert prompt_hash(a) != prompt_hash(
        LLMRequest(system="s", user="u2", schema_name="DomainPlan")
    )
    assert prompt_hash(a) != prompt_hash(LLMRequest(system="su", user="", schema_name="DomainPlan"))
    assert len(prompt_hash(a)) == 64
