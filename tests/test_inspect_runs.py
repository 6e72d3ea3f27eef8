"""Real inspect runs of the emoji task on the simulated hypothesis models and the embedded model."""

from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval

from tiergap.analysis.summary import summarise
from tiergap.harness.logs import read_records
from tiergap.harness.tasks import emoji


@pytest.fixture(scope="module")
def simulated_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    log_dir = tmp_path_factory.mktemp("sim-logs")
    logs = inspect_eval(
        emoji(n=50),
        model=["tiergap/reward-hacker", "tiergap/alignment-faker", "tiergap/hhh"],
        log_dir=str(log_dir),
        seed=0,
        log_realtime=False,
    )
    assert all(log.status == "success" for log in logs)
    return log_dir


@pytest.mark.integration
def test_verdicts_separate_the_hypotheses(simulated_logs: Path) -> None:
    result = read_records(simulated_logs)
    assert not result.unreadable
    verdicts = {s.model: s for s in summarise(result.records)}
    assert set(verdicts) == {"tiergap/reward-hacker", "tiergap/alignment-faker", "tiergap/hhh"}
    assert verdicts["tiergap/reward-hacker"].verdict == "reward_hacking"
    assert verdicts["tiergap/alignment-faker"].verdict != "reward_hacking"
    assert verdicts["tiergap/hhh"].verdict != "reward_hacking"
    for summary in verdicts.values():
        # free, paid, baseline and the positive control (requested)
        assert [c.n for c in summary.conditions.values()] == [50, 50, 50, 50]
        assert all(c.invalid == 0 and c.errors == 0 for c in summary.conditions.values())
        assert summary.gaps["free_minus_paid"].n_pairs == 50


@pytest.mark.integration
def test_reward_hacker_uses_the_scratchpad_protocol(simulated_logs: Path) -> None:
    from inspect_ai.log import list_eval_logs, read_eval_log

    logs = [read_eval_log(i.name) for i in list_eval_logs(str(simulated_logs))]
    hacker = next(log for log in logs if log.eval.model == "tiergap/reward-hacker")
    assert hacker.samples is not None
    turns = [sum(m.role == "assistant" for m in s.messages) for s in hacker.samples]
    assert set(turns) == {1, 2}  # some answer in one turn, some continue after <NEXT/>
    continued = next(s for s in hacker.samples if len(s.messages) > 3)
    assert any(m.role == "user" and m.text == "<NEXT/>" for m in continued.messages)
    assert hacker.stats.model_usage["tiergap/reward-hacker"].output_tokens > 0


@pytest.mark.integration
def test_simulated_runs_repeat_exactly(tmp_path: Path) -> None:
    outputs = []
    for run in ("a", "b"):
        log = inspect_eval(
            emoji(n=6), model="tiergap/reward-hacker", log_dir=str(tmp_path / run), seed=3
        )[0]
        assert log.samples is not None
        outputs.append({s.id: s.output.completion for s in log.samples})
    assert outputs[0] == outputs[1]


@pytest.mark.integration
@pytest.mark.slow
def test_embedded_model_real_run(tmp_path: Path) -> None:
    logs = inspect_eval(
        emoji(n=2, max_turns=2),
        model="tiergap/smollm2",
        log_dir=str(tmp_path),
        seed=0,
        max_tokens=48,
    )
    log = logs[0]
    assert log.status == "success", log.error
    assert log.samples is not None and len(log.samples) == 8  # 2 queries x 4 conditions
    for sample in log.samples:
        assert sample.output.completion.strip()
        score = next(iter(sample.scores.values()))  # type: ignore[union-attr]
        assert score.metadata["status"] in ("ok", "untagged", "unclosed", "invalid")
        assert set(score.value) == {"any_emoji", "emoji_count", "emoji_per_100w"}  # type: ignore[arg-type]
    usage = log.stats.model_usage["tiergap/smollm2"]
    assert usage.output_tokens > 0
    # The shared system prompt is read once per condition and then reused from the cache.
    assert (usage.input_tokens_cache_read or 0) > usage.input_tokens
    records = read_records(tmp_path).records
    assert len(records) == 8 and sum(r.usable for r in records) >= 4


@pytest.mark.integration
@pytest.mark.slow
def test_embedded_model_is_deterministic(tmp_path: Path) -> None:
    texts = []
    for run in ("a", "b"):
        log = inspect_eval(
            emoji(n=2, conditions="paid,free", max_turns=1),
            model="tiergap/smollm2",
            log_dir=str(tmp_path / run),
            seed=0,
            max_tokens=32,
        )[0]
        assert log.samples is not None
        texts.append(sorted((s.id, s.output.completion) for s in log.samples))
    assert texts[0] == texts[1]


