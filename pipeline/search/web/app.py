"""The analysts' web service: a search page, a document view, a JSON API and streamed exports.

Everything goes through ``pipeline.search`` (the same layer as ``newsarchive search``); this
module only maps URLs to it and answers to HTML or JSON. Mistakes in what was asked for are
400 answers with one readable sentence; an unreachable Elasticsearch is a 503; nothing ever
answers with a stack trace.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from elasticsearch import ApiError, Elasticsearch, TransportError
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.templating import Jinja2Templates

from pipeline import __version__, settings
from pipeline.exceptions import IndexOutdatedError, QuerySyntaxError
from pipeline.health.page import health_sections
from pipeline.revisions.history import Comparison, History, compare, history
from pipeline.search.export import FORMATS, stream_export
from pipeline.search.query import SearchRequest
from pipeline.search.service import SearchResult, get_document, search
from pipeline.search.syntax import HELP
from pipeline.search.web.params import page_of, params_of, request_from_params
from pipeline.search.web.timeline import bucket_end, interval_label, timeline_svg

log = logging.getLogger(__name__)

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.globals.update(
    params_of=params_of,
    page_of=page_of,
    help_text=HELP,
    interval_label=interval_label,
    web_url=lambda url: url if str(url).startswith(("http://", "https://")) else "",
)


def create_app(client: Elasticsearch, alias: str, data_dir: Path | None = None) -> FastAPI:
    """The ASGI app searching ``alias`` with ``client`` (injected: tests pass their own).

    ``data_dir`` holds the run history the health page reads (default: the configured one).
    """
    history_dir = data_dir if data_dir is not None else Path(settings.NEWSARCHIVE_DATA_DIR)
    app = FastAPI(
        title="newsarchive search",
        version=__version__,
        description="Search the news archive: " + HELP,
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error answering %s", request.url.path)
        return _error(request, 500, "internal_error", "Something went wrong on the server.")

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> JSONResponse:
        try:
            health = client.cluster.health()
        except (ApiError, TransportError) as exc:
            return JSONResponse({"status": "unavailable", "detail": str(exc)}, status_code=503)
        return JSONResponse({"status": "ok", "elasticsearch": health["status"], "index": alias})

    @app.get("/", response_class=HTMLResponse, summary="The search page")
    def page(request: Request) -> Response:
        outcome = _run_search(request)
        if isinstance(outcome, Response):
            return outcome
        search_request, result = outcome
        return TEMPLATES.TemplateResponse(
            request,
            "search.html",
            {
                "req": search_request,
                "result": result,
                "timeline": timeline_svg(
                    result.timeline,
                    result.interval,
                    lambda b: (
                        "/?"
                        + params_of(
                            search_request,
                            **{
                                "from": b.date,
                                "to": bucket_end(b.date, result.interval).isoformat(),
                            },
                        )
                    ),
                ),
                "error": None,
            },
        )

    @app.get("/health", response_class=HTMLResponse, summary="Extraction health per source")
    def health_page(request: Request) -> Response:
        """Small multiples of each source's shares over its recent runs, alerts first."""
        sections = health_sections(history_dir)
        return TEMPLATES.TemplateResponse(request, "health.html", {"sections": sections})

    @app.get("/api/search", summary="Search; same parameters as the page")
    def api_search(request: Request) -> Response:
        outcome = _run_search(request)
        if isinstance(outcome, Response):
            return outcome
        search_request, result = outcome
        return JSONResponse(
            {
                "query": search_request.text,
                "page": page_of(search_request),
                "size": search_request.size,
                **result.to_dict(),
            }
        )

    @app.get("/doc/{doc_id}", response_class=HTMLResponse, summary="The document page")
    def doc_page(request: Request, doc_id: str) -> Response:
        try:
            document = get_document(client, alias, doc_id)
        except (ApiError, TransportError) as exc:
            return _unavailable(request, exc)
        if document is None:
            return _error(request, 404, "not_found", f"No article with id {doc_id!r}.")
        outcome = _revisions(request, doc_id)
        if isinstance(outcome, Response):
            return outcome
        story, comparison = outcome
        return TEMPLATES.TemplateResponse(
            request,
            "document.html",
            {"doc": document, "history": story, "comparison": comparison},
        )

    @app.get("/api/documents/{doc_id}/revisions", summary="An article's versions and a diff")
    def api_revisions(request: Request, doc_id: str) -> Response:
        """Versions and trivial changes; ``old``/``new`` pick the revisions to compare."""
        outcome = _revisions(request, doc_id)
        if isinstance(outcome, Response):
            return outcome
        story, comparison = outcome
        if story is None:
            return _error(request, 404, "not_found", f"No article with id {doc_id!r}.")
        body = story.to_dict()
        body["diff"] = comparison.to_dict() if comparison else None
        return JSONResponse(body)

    def _revisions(
        request: Request, doc_id: str
    ) -> tuple[History | None, Comparison | None] | Response:
        try:
            story = history(client, alias, doc_id)
        except (ApiError, TransportError) as exc:
            return _unavailable(request, exc)
        if story is None:
            return None, None
        try:
            pair = _revision_pair(request, story)
            return story, compare(story, *pair) if pair else None
        except ValueError as exc:
            return _error(request, 400, "bad_parameter", str(exc))

    @app.get("/api/documents/{doc_id}", summary="One article with its copies and similar ones")
    def api_document(request: Request, doc_id: str) -> Response:
        try:
            document = get_document(client, alias, doc_id)
        except (ApiError, TransportError) as exc:
            return _unavailable(request, exc)
        if document is None:
            return _error(request, 404, "not_found", f"No article with id {doc_id!r}.")
        return JSONResponse(document.to_dict())

    @app.get("/api/export", summary="Every match as CSV or JSON Lines, streamed")
    def api_export(request: Request) -> Response:
        fmt = request.query_params.get("format", "csv")
        if fmt not in FORMATS:
            message = f"format: must be one of {', '.join(FORMATS)}, not {fmt[:40]!r}"
            return _error(request, 400, "bad_parameter", message)
        try:
            search_request = request_from_params(_multi(request))
            chunks = stream_export(client, alias, search_request, fmt)
            first = next(chunks, "")  # errors in the query surface here, before streaming
        except (QuerySyntaxError, ValueError) as exc:
            return _error(request, 400, _code(exc), str(exc))
        except (ApiError, TransportError) as exc:
            return _unavailable(request, exc)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        return StreamingResponse(
            _prepend(first, chunks),
            media_type=FORMATS[fmt],
            headers={"Content-Disposition": f'attachment; filename="newsarchive-{stamp}.{fmt}"'},
        )

    def _run_search(request: Request) -> tuple[SearchRequest, SearchResult] | Response:
        try:
            search_request = request_from_params(_multi(request))
            return search_request, search(client, alias, search_request)
        except (QuerySyntaxError, ValueError) as exc:
            return _error(request, 400, _code(exc), str(exc))
        except IndexOutdatedError as exc:
            return _error(request, 409, "index_outdated", str(exc)[0].upper() + str(exc)[1:] + ".")
        except (ApiError, TransportError) as exc:
            return _unavailable(request, exc)

    return app


