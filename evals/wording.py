"""The ``wording`` suite: what real reports print, applied to the generated layouts of the samples.

Each kind rewrites a base variant (the tab-separated text or the HTML page of a sample) the way real reports differ
from the official format, without changing any value, so the expected record is the base variant's. The kinds come
from reports read for this purpose (``docs/wording.md`` lists the sources): row-label wording, punctuation and
enumerators, numbers printed with units, separators and full-width digits, Chinese numerals in the prose,
Markdown pipe tables (with and without spaces), labels printed apart from their numbers with a page footer inside
the table (PDF converted to Markdown), a report laid out inside an HTML layout table with ``&nbsp;`` cells, a report
without a title line that names itself in section 一, and run-together digits with a stray space.

``python -m evals.wording`` writes ``evals/data/wording/`` and its ``manifest.json`` (the same fields as the
variants' manifest); ``nianbao evals run --suite wording`` scores it.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
VARIANTS = ROOT / "data" / "variants"
OUT = ROOT / "data" / "wording"

LABELS = (
    ("结转下年度继续办理", "结转下一年度继续办理"),
    ("本年新收", "本年度新收"),
    ("上年结转", "上年度结转"),
    ("（七）总计", "（七）合计"),
    ("其他法律行政法规禁止公开", "其他法律、行政法规禁止公开"),
    ("“三安全一稳定”", '"三安全一稳定"'),
    ("（区分处理的，只计这一情形，不计其他情形）", ""),
    ("逾期不补正、行政机关", "逾期不补正，行政机关"),
    ("行政规范性文件\t", "规范性文件\t"),
)
_CN = "零一二三四五六七八九"


def chinese(n: int) -> str:
    """A number below 100 in Chinese numerals (17 → 十七, 20 → 二十)."""
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + ("" if ones == 0 else _CN[ones])


def _table_lines(text: str, edit: Callable[[str], str]) -> str:
    return "\n".join(edit(line) if "\t" in line else line for line in text.split("\n"))


def labels(text: str, _: random.Random) -> str:
    """Row labels as real reports word them (结转下一年度, 本年度新收, （七）合计, a dropped note, 规范性文件 …)."""

    def edit(line: str) -> str:
        for official, variant in LABELS:
            line = line.replace(official, variant)
        return line

    return _table_lines(text, edit)


def punctuation(text: str, _: random.Random) -> str:
    """Half-width brackets, 1、 enumerators and a space inside a label."""

    def edit(line: str) -> str:
        line = line.replace("（", "(").replace("）", ")")
        line = re.sub(r"(?<![\d.])([1-8])\.(?=[\u4e00-\u9fff])", r"\1、", line)
        return line.replace("结转下年度继续办理", "结转下年度 继续办理")

    return _table_lines(text, edit)


def units(text: str, rng: random.Random) -> str:
    """Counts printed with 件 (with or without a space), thousands separators, some full-width digits."""

    def cell(value: str) -> str:
        if not re.fullmatch(r"\d+", value):
            return value
        if int(value) >= 1000:
            return f"{int(value):,}"
        choice = rng.random()
        if choice < 0.3:
            return value + "件"
        if choice < 0.5:
            return value + " 件"
        if choice < 0.6:
            return value.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        return value

    def edit(line: str) -> str:
        cells = line.split("\t")
        if "万元" in line or "收费" in cells[0]:
            return line  # amounts stay as printed
        return "\t".join(cell(c) for c in cells)

    return _table_lines(text, edit)


def prose_numbers(text: str, _: random.Random) -> str:
    """Counts of the prose in Chinese numerals (十七件), large ones with separators (1,020条)."""

    def numeral(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if n >= 1000:
            return f"{n:,}{match.group(2)}"
        return (chinese(n) if 0 < n < 100 else match.group(1)) + match.group(2)

    lines = text.split("\n")
    return "\n".join(line if "\t" in line else re.sub(r"(?<![\d.,])(\d+)(件|条)", numeral, line) for line in lines)


def _pipes(text: str, spaced: bool) -> str:
    out, previous = [], False
    for line in text.split("\n"):
        table = "\t" in line
        if table:
            cells = line.split("\t")
            row = "| " + " | ".join(cells) + " |" if spaced else "|" + "|".join(cells) + "|"
            out.append(row)
            if not previous:
                out.append("|" + "|".join("---" for _ in cells) + "|")
        else:
            out.append(line)
        previous = table
    return "\n".join(out)


def pipes(text: str, _: random.Random) -> str:
    """Markdown pipe tables without spaces (``|a|b|``)."""
    return _pipes(text, spaced=False)


def pipes_spaced(text: str, _: random.Random) -> str:
    """Markdown pipe tables with spaces (``| a | b |``)."""
    return _pipes(text, spaced=True)


def detached(text: str, rng: random.Random) -> str:
    """PDF converted to Markdown: some labels printed apart from their numbers, a page footer inside table 三."""
    lines = text.split("\n")
    rows = [i for i, line in enumerate(lines) if "\t" in line and re.search(r"\t\d+(\t|$)", line)]
    t3 = [i for i in rows if len(re.findall(r"\t\d+", lines[i])) >= 7]
    pairs = [(a, b) for a, b in zip(t3, t3[1:], strict=False) if b == a + 1][2::5]
    for a, b in sorted(pairs, reverse=True):
        label_a, values_a = _split_row(lines[a])
        label_b, values_b = _split_row(lines[b])
        lines[a : b + 1] = [label_a, label_b, values_a, values_b]
    if t3:
        lines.insert(t3[len(t3) // 2] + 1, "— 3 —")
    return _pipes("\n".join(lines), spaced=bool(rng.random() < 0.5))


def _split_row(line: str) -> tuple[str, str]:
    cells = line.split("\t")
    first = next(i for i, c in enumerate(cells) if re.fullmatch(r"\d+", c))
    label = "".join(c for c in cells[:first] if c.strip())
    return label, "\t".join(cells[first:])


def no_title(text: str, _: random.Random, meta: dict[str, Any]) -> str:
    """No title line (crawled text starts at the first paragraph); the body names itself where section 一 opens."""
    lines = text.split("\n")
    body = "\n".join(lines[1:])
    opening = f"{meta['year']}年，{meta['issuer']}认真贯彻落实《条例》。"
    period = f"本报告所列数据统计期限自{meta['year']}年1月1日起至{meta['year']}年12月31日止。\n"
    return period + body.replace("一、总体情况\n", "一、总体情况\n" + opening, 1)


def html_nested(text: str, _: random.Random) -> str:
    """The report inside a layout table (a portal's page template), empty cells written as ``&nbsp;``."""
    body = re.search(r"<body[^>]*>(.*)</body>", text, re.S)
    inner = body.group(1) if body else text
    inner = inner.replace("<td></td>", "<td>&nbsp;</td>")
    page = (
        '<table width="100%"><tr><td class="nav">首页 &gt; 政务公开 &gt; 政府信息公开年报</td></tr>'
        f'<tr><td class="content">{inner}</td><td class="side"><p>相关链接</p></td></tr></table>'
    )
    return text.replace(inner, page) if body else page


def stray_space(text: str, rng: random.Random) -> str:
    """Run-together digits with a stray space inside one long run of table 三."""
    runs = [m for m in re.finditer(r"(?<=[\u4e00-\u9fff）)])\d{7,}(?=[\u4e00-\u9fff（(]|$)", text)]
    if not runs:
        return text
    run = runs[rng.randrange(len(runs))]
    cut = run.start() + rng.randrange(1, len(run.group()))
    return text[:cut] + " " + text[cut:]


KINDS: dict[str, tuple[str, str]] = {  # kind: (base layout, file extension)
    "labels": ("tsv", "txt"),
    "punctuation": ("tsv", "txt"),
    "units": ("tsv", "txt"),
    "prose_numbers": ("tsv", "txt"),
    "pipes": ("tsv", "md"),
    "pipes_spaced": ("tsv", "md"),
    "detached": ("tsv", "md"),
    "no_title": ("tsv", "txt"),
    "html_nested": ("html", "html"),
    "stray_space": ("runtogether", "txt"),
}


def generate(out: Path = OUT) -> list[dict[str, Any]]:
    """Write every kind for every sample; returns the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.iterdir():
        old.unlink()
    base = {(e["gold"], e["layout"]): e for e in json.loads((VARIANTS / "manifest.json").read_text(encoding="utf-8"))}
    manifest = []
    for (gold, layout), entry in sorted(base.items()):
        for kind, (source, ext) in KINDS.items():
            if layout != source:
                continue
            rng = random.Random(f"{gold}:{kind}")
            text = (VARIANTS / entry["file"]).read_text(encoding="utf-8")
            if kind == "no_title":
                written = no_title(text, rng, entry["meta"])
            else:
                written = globals()[kind](text, rng)
            name = f"{gold}.{kind}.{ext}"
            (out / name).write_text(written, encoding="utf-8")
            manifest.append({**entry, "file": name, "layout": kind, "format": ext})
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return manifest


if __name__ == "__main__":
    made = generate()
    print(f"{len(made)} wording variants in {OUT}")
