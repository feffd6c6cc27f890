"""The HTTP API (FastAPI): extract a file, ask a question, list records. Errors are JSON with a message."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, File, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, Field

from service.access import protect
from service.app import MAX_HISTORY, MAX_QUESTION_CHARS, Services, UploadError
from service.errors import ServiceError


class AskRequest(BaseModel):
    """A question, the earlier questions of the chat, optional filters."""

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    history: list[str] = Field(default_factory=list, max_length=MAX_HISTORY)
    issuer: str | None = None
    year: int | None = None


class CitationOut(BaseModel):
    """Where a number or passage comes from: report, section, table cell (official labels, printed value)."""

    issuer: str | None
    year: int | None
    section: str
    page: int | None
    quote: str
    path: str | None
    report_id: str
    table: str | None = None
    row: str | None = None
    column: str | None = None
    printed: str | None = None


class AskResponse(BaseModel):
    """An answer with citations."""

    answer: str
    understood: str
    citations: list[CitationOut]
    mode: str
    value: float | None = None


def create_api(services: Services) -> FastAPI:
    """The FastAPI app; ui.py mounts the Gradio app on it."""
    # Swagger UI (/docs) and ReDoc (/redoc) from the assets inside the fastapi-offline package: no CDN
    api = FastAPIOffline(title="nianbao", description="政府信息公开工作年度报告：解析、核对、问答")
    protect(api, services.settings)  # access control, cross-site posts refused, errors as JSON

    @api.exception_handler(ServiceError)
    async def _service_error(_: Request, exc: ServiceError) -> JSONResponse:
        status = 413 if "过大" in str(exc) else 415 if isinstance(exc, UploadError) else 400
        return JSONResponse({"error": str(exc)}, status_code=status)

    @api.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", []))
        return JSONResponse({"error": f"请求无效：{where} {first.get('msg', '')}".strip()}, status_code=422)

    @api.post("/api/extract")
    def extract(file: UploadFile = File(...), add: bool = False) -> dict[str, Any]:  # noqa: B008
        """A file (txt, md, html, pdf, docx) → its record of the national format."""
        data = file.file.read()
        return services.extract(file.filename or "upload", data, add=add)

    @api.post("/api/ask")
    def ask(request: AskRequest) -> AskResponse:
        """A question across the stored reports → answer and citations."""
        result = services.ask(request.question, request.history, request.issuer, request.year)
        return AskResponse(
            answer=result.answer,
            understood=result.understood,
            citations=[CitationOut(**c.model_dump(include=set(CitationOut.model_fields))) for c in result.citations],
            mode=services.mode,
            value=result.value,
        )

    @api.get("/api/records")
    def records(issuer: str | None = None, year: int | None = None, status: str | None = None) -> list[dict[str, Any]]:
        """Stored records, filtered by issuer, year and status."""
        return services.records(issuer, year, status)

    return api
