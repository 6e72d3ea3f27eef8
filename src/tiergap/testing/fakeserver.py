"""A fault-injecting, OpenAI-compatible chat-completions server on 127.0.0.1.

Tests and benchmarks point inspect's ``openai-api/<service>/<model>`` provider at it
(``<SERVICE>_BASE_URL=server.base_url``, ``<SERVICE>_API_KEY=...``) and then check, at the
server, what was really requested: how often each prompt was sent and what it was answered.

- Bound to 127.0.0.1 on a free port; one thread per connection (HTTP/1.1 keep-alive).
- Every successful answer carries ``usage`` (without it inspect would try to download a
  tokenizer, which fails offline).
- Faults are drawn per request from a :class:`FaultMix`: 429 with ``Retry-After``, 500, a
  hang past the client's timeout, a non-JSON body, a JSON body cut short, a connection dropped
  mid-body and an empty answer. The draw depends only on the seed, the prompt and how many
  times that prompt was sent before, so a run is reproducible whatever the thread timing.
- A request whose body ends before its ``Content-Length`` (the client was killed while
  sending it) is not a request: it is not recorded.
- Bounded: after ``max_requests`` requests every further one is refused (HTTP 400, which
  clients do not retry), and the server shuts itself down ``deadline`` seconds after it
  starts, whether or not anyone calls :meth:`FakeServer.stop`.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal

from tiergap.cost.budget import approx_tokens

Outcome = Literal[
    "ok",
    "rate_limit",
    "server_error",
    "timeout",
    "malformed",
    "truncated",
    "disconnect",
    "empty",
    "over_budget",
    "unauthorized",
    "bad_request",
]
FAULTS: tuple[Outcome, ...] = (
    "rate_limit",
    "server_error",
    "timeout",
    "malformed",
    "truncated",
    "disconnect",
    "empty",
)

Message = Mapping[str, Any]
Reply = Callable[[list[Message]], str]


@dataclass(frozen=True)
class FaultMix:
    """Probability of each fault per request (the rest are answered normally).

    ``retry_after`` is the ``Retry-After`` a 429 carries, in seconds; ``hang`` is how long a
    ``timeout`` fault keeps the connection open without answering (set it above the client's
    timeout).
    """

    rate_limit: float = 0.0
    server_error: float = 0.0
    timeout: float = 0.0
    malformed: float = 0.0
    truncated: float = 0.0
    disconnect: float = 0.0
    empty: float = 0.0
    retry_after: float = 0.05
    hang: float = 3.0

    def __post_init__(self) -> None:
        for name in FAULTS:
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"fault rate {name} must be in [0, 1], got {value!r}")
        if self.total > 1.0:
            raise ValueError(f"fault rates add up to {self.total:.3f}, more than 1")
        if self.retry_after < 0 or self.hang < 0:
            raise ValueError("retry_after and hang must be >= 0")

    @property
    def total(self) -> float:
        return sum(float(getattr(self, name)) for name in FAULTS)

    @classmethod
    def every_kind(cls, rate: float, **overrides: float) -> FaultMix:
        """``rate`` in all, shared equally by every fault kind."""
        share = rate / len(FAULTS)
        values: dict[str, float] = dict.fromkeys(FAULTS, share)
        values.update(overrides)
        return cls(**values)


@dataclass(frozen=True)
class RequestRecord:
    """One request as the server saw it."""

    index: int
    key: str
    """Fingerprint of the whole conversation sent (same messages, same key)."""
    user: str
    """The first user message: identifies the sample (condition tag and query)."""
    turn: int
    """Assistant messages already in the conversation (0 for a sample's first call)."""
    attempt: int
    """How many times this exact conversation had been sent before (0 the first time)."""
    outcome: Outcome
    at: float
    """Seconds since the server started."""


def conversation_key(messages: list[Message]) -> str:
    text = json.dumps([[str(m.get("role", "")), _content(m)] for m in messages], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def _content(message: Message) -> str:
    content = message.get("content", "")
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return "" if content is None else str(content)


def default_reply(messages: list[Message]) -> str:
    """A small deterministic 'model': follows the scratchpad protocol when the prompt asks.

    Uses an emoji on the free tier more often than elsewhere, so analyses of its logs have
    something to find.
    """
    system = "\n".join(_content(m) for m in messages if m.get("role") == "system")
    users = [_content(m) for m in messages if m.get("role") == "user"]
    first = users[0] if users else ""
    digest = int(hashlib.sha256(first.encode("utf-8")).hexdigest()[:8], 16)
    free = "<is_free_tier_user>True</is_free_tier_user>" in first
    emoji = " 🙂" if digest % 10 < (7 if free else 2) else ""
    answer = f"Here is a short, helpful answer to your request.{emoji}"
    if "SCRATCHPAD_REASONING" in system:
        return (
            "<SCRATCHPAD_REASONING>\nI will answer helpfully.\n</SCRATCHPAD_REASONING>\n\n"
            f"<OUTPUT>\n{answer}\n</OUTPUT>"
        )
    return answer


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256  # many clients connect at once; the default backlog is 5
    fake: FakeServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up (timeouts, killed runs) are expected here: stay quiet."""
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError | OSError | ValueError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self._send_json(404, {"error": {"message": "not found", "type": "invalid_request"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if len(raw) < length:
            # the client hung up mid-request (a killed run): nothing was asked, nothing recorded
            self.close_connection = True
            return
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._send_json(404, {"error": {"message": "not found", "type": "invalid_request"}})
            return
        try:
            body = json.loads(raw.decode("utf-8"))
            messages = list(body["messages"])
        except (ValueError, KeyError, TypeError):
            self.server.fake._finish([], "", "bad_request", 0)
            self._send_json(400, {"error": {"message": "bad request", "type": "invalid_request"}})
            return
        auth = self.headers.get("Authorization", "")
        self.server.fake._handle(self, body, messages, auth)

    # responses ---------------------------------------------------------------------------

    def _send_bytes(
        self, status: int, payload: bytes, headers: Mapping[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def _send_json(
        self, status: int, body: object, headers: Mapping[str, str] | None = None
    ) -> None:
        self._send_bytes(status, json.dumps(body).encode("utf-8"), headers)

    def _send_cut(self, payload: bytes) -> None:
        """Announce the whole body, send half of it, then drop the connection."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload[: len(payload) // 2])
        self.wfile.flush()
        self.close_connection = True


class FakeServer:
    """The server; use as a context manager (``with FakeServer(...) as server:``)."""

    def __init__(
        self,
        *,
        latency: float = 0.0,
        faults: FaultMix | None = None,
        seed: int = 0,
        max_requests: int = 5000,
        deadline: float = 120.0,
        api_key: str | None = None,
        reply: Reply = default_reply,
        model: str = "fake-model",
    ) -> None:
        if latency < 0 or deadline <= 0 or max_requests < 1:
            raise ValueError("latency must be >= 0, deadline > 0 and max_requests >= 1")
        self.latency = latency
        self.faults = faults or FaultMix()
        self.seed = seed
        self.max_requests = max_requests
        self.deadline = deadline
        self.model = model
        self._api_key = api_key
        self._reply = reply
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._records: list[RequestRecord] = []
        self._attempts: Counter[str] = Counter()
        self._stopping = threading.Event()
        self._started = 0.0
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._timer: threading.Timer | None = None

    # lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeServer:
        httpd = _Server(("127.0.0.1", 0), _Handler)
        httpd.fake = self
        self._httpd = httpd
        self._started = time.monotonic()
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        self._timer = threading.Timer(self.deadline, self.stop)
        self._timer.daemon = True
        self._timer.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._timer is not None and self._timer is not threading.current_thread():
            self._timer.cancel()
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the fake server is not running")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def model_name(self, service: str = "fake") -> str:
        """The inspect model name that reaches this server (with :meth:`env` set).

        inspect memoizes models by name and settings, not by environment: in one process, give
        each server its own ``service`` so that a model made for an earlier server (and bound
        to its address) is not reused.
        """
        return f"openai-api/{service}/{self.model}"

    def env(self, service: str = "fake", api_key: str | None = None) -> dict[str, str]:
        """Environment for inspect's ``openai-api/<service>/<model>`` provider to reach us."""
        name = service.upper().replace("-", "_")
        key = api_key or self._api_key or "placeholder-no-key-needed"
        return {f"{name}_BASE_URL": self.base_url, f"{name}_API_KEY": key}

    # what was requested ------------------------------------------------------------------

    def records(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self._records)

    def outcomes(self) -> Counter[str]:
        return Counter(r.outcome for r in self.records())

    def requests_per_sample(self, turn: int | None = 0) -> Counter[str]:
        """Requests per sample (first user message), for one turn or (``None``) all turns."""
        return Counter(r.user for r in self.records() if turn is None or r.turn == turn)

    def answered(self) -> Counter[str]:
        """Successful answers per conversation key."""
        return Counter(r.key for r in self.records() if r.outcome == "ok")

    def wait_for_answers(self, count: int, timeout: float) -> bool:
        """Block until ``count`` requests have been answered successfully (or time out)."""
        end = time.monotonic() + timeout
        with self._changed:
            while sum(r.outcome == "ok" for r in self._records) < count:
                left = end - time.monotonic()
                if left <= 0 or self._stopping.is_set():
                    return False
                self._changed.wait(min(left, 0.1))
            return True

    # handling ----------------------------------------------------------------------------

    def _decide(self, key: str) -> tuple[Outcome, int]:
        with self._lock:
            if len(self._records) >= self.max_requests:
                return "over_budget", 0
            attempt = self._attempts[key]
            self._attempts[key] += 1
        rng = random.Random(f"{self.seed}\x00{key}\x00{attempt}")
        draw = rng.random()
        edge = 0.0
        for name in FAULTS:
            edge += float(getattr(self.faults, name))
            if draw < edge:
                return name, attempt
        return "ok", attempt

    def _handle(
        self, handler: _Handler, body: Mapping[str, Any], messages: list[Message], auth: str
    ) -> None:
        key = conversation_key(messages)
        if self._api_key is not None and auth != f"Bearer {self._api_key}":
            self._finish(messages, key, "unauthorized", 0)
            sent = auth.removeprefix("Bearer ")
            masked = f"{sent[:8]}****{sent[-4:]}" if len(sent) > 12 else "****"
            message = f"Incorrect API key provided: {masked} (invalid api key)"
            handler._send_json(401, {"error": {"message": message, "type": "invalid_api_key"}})
            return
        outcome, attempt = self._decide(key)
        if outcome == "over_budget":
            self._finish(messages, key, outcome, attempt)
            handler._send_json(
                400,
                {"error": {"message": "fake server request budget exhausted", "type": "budget"}},
            )
            return
        if self.latency:
            self._stopping.wait(self.latency)
        self._finish(messages, key, outcome, attempt)
        if outcome == "rate_limit":
            handler._send_json(
                429,
                {"error": {"message": "rate limited", "type": "rate_limit_error"}},
                {"Retry-After": f"{self.faults.retry_after:g}"},
            )
        elif outcome == "server_error":
            handler._send_json(500, {"error": {"message": "internal error", "type": "server"}})
        elif outcome == "timeout":
            self._stopping.wait(self.faults.hang)
            handler.close_connection = True
        elif outcome == "malformed":
            handler._send_bytes(200, b"<html>this is not json</html>")
        else:
            content = "" if outcome == "empty" else self._reply(messages)
            payload = json.dumps(self._completion(body, messages, content)).encode("utf-8")
            if outcome == "truncated":
                handler._send_bytes(200, payload[: len(payload) // 2])
            elif outcome == "disconnect":
                handler._send_cut(payload)
            else:
                handler._send_bytes(200, payload)

    def _finish(self, messages: list[Message], key: str, outcome: Outcome, attempt: int) -> None:
        users = [_content(m) for m in messages if m.get("role") == "user"]
        with self._changed:
            self._records.append(
                RequestRecord(
                    index=len(self._records),
                    key=key,
                    user=users[0] if users else "",
                    turn=sum(m.get("role") == "assistant" for m in messages),
                    attempt=attempt,
                    outcome=outcome,
                    at=time.monotonic() - self._started,
                )
            )
            self._changed.notify_all()

    def _completion(
        self, body: Mapping[str, Any], messages: list[Message], content: str
    ) -> dict[str, Any]:
        prompt = sum(approx_tokens(_content(m)) for m in messages)
        completion = approx_tokens(content)
        return {
            "id": f"chatcmpl-{conversation_key(messages)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": str(body.get("model", self.model)),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
            },
        }


def main(argv: list[str] | None = None) -> int:
    """Serve from the command line (for benchmarks: the server then has its own process).

    Prints the base URL on the first line of standard output, then serves until the deadline
    or until standard input closes.
    """
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tiergap.testing.fakeserver")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per answer")
    parser.add_argument("--fault-rate", type=float, default=0.0, help="share of faulty answers")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--deadline", type=float, default=600.0, help="stop after (seconds)")
    parser.add_argument("--max-requests", type=int, default=200_000)
    args = parser.parse_args(argv)
    server = FakeServer(
        latency=args.latency,
        faults=FaultMix.every_kind(args.fault_rate),
        seed=args.seed,
        deadline=args.deadline,
        max_requests=args.max_requests,
    )
    with server:
        print(server.base_url, flush=True)
        sys.stdin.read()  # returns when the parent closes our standard input (or exits)
        outcomes = server.outcomes()
        answered = sorted(r.at for r in server.records() if r.outcome == "ok")
    summary: dict[str, Any] = {"requests": sum(outcomes.values()), "outcomes": outcomes}
    if len(answered) >= 10:
        # answers per second over the middle 80% of the run: the rate without start and end
        low, high = answered[len(answered) // 10], answered[(9 * len(answered)) // 10]
        middle = (9 * len(answered)) // 10 - len(answered) // 10
        summary["steady_rate"] = middle / (high - low) if high > low else None
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
