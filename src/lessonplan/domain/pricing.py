"""Model prices and the cost of a call. A price is USD per million tokens (input, output).

The table is a starting point; deployments override it with ``LESSONPLAN_PRICE_TABLE`` (JSON
``{"model": {"input": 0.15, "output": 0.6}}``). Unknown models cost 0 and are reported as such.
"""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Price:
    input_per_mtok: float
    output_per_mtok: float


DEFAULT_PRICES: dict[str, Price] = {
    "gpt-4o-mini": Price(0.15, 0.60),
    "gpt-4o": Price(2.50, 10.00),
    "gpt-4.1-mini": Price(0.40, 1.60),
    "gpt-4.1": Price(2.00, 8.00),
    "claude-3-5-haiku-latest": Price(0.80, 4.00),
    "claude-sonnet-4-5": Price(3.00, 15.00),
    "claude-haiku-4-5": Price(1.00, 5.00),
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
                table.prices[model] = Price(float(entry["input"]), float(entry["output"]))
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

    def cost(self, model: str, prompt_tokens: int, completion_tokens: int) -> float:
        price = self.price(model)
        if price is None:
            return 0.0
        return (
            prompt_tokens * price.input_per_mtok + completion_tokens * price.output_per_mtok
        ) / 1_000_000
