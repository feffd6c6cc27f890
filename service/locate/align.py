"""Official rows aligned with the text rows of a table, by label similarity; then values given to rows.

Labels: an official row's label (without its enumerator) is looked for inside a text row's label by partial
alignment, and scored by the share of its characters found in order (longest common subsequence), so that
wording variants (本年度新收, 结转下一年度, 合计 for 总计), dropped notes, labels broken over lines and
junk around them (vertical group labels of PDFs) still match. When both carry an enumerator, they must agree
(``3.其他`` never matches ``2.申请人逾期…``). Table 三 keeps the format's order (a dynamic-programming alignment:
rows may be absent, never shifted); table 二's four blocks may be printed in any order, its labels are distinct.

Values: a row whose label carries numbers on the same text row takes them (``row``). The rows left take the rows
of numbers printed on their own (numbers before their labels, labels broken around them, a column of labels
printed apart from its column of numbers) strictly in order, between two rows found with their numbers, and only
when the counts agree (``order``); otherwise they stay unread. Rows of numbers that no row could be read from (a
stray page number) are not counted.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq

from service.locate.rows import TextRow

MIN_SCORE = 0.6
MAX_CACHED = 200_000
KEEP_SCORE = 0.9
SYNONYMS = (("合计", "总计"),)
_ENUM = re.compile(
    r"[(（]\s*([一二三四五六七八九十]+)\s*[)）]|([一二三四五六七八九十]+)\s*[、.]|(?<!\d)([1-9])\s*[.、](?!\d)"
)
_PLAIN = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_NOTE = re.compile(r"[(（][^()（）]{4,}[)）]")


@dataclass(frozen=True)
class OfficialRow:
    """A row of the format: key, official label (with its enumerator), number of value cells."""

    key: str
    label: str
    width: int


@dataclass(frozen=True)
class AlignedRow:
    """An official row and what the text gives for it."""

    row: OfficialRow
    label: TextRow | None  # the text row whose label matched
    values: TextRow | None  # the text row whose numbers are this row's
    found: Literal["row", "order"] | None
    score: float = 0.0


def _enumerator(text: str) -> tuple[str | None, str]:
    """The leading enumerator of a label (``三``, ``七``, ``3``) and the label without it."""
    match = _ENUM.match(text.strip())
    if not match:
        return None, text
    key = match.group(1) or match.group(2) or match.group(3)
    return key, text.strip()[match.end() :]


def _plain(text: str) -> tuple[str, list[int]]:
    """Label characters only (CJK, letters, digits), each with its index in ``text``; synonyms mapped."""
    for variant, official in SYNONYMS:
        text = text.replace(variant, official)
    found = [(m.group(), m.start()) for m in _PLAIN.finditer(text)]
    return "".join(ch for ch, _ in found), [i for _, i in found]


class Scorer:
    """Similarity of official labels to printed labels (cached per printed label)."""

    def __init__(self, rows: Sequence[OfficialRow]) -> None:
        self.rows = list(rows)
        self._official = {r.key: _enumerator(r.label) for r in rows}
        # a label's note in brackets is often left out (（二）部分公开（区分处理的，只计这一情形…）)
        self._plain = {
            k: {_plain(text)[0], _plain(_NOTE.sub("", text))[0]} - {""} for k, (_, text) in self._official.items()
        }
        self._cache: dict[tuple[str, str], float] = {}
        self._printed: dict[str, tuple[str, list[int], frozenset[str]]] = {}
        self._counts = {text: Counter(text) for texts in self._plain.values() for text in texts}

    def score(self, key: str, label: str) -> float:
        """Share of the official label found in order in the printed one; 0 when enumerators disagree."""
        cached = self._cache.get((key, label))
        if cached is not None:
            return cached
        if len(self._cache) > MAX_CACHED:  # a scorer lives for a whole batch: printed labels repeat across reports
            self._cache.clear()
            self._printed.clear()
        value = self._score(key, label)
        self._cache[(key, label)] = value
        return value

    def _score(self, key: str, label: str) -> float:
        return max((self._score_text(key, official, label) for official in self._plain[key]), default=0.0)

    def _score_text(self, key: str, official: str, label: str) -> float:
        if label not in self._printed:
            plain, positions = _plain(label)
            self._printed[label] = (plain, positions, frozenset(plain))
        printed, index, chars = self._printed[label]
        counts = self._counts[official]
        if sum(counts[ch] for ch in chars.intersection(counts)) < MIN_SCORE * len(official):
            return 0.0  # below the threshold whatever the order (the characters in common bound the LCS)
        if len(official) <= len(printed):
            window = fuzz.partial_ratio_alignment(official, printed)
            assert window is not None  # both strings are non-empty
            pad = len(official) // 2
            lo, hi = max(0, window.dest_start - pad), min(len(printed), window.dest_end + pad)
            found = LCSseq.similarity(official, printed[lo:hi])
            at = window.dest_start
        else:
            found = LCSseq.similarity(official, printed)
            at = 0
        if found < min(2, len(official)):
            return 0.0
        wanted = self._official[key][0]
        if wanted is not None:
            before = label[: index[at]] if at < len(index) else label
            enum = [m for m in _ENUM.finditer(before) if not before[m.end() :].strip(" 　、.:：")]
            if enum:
                got = enum[-1].group(1) or enum[-1].group(2) or enum[-1].group(3)
                if got != wanted:
                    return 0.0
        return found / len(official)

    def best(self, label: str) -> float:
        """The best score of a printed label against any official row."""
        return max((self.score(r.key, label) for r in self.rows), default=0.0)

    def keep(self) -> Callable[[str], bool]:
        """For the layout pass: a label that reads as an official row label on its own is not a wrapped line."""
        return lambda label: self.best(label) >= KEEP_SCORE


def match_in_order(scorer: Scorer, rows: list[TextRow]) -> dict[str, tuple[int, float]]:
    """Official rows (in the format's order) matched to text rows (in document order): key -> (row index, score)."""
    official = scorer.rows
    n, m = len(official), len(rows)
    scores = [[scorer.score(o.key, r.label) if r.label else 0.0 for r in rows] for o in official]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            s = scores[i - 1][j - 1]
            take = best[i - 1][j - 1] + s if s >= MIN_SCORE else -1.0
            best[i][j] = max(best[i - 1][j], best[i][j - 1], take)
    out: dict[str, tuple[int, float]] = {}
    i, j = n, m
    while i > 0 and j > 0:
        s = scores[i - 1][j - 1]
        if s >= MIN_SCORE and abs(best[i][j] - (best[i - 1][j - 1] + s)) < 1e-9:
            out[official[i - 1].key] = (j - 1, s)
            i, j = i - 1, j - 1
        elif best[i][j] == best[i - 1][j]:
            i -= 1
        else:
            j -= 1
    return out


def match_any_order(scorer: Scorer, rows: list[TextRow]) -> dict[str, tuple[int, float]]:
    """Official rows matched to text rows one to one, best scores first, in any order (table 二's blocks)."""
    pairs = sorted(
        (
            (scorer.score(o.key, r.label), -j, o.key, j)
            for o in scorer.rows
            for j, r in enumerate(rows)
            if r.label and scorer.score(o.key, r.label) >= MIN_SCORE
        ),
        reverse=True,
    )
    out: dict[str, tuple[int, float]] = {}
    used: set[int] = set()
    for score, _, key, j in pairs:
        if key not in out and j not in used:
            out[key] = (j, score)
            used.add(j)
    return out


def assign(
    official: Sequence[OfficialRow],
    rows: list[TextRow],
    matched: dict[str, tuple[int, float]],
    fits: Callable[[OfficialRow, TextRow], bool],
) -> list[AlignedRow]:
    """Values for each official row: its own row's numbers, else rows of numbers by order (module docstring)."""
    out: dict[str, AlignedRow] = {}
    anchors: list[tuple[int, int]] = []  # (official index, text row index) of rows read with their numbers
    for i, o in enumerate(official):
        if o.key in matched:
            j, score = matched[o.key]
            if rows[j].values and fits(o, rows[j]):
                out[o.key] = AlignedRow(o, rows[j], rows[j], "row", score)
                anchors.append((i, j))
    bounds = [(-1, -1), *sorted(anchors), (len(official), len(rows))]
    taken = {j for _, j in anchors}
    for (i0, j0), (i1, j1) in itertools.pairwise(bounds):
        missing = [o for o in official[i0 + 1 : i1] if o.key not in out]
        if not missing or j1 <= j0:
            continue  # nothing to give, or rows matched out of order (table 二's blocks): no order to follow
        loose = [j for j in range(j0 + 1, j1) if rows[j].values and j not in taken]
        for candidates in (loose, [j for j in loose if not rows[j].label]):
            candidates = [j for j in candidates if any(fits(o, rows[j]) for o in missing)]
            pairs = list(zip(missing, candidates, strict=False))
            if len(candidates) == len(missing) and all(fits(o, rows[j]) for o, j in pairs):
                for o, j in pairs:
                    label = rows[matched[o.key][0]] if o.key in matched else None
                    out[o.key] = AlignedRow(o, label, rows[j], "order", matched.get(o.key, (0, 0.0))[1])
                break
    result = []
    for o in official:
        if o.key in out:
            result.append(out[o.key])
        else:
            label = rows[matched[o.key][0]] if o.key in matched else None
            result.append(AlignedRow(o, label, None, None, matched.get(o.key, (0, 0.0))[1]))
    return result


@functools.cache
def scorer(rows: tuple[OfficialRow, ...]) -> Scorer:
    """The scorer of a set of official rows, shared by every report read in this process."""
    return Scorer(rows)
