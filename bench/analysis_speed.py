"""Analysis speed: ``tiergap analyze`` on ~100k samples vs ``inspect_ai.analysis.samples_df``.

The logs are inspect ``.eval`` files made from one real run of the emoji task on a simulated
model (585 samples: 195 queries × free/paid/baseline), copied into 10 logs of 17 epochs each as
if 10 models had been run 17 times (99,450 samples), each with its own ids. They are written
once to ``--data`` (default: a folder in the system's temporary directory) and reused.

Each measurement is a fresh Python process, alternating between the two, so both pay their
imports; the table gives wall time (with and without imports) and peak memory (max RSS).
Target: tiergap analyze no slower than samples_df.

    .venv/bin/python bench/analysis_speed.py [--data DIR] [--repeats 2]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("INSPECT_DISPLAY", "none")

LOGS = 10
EPOCHS = 17
MARKER = "complete.json"

PEAK = """
def peak_mb():
    # VmHWM: this process's peak resident memory (ru_maxrss is inherited across exec)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
"""

TIERGAP = (
    PEAK
    + """
import io, json, sys, time, contextlib
started = time.perf_counter()
from tiergap.commands.analyze import analyze
from rich.console import Console
imported = time.perf_counter()
sink = io.StringIO()
with contextlib.redirect_stdout(sink):
    code = analyze(__import__("pathlib").Path(sys.argv[1]), True, 0.15, Console(file=io.StringIO()))
done = time.perf_counter()
payload = json.loads(sink.getvalue())
n = sum(c["n"] for m in payload["models"] for c in m["conditions"].values())
print(json.dumps({"total": done - started, "work": done - imported, "samples": n,
                  "rss_mb": peak_mb()}))
"""
)

SAMPLES_DF = (
    PEAK
    + """
import json, sys, time
started = time.perf_counter()
from inspect_ai.analysis import samples_df
imported = time.perf_counter()
frame = samples_df(sys.argv[1])
done = time.perf_counter()
print(json.dumps({"total": done - started, "work": done - imported, "samples": len(frame),
                  "rss_mb": peak_mb()}))
"""
)


def _patch_ids(spec: dict[str, Any], index: int, epochs: int) -> None:
    spec["eval_id"] = f"bench-eval-{index:02d}"
    spec["run_id"] = f"bench-run-{index:02d}"
    spec["task_id"] = f"bench-task-{index:02d}"
    spec["model"] = f"tiergap/bench-{index:02d}"
    spec.setdefault("config", {})["epochs"] = epochs


def build(folder: Path) -> int:
    """Write the benchmark logs (once); returns the number of samples.

    One real run gives the template; each copy gets its own eval, run and task ids, model
    name and sample uuids (readers key caches and de-duplication on them), with the samples
    repeated over epochs. Written member by member with zipfile (zstd, as inspect writes).
    """
    marker = folder / MARKER
    if marker.exists():
        return int(json.loads(marker.read_text())["samples"])
    import zipfile

    import zipfile_zstd  # type: ignore[import-untyped]  # zstd for zipfile, as in .eval files
    from inspect_ai import eval

    from tiergap.experiment.spec import ExperimentSpec
    from tiergap.harness.run import build_task

    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.eval"):
        old.unlink()
    with tempfile.TemporaryDirectory() as scratch:
        task = build_task(ExperimentSpec())
        (header,) = eval(task, model="tiergap/reward-hacker", log_dir=scratch, log_realtime=False)
        with zipfile.ZipFile(header.location) as template:
            members = {name: template.read(name) for name in template.namelist()}
    samples = {
        name: json.loads(data) for name, data in members.items() if name.startswith("samples/")
    }
    summaries = json.loads(members["summaries.json"])
    total = 0
    for index in range(LOGS):
        path = folder / f"2026-01-01T00-00-{index:02d}+00-00_emoji_bench{index:02d}.eval"
        with zipfile.ZipFile(path, "w", compression=zipfile_zstd.ZIP_ZSTANDARD) as out:
            start = json.loads(members["_journal/start.json"])
            _patch_ids(start["eval"], index, EPOCHS)
            out.writestr("_journal/start.json", json.dumps(start))
            rows = []
            for epoch in range(1, EPOCHS + 1):
                for sample in samples.values():
                    uid = f"bench-{index:02d}-{epoch:02d}-{sample['id']}"
                    copy = {**sample, "epoch": epoch, "uuid": uid}
                    out.writestr(f"samples/{sample['id']}_epoch_{epoch}.json", json.dumps(copy))
                rows += [{**row, "epoch": epoch, "uuid": f"bench-{index:02d}-{epoch:02d}-"
                          f"{row['id']}"} for row in summaries]  # fmt: skip
            out.writestr("summaries.json", json.dumps(rows))
            out.writestr("reductions.json", members["reductions.json"])
            head = json.loads(members["header.json"])
            _patch_ids(head["eval"], index, EPOCHS)
            if head.get("results"):
                head["results"]["total_samples"] = len(rows)
                head["results"]["completed_samples"] = len(rows)
            out.writestr("header.json", json.dumps(head))
        total += len(rows)
        print(f"  wrote {path.name}: {len(rows)} samples", flush=True)
    marker.write_text(json.dumps({"samples": total, "logs": LOGS, "epochs": EPOCHS}))
    return total


def measure(script: str, folder: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", script, str(folder)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "INSPECT_DISPLAY": "none"},
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default = Path(tempfile.gettempdir()) / "tiergap-bench-analysis-100k"
    parser.add_argument("--data", type=Path, default=default)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()

    started = time.perf_counter()
    samples = build(args.data)
    size = sum(p.stat().st_size for p in args.data.glob("*.eval")) / 1e6
    print(f"{samples} samples in {LOGS} logs ({size:.0f} MB) at {args.data} "
          f"(ready in {time.perf_counter() - started:.0f} s)", flush=True)  # fmt: skip

    runs: dict[str, list[dict[str, float]]] = {"tiergap analyze": [], "samples_df": []}
    scripts = {"tiergap analyze": TIERGAP, "samples_df": SAMPLES_DF}
    for repeat in range(args.repeats):
        order = list(scripts) if repeat % 2 == 0 else list(reversed(scripts))
        for name in order:
            result = measure(scripts[name], args.data)
            runs[name].append(result)
            print(f"  {name:16s} run {repeat + 1}: {result['total']:6.2f} s "
                  f"({result['work']:6.2f} s after imports), {result['rss_mb']:7.0f} MB peak, "
                  f"{int(result['samples'])} samples", flush=True)  # fmt: skip
    summary = {
        name: {key: statistics.median(r[key] for r in results) for key in results[0]}
        for name, results in runs.items()
    }
    print(f"median of {args.repeats} runs each:")
    for name, values in summary.items():
        print(f"  {name:16s}: {values['total']:6.2f} s total, {values['work']:6.2f} s after "
              f"imports, peak RSS {values['rss_mb']:.0f} MB")  # fmt: skip
    ours, theirs = summary["tiergap analyze"], summary["samples_df"]
    ratio = theirs["total"] / ours["total"]
    verdict = "met" if ratio >= 1.0 else "NOT met"
    print(f"speed ratio samples_df time / tiergap analyze time: {ratio:.2f} "
          f"(target >= 1, no slower: {verdict}); after imports: "
          f"{theirs['work'] / ours['work']:.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
