"""The paper's published figures, loaded from one package data file (or a user's copy).

Keeping the figures as data (``tiergap/data/paper_results.toml``) rather than constants means
each observed value carries its source, sample size, setting and caveats, and a correction is a
one-line data change. A figure is a *count* (percent of n queries: the likelihood is binomial),
an *estimate* (percent with a standard error whose basis is stated), or *derived* from other
figures by an expression evaluated when the file is loaded, with a delta-method standard error:
editing an input moves every figure derived from it.
"""

from __future__ import annotations

import ast
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

PAPER_RESOURCE = "paper_results.toml"
PAPER_CITATION = "Greenblatt et al. (2024), arXiv:2412.14093"
Kind = Literal["count", "estimate", "derived"]
_SETTINGS = ("prompted", "synthetic_document", "rl")
_COMMON = ("unit", "quantity", "condition", "setting", "source", "reference", "note")
_PRIMARY = ("percent", "se", "n", "se_basis")
_DERIVED = ("derived", "printed", "printed_se", "within")
#: How far a derived value may sit from what the paper prints (rounding of the inputs).
_PRINTED_TOLERANCE = 0.25


class FigureError(ValueError):
    """A figures file has a missing or unknown field, a bad value or a broken derivation."""


@dataclass(frozen=True)
class Figure:
    """One published figure.

    Attributes:
        key: Identifier within the data file.
        kind: ``"count"``, ``"estimate"`` or ``"derived"``.
        value: The figure, in ``unit`` (computed, for a derived figure).
        se: One standard error in ``unit``: binomial for a count, stated for an estimate,
            delta method for a derived figure.
        n: Queries per condition (counts only).
        unit: ``"%"``, ``"pp"`` or another stated unit.
        setting: ``"prompted"``, ``"synthetic_document"`` or ``"rl"``.
        quantity, condition, source, reference, note: What, where and caveats.
        se_basis: Where the SE of an estimate comes from.
        expression: The derivation of a derived figure.
        inputs: The primary figures a derived figure depends on.
        printed: What the paper prints for a derived figure, if anything.
    """

    key: str
    kind: Kind
    value: float
    se: float
    n: int | None
    unit: str
    setting: str
    quantity: str
    condition: str
    source: str
    reference: str
    note: str
    se_basis: str = ""
    expression: str = ""
    inputs: tuple[str, ...] = ()
    printed: float | None = None

    @property
    def derived(self) -> bool:
        return self.kind == "derived"

    @property
    def k(self) -> float:
        """Effective count of a count figure: ``value / 100 * n``."""
        if self.n is None:
            raise FigureError(f"figures.{self.key} is not a count")
        return self.value / 100.0 * self.n

    def cite(self) -> str:
        """Short citation, e.g. ``"Table 1; §3.2 (n=400)"``."""
        n = f", n={self.n}" if self.n is not None else ""
        derived = ", derived" if self.derived else ""
        return f"{self.source}{n}{derived}"


def _check_fields(key: str, table: Mapping[str, Any], source: str) -> None:
    allowed = set(_COMMON) | (set(_DERIVED) if "derived" in table else set(_PRIMARY))
    unknown = sorted(set(table) - allowed)
    missing = [k for k in _COMMON if k not in table]
    if "derived" not in table and "percent" not in table:
        missing.append("percent (or derived)")
    if unknown or missing:
        raise FigureError(f"{source}: figures.{key}: unknown {unknown}, missing {missing}")
    if table["setting"] not in _SETTINGS:
        raise FigureError(
            f"{source}: figures.{key}.setting = {table['setting']!r}; expected one of "
            f"{', '.join(_SETTINGS)}"
        )


