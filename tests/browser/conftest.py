"""Browser fixtures: the real server (gunicorn, `searchapp serve`) and headless Chromium.

The server runs over the shipped corpus built into a temporary index, on a free localhost
port, and is always terminated. Chromium is Debian's (`scripts/test.sh` installs it); when it
is missing these tests fail rather than skip, so a broken setup never passes quietly.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..server_helpers import get_json, serve_process

CHROMIUM = os.environ.get("SEARCHAPP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[2]
SHOTS_DIR = REPO / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@dataclass(frozen=True)
class Server:
    url: str
    process: subprocess.Popen
    index_dir: Path


@pytest.fixture(scope="session")
def start_server() -> Iterator[Callable[[Path, Path], Server]]:
    """start_server(corpus, index) -> Server, once /healthz answers; all stopped at the end.

    The same harness as the HTTP tests (tests/server_helpers.py): `searchapp serve` on a
    free 127.0.0.1 port, always terminated.
    """
    started: list[subprocess.Popen] = []
    with ExitStack() as running:

        def start(corpus: Path, index_dir: Path) -> Server:
            server = running.enter_context(serve_process(corpus, index_dir, workers=1, threads=8))
            started.append(server.process)
            return Server(server.base, server.process, index_dir)

        yield start
        # Each server takes 1-2 s to stop: ask them all at once, then wait for each.
        for process in started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)


@pytest.fixture(scope="session")
def server(start_server, tmp_path_factory) -> Server:
    """The real server over the shipped corpus, built into a temporary index at startup."""
    index_dir = tmp_path_factory.mktemp("browser") / "index"
    running = start_server(REPO / "corpus", index_dir)
    assert get_json(running.url + "/healthz")[0] == 200
    return running


@pytest.fixture(scope="session")
def base_url(server) -> str:
    return server.url


@pytest.fixture(scope="session")
def api(base_url) -> Callable[[str], dict]:
    """api('/api/search?q=x') -> the JSON body, for comparing pages with the API."""

    def get(path: str) -> dict:
        with urllib.request.urlopen(base_url + path, timeout=10) as response:
            return json.load(response)

    return get


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium; a missing browser is a failure, not a skip."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `bash scripts/test.sh` (it installs "
            "Debian's chromium) or deselect with -m 'not browser'"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser, base_url) -> Iterator[Callable[..., object]]:
    """new_page(**context_options) -> a Page in a fresh context; the contexts close after."""
    contexts = []

    def open_page(**options):
        options.setdefault("viewport", DESKTOP)
        options.setdefault("base_url", base_url)
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.errors = []  # uncaught script errors, checked by tests that run JS
        page.on("pageerror", lambda error: page.errors.append(error))
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A desktop page with JavaScript, light colour scheme."""
    return new_page(color_scheme="light")


@pytest.fixture
def nojs_page(new_page):
    """A desktop page with JavaScript disabled."""
    return new_page(color_scheme="light", java_script_enabled=False)


@pytest.fixture(scope="session")
def artifacts_dir(tmp_path_factory) -> Path:
    """Where screenshots go: $SEARCHAPP_ARTIFACTS_DIR, else a temp folder of this run."""
    chosen = os.environ.get("SEARCHAPP_ARTIFACTS_DIR")
    path = Path(chosen) if chosen else tmp_path_factory.mktemp("artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def screenshot(artifacts_dir) -> Callable[[object, str], Path]:
    """screenshot(page, name): save name.png to the artifacts folder.

    With SEARCHAPP_UPDATE_SCREENSHOTS=1 the picture is also copied to docs/screenshots/,
    which is how the README's pictures are refreshed.
    """

    def take(page, name: str, full_page: bool = False) -> Path:
        path = artifacts_dir / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        if os.environ.get("SEARCHAPP_UPDATE_SCREENSHOTS") == "1":
            SHOTS_DIR.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, SHOTS_DIR / path.name)
        return path

    return take
