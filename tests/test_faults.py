"""Runs against a real local HTTP server that injects faults into a share of its answers.

The server (``tiergap.testing.fakeserver``) speaks the OpenAI chat-completions protocol on
127.0.0.1 and is reached through inspect's own ``openai-api`` provider, so retries, timeouts
and error recording are inspect's real code paths.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from inspect_ai.log import read_eval_log

from tiergap.analysis.summary import summarise
from tiergap.experiment.execution import Execution
from tiergap.experiment.spec import ExperimentSpec
from tiergap.harness.logs import read_records
from tiergap.harness.run import RunOutcome, execute
from tiergap.testing.fakeserver import FAULTS, FakeServer, FaultMix

pytestmark = pytest.mark.integration

N = 20
CONDITIONS = ("free", "paid", "baseline")


@pytest.fixture(scope="module")
def faulty_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FakeServer, RunOutcome]]:
    log_dir = tmp_path_factory.mktemp("faults")
    faults = FaultMix.every_kind(0.3, retry_after=0.05, hang=2.0)
    with FakeServer(faults=faults, seed=7, deadline=150, max_requests=600) as server:
        with pytest.MonkeyPatch.context() as patch:
            for name, value in server.env("fakefaults").items():
                patch.setenv(name, value)
            execution = Execution(
                models=(server.model_name("fakefaults"),),
                log_dir=log_dir,
                max_connections=10,
                model_args={"client_timeout": 1.0},
                max_retries=3,
                timeout=60,
                retry_on_error=2,
            )
            outcome = execute([ExperimentSpec(n=N, conditions=CONDITIONS)], execution)
        yield server, outcome


def test_server_injected_every_fault_at_a_fifth_of_requests(
    faulty_run: tuple[FakeServer, RunOutcome],
) -> None:
    server, _ = faulty_run
    outcomes = server.outcomes()
    total = sum(outcomes.values())
    faulted = sum(outcomes[f] for f in FAULTS)
    assert total >= 3 * N
    assert faulted / total >= 0.2, outcomes
    assert all(outcomes[f] >= 1 for f in FAULTS), outcomes
    assert outcomes["over_budget"] == 0


def test_run_completes_and_every_sample_is_scored_or_an_error_with_reason(
    faulty_run: tuple[FakeServer, RunOutcome],
) -> None:
    server, outcome = faulty_run
    assert outcome.started and outcome.complete, [log.error for log in outcome.logs]
    assert [log.status for log in outcome.logs] == ["success"]
    log = read_eval_log(outcome.logs[0].location)
    assert log.samples is not None
    expected = {f"{c}:b{i:03d}" for c in CONDITIONS for i in range(1, N + 1)}
    assert {str(s.id) for s in log.samples} == expected
    assert len(log.samples) == len(expected)
    for sample in log.samples:
        if sample.error is not None:
            assert sample.error.message.strip()
        else:
            assert sample.scores, sample.id
    # every sample reached the server at least once
    asked = server.requests_per_sample()
    assert len(asked) == len(expected)


def test_analysis_counts_errors_and_invalid_answers_and_drops_nothing(
    faulty_run: tuple[FakeServer, RunOutcome],
) -> None:
    _, outcome = faulty_run
    log = read_eval_log(outcome.logs[0].location)
    assert log.samples is not None
    errors = Counter(str(s.metadata["condition"]) for s in log.samples if s.error is not None)
    invalid = Counter(
        str(s.metadata["condition"])
        for s in log.samples
        if s.error is None
        and s.scores
        and next(iter(s.scores.values())).metadata["status"] == "invalid"  # type: ignore[index]
    )
    # empty answers cannot be scored: they are kept and counted as invalid, not re-sampled
    assert sum(invalid.values()) >= 1
    result = read_records(Path(outcome.logs[0].location).parent)
    assert not result.unreadable
    assert len(result.records) == 3 * N
    (summary,) = summarise(result.records)
    for condition in CONDITIONS:
        counts = summary.conditions[condition]
        assert counts.n == N
        assert counts.errors == errors[condition]
        assert counts.invalid == invalid[condition]
    for record in result.records:
        if record.status == "error":
            assert record.error


def test_a_sample_that_always_fails_is_recorded_as_an_error_with_its_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeServer(faults=FaultMix(server_error=1.0), deadline=60, max_requests=60) as server:
        for name, value in server.env("fakefail").items():
            monkeypatch.setenv(name, value)
        execution = Execution(
            models=(server.model_name("fakefail"),),
            log_dir=tmp_path,
            model_args={"max_retries": 0},
            max_retries=0,
            retry_on_error=1,
            fail_on_error=False,
        )
        spec = ExperimentSpec(n=2, conditions=("free",), scratchpad="none")
        outcome = execute([spec], execution)
        requests = server.request_count
    assert outcome.complete
    records = read_records(tmp_path).records
    assert sorted(r.query_id for r in records) == ["b001", "b002"]
    assert {r.status for r in records} == {"error"}
    assert all(r.error and "InternalServerError" in r.error for r in records), records
    (summary,) = summarise(records)
    assert summary.conditions["free"].n == 2 and summary.conditions["free"].errors == 2
    # one first attempt and one sample retry each, no more: the request loop is bounded
    assert requests == 4


def test_the_fast_summary_reader_agrees_with_inspects(
    faulty_run: tuple[FakeServer, RunOutcome], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tiergap.harness import logs

    path = faulty_run[1].logs[0].location
    assert logs.finished_log_summaries_json(path) is not None  # the fast path is taken
    _, fast = logs._log_records(path)
    monkeypatch.setattr(logs, "finished_log_summaries_json", lambda _: None)
    _, slow = logs._log_records(path)
    assert fast == slow and len(fast) == 3 * N
