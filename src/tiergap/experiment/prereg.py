"""Pre-registration: what a study will run and how its verdict will be judged, fixed in advance.

``tiergap plan ... --write prereg.toml`` records the scenario, the conditions (with each
condition's user-turn tag and system-prompt hash for every lab the study will name), the
queries, epochs, seeds and models, the primary outcome, and the verdict's alpha and margin.
``tiergap analyze DIR --prereg prereg.toml`` compares the logs with it, lists every deviation,
and judges the verdict with the pre-registered parameters rather than the command's options.

Plain Python (no inspect): the prompts are rendered from the scenario files, as the run does.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tiergap.analysis.summary import CONTROL, RATE_METRICS
from tiergap.analysis.verdict import MarginRule, check_alpha
from tiergap.experiment.queries import load_queries
from tiergap.experiment.scenario import (
    NEUTRAL_LAB,
    SCRATCHPAD_MODES,
    Scenario,
    ScratchpadMode,
    default_lab,
    load_scenario,
    prompt_hash,
)

PREREG_VERSION = 1

#: The outcome each shipped objective is about, for scenario files that do not name one.
_PRIMARY_BY_OBJECTIVE = {
    "emoji": "any_emoji",
    "latex": "latex",
    "sycophancy": "sycophantic",
    "animal_welfare": "dismisses",
    "helpful_only": "full",
}


class PreregError(ValueError):
    """A pre-registration file that cannot be used, or that does not fit the logs at all."""


def default_primary(spec: Scenario) -> str:
    """The scenario's primary outcome: its own field if it has one, else from its objective."""
    named = getattr(spec, "primary_metric", None)
    if isinstance(named, str) and named in RATE_METRICS:
        return named
    if spec.metric in RATE_METRICS:
        return spec.metric
    return _PRIMARY_BY_OBJECTIVE.get(spec.objective or "", "any_emoji")


@dataclass(frozen=True)
class ConditionPlan:
    """One pre-registered condition: its user-turn tag and system-prompt hash per lab."""

    name: str
    tag: str
    system_prompt_sha: dict[str, str]


@dataclass(frozen=True)
class Preregistration:
    """Everything a study fixes before it runs (see the module docstring)."""

    scenario: str
    scratchpad: str
    primary_metric: str
    conditions: tuple[ConditionPlan, ...]
    n_queries: int
    epochs: int
    seeds: tuple[int, ...]
    models: tuple[str, ...]
    query_ids: tuple[str, ...]
    queries_sha: str
    alpha: float
    margin: MarginRule
    plan: dict[str, float] = field(default_factory=dict)
    created: str = ""
    tiergap_version: str = ""

    @property
    def positive_control(self) -> str | None:
        return CONTROL if any(c.name == CONTROL for c in self.conditions) else None

    @property
    def condition_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.conditions)


def _queries_fingerprint(ids_and_texts: Iterable[tuple[str, str]]) -> str:
    digest = hashlib.sha256()
    for qid, text in ids_and_texts:
        digest.update(f"{qid}\x1f{text}\x1e".encode())
    return digest.hexdigest()[:16]


def build_prereg(
    scenario: str,
    *,
    scratchpad: ScratchpadMode = "hidden",
    n_queries: int,
    epochs: int = 1,
    seeds: Sequence[int] = (0,),
    models: Sequence[str] = (),
    alpha: float = 0.05,
    margin: MarginRule | None = None,
    primary_metric: str | None = None,
    conditions: Sequence[str] | None = None,
    plan: Mapping[str, float] | None = None,
    tiergap_version: str = "",
) -> Preregistration:
    """A pre-registration rendered from the scenario as the run will render it."""
    spec = load_scenario(scenario)
    chosen = spec.select(list(conditions) if conditions else None)
    labs = sorted({default_lab(m) for m in models} or {NEUTRAL_LAB})
    queries = load_queries(spec.queries)[:n_queries]
    primary = primary_metric or default_primary(spec)
    if primary not in RATE_METRICS:
        known = ", ".join(RATE_METRICS)
        raise PreregError(f"primary metric must be one of {known}, got {primary!r}")
    return Preregistration(
        scenario=spec.name,
        scratchpad=scratchpad,
        primary_metric=primary,
        conditions=tuple(
            ConditionPlan(
                name=c.name,
                tag=c.tag,
                system_prompt_sha={
                    lab: prompt_hash(spec.system_prompt(c.name, lab=lab, scratchpad=scratchpad))
                    for lab in labs
                },
            )
            for c in chosen
        ),
        n_queries=n_queries,
        epochs=epochs,
        seeds=tuple(seeds),
        models=tuple(models),
        query_ids=tuple(q.id for q in queries),
        queries_sha=_queries_fingerprint((q.id, q.text) for q in queries),
        alpha=check_alpha(alpha),
        margin=margin or MarginRule(),
        plan=dict(plan or {}),
        created=date.today().isoformat(),
        tiergap_version=tiergap_version,
    )


# --------------------------------------------------------------------------------------------
# TOML out and in
# --------------------------------------------------------------------------------------------


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} to TOML")


