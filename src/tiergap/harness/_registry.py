"""inspect entry point: importing this registers tiergap's tasks and model providers."""

from tiergap.harness.providers import TiergapAPI
from tiergap.harness.tasks import emoji, experiment

__all__ = ["TiergapAPI", "emoji", "experiment"]
