"""FakeLLM: implements ``service.llm.LLM`` at our own seam; answers from a function, records every call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from service.llm import Tally
from service.prompts import Prompt

T = TypeVar("T", bound=BaseModel)
Respond = Callable[[Prompt, dict[str, str], type[BaseModel]], Any]


class FakeLLM:
    """``respond(prompt, variables, schema)`` returns a model, a dict for the schema, or an exception to raise."""

    def __init__(self, respond: Respond, model: str = "fake-model") -> None:
        self.respond = respond
        self._model = model
        self.calls: list[tuple[str, dict[str, str]]] = []

    @property
    def model(self) -> str:
        """The model name."""
        return self._model

    def ask(self, prompt: Prompt, variables: dict[str, str], schema: type[T], *, tally: Tally) -> T:
        """Record the call and answer it."""
        self.calls.append((prompt.ref, variables))
        out = self.respond(prompt, variables, schema)
        if isinstance(out, Exception):
            raise out
        tally.calls += 1
        return schema.model_validate(out)
