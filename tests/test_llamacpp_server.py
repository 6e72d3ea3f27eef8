"""A real llama.cpp HTTP server on 127.0.0.1, reached through inspect's own openai-api provider.

This is the path a user with a local server takes (vLLM, Ollama and llama.cpp all speak the
OpenAI chat API): ``tiergap run emoji --model openai-api/llamacpp/NAME`` with
``LLAMACPP_BASE_URL``/``LLAMACPP_API_KEY`` set. The server is xllamacpp's, serving the embedded
SmolLM2 GGUF from a child process (so it is always stopped: closing its stdin ends it, and it
is killed if it does not exit). The OS picks a free port (port 0).

The server itself would generate up to ``SERVER_CEILING`` tokens per request; every answer
stopping at ``MAX_TOKENS`` therefore shows that the limit set in inspect's generate config
reached the server.
"""

from __future__ import annotations

import json
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from inspect_ai.log import read_eval_log

from tiergap.cli import main
from tiergap.harness.smollm2 import find_gguf

MAX_TOKENS = 24
SERVER_CEILING = 256
STARTUP_SECONDS = 60.0

# Run in a child process: prints the server's address, then serves until stdin is closed.
SERVE = f"""
import sys
import xllamacpp

params = xllamacpp.CommonParams()
params.model.path = sys.argv[1]
params.n_ctx = 4096
params.n_parallel = 1  # one slot: requests queue and reuse the shared system-prompt prefix
params.n_predict = {SERVER_CEILING}
params.cpuparams.n_threads = 1  # one thread: llama.cpp's spin-waits collapse on a busy box
params.cpuparams_batch.n_threads = 1
params.hostnames = ["127.0.0.1"]
params.port = 0
params.verbosity = -1
params.warmup = False
server = xllamacpp.Server(params)
print(server.listening_address, flush=True)
sys.stdin.read()
"""


def _stop(process: subprocess.Popen[str]) -> None:
    if process.stdin is not None and not process.stdin.closed:
        process.stdin.close()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)


@pytest.fixture
def llamacpp_server() -> Iterator[str]:
    """The base address (``http://127.0.0.1:PORT``) of a running llama.cpp server."""
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(find_gguf())],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], STARTUP_SECONDS)
        address = process.stdout.readline().strip() if ready else ""
        assert address.startswith("http://127.0.0.1:"), (
            f"llama.cpp server did not start (exit code {process.poll()}, said {address!r})"
        )
        yield address
    finally:
        _stop(process)
    assert process.returncode is not None
    port = int(address.rsplit(":", 1)[1])
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0, "the server still accepts connections"


@pytest.mark.integration
def test_run_emoji_through_a_real_llamacpp_server(
    llamacpp_server: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("LLAMACPP_BASE_URL", f"{llamacpp_server}/v1")
    monkeypatch.setenv("LLAMACPP_API_KEY", "local")  # llama.cpp ignores it; inspect needs one
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    started = time.monotonic()
    code = main([
        "run", "emoji", "--model", "openai-api/llamacpp/smollm2", "-n", "2",
        "--scratchpad", "none", "--conditions", "free,paid",
        "--log-dir", str(tmp_path), "--max-connections", "2",
        "--timeout", "120", "--max-retries", "1", "--max-tokens", str(MAX_TOKENS), "--json",
    ])  # fmt: skip
    elapsed = time.monotonic() - started
    assert code == 0
    payload = json.loads(capsys.readouterr().out)

    (log_file,) = tmp_path.glob("*.eval")
    log = read_eval_log(str(log_file))
    assert log.status == "success", log.error
    assert log.eval.model == "openai-api/llamacpp/smollm2"
    assert log.samples is not None and len(log.samples) == 4
    conditions = sorted(str(s.id).split(":")[0] for s in log.samples)
    assert conditions == ["free", "free", "paid", "paid"]
    for sample in log.samples:
        assert sample.error is None
        usage = sample.output.usage
        assert usage is not None and 0 < usage.output_tokens <= MAX_TOKENS, usage
        assert sample.output.completion.strip()
    # The limit did cut answers short: a 135M model does not stop by itself within 24 tokens;
    # such an answer is counted as truncated, never scored as a full one.
    cut = sum(s.output.stop_reason == "max_tokens" for s in log.samples)
    assert cut >= 1
    (counts,) = payload["statuses"]
    assert counts["statuses"].get("truncated", 0) == cut
    assert sum(counts["statuses"].values()) == 4

    (summary,) = payload["models"]
    assert summary["model"] == "openai-api/llamacpp/smollm2" and summary["scenario"] == "emoji"
    assert {c: v["n"] for c, v in summary["conditions"].items()} == {"free": 2, "paid": 2}
    with capsys.disabled():
        print(f"\nllama.cpp server run: 4 samples in {elapsed:.1f} s")