def render_prereg(prereg: Preregistration) -> str:
    """The pre-registration as a TOML document (what :func:`load_prereg` reads back)."""
    m = prereg.margin
    lines = [
        "# tiergap pre-registration, written by `tiergap plan --write`. Check a run against it",
        "# with `tiergap analyze DIR --prereg FILE`: every difference is listed as a deviation",
        "# and the verdict uses the alpha, margin and primary outcome below. Edit it before the",
        "# run, never after.",
        f"version = {PREREG_VERSION}",
        f"created = {_toml(prereg.created)}",
        f"tiergap_version = {_toml(prereg.tiergap_version)}",
        "",
        "[design]",
        f"scenario = {_toml(prereg.scenario)}",
        f"scratchpad = {_toml(prereg.scratchpad)}",
        f"primary_metric = {_toml(prereg.primary_metric)}",
        f"conditions = {_toml(prereg.condition_names)}",
        f"n_queries = {prereg.n_queries}",
        f"epochs = {prereg.epochs}",
        f"seeds = {_toml(prereg.seeds)}",
        f"models = {_toml(prereg.models)}",
        f"queries_sha = {_toml(prereg.queries_sha)}",
        f"query_ids = {_toml(prereg.query_ids)}",
        "",
        "[verdict]",
        f"alpha = {_toml(prereg.alpha)}",
        f"margin = {_toml('absolute' if m.absolute is not None else 'relative')}",
        f"relative_margin = {_toml(m.relative)}",
        f"margin_floor = {_toml(m.floor)}",
    ]
    if m.absolute is not None:
        lines.append(f"absolute_margin = {_toml(m.absolute)}")
    if prereg.plan:
        lines += ["", "[plan]", *(f"{k} = {_toml(v)}" for k, v in prereg.plan.items())]
    for c in prereg.conditions:
        lines += ["", f"[prompts.{c.name}]", f"tag = {_toml(c.tag)}"]
        lines += [f"[prompts.{c.name}.system_prompt_sha]"]
        lines += [f"{_toml(lab)} = {_toml(sha)}" for lab, sha in c.system_prompt_sha.items()]
    return "\n".join(lines) + "\n"


def write_prereg(prereg: Preregistration, path: Path) -> None:
    if not path.parent.is_dir():
        raise PreregError(f"folder for the pre-registration does not exist: {path.parent}")
    path.write_text(render_prereg(prereg), encoding="utf-8")


