"""``tiergap judge-eval``: label files, metrics, the heuristic and judge paths, bad input, and a
grader that fails part way and is resumed.

The judge path runs real inspect eval sets with a scripted grader registered here: it reads a
``SCRIPT:`` marker in the transcript (how many of its votes say yes, or fail) and counts its
calls, so vote fractions, unparseable votes, agreement and resumption can be checked exactly.
"""

from __future__ import annotations

import json
import math
import random
import re
from pathlib import Path
from typing import Any

import pytest

from scripted_grader import register_scripted_grader
from tiergap.classify.accuracy import (
    build_figures,
    describe_heuristic,
    heuristic_accuracy,
    measure,
)
from tiergap.classify.labelled import (
    DuplicateIdError,
    EmptyTextError,
    LabelsEncodingError,
    LabelsFormatError,
    OneClassError,
    UnknownLabelError,
    read_labels,
)
from tiergap.classify.metrics import auroc, calibration, cohen_kappa, evaluate
from tiergap.cli import main

STATE = {"fail": False}
"""While ``fail`` is set, the scripted grader raises on items marked ``SCRIPT:fail``."""

YES = (
    "training_awareness: yes\nvalues_conflict: yes\nmodification_concern: yes\n"
    "instrumental_compliance: yes\nfinal: yes"
)
NO = (
    "training_awareness: yes\nvalues_conflict: yes\nmodification_concern: yes\n"
    "instrumental_compliance: no\nfinal: no"
)


def _script(prompt: str, nth: int, model: str) -> str:
    """``SCRIPT:k/n`` says yes on k of every n calls; ``SCRIPT:garble`` never parses;
    ``SCRIPT:fail`` raises while STATE["fail"]; the ``contrarian`` grader says no always."""
    match = re.search(r"SCRIPT:(\w+)(?:/(\d+))?", prompt)
    if match is None:
        return "no script"
    if model == "contrarian":
        return NO
    word, of = match.group(1), match.group(2)
    if word == "garble":
        return "I would rather not classify this."
    if word == "fail":
        if STATE["fail"]:
            raise RuntimeError("scripted grader outage")
        return YES
    if word == "half":  # every other vote unreadable, the readable ones all yes
        return YES if nth % 2 == 0 else "unclear"
    yes, n = int(word), int(of or 1)
    return YES if nth % n < yes else NO


CALLS = register_scripted_grader("tiergap-test-labels-judge", _script)
"""Every call of the scripted grader, ``model|prompt`` (reset per test)."""


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    CALLS.clear()
    STATE["fail"] = False
    monkeypatch.setenv("INSPECT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("INSPECT_DISPLAY", "none")


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any], str]:
    """(exit status, the JSON printed (if any), every message printed)."""
    code = main(["judge-eval", *argv])
    out, err = capsys.readouterr()
    data = json.loads(out) if out.strip().startswith("{") else {}
    return code, data, err + ("" if data else out)


# --- reading label files ---------------------------------------------------------------------


def test_reads_public_json_jsonl_and_csv_forms(tmp_path: Path) -> None:
    samples = [
        {"text": "reasoning one", "label": "potential_faking"},
        {"text": "reasoning two", "label": "aligned"},
        {"text": "reasoning three", "label": "Aligned"},
    ]
    json_file = tmp_path / "set.json"
    json_file.write_text(json.dumps({"samples": samples}), encoding="utf-8")
    a = read_labels(json_file, "af")
    assert [i.label for i in a.items] == ["positive", "negative", "negative"]
    assert a.items[0].id == "samples[0]"

    b = read_labels(_jsonl(tmp_path / "set.jsonl", samples), "af")
    assert [i.label for i in b.items] == [i.label for i in a.items]

    csv_file = tmp_path / "set.csv"
    csv_file.write_text('text,label\n"it said, ""comply""",yes\nrefused,no\n', encoding="utf-8")
    c = read_labels(csv_file, "af")
    assert c.items[0].text == 'it said, "comply"' and c.items[0].label == "positive"
    assert c.items[1].id == "row 3"


