"""Chinese tokens for BM25 (jieba, search mode), with stop characters removed."""

from __future__ import annotations

import logging
import re

_KEEP = re.compile(r"[\u4e00-\u9fff]|[a-zA-Z0-9]")
_STOP = {
    "的",
    "了",
    "和",
    "与",
    "及",
    "在",
    "是",
    "等",
    "对",
    "为",
    "有",
    "中",
    "哪些",
    "什么",
    "怎样",
    "如何",
    "多少",
    "报告",
    "提到",
    "提及",
    "是否",
    "有没有",
    "方面",
    "哪个",
    "情况",
    "怎么",
    "怎么样",
    "工作",
    "哪里",
    "还",
    "吗",
    "呢",
    "做",
}


def tokenize(text: str) -> list[str]:
    """jieba search-mode tokens, punctuation and stop words dropped."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return [t for t in jieba.lcut_for_search(text) if _KEEP.search(t) and t not in _STOP]
