"""One experiment spec behind three front ends: ``tiergap run`` options, ``-T`` task arguments
and sweep-file keys accept the same fields, values and defaults."""

from __future__ import annotations

import argparse
import dataclasses
import inspect
from pathlib import Path

import pytest

from tiergap.cli import build_parser
from tiergap.commands.options import execution_values, spec_values
from tiergap.experiment.execution import Execution, ExecutionError
from tiergap.experiment.fields import field_default
from tiergap.experiment.spec import ExperimentSpec, SpecError
from tiergap.experiment.sweepfile import known_keys
from tiergap.harness.tasks import emoji, experiment

SPEC_FIELDS = [f.name for f in dataclasses.fields(ExperimentSpec)]


def parse(*args: str) -> argparse.Namespace:
    return build_parser().parse_args(["run", *args])


def test_values_are_converted_once_whatever_their_source() -> None:
    from_text = ExperimentSpec.from_values(
        {"n": "3", "conditions": "free, paid", "judges": "false", "threshold": "0.5"}
    )
    from_toml = ExperimentSpec.from_values(
        {"n": 3, "conditions": ["free", "paid"], "judges": False, "threshold": 0.5}
    )
    assert (
        from_text
        == from_toml
        == ExperimentSpec(n=3, conditions=("free", "paid"), judges=False, threshold=0.5)
    )
    assert from_text.task_args()["conditions"] == ["free", "paid"]  # JSON for the log


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"n": 0}, "n: must be at least 1, got 0"),
        ({"n": "many"}, "n: must be a whole number, got 'many'"),
        ({"n": True}, "n: must be a whole number, got True"),
        ({"scratchpad": "loud"}, "scratchpad: must be one of hidden, none, native, got 'loud'"),
        ({"tiers": 3}, "tiers: must be one of two, three, four, got 3"),
        ({"conditions": ["free", "free"]}, "conditions: must be a list without repeats"),
        ({"threshold": 0}, "threshold: must be in (0, 1], got 0.0"),
        ({"votes": 0}, "votes: must be at least 1, got 0"),
        ({"judges": "maybe"}, "judges: must be true or false, got 'maybe'"),
        ({"lab": ""}, "lab: must be a non-empty string"),
        ({"nn": 3}, "unknown argument 'nn'; known: scenario, n,"),
    ],
)
def test_a_bad_value_names_its_field(values: dict[str, object], message: str) -> None:
    with pytest.raises(SpecError) as caught:
        ExperimentSpec.from_values(values, "grid.toml")
    assert str(caught.value).startswith("grid.toml: ")
    assert message in str(caught.value)


def test_scenario_and_conditions_are_checked_with_the_field_named() -> None:
    with pytest.raises(SpecError, match=r"^scenario: unknown scenario 'nope'"):
        ExperimentSpec(scenario="nope").load_scenario()
    with pytest.raises(SpecError, match=r"^conditions: scenario 'emoji' has no condition 'gold'"):
        ExperimentSpec(conditions=("free", "gold")).load_scenario()
    with pytest.raises(SpecError, match=r"^system_prompt: system prompt file not found"):
        ExperimentSpec(system_prompt="no/such/prompt.txt").load_scenario()


def test_the_task_arguments_are_the_spec_fields_with_the_spec_defaults() -> None:
    parameters = inspect.signature(experiment).parameters
    assert list(parameters) == SPEC_FIELDS
    for name, parameter in parameters.items():
        assert parameter.default == field_default(ExperimentSpec, name)
    assert list(inspect.signature(emoji).parameters) == [n for n in SPEC_FIELDS if n != "scenario"]
    task = experiment(scenario="latex", n="2", conditions="paid,free", seed=7, epochs=3)
    assert task.name == "latex" and task.epochs == 3 and task.config.seed == 7
    # query by query across conditions, in the order given (any prefix of a run is paired)
    assert [s.id for s in task.dataset] == ["paid:l001", "free:l001", "paid:l002", "free:l002"]
    with pytest.raises(SpecError, match="votes: must be at least 1"):
        emoji(votes=0)


