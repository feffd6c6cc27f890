"""Gradio app over service/: chat across reports, extract files, browse records, run evals; HTTP API alongside."""

from __future__ import annotations

import argparse
import contextlib
import html
import io
import json
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from service.access import check_exposure
from service.app import Services
from service.config import Settings
from service.errors import ServiceError
from service.export import write_xlsx
from service.qa.model import Answer
from service.schema.fields import (
    APPLICANT_COLUMNS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    T3_ROWS_2021,
    t2_rows,
    t3_rows,
)
from service.views import answer_html, as_text, error_zh, method_zh, report_choices

CSS = """
.nb-table {border-collapse: collapse; font-size: 13px; margin-bottom: 12px}
.nb-table th, .nb-table td {border: 1px solid #bbb; padding: 2px 6px; text-align: center}
.nb-table td.label {text-align: left}
.nb-error {background: #f8c9c9} .nb-warning {background: #ffe7a8} .nb-ambiguous {background: #e0d4ff}
.nb-table details summary {cursor: pointer; list-style: none}
.nb-table details small {display: block; max-width: 320px; text-align: left; color: #444}
.nb-table td.nb-focus {outline: 3px solid #d33; background: #fff3c4}
#examples button {font-size: 13px}
"""
EXAMPLES = [
    "巨各庄镇2023年行政复议有几件",
    "哪个镇收到的申请最多",
    "各镇一共收到多少申请",
    "洪泽区的公开率是多少",
    "哪些报告的数字对不上",
    "巨各庄镇有哪些短板",
]
STATUS_ZH = {"ok": "正常", "needs_review": "需复核", "failed": "读取失败"}
DOWNLOADS_MAX_AGE_S = 600  # folders of files handed to the browser (Gradio copies them at once)


def scratch_dir() -> Path:
    """A new folder for files handed to the browser; such folders older than 10 minutes are removed."""
    base = Path(tempfile.gettempdir()) / "nianbao-downloads"
    base.mkdir(exist_ok=True)
    for old in base.iterdir():
        with contextlib.suppress(OSError):
            if time.time() - old.stat().st_mtime > DOWNLOADS_MAX_AGE_S:
                shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(dir=base))


# ---- chat ---------------------------------------------------------------------------------------------------


def format_answer(result: Answer) -> str:
    """An answer as HTML: what was understood, the text, then each source (cell or passage) with its link."""
    return answer_html(result)


def chat_reply(
    services: Services, message: str, history: list[dict[str, Any]], issuer: str | None, year: str | None
) -> str:
    """The chat handler: earlier user turns give the context of follow-up questions."""
    if not message or not message.strip():
        return "请输入问题。"
    earlier = [str(m.get("content", "")) for m in history if m.get("role") == "user"]
    try:
        result = services.ask(message, earlier, issuer or None, int(year) if year else None)
    except ServiceError as exc:
        return f"出错了：{exc}"
    return format_answer(result)


def chat_turn(
    services: Services, message: str, history: list[dict[str, Any]] | None, issuer: str | None, year: str | None
) -> tuple[list[dict[str, Any]], str]:
    """The send handler: the conversation with this question and its answer appended; the box emptied."""
    history = list(history or [])
    if not message or not message.strip():
        return history, ""
    reply = chat_reply(services, message, history, issuer, year)
    return [*history, {"role": "user", "content": message}, {"role": "assistant", "content": reply}], ""


def mode_badge(services: Services) -> str:
    """Which mode the app runs in."""
    if services.mode == "llm":
        model = getattr(services.settings, "chat_model", "") or ""
        return f"🟢 大模型模式（{html.escape(str(model))}）：数字仍由代码从表格单元格计算"
    return "⚪ 离线模式：不使用大模型，数字由代码从表格单元格计算，文字问题给出原文段落"


# ---- one record as the official tables ----------------------------------------------------------------------


def _marks(record: dict[str, Any]) -> dict[str, str]:
    marks: dict[str, str] = {}
    for f in record.get("findings", []):
        kind = "ambiguous" if f["rule"] == "AMBIGUOUS" else f["severity"]
        for cell in f.get("cells", []):
            if marks.get(cell) != "error":
                marks[cell] = kind
    return marks


