"""The PDF layout (reportlab, ``invariant=1``), drawn with the WenQuanYi Zen Hei font."""

from __future__ import annotations

import html as htmlmod
import io
from typing import Any

from evals.variants.blocks import T4_HEAD_FIELDS, blocks, t3_grid, t4_values, title_text
from evals.variants.model import APPLICANT_HEADER, COLS, NOTE_T3, ORG_HEADER, T2_WIDTH, Variant, cell_text

FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

_FONT_REGISTERED = False


def _register_font() -> None:
    global _FONT_REGISTERED
    if _FONT_REGISTERED:
        return
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("WQY", FONT_PATH, subfontIndex=0))
    _FONT_REGISTERED = True


def render_pdf(var: Variant) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _register_font()
    st_body = ParagraphStyle("body", fontName="WQY", fontSize=10.5, leading=16, wordWrap="CJK", firstLineIndent=21)
    st_title = ParagraphStyle("title", fontName="WQY", fontSize=16, leading=24, alignment=1, wordWrap="CJK")
    st_head = ParagraphStyle("head", fontName="WQY", fontSize=12, leading=20, wordWrap="CJK", spaceBefore=6)
    st_cell = ParagraphStyle("cell", fontName="WQY", fontSize=7.5, leading=9.5, wordWrap="CJK")

    class LeaveRoom(Flowable):  # type: ignore[misc]
        """Takes up space so that only ``room`` points remain in the frame (table 3 then has to
        continue on the next page)."""

        def __init__(self, room: float) -> None:
            super().__init__()
            self.room = room
            self.h = 0.0

        def wrap(self, aw: float, ah: float) -> tuple[float, float]:
            self.h = ah - self.room if ah > self.room + 1 else ah + 1
            return aw, self.h

        def draw(self) -> None:
            pass

    def P(text: str, style: Any = st_cell) -> Any:
        return Paragraph(htmlmod.escape(text), style)

    base_style = [
        ("FONTNAME", (0, 0), (-1, -1), "WQY"),
        ("FONTSIZE", (0, 0), (-1, -1), 7.5),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
    ]
    story: list[Any] = []
    for b in blocks(var):
        kind = b[0]
        if kind == "title":
            story.append(Paragraph(htmlmod.escape(b[1]), st_title))
            story.append(Spacer(1, 6))
        elif kind == "heading":
            story.append(Paragraph(htmlmod.escape(b[1]), st_head))
        elif kind == "para":
            story.append(Paragraph(htmlmod.escape(b[1]), st_body))
        elif kind == "table2":
            data: list[list[Any]] = []
            style = list(base_style)
            for block, headers, rows in var.t2:
                r = len(data)
                data.append([block, "", "", ""])
                style.append(("SPAN", (0, r), (-1, r)))
                r = len(data)
                data.append(headers + [""] * (T2_WIDTH - len(headers)))
                if len(headers) < T2_WIDTH:
                    style.append(("SPAN", (len(headers) - 1, r), (-1, r)))
                for label, paths in rows:
                    r = len(data)
                    vals = [cell_text(var, p, "/") for p in paths]
                    data.append([label] + vals + [""] * (T2_WIDTH - 1 - len(vals)))
                    if len(vals) < T2_WIDTH - 1:
                        style.append(("SPAN", (len(vals), r), (-1, r)))
            t = Table(data, colWidths=[110, 120, 120, 120])
            t.setStyle(TableStyle(style))
            story.append(t)
        elif kind == "table3":
            story.append(LeaveRoom(260))
            data = [
                [P(NOTE_T3), "", "", APPLICANT_HEADER, "", "", "", "", "", ""],
                ["", "", "", "自然人", ORG_HEADER, "", "", "", "", "总计"],
                ["", "", "", ""] + [P(lbl) for _, lbl in COLS[1:6]] + [""],
            ]
            style = list(base_style) + [
                ("SPAN", (0, 0), (2, 2)),
                ("SPAN", (3, 0), (9, 0)),
                ("SPAN", (3, 1), (3, 2)),
                ("SPAN", (4, 1), (8, 1)),
                ("SPAN", (9, 1), (9, 2)),
            ]
            for _, labels, vals, kind3 in t3_grid(var, "/"):
                r = len(data)
                if kind3 == "top":
                    data.append([P(labels[0]), "", ""] + vals)
                    style.append(("SPAN", (0, r), (2, r)))
                elif kind3 == "single":
                    data.append([P(labels[0]), P(labels[1]), ""] + vals)
                    style.append(("SPAN", (1, r), (2, r)))
                else:
                    data.append([P(labels[0]), P(labels[1]), P(labels[2])] + vals)
            t = Table(data, colWidths=[36, 52, 152] + [34] * 7, repeatRows=0)
            t.setStyle(TableStyle(style))
            story.append(t)
        elif kind == "table4":
            data = [
                ["行政复议", "", "", "", "", "行政诉讼"] + [""] * 9,
                [P(x) for x in T4_HEAD_FIELDS] + ["未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""],
                [""] * 5 + [P(x) for x in T4_HEAD_FIELDS * 2],
                t4_values(var, "/"),
            ]
            style = (
                list(base_style)
                + [
                    ("SPAN", (0, 0), (4, 0)),
                    ("SPAN", (5, 0), (14, 0)),
                    ("SPAN", (5, 1), (9, 1)),
                    ("SPAN", (10, 1), (14, 1)),
                ]
                + [("SPAN", (i, 1), (i, 2)) for i in range(5)]
            )
            t = Table(data, colWidths=[32] * 15)
            t.setStyle(TableStyle(style))
            story.append(t)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=title_text(var),
        author="evals.variants",
        creator="evals.variants",
        producer="evals.variants",
        invariant=1,
    )
    doc.build(story)
    return buf.getvalue()