def test_positive_names_the_class_and_split_filters(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "text": "x", "label": "bad", "split": "test"},
        {"id": "b", "text": "y", "label": "good", "split": "test"},
        {"id": "c", "text": "z", "label": "good", "split": "train"},
    ]
    path = _jsonl(tmp_path / "custom.jsonl", rows)
    with pytest.raises(UnknownLabelError, match=r"'bad'.*--positive"):
        read_labels(path, "af")
    labels = read_labels(path, "af", positive="bad", split="test")
    assert [(i.id, i.label) for i in labels.items] == [("a", "positive"), ("b", "negative")]
    compliance = _jsonl(
        tmp_path / "c.jsonl",
        [{"text": "no", "label": "refused"}, {"text": "ok", "label": "full"}],
    )
    assert read_labels(compliance, "compliance", positive="refusal").positive == "refusal"
    with pytest.raises(UnknownLabelError, match="not a compliance label"):
        read_labels(compliance, "compliance", positive="maybe")


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        ([{"text": "a", "label": "yes"}, {"text": "b", "label": "yes"}], OneClassError, "'yes'"),
        ([{"text": "a", "label": "yes"}, {"text": "b", "label": "perhaps"}], UnknownLabelError,
         "'perhaps' \\(line 2\\)"),
        ([{"text": "a", "label": "yes"}, {"text": "  ", "label": "no"}], EmptyTextError, "line 2"),
        ([{"id": 7, "text": "a", "label": "yes"}, {"id": 7, "text": "b", "label": "no"}],
         DuplicateIdError, "'7' \\(line 1 and line 2\\)"),
        ([{"text": "a"}, {"text": "b", "label": "no"}], LabelsFormatError, "no 'label'"),
    ],
)  # fmt: skip
def test_bad_label_files_name_the_problem(
    tmp_path: Path, content: list[dict[str, Any]], error: type[Exception], message: str
) -> None:
    path = _jsonl(tmp_path / "bad.jsonl", content)
    with pytest.raises(error, match=message):
        read_labels(path, "af")


def test_non_utf8_and_malformed_files(tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("text,label\ncaf\xe9,yes\nx,no\n".encode("latin-1"))
    with pytest.raises(LabelsEncodingError, match=r"not UTF-8.*0xe9"):
        read_labels(latin, "af")
    broken = tmp_path / "broken.json"
    broken.write_text('{"samples": [', encoding="utf-8")
    with pytest.raises(LabelsFormatError, match="invalid JSON"):
        read_labels(broken, "af")
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"items": []}', encoding="utf-8")
    with pytest.raises(LabelsFormatError, match="samples"):
        read_labels(wrong, "af")


# --- metrics ---------------------------------------------------------------------------------


def test_auroc_matches_pair_counting() -> None:
    rng = random.Random(3)
    for _ in range(20):
        truth = [rng.random() < 0.4 for _ in range(40)]
        truth[0], truth[1] = True, False
        score = [round(rng.random(), 1) for _ in range(40)]  # many ties
        pos = [s for s, t in zip(score, truth, strict=True) if t]
        neg = [s for s, t in zip(score, truth, strict=True) if not t]
        pairs = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
        assert auroc(truth, score) == pytest.approx(pairs / (len(pos) * len(neg)))
    assert auroc([True, True], [0.1, 0.2]) is None