def _cell(record: dict[str, Any], path: str, value: Any, marks: dict[str, str], focus: str | None = None) -> str:
    ev = (record.get("evidence") or {}).get(path) or {}
    shown = "" if value is None else (int(value) if isinstance(value, float) and value.is_integer() else value)
    text = html.escape(str(shown)) if shown != "" else "<i>空</i>"
    classes = ([f"nb-{marks[path]}"] if path in marks else []) + (["nb-focus"] if path == focus else [])
    css = f' id="cell-{html.escape(path)}"' + (f' class="{" ".join(classes)}"' if classes else "")
    detail = ""
    if ev:
        page = f"第{ev['page']}页 " if ev.get("page") else ""
        raw = f"原文“{ev.get('raw', '')}” " if ev.get("raw") not in (None, "") else ""
        how = method_zh(str(ev.get("method", "")))
        detail = f"<small>{html.escape(page + raw)}{html.escape(ev.get('quote', ''))}（{html.escape(how)}）</small>"
    opened = " open" if path == focus else ""
    cell = f"<details{opened}><summary>{text}</summary>{detail}</details>" if detail else text
    return f"<td{css}>{cell}</td>"


def record_html(record: dict[str, Any], focus: str | None = None) -> str:
    """The three official tables with Chinese labels; cells coloured by findings; evidence on click; ``focus`` (a
    cell path) outlined and opened."""
    meta = record.get("meta") or {}
    title = html.escape(
        f"{meta.get('issuer') or '（未识别单位）'} {meta.get('year') or ''}年 · "
        f"{STATUS_ZH.get(record.get('status', ''), '')} · {record['source']['file']}"
    )
    if record.get("status") == "failed":
        return f"<h4>{title}</h4><p>无法读取：{html.escape(error_zh(record.get('error', '')))}</p>"
    marks = _marks(record)
    t2, t3, t4 = record.get("active_disclosure") or {}, record.get("applications") or {}, record.get("reviews") or {}
    out = [f"<h4>{title}</h4>", "<b>表二 主动公开政府信息情况</b><table class='nb-table'>"]
    for row in t2_rows(meta.get("format_version")):
        cells = t2.get(row.key) or {}
        heads = "".join(f"<th>{html.escape(label)}</th>" for _, label in row.cells)
        values = "".join(
            _cell(record, f"active_disclosure.{row.key}.{k}", cells.get(k), marks, focus) for k, _ in row.cells
        )
        out.append(f"<tr><td class='label'>{row.block} {row.label}</td>{heads}</tr><tr><td></td>{values}</tr>")
    out.append("</table><b>表三 收到和处理政府信息公开申请情况</b><table class='nb-table'><tr><th></th>")
    out.append("".join(f"<th>{label}</th>" for _, label in APPLICANT_COLUMNS) + "</tr>")
    for t3row in t3_rows("other_handling" in t3):
        if t3row.key not in t3:
            continue
        label = f"{t3row.group} {t3row.label}" if t3row.group else t3row.label
        values = "".join(
            _cell(record, f"applications.{t3row.key}.{c}", t3[t3row.key].get(c), marks, focus)
            for c, _ in APPLICANT_COLUMNS
        )
        out.append(f"<tr><td class='label'>{html.escape(label)}</td>{values}</tr>")
    out.append("</table><b>表四 政府信息公开行政复议、行政诉讼情况</b><table class='nb-table'><tr><th></th>")
    out.append("".join(f"<th>{label}</th>" for _, label in REVIEW_COLUMNS) + "</tr>")
    for group, label in REVIEW_GROUPS:
        values = "".join(
            _cell(record, f"reviews.{group}.{c}", (t4.get(group) or {}).get(c), marks, focus) for c, _ in REVIEW_COLUMNS
        )
        out.append(f"<tr><td class='label'>{label}</td>{values}</tr>")
    out.append("</table>")
    return "".join(out)


def findings_markdown(record: dict[str, Any]) -> str:
    """The findings of a record in plain Chinese."""
    name = as_text((record.get("meta") or {}).get("issuer") or record["source"]["file"])
    if record.get("status") == "failed":
        return f"**{name}**：无法读取（{as_text(error_zh(record.get('error', '')))}）"
    findings = record.get("findings", [])
    if not findings:
        return f"**{name}**：未发现问题，表格勾稽关系成立。"
    lines = [f"**{name}**：发现 {len(findings)} 个问题"]
    for f in findings:
        level = "错误" if f["severity"] == "error" else "提示"
        lines.append(f"- 【{level} {f['rule']}】{as_text(f['message'])}")
    return "\n".join(lines)


