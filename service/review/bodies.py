"""Which reports belong to the same body: issuer names normalised, short forms resolved, a user alias table.

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
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
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
