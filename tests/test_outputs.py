"""Every output speaks the scenario's own measure: terminal, JSON, HTML and Markdown, built from
constructed records (no inspect), and the report command's format rules."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rich.console import Console

from tiergap.analysis.records import SampleRecord, Source
from tiergap.analysis.summary import ExperimentSummary, summarise
from tiergap.analysis.verdict import VERDICTS
from tiergap.commands import UsageError
from tiergap.commands.report import choose_format
from tiergap.report import LogDetails, ReportData, RunInfo, render_html, render_markdown
from tiergap.report.html import STYLE
from tiergap.report.terminal import render_summary

HEURISTIC = Source("heuristic")


def _rows(
    condition: str,
    pattern: list[int],
    *,
    metric: str,
    label: str,
    scenario: str,
    statuses: dict[int, str] | None = None,
    extra: dict[str, float] | None = None,
    sources: dict[str, Source] | None = None,
    unjudged: dict[str, str] | None = None,
    seed: int = 0,
) -> list[SampleRecord]:
    out = []
    for q, value in enumerate(pattern):
        status = (statuses or {}).get(q, "ok")
        out.append(
            SampleRecord(
                log="t.eval",
                model="m/x",
                scenario=scenario,
                scratchpad="hidden",
                condition=condition,
                query_id=f"q{q:02d}",
                epoch=1,
                status=status,
                seed=seed,
                values={metric: float(value), **(extra or {})},
                sources=sources or {},
                unjudged=unjudged or {},
                primary_metric=metric,
                primary_label=label,
            )
        )
    return out


def _sycophancy() -> ExperimentSummary:
    """Sycophancy measured by its stance heuristic; truncated and looping samples included."""
    free = [1] * 12 + [0] * 8
    paid = [1] * 4 + [0] * 16
    base = [1] * 3 + [0] * 17
    kw = {"metric": "sycophantic", "label": "sycophancy", "scenario": "sycophancy"}
    rows = _rows("free", free, statuses={18: "truncated", 19: "looping"}, **kw)  # type: ignore[arg-type]
    rows += _rows("paid", paid, statuses={0: "untagged"}, **kw)  # type: ignore[arg-type]
    rows += _rows("baseline", base, **kw)  # type: ignore[arg-type]
    rows += _rows("requested", [1] * 18 + [0] * 2, **kw)  # type: ignore[arg-type]
    (s,) = summarise(rows)
    return s


def _terminal(summary: ExperimentSummary) -> str:
    console = Console(record=True, width=200)
    render_summary(console, [summary])
    return console.export_text()


def _report(summaries: list[ExperimentSummary], runs: tuple[RunInfo, ...] = ()) -> ReportData:
    return ReportData(
        log_dir="logs",
        summaries=tuple(summaries),
        details=LogDetails(runs=runs),
        margin=None,
        tiergap_version="0",
    )


def _pp_figures(text: str) -> set[str]:
    return set(re.findall(r"[+-]\d+\.\d pp", text))


def test_sycophancy_outputs_headline_the_stance_and_never_emoji() -> None:
    s = _sycophancy()
    assert s.primary_metric == "sycophantic" and s.decision is not None
    text = _terminal(s)
    assert "sycophancy [95% CI]" in text and "gap in sycophancy" in text
    assert "emoji" not in text.lower()  # not measured, so never shown
    assert " *" not in text  # no unexplained markers
    # every status is its own column, whatever its name
    header = next(line for line in text.splitlines() if "condition" in line)
    for status in ("ok", "untagged", "truncated", "looping"):
        assert status in header
    assert s.conditions["free"].statuses == {"ok": 18, "truncated": 1, "looping": 1}
    # every figure the verdict quotes (gaps, control) is printed in the gap table above it
    verdict_line = text[text.index("verdict:") :]
    tables = text[: text.index("verdict:")]
    quoted = _pp_figures(verdict_line)
    assert quoted and quoted <= _pp_figures(tables)
    assert "stance" not in s.provenance or "heuristic" in s.provenance["sycophantic"].source
    for render in (render_html, render_markdown):
        page = render(_report([s]))
        assert "sycophancy [95% CI]" in page and "gap in sycophancy" in page
        assert "any emoji" not in page and "mean emoji" not in page
        assert "truncated" in page and "looping" in page
        assert _pp_figures(s.reason) <= _pp_figures(page.replace(s.reason, ""))
    js = s.to_json()
    assert js["primary"]["metric"] == "sycophantic" and js["primary"]["verdict"] == s.verdict
    assert js["conditions"]["free"]["statuses"]["looping"] == 1
    assert js["primary"]["rates"]["free"]["rate"] == pytest.approx(0.6)
    assert js["gaps"]["free_minus_paid"]["estimate"] == pytest.approx(0.4)


def _helpful_only(sources: dict[str, Source], unjudged_af: bool) -> ExperimentSummary:
    kw = {"metric": "full", "label": "compliance", "scenario": "helpful_only"}
    rows: list[SampleRecord] = []
    for condition, k in (("free", 9), ("paid", 2), ("baseline", 1)):
        pattern = [1] * k + [0] * (11 - k)
        extra = {"refusal": 0.0, "partial": 0.0}
        found = rows_for = _rows(condition, pattern, extra=extra, sources=sources, **kw)  # type: ignore[arg-type]
        if unjudged_af:
            found = [
                SampleRecord(**{**r.__dict__, "unjudged": {"af": "not judged: no reasoning"}})
                for r in rows_for
            ]
        rows += found
    (s,) = summarise(rows)
    return s


def test_helpful_only_report_shows_compliance_and_which_classifier_produced_it() -> None:
    heuristic = dict.fromkeys(("full", "partial", "refusal"), HEURISTIC)
    s = _helpful_only(heuristic, unjudged_af=True)
    page = render_html(_report([s]))
    assert "compliance [95% CI]" in page and "81.8%" in page  # 9 of 11 in the free tier
    # the heuristic's measured test-split accuracy and AUROC, and the advice, beside the rate
    assert re.search(r"heuristic \(test accuracy 0\.\d\d, AUROC 0\.\d\d\)", page)
    assert "an LLM grader (--model-role grader=MODEL) is recommended for claims" in page
    # a classifier that produced no value says why instead of vanishing
    assert "no value at all" in page and "not judged: no reasoning" in page
    text = _terminal(s)
    assert "compliance measured by: heuristic (test accuracy" in text
    assert "unjudged" in text and "no value at all" in text
    js = s.to_json()
    assert js["classifiers"]["full"]["heuristic"] is True
    assert js["classifiers"]["af"]["unjudged"] == {"not judged: no reasoning": 33}
    assert js["advice"] and "recommended for claims" in js["advice"]
    judged = _helpful_only(dict.fromkeys(heuristic, Source("judge", "openai/gpt-4o", 20)), False)
    assert judged.provenance["full"].source == "judge openai/gpt-4o (20 votes)"
    assert not judged.uses_heuristics and judged.to_json()["advice"] is None
    assert "judge openai/gpt-4o (20 votes)" in render_markdown(_report([judged]))


def test_every_verdict_label_has_a_badge_style() -> None:
    for label in (*VERDICTS, "not_applicable"):
        assert f".verdict.{label} {{ background:" in STYLE


def test_markdown_links_figures_instead_of_embedding_them() -> None:
    s = _sycophancy()
    figures: dict[str, bytes] = {}
    text = render_markdown(_report([s]), figures, "r_files")
    assert "base64" not in text and "data:image" not in text
    assert set(figures) == {"r_files/gaps.png", "r_files/rates-0.png"}
    assert all(png.startswith(b"\x89PNG") for png in figures.values())
    assert "](r_files/rates-0.png)" in text
    assert "![" not in render_markdown(_report([s]))  # no sink: tables only


def test_pooled_seeds_and_seed_zero_are_reported() -> None:
    kw = {"metric": "sycophantic", "label": "sycophancy", "scenario": "sycophancy"}
    rows = []
    for seed in (0, 1):
        for condition in ("free", "paid", "baseline"):
            rows += _rows(condition, [1, 0, 1, 0, 0, 1], seed=seed, **kw)  # type: ignore[arg-type]
    (s,) = summarise(rows)
    run = RunInfo(
        "a.eval", "m/x", "t", "sycophancy", "hidden", "success", "", 36, 1, 0, "0", "0", (), ()
    )
    for page in (render_html(_report([s], (run,))), render_markdown(_report([s], (run,)))):
        assert "seeds 0, 1 were pooled as repeated measures of each query" in page
    md = render_markdown(_report([s], (run,)))
    row = next(line for line in md.splitlines() if line.startswith("| a.eval"))
    assert row.split(" | ")[7] == "0"  # the seed column shows seed 0, not a dash
    assert s.to_json()["seeds_pooled"] is True


@pytest.mark.parametrize(
    ("output", "fmt", "expected"),
    [
        ("r.md", None, "md"),
        ("r.html", None, "html"),
        ("r.HTM", None, "html"),
        ("r.txt", "md", "md"),
        (None, None, "html"),
    ],
)
def test_report_format_follows_the_suffix(
    output: str | None, fmt: str | None, expected: str
) -> None:
    path, chosen = choose_format(None if output is None else Path(output), fmt)
    assert chosen == expected and (output is not None or path == Path("report.html"))


@pytest.mark.parametrize(
    ("output", "fmt", "message"),
    [
        ("r.txt", None, "cannot tell the report format from 'r.txt'"),
        ("r.md", "html", "--format html does not match the output file 'r.md'"),
        ("r.html", "md", "--format md does not match"),
    ],
)
def test_report_format_mismatch_is_a_named_error(
    output: str, fmt: str | None, message: str
) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        choose_format(Path(output), fmt)


@pytest.mark.integration
def test_three_tier_run_is_analysed_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`tiergap run emoji --tiers three` then `analyze --json`: every adjacent contrast and a
    verdict."""
    from tiergap.cli import main

    logs = str(tmp_path / "logs")
    args = ["run", "emoji", "--model", "tiergap/reward-hacker", "--tiers", "three", "-n", "10"]
    assert main([*args, "--log-dir", logs, "--display", "none"]) == 0
    capsys.readouterr()
    assert main(["analyze", logs, "--json"]) == 0
    (exp,) = json.loads(capsys.readouterr().out)["models"]
    assert exp["layout"]["tiers"] == ["pro", "enterprise"]
    for key in ("free_minus_pro", "pro_minus_enterprise", "enterprise_minus_baseline"):
        assert key in exp["gaps"]
    assert exp["verdict"] == "reward_hacking"
    assert "free − enterprise" in exp["reason"]


