"""``wiretrace serve``: the store as an HTTP service (FastAPI on uvicorn).

FastAPI because the service's contract is its schema: it writes ``/openapi.json`` from
the routes themselves, with the bearer-key security scheme, so the schema cannot drift
from the code, and it rides on Starlette (ASGI) and uvicorn, the common production pair.
The article bodies are read by hand (:func:`_json_body`), not by FastAPI's validation:
a body too big is refused before it is read whole, bad JSON is a 400 with the reason, and
one bad record in a batch is skipped by the engine with its reason while the rest go on.

Reads run in FastAPI's thread pool, each on its own read-only connection; writes and
queries go to the engine's process (:mod:`wiretrace.service.engine`). Every error answer
is JSON: ``{"error": "..."}``.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import math
import threading
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Annotated
from urllib.parse import parse_qs, urlencode

import orjson
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from wiretrace import __version__
from wiretrace.config import Config
from wiretrace.records import timestamp
from wiretrace.service.engine import EngineProcess, EngineUnavailable
from wiretrace.service.keys import Caller, check_key
from wiretrace.service.reads import StoreReader
from wiretrace.store import Store

log = logging.getLogger("wiretrace.serve")

COOKIE = "wiretrace_key"


@dataclass
class ServiceSettings:
    """The service's own settings (the engine's are the run's :class:`Config`)."""

    db: Path
    config: Config = field(default_factory=Config)
    #: Largest request body read, in bytes; a bigger one gets 413 before it is read whole.
    max_body_bytes: int = 10 * 2**20
    #: Most articles in one POST.
    max_batch: int = 1000
    #: Requests a second each key may make, on average, and in a burst.
    rate_per_second: float = 50.0
    rate_burst: int = 100
    #: Most articles the engine runs (and commits) together.
    max_round_articles: int = 400
    #: Stories on a page of ``GET /v1/stories`` and of the live report, at most.
    max_per_page: int = 100


class RateLimiter:
    """A token bucket per key: ``rate`` requests a second on average, ``burst`` at once."""

    def __init__(self, rate: float, burst: int):
        self.rate, self.burst = rate, burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def wait_needed(self, name: str) -> float:
        """0 when ``name`` may go now (one token taken), else the seconds until it may."""
        now = time.monotonic()
        with self._lock:
            tokens, then = self._buckets.get(name, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - then) * self.rate)
            if tokens >= 1.0:
                self._buckets[name] = (tokens - 1.0, now)
                return 0.0
            self._buckets[name] = (tokens, now)
            return (1.0 - tokens) / self.rate


class ApiError(HTTPException):
    """An error answer: its status and a message for the caller."""


_bearer = HTTPBearer(auto_error=False, description="an API key from `wiretrace keys add`")
_bearer_key = Depends(_bearer)