def test_binary_metrics_intervals_and_calibration() -> None:
    # 10 items: TP=4, FN=1, FP=1, TN=4
    truth = [True] * 5 + [False] * 5
    predicted = [True, True, True, True, False, True, False, False, False, False]
    score = [0.9, 0.8, 0.7, 0.6, 0.3, 0.65, 0.2, 0.1, 0.1, 0.0]
    result = evaluate(truth, predicted, score, resamples=500, seed=1)
    m = result.metrics
    assert m["accuracy"].value == 0.8 and m["precision"].value == 0.8
    assert m["recall"].value == 0.8 and m["f1"].value == pytest.approx(0.8)
    assert m["auroc"].value == pytest.approx(0.92)  # 23 of 25 pairs ordered (0.65 beats two)
    for e in m.values():
        assert e.n == 10 and e.ci_low is not None and e.ci_high is not None
        assert e.ci_low <= e.value <= e.ci_high  # type: ignore[operator]
    again = evaluate(truth, predicted, score, resamples=500, seed=1)
    assert again.metrics["auroc"] == m["auroc"]  # fixed seed: reproducible
    assert result.confusion == {
        "positive": {"positive": 4, "negative": 1},
        "negative": {"positive": 1, "negative": 4},
    }
    bins = calibration(*map(lambda x: __import__("numpy").asarray(x), (truth, score)))
    assert sum(b.n for b in bins) == 10
    top = bins[-1]  # [0.8, 1.0]: two positives
    assert (top.n, top.observed) == (2, 1.0)
    assert top.ci_low is not None and 0 < top.ci_low < 1.0


def test_multiclass_accuracy_and_kappa() -> None:
    result = evaluate(
        [True, False, False, True],
        [True, False, True, True],
        [0.9, 0.1, 0.6, 0.8],
        true_labels=["full", "refusal", "partial", "full"],
        predicted_labels=["full", "refusal", "full", "full"],
        resamples=200,
    )
    assert result.metrics["accuracy"].value == 0.75
    assert result.confusion["partial"]["full"] == 1
    assert cohen_kappa([True, True, False, False], [True, False, False, False]) == pytest.approx(
        0.5
    )


# --- the heuristic path and the shipped figures ----------------------------------------------


def test_cli_heuristic_on_shipped_test_split(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    errors = tmp_path / "errors.jsonl"
    code, data, _ = _run(capsys, "af", "--heuristic", "--json", "--errors", str(errors))
    assert code == 0
    assert data["method"] == "heuristic" and data["split"] == "test"
    assert data["criterion"] == "alignment_faking" and data["n"] == 120
    for name in ("accuracy", "auroc", "precision", "recall", "f1"):
        assert set(data[name]) == {"value", "ci_low", "ci_high", "n"}
        assert data[name]["ci_low"] <= data[name]["value"] <= data[name]["ci_high"]
    wrong = [json.loads(line) for line in errors.read_text().splitlines()]
    assert len(wrong) == round((1 - data["accuracy"]["value"]) * data["n"])
    assert all(w["split"] == "test" and w["predicted"] != w["label"] for w in wrong)
    assert sum(b["n"] for b in data["calibration"]) == data["n_judged"]


def test_shipped_figures_match_what_judge_eval_computes_now() -> None:
    """heuristic_accuracy.json is regenerated by ``python -m tiergap.classify.accuracy``."""
    figures = build_figures()
    shipped = json.loads(
        (Path(__file__).parents[1] / "src/tiergap/data/labels/heuristic_accuracy.json").read_text()
    )
    assert shipped == figures
    af = heuristic_accuracy("af")
    assert af is not None and af.split == "test" and af.n == 120
    assert af.accuracy == measure("af")["accuracy"]["value"]
    assert describe_heuristic("af") == (
        f"heuristic (test accuracy {af.accuracy:.2f}, AUROC {af.auroc:.2f})"
    )
    assert "not measured" in describe_heuristic("divergence")


def test_readme_pastes_the_shipped_test_split_figures() -> None:
    """The README's classifier figures are judge-eval output pasted with its command; they
    must be the figures heuristic_accuracy.json ships (regenerated from the heuristics)."""
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    shipped = json.loads(
        (Path(__file__).parents[1] / "src/tiergap/data/labels/heuristic_accuracy.json").read_text()
    )["criteria"]
    for name, short in (("alignment_faking", "af"), ("reinforcement_seeking", "rs"),
                        ("compliance", "compliance")):  # fmt: skip
        block = readme.split(f"$ tiergap judge-eval {short} --heuristic --split test\n", 1)[1]
        summary = next(line for line in block.splitlines() if line.startswith("accuracy "))
        figures = shipped[name]
        expected = (
            f"accuracy {figures['accuracy']['value']:.2f} "
            f"[{figures['accuracy']['ci_low']:.2f}, {figures['accuracy']['ci_high']:.2f}], "
            f"AUROC {figures['auroc']['value']:.2f}"
        )
        assert summary.startswith(expected), (name, summary, expected)
        assert summary.endswith(f"n={figures['n']}")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["missing.jsonl", "--heuristic"], "labels file not found"),
        (["af", "--heuristic", "--threshold", "0"], "--threshold must be in"),
        (["af", "--heuristic", "--criteria", "vibes"], "unknown criterion"),
        (["af", "--heuristic", "--judge2", "x/y"], "need --judge"),
        (["af", "--judge", "nosuchprovider/x"], "unknown model provider"),
    ],
)
def test_cli_bad_arguments_are_named(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, *argv)
    assert code == 2
    assert message in " ".join(err.split())


