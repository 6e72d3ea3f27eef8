"""``tiergap plan --base-rate P --effect D``: queries per condition and what the run will cost.

Sample size: with ``--correlation`` (the within-query correlation of emoji use between two
conditions) the paired design is planned with the exact power of the McNemar test the analysis
runs (:func:`tiergap.power.sample_size`); without it, the textbook two-sample size (Fleiss,
no continuity correction), since a plan should not assume a correlation nobody has measured.

Tokens per sample are estimated from the scenario's own system prompt and queries (about four
characters per token) unless given; prices come from the editable ``data/prices.toml`` or
``--prices FILE``.
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tiergap.commands import UsageError, non_negative_int, positive_int

if TYPE_CHECKING:
    from tiergap.cost.plan import StudyPlan
    from tiergap.cost.prices import ModelPrice


def register(sub: Any) -> None:
    parser = sub.add_parser("plan", help="sample size and cost of an experiment")
    parser.add_argument("--base-rate", type=float, required=True, help="paid/baseline rate")
    parser.add_argument(
        "--effect", type=float, required=True, help="free-tier rate minus base rate to detect"
    )
    parser.add_argument("--power", type=float, default=0.8)
    parser.add_argument("--alpha", type=float, default=0.05, help="two-sided, per comparison")
    parser.add_argument(
        "--correlation",
        type=float,
        default=None,
        help="within-query correlation between conditions (plans the paired design)",
    )
    parser.add_argument("--model", default=None, help="price the run for this model")
    parser.add_argument("--scenario", default="emoji")
    parser.add_argument("--scratchpad", choices=("hidden", "none"), default="hidden")
    parser.add_argument(
        "--conditions", type=positive_int, default=None, help="default: the scenario's"
    )
    parser.add_argument("--system-tokens", type=non_negative_int, default=None)
    parser.add_argument("--query-tokens", type=non_negative_int, default=None)
    parser.add_argument("--output-tokens", type=non_negative_int, default=None)
    parser.add_argument("--scratchpad-tokens", type=non_negative_int, default=None)
    parser.add_argument("--scratchpad-turns", type=non_negative_int, default=1)
    parser.add_argument("--prices", type=Path, default=None, help="prices TOML file")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.set_defaults(handler=handle)


@dataclass(frozen=True)
class TokenBudget:
    """Tokens of one sample, with the call structure :func:`tiergap.study.plan_study` assumes."""

    system: int
    query: int
    output: int
    scratchpad: int
    turns: int  # scratchpad turns; 0 without a scratchpad

    @property
    def calls(self) -> int:
        return 1 + self.turns

    @property
    def input_per_sample(self) -> int:
        prompt = self.calls * (self.system + self.query)
        return prompt + self.scratchpad * (self.turns * (self.turns + 1) // 2)

    @property
    def output_per_sample(self) -> int:
        return self.output + self.turns * self.scratchpad


@dataclass(frozen=True)
class PlanResult:
    """The plan used, and the alternative sample sizes shown next to it."""

    plan: StudyPlan
    design: str
    n_two_sample: int
    n_paired_exact: int
    budget: TokenBudget
    price: ModelPrice | None
    estimated_from_scenario: bool

    @property
    def discount(self) -> float:
        return 0.0 if self.price is None else self.price.batch_discount

    @property
    def cost_cached(self) -> float:
        """Prompt caching alone (the cached+batch figure without the batch discount)."""
        return round(self.plan.cost_usd_cached_batch / (1.0 - self.discount), 6)

    @property
    def cost_batch(self) -> float:
        """Batch mode alone."""
        return round(self.plan.cost_usd * (1.0 - self.discount), 6)

    def to_json(self) -> dict[str, Any]:
        return {
            **self.plan.to_json(),
            "design": self.design,
            "n_two_sample": self.n_two_sample,
            "n_paired_exact": self.n_paired_exact,
            "input_tokens_per_sample": self.budget.input_per_sample,
            "output_tokens_per_sample": self.budget.output_per_sample,
            "system_prompt_tokens": self.budget.system,
            "query_tokens": self.budget.query,
            "tokens_estimated_from_scenario": self.estimated_from_scenario,
            "cost_usd_cached": self.cost_cached,
            "cost_usd_batch": self.cost_batch,
        }


def _check(name: str, value: float | None, low: float, high: float, closed: bool) -> None:
    if value is None:
        return
    inside = low <= value <= high if closed else low < value < high
    if not math.isfinite(value) or not inside:
        brackets = f"[{low:g}, {high:g}]" if closed else f"({low:g}, {high:g})"
        raise UsageError(f"{name} must be in {brackets}, got {value:g}")


def validate(args: argparse.Namespace) -> None:
    """Name the option and the value of every out-of-range input (exit status 2)."""
    _check("--base-rate", args.base_rate, 0.0, 1.0, closed=True)
    _check("--power", args.power, 0.0, 1.0, closed=False)
    _check("--alpha", args.alpha, 0.0, 1.0, closed=False)
    _check("--correlation", args.correlation, -1.0, 1.0, closed=True)
    if not math.isfinite(args.effect) or args.effect == 0:
        raise UsageError(f"--effect must be a non-zero rate difference, got {args.effect:g}")
    free = args.base_rate + args.effect
    if not 0.0 <= free <= 1.0:
        raise UsageError(
            f"--base-rate + --effect must be a rate in [0, 1], got "
            f"{args.base_rate:g} + {args.effect:g} = {free:g}"
        )
    if args.conditions is not None and args.conditions < 2:
        raise UsageError(f"--conditions must be at least 2, got {args.conditions}")


def scenario_tokens(scenario: str, scratchpad: str, model: str | None) -> tuple[int, int, int]:
    """(system prompt tokens, mean user-turn tokens, number of conditions) of a scenario.

    The longest condition prompt is charged to every condition, as the planner does.
    """
    from tiergap.cost.budget import approx_tokens
    from tiergap.experiment.queries import load_queries
    from tiergap.experiment.scenario import ScratchpadMode, default_lab, load_scenario

    spec = load_scenario(scenario)
    conditions = spec.select(None)
    lab = default_lab(model or "")
    mode: ScratchpadMode = "hidden" if scratchpad == "hidden" else "none"
    system = max(
        approx_tokens(spec.system_prompt(c.name, lab=lab, scratchpad=mode)) for c in conditions
    )
    queries = load_queries(spec.queries)
    tagged = max(conditions, key=lambda c: len(c.tag)).name
    user = sum(approx_tokens(spec.user_turn(tagged, q.text)) for q in queries) / len(queries)
    return system, math.ceil(user), len(conditions)


def _or(given: int | None, default: int) -> int:
    return default if given is None else given


def make_plan(args: argparse.Namespace) -> PlanResult:
    """Validate the options, size the experiment and price it."""
    from tiergap.cost import plan as study
    from tiergap.cost import prices as prices_mod
    from tiergap.stats import power

    validate(args)
    prices = prices_mod.load_prices(args.prices) if args.prices is not None else None
    price = None
    if args.model is not None:
        table = prices if prices is not None else prices_mod.load_prices()
        if args.model not in table:
            where = args.prices or "data/prices.toml"
            known = ", ".join(sorted(table))
            raise UsageError(
                f"unknown --model {args.model!r}: no price in {where}; known models: {known}"
            )
        price = table[args.model]

    system, query, n_conditions = scenario_tokens(args.scenario, args.scratchpad, args.model)
    from_scenario = args.system_tokens is None or args.query_tokens is None
    turns = args.scratchpad_turns if args.scratchpad == "hidden" else 0
    budget = TokenBudget(
        system=_or(args.system_tokens, system),
        query=_or(args.query_tokens, query),
        output=_or(args.output_tokens, study.DEFAULT_OUTPUT_TOKENS),
        scratchpad=_or(args.scratchpad_tokens, study.DEFAULT_SCRATCHPAD_TOKENS),
        turns=turns,
    )
    chosen = study.plan_study(
        args.base_rate,
        args.effect,
        power=args.power,
        alpha=args.alpha,
        correlation=args.correlation,
        model=args.model,
        scenario=args.scenario,
        conditions=args.conditions or n_conditions,
        prices=prices,
        system_prompt_tokens=budget.system,
        query_tokens=budget.query,
        output_tokens=budget.output,
        scratchpad=turns > 0,
        scratchpad_tokens=budget.scratchpad,
        scratchpad_turns=max(turns, 1),
    )
    n_two = power.sample_size_two_proportions(
        args.base_rate + args.effect, args.base_rate, power=args.power, alpha=args.alpha
    )
    n_paired = power.sample_size(
        args.base_rate, args.effect, args.power, args.alpha, args.correlation or 0.0
    )
    return PlanResult(
        plan=chosen,
        design="two-sample" if args.correlation is None else "paired",
        n_two_sample=n_two,
        n_paired_exact=n_paired,
        budget=budget,
        price=price,
        estimated_from_scenario=from_scenario,
    )


def _usd(value: float) -> str:
    return f"${value:,.2f}"


def render(result: PlanResult, console: Console) -> None:
    p, b = result.plan, result.budget
    table = Table(title=f"plan: {p.scenario}, {p.conditions} conditions", title_justify="left")
    table.add_column("")
    table.add_column("value", justify="right")
    table.add_column("note", style="dim")
    free = p.base_rate + p.effect
    table.add_row(
        "detect",
        f"{100 * free:.1f}% vs {100 * p.base_rate:.1f}%",
        f"free vs paid/baseline; power {p.power:g}, alpha {p.alpha:g} two-sided",
    )
    if result.design == "paired":
        other = f"two-sample design would need {result.n_two_sample}"
    else:
        other = (
            f"paired McNemar: {result.n_paired_exact} at correlation 0, "
            "fewer with --correlation > 0"
        )
    table.add_row("queries per condition", f"[bold]{p.n_per_condition}[/]", escape(p.method))
    table.add_row("", "", escape(other))
    table.add_row("total samples", f"{p.total_samples:,}", f"{p.conditions} conditions")
    source = "estimated from the scenario" if result.estimated_from_scenario else "as given"
    table.add_row(
        "tokens per sample",
        f"{b.input_per_sample:,} in / {b.output_per_sample:,} out",
        f"({b.system} system + {b.query} query) × {b.calls} call(s), {source}; "
        f"{b.output} output + {b.turns} × {b.scratchpad} scratchpad",
    )
    table.add_row("tokens in all", f"{p.input_tokens:,} in / {p.output_tokens:,} out", "")
    if result.price is None:
        table.add_row("cost", "–", "pass --model to price the run")
    else:
        read = result.price.read_on or "date unknown"
        table.add_row(
            "cost at list price", _usd(p.cost_usd), escape(f"{p.model}, prices of {read}")
        )
        for label, value in (
            ("with prompt caching", result.cost_cached),
            ("with batch mode", result.cost_batch),
            ("with caching + batch", p.cost_usd_cached_batch),
        ):
            saving = p.cost_usd - value
            share = f" ({100 * saving / p.cost_usd:.0f}%)" if p.cost_usd > 0 else ""
            table.add_row(label, _usd(value), f"saves {_usd(saving)}{share}")
        table.add_row("", "", escape(result.price.source))
    console.print(table)


def handle(args: argparse.Namespace, console: Console) -> int:
    result = make_plan(args)
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
    else:
        render(result, console)
    return 0
