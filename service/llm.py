"""The one seam to OpenAI-compatible chat endpoints: the only module that imports openai / langchain_openai.

Both are imported lazily, inside :func:`open_llm` and :class:`ChatLLM`, so the offline path never loads them.
:class:`ChatLLM` asks for a pydantic model (structured output by ``json_schema``, ``function_calling`` or
``json_mode``, a setting because servers differ), and around each call:

* caches the answer on disk, keyed by (input hash, prompt id@version and sha256, model, schema version): a
  re-run costs nothing;
* logs every call, and every cache hit, as one JSON line (prompt id@version, model, input hash, tokens in/out,
  latency, HTTP retries, the raw output) to ``<NIANBAO_HOME>/llm/calls.jsonl``;
* lets at most ``NIANBAO_LLM_CONCURRENCY`` requests run at once (one semaphore per client, shared by threads);
* retries 429/5xx/timeouts with backoff honouring ``retry-after`` (the openai client, ``NIANBAO_LLM_RETRIES``),
  and re-asks an answer that is not valid JSON for the schema up to the same number of times;
* stops before a request that would take a report over its token budget.

Every failure becomes :class:`~service.errors.LLMError` with a one-line reason.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import json
import os
import re
import threading
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar
from urllib.parse import urlparse

from pydantic import BaseModel

from service.errors import ConfigError, LLMError
from service.prompts import Prompt, load_prompt

if TYPE_CHECKING:
    from service.config import Settings

T = TypeVar("T", bound=BaseModel)
Message = tuple[str, str]
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# the tests set this to False: then only an endpoint on this machine may be called (a stray real client fails)
ALLOW_REMOTE = True
# HTTP requests of the call in progress (langchain runs the request on a worker thread with a copy of the context)
_REQUESTS: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("nianbao_llm_requests", default=None)


def estimate_tokens(text: str) -> int:
    """A tokenizer-free estimate: one token per CJK character, one per three other non-space characters."""
    cjk = len(_CJK.findall(text))
    other = len(re.sub(r"\s", "", text)) - cjk
    return cjk + (other + 2) // 3


@cache
def schema_text(schema: type[BaseModel]) -> str:
    """A model's JSON schema as text."""
    return json.dumps(schema.model_json_schema(), ensure_ascii=False)


def schema_version(schema: type[BaseModel]) -> str:
    """A short hash of a model's JSON schema: a changed answer model never reuses old cached answers."""
    return hashlib.sha256(schema_text(schema).encode()).hexdigest()[:12]


@dataclass
class Tally:
    """Calls and tokens spent on one report; the token budget is per report."""

    budget: int
    label: str = ""
    calls: int = 0
    cached: int = 0
    tokens_in: int = 0
    tokens_out: int = 0

    @property
    def used(self) -> int:
        """Tokens spent so far (in + out)."""
        return self.tokens_in + self.tokens_out


class LLM(Protocol):
    """What the readers need from a chat model (``ChatLLM`` here, ``FakeLLM`` in the tests)."""

    @property
    def model(self) -> str:
        """The model name, written into the evidence of every value the model produced."""
        ...

    def ask(self, prompt: Prompt, variables: dict[str, str], schema: type[T], *, tally: Tally) -> T:
        """The answer to ``prompt`` rendered with ``variables``, parsed into ``schema``; raises LLMError."""
        ...


def llm_configured(settings: Settings) -> bool:
    """An endpoint is configured: OPENAI_API_KEY or OPENAI_BASE_URL is set."""
    return bool(settings.openai_api_key or settings.openai_base_url)


def open_llm(settings: Settings) -> ChatLLM:
    """The chat client of the configured endpoint; ConfigError when none is configured."""
    if not llm_configured(settings):
        msg = "the LLM reader needs OPENAI_API_KEY or OPENAI_BASE_URL (see README, LLM mode)"
        raise ConfigError(msg)
    return ChatLLM(settings)


@dataclass
class _Sent:
    answer: BaseModel | None
    text: str
    error: str
    tokens_in: int
    tokens_out: int
    retries: int
    latency_ms: int


def _check_host(settings: Settings) -> None:
    host = urlparse(settings.openai_base_url or "https://api.openai.com/v1").hostname
    if not ALLOW_REMOTE and host not in ("127.0.0.1", "localhost", "::1"):
        msg = f"remote LLM endpoints are disabled here (ALLOW_REMOTE is False): {host}"
        raise ConfigError(msg)