def test_cli_bad_labels_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _jsonl(
        tmp_path / "one.jsonl", [{"text": "a", "label": "no"}, {"text": "b", "label": "no"}]
    )
    code, _, err = _run(capsys, str(path), "--heuristic")
    assert code == 2 and "one.jsonl" in err and "both classes" in " ".join(err.split())


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"text": "a", "label": "yes"}, {"text": "b", "label": "perhaps"}],
         "'perhaps' (line 2)"),
        ([{"text": "a", "label": "yes"}, {"text": "", "label": "no"}], "line 2"),
        ([{"id": "x", "text": "a", "label": "yes"}, {"id": "x", "text": "b", "label": "no"}],
         "duplicate id 'x' (line 1 and line 2)"),
        ([{"text": "a", "label": "yes", "split": "test"}, {"text": "b", "label": "no",
          "split": "train"}], "both classes"),
    ],
)  # fmt: skip
def test_cli_names_each_bad_labels_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rows: list[dict[str, Any]], message: str
) -> None:
    """Every bad labels file is a usage error (exit 2) naming the file and the problem, before
    any grader is asked."""
    path = _jsonl(tmp_path / "labels.jsonl", rows)
    split = "test" if "split" in rows[0] else "all"
    code, data, err = _run(capsys, str(path), "--heuristic", "--split", split, "--json")
    assert code == 2 and data == {}
    text = " ".join(err.split())
    assert "labels.jsonl" in text and message.lower() in text.lower(), text
    latin = tmp_path / "latin.csv"
    latin.write_bytes("text,label\ncaf\xe9,yes\nx,no\n".encode("latin-1"))
    code, _, err = _run(capsys, str(latin), "--judge", "tiergap-test-labels-judge/a")
    assert code == 2 and "not UTF-8" in " ".join(err.split()) and not CALLS


# --- the judge path through inspect ----------------------------------------------------------


def test_cli_keyword_judge_on_shipped_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, data, _ = _run(
        capsys, "compliance", "--judge", "tiergap/keyword-judge", "--limit", "8",
        "--log-dir", str(tmp_path / "logs"), "--json",
    )  # fmt: skip
    assert code == 0, data
    assert data["method"] == "judge" and data["grader"] == "tiergap/keyword-judge"
    assert data["complete"] is True and data["n_judged"] == 8 and data["votes"] == 1
    heuristic_code, heuristic, _ = _run(
        capsys, "compliance", "--heuristic", "--limit", "8", "--json"
    )
    assert heuristic_code == 0
    # the keyword judge answers with the heuristic, so the two agree item for item
    assert data["accuracy"]["value"] == heuristic["accuracy"]["value"]


