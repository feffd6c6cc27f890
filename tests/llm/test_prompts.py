"""Prompt files: every one loads, renders, and matches prompts.lock."""

from __future__ import annotations

import pytest

from service.errors import PromptError
from service.prompts import LOCK, PROMPTS, load_prompt, lock_lines

NEEDS = {
    "extract_cells": {"section_name", "section", "cells", "hint_note"},
    "repair_cells": {"section_name", "section", "cells", "hint_note", "failures"},
    "extract_prose": {"excerpt"},
    "reask_json": {"error"},
}


def test_every_prompt_file_is_in_the_lock() -> None:
    assert LOCK.read_text(encoding="utf-8").splitlines() == lock_lines(), (
        "a prompt file changed: add a new version instead, then run `python -m service.prompts lock`"
    )
    assert set(NEEDS) <= {p.name for p in PROMPTS.iterdir() if p.is_dir()}


@pytest.mark.parametrize("prompt_id", sorted(NEEDS))
def test_prompts_render_with_their_placeholders_only(prompt_id: str) -> None:
    prompt = load_prompt(prompt_id)
    assert prompt.ref.startswith(f"{prompt_id}@")
    messages = prompt.render(dict.fromkeys(NEEDS[prompt_id], "X"))
    assert [role for role, _ in messages] == ["system", "user"]
    assert "$" not in "".join(text for _, text in messages)
    missing = sorted(NEEDS[prompt_id])[0]
    with pytest.raises(PromptError, match=missing):
        prompt.render({k: "X" for k in NEEDS[prompt_id] if k != missing})


def test_an_unknown_prompt_is_a_prompt_error() -> None:
    with pytest.raises(PromptError, match="no prompt file"):
        load_prompt("no_such_prompt")
