"""What tiergap relies on inside inspect (tiergap/harness/inspect_private.py) still exists.

When the pinned inspect-ai moves, these fail with the name that changed and the tiergap feature
that depends on it, instead of that feature breaking silently in a run.
"""

import importlib
import inspect as pyinspect
import json
import subprocess
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest
from inspect_ai import Task
from inspect_ai import eval as inspect_eval
from inspect_ai.dataset import Sample
from inspect_ai.log import read_eval_log_sample_summaries
from inspect_ai.model import GenerateConfig
from inspect_ai.scorer import Score, Scorer, Target, mean, scorer
from inspect_ai.solver import TaskState, generate

from tiergap.harness import inspect_private
from tiergap.harness.inspect_private import (
    EVAL_SUMMARIES_MEMBER,
    PRIVATE_NAMES,
    current_epoch,
    finished_log_summaries_json,
)

SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.mark.parametrize(("module", "name", "used_for"), PRIVATE_NAMES)
def test_private_name_is_still_provided(module: str, name: str, used_for: str) -> None:
    where = f"inspect-ai {version('inspect-ai')}"
    try:
        found = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as err:
        pytest.fail(
            f"{where} no longer provides {module}.{name} ({err}); tiergap uses it so that "
            f"{used_for}: update tiergap/harness/inspect_private.py for the new inspect"
        )
    assert callable(found), f"{where}: {module}.{name} is no longer callable ({used_for})"


def test_private_signatures_are_as_used() -> None:
    """The call shapes inspect_private.py relies on."""
    drain = importlib.import_module("inspect_ai._control.cancel").drain_task
    assert list(pyinspect.signature(drain).parameters)[:1] == ["task_id"], (
        "inspect_ai._control.cancel.drain_task no longer takes task_id first: --max-cost "
        "cannot stop a run"
    )
    assert current_epoch() == 1  # outside any sample
    assert isinstance(inspect_private.eval_generate_config(), GenerateConfig)


def test_only_inspect_private_imports_inspect_internals() -> None:
    done = subprocess.run(
        ["grep", "-rln", "inspect_ai\\._", str(SRC)], capture_output=True, text=True, check=False
    )
    files = sorted(Path(line).name for line in done.stdout.split())
    assert files == ["inspect_private.py"], files


@scorer(metrics=[mean()])
def answered() -> Scorer:
    async def score(state: TaskState, target: Target) -> Score:
        return Score(value=1.0, metadata={"epoch": current_epoch()})

    return score


def test_finished_eval_file_layout(tmp_path: Path) -> None:
    """A finished .eval archive holds every sample's summary in one JSON member, as the
    fast reader of tiergap analyze expects, and agrees with inspect's public reader."""
    task = Task(
        dataset=[Sample(input="hi", id="a"), Sample(input="ho", id="b")],
        solver=generate(),
        scorer=answered(),
    )
    (log,) = inspect_eval(task, model="tiergap/hhh", epochs=2, log_dir=str(tmp_path))
    assert log.status == "success"
    with zipfile.ZipFile(log.location) as archive:
        assert EVAL_SUMMARIES_MEMBER in archive.namelist(), (
            f"inspect-ai {version('inspect-ai')} no longer writes {EVAL_SUMMARIES_MEMBER} in "
            ".eval files: tiergap analyze falls back on the slower public reader"
        )
        assert isinstance(json.loads(archive.read(EVAL_SUMMARIES_MEMBER)), list)
    fast = finished_log_summaries_json(log.location)
    assert fast is not None
    public = read_eval_log_sample_summaries(log.location)
    assert sorted((r["id"], r["epoch"]) for r in fast) == sorted((s.id, s.epoch) for s in public)
    for row in fast:
        (score,) = row["scores"].values()
        assert score["value"] == 1.0 and score["metadata"]["epoch"] == row["epoch"]
    assert finished_log_summaries_json(str(tmp_path / "missing.eval")) is None
