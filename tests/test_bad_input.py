"""Bad input gets a clear error naming the file, field or value, before any money is spent.

Spending is checked at a local fake server: a run that is refused sends it no request.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tiergap.cli import main
from tiergap.experiment.execution import Execution
from tiergap.experiment.spec import ExperimentSpec
from tiergap.harness.run import execute
from tiergap.testing.fakeserver import FakeServer

pytestmark = pytest.mark.integration

MODEL = "openai-api/fakebad/fake-model"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServer]:
    with FakeServer(deadline=120, max_requests=200) as fake:
        for name, value in fake.env("fakebad").items():
            monkeypatch.setenv(name, value)
        yield fake


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, " ".join((out.out + out.err).split())


def run_args(tmp_path: Path, *extra: str) -> list[str]:
    return [
        "run",
        "emoji",
        "--model",
        MODEL,
        "-n",
        "2",
        "--log-dir",
        str(tmp_path / "logs"),
        *extra,
    ]


@pytest.mark.parametrize(
    ("models", "messages"),
    [
        (["nosuch/model"], ["model 'nosuch/model'", "unknown model provider 'nosuch'"]),
        (["gpt4"], ["model 'gpt4'", "expected provider/name"]),
        (["tiergap/gpt-5"], ["unknown tiergap model 'gpt-5'"]),
        (["tiergap/nope", "zzz/y"], ["unknown tiergap model 'nope'", "'zzz'"]),
    ],
)
def test_unknown_models_are_named_and_nothing_is_requested(
    models: list[str],
    messages: list[str],
    tmp_path: Path,
    server: FakeServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = run_args(tmp_path)
    for model in models:
        args += ["--model", model]
    code, out = run_cli(capsys, *args)
    assert code == 2
    for message in messages:
        assert message in out
    assert server.request_count == 0
    assert not list((tmp_path / "logs").glob("*.eval"))


def test_missing_api_key_names_the_variable(
    tmp_path: Path,
    server: FakeServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("FAKEBAD_API_KEY")
    code, out = run_cli(capsys, *run_args(tmp_path))
    assert code == 2
    assert f"model '{MODEL}'" in out and "FAKEBAD_API_KEY" in out
    code, out = run_cli(capsys, *run_args(tmp_path, "--dry-run"))
    assert code == 2 and "FAKEBAD_API_KEY" in out
    assert server.request_count == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--conditions", "free,gold"), "has no condition 'gold'"),
        (("--scratchpad", "loud"), "invalid choice: 'loud'"),
    ],
)
def test_unknown_condition_or_mode_is_named(
    args: tuple[str, ...],
    message: str,
    tmp_path: Path,
    server: FakeServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    try:
        code, out = run_cli(capsys, *run_args(tmp_path, *args))
    except SystemExit as exit_:  # argparse rejects bad choices itself
        code, out = int(str(exit_.code)), " ".join(capsys.readouterr().err.split())
    assert code == 2 and message in out
    assert server.request_count == 0


def test_unknown_scenario_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_cli(capsys, "run", "emojj", "--model", MODEL, "--log-dir", str(tmp_path))
    assert code == 2 and "unknown scenario 'emojj'" in out and "available: " in out


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("columns.jsonl", b'{"id": "q1", "prompt": "hello"}\n', "columns.jsonl:1: field 'text'"),
        ("columns.csv", b"question,answer\nhi,there\n", "columns.csv: header must have"),
        ("empty.jsonl", b"\n\n", "empty.jsonl: no queries"),
        ("latin1.jsonl", '{"id": "q1", "text": "café"}\n'.encode("latin-1"), "not UTF-8"),
        ("broken.jsonl", b'{"id": "q1", "text": \n', "broken.jsonl:1: not valid JSON"),
    ],
)
def test_malformed_query_file_is_named_before_any_request(
    name: str,
    content: bytes,
    message: str,
    tmp_path: Path,
    server: FakeServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    queries = tmp_path / name
    queries.write_bytes(content)
    code, out = run_cli(capsys, *run_args(tmp_path, "--queries", str(queries)))
    assert code == 2
    assert message in out and str(queries) in out
    assert server.request_count == 0


@pytest.fixture(scope="module")
def two_experiments(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder, two experiments (scratchpad hidden and none) of one model, plus another."""
    folder = tmp_path_factory.mktemp("mixed")
    both = Execution(models=("tiergap/reward-hacker", "tiergap/hhh"), log_dir=folder)
    execute([ExperimentSpec(n=3)], both)
    one = Execution(models=("tiergap/reward-hacker",), log_dir=folder)
    execute([ExperimentSpec(n=3, scratchpad="none")], one)
    return folder