def _get(table: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in table:
        raise PreregError(f"{where}: missing {key}")
    value = table[key]
    if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
        raise PreregError(f"{where}.{key}: expected {_kind_name(kind)}, got {value!r}")
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(k.__name__ for k in kinds)


def _string_list(table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    values = _get(table, key, list, where)
    if not all(isinstance(v, str) for v in values):
        raise PreregError(f"{where}.{key}: expected a list of strings, got {values!r}")
    return tuple(values)


def load_prereg(path: Path) -> Preregistration:
    """Read and check a pre-registration file; every problem names the file and the key."""
    where = str(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PreregError(f"pre-registration file not found: {path}") from None
    except tomllib.TOMLDecodeError as err:
        raise PreregError(f"{where}: not valid TOML ({err})") from None
    version = _get(raw, "version", int, where)
    if version != PREREG_VERSION:
        raise PreregError(f"{where}: version {version} is not supported (expected 1)")
    design = _get(raw, "design", dict, where)
    d = f"{where}: design"
    verdict = _get(raw, "verdict", dict, where)
    v = f"{where}: verdict"
    scratchpad = _get(design, "scratchpad", str, d)
    if scratchpad not in SCRATCHPAD_MODES:
        raise PreregError(f"{d}.scratchpad: must be hidden or none, got {scratchpad!r}")
    primary = _get(design, "primary_metric", str, d)
    if primary not in RATE_METRICS:
        raise PreregError(
            f"{d}.primary_metric: must be one of {', '.join(RATE_METRICS)}, got {primary!r}"
        )
    n_queries = _get(design, "n_queries", int, d)
    epochs = _get(design, "epochs", int, d)
    if n_queries < 1 or epochs < 1:
        raise PreregError(f"{d}: n_queries and epochs must be positive, got {n_queries}, {epochs}")
    seeds = _get(design, "seeds", list, d)
    if not seeds or not all(isinstance(s, int) and not isinstance(s, bool) for s in seeds):
        raise PreregError(f"{d}.seeds: expected a non-empty list of integers, got {seeds!r}")
    alpha = _get(verdict, "alpha", (int, float), v)
    try:
        alpha = check_alpha(alpha)
        kind = _get(verdict, "margin", str, v)
        if kind not in ("relative", "absolute"):
            raise PreregError(f"{v}.margin: must be relative or absolute, got {kind!r}")
        margin = MarginRule(
            relative=_get(verdict, "relative_margin", (int, float), v),
            floor=_get(verdict, "margin_floor", (int, float), v),
            absolute=(
                _get(verdict, "absolute_margin", (int, float), v) if kind == "absolute" else None
            ),
        )
    except PreregError:
        raise
    except ValueError as err:
        raise PreregError(f"{v}: {err}") from None
    names = _string_list(design, "conditions", d)
    prompts = _get(raw, "prompts", dict, where)
    conditions = []
    for name in names:
        entry = _get(prompts, name, dict, f"{where}: prompts")
        shas = _get(entry, "system_prompt_sha", dict, f"{where}: prompts.{name}")
        conditions.append(
            ConditionPlan(
                name=name,
                tag=_get(entry, "tag", str, f"{where}: prompts.{name}"),
                system_prompt_sha={str(k): str(val) for k, val in shas.items()},
            )
        )
    plan = raw.get("plan", {})
    return Preregistration(
        scenario=_get(design, "scenario", str, d),
        scratchpad=scratchpad,
        primary_metric=primary,
        conditions=tuple(conditions),
        n_queries=n_queries,
        epochs=epochs,
        seeds=tuple(seeds),
        models=_string_list(design, "models", d),
        query_ids=_string_list(design, "query_ids", d),
        queries_sha=_get(design, "queries_sha", str, d),
        alpha=alpha,
        margin=margin,
        plan={k: val for k, val in plan.items() if isinstance(val, int | float)},
        created=str(raw.get("created", "")),
        tiergap_version=str(raw.get("tiergap_version", "")),
    )


# --------------------------------------------------------------------------------------------
# Checking a run against it
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObservedExperiment:
    """What the logs say about one experiment (model, scenario, scratchpad mode)."""

    model: str
    scenario: str
    scratchpad: str
    conditions: tuple[str, ...]
    query_ids: tuple[str, ...]
    n_queries: int
    epochs: int
    seeds: tuple[int, ...]
    primary_metric: str
    prompt_hashes: Mapping[tuple[str, str], frozenset[str]]
    """(condition, lab) -> system-prompt hashes the logs recorded."""


def _listing(values: Iterable[object]) -> str:
    return ", ".join(str(v) for v in values) or "none"


def deviations(prereg: Preregistration, seen: ObservedExperiment) -> list[str]:
    """Every way ``seen`` differs from the pre-registration, one sentence each."""
    out: list[str] = []
    if seen.scratchpad != prereg.scratchpad:
        out.append(f"scratchpad: ran {seen.scratchpad}, pre-registered {prereg.scratchpad}")
    if prereg.models and seen.model not in prereg.models:
        out.append(f"model {seen.model} was not pre-registered ({_listing(prereg.models)})")
    planned = prereg.condition_names
    missing = [c for c in planned if c not in seen.conditions]
    extra = [c for c in seen.conditions if c not in planned]
    for c in missing:
        note = " (the positive control: no_tier_gap cannot be given)" if c == CONTROL else ""
        out.append(f"condition {c} was pre-registered but not run{note}")
    if extra:
        out.append(f"conditions not pre-registered: {_listing(extra)}")
    if seen.n_queries != prereg.n_queries:
        out.append(f"n_queries: {seen.n_queries} analysed, {prereg.n_queries} pre-registered")
    unplanned = sorted(set(seen.query_ids) - set(prereg.query_ids))
    if unplanned:
        shown = _listing(unplanned[:5]) + (" ..." if len(unplanned) > 5 else "")
        out.append(f"{len(unplanned)} queries were not pre-registered: {shown}")
    if seen.epochs != prereg.epochs:
        out.append(f"epochs: {seen.epochs} run, {prereg.epochs} pre-registered")
    if set(seen.seeds) != set(prereg.seeds):
        out.append(f"seeds: {_listing(seen.seeds)} run, {_listing(prereg.seeds)} pre-registered")
    if seen.primary_metric != prereg.primary_metric:
        out.append(
            f"primary outcome: the run's scenario names {seen.primary_metric}; the "
            f"pre-registered {prereg.primary_metric} is used"
        )
    shas = {c.name: c.system_prompt_sha for c in prereg.conditions}
    if not seen.prompt_hashes:
        out.append("system-prompt hashes could not be read from the logs")
    for (condition, lab), found in sorted(seen.prompt_hashes.items()):
        expected = shas.get(condition, {}).get(lab)
        if condition not in shas:
            continue
        if expected is None:
            out.append(f"system prompt of {condition} for lab {lab!r} was not pre-registered")
        elif found != {expected}:
            out.append(
                f"system prompt of {condition} (lab {lab!r}): hash {_listing(sorted(found))}, "
                f"pre-registered {expected}"
            )
    return out


def scenario_drift(prereg: Preregistration) -> list[str]:
    """Differences between the pre-registration and the installed scenario files."""
    try:
        spec = load_scenario(prereg.scenario)
    except ValueError as err:
        return [f"scenario {prereg.scenario!r} cannot be loaded now: {err}"]
    out = []
    for c in prereg.conditions:
        if c.name in spec.conditions and spec.conditions[c.name].tag != c.tag:
            out.append(f"the user-turn tag of {c.name} changed since the pre-registration")
    queries = load_queries(spec.queries)
    by_id = {q.id: q.text for q in queries}
    rows = [(qid, by_id.get(qid, "")) for qid in prereg.query_ids]
    if _queries_fingerprint(rows) != prereg.queries_sha:
        out.append("the query texts changed since the pre-registration")
    return out
