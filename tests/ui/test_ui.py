"""The app: handlers as plain functions, the running server over HTTP and gradio_client, and headless Chromium."""

from __future__ import annotations

import json
import os
import re
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
    chat_turn,
    eval_table,
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
    text = chat_reply(services, "巨各庄2023年行政复议有几件", [], "", "")
    assert text.startswith("<b>按：巨各庄镇 · 2023 · 行政复议 · 总计</b><br>巨各庄镇 2023年 行政复议：5件。")
    assert "表四 行政复议 / 总计 = 5" in text and "3 0 2 0 5" in text
    assert 'href="?report=' in text and "cell=reviews.administrative_review.total" in text
    history, box = chat_turn(services, "巨各庄镇2023年行政复议有几件", [], "", "")
    history, box = chat_turn(services, "那行政诉讼呢？", history, "", "")
    assert box == "" and [m["role"] for m in history] == ["user", "assistant"] * 2
    assert "巨各庄镇 2023年 行政诉讼：0件" in history[-1]["content"]
    assert chat_reply(services, "  ", [], "", "") == "请输入问题。"


def test_eval_output_in_chinese(tmp_path: Path) -> None:
    report = tmp_path / "samples-x"
    figures = {"cases": 8, "cell_accuracy": 1.0, "all_correct_rate": 1.0, "findings_precision": 1.0}
    figures |= {"findings_recall": 0.5, "status_agreement": 1.0}
    report.with_suffix(".json").write_text(json.dumps({"summaries": {"samples": figures}}), encoding="utf-8")
    table = eval_table(f"report: {report}.md\nREGRESSION samples findings_recall: 1.0000 -> 0.5000\n")
    assert "| 样本报告 | 8 | 100.00% | 100.00% | 100.00% | 50.00% | 100.00% |" in table
    assert "- 退步：样本报告 问题查全率: 1.0000 -> 0.5000" in table


def test_record_tables_mark_findings_and_show_evidence(services: Services) -> None:
    record = json.loads(json.dumps(services.records(issuer="平潭综合实验区")[0]))
    page = record_html(record)
    assert "表三 收到和处理政府信息公开申请情况" in page and "（三）不予公开 4.保护第三方合法权益" in page
    assert page.count("nb-ambiguous") == 2  # the two run-together cells that read more than one way
    assert "原文“80”" in page and "（按表格模板读取）" in page and "template" not in page
    focused = record_html(record, focus="reviews.administrative_review.total")
    assert focused.count("nb-focus") == 1 and 'id="cell-reviews.administrative_review.total"' in focused


def test_extract_handler_with_good_and_bad_files(services: Services, tmp_path: Path) -> None:
    good = tmp_path / "洪泽区.pdf"
    shutil.copy(SAMPLES / "hongze-district-2024.pdf", good)
    bad = tmp_path / "notes.exe"
    bad.write_bytes(b"MZ")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    tables, notes, downloads = extract_files(services, [str(good), str(bad), str(empty)], add=False)
    assert "淮安市洪泽区人民政府" in tables and "TX-NEW" in notes
    assert "不支持的文件类型 .exe" in notes and "无法读取（空文件）" in notes
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


def test_reader_errors_in_chinese() -> None:
    from service.extract.reader import NOT_A_REPORT
    from service.views import error_zh

    messages = [
        "empty file",
        "binary file, not text",
        "unreadable encoding (neither UTF-8 nor GB18030)",
        "encrypted PDF (password required)",
        "PDF has no text layer (scanned images?); OCR is not supported",
        "PDF has more than 200 pages (the limit)",
        "damaged PDF page 3 (PdfminerException)",
        "corrupt DOCX (BadZipFile)",
        "unreadable HTML (ParserError)",
        "file too large (60 MB > 50 MB)",
        "unsupported file type '.doc'",
        NOT_A_REPORT,
        "cannot read file (Permission denied)",
        "internal error while reading (ValueError: x)",
        "PDF streams inflate to more than 50 MB (the limit)",
        "DOCX too large unpacked (50 MB of XML > 5 MB)",
        "DOCX too large unpacked (300 MB > 100 MB)",
        "took longer than 180 s to read (the limit)",
        "needs more than 450 MB of memory to read (the limit)",
        "the reader crashed (SIGSEGV)",
    ]
    chinese = [error_zh(m) for m in messages]
    for text in chinese:  # format names, units and the file's own extension may stay
        assert not re.search(r"[A-Za-z]", re.sub(r"'[^']*'|PDF|DOCX|HTML|UTF-8|GB18030|MB", "", text)), text
    assert (
        chinese[5] == "PDF 超过 200 页的上限"
        and chinese[16] == "DOCX 解压后 300 MB，超过上限 100 MB"
        and chinese[9] == "文件过大（60 MB，上限 50 MB）"
    )


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


