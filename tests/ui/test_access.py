"""Access control, cross-site posts, errors as JSON, input caps, temp files, and report text shown as text."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.access import check_exposure
from service.api import create_api
from service.app import Services
from service.cli import main
from service.config import Settings
from service.errors import ConfigError
from service.library import ingest
from service.locks import FolderLock
from service.views import as_text
from tests.conftest import SAMPLES
from tests.ui.test_ui import CHROMIUM_ARGS, serve
from ui import chat_reply, scratch_dir

TOKEN = "t0ken-for-the-tests-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
LOCAL = "http://127.0.0.1:7860"


class _Beacon(BaseHTTPRequestHandler):
    """A "remote" server a report tries to make readers' browsers fetch from: it counts the requests."""

    hits: list[str] = []

    def do_GET(self) -> None:
        _Beacon.hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture(scope="module")
def beacon() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Beacon)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, beacon: str) -> Path:
    """A library with a sample and a report whose section 五 plants markup that loads from the beacon."""
    folder = tmp_path_factory.mktemp("access-in")
    shutil.copy(SAMPLES / "003_9da54bdadbdcae0a.txt", folder / "003.txt")
    text = (SAMPLES / "003_9da54bdadbdcae0a.txt").read_text(encoding="utf-8").replace("巨各庄镇", "青山镇")
    planted = (
        f"信息公开目录尚需完善![图]({beacon}/markdown.png)和<img src='{beacon}/html.png'>"
        f"以及[链接]({beacon}/link)与 $$x^2$$ 等问题，"
    )
    (folder / "planted.txt").write_text(text.replace("信息公开目录尚需完善等问题，", planted), encoding="utf-8")
    home = tmp_path_factory.mktemp("access-home")
    ingest([folder], Settings(home=home, embedding="hash"), progress=False)
    return home


def _client(home: Path, token: str | None = TOKEN, base_url: str = LOCAL) -> TestClient:
    settings = Settings(home=home, embedding="hash", access_token=token)
    return TestClient(create_api(Services(settings)), base_url=base_url, raise_server_exceptions=False)