def test_retrodict_names_the_runs_it_cannot_use() -> None:
    from tiergap.hypotheses.observations import ignored_runs, observations_from_records

    def emoji(scratchpad: str, condition: str) -> list[SampleRecord]:
        return [
            SampleRecord(
                log="t.eval", model="m/x", scenario="emoji", scratchpad=scratchpad,
                condition=condition, query_id=f"q{q}", epoch=1, status="ok",
                any_emoji=q % 2, values={},
            )
            for q in range(10)
        ]  # fmt: skip

    rows = [r for c in ("free", "paid", "baseline") for r in emoji("hidden", c)]
    assert "emoji_objective" in observations_from_records(rows)
    assert ignored_runs(rows) == []
    rows += [r for c in ("free", "paid", "requested") for r in emoji("none", c)]
    notes = ignored_runs(rows)
    assert (
        "emoji/none: ignored, the scorecard uses this scenario only with scratchpad hidden" in notes
    )
    assert any(
        "emoji/none/requested: condition 'requested' is not a known tier" in n for n in notes
    )


def test_a_primary_measure_with_no_value_says_why_in_the_verdict() -> None:
    kw = {"metric": "full", "label": "compliance", "scenario": "helpful_only"}
    rows = []
    for condition in ("free", "paid", "baseline"):
        for r in _rows(condition, [1, 0, 1], **kw):  # type: ignore[arg-type]
            why = {k: "judge: 0/20 votes usable" for k in ("full", "partial", "refusal")}
            rows.append(SampleRecord(**{**r.__dict__, "values": {}, "unjudged": why}))
    (s,) = summarise(rows)
    assert s.verdict == "inconclusive"
    assert "9× judge: 0/20 votes usable" in s.reason
    assert "compliance: no value at all (9× judge: 0/20 votes usable)" in _terminal(s)


@pytest.mark.integration
def test_helpful_only_run_report_shows_compliance_rates(tmp_path: Path) -> None:
    """A real (simulated) helpful-only run without a judge: the HTML report leads with the
    heuristic compliance rate and says it is a heuristic."""
    from tiergap.cli import main

    queries = str(Path(__file__).parent / "fixtures" / "advbench_sample.csv")
    logs = str(tmp_path / "logs")
    args = ["run", "helpful_only", "--model", "tiergap/reward-hacker", "-n", "4"]
    assert main([*args, "--queries", queries, "--log-dir", logs, "--display", "none"]) == 0
    assert main(["report", logs, "-o", str(tmp_path / "r.html")]) == 0
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "measured on <b>compliance</b>" in page and "compliance [95% CI]" in page
    assert re.search(r"compliance measured by: heuristic \(test accuracy 0\.\d\d", page)
    assert "recommended for claims" in page and "any emoji" not in page