def analyse_json(capsys: pytest.CaptureFixture[str], folder: Path) -> dict[str, object]:
    code = main(["analyze", str(folder), "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    payload: dict[str, object] = json.loads(out.out)
    return payload


def test_different_experiments_in_one_folder_are_grouped_never_mixed(
    two_experiments: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    payload = analyse_json(capsys, two_experiments)
    models = payload["models"]
    assert isinstance(models, list)
    groups = {(m["model"], m["scratchpad"]): m for m in models}
    assert set(groups) == {
        ("tiergap/reward-hacker", "hidden"),
        ("tiergap/reward-hacker", "none"),
        ("tiergap/hhh", "hidden"),
    }
    for summary in groups.values():
        assert {c: v["n"] for c, v in summary["conditions"].items()} == {
            "free": 3,
            "paid": 3,
            "baseline": 3,
            "requested": 3,
        }


def test_a_copied_log_is_counted_once(
    two_experiments: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(two_experiments, folder)
    original = sorted(folder.glob("*.eval"))[0]
    shutil.copy(original, folder / f"copy-of-{original.name}")
    models = analyse_json(capsys, folder)["models"]
    assert isinstance(models, list)
    assert all(c["n"] == 3 for m in models for c in m["conditions"].values())


def test_a_truncated_log_is_named_and_the_rest_analysed(
    two_experiments: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "truncated"
    shutil.copytree(two_experiments, folder)
    victim = sorted(folder.glob("*.eval"))[0]
    data = victim.read_bytes()
    victim.write_bytes(data[: len(data) // 2])
    payload = analyse_json(capsys, folder)
    unreadable = payload["unreadable_logs"]
    assert isinstance(unreadable, list) and len(unreadable) == 1
    assert Path(unreadable[0]["log"]).name == victim.name
    assert "truncated or corrupt" in unreadable[0]["error"]
    models = payload["models"]
    assert isinstance(models, list) and len(models) == 2  # the other two experiments
    code = main(["analyze", str(folder)])
    text = " ".join(capsys.readouterr().out.split())
    assert code == 0 and "skipped unreadable log" in text
    assert victim.name in text.replace(" ", "")  # the terminal may wrap the long name


def test_sweep_file_errors_name_the_file_and_key(
    tmp_path: Path, server: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "grid.toml"
    config.write_text(f'models = ["{MODEL}", "nosuch/x"]\nn = 2\n', encoding="utf-8")
    code, out = run_cli(capsys, "sweep", str(config), "--log-dir", str(tmp_path / "logs"))
    assert code == 2 and "model 'nosuch/x'" in out
    config.write_text(f'models = ["{MODEL}"]\nconditions = ["free", "gold"]\n', encoding="utf-8")
    code, out = run_cli(capsys, "sweep", str(config))
    assert code == 2 and f"{config}: conditions:" in out and "'gold'" in out
    assert server.request_count == 0


# --------------------------------------------------------------------------------------------
# issue 14's smaller points: each value named, one error style, exit 2, nothing requested
# --------------------------------------------------------------------------------------------


def usage(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of a command that may end in argparse's own exit."""
    try:
        code = main(list(args))
    except SystemExit as exit_:
        code = int(str(exit_.code))
    out = capsys.readouterr()
    return code, out.out, " ".join(out.err.split())


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--conditions", "free,free"), "free given twice"),
        (("--display", "fancy"), "invalid choice: 'fancy'"),
        (("--temperature", "-1"), "--temperature: must be 0 or more, got '-1'"),
        (("--model", "tiergap/hhh", "-M", "foo=bar"), "unknown model argument 'foo'"),
    ],
)
def test_bad_values_are_named_in_the_one_error_style(
    extra: tuple[str, ...],
    message: str,
    tmp_path: Path,
    server: FakeServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = usage(capsys, *run_args(tmp_path, *extra))
    assert code == 2 and out == ""
    assert f"tiergap: error: {message}" in err or ("tiergap: error:" in err and message in err)
    assert server.request_count == 0


def test_a_log_dir_that_is_a_file_is_named(
    tmp_path: Path, server: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "notes.txt"
    file.write_text("not a folder", encoding="utf-8")
    args = ["run", "emoji", "--model", MODEL, "-n", "2", "--log-dir", str(file)]
    code, _, err = usage(capsys, *args)
    assert code == 2 and f"tiergap: error: --log-dir {file}: is a file, not a folder" in err
    code, _, err = usage(capsys, "analyze", str(file))
    assert code == 2 and f"tiergap: error: log directory {file} is a file" in err
    assert server.request_count == 0


def test_n_above_the_query_file_says_it_was_capped(
    tmp_path: Path, server: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    queries = tmp_path / "one.jsonl"
    queries.write_text('{"id": "q1", "text": "Name a colour."}\n', encoding="utf-8")
    code, out, err = usage(
        capsys, *run_args(tmp_path, "-n", "500", "--queries", str(queries), "--dry-run", "--json")
    )
    assert code == 0
    assert f"-n 500 is more than the 1 queries of {queries}: running 1 per condition" in err
    assert json.loads(out)["tasks"][0]["samples"] == 4  # 1 query x 4 conditions
    assert server.request_count == 0


def test_no_retries_means_one_attempt_and_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A wrong API key with --retry-on-error 0: each sample is asked once (no eval-set retry
    of the failed task), and the reason is one line."""
    with FakeServer(api_key="the-right-key", deadline=60) as fake:
        for name, value in fake.env("fakekey", api_key="a-wrong-key").items():
            monkeypatch.setenv(name, value)
        args = [
            "run", "emoji", "--model", fake.model_name("fakekey"), "-n", "2",
            "--conditions", "free", "--scratchpad", "none", "--retry-on-error", "0",
            "--log-dir", str(tmp_path / "logs"),
        ]  # fmt: skip
        code, _, err = usage(capsys, *args)
        assert code == 1
        assert fake.request_count == 2
    assert "fake-model: run error: Error code: 401" in err


def test_the_emoji_task_takes_tiers() -> None:
    from tiergap.harness.tasks import emoji

    task = emoji(tiers="three", n=1)
    conditions = {str((s.metadata or {})["condition"]) for s in task.dataset}
    assert {"free", "pro", "enterprise", "baseline"} <= conditions
