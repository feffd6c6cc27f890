"""NIANBAO_EMBEDDING=openai: vectors from an OpenAI-compatible /v1/embeddings (a local fake), cached by text hash."""

from __future__ import annotations

import json
import shutil
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from service.library import Library, ingest
from tests.conftest import SAMPLES, Engine


class _Embeddings(BaseHTTPRequestHandler):
    requests: list[dict[str, Any]] = []

    def log_message(self, *_: Any) -> None:
        return

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        type(self).requests.append({"path": self.path, **body})
        texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
        data = []
        for i, text in enumerate(texts):
            vec = [0.0] * 16
            for ch in text:
                vec[zlib.crc32(ch.encode()) % 16] += 1.0
            data.append({"object": "embedding", "index": i, "embedding": vec})
        payload = json.dumps(
            {"object": "list", "data": data, "model": body["model"], "usage": {"prompt_tokens": 1, "total_tokens": 1}}
        ).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Embeddings)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{server.server_address[1]}/v1")
    _Embeddings.requests = []
    yield _Embeddings.requests
    server.shutdown()


def test_index_with_an_embeddings_endpoint(engine: Engine, endpoint: list[dict[str, Any]], tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLES / "003_9da54bdadbdcae0a.txt", folder / "a.txt")
    settings = engine.settings(tmp_path / "home", embedding="openai", embedding_model="bge-m3")
    result = ingest([folder], settings, progress=False)
    assert result.embedded == result.chunks > 5
    assert endpoint and all(r["path"] == "/v1/embeddings" and r["model"] == "bge-m3" for r in endpoint)
    sent = sum(len(r["input"]) for r in endpoint)
    library = Library(settings)
    store, index = library.open()
    assert index.vectors.count() == result.chunks and index.embedder.name == "openai-bge-m3"
    hit = index.search("依申请公开", 1)[0]
    assert hit.issuer == "巨各庄镇"
    shutil.copy(SAMPLES / "003_9da54bdadbdcae0a.txt", folder / "copy.txt")  # same text, another file
    (folder / "copy.txt").write_text((folder / "a.txt").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    again = ingest([folder], settings, progress=False, library=library)
    assert again.embedded == 0 and sum(len(r["input"]) for r in endpoint) - sent <= 1  # only questions
    library.close()
