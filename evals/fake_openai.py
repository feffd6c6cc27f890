"""A scripted OpenAI-compatible chat server on 127.0.0.1, for tests and ``make bench``.

It speaks just enough of ``POST /v1/chat/completions`` for langchain-openai / openai: it logs every request
body, asks a script what to do, and answers in the shape the request asked for (``tool_calls`` when tools
were sent, JSON ``content`` otherwise). Token counts are estimated from the request, the same way for every
run, so the figures in the request log are comparable: one token per CJK character, one per three other
non-space characters.

A script is a function ``(request body) -> Reply``. Replies: :class:`Answer` (a JSON object),
:class:`RawText` (content as given, e.g. invalid JSON), :class:`Status` (an HTTP error, e.g. 429 with
``retry-after``), :class:`Slow` (answer after a delay, to trip the client's timeout).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def estimate_tokens(text: str) -> int:
    """Tokens of a text: one per CJK character, one per three other non-space characters (rounded up)."""
    cjk = len(_CJK.findall(text))
    other = len(re.sub(r"\s", "", text)) - cjk
    return cjk + (other + 2) // 3


def request_tokens(body: dict[str, Any]) -> int:
    """Input tokens of a chat request: message texts plus the schema it sends (tools or response_format)."""
    text = "".join(str(m.get("content") or "") for m in body.get("messages", []))
    extra = {k: body[k] for k in ("tools", "response_format") if k in body}
    return estimate_tokens(text) + (estimate_tokens(json.dumps(extra, ensure_ascii=False)) if extra else 0)


@dataclass
class Answer:
    """Reply with this JSON object (as a tool call or as message content, whichever the request asked for)."""

    data: dict[str, Any]


@dataclass
class RawText:
    """Reply with this exact message content (or tool-call arguments)."""

    text: str


@dataclass
class Status:
    """Reply with an HTTP error status."""

    code: int
    headers: dict[str, str] = field(default_factory=dict)
    message: str = "scripted error"


@dataclass
class Slow:
    """Wait ``seconds`` (interrupted when the server stops), then send ``then``."""

    seconds: float
    then: Answer | RawText


Reply = Answer | RawText | Status | Slow
Script = Callable[[dict[str, Any]], Reply]


@dataclass
class Logged:
    """One request as the server saw it."""

    body: dict[str, Any]
    headers: dict[str, str]
    tokens_in: int
    tokens_out: int = 0
    status: int = 200


def schema_name(body: dict[str, Any]) -> str:
    """The name of the structured-output schema a request asks for (tool, json_schema, or the schema in the text)."""
    for tool in body.get("tools", []):
        return str(tool["function"]["name"])
    fmt = body.get("response_format") or {}
    if fmt.get("type") == "json_schema":
        return str(fmt["json_schema"]["name"])
    system = "".join(str(m.get("content") or "") for m in body.get("messages", []) if m.get("role") == "system")
    at = system.find("{", system.find("JSON Schema"))
    try:
        return str(json.loads(system[at:]).get("title", "")) if at >= 0 else ""
    except json.JSONDecodeError:
        return ""


def user_text(body: dict[str, Any]) -> str:
    """All user-message text of a request."""
    return "\n".join(str(m.get("content") or "") for m in body.get("messages", []) if m.get("role") == "user")


class FakeOpenAI:
    """The server: ``with FakeOpenAI(script) as fake: ... fake.base_url ... fake.requests``."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.requests: list[Logged] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def base_url(self) -> str:
        """The ``OPENAI_BASE_URL`` of this server."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    @property
    def chat_requests(self) -> list[Logged]:
        """The chat-completion requests received (including those answered with an error)."""
        return list(self.requests)

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real servers do
            disable_nagle_algorithm = True  # headers and body go out at once (no 40 ms delayed-ACK stall)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: ARG002 - quiet: no request log on stderr
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                logged = Logged(body, {k.lower(): v for k, v in self.headers.items()}, request_tokens(body))
                with fake._lock:
                    fake.requests.append(logged)
                    fake.in_flight += 1
                    fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
                try:
                    self._reply(body, logged, fake.script(body))
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    with fake._lock:
                        fake.in_flight -= 1

            def _reply(self, body: dict[str, Any], logged: Logged, reply: Reply) -> None:
                if isinstance(reply, Slow):
                    if fake._stop.wait(reply.seconds):
                        return
                    reply = reply.then
                if isinstance(reply, Status):
                    logged.status = reply.code
                    data = json.dumps({"error": {"message": reply.message, "type": "scripted"}}).encode()
                    self.send_response(reply.code)
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                text = json.dumps(reply.data, ensure_ascii=False) if isinstance(reply, Answer) else reply.text
                logged.tokens_out = estimate_tokens(text)
                data = json.dumps(_completion(body, text, logged), ensure_ascii=False).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


def _completion(body: dict[str, Any], text: str, logged: Logged) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": text}
    finish = "stop"
    if body.get("tools"):
        name = body["tools"][0]["function"]["name"]
        call = {"id": "call_1", "type": "function", "function": {"name": name, "arguments": text}}
        message = {"role": "assistant", "content": None, "tool_calls": [call]}
        finish = "tool_calls"
    return {
        "id": f"chatcmpl-{len(text)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
        "usage": {
            "prompt_tokens": logged.tokens_in,
            "completion_tokens": logged.tokens_out,
            "total_tokens": logged.tokens_in + logged.tokens_out,
        },
    }
