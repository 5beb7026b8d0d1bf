"""Run the app under gunicorn: worker processes for the two cores, bounded threads and queue."""

from __future__ import annotations

from pathlib import Path

from gunicorn.app.base import BaseApplication

from . import create_app


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
    *, host: str, port: int, workers: int, threads: int, corpus_dir: Path, index_dir: Path
) -> None:
    """Serve until interrupted."""
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
        # Recycle workers now and then so a slow leak can never grow without bound.
        "max_requests": 20000,
        "max_requests_jitter": 2000,
        "limit_request_line": 8190,
        "limit_request_fields": 50,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
    }
    _Server(options, {"CORPUS_DIR": str(corpus_dir), "INDEX_DIR": str(index_dir)}).run()