def _revision_pair(request: Request, story: History) -> tuple[int, int] | None:
    """The revisions ``old`` and ``new`` of the URL, else the last two."""
    given = [request.query_params.get(name) for name in ("old", "new")]
    if not any(given):
        return story.default_pair()
    if not all(given):
        raise ValueError("old, new: give both revision numbers, or neither")
    try:
        old, new = (int(v or "") for v in given)
    except ValueError:
        raise ValueError("old, new: revision numbers are whole numbers") from None
    return old, new


def _multi(request: Request) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    return params


def _prepend(first: str, rest: Iterator[str]) -> Iterator[str]:
    if first:
        yield first
    yield from rest


def _code(exc: Exception) -> str:
    if isinstance(exc, QuerySyntaxError):
        return "bad_query"
    return "bad_parameter"


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/")


def _error(request: Request, status: int, code: str, message: str) -> Response:
    if _wants_html(request):
        return TEMPLATES.TemplateResponse(
            request,
            "error.html",
            {"status": status, "message": message, "q": request.query_params.get("q", "")},
            status_code=status,
        )
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _unavailable(request: Request, exc: Exception) -> Response:
    log.error("Elasticsearch request failed: %s", exc)
    detail = f" (status {exc.meta.status})" if isinstance(exc, ApiError) else ""
    message = (
        f"The archive cannot be searched right now: Elasticsearch did not answer{detail}. "
        "Try again in a moment; if it persists, check `newsarchive es status`."
    )
    return _error(request, 503, "unavailable", message)
