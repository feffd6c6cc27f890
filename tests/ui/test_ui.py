"""The app: handlers as plain functions, the running server over HTTP and gradio_client, and headless Chromium."""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from service.app import Services, safe_name
from service.config import Settings
from service.library import ingest
from tests.conftest import SAMPLES
from ui import (
    chat_reply,
    extract_files,
    findings_rows,
    format_answer,
    record_html,
    records_rows,
    stored_records,
    timeline_rows,
)

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    home = tmp_path_factory.mktemp("ui-home")
    settings = Settings(home=home, embedding="hash")
    folder = tmp_path_factory.mktemp("ui-in")
    for name in ("003_9da54bdadbdcae0a.txt", "pingtan-zone-2023.txt", "002_006588cd53e50429.txt"):
        shutil.copy(SAMPLES / name, folder / name)
    ingest([folder], settings, progress=False)
    return settings


@pytest.fixture(scope="module")
def services(settings: Settings) -> Services:
    return Services(settings)


def test_chat_handler_answers_with_citations(services: Services) -> None:
    text = chat_reply(services, "巨各庄镇2023年行政复议总数是多少", [], "", "")
    assert "行政复议总数：5件" in text and "<details>" in text and "3 0 2 0 5" in text
    follow = chat_reply(
        services, "那行政诉讼呢？", [{"role": "user", "content": "巨各庄镇2023年行政复议总数是多少"}], "", ""
    )
    assert "行政诉讼总数：0件" in follow
    assert chat_reply(services, "  ", [], "", "") == "请输入问题。"


def test_record_tables_mark_findings_and_show_evidence(services: Services) -> None:
    record = json.loads(json.dumps(services.records(issuer="平潭综合实验区")[0]))
    page = record_html(record)
    assert "表三 收到和处理政府信息公开申请情况" in page and "（三）不予公开 4.保护第三方合法权益" in page
    assert page.count("nb-ambiguous") == 2  # the two run-together cells that read more than one way
    assert "原文“80”" in page


def test_extract_handler_with_good_and_bad_files(services: Services, tmp_path: Path) -> None:
    good = tmp_path / "洪泽区.pdf"
    shutil.copy(SAMPLES / "hongze-district-2024.pdf", good)
    bad = tmp_path / "notes.exe"
    bad.write_bytes(b"MZ")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    tables, notes, downloads = extract_files(services, [str(good), str(bad), str(empty)], add=False)
    assert "淮安市洪泽区人民政府" in tables and "TX-NEW" in notes
    assert "不支持的文件类型 .exe" in notes and "无法读取（empty file）" in notes
    assert [Path(d).name for d in downloads] == ["records.json", "reports.xlsx"]
    assert len(json.loads(Path(downloads[0]).read_text(encoding="utf-8"))) == 2


def test_records_rows(services: Services) -> None:
    rows = records_rows(stored_records(services, "", ""))
    review = stored_records(services, "", "", "需复核")
    assert [r["meta"]["issuer"] for r in review] == ["平潭综合实验区"]
    assert {r[0] for r in rows} == {"巨各庄镇", "平潭综合实验区", "初麻乡"}
    pingtan = next(r for r in rows if r[0] == "平潭综合实验区")
    assert pingtan[2] == "需复核" and pingtan[3] == 81 and pingtan[7] == 7


def test_timeline_and_findings_tables(services: Services) -> None:
    every = timeline_rows(services, "")
    assert every[0][:3] == ["单位", "年度", "本年新收"] and len(every) == 4
    body = timeline_rows(services, "巨各庄镇")
    assert body[0] == ["", "2023年"] and body[1] == ["本年新收", 20]
    problems = findings_rows(stored_records(services, "", ""))
    assert ["平潭综合实验区", 2023, "AMBIGUOUS", "提示"] in [row[:4] for row in problems]
    assert any(row[2] == "TX-FEE" and row[0] == "初麻乡" for row in problems)


def test_safe_upload_names() -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("..\\..\\x 报告.pdf") == "x_报告.pdf"
    assert safe_name("...") == "upload"


def test_format_answer_escapes_report_text(services: Services) -> None:
    result = services.ask("巨各庄镇2023年行政复议总数是多少")
    result.citations[0].quote = "<script>alert(1)</script>"
    assert "<script>" not in format_answer(result)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(settings: Settings) -> Iterator[str]:
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    import uvicorn

    from ui import create_app

    port = _free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(url + "/api/records", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    yield url
    server.should_exit = True
    thread.join(timeout=10)


def test_http_api(server: str) -> None:
    answer = httpx.post(
        server + "/api/ask", json={"question": "平潭综合实验区2023年行政诉讼有多少件"}, timeout=30
    ).json()
    assert answer["mode"] == "offline" and answer["value"] == 7
    assert {c["path"] for c in answer["citations"]} == {
        "reviews.litigation_direct.total",
        "reviews.litigation_after_review.total",
    }
    with (SAMPLES / "hebei-kjt-2023.txt").open("rb") as handle:
        record = httpx.post(server + "/api/extract", files={"file": ("河北.txt", handle)}, timeout=30).json()
    assert record["meta"]["issuer"] == "河北省科学技术厅" and record["source"]["file"] == "河北.txt"
    records = httpx.get(server + "/api/records", params={"issuer": "巨各庄镇"}, timeout=30).json()
    assert len(records) == 1 and records[0]["applications"]["new_received"]["total"] == 20
    bad = httpx.post(server + "/api/extract", files={"file": ("a.exe", b"MZ")}, timeout=30)
    assert bad.status_code == 415 and "不支持的文件类型" in bad.json()["error"]
    invalid = httpx.post(server + "/api/ask", json={}, timeout=30)
    assert invalid.status_code == 422 and "question" in invalid.json()["error"]
    assert "/api/ask" in httpx.get(server + "/openapi.json", timeout=30).text


def test_gradio_client(server: str) -> None:
    from gradio_client import Client, handle_file

    client = Client(server + "/", verbose=False)
    reply = client.predict("哪个乡镇收到的申请最多", "", "", api_name="/respond")
    assert "巨各庄镇" in reply and "20件" in reply
    tables, notes, _ = client.predict(
        [handle_file(str(SAMPLES / "001_8b9db0a3de107dcf.txt"))], False, api_name="/extract"
    )
    assert "卷硐镇" in tables and "未发现问题" in notes


def test_browser_end_to_end(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    shot = tmp_path / "ui.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(server + "/", wait_until="load")
        box = page.locator("#question textarea")
        box.wait_for(timeout=30000)
        box.fill("巨各庄镇2023年行政复议总数是多少")
        box.press("Enter")
        page.get_by_text("行政复议总数：5件").wait_for(timeout=30000)
        page.locator("details summary").first.click()
        page.get_by_text("3 0 2 0 5").first.wait_for(timeout=10000)
        page.screenshot(path=str(shot), full_page=True)
        page.get_by_role("tab", name="解析文件").click()
        page.locator("#upload input[type=file]").set_input_files(str(SAMPLES / "hongze-district-2024.pdf"))
        page.locator("#extract-button").click()
        page.get_by_text("表三 收到和处理政府信息公开申请情况").wait_for(timeout=60000)
        page.get_by_text("TX-NEW").first.wait_for(timeout=10000)
        page.screenshot(path=str(tmp_path / "extract.png"), full_page=True)
        browser.close()
    assert shot.stat().st_size > 20000
