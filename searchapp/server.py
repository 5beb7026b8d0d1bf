"""Run the app under gunicorn: worker processes for the cores, an event loop in front of a
bounded pool of threads per worker.

Why not gunicorn's threaded worker: a thread there reads the request itself, so about 32
clients that each sent one byte of a request held every thread and nobody else was
answered (no header timeout). Here the event loop reads requests, and a thread only ever
runs a complete one. Measured with `bench/load.py --mode slow-clients --attackers 64` on a
21,543-article index: threaded worker, 0 of the probe's searches answered in 20 s; this
worker, every one answered and all 64 stalled connections closed after the header deadline.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import weakref
from pathlib import Path

from a2wsgi import WSGIMiddleware
from gunicorn.app.base import BaseApplication
from gunicorn.asgi.protocol import ASGIProtocol
from gunicorn.workers import gasgi

from . import SECURITY_HEADERS, announce, create_app
from .engine import ClientGoneError, stop_when

# A query may be 10,000 characters, which percent-encoded is up to ~90 KB of request line
# (3 bytes of UTF-8, 3 characters each); gunicorn's default of 8,190 refused 4,000-character
# non-Latin queries with a bare 400. 0 would lift the cap entirely, so raise it instead.
REQUEST_LINE_BYTES = 128 * 1024
# A client has this long to send a request's headers, counted from when it connected (or
# from the end of the previous response), however it trickles them in.
HEADER_SECONDS = 5
# No route takes a request body; one is read whole before the app runs (see _StopWhenGone).
MAX_BODY_BYTES = 64 * 1024
# A client that stops reading its answer: while the server's write buffer is full, the
# client must take at least WRITE_PROGRESS_BYTES of it every DEFAULT_WRITE_STALL_SECONDS (about
# 3 KB/s), or the connection is closed. Before, a client that asked for a big export and
# read nothing held its thread for as long as it liked (42 s and counting, one thread).
# SEARCHAPP_WRITE_STALL_SECONDS changes it (clients on very slow links; the test uses 2 s).
DEFAULT_WRITE_STALL_SECONDS = 10.0
WRITE_PROGRESS_BYTES = 32 * 1024


def write_stall_seconds(environ=os.environ) -> float:
    """The write deadline from the environment; anything but 0 < seconds <= 3600 is an error."""
    raw = environ.get("SEARCHAPP_WRITE_STALL_SECONDS")
    if not raw:
        return DEFAULT_WRITE_STALL_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 3600:
        message = f"SEARCHAPP_WRITE_STALL_SECONDS must be seconds from 0 to 3600, not {raw!r}"
        raise ValueError(message)
    return seconds


# This worker's connections, so that shutdown can close the idle ones (weak: a closed
# connection leaves by itself).
_OPEN_CONNECTIONS: weakref.WeakSet = weakref.WeakSet()


class _HeaderDeadline(ASGIProtocol):
    """gunicorn's protocol, with its keep-alive timer armed for the first request too, and
    the app's security headers on the errors gunicorn writes itself (400, 431, ...).

    gunicorn arms that timer only between requests, so a first request that never finishes
    its headers held its connection for ever. The timer is cancelled once headers are in.
    Writes have a deadline too (write_stall_seconds).
    """

    _write_stall = None  # the timer armed while the transport's write buffer is full
    write_stall_seconds = DEFAULT_WRITE_STALL_SECONDS  # serve() sets it

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        _OPEN_CONNECTIONS.add(self)
        if self._request_ready is not None:  # an HTTP/1 connection
            self._arm_keepalive_timer()

    def close_if_idle(self) -> None:
        """Close the connection now if it is waiting for a request (used at shutdown)."""
        if self._awaiting_request and not self._closed:
            self._keepalive_timeout()

    def pause_writing(self) -> None:
        super().pause_writing()
        if self._write_stall is None:
            self._watch_writes(self.transport.get_write_buffer_size())

    def _watch_writes(self, buffered: int) -> None:
        self._write_stall = self.worker.loop.call_later(
            self.write_stall_seconds, self._writes_checked, buffered
        )

    def _writes_checked(self, buffered_before: int) -> None:
        # Nothing is added to the buffer while it is full (gunicorn's send() waits), so
        # what left it is what the client read (into the kernel's buffers, then its own).
        buffered = self.transport.get_write_buffer_size()
        if buffered_before - buffered >= WRITE_PROGRESS_BYTES:
            self._watch_writes(buffered)  # slow, but reading
        else:
            self._write_stall = None
            self.transport.abort()

    def resume_writing(self) -> None:
        self._cancel_write_stall()
        super().resume_writing()

    def connection_lost(self, exc) -> None:
        self._cancel_write_stall()
        super().connection_lost(exc)
        # gunicorn leaves a send() that waits for a full buffer to drain waiting for ever
        # once the connection is gone, and the request's thread behind it (in a2wsgi's
        # queue) with it: let it through; sends to a closed connection are dropped.
        if self._flow_control is not None:
            self._flow_control.resume_writing()

    def _cancel_write_stall(self) -> None:
        if self._write_stall is not None:
            self._write_stall.cancel()
            self._write_stall = None

    def _send_error_response(self, status, message, extra_headers=()) -> None:
        headers = (*extra_headers, *SECURITY_HEADERS.items())
        super()._send_error_response(status, message, headers)


class _StopWhenGone:
    """ASGI middleware: a request whose client closes the connection stops its search.

    a2wsgi runs each request on a thread and never looks at the connection meanwhile, but
    gunicorn tells the ASGI app (an http.disconnect from receive()) as soon as the socket
    closes. So the body is read first, then a task waits for that message and sets an
    Event that the search's budget checks (engine.stop_when): a search whose client left
    stops at its next check, within milliseconds, instead of running to its 5 s budget.
    """

    def __init__(self, app) -> None:
        self.app = app
        self.log = logging.getLogger("gunicorn.error")

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body, size = [], 0
        while not body or body[-1].get("more_body"):
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            size += len(message.get("body", b""))
            if size > MAX_BODY_BYTES:
                await _plain_response(send, 413, b"Request body too large.\n")
                return
            body.append(message)
        gone = threading.Event()
        stopped = False

        def stop_now() -> bool:  # called by the request's thread at each budget check
            nonlocal stopped
            stopped = stopped or gone.is_set()
            return stopped

        async def watch() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            gone.set()

        async def replay():
            if body:
                return body.pop(0)
            await watcher
            return {"type": "http.disconnect"}

        watcher = asyncio.get_running_loop().create_task(watch())
        try:
            with stop_when(stop_now):
                await self.app(scope, replay, send)
        except ClientGoneError:  # a streamed export: its rows stopped mid-way
            pass
        finally:
            watcher.cancel()
        if stopped:
            method = scope["method"]
            target = scope["path"] + "?" + scope.get("query_string", b"").decode("latin-1")
            self.log.warning("stopped %s %.200r: its client closed the connection", method, target)


async def _plain_response(send, status: int, text: bytes) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")]
    headers += [(name.lower().encode(), value.encode()) for name, value in SECURITY_HEADERS.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": text})


class Worker(gasgi.ASGIWorker):
    """gunicorn's asyncio worker, making connections with the header deadline."""

    def init_process(self) -> None:
        # The worker builds each connection's protocol by this module-level name; the
        # process runs only this worker, so replacing it here touches nothing else.
        gasgi.ASGIProtocol = _HeaderDeadline
        super().init_process()

    async def _shutdown(self) -> None:
        # gunicorn's graceful stop (SIGTERM) waits for every connection, and an idle
        # keep-alive one (a browser tab left open) only ends at its keep-alive timeout: a
        # stop took 5.6 s instead of 1.4 s. Idle ones close now; requests being answered
        # still finish.
        for connection in list(_OPEN_CONNECTIONS):
            connection.close_if_idle()
        await super()._shutdown()


