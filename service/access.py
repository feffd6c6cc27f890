"""Who may use the app and the HTTP API, what another web site may not make a browser do, and errors as JSON.

* ``NIANBAO_ACCESS_TOKEN`` set: every request needs it, as ``Authorization: Bearer <token>`` (the HTTP API,
  gradio_client) or as the cookie the login page ``/login`` sets once the token is typed in (browsers). Without it
  the API answers 401 ``{"error": …}`` and a page redirects to the login page.
* Not set: the app may only listen on a loopback address (``check_exposure``) and answers only requests addressed
  to a loopback name, so a web page cannot reach it by DNS rebinding.
* Always: a request that changes state (POST, PUT, PATCH, DELETE) sent by a browser from another site (``Origin``,
  else ``Sec-Fetch-Site`` or ``Referer``, names another origin) is refused with 403.
* Errors: the user sees one line as ``{"error": …}``: 503 while another process writes the library, 500 for an
  internal error (its traceback goes to the log, never to the user).
"""

from __future__ import annotations

import hashlib
import hmac
import html
import ipaddress
import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from service.config import Settings
from service.errors import ConfigError, InternalError, LibraryBusyError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MIN_TOKEN_CHARS = 16
COOKIE = "nianbao_access"
LOGIN = "/login"
CHANGES_STATE = {"POST", "PUT", "PATCH", "DELETE"}
API_PREFIXES = ("/api/", "/gradio_api/", "/openapi.json", "/docs", "/redoc")
INTERNAL = "服务器内部错误，请稍后再试（详情见服务日志）"
log = logging.getLogger("nianbao")


def is_loopback(host: str) -> bool:
    """Whether a host name or address (without port) is this machine only."""
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_exposure(host: str, settings: Settings) -> None:
    """Refuse to serve beyond this machine without a token, or with a token too short to resist guessing."""
    token = _token(settings)
    if not is_loopback(host) and token is None:
        raise ConfigError(
            f"refusing to serve on {host}: anyone who reaches it could read and change the library; "
            f"set NIANBAO_ACCESS_TOKEN ({MIN_TOKEN_CHARS} characters or more) or serve on 127.0.0.1"
        )


def protect(api: Any, settings: Settings) -> None:
    """Put access control and JSON errors on the FastAPI app (the Gradio app mounted on it included)."""
    from fastapi import Request
    from fastapi.responses import JSONResponse

    async def busy(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=503, headers={"Retry-After": "30"})

    async def internal(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=500)

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return JSONResponse({"error": INTERNAL}, status_code=500)

    api.add_exception_handler(LibraryBusyError, busy)
    api.add_exception_handler(InternalError, internal)
    api.add_exception_handler(Exception, unexpected)
    api.add_middleware(AccessMiddleware, token=_token(settings))


def _token(settings: Settings) -> str | None:
    token = settings.access_token.get_secret_value() if settings.access_token else None
    if token is not None and len(token) < MIN_TOKEN_CHARS:
        raise ConfigError(f"NIANBAO_ACCESS_TOKEN is too short (at least {MIN_TOKEN_CHARS} characters)")
    return token


class AccessMiddleware:
    """ASGI middleware in front of every route (see the module docstring)."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token
        self.cookie = hmac.new(token.encode(), b"nianbao-session", hashlib.sha256).hexdigest() if token else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host = headers.get("host", "")
        method = scope.get("method", "GET")
        path = scope.get("path", "/")
        if scope["type"] == "websocket":
            trusted = self.token is None or self._allowed(headers)
            if not trusted or _from_another_site(headers, host) or (self.token is None and not _loopback(host)):
                await send({"type": "websocket.close", "code": 1008})
            else:
                await self.app(scope, receive, send)
            return
        if self.token is None and not _loopback(host):
            await _json(send, 403, "只接受发往本机地址（127.0.0.1 或 localhost）的请求")
        elif method in CHANGES_STATE and _from_another_site(headers, host):
            await _json(send, 403, "拒绝来自其他网站的请求")
        elif self.token is None or self._allowed(headers):
            await self.app(scope, receive, send)
        elif path == LOGIN:
            await self._login(scope, receive, send, method)
        elif path.startswith(API_PREFIXES) or method != "GET":
            await _json(send, 401, "需要访问令牌（Authorization: Bearer …）", {"www-authenticate": "Bearer"})
        else:
            await _send(send, 303, b"", {"location": f"{LOGIN}?next={quote(path)}"})

    def _allowed(self, headers: dict[str, str]) -> bool:
        assert self.token is not None and self.cookie is not None
        bearer = headers.get("authorization", "")
        if bearer[:7].lower() == "bearer " and hmac.compare_digest(bearer[7:].strip().encode(), self.token.encode()):
            return True
        cookies: SimpleCookie = SimpleCookie()
        try:
            cookies.load(headers.get("cookie", ""))
        except Exception:  # a malformed cookie header is no credential
            return False
        value = cookies[COOKIE].value if COOKIE in cookies else ""
        return hmac.compare_digest(value.encode(), self.cookie.encode())

    async def _login(self, scope: Scope, receive: Receive, send: Send, method: str) -> None:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        target = (query.get("next") or ["/"])[0]
        target = target if target.startswith("/") and not target.startswith("//") else "/"
        if method != "POST":
            await _send(send, 200, _login_page(target, ""), {"content-type": "text/html; charset=utf-8"})
            return
        body = b""
        while len(body) < 4096:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        typed = (parse_qs(body[:4096].decode("utf-8", "replace")).get("token") or [""])[0]
        assert self.token is not None and self.cookie is not None
        if not hmac.compare_digest(typed.encode(), self.token.encode()):
            page = _login_page(target, "访问令牌不正确")
            await _send(send, 401, page, {"content-type": "text/html; charset=utf-8"})
            return
        secure = "; Secure" if scope.get("scheme") == "https" else ""
        cookie = f"{COOKIE}={self.cookie}; Path=/; HttpOnly; SameSite=Lax{secure}"
        await _send(send, 303, b"", {"location": target, "set-cookie": cookie})


def _loopback(host_header: str) -> bool:
    return is_loopback(urlsplit(f"//{host_header}").hostname or "")


def _from_another_site(headers: dict[str, str], host: str) -> bool:
    origin = headers.get("origin")
    if origin is not None:
        return origin == "null" or (urlsplit(origin).netloc or "").lower() != host.lower()
    if headers.get("sec-fetch-site") in ("cross-site", "same-site"):
        return True
    referer = headers.get("referer")
    return referer is not None and (urlsplit(referer).netloc or "").lower() != host.lower()


def _login_page(target: str, error: str) -> bytes:
    note = f"<p style='color:#b00'>{html.escape(error)}</p>" if error else ""
    return (
        "<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>nianbao 登录</title></head>"
        "<body style='font-family:sans-serif;max-width:360px;margin:80px auto'>"
        "<h3>nianbao · 政府信息公开工作年度报告</h3>"
        f"<form method='post' action='{LOGIN}?next={html.escape(quote(target))}'>"
        "<label>访问令牌 <input type='password' name='token' autofocus required></label> "
        f"<button type='submit'>进入</button></form>{note}</body></html>"
    ).encode()


async def _json(send: Send, status: int, error: str, headers: dict[str, str] | None = None) -> None:
    body = json.dumps({"error": error}, ensure_ascii=False).encode()
    await _send(send, status, body, {"content-type": "application/json", **(headers or {})})


async def _send(send: Send, status: int, body: bytes, headers: dict[str, str]) -> None:
    raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    raw.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