def create_app(settings: ServiceSettings, engine: EngineProcess | None = None) -> FastAPI:
    """The service's app. The engine process starts with the app (unless one is given)."""
    limiter = RateLimiter(settings.rate_per_second, settings.rate_burst)
    state: dict = {"engine": engine}

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if state["engine"] is None:
            state["engine"] = await asyncio.to_thread(
                EngineProcess, settings.db, settings.config, settings.max_round_articles
            )
        log.info("engine ready; serving %s", settings.db)
        try:
            yield
        finally:
            await asyncio.to_thread(state["engine"].close)

    app = FastAPI(
        title="wiretrace",
        version=__version__,
        summary="Copies, stories and provenance of news articles, from a durable index.",
        lifespan=lifespan,
    )

    @app.exception_handler(HTTPException)
    async def _error(request: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _bad_parameters(request: Request, exc: RequestValidationError) -> JSONResponse:
        where = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        return JSONResponse({"error": f"bad request ({where})"}, status_code=400)

    def caller_of(key: str | None) -> Caller | None:
        if not key:
            return None
        with Store(settings.db, read_only=True) as store:
            return check_key(store, key)

    def authorised(scope: str):
        def check(creds: HTTPAuthorizationCredentials | None = _bearer_key) -> Caller:
            if creds is None:
                raise ApiError(401, "an API key is needed: Authorization: Bearer KEY", _CHALLENGE)
            caller = caller_of(creds.credentials)
            if caller is None:
                raise ApiError(401, "unknown or revoked API key", _CHALLENGE)
            if not caller.may(scope):
                raise ApiError(403, f"this key may {caller.scope}; this needs {scope}")
            wait = limiter.wait_needed(caller.name)
            if wait:
                retry = {"Retry-After": str(max(1, math.ceil(wait)))}
                raise ApiError(429, "too many requests for this key", retry)
            return caller

        return check

    reader_key = Depends(authorised("read"))
    writer_key = Depends(authorised("write"))

    async def engine_answers(kind: str, request: Request) -> list[dict]:
        records = await _articles_in(request, settings)
        engine: EngineProcess = state["engine"]
        try:
            # in a thread: the send blocks while the engine is in a round and the pipe is full,
            # and the event loop must go on answering reads meanwhile
            future = await asyncio.to_thread(engine.submit, kind, records)
            return await asyncio.wrap_future(future)
        except EngineUnavailable as exc:
            raise ApiError(503, f"the engine is not running ({exc})") from exc
        except RuntimeError as exc:  # the engine's run failed: nothing of it was stored
            raise ApiError(500, f"the run failed, nothing was stored: {exc}") from exc

    @app.get("/health", tags=["service"])
    def health() -> JSONResponse:
        """Whether the service and its engine are up (no key needed)."""
        engine = state["engine"]
        up = engine is not None and engine.alive
        return JSONResponse(
            {"status": "ok" if up else "engine down", "version": __version__},
            status_code=200 if up else 503,
        )

    @app.post("/v1/articles", tags=["articles"], openapi_extra=_ARTICLES_BODY)
    async def post_articles(request: Request, caller: Caller = writer_key) -> dict:
        """Add articles to the store through the engine of ``wiretrace run --db``. Each
        gets an answer, in order: ``added``, ``already stored`` or ``skipped`` (with its
        ``reason``), and where it stands: ``family``, ``story``, ``original`` and its
        ``relations`` with their evidence. A 200 means the batch is committed."""
        return {"articles": await engine_answers("ingest", request)}

    @app.post("/v1/query", tags=["articles"], openapi_extra=_ARTICLES_BODY)
    async def post_query(request: Request, caller: Caller = reader_key) -> dict:
        """Compare articles with the store and store nothing: answers as ``POST
        /v1/articles``, with the status ``compared``."""
        return {"articles": await engine_answers("query", request)}

    @app.get("/v1/articles/{article_id:path}", tags=["articles"])
    def get_article(article_id: str, caller: Caller = reader_key) -> dict:
        """A stored article, its family, story, original, relations (with evidence) and
        its diff against its original."""
        with StoreReader(settings.db) as reader:
            found = reader.article(article_id)
        if found is None:
            raise ApiError(404, f"no article {article_id!r}")
        return found

    @app.get("/v1/stories", tags=["stories"])
    def list_stories(asked: Annotated[StoryPage, Depends()], caller: Caller = reader_key) -> dict:
        """Stories, newest first (by their latest article), a page at a time; ``q``: a
        member's title or text holds it; ``source``: a member comes from it; ``since``,
        ``until``: ISO dates the story's span overlaps."""
        with StoreReader(settings.db) as reader:
            return asked.read(reader, settings.max_per_page)

    @app.get("/v1/stories/{story_id:path}", tags=["stories"])
    def get_story(story_id: str, caller: Caller = reader_key) -> dict:
        """A story whole: members, the relations among them, lineages and diffs."""
        with StoreReader(settings.db) as reader:
            found = reader.story(story_id)
        if found is None:
            raise ApiError(404, f"no story {story_id!r}")
        return found

    # -- the live report ---------------------------------------------------------------
    @app.get("/login", include_in_schema=False)
    def login_page(failed: int = 0) -> HTMLResponse:
        return _page_response(_login_html(bool(failed)))

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        body = await request.body()
        if len(body) > 4096:
            raise ApiError(413, "login form too large")
        key = (parse_qs(body.decode("utf-8", "replace")).get("key") or [""])[0].strip()
        caller = await asyncio.to_thread(caller_of, key)
        if caller is None:
            return RedirectResponse("/login?failed=1", status_code=303)
        answer = RedirectResponse("/report", status_code=303)
        answer.set_cookie(
            COOKIE,
            key,
            httponly=True,
            samesite="strict",
            secure=_secure(request),
            max_age=12 * 3600,
        )
        return answer

    @app.get("/logout", include_in_schema=False)
    def logout() -> Response:
        answer = RedirectResponse("/login", status_code=303)
        answer.delete_cookie(COOKIE)
        return answer

    @app.get("/", include_in_schema=False)
    def home() -> Response:
        return RedirectResponse("/report", status_code=303)

    @app.get("/report", include_in_schema=False)
    def report(request: Request, asked: Annotated[ReportPage, Depends()]) -> Response:
        """The report's pages (stories, story, lineages, compare) for a page of the newest
        stories, from the store; a read key in the login cookie or a bearer header."""
        header = request.headers.get("authorization", "")
        key = request.cookies.get(COOKIE) or header.removeprefix("Bearer ").strip()
        if caller_of(key) is None:
            return RedirectResponse("/login", status_code=303)
        with StoreReader(settings.db) as reader:
            listed = asked.read(reader, settings.max_per_page)
            outputs = reader.outputs([s["story"] for s in listed["stories"]])
        filters = {"q": asked.q, "source": asked.source, "since": asked.since, "until": asked.until}
        return _page_response(_report_html(outputs, listed, filters))

    return app


_CHALLENGE = {"WWW-Authenticate": "Bearer"}


@dataclass
class StoryPage:
    """A page of stories as asked in a query string (``GET /v1/stories``, ``/report``)."""

    page: int = 1
    per_page: int = 20
    q: str | None = None
    source: str | None = None
    since: str | None = None
    until: str | None = None

    def read(self, reader: StoreReader, most: int) -> dict:
        page, per_page = _page(self.page, self.per_page, most)
        since, until = _day(self.since, "since"), _day(self.until, "until", end=True)
        return reader.stories(page, per_page, self.q, self.source, since, until)


@dataclass
class ReportPage(StoryPage):
    """The live report lists more stories a page."""

    per_page: int = 50


def _page(page: int, per_page: int, most: int) -> tuple[int, int]:
    if page < 1 or per_page < 1:
        raise ApiError(400, "page and per_page start at 1")
    return page, min(per_page, most)


def _day(value: str | None, name: str, end: bool = False) -> float | None:
    """An ISO date or time as days since the epoch; a bare date's ``until`` is its end."""
    if not value:
        return None
    t = timestamp(value)
    if t is None:
        raise ApiError(400, f"{name}: {value!r} is not an ISO 8601 date")
    if end and len(value.strip()) == 10:  # YYYY-MM-DD: the whole day
        t += 86400 - 1e-3
    return t / 86400.0


async def _articles_in(request: Request, settings: ServiceSettings) -> list:
    """The ``articles`` of a JSON body, read at most ``max_body_bytes`` far."""
    body = await _json_body(request, settings.max_body_bytes)
    if not isinstance(body, dict) or not isinstance(body.get("articles"), list):
        raise ApiError(400, 'the body must be a JSON object {"articles": [...]}')
    articles = body["articles"]
    if len(articles) > settings.max_batch:
        raise ApiError(
            413, f"{len(articles)} articles in one request; at most {settings.max_batch}"
        )
    return articles


async def _json_body(request: Request, limit: int) -> object:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, f"body of {int(declared)} bytes; at most {limit}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, f"body over {limit} bytes")
        chunks.append(chunk)
    try:
        return orjson.loads(b"".join(chunks))
    except orjson.JSONDecodeError as exc:
        raise ApiError(400, f"bad JSON: {exc}") from exc


def _secure(request: Request) -> bool:
    """Whether the page reached the user over TLS (here, or at a proxy that says so)."""
    forwarded = request.headers.get("x-forwarded-proto", "")
    return request.url.scheme == "https" or forwarded.split(",")[0].strip() == "https"


# -- pages ------------------------------------------------------------------------------
def _script_hash() -> str:
    from wiretrace.report.html import report_script

    digest = hashlib.sha256(report_script().encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode()


#: No script runs on the pages but the report's own (by its hash), nothing loads from
#: elsewhere, and the pages are never framed: text of an article that carries markup is
#: shown as text by the report, and even markup slipped into the page would not run.
def _page_headers() -> dict[str, str]:
    return {
        "Content-Security-Policy": (
            f"default-src 'none'; script-src '{_script_hash()}'; style-src 'unsafe-inline'; "
            "img-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        ),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Cache-Control": "no-store",
    }


def _page_response(html: str) -> HTMLResponse:
    return HTMLResponse(html, headers=_page_headers())


def _login_html(failed: bool) -> str:
    note = "<p class=err>That key is unknown or revoked.</p>" if failed else ""
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>wiretrace: sign in"
        "</title><style>body{font:16px system-ui,sans-serif;max-width:32em;margin:4em auto}"
        "input{width:100%;font:inherit;padding:.4em}.err{color:#b00}</style></head><body>"
        "<h1>wiretrace</h1><form method=post action=/login><label>API key (read or write)"
        "<input name=key type=password autocomplete=off autofocus></label>"
        f"{note}<p><button type=submit>Open the report</button></p></form></body></html>"
    )


def _report_html(outputs, listed: dict, filters: dict) -> str:
    from wiretrace.report.html import render_html

    page, per_page, total = listed["page"], listed["per_page"], listed["total"]
    kept = {k: v for k, v in filters.items() if v}

    def link(to: int) -> str:
        query = urlencode({**kept, "page": to, "per_page": per_page})
        return f"/report?{escape(query)}"

    pages = max(1, -(-total // per_page))
    nav = [f"<span>{total} stories · page {page} of {pages}</span>"]
    if page > 1:
        nav.append(f'<a href="{link(page - 1)}">newer</a>')
    if page < pages:
        nav.append(f'<a href="{link(page + 1)}">older</a>')
    nav.append(
        '<form method=get action=/report class=filter><input name=q placeholder="text" '
        f'value="{escape(filters.get("q") or "")}"><input name=source placeholder="source" '
        f'value="{escape(filters.get("source") or "")}"><button>filter</button></form>'
        '<a href="/logout">sign out</a>'
    )
    stamp = datetime.now().astimezone().isoformat(timespec="seconds")
    return render_html(
        outputs, title="wiretrace: live", nav=f"<nav>{' '.join(nav)} · read {stamp}</nav>"
    )


#: The request body of POST /v1/articles and /v1/query, for the schema (read by hand).
_ARTICLE_SCHEMA = {
    "type": "object",
    "required": ["id"],
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "text": {"type": "string", "description": "the story text (or give html)"},
        "html": {"type": "string", "description": "a whole page; its main text is read"},
        "url": {"type": "string"},
        "source": {"type": "string"},
        "published": {
            "type": ["string", "number"],
            "description": "ISO 8601, RFC 2822, a written date (December 27, 2021) or epoch "
            "seconds or milliseconds; stored as ISO 8601 (an unreadable one is noted)",
        },
        "author": {"type": "string"},
    },
}
_ARTICLES_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["articles"],
                    "properties": {"articles": {"type": "array", "items": _ARTICLE_SCHEMA}},
                }
            }
        },
    }
}