def extract_files(
    services: Services, files: list[str] | None, add: bool, progress: Callable[[float, str], object] | None = None
) -> tuple[str, str, list[str]]:
    """The extract handler: tables, findings and downloads (JSON, XLSX) for uploaded files."""
    if not files:
        return "", "请先选择文件。", []
    records = []
    messages = []
    for n, path in enumerate(files):
        if progress is not None:
            progress(n / len(files), f"正在解析 {Path(path).name}（{n + 1}/{len(files)}）")
        try:
            records.append(services.extract(Path(path).name, Path(path).read_bytes(), add=add))
        except ServiceError as exc:
            messages.append(f"**{as_text(Path(path).name)}**：{as_text(str(exc))}")
    out_dir = scratch_dir()
    downloads = []
    if records:
        json_path = out_dir / "records.json"
        json_path.write_text(json.dumps(records, ensure_ascii=False, indent=2), encoding="utf-8")
        xlsx_path = out_dir / "reports.xlsx"
        write_xlsx(records, xlsx_path)
        downloads = [str(json_path), str(xlsx_path)]
    tables = "<hr>".join(record_html(r) for r in records)
    notes = "\n\n".join(messages + [findings_markdown(r) for r in records])
    if add and records:
        notes += "\n\n已加入报告库，可在问答中使用。"
    return tables, notes, downloads


# ---- records --------------------------------------------------------------------------------------------------

RECORD_COLUMNS = ["单位", "年度", "状态", "新收申请", "办结", "结转下年度", "行政复议", "行政诉讼", "问题数", "文件"]
OUTCOMES = {
    "予以公开": ("granted",),
    "部分公开": ("partially_granted",),
    "不予公开": tuple(r.key for r in T3_ROWS_2021 if r.key.startswith("withheld_")),
    "无法提供": tuple(r.key for r in T3_ROWS_2021 if r.key.startswith("unable_")),
    "不予处理": tuple(r.key for r in T3_ROWS_2021 if r.key.startswith("not_processed_")),
    "其他处理": ("other_no_amendment", "other_unpaid_fee", "other_other", "other_handling"),
}


def _total(record: dict[str, Any], table: str, rows: tuple[str, ...]) -> int | float | None:
    values = [((record.get(table) or {}).get(row) or {}).get("total") for row in rows]
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def stored_records(
    services: Services, issuer: str | None, year: str | None, status: str | None = None
) -> list[dict[str, Any]]:
    """The stored records matching the Records view's filters (status given in Chinese or as the record's key)."""
    return services.records(issuer or None, int(year) if year else None, _status_key(status))


def _status_key(status: str | None) -> str | None:
    return {v: k for k, v in STATUS_ZH.items()}.get(status or "", status or None)


def records_rows(records: list[dict[str, Any]]) -> list[list[Any]]:
    """One row per stored report: key totals and the number of findings."""
    rows = []
    for r in records:
        meta = r.get("meta") or {}
        rows.append(
            [
                meta.get("issuer"),
                meta.get("year"),
                STATUS_ZH.get(r["status"], r["status"]),
                _total(r, "applications", ("new_received",)),
                _total(r, "applications", ("results_total",)),
                _total(r, "applications", ("carried_forward",)),
                _total(r, "reviews", ("administrative_review",)),
                _total(r, "reviews", ("litigation_direct", "litigation_after_review")),
                len(r.get("findings", [])),
                r["source"]["file"],
            ]
        )
    return rows


def timeline_rows(services: Services, issuer: str | None) -> list[list[Any]]:
    """A body's years as columns (received, handled, carried, findings); every body's years without a filter."""
    from service.review.timeline import LABELS, pivot, timeline

    store, _ = services.library
    rows = timeline(store, issuer=issuer or None)
    if issuer and rows:
        return pivot(rows, rows[0]["issuer"])
    table: list[list[Any]] = [["单位", "年度", *LABELS.values()]]
    for row in rows:
        data: dict[str, Any] = dict(row)
        table.append([data["issuer"], data["year"], *(data[key] for key in LABELS)])
    return table