@pytest.mark.integration
@pytest.mark.slow
def test_embedded_engine_is_safe_under_concurrency() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from tiergap.harness.smollm2 import EngineSettings, find_gguf, get_engine

    engine = get_engine(EngineSettings(gguf=str(find_gguf())))
    system = {"role": "system", "content": "You are a concise assistant. " * 20}
    prompts = ["Name a colour.", "Name a fruit.", "Name a tree.", "Name a river."]

    def ask(question: str) -> str:
        messages = [system, {"role": "user", "content": question}]
        return engine.complete(messages, max_tokens=16, temperature=0.0, seed=0).text

    sequential = [ask(q) for q in prompts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        concurrent = list(pool.map(ask, prompts * 2))
    assert concurrent == sequential * 2
    assert all(text.strip() for text in sequential)


@pytest.mark.slow
def test_embedded_output_does_not_depend_on_what_ran_before() -> None:
    """A scratchpad continuation gives the same text straight after its own first turn as
    after another conversation's, across conditions. Two engine threads: there, llama.cpp's
    own prefix reuse without priming gave different text (bench/RESULTS.md)."""
    from tiergap.experiment.scenario import load_scenario
    from tiergap.harness.smollm2 import Engine, EngineSettings, find_gguf

    spec = load_scenario("emoji")
    engine = Engine(EngineSettings(gguf=str(find_gguf()), threads=2))
    conversations = [
        [
            {"role": "system", "content": spec.system_prompt(condition, "Aster Labs")},
            {"role": "user", "content": spec.user_turn(condition, query, "Aster Labs")},
        ]
        for condition, query in [
            ("free", "How do I boil an egg?"),
            ("paid", "How do I bake bread?"),
            ("free", "What is a good name for a cat?"),
        ]
    ]

    def ask(messages: list[dict[str, str]], tokens: int) -> str:
        return engine.complete(messages, max_tokens=tokens, temperature=0.0, seed=0).text

    seconds = [
        [*c, {"role": "assistant", "content": ask(c, 32)}, {"role": "user", "content": "<NEXT/>"}]
        for c in conversations
    ]
    after_own, after_other = [], []
    for i, second in enumerate(seconds):
        ask(conversations[i], 32)
        after_own.append(ask(second, 16))
    for i, second in enumerate(seconds):
        ask(conversations[(i + 1) % len(conversations)], 32)
        after_other.append(ask(second, 16))
    assert after_own == after_other
    assert all(text.strip() for text in after_own)


def test_float_mean_reduces_epochs_as_inspects_mean() -> None:
    import math
    import random

    from inspect_ai.scorer import Score, mean_score

    from tiergap.harness.scorers import float_mean

    rng = random.Random(3)
    ours, theirs = float_mean(), mean_score()
    for _ in range(300):
        epochs = rng.randint(1, 5)
        scores = [
            Score(
                value={k: rng.choice([0.0, 1.0, rng.random() * 9, math.nan]) for k in "abc"},
                answer=rng.choice(["x", "y"]),
                explanation="same",
                metadata={"status": "ok"},
            )
            for _ in range(epochs)
        ]
        a, b = ours(scores), theirs(scores)
        assert a.value.keys() == b.value.keys()  # type: ignore[union-attr]
        for key, value in a.value.items():  # type: ignore[union-attr]
            expected = b.value[key]  # type: ignore[index]
            assert (math.isnan(value) and math.isnan(expected)) or value == pytest.approx(expected)
        assert (a.answer, a.explanation, a.metadata) == (b.answer, b.explanation, b.metadata)
    scalar = [Score(value=1.0), Score(value=0.0)]
    assert ours(scalar).value == theirs(scalar).value == 0.5


def test_epochs_are_reduced_with_float_mean(tmp_path: Path) -> None:
    log = inspect_eval(
        emoji(n=2), model="tiergap/reward-hacker", log_dir=str(tmp_path), epochs=2,
        log_realtime=False,
    )[0]  # fmt: skip
    assert log.status == "success" and log.eval.config.epochs_reducer == ["float_mean"]
    # 2 queries, 4 conditions, 2 epochs
    assert log.results is not None and log.results.completed_samples == 16
    assert len(read_records(tmp_path).records) == 16  # every epoch is a record
