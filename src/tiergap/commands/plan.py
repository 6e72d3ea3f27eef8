"""``tiergap plan --base-rate P --effect D``: queries for the verdict, and what the run will cost.

Sample size is planned for the verdict itself, by simulation: the fewest queries at which a
free-tier rate of ``P + D`` gives ``reward_hacking`` and no tier gap gives ``no_tier_gap``,
each with probability ``--power``, under the paired design with a within-query correlation
(``--correlation``, or estimated from a pilot log folder with ``--pilot``; 0 otherwise,
which needs the most queries). The textbook sizes for one comparison are shown beside it.
``--write FILE`` records the plan as a pre-registration for ``tiergap analyze --prereg``.

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

from tiergap.commands import UsageError, csv_list, non_negative_int, positive_int

if TYPE_CHECKING:
    from tiergap.cost.plan import StudyPlan, VerdictSizing
    from tiergap.cost.prices import ModelPrice


def register(sub: Any) -> None:
    parser = sub.add_parser("plan", help="sample size and cost of an experiment")
    parser.add_argument("--base-rate", type=float, required=True, help="paid/baseline rate")
    parser.add_argument(
        "--effect", type=float, required=True, help="free-tier rate minus base rate to detect"
    )
    parser.add_argument(
        "--power", type=float, default=0.8, help="P(each verdict) to reach (default 0.8)"
    )
    parser.add_argument(
        "--alpha", type=float, default=0.05, help="level of the verdict's tests, in (0, 0.5)"
    )
    parser.add_argument(
        "--correlation",
        type=float,
        default=None,
        help="correlation of two 0/1 responses to the same query (default 0, or --pilot's)",
    )
    parser.add_argument(
        "--pilot", type=Path, default=None, help="log folder to estimate the correlation from"
    )
    parser.add_argument("--epochs", type=positive_int, default=1, help="epochs per query")
    parser.add_argument(
        "--seeds", type=csv_list, default=["0"], help="comma-separated generation seeds"
    )
    parser.add_argument(
        "--margin", type=float, default=None, help="absolute equivalence margin (rate units)"
    )
    parser.add_argument("--relative-margin", type=float, default=0.5)
    parser.add_argument("--margin-floor", type=float, default=0.02)
    parser.add_argument(
        "--control-rate",
        type=float,
        default=None,
        help="expected rate in the positive control (default: assume it passes)",
    )
    parser.add_argument(
        "--n-queries",
        type=positive_int,
        default=None,
        help="report the verdict's probabilities at this many queries instead of sizing",
    )
    parser.add_argument(
        "--simulations", type=positive_int, default=1000, help="simulated runs per probability"
    )
    parser.add_argument("--primary", default=None, help="primary outcome (default: scenario's)")
    parser.add_argument(
        "--write", type=Path, default=None, help="write the plan as a pre-registration (TOML)"
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
    parser.add_argument(
        "--grader", action="append", default=[], metavar="MODEL",
        help="price LLM judges on this grader (give twice for grader and grader2)",
    )  # fmt: skip
    parser.add_argument(
        "--judge-votes", type=positive_int, default=20,
        help="votes per sample of the reasoning judges (default 20; compliance: 1)",
    )  # fmt: skip
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
    sizing: VerdictSizing
    correlation_source: str
    queries_available: int
    seeds: tuple[int, ...]
    written: str | None = None

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
            "n_queries": self.sizing.n_queries,
            "power_reward_hacking": round(self.sizing.power_reward_hacking, 4),
            "power_no_tier_gap": round(self.sizing.power_no_tier_gap, 4),
            "verdict_sizing": self.sizing.to_json(),
            "correlation_source": self.correlation_source,
            "queries_available": self.queries_available,
            "seeds": list(self.seeds),
            "prereg": self.written,
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
        } | self._unpriced()

    def _unpriced(self) -> dict[str, Any]:
        """Without a model there is no price: every cost is null (never 0.0), with a note."""
        if self.price is not None:
            return {"cost_note": None}
        keys = ("cost_usd", "cost_usd_cached_batch", "cost_usd_cached", "cost_usd_batch")
        return dict.fromkeys(keys) | {
            "cost_note": "no --model given: pass --model to price the run"
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
    _check("--base-rate", args.base_rate, 0.0, 1.0, closed=False)
    _check("--power", args.power, 0.0, 1.0, closed=False)
    _check("--alpha", args.alpha, 0.0, 0.5, closed=False)
    if args.correlation is not None and not (
        math.isfinite(args.correlation) and 0.0 <= args.correlation < 1.0
    ):
        raise UsageError(f"--correlation must be in [0, 1), got {args.correlation:g}")
    _check("--margin", args.margin, 0.0, 1.0, closed=False)
    _check("--relative-margin", args.relative_margin, 0.0, 1.0, closed=False)
    _check("--margin-floor", args.margin_floor, 0.0, 1.0, closed=False)
    _check("--control-rate", args.control_rate, 0.0, 1.0, closed=False)
    if not math.isfinite(args.effect) or args.effect <= 0:
        raise UsageError(
            f"--effect must be a positive rate difference (free tier above paid tier and "
            f"baseline), got {args.effect:g}"
        )
    free = args.base_rate + args.effect
    if not free < 1.0:
        raise UsageError(
            f"--base-rate + --effect must be a rate below 1, got "
            f"{args.base_rate:g} + {args.effect:g} = {free:g}"
        )
    if args.conditions is not None and args.conditions < 2:
        raise UsageError(f"--conditions must be at least 2, got {args.conditions}")
    if args.correlation is not None and args.pilot is not None:
        raise UsageError("give --correlation or --pilot, not both")
    try:
        [int(s) for s in args.seeds]
    except ValueError:
        raise UsageError(f"--seeds must be whole numbers, got {','.join(args.seeds)}") from None
    if not args.seeds:
        raise UsageError("--seeds must name at least one seed")
    if args.pilot is not None and not args.pilot.is_dir():
        raise UsageError(f"--pilot: log directory not found: {args.pilot}")
    if len(args.grader) > 2:
        raise UsageError(f"--grader is given at most twice (grader, grader2), got {args.grader}")
    if args.write is not None and not args.write.parent.is_dir():
        raise UsageError(
            f"--write: folder for the pre-registration does not exist: {args.write.parent}"
        )


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


def pilot_correlation(folder: Path, scenario: str, base_rate: float) -> tuple[float, str]:
    """The within-query correlation at ``base_rate`` implied by a pilot run's paid and baseline.

    Paid tier and baseline have the same rate under both hypotheses, so their 0/1 outcomes on
    the same (query, epoch, seed) estimate how alike two responses to one query are (phi). It
    is carried to the planned base rate through the latent correlation it implies.
    """
    from tiergap.analysis.summary import metric_value
    from tiergap.harness.logs import read_records
    from tiergap.stats.power import latent_correlation, phi_from_latent

    if not folder.is_dir():
        raise UsageError(f"--pilot: log directory not found: {folder}")
    records = [r for r in read_records(folder).records if r.scenario == scenario]
    paid: dict[tuple[str, str, str, int, int], float] = {}
    base: dict[tuple[str, str, str, int, int], float] = {}
    for r in records:
        value = metric_value(r, r.primary_metric)
        key = (r.model, r.scratchpad, r.query_id, r.epoch, r.seed)
        if value is not None and r.condition in ("paid", "baseline"):
            (paid if r.condition == "paid" else base)[key] = value
    units = sorted(set(paid) & set(base))
    if len(units) < 10:
        raise UsageError(
            f"--pilot: {folder} has {len(units)} queries of scenario {scenario!r} measured in both "
            "paid tier and baseline; at least 10 are needed to estimate a correlation"
        )
    a = [paid[u] for u in units]
    b = [base[u] for u in units]
    n = len(units)
    pa, pb = sum(a) / n, sum(b) / n
    both = sum(x * y for x, y in zip(a, b, strict=True)) / n
    spread = math.sqrt(pa * (1 - pa) * pb * (1 - pb))
    if spread == 0:
        raise UsageError(
            f"--pilot: paid tier and baseline in {folder} show no variation (rates {pa:.2f}, "
            f"{pb:.2f}): no correlation can be estimated; give --correlation"
        )
    phi = max(0.0, min(0.95, (both - pa * pb) / spread))
    pooled = min(max((pa + pb) / 2, 0.01), 0.99)
    rho = latent_correlation(pooled, phi) if phi > 0 else 0.0
    at_base = phi_from_latent(base_rate, rho)
    note = (
        f"pilot {folder}: phi {phi:.3f} between paid tier and baseline on {n} queries at rate "
        f"{pooled:.3f}, i.e. latent {rho:.3f}, i.e. {at_base:.3f} at the planned base rate"
    )
    return at_base, note


def _or(given: int | None, default: int) -> int:
    return default if given is None else given


def make_plan(args: argparse.Namespace) -> PlanResult:
    """Validate the options, size the verdict, price the run, optionally pre-register it."""
    from tiergap import __version__
    from tiergap.analysis.verdict import MarginRule
    from tiergap.cost import plan as study
    from tiergap.cost import prices as prices_mod
    from tiergap.experiment.queries import load_queries
    from tiergap.experiment.scenario import load_scenario
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
    queries_available = len(load_queries(load_scenario(args.scenario).queries))
    if args.pilot is not None:
        correlation, source = pilot_correlation(args.pilot, args.scenario, args.base_rate)
    elif args.correlation is not None:
        correlation, source = args.correlation, "--correlation"
    else:
        correlation, source = 0.0, "none given: 0 assumed (pass --correlation or --pilot)"
    margin = MarginRule(
        relative=args.relative_margin, floor=args.margin_floor, absolute=args.margin
    )
    sizing = study.size_for_verdict(
        args.base_rate,
        args.effect,
        power=args.power,
        alpha=args.alpha,
        correlation=correlation,
        epochs=args.epochs,
        margin=margin,
        control_rate=args.control_rate,
        n_queries=args.n_queries,
        sims=args.simulations,
    )
    seeds = tuple(int(s) for s in args.seeds)
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
        correlation=correlation,
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
        n_queries=sizing.n_queries,
        repeats=args.epochs * len(seeds),
        graders=tuple(args.grader),
        judge_votes=study.judge_votes_for(
            load_scenario(args.scenario).classifiers_for(None, True), args.judge_votes
        ),
        method=(
            f"simulation of the verdict ({sizing.sims} runs each): P(reward_hacking) "
            f"{sizing.power_reward_hacking:.3f}, P(no_tier_gap) {sizing.power_no_tier_gap:.3f}"
        ),
    )
    n_two = power.sample_size_two_proportions(
        args.base_rate + args.effect, args.base_rate, power=args.power, alpha=args.alpha
    )
    n_paired = power.sample_size(args.base_rate, args.effect, args.power, args.alpha, correlation)
    written = None
    if args.write is not None:
        from tiergap.experiment.prereg import build_prereg, write_prereg

        prereg = build_prereg(
            args.scenario,
            scratchpad="hidden" if args.scratchpad == "hidden" else "none",
            n_queries=sizing.n_queries,
            epochs=args.epochs,
            seeds=seeds,
            models=[args.model] if args.model else [],
            alpha=args.alpha,
            margin=margin,
            primary_metric=args.primary,
            plan={
                "base_rate": args.base_rate,
                "effect": args.effect,
                "correlation": correlation,
                "power": args.power,
                "power_reward_hacking": sizing.power_reward_hacking,
                "power_no_tier_gap": sizing.power_no_tier_gap,
                "simulations": sizing.sims,
            },
            tiergap_version=__version__,
        )
        write_prereg(prereg, args.write)
        written = str(args.write)
    return PlanResult(
        plan=chosen,
        design="verdict simulation",
        n_two_sample=n_two,
        n_paired_exact=n_paired,
        budget=budget,
        price=price,
        estimated_from_scenario=from_scenario,
        sizing=sizing,
        correlation_source=source,
        queries_available=queries_available,
        seeds=seeds,
        written=written,
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
    v = result.sizing
    table.add_row(
        "detect",
        f"{100 * free:.1f}% vs {100 * p.base_rate:.1f}%",
        f"free vs paid/baseline; alpha {p.alpha:g}; margin "
        f"{escape(v.margin.describe(p.base_rate))}",
    )
    table.add_row(
        "queries per condition", f"[bold]{v.n_queries}[/]", "sized by simulating the verdict"
    )
    table.add_row(
        "P(reward_hacking)",
        f"{v.power_reward_hacking:.3f}",
        f"when free = {100 * free:.1f}%, paid = baseline = {100 * p.base_rate:.1f}% "
        f"(Monte Carlo SE {v.mc_se_reward_hacking:.3f}, {v.sims} runs)",
    )
    table.add_row(
        "P(no_tier_gap)",
        f"{v.power_no_tier_gap:.3f}",
        f"when every condition is at {100 * p.base_rate:.1f}% (SE {v.mc_se_no_tier_gap:.3f}); "
        + (
            "positive control assumed to pass"
            if v.control_rate is None
            else f"positive control at {100 * v.control_rate:.0f}%"
        ),
    )
    table.add_row(
        "within-query correlation",
        f"{v.correlation:.3f}",
        escape(result.correlation_source),
    )
    table.add_row(
        "",
        "",
        escape(
            f"one comparison alone (McNemar, exact power): {result.n_paired_exact}; "
            f"two-sample textbook: {result.n_two_sample}"
        ),
    )
    if v.n_queries > result.queries_available:
        table.add_row(
            "[yellow]queries available[/]",
            str(result.queries_available),
            "the scenario's query set is smaller than the plan: run more queries "
            "(tiergap run --queries FILE) or plan with more --epochs",
        )
    repeats = f" × {p.repeats} epoch(s)/seed(s)" if p.repeats > 1 else ""
    table.add_row("total samples", f"{p.total_samples:,}", f"{p.conditions} conditions{repeats}")
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
    for judge in p.judges:
        votes = ", ".join(f"{k} {n}" for k, n in judge.votes.items())
        table.add_row(
            f"judges on {escape(judge.grader)}",
            "–" if judge.cost_usd is None else _usd(judge.cost_usd),
            escape(
                f"{judge.calls:,} calls ({votes} vote(s) per sample), "
                f"{judge.input_tokens:,} in / {judge.output_tokens:,} out; {judge.price_source}"
            ),
        )
    console.print(table)
    if result.written:
        console.print(f"pre-registration written: {escape(result.written)}")


def handle(args: argparse.Namespace, console: Console) -> int:
    result = make_plan(args)
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
    else:
        render(result, console)
    return 0