def findings_rows(records: list[dict[str, Any]]) -> list[list[Any]]:
    """Every finding of the filtered reports, the cross-report ones (Y-*) included."""
    rows = []
    for r in records:
        meta = r.get("meta") or {}
        for f in r.get("findings", []):
            level = "错误" if f["severity"] == "error" else "提示"
            rows.append([meta.get("issuer"), meta.get("year"), f["rule"], level, f["message"]])
    return rows


def chart_frames(records: list[dict[str, Any]]) -> tuple[Any, Any, Any]:
    """Data for the charts: applications per report, how they were handled, findings per report."""
    import pandas as pd

    received, handled, findings = [], [], []
    for r in records:
        meta = r.get("meta") or {}
        name = f"{meta.get('issuer') or '?'} {meta.get('year') or ''}"
        received.append(
            {
                "报告": name,
                "年度": str(meta.get("year") or ""),
                "新收申请": _total(r, "applications", ("new_received",)) or 0,
            }
        )
        for outcome, rows in OUTCOMES.items():
            handled.append({"报告": name, "办理结果": outcome, "件数": _total(r, "applications", rows) or 0})
        findings.append({"报告": name, "问题数": len(r.get("findings", []))})
    return pd.DataFrame(received), pd.DataFrame(handled), pd.DataFrame(findings)


def export_records(services: Services, issuer: str | None, year: str | None, status: str | None) -> str:
    """The filtered records as an XLSX file."""
    path = scratch_dir() / "records.xlsx"
    write_xlsx(stored_records(services, issuer, year, status), path)
    return str(path)


EVAL_GROUPS = {
    "all": "全部",
    "samples": "样本报告",
    "injected": "注入错误的变体",
    "variants (all layouts)": "全部版式变体",
}
EVAL_METRICS = {
    "cell_accuracy": "单元格准确率",
    "all_correct_rate": "全部正确的报告",
    "findings_precision": "问题查准率",
    "findings_recall": "问题查全率",
    "status_agreement": "状态一致",
}


def eval_table(output: str) -> str:
    """The eval run's figures as a Chinese table (read from the JSON reports the run wrote) and its regressions."""
    lines = ["| 组 | 用例 | " + " | ".join(EVAL_METRICS.values()) + " |", "|---" * (len(EVAL_METRICS) + 2) + "|"]
    for md in re.findall(r"^report: (.+)\.md$", output, re.MULTILINE):
        summaries = json.loads(Path(md + ".json").read_text(encoding="utf-8")).get("summaries", {})
        for group, figures in summaries.items():
            name = EVAL_GROUPS.get(group, group.replace("variant:", "版式变体："))
            cells = " | ".join(f"{figures[m]:.2%}" for m in EVAL_METRICS)
            lines.append(f"| {name} | {figures['cases']} | {cells} |")
    names = EVAL_GROUPS | {f"{k}:": f"{v}:" for k, v in EVAL_METRICS.items()} | EVAL_METRICS
    worse = [
        "- 退步：" + " ".join(names.get(w, w) for w in line.split()[1:])
        for line in output.splitlines()
        if line.startswith("REGRESSION ")
    ]
    return "\n".join(lines + [""] + worse)


def run_eval_suite() -> str:
    """The evals handler: samples and generated variants, compared with the baseline."""
    from evals.run import run_evals

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = run_evals("samples") or run_evals("variants")
    verdict = "与基线相比没有退步。" if code == 0 else "与基线相比有退步，见下表。"
    return f"{verdict}\n\n{eval_table(buffer.getvalue())}"


def open_report(services: Services, report_id: str | None, cell: str | None = None) -> tuple[str, str]:
    """The Records view's viewer: one stored report as the official tables (a cell outlined), and its findings."""
    if not report_id:
        return "", ""
    store, _ = services.library
    record = store.record(report_id)
    if record is None:
        return "", f"库中没有编号为 {html.escape(report_id)} 的报告。"
    return record_html(record, focus=cell or None), findings_markdown(record)


# ---- layout and wiring ------------------------------------------------------------------------------------------


