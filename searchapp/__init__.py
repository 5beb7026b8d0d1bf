"""searchapp: full-text search over a folder of scraped news articles."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, Response, jsonify, render_template, request
from flask.globals import request_ctx

from .engine import IndexUnavailableError, LiveIndex, Synonyms, load_synonyms
from .engines import engine_settings, open_engine

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent


def _templates_dir() -> Path:
    """templates/ at the repo top in a checkout; searchapp/templates inside a wheel."""
    for candidate in (REPO_DIR / "templates", PACKAGE_DIR / "templates"):
        if (candidate / "base.html").is_file():
            return candidate
    raise RuntimeError("searchapp templates are missing from this installation")


def default_dirs() -> tuple[Path, Path]:
    """(corpus, index): the environment's, else the checkout's, else the working folder's."""
    base = REPO_DIR if (REPO_DIR / "corpus").is_dir() else Path.cwd()
    corpus = os.environ.get("SEARCHAPP_CORPUS_DIR") or base / "corpus"
    index = os.environ.get("SEARCHAPP_INDEX_DIR") or base / "index"
    return Path(corpus), Path(index)


SECURITY_HEADERS = {
    # No inline script or style anywhere: everything comes from /static.
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app; `test_config` overrides settings (CORPUS_DIR, INDEX_DIR, ...)."""
    app = Flask(__name__, template_folder=str(_templates_dir()))
    corpus, index = default_dirs()
    app.config.from_mapping(
        CORPUS_DIR=str(corpus),
        INDEX_DIR=str(index),
        MAX_CONTENT_LENGTH=64 * 1024,  # the app takes no uploads; refuse large bodies early
        JSON_SORT_KEYS=False,
        **engine_settings(),
        SYNONYMS_FILE=os.environ.get("SEARCHAPP_SYNONYMS") or None,
    )
    if test_config:
        app.config.from_mapping(test_config)
    app.json.sort_keys = False
    surface, handle = open_engine(app.config)
    app.extensions["searchapp.engine"] = surface  # searchapp.engine or .engine.sphinxql
    app.extensions["searchapp.live"] = handle
    app.extensions["searchapp.synonyms"] = _synonyms(app)

    from .cli import flask_rebuild_index_command
    from .web.api import api
    from .web.downloads import downloads
    from .web.pages import pages

    app.register_blueprint(pages)
    app.register_blueprint(downloads)
    app.register_blueprint(api)
    app.cli.add_command(flask_rebuild_index_command())
    _add_edges(app)
    return app


def _synonyms(app: Flask) -> Synonyms:
    """The synonyms file's groups (none without one); a bad line is logged and skipped."""
    path = app.config.get("SYNONYMS_FILE")
    if not path:
        return Synonyms()
    synonyms = load_synonyms(Path(path))  # SynonymsError: unreadable, so refuse to start
    for problem in synonyms.problems:
        app.logger.warning("synonyms file %s, %s", path, problem)
    return synonyms


def _add_edges(app: Flask) -> None:
    """Health probe, security headers, and error pages that never show a traceback."""
    from werkzeug.exceptions import HTTPException

    from .web.problems import problem

    @app.get("/healthz")
    def healthz():
        live: LiveIndex = app.extensions["searchapp.live"]
        try:
            stats = live.read_stats()
        except IndexUnavailableError as error:
            body = {
                "status": "unavailable",
                "generation": None,
                "articles": 0,
                "detail": str(error),
            }
            return jsonify(body), 503
        return jsonify({"status": "ok", "generation": stats.generation, "articles": stats.articles})

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if request.path.startswith("/api/"):
            return problem(error.code or 500, error.description or error.name)
        if request_ctx.url_adapter is None:
            # The Host header could not be parsed (e.g. "a..b"), so no link on the error
            # page can be built: rendering it raised, a 500 with a traceback each time.
            text = f"{error.code} {error.name}: {error.description}\n"
            return Response(text, error.code, mimetype="text/plain")
        return render_template(
            "error.html", status=error.code, title=error.name, message=error.description
        ), error.code

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        # Log the traceback for the operator; the client sees a plain message only.
        app.logger.exception("unhandled error on %s", request.path)
        if request.path.startswith("/api/"):
            return problem(500, "Something went wrong on our side; it has been logged.")
        return render_template(
            "error.html",
            status=500,
            title="Something went wrong",
            message="Something went wrong on our side; it has been logged.",
        ), 500
