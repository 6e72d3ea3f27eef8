"""Model prices (USD per million tokens) from the editable table ``data/prices.toml``."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

# --------------------------------------------------------------------------------------------
# Prices
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelPrice:
    """Prices for one model in USD per million tokens.

    Attributes:
        model: Model name as used by tiergap (``provider/model``).
        input, output: Ordinary input and output prices.
        cache_read, cache_write: Prompt-cache read and write prices.
        batch_discount: Fraction taken off all prices under the batch API (0.5 = half price).
        read_on: Date the prices were read (ISO string) or None.
        source: Where the prices come from.
    """

    model: str
    input: float
    output: float
    cache_read: float
    cache_write: float
    batch_discount: float
    read_on: str | None
    source: str


_PRICE_FIELDS = ("input", "output", "cache_read", "cache_write", "batch_discount")


def _parse_price(model: str, entry: Mapping[str, Any]) -> ModelPrice:
    values: dict[str, float] = {}
    for name in _PRICE_FIELDS:
        if name not in entry:
            raise ValueError(f"price entry for {model!r} is missing {name!r}")
        value = entry[name]
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ValueError(f"{model!r}: {name} must be a number >= 0, got {value!r}")
        values[name] = float(value)
    if values["batch_discount"] >= 1.0:
        raise ValueError(
            f"{model!r}: batch_discount must be in [0, 1), got {values['batch_discount']!r}"
        )
    read_on = entry.get("read_on")
    return ModelPrice(
        model=model,
        read_on=None if read_on is None else str(read_on),
        source=str(entry.get("source", "")),
        **values,
    )


def load_prices(path: str | Path | None = None) -> dict[str, ModelPrice]:
    """Read a prices TOML file (default: the packaged ``tiergap/data/prices.toml``).

    The file holds one ``[models."provider/name"]`` table per model with the fields of
    :class:`ModelPrice`.
    """
    if path is None:
        text = (resources.files("tiergap") / "data" / "prices.toml").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    data = tomllib.loads(text)
    models = data.get("models")
    if not isinstance(models, dict) or not models:
        raise ValueError(f"prices file {path or 'prices.toml'} has no [models.*] tables")
    return {name: _parse_price(name, entry) for name, entry in models.items()}


def get_price(model: str, prices: Mapping[str, ModelPrice] | None = None) -> ModelPrice:
    """Prices for ``model``; ValueError naming the model and the known ones if it is missing."""
    table = load_prices() if prices is None else prices
    if model not in table:
        known = ", ".join(sorted(table))
        raise ValueError(f"unknown model {model!r}: no price entry; known models: {known}")
    return table[model]