def test_every_spec_field_is_a_run_option_and_a_sweep_key() -> None:
    """The option of each field lands in that field; unset options leave the spec default."""
    assert set(SPEC_FIELDS) <= set(known_keys())
    defaults = parse("emoji", "--model", "tiergap/hhh")
    assert ExperimentSpec.from_values(spec_values(defaults)) == ExperimentSpec()
    given = parse(
        "helpful_only", "--model", "tiergap/hhh", "-n", "3", "--conditions", "free,paid",
        "--scratchpad", "none", "--tiers", "three", "--seed", "4", "--epochs", "2",
        "--lab", "Acme", "--queries", "q.jsonl", "--system-prompt", "p.txt",
        "--baseline-prompt", "b.txt", "--max-turns", "2", "--no-judge", "--votes", "3",
        "--threshold", "0.6",
    )  # fmt: skip
    # paraphrases reword the shipped training section, so they cannot join --system-prompt
    worded = spec_values(parse("emoji", "--model", "tiergap/hhh", "--paraphrases", "2"))
    assert ExperimentSpec.from_values(worded).paraphrases == 2
    values = spec_values(given)
    assert set(values) | {"paraphrases"} == set(SPEC_FIELDS)  # a field without an option fails
    assert ExperimentSpec.from_values(values) == ExperimentSpec(
        scenario="helpful_only", n=3, conditions=("free", "paid"), scratchpad="none",
        tiers="three", seed=4, epochs=2, lab="Acme", queries="q.jsonl", system_prompt="p.txt",
        baseline_prompt="b.txt", max_turns=2, judges=False, votes=3, threshold=0.6,
    )  # fmt: skip


def test_run_options_set_the_execution_fields_by_name() -> None:
    defaults = parse("emoji", "--model", "tiergap/hhh")
    assert Execution.from_values(execution_values(defaults)) == Execution(models=("tiergap/hhh",))
    given = parse(
        "emoji", "--model", "a/x", "--model", "b/y", "--judge", "c/z", "--log-dir", "out",
        "--display", "plain", "--max-connections", "3", "--temperature", "0.5", "-M", "k=1",
        "--max-tokens", "64",
        "--max-retries", "0", "--timeout", "9", "--retry-on-error", "0", "--fail-on-error", "2",
        "--batch", "--no-cache-prompt", "--max-cost", "$3", "--yes", "--prices", "p.toml",
    )  # fmt: skip
    execution = Execution.from_values(execution_values(given))
    assert execution == Execution(
        models=("a/x", "b/y"), model_roles={"grader": "c/z"}, model_args={"k": 1},
        log_dir=Path("out"), display="plain", max_connections=3, temperature=0.5,
        max_tokens=64, max_retries=0, timeout=9, retry_on_error=0, fail_on_error=2.0, batch=True,
        cache_prompt=False, max_cost=3.0, over_budget_ok=True, prices=Path("p.toml"),
        retry_attempts=0,  # --retry-on-error 0: no eval-set retry of a failed task either
    )  # fmt: skip
    # every field a user may set is reachable from the command line
    unset = {f.name for f in dataclasses.fields(Execution)} - set(execution_values(given))
    assert unset == {"log_realtime"}


def test_bad_run_settings_name_their_field() -> None:
    with pytest.raises(ExecutionError, match=r"models: must be a non-empty list, got \(\)"):
        Execution(models=())
    with pytest.raises(ExecutionError, match="max_connections: must be at least 1, got 0"):
        Execution(models=("a/b",), max_connections=0)
    with pytest.raises(ExecutionError, match=r"f\.toml: unknown setting 'max_cots'"):
        Execution.from_values({"models": ["a/b"], "max_cots": 1}, "f.toml")
    assert Execution(models=("a/b",)).override({"max_cost": None}).max_cost is None
