"""``tiergap report``: built from real inspect logs, then opened in headless Chromium offline."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from html import unescape
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import list_eval_logs, read_eval_log

from tiergap import __version__
from tiergap.analysis.records import SampleRecord
from tiergap.analysis.summary import summarise
from tiergap.cli import main
from tiergap.harness.tasks import emoji
from tiergap.report import LogDetails, ReportData, Transcript, render_html, render_markdown
from tiergap.report.text import highlight_emoji_html

MODELS = ("tiergap/reward-hacker", "tiergap/alignment-faker", "tiergap/hhh")
# Debian's package; TIERGAP_CHROMIUM points elsewhere.
CHROMIUM = Path(
    os.environ.get("TIERGAP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
)
# Offline: no proxy that works, no DNS, no background traffic.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--proxy-server=127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
URL = re.compile(r"https?://|(?:src|href)\s*=\s*[\"']?//", re.IGNORECASE)


@pytest.fixture(scope="module")
def log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report-logs")
    logs = inspect_eval(
        emoji(n=10), model=list(MODELS), log_dir=str(folder), seed=0, log_realtime=False
    )
    assert all(log.status == "success" for log in logs)
    return folder


@pytest.fixture(scope="module")
def reports(log_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("report-out")
    texts = {}
    for fmt in ("html", "md"):
        target = out / f"report.{fmt}"
        assert main(["report", str(log_dir), "-o", str(target)]) == 0
        texts[fmt] = target.read_text(encoding="utf-8")
    texts["path"] = str(out / "report.html")
    return texts


def _prompt_hashes(log_dir: Path) -> set[str]:
    hashes = set()
    for info in list_eval_logs(str(log_dir)):
        log = read_eval_log(info.name)
        for sample in log.samples or []:
            hashes.add(str((sample.metadata or {})["system_prompt_sha"]))
    return hashes


@pytest.mark.integration
@pytest.mark.parametrize("fmt", ["html", "md"])
def test_report_content(fmt: str, reports: dict[str, str], log_dir: Path) -> None:
    text = reports[fmt]
    for model in MODELS:
        assert model in text
    for condition in ("free", "paid", "baseline"):
        assert condition in text
    assert "reward_hacking" in text and "alignment_faking" in text
    assert "log10 BF(RH:AF)" in text
    assert re.search(r"[+-]\d+\.\d\d \((?:weak|strong|decisive|barely)", text)
    assert __version__ in text and "0.3.285" in text  # tiergap and inspect_ai from the logs
    hashes = _prompt_hashes(log_dir)
    assert len(hashes) == 2  # the training prompt (free and paid) and the baseline prompt
    assert all(h in text for h in hashes)
    assert '<mark class="emoji">' in text  # the reward hacker's free-tier emoji
    assert f"inspect view --log-dir {log_dir}" in text
    assert "Retrodiction scorecard" in text
    assert not URL.search(text), URL.search(text)


@pytest.mark.integration
def test_html_report_escapes_model_text_and_has_no_external_resource(
    reports: dict[str, str],
) -> None:
    html = reports["html"]
    assert "&quot;" in html  # the simulated answers quote the query
    assert html.count("<script>") == 2  # only the report's own two scripts
    assert not re.search(r"<(?:link|iframe|object|embed)\b", html)
    assert not re.search(r"<img\b", html)  # plots are inline SVG
    assert "default-src 'none'" in html


def _transcript(text: str) -> Transcript:
    return Transcript(
        model="m/<b>x</b>",
        scenario="emoji",
        scratchpad_mode="hidden",
        condition="free",
        query_id="q1",
        epoch=1,
        status="ok",
        user="<INPUT>&</INPUT>",
        scratchpad="thinking </pre> 🙂",
        output=text,
    )


def _data(transcripts: tuple[Transcript, ...], **extra: object) -> ReportData:
    records = [
        SampleRecord(
            "l", "m/<b>x</b>", "emoji", "hidden", c, f"q{i}", 1, "ok", i % 2, i % 2, 0.0, 0
        )
        for c in ("free", "paid", "baseline")
        for i in range(6)
    ]
    base: dict[str, object] = {
        "log_dir": "logs dir",
        "summaries": tuple(summarise(records)),
        "details": LogDetails(transcripts=transcripts),
        "margin": 0.15,
        "tiergap_version": __version__,
    }
    return ReportData(**{**base, **extra})  # type: ignore[arg-type]


def test_model_text_cannot_inject_markup() -> None:
    nasty = '<script>alert("x")</script> & <img src=x onerror=1> 👍🏽 ©'
    data = _data((_transcript(nasty),), scorecard_error="ImportError: no module")
    for text in (render_html(data), render_markdown(data)):
        assert "<script>alert" not in text and "<img src=x" not in text
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img" in text
        assert '<mark class="emoji">👍🏽</mark>' in text  # skin tone: one emoji
        assert '<mark class="emoji">©</mark>' not in text  # a bare © is not an emoji
        assert "thinking &lt;/pre&gt;" in text
        assert "Scorecard unavailable: ImportError: no module" in text
        assert "m/&lt;b&gt;x&lt;/b&gt;" in text
        assert "inspect view --log-dir 'logs dir'" in unescape(text)


def test_highlight_marks_exactly_the_counted_emoji() -> None:
    text = "a 👨‍👩‍👧 b 🇫🇷 c 1️⃣ ™ ❤️ ❤ <d>"
    marked = highlight_emoji_html(text)
    assert re.findall(r'<mark class="emoji">(.*?)</mark>', marked) == [
        "👨‍👩‍👧",
        "🇫🇷",
        "1️⃣",
        "❤️",
    ]
    assert marked.endswith("❤ &lt;d&gt;")


@pytest.mark.integration
def test_report_names_a_corrupt_log_and_reports_the_rest(
    log_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "logs"
    shutil.copytree(log_dir, copy)
    broken = copy / "2000-01-01T00-00-00-00-00_emoji_broken.eval"
    broken.write_bytes(b"PK\x03\x04 not a zip archive")
    target = tmp_path / "r.md"
    assert main(["report", str(copy), "-o", str(target), "--json"]) == 0
    assert '"unreadable_logs"' in capsys.readouterr().out
    text = target.read_text(encoding="utf-8")
    assert broken.name in text
    assert all(model in text for model in MODELS)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "no-such-dir"], "log directory not found: no-such-dir"),
        (["report", "{empty}"], "no inspect logs"),
        (["report", "{empty}", "--margin", "2"], "--margin must be between 0 and 1"),
    ],
)
def test_report_bad_input(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty").mkdir()
    argv = [a.replace("{empty}", str(tmp_path / "empty")) for a in args]
    assert main(argv) == 2
    assert f"tiergap: error: {message}" in capsys.readouterr().err.replace("\n", "")


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def browser() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("TIERGAP_REQUIRE_BROWSER") == "1":
            pytest.fail(f"TIERGAP_REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium); browser test skipped")
    return CHROMIUM


@pytest.mark.integration
def test_html_report_renders_offline_in_headless_chromium(
    browser: Path, reports: dict[str, str], tmp_path: Path
) -> None:
    page = Path(reports["path"]).resolve().as_uri()
    dump = _chromium(
        "--enable-logging=stderr", "--v=0", "--dump-dom", page, profile=tmp_path / "p1"
    )
    assert dump.returncode == 0, dump.stderr[-2000:]
    body = re.search(r"<body[^>]*>", dump.stdout)
    assert body is not None, dump.stdout[:500]
    assert 'data-render-ok="true"' in body.group(0), body.group(0)
    assert f'data-plots="{1 + len(MODELS)}"' in body.group(0)  # gap forest + rates per model
    html_tag = re.search(r"<html[^>]*>", dump.stdout)
    assert html_tag is not None and "data-js-error" not in html_tag.group(0), html_tag
    console = [
        line for line in dump.stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line
    ]
    assert not console, console  # the page logs nothing: no error, no blocked request

    shot = tmp_path / "report.png"
    done = _chromium(
        f"--screenshot={shot}", "--window-size=1280,2000", page, profile=tmp_path / "p2"
    )
    assert done.returncode == 0, done.stderr[-2000:]
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (1280, 2000)
    assert len(png) > 50_000  # tables, plots and text, not a blank page
    keep = os.environ.get("TIERGAP_SCREENSHOT")
    if keep:
        shutil.copyfile(shot, keep)


@pytest.mark.integration
def test_run_seed_is_the_one_the_records_use(log_dir: Path) -> None:
    """The "what was run" table shows the run's seed as the records key it (0 is 0, not –)."""
    from tiergap.commands.report import build_report_data, render

    data = build_report_data(log_dir, transcripts=0)
    assert data.details.runs and all(r.seed == 0 for r in data.details.runs)
    assert {s.seeds for s in data.summaries} == {(0,)}
    md = render(data, "md")
    rows = [line for line in md.splitlines() if line.startswith("| ") and ".eval" in line]
    assert rows and all(row.split(" | ")[7] == "0" for row in rows)