def build_ui(services: Services) -> Any:
    """The Gradio Blocks: layout first, then event wiring."""
    import gradio as gr

    store, _ = services.library
    issuers = [""] + sorted(store.issuers())
    years = [""] + [str(y) for y in sorted(store.years())]
    # uploads and downloads Gradio keeps in its cache are deleted after an hour, and all at shutdown
    with gr.Blocks(title="nianbao 政府信息公开年报", delete_cache=(600, 3600)) as demo:
        gr.Markdown("## nianbao · 政府信息公开工作年度报告 解析、核对与问答")
        gr.Markdown(mode_badge(services) + "　·　[接口文档](/docs)", elem_id="mode-badge")
        with gr.Tabs(selected="chat") as tabs:
            with gr.Tab("问答", id="chat"):
                with gr.Row():
                    issuer = gr.Dropdown(issuers, value="", label="单位（可选）", allow_custom_value=True)
                    year = gr.Dropdown(years, value="", label="年度（可选）", allow_custom_value=True)
                chatbot = gr.Chatbot(
                    height=460,
                    label="回答（先写明程序理解的问题；数字由代码从表格单元格计算，点开来源看原文）",
                    latex_delimiters=[],  # a report's $$…$$ is text
                )
                with gr.Row():
                    box = gr.Textbox(
                        placeholder="例如：哪个镇收到的申请最多", show_label=False, scale=8, elem_id="question"
                    )
                    send = gr.Button("发送", variant="primary", scale=1, elem_id="send")
                gr.Markdown("**示例问题**（点击即提问）：")
                with gr.Row(elem_id="examples"):
                    example_buttons = [gr.Button(q, size="sm") for q in EXAMPLES]
                clear = gr.Button("清空对话", size="sm")
            with gr.Tab("解析文件"):
                files = gr.File(
                    label="年报文件（txt md html pdf docx，可多选）",
                    file_count="multiple",
                    elem_id="upload",
                )
                add = gr.Checkbox(value=True, label="同时加入报告库（用于问答）")
                run = gr.Button("解析", variant="primary", elem_id="extract-button")
                notes = gr.Markdown(elem_id="findings")
                tables = gr.HTML(elem_id="tables")
                downloads = gr.File(label="下载 JSON / XLSX", file_count="multiple")
            with gr.Tab("报告库", id="records"):
                with gr.Row():
                    picker = gr.Dropdown(
                        report_choices(store.reports()), value=None, label="打开一份报告", scale=4, elem_id="picker"
                    )
                    cell = gr.Textbox(visible=False)
                report_view = gr.HTML(elem_id="report-view")
                report_findings = gr.Markdown()
                with gr.Row():
                    f_issuer = gr.Dropdown(issuers, value="", label="单位", allow_custom_value=True)
                    f_year = gr.Dropdown(years, value="", label="年度", allow_custom_value=True)
                    f_status = gr.Dropdown(["", *STATUS_ZH.values()], value="", label="状态")
                    refresh = gr.Button("刷新")
                    export = gr.Button("导出 XLSX")
                table = gr.Dataframe(headers=RECORD_COLUMNS, interactive=False, wrap=True)
                exported = gr.File(label="导出的文件")
                gr.Markdown(
                    "**单位时间线**（选择单位后按年度并列；跨年核对见下方问题列表中的 Y-CARRY、Y-NORM、Y-COPY）"
                )
                timeline = gr.Dataframe(interactive=False, wrap=True, elem_id="timeline")
                problems = gr.Dataframe(
                    headers=["单位", "年度", "规则", "严重程度", "说明"],
                    interactive=False,
                    wrap=True,
                    label="发现的问题（含跨报告核对）",
                )
                with gr.Row():
                    plot_received = gr.BarPlot(
                        x="报告", y="新收申请", color="年度", title="各报告收到的申请", x_label_angle=-30
                    )
                    plot_handled = gr.BarPlot(
                        x="报告", y="件数", color="办理结果", title="申请的办理结果", x_label_angle=-30
                    )
                plot_findings = gr.BarPlot(x="报告", y="问题数", title="各报告发现的问题", x_label_angle=-30)
            with gr.Tab("评测"):
                gr.Markdown("用人工核对的标准答案（evals/gold）和生成的版式变体评测解析准确率，并与基线比较。")
                run_evals = gr.Button("运行评测")
                eval_out = gr.Markdown()

        def on_extract(fs: list[str] | None, a: bool, progress: Any = gr.Progress()) -> tuple[str, str, list[str]]:  # noqa: B008
            return extract_files(services, fs, a, lambda frac, desc: progress(frac, desc=desc))

        run.click(on_extract, [files, add], [tables, notes, downloads], api_name="extract")

        def show_records(i: str, y: str, s: str) -> tuple[Any, ...]:
            records = stored_records(services, i, y)  # read once; the status filter applies to the table only
            received, handled, found = chart_frames(records)
            line = timeline_rows(services, i)
            key = _status_key(s)
            return (
                records_rows([r for r in records if key is None or r["status"] == key]),
                received,
                handled,
                found,
                {"headers": [str(h) for h in line[0]], "data": line[1:]} if line else None,
                findings_rows(records),
                gr.update(choices=report_choices(services.library[0].reports())),
            )

        outputs = [table, plot_received, plot_handled, plot_findings, timeline, problems, picker]
        for trigger in (refresh.click, demo.load):
            trigger(show_records, [f_issuer, f_year, f_status], outputs)
        export.click(lambda i, y, s: export_records(services, i, y, s), [f_issuer, f_year, f_status], exported)
        run_evals.click(run_eval_suite, None, eval_out)

        def turn(message: str, history: list[dict[str, Any]], i: str, y: str) -> tuple[list[dict[str, Any]], str]:
            return chat_turn(services, message, history, i, y)

        ask = [box, chatbot, issuer, year]
        send.click(turn, ask, [chatbot, box], api_visibility="private")
        box.submit(turn, ask, [chatbot, box], api_visibility="private")
        for button in example_buttons:
            button.click(turn, [button, chatbot, issuer, year], [chatbot, box], api_visibility="private")
        clear.click(lambda: ([], ""), None, [chatbot, box], api_visibility="private")

        def respond(message: str, i: str, y: str) -> str:
            """One question (no history) → the answer as HTML."""
            return chat_reply(services, message, [], i, y)

        gr.api(respond, api_name="respond")  # type: ignore[attr-defined]

        def show_report(report_id: str | None, path: str) -> tuple[str, str]:
            return open_report(services, report_id, path)

        picker.input(show_report, [picker, cell], [report_view, report_findings], api_visibility="private")

        def from_link(request: gr.Request) -> tuple[Any, ...]:
            """``?report=<id>&cell=<path>`` opens the Records view at that report and cell."""
            params = dict(request.query_params) if request else {}
            report_id, path = params.get("report"), params.get("cell", "")
            if not report_id:
                return gr.update(), gr.update(), gr.update(), gr.update(), gr.update()
            view, found = open_report(services, report_id, path)
            return gr.update(selected="records"), gr.update(value=report_id), path, view, found

        from_link.__annotations__ = {"request": gr.Request}  # gradio reads the hint; gr is not a module global
        scroll = "() => setTimeout(() => document.querySelector('.nb-focus')?.scrollIntoView({block: 'center'}), 300)"
        demo.load(from_link, None, [tabs, picker, cell, report_view, report_findings], api_visibility="private").then(
            None, None, None, js=scroll
        )
    return demo