class OpenAIEmbeddings:
    """An OpenAI-compatible ``/v1/embeddings`` endpoint (``NIANBAO_EMBEDDING=openai``); unit vectors."""

    def __init__(self, settings: Settings) -> None:
        if not llm_configured(settings):
            msg = "NIANBAO_EMBEDDING=openai needs OPENAI_API_KEY or OPENAI_BASE_URL"
            raise ConfigError(msg)
        _check_host(settings)
        import openai

        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-needed"
        self._client = openai.OpenAI(
            api_key=key,
            base_url=settings.openai_base_url,
            timeout=settings.llm_timeout_s,
            max_retries=settings.llm_retries,
        )
        self.model = settings.embedding_model
        self.name = f"openai-{re.sub(r'[^a-zA-Z0-9._-]+', '-', self.model)}"

    def _embed(self, texts: list[str]) -> Any:
        import numpy as np
        import openai

        try:
            data = self._client.embeddings.create(model=self.model, input=texts, encoding_format="float").data
        except openai.OpenAIError as exc:
            msg = f"embedding endpoint failed ({type(exc).__name__}: {_one_line(str(exc))[:200]})"
            raise LLMError(msg) from exc
        vectors = np.asarray([d.embedding for d in sorted(data, key=lambda d: d.index)], dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1, norms)

    def passages(self, texts: list[str]) -> Any:
        """Vectors of document texts, in batches of 64."""
        import numpy as np

        parts = [self._embed(texts[i : i + 64]) for i in range(0, len(texts), 64)]
        return np.concatenate(parts) if parts else np.zeros((0, 0), dtype=np.float32)

    def query(self, text: str) -> Any:
        """The vector of a question."""
        return self._embed([text])[0]


