"""Text similarity of report sections, measured on Chinese characters only.

* ``ratio``: difflib ``SequenceMatcher`` (``autojunk=False``) over the two texts reduced to their Chinese
  characters: 2 × matched characters / total characters, the share of the text the two have in common, in order.
  Digits, Latin letters, punctuation and whitespace are left out, so a copy whose years and counts were
  updated still reads as a copy.
* ``dice``: the overlap of the two sets of character bigrams, a cheap pre-filter. A pair is compared with
  ``ratio`` only when ``dice >= threshold - DICE_MARGIN``. A copy keeps most of its bigrams: with one
  character in five changed at random (the worst case tried), ratio 0.8 still had bigram dice ≥ 0.62.
* ``near_pairs``: many texts at once (section 五 of every body of one year). MinHash signatures of the bigram
  sets are cut into bands; only texts that share a band bucket become candidate pairs (LSH), so the
  comparison is not quadratic in the number of bodies. A pair with bigram Jaccard 0.43 (dice 0.6) becomes
  a candidate with probability 0.96, with Jaccard 0.55 (a copy with 10% edits has more) with 0.999.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np

MIN_CHARS = 50  # sections with fewer Chinese characters (e.g. "无。") are not compared
DICE_MARGIN = 0.2
BANDS, ROWS = 40, 3  # 120 MinHash values: P(candidate) = 1 - (1 - J**ROWS)**BANDS
_CJK = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_rng = np.random.default_rng(20240607)
_A = _rng.integers(1, 2**63, size=BANDS * ROWS, dtype=np.uint64) | np.uint64(1)
_B = _rng.integers(0, 2**63, size=BANDS * ROWS, dtype=np.uint64)


def chinese(text: str) -> str:
    """The Chinese characters of a text, in order (NFKC first, so compatibility ideographs count)."""
    return _CJK.sub("", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True)
class Profile:
    """A text reduced for comparison: its Chinese characters and their bigram set."""

    chars: str
    grams: np.ndarray  # sorted unique uint64 codes of the character bigrams

    @property
    def comparable(self) -> bool:
        """Long enough to say anything about copying."""
        return len(self.chars) >= MIN_CHARS


def profile(text: str) -> Profile:
    """The comparison profile of a text."""
    chars = chinese(text)
    codes = np.frombuffer(chars.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < 2:
        return Profile(chars, np.zeros(0, dtype=np.uint64))
    grams = (codes[:-1] << np.uint64(21)) | codes[1:]
    return Profile(chars, np.unique(grams))


def dice(a: Profile, b: Profile) -> float:
    """2 |A ∩ B| / (|A| + |B|) over the bigram sets."""
    total = len(a.grams) + len(b.grams)
    if not total:
        return 0.0
    common = len(np.intersect1d(a.grams, b.grams, assume_unique=True))
    return 2 * common / total


def ratio(a: Profile, b: Profile) -> float:
    """The share of Chinese characters the two texts have in common, in order (difflib, no junk heuristic)."""
    return SequenceMatcher(None, a.chars, b.chars, autojunk=False).ratio()


def copied(a: Profile, b: Profile, threshold: float) -> float | None:
    """The ratio when two comparable texts are at least ``threshold`` alike, else None."""
    if not (a.comparable and b.comparable) or dice(a, b) < threshold - DICE_MARGIN:
        return None
    value = ratio(a, b)
    return value if value >= threshold else None


def _signature(p: Profile) -> np.ndarray:
    hashed = p.grams[:, None] * _A[None, :] + _B[None, :]  # wraps mod 2**64: multiply-shift hashing
    return np.asarray(hashed.min(axis=0))


def near_pairs(profiles: Sequence[Profile], threshold: float) -> list[tuple[int, int, float]]:
    """(i, j, ratio) for every pair of texts at least ``threshold`` alike, i < j; candidates from MinHash LSH."""
    buckets: dict[tuple[int, bytes], list[int]] = defaultdict(list)
    for i, p in enumerate(profiles):
        if not p.comparable:
            continue
        sig = _signature(p)
        for band in range(BANDS):
            buckets[(band, sig[band * ROWS : (band + 1) * ROWS].tobytes())].append(i)
    candidates = {(a, b) for members in buckets.values() for k, a in enumerate(members) for b in members[k + 1 :]}
    out = []
    for i, j in sorted(candidates):
        value = copied(profiles[i], profiles[j], threshold)
        if value is not None:
            out.append((i, j, value))
    return out
