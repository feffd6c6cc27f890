"""Prompts are files: ``prompts/<id>/v<N>.toml`` with ``id``, ``version``, ``system`` and ``user`` texts.

A prompt file is never edited once used; a change is a new version. ``prompts/prompts.lock`` holds the
sha256 of every file (a test checks it; ``python -m service.prompts lock`` rewrites it after adding a version).
Templates use ``$name`` placeholders (:class:`string.Template`), so JSON braces need no escaping.
"""

from __future__ import annotations

import hashlib
import sys
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template

from service.errors import PromptError

PROMPTS = Path(__file__).resolve().parent.parent / "prompts"
LOCK = PROMPTS / "prompts.lock"


@dataclass(frozen=True)
class Prompt:
    """One version of one prompt."""

    id: str
    version: int
    system: str
    user: str
    sha256: str

    @property
    def ref(self) -> str:
        """``id@version``, the name used in the call log and in cell evidence."""
        return f"{self.id}@{self.version}"

    def render(self, variables: dict[str, str]) -> list[tuple[str, str]]:
        """The chat messages ``[(role, text), ...]``; a placeholder without a value is a PromptError."""
        try:
            return [
                ("system", Template(self.system).substitute(variables).strip()),
                ("user", Template(self.user).substitute(variables).strip()),
            ]
        except (KeyError, ValueError) as exc:
            msg = f"prompt {self.ref}: no value for placeholder {exc}"
            raise PromptError(msg) from exc


def _versions(prompt_id: str) -> list[Path]:
    return sorted((PROMPTS / prompt_id).glob("v*.toml"), key=lambda p: int(p.stem[1:]) if p.stem[1:].isdigit() else -1)


@cache
def load_prompt(prompt_id: str, version: int | None = None) -> Prompt:
    """A prompt by id, at ``version`` or the latest one."""
    files = _versions(prompt_id)
    if version is not None:
        files = [p for p in files if p.stem == f"v{version}"]
    if not files:
        msg = f"no prompt file for {prompt_id}@{version or 'latest'} under {PROMPTS}"
        raise PromptError(msg)
    path = files[-1]
    data = path.read_bytes()
    try:
        spec = tomllib.loads(data.decode("utf-8"))
        prompt = Prompt(
            id=str(spec["id"]),
            version=int(spec["version"]),
            system=str(spec["system"]),
            user=str(spec["user"]),
            sha256=hashlib.sha256(data).hexdigest(),
        )
    except (tomllib.TOMLDecodeError, KeyError, ValueError, UnicodeDecodeError) as exc:
        msg = f"invalid prompt file {path.relative_to(PROMPTS)}: {exc}"
        raise PromptError(msg) from exc
    if prompt.id != prompt_id or path.stem != f"v{prompt.version}":
        msg = f"prompt file {path.relative_to(PROMPTS)} says {prompt.ref}"
        raise PromptError(msg)
    return prompt


def lock_lines() -> list[str]:
    """``id@version sha256`` for every prompt file, sorted."""
    lines = []
    for folder in sorted(p for p in PROMPTS.iterdir() if p.is_dir()):
        for path in _versions(folder.name):
            prompt = load_prompt(folder.name, int(path.stem[1:]))
            lines.append(f"{prompt.ref} sha256:{prompt.sha256}")
    return lines


def main(argv: list[str] | None = None) -> int:
    """``python -m service.prompts lock`` rewrites prompts/prompts.lock; without arguments it prints it."""
    args = sys.argv[1:] if argv is None else argv
    text = "\n".join(lock_lines()) + "\n"
    if args == ["lock"]:
        LOCK.write_text(text, encoding="utf-8")
    else:
        print(text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
