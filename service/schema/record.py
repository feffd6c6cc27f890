"""Pydantic models of the record ``gov-annual-report/1`` (docs/contract) and of findings."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt

from service.schema.fields import (
    COLUMN_KEYS,
    OTHER_HANDLING,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    T2_ROWS_2019,
    T2_ROWS_2021,
    T3_ROWS_2021,
)

SCHEMA_ID = "gov-annual-report/1"

Count = Annotated[StrictInt, Field(ge=0)] | None
Signed = StrictInt | None
Amount = Annotated[StrictInt | StrictFloat, Field(ge=0)] | None
Value = int | float | None


class Strict(BaseModel):
    """Base: unknown keys are rejected."""

    model_config = ConfigDict(extra="forbid")


class Source(Strict):
    """The file a record was read from."""

    file: str
    sha256: str
    format: Literal["txt", "md", "html", "pdf", "docx"] | None = None


class Meta(BaseModel):
    """Who published the report, for which year, in which table format."""

    model_config = ConfigDict(extra="allow")

    issuer: str | None = None
    year: Annotated[int, Field(ge=0)] | None = None
    format_version: Literal["2021", "2019"] | None = None
    title: str | None = None


class Finding(Strict):
    """One check result about the report (data, not an exception).

    ``cells`` names the cells involved. ``candidates`` (AMBIGUOUS) gives, per cell, the values it could be read as.
    """

    rule: str
    severity: Literal["error", "warning"]
    message: str
    cells: list[str] = Field(default_factory=list)
    expected: float | None = None
    actual: float | None = None
    candidates: dict[str, list[int | float | None]] | None = None


class Evidence(Strict):
    """Where a value was read: page, quote, character span in the document text, raw cell text.

    ``method`` is ``template``, ``llm`` or ``llm-repair`` (``title``, ``body``, ``period``, ``manifest`` for the
    report's identity); a value the model produced also names the prompt (``id@version``) and the model, and, for
    a table cell, what confirmed it (an identity that adds up, the prose, a second reading).
    """

    page: int | None = None
    quote: str = ""
    start: int | None = None
    end: int | None = None
    raw: str | None = None
    method: str = "template"
    prompt: str | None = None
    model: str | None = None
    confirmed: str | None = None  # a model's table value: "identity", "prose" or "second-read"; None: unconfirmed


def _row_model(name: str, cells: dict[str, Any]) -> type[BaseModel]:
    from pydantic import create_model

    fields: dict[str, Any] = {key: (kind, None) for key, kind in cells.items()}
    return create_model(name, __base__=Strict, **fields)


ApplicantRow = _row_model("ApplicantRow", {key: Count for key in COLUMN_KEYS})
ReviewGroup = _row_model("ReviewGroup", {key: Count for key, _ in REVIEW_COLUMNS})


def _t2_kind(cell: str) -> Any:
    if cell == "change":
        return Signed
    if cell == "amount_wan_yuan":
        return Amount
    return Count


_T2_CELLS: dict[str, dict[str, Any]] = {}
for _row in (*T2_ROWS_2021, *T2_ROWS_2019):
    for _cell, _ in _row.cells:
        _T2_CELLS.setdefault(_row.key, {})[_cell] = _t2_kind(_cell)

ActiveDisclosure = _row_model(
    "ActiveDisclosure",
    {key: _row_model(f"T2_{key}", cells) | None for key, cells in _T2_CELLS.items()},
)
Applications = _row_model("Applications", {row.key: ApplicantRow | None for row in (*T3_ROWS_2021, OTHER_HANDLING)})
Reviews = _row_model("Reviews", {key: ReviewGroup | None for key, _ in REVIEW_GROUPS})


class Narrative(BaseModel):
    """Numbers stated in the prose."""

    model_config = ConfigDict(extra="allow")

    proactive_items: Count = None
    applications_received: Count = None
    fee_collected_yuan: Amount = None


Status = Literal["ok", "needs_review", "failed"]


class Record(BaseModel):
    """One report as a record of the national format."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    schema_: Literal["gov-annual-report/1"] = Field(default="gov-annual-report/1", alias="schema")
    source: Source
    status: Status
    error: str | None = None
    meta: Meta = Field(default_factory=Meta)
    active_disclosure: ActiveDisclosure = Field(default_factory=ActiveDisclosure)  # type: ignore[valid-type]
    applications: Applications = Field(default_factory=Applications)  # type: ignore[valid-type]
    reviews: Reviews = Field(default_factory=Reviews)  # type: ignore[valid-type]
    narrative: Narrative = Field(default_factory=Narrative)
    findings: list[Finding] = Field(default_factory=list)
    evidence: dict[str, Evidence] = Field(default_factory=dict)

    def to_json_dict(self) -> dict[str, Any]:
        """The record as JSON data: absent rows are left out, null cells inside present rows are kept."""
        data = self.model_dump(by_alias=True, mode="json")
        for table in ("active_disclosure", "applications", "reviews"):
            data[table] = getattr(self, table).model_dump(mode="json", exclude_unset=True)
        if data["source"].get("format") is None:
            data["source"].pop("format", None)
        if data.get("error") is None:
            data.pop("error", None)
        for finding in data["findings"]:
            if finding.get("candidates") is None:
                finding.pop("candidates", None)
        for ev in data["evidence"].values():
            for key in ("page", "start", "end", "raw", "prompt", "model", "confirmed"):
                if ev.get(key) is None:
                    ev.pop(key, None)
        return data

    def values(self) -> dict[str, Value]:
        """Flat map of every cell path present in the record to its value."""
        return flatten(self.to_json_dict())


def flatten(data: dict[str, Any]) -> dict[str, Value]:
    """Flat ``path -> value`` map of the tables and the narrative of a record's JSON data."""
    out: dict[str, Value] = {}
    for table in ("active_disclosure", "applications", "reviews"):
        for row, cells in (data.get(table) or {}).items():
            for cell, value in (cells or {}).items():
                out[f"{table}.{row}.{cell}"] = value
    for key, value in (data.get("narrative") or {}).items():
        if value is None or isinstance(value, int | float):
            out[f"narrative.{key}"] = value
    return out


def nest(values: dict[str, Value]) -> dict[str, Any]:
    """Nested table data from a flat ``path -> value`` map (the inverse of :func:`flatten`)."""
    out: dict[str, Any] = {"active_disclosure": {}, "applications": {}, "reviews": {}, "narrative": {}}
    for path, value in values.items():
        parts = path.split(".")
        if parts[0] == "narrative":
            out["narrative"][parts[1]] = value
        else:
            out[parts[0]].setdefault(parts[1], {})[parts[2]] = value
    return out