def test_the_api_needs_the_token(home: Path) -> None:
    client = _client(home)
    for method, path in (("GET", "/api/records"), ("POST", "/api/ask"), ("GET", "/openapi.json"), ("GET", "/docs")):
        refused = client.request(method, path, json={"question": "哪个乡镇收到的申请最多"})
        assert refused.status_code == 401 and refused.json() == {"error": "需要访问令牌（Authorization: Bearer …）"}
    wrong = client.get("/api/records", headers={"Authorization": "Bearer " + "x" * len(TOKEN)})
    assert wrong.status_code == 401
    assert len(client.get("/api/records", headers=AUTH).json()) == 2
    page = client.get("/", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/"


def test_the_login_page_sets_a_cookie_that_opens_everything(home: Path) -> None:
    client = _client(home)
    assert "访问令牌" in client.get("/login").text
    wrong = client.post("/login", data={"token": "nope"}, follow_redirects=False)
    assert wrong.status_code == 401 and "访问令牌不正确" in wrong.text
    right = client.post("/login?next=/api/records", data={"token": TOKEN}, follow_redirects=False)
    assert right.status_code == 303 and right.headers["location"] == "/api/records"
    assert "HttpOnly" in right.headers["set-cookie"] and TOKEN not in right.headers["set-cookie"]
    assert client.get("/api/records").status_code == 200  # the cookie, no header
    client.cookies.clear()
    assert client.get("/api/records").status_code == 401


@pytest.mark.parametrize("token", [TOKEN, None])
def test_a_cross_site_form_post_is_refused_and_stores_nothing(home: Path, token: str | None) -> None:
    client = _client(home, token)
    headers = AUTH if token else {}
    for cross in ({"Origin": "http://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"}):
        with (SAMPLES / "hebei-kjt-2023.txt").open("rb") as handle:
            files = {"file": ("河北.txt", handle, "text/plain")}
            sent = client.post("/api/extract?add=true", files=files, headers={**headers, **cross})
        assert sent.status_code == 403 and sent.json() == {"error": "拒绝来自其他网站的请求"}
    assert len(client.get("/api/records", headers=headers).json()) == 2
    same = client.post("/api/ask", json={"question": "哪个乡镇收到的申请最多"}, headers={**headers, "Origin": LOCAL})
    assert same.status_code == 200


def test_without_a_token_only_loopback_names_are_served(home: Path) -> None:
    assert _client(home, None).get("/api/records").status_code == 200
    rebound = _client(home, None, base_url="http://evil.example:7860").get("/api/records")  # DNS rebinding
    assert rebound.status_code == 403 and "本机" in rebound.json()["error"]


def test_serving_beyond_loopback_needs_a_token(capsys: pytest.CaptureFixture[str]) -> None:
    for host in ("0.0.0.0", "::", "192.168.1.5"):
        with pytest.raises(ConfigError, match="NIANBAO_ACCESS_TOKEN"):
            check_exposure(host, Settings())
    check_exposure("127.0.0.1", Settings())
    check_exposure("0.0.0.0", Settings(access_token=TOKEN))
    with pytest.raises(ConfigError, match="too short"):
        check_exposure("0.0.0.0", Settings(access_token="short"))
    assert main(["ui", "--host", "0.0.0.0"]) == 1  # refuses before it starts
    err = capsys.readouterr().err
    assert err.startswith("nianbao: refusing to serve on 0.0.0.0") and err.count("\n") == 1


def test_errors_are_one_chinese_line_as_json(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    client = _client(home)

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("Error executing plan: Internal error: Error finding id")

    monkeypatch.setattr("service.app.answer", broken)
    failed = client.post("/api/ask", json={"question": "哪个乡镇收到的申请最多"}, headers=AUTH)
    assert failed.status_code == 500
    assert failed.json() == {"error": "内部错误：回答问题没有完成，请稍后再试（详情见服务日志）"}
    services = Services(Settings(home=home, embedding="hash"))
    assert chat_reply(services, "哪个乡镇收到的申请最多", [], "", "") == failed.json()["error"].join(["出错了：", ""])
    monkeypatch.setattr(Services, "records", broken)
    assert client.get("/api/records", headers=AUTH).json() == {"error": "服务器内部错误，请稍后再试（详情见服务日志）"}


def test_an_upload_while_another_process_writes_gets_503(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("service.app.APP_WRITE_WAIT_S", 0.2)
    client = _client(home)
    with FolderLock(home).writer(0), (SAMPLES / "hebei-kjt-2023.txt").open("rb") as handle:
        busy = client.post("/api/extract?add=true", files={"file": ("河北.txt", handle)}, headers=AUTH)
    assert busy.status_code == 503 and "报告库正由另一个进程写入" in busy.json()["error"]
    assert busy.headers["retry-after"] == "30"


def test_the_chat_has_the_same_caps_as_the_api(home: Path) -> None:
    services = Services(Settings(home=home, embedding="hash"))
    long = "哪个乡镇收到的申请最多" * 10_000  # 100,000 characters
    assert chat_reply(services, long, [], "", "") == "出错了：问题过长（110000 字），上限 500 字"
    api = _client(home).post("/api/ask", json={"question": long}, headers=AUTH)
    assert api.status_code == 422 and "question" in api.json()["error"]
    history = [{"role": "user", "content": long}] * 50  # the chat keeps the last 20 turns, each cut to 500
    assert "件" in chat_reply(services, "哪个乡镇收到的申请最多", history, "", "")


def test_temp_files_are_cleaned(home: Path) -> None:
    client = _client(home)
    uploads = home / "uploads"
    before = set(uploads.iterdir()) if uploads.exists() else set()
    with (SAMPLES / "hebei-kjt-2023.txt").open("rb") as handle:
        assert client.post("/api/extract", files={"file": ("河北.txt", handle)}, headers=AUTH).status_code == 200
    assert (set(uploads.iterdir()) if uploads.exists() else set()) == before  # not added: not kept
    old = scratch_dir()
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    new = scratch_dir()
    assert new.exists() and not old.exists()


def test_report_text_is_escaped() -> None:
    shown = as_text("![t](http://x/a.png) <img src=x onerror=alert(1)> [l](javascript:x) $$x$$ `c` **b**")
    for markup in ("![", "](", "<img", "javascript:", "$$", "`", "**", "http:"):
        assert markup not in shown


@pytest.fixture(scope="module")
def server(home: Path) -> Iterator[str]:
    yield from serve(Settings(home=home, embedding="hash", access_token=TOKEN), AUTH)


def test_gradio_client_with_the_token(server: str) -> None:
    from gradio_client import Client

    with pytest.raises(Exception):  # noqa: B017 - gradio_client raises its own kinds on a 401
        Client(server + "/", verbose=False)
    client = Client(server + "/", verbose=False, headers=AUTH)
    assert "巨各庄镇" in client.predict("哪个乡镇收到的申请最多", "", "", api_name="/respond")


def test_browser_logs_in_and_sees_report_markup_as_text(server: str, beacon: str) -> None:
    from playwright.sync_api import sync_playwright

    _Beacon.hits.clear()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(server + "/", wait_until="load")
        page.locator("input[name=token]").fill(TOKEN)
        page.locator("button[type=submit]").click()
        box = page.locator("#question textarea")
        box.wait_for(timeout=30000)
        box.fill("青山镇在依申请公开方面存在什么问题？")
        box.press("Enter")
        page.locator("details summary").first.wait_for(timeout=30000)
        for summary in page.locator("details summary").all():
            summary.click()
        page.get_by_text("markdown.png)", exact=False).first.wait_for(timeout=10000)  # the markup, as text
        shown = page.locator("body").inner_text()
        assert "![图](" in shown and "<img src=" in shown and "$$x^2$$" in shown
        assert page.locator(f"img[src^='{beacon}']").count() == 0 and page.locator(f"a[href^='{beacon}']").count() == 0
        time.sleep(1)  # give any stray request time to arrive (none must)
        browser.close()
    assert _Beacon.hits == []
