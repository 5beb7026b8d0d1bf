"""Run the app under gunicorn: worker processes for the two cores, bounded threads and queue."""

from __future__ import annotations

from pathlib import Path

from gunicorn.app.base import BaseApplication
from gunicorn.http import message as gunicorn_message

from . import announce, create_app

# A query may be 10,000 characters, which percent-encoded is up to ~90 KB of request line
# (3 bytes of UTF-8, 3 characters each); gunicorn caps limit_request_line at its own
# MAX_REQUEST_LINE (8190), which refused 4,000-character non-Latin queries with a bare 400.
# 0 would lift the cap entirely (unbounded memory per connection), so raise the cap instead.
REQUEST_LINE_BYTES = 128 * 1024
if getattr(gunicorn_message, "MAX_REQUEST_LINE", REQUEST_LINE_BYTES) < REQUEST_LINE_BYTES:
    gunicorn_message.MAX_REQUEST_LINE = REQUEST_LINE_BYTES


class _Server(BaseApplication):
    def __init__(self, options: dict, app_config: dict) -> None:
        self.options = options
        self.app_config = app_config
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        # Each worker builds its own app, so each has its own searchers (no fork sharing).
        return create_app(self.app_config)


def serve(
    *,
    host: str,
    port: int,
    workers: int,
    threads: int,
    corpus_dir: Path,
    index_dir: Path,
    open_browser: bool = False,
    settings: dict | None = None,
) -> None:
    """Serve until interrupted, saying where and when it stops (see announce.py).

    `settings` picks the engine (engines.engine_settings).
    """
    urls: list[str] = []

    def when_ready(arbiter) -> None:
        bound = [listener.sock.getsockname()[:2] for listener in arbiter.LISTENERS]
        urls.extend(announce.local_url(h, p) for h, p in bound)
        for line in announce.ready_lines(bound):
            announce.say(line)
        if open_browser:
            announce.say(announce.open_browser(urls[0]))

    def on_exit(arbiter) -> None:
        announce.say(f"searchapp stopped serving {', '.join(urls) or f'{host}:{port}'}")

    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        # A bounded accept queue: when every thread is busy, excess clients wait in the
        # kernel's queue or are refused, instead of piling up in memory.
        "backlog": 128,
        "worker_connections": threads * 4,
        "timeout": 30,
        "graceful_timeout": 10,
        "keepalive": 5,
        # Recycle workers now and then so a slow leak can never grow without bound; rarely,
        # since a new worker reopens the index (about 0.6 s at 100k articles).
        "max_requests": 200_000,
        "max_requests_jitter": 20_000,
        "limit_request_line": REQUEST_LINE_BYTES,
        "limit_request_fields": 50,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "when_ready": when_ready,
        "on_exit": on_exit,
    }
    app_config = {"CORPUS_DIR": str(corpus_dir), "INDEX_DIR": str(index_dir), **(settings or {})}
    _Server(options, app_config).run()
