"""Model prices and the cost of a call. A price is USD per million tokens.

Input tokens served from the provider's prompt cache are billed at the cached price (OpenAI: half
the input price, a quarter for the GPT-4.1 family; Anthropic: a tenth), and Anthropic bills
tokens written to its cache at 1.25 times the input price. Work sent through a provider's Batch
API (OpenAI Batch, Anthropic Message Batches) is billed at ``batch_share`` of every one of these
prices (both providers: half); the JSON table may set ``"batch_share"`` per model. The table is
a starting point; deployments override it with ``LESSONPLAN_PRICE_TABLE`` (JSON
``{"model": {"input": 0.15, "output": 0.6, "cached_input": 0.075, "cache_write": 0.1875}}``;
the last two are optional).
Unknown models cost 0 and are reported as such.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Price:
    input_per_mtok: float
    output_per_mtok: float
    cached_input_per_mtok: float | None = None  # None: the input price (no discount known)
    cache_write_per_mtok: float | None = None  # None: the input price
    batch_share: float = 0.5  # the share of every price a Batch API request pays

    def cost(
        self,
        prompt_tokens: int,
        completion_tokens: int,
        cached: int = 0,
        cache_write: int = 0,
        *,
        batch: bool = False,
    ) -> float:
        """USD for one call; ``cached`` and ``cache_write`` are parts of ``prompt_tokens``;
        ``batch``: the call went through a Batch API (billed at ``batch_share``)."""
        cached = max(0, min(cached, prompt_tokens))
        cache_write = max(0, min(cache_write, prompt_tokens - cached))
        plain = prompt_tokens - cached - cache_write
        read_price = (
            self.input_per_mtok
            if self.cached_input_per_mtok is None
            else (self.cached_input_per_mtok)
        )
        write_price = (
            self.input_per_mtok
            if self.cache_write_per_mtok is None
            else (self.cache_write_per_mtok)
        )
        share = self.batch_share if batch else 1.0
        return (
            share
            * (
                plain * self.input_per_mtok
                + cached * read_price
                + cache_write * write_price
                + completion_tokens * self.output_per_mtok
            )
            / 1_000_000
        )


def _openai(inp: float, out: float, cached_share: float = 0.5) -> Price:
    return Price(inp, out, cached_input_per_mtok=inp * cached_share)


def _anthropic(inp: float, out: float) -> Price:
    return Price(inp, out, cached_input_per_mtok=inp * 0.1, cache_write_per_mtok=inp * 1.25)


DEFAULT_PRICES: dict[str, Price] = {
    "gpt-4o-mini": _openai(0.15, 0.60),
    "gpt-4o": _openai(2.50, 10.00),
    "gpt-4.1-mini": _openai(0.40, 1.60, 0.25),
    "gpt-4.1": _openai(2.00, 8.00, 0.25),
    "claude-3-5-haiku-latest": _anthropic(0.80, 4.00),
    "claude-sonnet-4-5": _anthropic(3.00, 15.00),
    "claude-haiku-4-5": _anthropic(1.00, 5.00),
    "offline-planner": Price(0.0, 0.0),
}


class PriceTable:
    def __init__(self, prices: dict[str, Price] | None = None) -> None:
        self.prices = dict(DEFAULT_PRICES if prices is None else prices)

    @classmethod
    def from_json(cls, text: str) -> PriceTable:
        """Defaults overridden by a JSON object; raises ValueError naming a bad entry."""
        table = cls()
        if not text.strip():
            return table
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("the price table must be a JSON object of model -> {input, output}")
        for model, entry in data.items():
            try:
                table.prices[model] = Price(
                    float(entry["input"]),
                    float(entry["output"]),
                    _optional(entry, "cached_input"),
                    _optional(entry, "cache_write"),
                    float(entry.get("batch_share", 0.5)),
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise ValueError(
                    f"price table entry {model!r} needs numeric input and output"
                ) from exc
        return table

    def price(self, model: str) -> Price | None:
        if model in self.prices:
            return self.prices[model]
        # "gpt-4o-mini-2024-07-18" is priced as "gpt-4o-mini": longest known prefix wins.
        best = max((m for m in self.prices if model.startswith(m)), key=len, default=None)
        return self.prices[best] if best else None

    def cost(
        self,
        model: str,
        prompt_tokens: int,
        completion_tokens: int,
        cached: int = 0,
        cache_write: int = 0,
        *,
        batch: bool = False,
    ) -> float:
        price = self.price(model)
        if price is None:
            return 0.0
        return price.cost(prompt_tokens, completion_tokens, cached, cache_write, batch=batch)


def _optional(entry: dict[str, Any], name: str) -> float | None:
    value = entry.get(name)
    return None if value is None else float(value)