class ChatLLM:
    """An OpenAI-compatible chat endpoint through langchain-openai, with cache, call log, limits and budget."""

    def __init__(self, settings: Settings) -> None:
        _check_host(settings)
        import openai
        from langchain_openai import ChatOpenAI

        self._settings = settings
        self._model = settings.chat_model
        self.method = settings.structured_output
        self.retries = settings.llm_retries
        self.timeout_s = settings.llm_timeout_s
        self.home = Path(settings.home) / "llm"
        self.log_path = self.home / "calls.jsonl"
        self._slots = threading.BoundedSemaphore(settings.llm_concurrency)
        self._log_lock = threading.Lock()
        self._reask = load_prompt("reask_json")
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-needed"
        http = openai.DefaultHttpxClient(event_hooks={"request": [self._count_request]})
        self._chat = ChatOpenAI(
            model=self._model,
            base_url=settings.openai_base_url,
            api_key=key,
            timeout=settings.llm_timeout_s,
            max_retries=settings.llm_retries,
            temperature=0,
            http_client=http,
        )
        self._runnables: dict[type[BaseModel], Any] = {}

    @property
    def model(self) -> str:
        """The model name."""
        return self._model

    @staticmethod
    def _count_request(_request: object) -> None:
        counter = _REQUESTS.get()
        if counter is not None:
            counter[0] += 1

    def ask(self, prompt: Prompt, variables: dict[str, str], schema: type[T], *, tally: Tally) -> T:
        """The answer, from the cache or the endpoint; raises LLMError with a one-line reason."""
        messages = prompt.render(variables)
        if self.method == "json_mode":
            shape = schema_text(schema)
            messages[0] = ("system", f"{messages[0][1]}\n\n只输出一个 JSON 对象，符合以下 JSON Schema：\n{shape}")
        input_hash = hashlib.sha256(json.dumps(messages, ensure_ascii=False).encode()).hexdigest()
        version = schema_version(schema)
        entry = {"prompt": prompt.ref, "prompt_sha256": prompt.sha256, "model": self._model, "schema": version}
        key = hashlib.sha256(json.dumps({**entry, "input": input_hash}, sort_keys=True).encode()).hexdigest()
        entry.update({"report": tally.label, "method": self.method, "input_hash": input_hash})
        cached = self._cache_get(key, schema)
        if cached is not None:
            tally.cached += 1
            self._log({**entry, "cached": True, "ok": True, "tokens_in": 0, "tokens_out": 0})
            return cached
        need = estimate_tokens("".join(text for _, text in messages) + schema_text(schema))
        conversation = list(messages)
        error = ""
        for attempt in range(1, self.retries + 2):
            if tally.used + need > tally.budget:
                msg = f"token budget exceeded ({tally.used} used + ~{need} needed > {tally.budget} per report)"
                raise LLMError(msg)
            sent = self._send(conversation, schema, entry, attempt)
            tally.calls += 1
            tally.tokens_in += sent.tokens_in
            tally.tokens_out += sent.tokens_out
            if sent.answer is not None:
                self._cache_put(key, sent.answer, entry)
                return sent.answer  # type: ignore[return-value]
            error = sent.error
            reask = self._reask.render({"error": error[:200]})[1]
            conversation = [*messages, ("assistant", sent.text[:2000] or "(空)"), reask]
        msg = f"invalid JSON after {self.retries + 1} attempts ({_one_line(error)[:120]})"
        raise LLMError(msg)

    def _runnable(self, schema: type[BaseModel]) -> Any:
        if schema not in self._runnables:
            self._runnables[schema] = self._chat.with_structured_output(schema, method=self.method, include_raw=True)
        return self._runnables[schema]

    def _send(self, messages: list[Message], schema: type[BaseModel], entry: dict[str, Any], attempt: int) -> _Sent:
        """One request (with the client's own HTTP retries); an endpoint failure is logged and raised."""
        import openai

        requests = [0]
        token = _REQUESTS.set(requests)
        start = time.perf_counter()
        estimate = estimate_tokens("".join(text for _, text in messages))
        try:
            with self._slots:
                out = self._runnable(schema).invoke(messages)
        except openai.APITimeoutError as exc:
            reason = f"timeout after {self.timeout_s:g} s ({requests[0]} attempts)"
            raise self._failed(entry, attempt, start, reason, requests[0]) from exc
        except openai.APIConnectionError as exc:
            reason = f"endpoint unreachable ({self._settings.openai_base_url or 'api.openai.com'}: {exc})"
            raise self._failed(entry, attempt, start, reason, requests[0]) from exc
        except openai.APIStatusError as exc:
            reason = f"HTTP {exc.status_code} from the endpoint after {requests[0]} attempts ({exc.message})"
            raise self._failed(entry, attempt, start, reason, requests[0]) from exc
        except ValueError as exc:  # the json_schema path parses inside the client and raises on invalid JSON
            out = {"raw": None, "parsed": None, "parsing_error": exc}
        finally:
            _REQUESTS.reset(token)
        sent = _Sent(
            answer=out.get("parsed") if isinstance(out.get("parsed"), schema) else None,
            text=_raw_text(out.get("raw")),
            error=_one_line(str(out.get("parsing_error") or "no structured answer in the response")),
            tokens_in=estimate,
            tokens_out=0,
            retries=max(0, requests[0] - 1),
            latency_ms=round((time.perf_counter() - start) * 1000),
        )
        usage = getattr(out.get("raw"), "usage_metadata", None) or {}
        sent.tokens_in = int(usage.get("input_tokens") or estimate)
        sent.tokens_out = int(usage.get("output_tokens") or estimate_tokens(sent.text))
        self._log(
            {
                **entry,
                "cached": False,
                "attempt": attempt,
                "ok": sent.answer is not None,
                "tokens_in": sent.tokens_in,
                "tokens_out": sent.tokens_out,
                "latency_ms": sent.latency_ms,
                "retries": sent.retries,
                "error": None if sent.answer is not None else sent.error,
                "output": sent.text[:2000],
            }
        )
        return sent

    def _failed(self, entry: dict[str, Any], attempt: int, start: float, reason: str, requests: int) -> LLMError:
        self._log(
            {
                **entry,
                "cached": False,
                "attempt": attempt,
                "ok": False,
                "tokens_in": 0,
                "tokens_out": 0,
                "latency_ms": round((time.perf_counter() - start) * 1000),
                "retries": max(0, requests - 1),
                "error": reason,
            }
        )
        return LLMError(_one_line(reason)[:300])

    def _cache_path(self, key: str) -> Path:
        return self.home / "cache" / key[:2] / f"{key}.json"

    def _cache_get(self, key: str, schema: type[T]) -> T | None:
        path = self._cache_path(key)
        try:
            return schema.model_validate(json.loads(path.read_text(encoding="utf-8"))["answer"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _cache_put(self, key: str, answer: BaseModel, entry: dict[str, Any]) -> None:
        path = self._cache_path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        data = {**{k: entry[k] for k in ("prompt", "prompt_sha256", "model", "schema")}, "answer": answer.model_dump()}
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)

    def _log(self, line: dict[str, Any]) -> None:
        line = {"time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"), **line}
        text = json.dumps(line, ensure_ascii=False) + "\n"
        with self._log_lock:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            with self.log_path.open("a", encoding="utf-8") as handle:
                handle.write(text)


def _raw_text(raw: Any) -> str:
    """The text the model sent: message content, or the arguments of its tool call."""
    if raw is None:
        return ""
    calls = list(getattr(raw, "tool_calls", None) or []) + list(getattr(raw, "invalid_tool_calls", None) or [])
    for call in calls:
        args = call.get("args")
        return args if isinstance(args, str) else json.dumps(args, ensure_ascii=False)
    content = getattr(raw, "content", "")
    return content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)


def _one_line(text: str) -> str:
    return " ".join(text.split())