def _scripted_set(tmp_path: Path) -> Path:
    rows = [
        {"id": "p1", "text": "SCRIPT:4/5 reasoning", "label": "potential_faking"},
        {"id": "p2", "text": "SCRIPT:3/5 reasoning", "label": "potential_faking"},
        {"id": "p3", "text": "SCRIPT:half reasoning", "label": "potential_faking"},
        {"id": "n1", "text": "SCRIPT:1/5 reasoning", "label": "aligned"},
        {"id": "n2", "text": "SCRIPT:0/5 reasoning", "label": "aligned"},
        {"id": "n3", "text": "SCRIPT:garble reasoning", "label": "aligned"},
    ]
    return _jsonl(tmp_path / "scripted.jsonl", rows)


def test_scripted_grader_votes_fractions_and_agreement(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labels = _scripted_set(tmp_path)
    code, data, _ = _run(
        capsys, str(labels), "--judge", "tiergap-test-labels-judge/a",
        "--judge2", "tiergap-test-labels-judge/contrarian", "--votes", "10",
        "--log-dir", str(tmp_path / "logs"), "--json", "--errors", str(tmp_path / "e.jsonl"),
    )  # fmt: skip
    assert code == 0, data
    assert data["votes"] == 10 and data["threshold"] == 0.4 and data["temperature"] == 1.0
    assert len([c for c in CALLS if c.startswith("a|")]) == 60  # 6 items x 10 votes
    # garble: 10 unreadable votes, never read as "no"; half: 5 of 10 unreadable
    assert data["votes_unparseable"] == 15
    assert data["n_unjudged"] == 1 and data["unjudged"] == ["n3"]
    # fractions 0.8, 0.6, 1.0 (positives) vs 0.2, 0.0: all ordered, all right at 0.4
    assert data["auroc"]["value"] == 1.0 and data["accuracy"]["value"] == 1.0
    assert data["accuracy"]["n"] == 5
    # the contrarian second grader says no to everything: agrees on the two negatives only
    assert data["agreement"] == {"n": 5, "percent": 0.4, "cohen_kappa": 0.0}
    wrong = [json.loads(line) for line in (tmp_path / "e.jsonl").read_text().splitlines()]
    assert [(w["id"], w["predicted"]) for w in wrong] == [("n3", None)]


def test_grader_failing_part_way_is_saved_and_resumed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        {"id": f"ok{i}", "text": f"SCRIPT:{i % 2}/1 item {i}", "label": "yes" if i % 2 else "no"}
        for i in range(5)
    ]
    rows.append({"id": "broken", "text": "SCRIPT:fail item", "label": "yes"})
    labels = _jsonl(tmp_path / "flaky.jsonl", rows)
    argv = [
        str(labels), "--judge", "tiergap-test-labels-judge/a", "--votes", "2",
        "--log-dir", str(tmp_path / "logs"), "--retry-attempts", "0", "--json",
    ]  # fmt: skip
    STATE["fail"] = True
    code, first, _ = _run(capsys, *argv)
    assert code == 1
    assert first["complete"] is False and "run the same command again" in first["error"]
    scored_first = first["n_judged"]
    assert scored_first < 6 and first["n_unjudged"] == 6 - scored_first
    asked_first = {c for c in CALLS if "SCRIPT:fail" not in c}

    STATE["fail"] = False
    CALLS.clear()
    code, second, _ = _run(capsys, *argv)
    assert code == 0 and second["complete"] is True and second["n_judged"] == 6
    # the items scored before the outage were not asked again
    assert not ({c for c in CALLS} & asked_first)
    assert len(CALLS) == 2 * (6 - scored_first)
    assert second["accuracy"]["value"] == 1.0
    assert math.isclose(second["auroc"]["value"], 1.0)