def serve(settings: Settings, headers: dict[str, str] | None = None) -> Iterator[str]:
    """The app on a free loopback port, in a thread, until the generator is closed."""
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
            if httpx.get(url + "/api/records", headers=headers, timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    yield url
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def server(settings: Settings) -> Iterator[str]:
    yield from serve(settings)


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
    assert answer["understood"] == "按：平潭综合实验区 · 2023 · 行政诉讼 · 总计"
    assert {(c["table"], c["row"], c["column"]) for c in answer["citations"]} == {
        ("四", "行政诉讼 未经复议直接起诉", "总计"),
        ("四", "行政诉讼 复议后起诉", "总计"),
    }
    for page, asset in (("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")):
        html_page = httpx.get(server + page, timeout=30).text
        assert f"/static-offline-docs/{asset}" in html_page and "cdn" not in html_page.lower()
        assert httpx.get(server + f"/static-offline-docs/{asset}", timeout=30).status_code == 200


def test_gradio_client(server: str) -> None:
    from gradio_client import Client, handle_file

    client = Client(server + "/", verbose=False)
    reply = client.predict("哪个镇收到的申请最多", "", "", api_name="/respond")
    assert "按：各镇 · 本年新收 · 总计 · 最多" in reply and "巨各庄镇 2023年 本年新收：20件" in reply
    tables, notes, _ = client.predict(
        [handle_file(str(SAMPLES / "001_8b9db0a3de107dcf.txt"))], False, api_name="/extract"
    )
    assert "卷硐镇" in tables and "未发现问题" in notes


def test_browser_end_to_end(server: str, tmp_path: Path) -> None:
    """A real conversation (send button, Enter, a follow-up, an example), a citation opened at its cell, the
    Records view, an upload, and the API docs with every request kept on this machine."""
    from playwright.sync_api import sync_playwright

    shot = tmp_path / "ui.png"
    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.route(
            lambda url: not url.startswith("http://127.0.0.1"),
            lambda route: (outside.append(route.request.url), route.abort()),
        )
        page = context.new_page()
        page.goto(server + "/", wait_until="load")
        box = page.locator("#question textarea")
        box.wait_for(timeout=30000)
        box.fill("巨各庄2023年行政复议有几件")
        page.locator("#send").click()
        page.get_by_text("巨各庄镇 2023年 行政复议：5件。").wait_for(timeout=30000)
        page.get_by_text("按：巨各庄镇 · 2023 · 行政复议 · 总计").wait_for(timeout=10000)
        box.fill("那平潭呢")
        box.press("Enter")
        page.get_by_text("平潭综合实验区 2023年 行政复议：2件。").wait_for(timeout=30000)
        page.get_by_role("button", name="哪个镇收到的申请最多").click()
        page.get_by_text("巨各庄镇 2023年 本年新收：20件。").wait_for(timeout=30000)
        page.screenshot(path=str(shot), full_page=True)
        page.locator("details summary").first.click()
        href = page.get_by_text("在报告库中打开").first.get_attribute("href")
        assert href is not None and "cell=reviews.administrative_review.total" in href
        records = context.new_page()
        records.goto(server + "/" + href, wait_until="load")
        focus = records.locator("td.nb-focus")
        focus.wait_for(timeout=30000)
        assert focus.get_attribute("id") == "cell-reviews.administrative_review.total" and "5" in focus.inner_text()
        records.get_by_text("表四 政府信息公开行政复议、行政诉讼情况").first.wait_for(timeout=10000)
        records.screenshot(path=str(tmp_path / "records.png"))
        page.get_by_role("tab", name="解析文件").click()
        page.locator("#upload input[type=file]").set_input_files(str(SAMPLES / "hongze-district-2024.pdf"))
        page.locator("#extract-button").click()
        page.get_by_text("表三 收到和处理政府信息公开申请情况").wait_for(timeout=60000)
        page.get_by_text("TX-NEW").first.wait_for(timeout=10000)
        page.screenshot(path=str(tmp_path / "extract.png"), full_page=True)
        docs = context.new_page()
        docs.goto(server + "/docs", wait_until="load")
        docs.get_by_text("/api/ask").first.wait_for(timeout=30000)
        browser.close()
    assert shot.stat().st_size > 20000
    assert outside == []