def create_app(settings: Settings, *, warm: bool = False) -> Any:
    """FastAPI with the HTTP API and the Gradio app mounted at /; ``warm`` loads the models in the background."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    import gradio as gr

    from service.api import create_api

    services = Services(settings)
    if warm:  # the first text question would otherwise pay for loading jieba, the embedding model and BM25
        threading.Thread(target=services.ask, args=("平台建设情况",), daemon=True).start()
    api = create_api(services)
    return gr.mount_gradio_app(
        api, build_ui(services), path="/", css=CSS, max_file_size=f"{int(settings.max_file_mb)}mb", footer_links=[]
    )


def main(argv: list[str] | None = None) -> int:
    """``nianbao ui``: serve the app (127.0.0.1:7860 unless told otherwise)."""
    parser = argparse.ArgumentParser(prog="nianbao ui")
    parser.add_argument("--host", default=None, help="address to bind (default NIANBAO_UI_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port (default NIANBAO_UI_PORT or 7860)")
    args = parser.parse_args(argv)
    settings = Settings()
    host = args.host or settings.ui_host
    port = args.port or settings.ui_port
    check_exposure(host, settings)  # another host than loopback needs NIANBAO_ACCESS_TOKEN
    import uvicorn

    app = create_app(settings, warm=True)
    print(f"nianbao: http://{host}:{port}/  (API docs: http://{host}:{port}/docs)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