def _number(key: str, field: str, value: Any, source: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise FigureError(f"{source}: figures.{key}.{field} must be a finite number, got {value!r}")
    return float(value)


def _primary(key: str, table: Mapping[str, Any], source: str) -> Figure:
    percent = _number(key, "percent", table["percent"], source)
    n_raw = table.get("n")
    se_raw = table.get("se")
    if n_raw is None and se_raw is None:
        raise FigureError(
            f"{source}: figures.{key} has neither n nor se: a likelihood needs the number of "
            "queries (n) or a standard error (se, with se_basis)"
        )
    n: int | None = None
    if n_raw is not None:
        if isinstance(n_raw, bool) or not isinstance(n_raw, int) or n_raw <= 0:
            raise FigureError(
                f"{source}: figures.{key}.n must be a positive integer, got {n_raw!r}"
            )
        n = n_raw
        if not 0.0 <= percent <= 100.0:
            raise FigureError(f"{source}: figures.{key}.percent = {percent:g} is not in [0, 100]")
        p = percent / 100.0
        se = 100.0 * math.sqrt(p * (1.0 - p) / n)
        kind: Kind = "count"
        basis = "binomial"
    else:
        se = _number(key, "se", se_raw, source)
        if se <= 0:
            raise FigureError(f"{source}: figures.{key}.se must be > 0 without n, got {se:g}")
        if not str(table.get("se_basis", "")).strip():
            raise FigureError(
                f"{source}: figures.{key} has se but no n and no se_basis: say whether the SE is "
                "printed or how it was assumed"
            )
        kind = "estimate"
        basis = str(table["se_basis"])
    return Figure(
        key=key,
        kind=kind,
        value=percent,
        se=se,
        n=n,
        se_basis=basis,
        **_describe(table),
    )


def _describe(table: Mapping[str, Any]) -> dict[str, Any]:
    return {k: str(table[k]) for k in _COMMON}


class _Expression:
    """A derivation over figure keys: numbers, names, + - * / and parentheses only."""

    def __init__(self, key: str, text: str, source: str) -> None:
        self.key = key
        self.text = text
        try:
            self.tree = ast.parse(text, mode="eval").body
        except SyntaxError:
            raise FigureError(
                f"{source}: figures.{key}.derived = {text!r} is not an expression"
            ) from None
        self.names: list[str] = []
        self._check(self.tree, source)

    def _check(self, node: ast.AST, source: str) -> None:
        if isinstance(node, ast.BinOp) and isinstance(
            node.op, ast.Add | ast.Sub | ast.Mult | ast.Div
        ):
            self._check(node.left, source)
            self._check(node.right, source)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            self._check(node.operand, source)
        elif isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return
        elif isinstance(node, ast.Name):
            self.names.append(node.id)
        else:
            raise FigureError(
                f"{source}: figures.{self.key}.derived = {self.text!r}: only figure names, "
                "numbers, + - * / and parentheses are allowed"
            )

    def evaluate(self, values: Mapping[str, float]) -> float:
        def walk(node: ast.AST) -> float:
            if isinstance(node, ast.BinOp):
                a, b = walk(node.left), walk(node.right)
                if isinstance(node.op, ast.Add):
                    return a + b
                if isinstance(node.op, ast.Sub):
                    return a - b
                if isinstance(node.op, ast.Mult):
                    return a * b
                return a / b if b != 0 else math.nan
            if isinstance(node, ast.UnaryOp):
                return -walk(node.operand)
            if isinstance(node, ast.Constant):
                assert isinstance(node.value, int | float)
                return float(node.value)
            assert isinstance(node, ast.Name)
            return values[node.id]

        return walk(self.tree)


def parse_figures(data: Mapping[str, Any], source: str) -> dict[str, Figure]:
    """Validate a figures table and compute every derived figure.

    Raises:
        FigureError: naming the file, the figure and the field.
    """
    tables = data.get("figures")
    if not isinstance(tables, dict) or not tables:
        raise FigureError(f"{source}: no [figures.*] tables")
    figures: dict[str, Figure] = {}
    pending: dict[str, _Expression] = {}
    for key, table in tables.items():
        if not isinstance(table, dict):
            raise FigureError(f"{source}: figures.{key} must be a table")
        _check_fields(key, table, source)
        if "derived" in table:
            pending[key] = _Expression(key, str(table["derived"]), source)
        else:
            figures[key] = _primary(key, table, source)
    while pending:
        ready = [k for k, e in pending.items() if all(n in figures for n in e.names)]
        if not ready:
            broken = sorted(pending)
            missing = sorted({n for e in pending.values() for n in e.names if n not in tables})
            why = f"unknown figure(s) {missing}" if missing else "a cycle"
            raise FigureError(f"{source}: cannot derive {broken}: {why}")
        for key in ready:
            figures[key] = _derive(key, pending.pop(key), tables[key], figures, source)
    return figures


def _leaves(names: list[str], figures: Mapping[str, Figure]) -> list[str]:
    out: list[str] = []
    for name in names:
        figure = figures[name]
        for leaf in figure.inputs if figure.derived else (name,):
            if leaf not in out:
                out.append(leaf)
    return out


def _derive(
    key: str,
    expression: _Expression,
    table: Mapping[str, Any],
    figures: Mapping[str, Figure],
    source: str,
) -> Figure:
    values = {name: figures[name].value for name in expression.names}
    value = expression.evaluate(values)
    if not math.isfinite(value):
        raise FigureError(f"{source}: figures.{key}.derived = {expression.text!r} is not finite")
    # Delta method over the primary figures, through any intermediate derived ones.
    leaves = _leaves(expression.names, figures)

    def at(leaf_values: Mapping[str, float]) -> float:
        resolved = {}
        for name in expression.names:
            figure = figures[name]
            if figure.derived:
                inner = _Expression(name, figure.expression, source)
                sub = {n: _resolve(n, leaf_values, figures, source) for n in inner.names}
                resolved[name] = inner.evaluate(sub)
            else:
                resolved[name] = leaf_values[name]
        return expression.evaluate(resolved)

    base = {leaf: figures[leaf].value for leaf in leaves}
    variance = 0.0
    for leaf in leaves:
        step = 1e-4 * max(1.0, abs(base[leaf]))
        up = at({**base, leaf: base[leaf] + step})
        down = at({**base, leaf: base[leaf] - step})
        variance += ((up - down) / (2 * step) * figures[leaf].se) ** 2
    se = math.sqrt(variance)
    within = table.get("within")
    if within is not None:
        se = _within_se(key, value, str(within), figures, source)
    printed = table.get("printed")
    if printed is not None:
        printed = _number(key, "printed", printed, source)
        if abs(value - printed) > max(_PRINTED_TOLERANCE, 0.02 * abs(printed)):
            raise FigureError(
                f"{source}: figures.{key}: derived value {value:.2f} ({expression.text}) differs "
                f"from the printed {printed:g}; check its inputs"
            )
    return Figure(
        key=key,
        kind="derived",
        value=value,
        se=se,
        n=None,
        expression=expression.text,
        inputs=tuple(leaves),
        printed=printed,
        **_describe(table),
    )


def _within_se(
    key: str, value: float, within: str, figures: Mapping[str, Figure], source: str
) -> float:
    """Binomial SE of a percentage of the transcripts another figure counts.

    A share of a subset (alignment-faking reasoning among compliant outputs) is a proportion of
    that subset's transcripts; the delta method over independent inputs would ignore that the
    numerator's transcripts are among the denominator's.
    """
    figure = figures.get(within)
    if figure is None:
        raise FigureError(f"{source}: figures.{key}.within names unknown figure {within!r}")
    counts = [figures[leaf] for leaf in (figure.inputs if figure.derived else (within,))]
    if len(counts) != 1 or counts[0].n is None:
        raise FigureError(
            f"{source}: figures.{key}.within = {within!r} must be a count or derived from one"
        )
    n = figure.value / 100.0 * counts[0].n
    if n <= 0:
        raise FigureError(f"{source}: figures.{key}.within = {within!r} counts no transcripts")
    share = min(max(value / 100.0, 0.0), 1.0)
    return 100.0 * math.sqrt(share * (1.0 - share) / n)


def _resolve(
    name: str, leaf_values: Mapping[str, float], figures: Mapping[str, Figure], source: str
) -> float:
    figure = figures[name]
    if not figure.derived:
        return leaf_values[name]
    inner = _Expression(name, figure.expression, source)
    return inner.evaluate({n: _resolve(n, leaf_values, figures, source) for n in inner.names})


def figures_text(path: Path | None = None) -> str:
    """The text of a figures file (the packaged one by default)."""
    if path is None:
        return resources.files("tiergap").joinpath("data", PAPER_RESOURCE).read_text("utf-8")
    try:
        return path.read_text("utf-8")
    except OSError as exc:
        raise FigureError(f"{path}: cannot read figures file: {exc}") from exc


def load_figures(path: Path | None = None) -> dict[str, Figure]:
    """Figures from ``path`` (the packaged file by default)."""
    source = PAPER_RESOURCE if path is None else str(path)
    try:
        data = tomllib.loads(figures_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise FigureError(f"{source}: not valid TOML: {exc}") from exc
    return parse_figures(data, source)


@cache
def load_paper_figures() -> dict[str, Figure]:
    """Return every figure in the package data file, keyed by figure key."""
    return load_figures(None)
