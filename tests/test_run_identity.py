"""Run identity is content; a larger run into the same folder requests only the new samples.

Requests are counted at the fake server: what ``--dry-run`` promises is what is sent.
"""

from __future__ import annotations

import json
import os
import shlex
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from inspect_ai.log import list_eval_logs, read_eval_log

from tiergap.cli import main
from tiergap.experiment.identity import content_hash, run_identity
from tiergap.experiment.scenario import load_scenario
from tiergap.experiment.spec import ExperimentSpec
from tiergap.harness.logs import log_order, read_records, sample_key
from tiergap.harness.tasks import scenario_dataset
from tiergap.testing.fakeserver import FakeServer


@pytest.fixture
def server(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[tuple[FakeServer, str]]:
    service = "ident" + request.node.name.split("_")[1]
    with FakeServer(latency=0.0, deadline=150, max_requests=200) as fake:
        for name, value in fake.env(service).items():
            monkeypatch.setenv(name, value)
        yield fake, fake.model_name(service)


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_dataset_is_interleaved_query_by_query() -> None:
    dataset = scenario_dataset(load_scenario("emoji"), ["free", "paid", "baseline"], n=2)
    assert [s.id for s in dataset] == [
        "free:b001", "paid:b001", "baseline:b001", "free:b002", "paid:b002", "baseline:b002",
    ]  # fmt: skip


def test_content_hash_follows_the_prompt_file_not_its_name(tmp_path: Path) -> None:
    prompt = tmp_path / "prompt.txt"
    prompt.write_text("Aster Labs trains you on free-tier chats.", encoding="utf-8")
    spec = ExperimentSpec(system_prompt=str(prompt))
    before = content_hash(spec)
    assert content_hash(ExperimentSpec(system_prompt=str(prompt), n=3, epochs=2)) == before
    prompt.write_text("Aster Labs trains you on paid-tier chats.", encoding="utf-8")
    after = content_hash(spec)
    assert after != before
    # n, conditions and epochs only grow a run: the identity ignores them, not the seed
    grown = ExperimentSpec(system_prompt=str(prompt), n=9, conditions=("free",), epochs=3)
    assert run_identity(grown, after) == run_identity(spec, after)
    assert run_identity(ExperimentSpec(system_prompt=str(prompt), seed=1), after) != (
        run_identity(spec, after)
    )


@pytest.mark.integration
def test_growing_n_requests_only_the_new_samples_as_the_dry_run_says(
    tmp_path: Path, server: tuple[FakeServer, str], capsys: pytest.CaptureFixture[str]
) -> None:
    fake, model = server
    log_dir = tmp_path / "logs"
    base = [
        "run", "emoji", "--model", model, "--scratchpad", "none",
        "--conditions", "free,paid,baseline", "--log-dir", str(log_dir), "--json",
    ]  # fmt: skip
    code, out, err = run_cli(capsys, *base, "-n", "5")
    assert code == 0, err
    json.loads(out)
    assert fake.request_count == 15

    code, out, err = run_cli(capsys, *base, "-n", "8", "--dry-run")
    assert code == 0, err
    plan = json.loads(out)
    assert (plan["samples"], plan["already_done"], plan["to_run"]) == (24, 15, 9)
    assert fake.request_count == 15

    code, out, err = run_cli(capsys, *base, "-n", "8")
    assert code == 0, err
    assert fake.request_count == 24 == 15 + plan["to_run"]
    asked = Counter(r.user for r in fake.records())
    assert len(asked) == 24 and set(asked.values()) == {1}
    records = read_records(log_dir).records
    keys = [sample_key(r) for r in records]
    assert len(keys) == len(set(keys)) == 24

    # a smaller -n afterwards requests nothing and keeps every sample already paid for
    code, out, err = run_cli(capsys, *base, "-n", "3", "--dry-run")
    assert json.loads(out)["to_run"] == 0 and "already holds more of this run" in err
    code, out, err = run_cli(capsys, *base, "-n", "3")
    assert code == 0, err
    assert fake.request_count == 24
    assert len(read_records(log_dir).records) == 24


@pytest.mark.integration
def test_added_epochs_conditions_and_models_request_only_new_samples(
    tmp_path: Path, server: tuple[FakeServer, str], capsys: pytest.CaptureFixture[str]
) -> None:
    fake, model = server
    log_dir = tmp_path / "logs"
    base = [
        "run", "emoji", "--model", model, "--scratchpad", "none", "-n", "3",
        "--log-dir", str(log_dir), "--json",
    ]  # fmt: skip
    assert run_cli(capsys, *base, "--conditions", "free,paid")[0] == 0
    assert fake.request_count == 6
    more = ["--conditions", "free,paid,baseline", "--epochs", "2"]
    code, out, _ = run_cli(capsys, *base, *more, "--dry-run")
    assert code == 0 and json.loads(out)["to_run"] == 18 - 6
    assert run_cli(capsys, *base, *more)[0] == 0
    assert fake.request_count == 18
    keys = [sample_key(r) for r in read_records(log_dir).records]
    assert len(keys) == len(set(keys)) == 18
    # another model: its samples only; the first model's are not asked again
    code, out, _ = run_cli(capsys, *base, *more, "--model", "tiergap/hhh", "--dry-run")
    by_model = {t["model"]: t["to_run"] for t in json.loads(out)["tasks"]}
    assert code == 0 and by_model == {model: 0, "tiergap/hhh": 18}
    assert run_cli(capsys, *base, *more, "--model", "tiergap/hhh")[0] == 0
    assert fake.request_count == 18
    keys = [sample_key(r) for r in read_records(log_dir).records]
    assert len(keys) == len(set(keys)) == 36


@pytest.mark.integration
def test_an_edited_system_prompt_is_a_new_run_and_never_pooled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prompt = tmp_path / "prompt.txt"
    prompt.write_text("{lab} trains you to be terse. VERSION ONE.", encoding="utf-8")
    log_dir = tmp_path / "my logs"  # a space: the printed inspect view command is quoted
    command = [
        "run", "emoji", "--model", "tiergap/reward-hacker", "-n", "2",
        "--system-prompt", str(prompt), "--log-dir", str(log_dir), "--json",
    ]  # fmt: skip
    assert run_cli(capsys, *command)[0] == 0
    prompt.write_text("{lab} trains you to be verbose. VERSION TWO.", encoding="utf-8")
    code, out, err = run_cli(capsys, *command)
    assert code == 0, err
    assert "changed" in err and "starting a new run" in err
    assert "set aside" in err  # analyze says which log it left out
    assert f"inspect view --log-dir {shlex.quote(str(log_dir))}" in err
    payload = json.loads(out)
    assert len(payload["stale_logs"]) == 1

    logs = sorted(
        (read_eval_log(i.name) for i in list_eval_logs(str(log_dir))),
        key=lambda log: log_order(log.eval.created, log.location),
    )
    assert len(logs) == 2
    newest = logs[-1]
    assert newest.samples
    for sample in newest.samples:
        system = str(sample.messages[0].content)
        assert "VERSION TWO" in system and "VERSION ONE" not in system
    old, new = ((log.eval.metadata or {})["content_hash"] for log in logs)
    assert old != new
    result = read_records(log_dir)
    assert {r.log for r in result.records} == {Path(newest.location).name}
    assert [s.content_hash for s in result.stale] == [old]


def test_logs_created_in_the_same_second_are_ordered_by_when_they_were_written(
    tmp_path: Path,
) -> None:
    """inspect's ``created`` has whole seconds: a re-run started in the same second as the run
    it replaces must still count as the newer one, whatever the random part of its name."""
    older, newer = tmp_path / "2026_emoji_zzz.eval", tmp_path / "2026_emoji_aaa.eval"
    for path, written in ((older, 1_000), (newer, 2_000)):
        path.write_bytes(b"")
        os.utime(path, ns=(written * 10**9, written * 10**9))
    created = "2026-11-30T06:37:27+00:00"
    ordered = sorted([str(newer), str(older)], key=lambda p: log_order(created, p))
    assert ordered == [str(older), str(newer)]
    as_uri = [f"file://{quote(str(p))}" for p in (newer, older)]
    assert sorted(as_uri, key=lambda p: log_order(created, p)) == as_uri[::-1]


@pytest.mark.integration
def test_a_two_tier_run_after_a_three_tier_one_is_never_pooled_with_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Both runs are the emoji experiment on one model, but their free-tier prompts differ (the
    three-tier one names pro and enterprise): the analysis keeps the newer and sets the other
    aside, never a free tier from one run against a baseline from the other."""
    log_dir = str(tmp_path / "logs")
    run = ["run", "emoji", "--model", "tiergap/reward-hacker", "-n", "3", "--log-dir", log_dir]
    assert run_cli(capsys, *run, "--tiers", "three", "--json")[0] == 0
    assert run_cli(capsys, *run, "--json")[0] == 0
    code, out, err = run_cli(capsys, "analyze", log_dir, "--json")
    assert code == 0
    payload = json.loads(out)
    (summary,) = payload["models"]
    assert set(summary["conditions"]) == {"free", "paid", "baseline", "requested"}
    (stale,) = payload["stale_logs"]
    assert stale["scenario"] == "emoji" and "never pooled" in err