class _Server(BaseApplication):
    def __init__(self, options: dict, app_config: dict, threads: int) -> None:
        self.options = options
        self.app_config = app_config
        self.threads = threads
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        # Each worker builds its own app, so each has its own searchers (no fork sharing);
        # its requests run on `threads` threads, the event loop only reads and writes.
        return _StopWhenGone(WSGIMiddleware(create_app(self.app_config), workers=self.threads))


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
    write_stall: float = DEFAULT_WRITE_STALL_SECONDS,
) -> None:
    """Serve until interrupted, saying where and when it stops (see announce.py).

    `settings` picks the engine (engines.engine_settings); `write_stall` is the seconds a
    client may take to read 32 KB of a waiting answer (write_stall_seconds()).
    """
    _HeaderDeadline.write_stall_seconds = write_stall  # before gunicorn forks the workers
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
        "worker_class": f"{__name__}.Worker",
        # A bounded accept queue: excess clients wait in the kernel's queue or are refused.
        "backlog": 128,
        "worker_connections": 1000,
        # A worker that stops answering its arbiter this long is replaced; request
        # bodies must arrive within it too.
        "timeout": 30,
        "graceful_timeout": 10,
        # After a client leaves, gunicorn cancels its request's task after this grace; the
        # thread runs on regardless (until its next budget check), and with its task gone
        # a2wsgi's send queue is no longer drained, so a streaming export's thread blocked
        # on it for ever. Longer than any request's work, so the task always sees it end.
        "asgi_disconnect_grace_period": 60,
        "keepalive": HEADER_SECONDS,
        # Recycle workers now and then so a slow leak can never grow without bound; rarely,
        # since a new worker reopens the index (about 0.6 s at 100k articles).
        "max_requests": 200_000,
        "max_requests_jitter": 20_000,
        "limit_request_line": REQUEST_LINE_BYTES,
        "limit_request_fields": 50,
        "asgi_lifespan": "off",
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "when_ready": when_ready,
        "on_exit": on_exit,
    }
    app_config = {"CORPUS_DIR": str(corpus_dir), "INDEX_DIR": str(index_dir), **(settings or {})}
    _Server(options, app_config, threads).run()
