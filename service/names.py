"""Issuer names, in one place for the review, the store and the questions.

Which reports belong to the same body: issuer names normalised, short forms resolved, a user alias table.

``core(name)``: NFKC; whitespace removed; the long forms of common department words shortened
(``ABBREVIATIONS``, e.g. 科学技术 → 科技); the suffixes 人民政府办公室/办公厅, 人民政府, 政府办公室, 政府,
管委会, 办事处 removed. So 淮安市洪泽区人民政府, ``淮安市洪泽区 人民政府办公室`` and 淮安市洪泽区政府 are one body.

Short forms: a name that ends another name in the store after a place boundary (省 市 县 区 州 盟 旗) is that
body (洪泽区 → 淮安市洪泽区), when the longer name is the only one it can be (城关镇 stays alone when two
counties' 城关镇 are stored).

The built-in table is ``ABBREVIATIONS`` (word level) and ``SUFFIXES``. The user's alias table
(``aliases.tsv``, UTF-8, one ``name<TAB>canonical name`` a line, ``#`` comments) says what the rules
cannot: renamed bodies, 简称 (``河北科技厅	河北省科学技术厅``). Both sides are normalised with ``core``.
The file is ``NIANBAO_ALIASES``, else ``NIANBAO_HOME/aliases.tsv`` when it exists.

How questions name bodies (:class:`Directory`): the normalised name, every tail after a place boundary
(淮安市洪泽区 → 洪泽区), the tail without its kind (巨各庄镇 → 巨各庄, 平潭综合实验区 → 平潭, at least two
characters and not a word of the questions' vocabulary), a department without its province's name or with only
省/市 (河北省人社厅 → 河北人社厅, 省人社厅), and the alias table's names. The kind of a body comes from the end of
its name (镇 乡 街道 区 县 市 省, 功能区 for 综合实验区/开发区/高新区/新区, 部门 for 厅 局 委 办 …). Regions: the
places a body lies in are the place names before its own name, in its name, in its canonical name from the alias
table, and in what its report says about itself (the title and the opening lines, e.g. 平谷区巨各庄镇).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from service.errors import ConfigError

ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("科学技术", "科技"),
    ("人力资源和社会保障", "人社"),
    ("住房和城乡建设", "住建"),
    ("发展和改革委员会", "发改委"),
    ("发展和改革", "发改"),
    ("市场监督管理", "市场监管"),
    ("管理委员会", "管委会"),
    ("卫生健康委员会", "卫健委"),
    ("教育委员会", "教委"),
)
SUFFIXES = ("人民政府办公室", "人民政府办公厅", "政府办公室", "政府办公厅", "人民政府", "政府", "管委会", "办事处")
PLACE_ENDS = "省市县区州盟旗"
_SPACE = re.compile(r"[\s\u200b\ufeff]+")


def core(name: str) -> str:
    """The normalised name of a body (see the module docstring)."""
    text = _SPACE.sub("", unicodedata.normalize("NFKC", name)).strip("“”\"'《》")
    for long, short in ABBREVIATIONS:
        text = text.replace(long, short)
    changed = True
    while changed:
        changed = False
        for suffix in SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix) + 1:
                text = text[: -len(suffix)]
                changed = True
    return text


def read_aliases(path: Path) -> dict[str, str]:
    """The alias table of a file: ``name<TAB>canonical`` lines (any whitespace between the two), ``#`` comments."""
    table: dict[str, str] = {}
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"alias table {path} cannot be read: {exc}"
        raise ConfigError(msg) from exc
    for number, line in enumerate(lines, 1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        parts = text.split("\t") if "\t" in text else text.split()
        parts = [p.strip() for p in parts if p.strip()]
        if len(parts) != 2:
            msg = f"alias table {path}, line {number}: expected 'name<TAB>canonical name', got {line!r}"
            raise ConfigError(msg)
        table[parts[0]] = parts[1]
    return table


class Bodies:
    """Maps the issuers of a store to one key per body."""

    def __init__(self, issuers: Iterable[str], aliases: dict[str, str] | None = None) -> None:
        self.aliases = {core(a): core(b) for a, b in (aliases or {}).items()}
        cores = {self._aliased(i) for i in issuers}
        ends: dict[str, list[str]] = {}  # a tail after a place boundary -> the names ending with it
        for name in cores:
            for cut in range(1, len(name) - 2):
                if name[cut - 1] in PLACE_ENDS:
                    ends.setdefault(name[cut:], []).append(name)
        self.short_forms = {s: f for s in cores if (f := _full_form(ends.get(s, []))) is not None}

    def _aliased(self, issuer: str) -> str:
        name = core(issuer)
        return self.aliases.get(name, name)

    def key(self, issuer: str) -> str:
        """The body an issuer name stands for."""
        name = self._aliased(issuer)
        return self.short_forms.get(name, name)


def _full_form(longer: list[str]) -> str | None:
    """The one longer name a short form abbreviates, if there is exactly one (or one chain of them)."""
    if not longer:
        return None
    longest = max(longer, key=len)
    return longest if all(longest.endswith(n) for n in longer) else None


def alias_table(path: Path | None, home: Path) -> dict[str, str]:
    """The user's alias table: ``path`` if given (it must exist), else ``home/aliases.tsv`` if it exists."""
    if path is not None:
        return read_aliases(path)
    default = home / "aliases.tsv"
    return read_aliases(default) if default.exists() else {}


# ---- how questions name bodies ----------------------------------------------------------------------------------

KINDS: tuple[tuple[str, str], ...] = (
    ("街道", "街道"),
    ("镇", "镇"),
    ("乡", "乡"),
    ("综合实验区", "功能区"),
    ("开发区", "功能区"),
    ("高新区", "功能区"),
    ("新区", "功能区"),
    ("区", "区"),
    ("县", "县"),
    ("旗", "县"),
    ("市", "市"),
    ("州", "市"),
    ("盟", "市"),
    ("省", "省"),
    ("厅", "部门"),
    ("局", "部门"),
    ("委", "部门"),
    ("办", "部门"),
    ("室", "部门"),
    ("中心", "部门"),
    ("院", "部门"),
    ("署", "部门"),
)
BARE_ENDS = ("街道", "综合实验区", "镇", "乡", "区", "县")  # dropped in everyday speech: 巨各庄镇 → 巨各庄
PROVINCES = (
    "北京 天津 河北 山西 内蒙古 辽宁 吉林 黑龙江 上海 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 广西 海南 "
    "重庆 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆 台湾 香港 澳门"
).split()
_CJK = re.compile(r"[\u4e00-\u9fff]")


def normalize(text: str) -> str:
    """A question or a text as names are compared: NFKC, no whitespace, long department words shortened."""
    out = _SPACE.sub("", unicodedata.normalize("NFKC", text))
    for long, short in ABBREVIATIONS:
        out = out.replace(long, short)
    return out


def kind_of(name: str) -> str | None:
    """镇 乡 街道 区 县 市 省 功能区 部门, from the end of the normalised name; None when it says nothing."""
    text = core(name)
    return next((kind for end, kind in KINDS if text.endswith(end) and len(text) > len(end)), None)


def _boundaries(name: str) -> list[int]:
    """Positions right after a place name of at least two characters (省 市 县 区 州 盟 旗), inside the name."""
    cuts, start = [], 0
    for i, char in enumerate(name[:-1]):
        if char in PLACE_ENDS and i + 1 - start >= 2:
            cuts.append(i + 1)
            start = i + 1
    return cuts


def places_in(name: str) -> list[str]:
    """The places a name puts its body in: 北京市平谷区巨各庄镇 → 北京市, 平谷区."""
    text = core(name)
    cuts = _boundaries(text)
    return [text[a:b] for a, b in zip([0, *cuts], cuts, strict=False)]


def _bare(name: str) -> str | None:
    for end in BARE_ENDS:
        if name.endswith(end) and len(name) - len(end) >= 2:
            return name[: -len(end)]
    return None


def spoken_forms(name: str) -> set[str]:
    """Ways a question may name a body (see the module docstring)."""
    text = core(name)
    cuts = _boundaries(text)
    forms = {text, *(text[c:] for c in cuts if len(text) - c >= 2)}
    forms |= {b for f in list(forms) if (b := _bare(f))}
    if cuts and kind_of(text) == "部门":
        first, rest = text[: cuts[0]], text[cuts[0] :]
        forms |= {first[:-1] + rest, first[-1] + rest}
    return forms


def described_places(name: str, text: str) -> list[str]:
    """Places a report writes before its body's own name (``北京市平谷区巨各庄镇`` → 北京市, 平谷区)."""
    own = core(name)
    tails = [own[c:] for c in _boundaries(own)] or [own]
    short = tails[-1]
    found: list[str] = []
    source = normalize(text)
    for match in re.finditer(re.escape(short), source):
        before = source[max(0, match.start() - 16) : match.start()]
        chain: list[str] = []
        while before and before[-1] in PLACE_ENDS:
            run = re.search(r"([\u4e00-\u9fff]{1,4})$", before[:-1])
            if run is None:
                break
            head = run.group(1)
            inner = head.rfind(next((c for c in reversed(head) if c in PLACE_ENDS), "\0"))
            head = head[inner + 1 :]
            if len(head) < 1:
                break
            if len(head) > 2 and not any(head.endswith(p) for p in PROVINCES) and not any(head == p for p in PROVINCES):
                head = head[-2:]
            province = next((p for p in PROVINCES if head.endswith(p)), None)
            head = province or head
            chain.insert(0, head + before[-1])
            before = before[: -(len(head) + 1)]
            if province:
                break
        found += [p for p in chain if p not in found]
    return found


@dataclass
class Match:
    """A name found in a question: the bodies it names, or the region it is (or both, e.g. a city's own report)."""

    start: int
    end: int
    text: str
    issuers: list[str] = field(default_factory=list)
    region: list[str] = field(default_factory=list)


class Directory:
    """The stored issuers as questions name them: spoken forms, kinds, and the regions they lie in."""

    def __init__(
        self,
        issuers: Iterable[str],
        aliases: Mapping[str, str] | None = None,
        described: Mapping[str, Iterable[str]] | None = None,
        vocabulary: Iterable[str] = (),
    ) -> None:
        self.issuers = sorted(set(issuers))
        self.bodies = Bodies(self.issuers, dict(aliases or {}))
        common = set(vocabulary)
        by_key: dict[str, set[str]] = {}
        for issuer in self.issuers:
            by_key.setdefault(self.bodies.key(issuer), set()).add(issuer)
        self.forms: dict[str, set[str]] = {}
        self.regions: dict[str, set[str]] = {}
        self.kinds: dict[str, str | None] = {}
        other_names: dict[str, set[str]] = {}
        for name, canonical in (aliases or {}).items():
            other_names.setdefault(self.bodies.key(canonical), set()).add(name)
        for key, members in by_key.items():
            names = {key, *members, *other_names.get(key, set())}
            forms = set().union(*(spoken_forms(n) for n in names))
            places = {p for n in names for p in places_in(n)}
            for issuer in members:
                places |= set((described or {}).get(issuer, ()))
                self.kinds[issuer] = kind_of(key) or kind_of(issuer)
            for form in forms:
                if len(form) >= 2 and form not in common:
                    self.forms.setdefault(form, set()).update(members)
            for place in places:
                for spoken in {place, place[:-1] if len(place) >= 3 else place}:
                    self.regions.setdefault(spoken, set()).update(members)
        self._longest = max((len(k) for k in (*self.forms, *self.regions)), default=0)

    def find(self, text: str) -> list[Match]:
        """Body names and regions in a normalised text, longest first, not overlapping, in reading order."""
        found: list[Match] = []
        taken = [False] * len(text)
        candidates = []
        for i in range(len(text)):
            for j in range(min(len(text), i + self._longest), i + 1, -1):
                piece = text[i:j]
                if piece in self.forms or piece in self.regions:
                    candidates.append((j - i, i, j, piece))
        for _, i, j, piece in sorted(candidates, key=lambda c: (-c[0], c[1])):
            if any(taken[i:j]):
                continue
            taken[i:j] = [True] * (j - i)
            found.append(Match(i, j, piece, sorted(self.forms.get(piece, ())), sorted(self.regions.get(piece, ()))))
        return sorted(found, key=lambda m: m.start)

    def key(self, issuer: str) -> str:
        """The body an issuer name stands for (see :class:`Bodies`)."""
        return self.bodies.key(issuer)

    def near(self, name: str) -> list[str]:
        """Stored issuers whose name is one character away from ``name`` (沭阳县 / 沐阳县): suggested, never used."""
        wanted = core(name)
        if len(wanted) < 3:
            return []
        return [i for i in self.issuers if _one_apart(wanted, core(i))]


def _one_apart(a: str, b: str) -> bool:
    """One character replaced, added or removed."""
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return len(long) - len(short) == 1 and any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
