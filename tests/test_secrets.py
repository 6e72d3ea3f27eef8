"""API keys never appear in logs, reports or error messages.

A fake key is planted (made up at test time, never stored), used for real against a local
server that checks it, and then searched for in everything the runs produced: standard output
and error of every command, every file they wrote (inside the .eval archives too) and inspect's
own data folder.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import zipfile_zstd  # type: ignore[import-untyped]  # noqa: F401  (lets zipfile read inspect's zstd-compressed .eval members)

from tiergap.harness.secrets import REDACTED, redact, secret_values
from tiergap.testing.fakeserver import FakeServer

MODEL = "openai-api/fake/fake-model"


def planted_key() -> str:
    # shaped like a provider key so that scanners would flag it, obviously fake
    return "sk-test-FAKE-" + secrets.token_hex(16)


def tiergap(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tiergap.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def occurrences(root: Path, needles: list[str]) -> list[str]:
    """Files under ``root`` (and members of zip archives) that contain any needle."""
    found: list[str] = []
    raw_needles = [n.encode("utf-8") for n in needles]
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if any(n in data for n in raw_needles):
            found.append(str(path))
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    content = archive.read(member)
                    if any(n in content for n in raw_needles):
                        found.append(f"{path}!{member}")
    return found


@pytest.mark.integration
def test_a_planted_key_appears_in_no_output(tmp_path: Path) -> None:
    key = planted_key()
    needles = [key, key[len("sk-test-FAKE-") :]]
    data_home = tmp_path / "xdg-data"
    outputs: list[str] = []
    with FakeServer(api_key=key, deadline=150, max_requests=300) as server:
        env = {
            **os.environ,
            **server.env(api_key=key),
            "INSPECT_DISPLAY": "none",
            "NO_COLOR": "1",
            "XDG_DATA_HOME": str(data_home),
        }
        run = ["run", "emoji", "--model", MODEL, "-n", "3", "--max-retries", "1"]
        for args in (
            # the key from the environment, and again as a model argument
            [*run, "--log-dir", "logs", "-M", f"api_key={key}"],
            # a key the server rejects: the errors must not carry the key either
            [*run, "--log-dir", "rejected", "--conditions", "free", "--max-retries", "0",
             "--retry-on-error", "0", "-M", f"api_key={key}x", "-M", "max_retries=0", "--json"],
        ):  # fmt: skip
            done = tiergap(*args, cwd=tmp_path, env=env)
            outputs += [done.stdout, done.stderr]
        answered = server.outcomes()
    assert answered["ok"] >= 9  # the key was really used, and accepted
    assert answered["unauthorized"] >= 1  # and a wrong one really was rejected
    assert any("401" in text or "invalid api key" in text.lower() for text in outputs)
    for text in outputs:
        for needle in needles:
            assert needle not in text
    assert list((tmp_path / "logs").glob("*.eval"))
    assert occurrences(tmp_path, needles) == []


def test_redact_hides_environment_secrets_and_key_shapes(monkeypatch: object) -> None:
    key = planted_key()
    environ = {"FAKE_API_KEY": key, "HOME": "/home/someone", "SHORT_TOKEN": "abc"}
    assert secret_values(environ) == [key]
    message = f"Incorrect API key provided: {key}; see HOME=/home/someone"
    assert (
        redact(message, [key]) == f"Incorrect API key provided: {REDACTED}; see HOME=/home/someone"
    )
    # key-shaped strings are hidden even when no variable holds them
    other = "sk-ant-" + secrets.token_hex(12)
    assert other not in redact(f"bad key {other}", [])
