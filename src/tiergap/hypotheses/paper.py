"""The paper's published figures, loaded from one package data file.

Keeping the figures as data (``tiergap/data/paper_results.toml``) rather than constants means
each observed value in the scorecard carries its source, sample size and caveats, and a
correction is a one-line data change.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

PAPER_RESOURCE = "paper_results.toml"
PAPER_CITATION = "Greenblatt et al. (2024), arXiv:2412.14093"

_REQUIRED = ("value", "unit", "quantity", "condition", "source", "reference", "derived", "note")
_OPTIONAL = ("se", "n", "n_note")


@dataclass(frozen=True)
class Figure:
    """One published figure.

    Attributes:
        key: Identifier within the data file.
        value: The figure, in ``unit``.
        unit: ``"%"``, ``"pp"`` or another stated unit.
        se: One standard error in ``unit``, if printed or derivable.
        n: Queries per condition, if stated.
        quantity: What was measured.
        condition: The setting it was measured in.
        source: Section, table or figure of the paper.
        reference: Section of the project's extraction ``paper-results.md``.
        derived: Whether computed here from printed numbers (``note`` says how).
        note: Caveats.
    """

    key: str
    value: float
    unit: str
    se: float | None
    n: int | None
    quantity: str
    condition: str
    source: str
    reference: str
    derived: bool
    note: str

    def cite(self) -> str:
        """Short citation, e.g. ``"Table 1; §3.2 (n=400)"``."""
        n = f", n={self.n}" if self.n is not None else ""
        derived = ", derived" if self.derived else ""
        return f"{self.source}{n}{derived}"


def _figure(key: str, table: dict[str, Any]) -> Figure:
    unknown = set(table) - set(_REQUIRED) - set(_OPTIONAL)
    missing = [k for k in _REQUIRED if k not in table]
    if unknown or missing:
        raise ValueError(
            f"{PAPER_RESOURCE}: figures.{key}: unknown {sorted(unknown)}, missing {missing}"
        )
    se = table.get("se")
    n = table.get("n")
    return Figure(
        key=key,
        value=float(table["value"]),
        unit=str(table["unit"]),
        se=None if se is None else float(se),
        n=None if n is None else int(n),
        quantity=str(table["quantity"]),
        condition=str(table["condition"]),
        source=str(table["source"]),
        reference=str(table["reference"]),
        derived=bool(table["derived"]),
        note=str(table["note"]),
    )


@cache
def load_paper_figures() -> dict[str, Figure]:
    """Return every figure in the package data file, keyed by figure key."""
    text = resources.files("tiergap").joinpath("data", PAPER_RESOURCE).read_text("utf-8")
    data = tomllib.loads(text)
    figures = data.get("figures", {})
    return {key: _figure(key, table) for key, table in figures.items()}
