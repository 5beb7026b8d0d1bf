"""What `searchapp serve` says: where it serves, a taken port, its stop; --open, --version."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner

from searchapp.announce import PortUnavailableError, check_port, local_url, ready_lines
from searchapp.build import rebuild_index
from searchapp.cli import main

from .conftest import SHIPPED_CORPUS
from .server_helpers import SEARCHAPP, free_port, stop

WAIT_SECONDS = 60  # a busy 2-core machine starts gunicorn slowly


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("serve-messages") / "index"
    rebuild_index(SHIPPED_CORPUS, path)
    return path


def start(index_dir: Path, port: int, *extra: str, env: dict | None = None) -> subprocess.Popen:
    command = [SEARCHAPP, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    command += ["--corpus", str(SHIPPED_CORPUS), "--index", str(index_dir), *extra]
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        env=env,
    )


def read_until(process: subprocess.Popen, text: str) -> list[str]:
    """Lines of output up to the one holding `text` (fails if the process ends first)."""
    lines: list[str] = []
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            pytest.fail(f"serve ended before saying {text!r}:\n{''.join(lines)}")
        lines.append(line)
        if text in line:
            return lines
    pytest.fail(f"serve did not say {text!r} in {WAIT_SECONDS}s:\n{''.join(lines)}")


def test_serve_says_where_then_that_it_stopped(index_dir):
    port = free_port()
    process = start(index_dir, port)
    try:
        lines = read_until(process, "searchapp is serving")
        assert lines[-1].strip() == (
            f"searchapp is serving http://127.0.0.1:{port}/ (press Ctrl+C to stop)"
        )
    finally:
        stop(process)
    rest = process.stdout.read()
    process.stdout.close()
    assert f"searchapp stopped serving http://127.0.0.1:{port}/" in rest


def test_a_taken_port_is_one_line_and_a_failure(index_dir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        result = subprocess.run(
            [SEARCHAPP, "serve", "--port", str(port), "--index", str(index_dir)],
            capture_output=True,
            text=True,
            timeout=WAIT_SECONDS,
        )
        elapsed = time.monotonic() - started
    assert result.returncode == 1
    assert result.stdout == ""
    message = result.stderr.strip()
    assert message.startswith(f"Error: port {port} is in use; try --port ")
    suggested = int(message.rsplit(" ", 1)[1])
    assert suggested > port and "\n" not in message
    assert elapsed < WAIT_SECONDS / 2  # no five retries of gunicorn's bind


def test_check_port_suggests_the_next_free_port():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortUnavailableError, match=rf"^port {port} is in use; try --port \d+$"):
            check_port("127.0.0.1", port)
    check_port("127.0.0.1", 0)  # any free port


def test_an_address_not_of_this_machine_is_named():
    with pytest.raises(PortUnavailableError, match="not an address of this machine"):
        check_port("192.0.2.1", free_port())  # TEST-NET-1: never assigned to a host


def test_lan_line_only_for_all_interfaces():
    assert ready_lines([("127.0.0.1", 8000)]) == [
        "searchapp is serving http://127.0.0.1:8000/ (press Ctrl+C to stop)"
    ]
    everywhere = ready_lines([("0.0.0.0", 8000)])
    assert everywhere[0] == "searchapp is serving http://127.0.0.1:8000/ (press Ctrl+C to stop)"
    assert everywhere[1].startswith("Listening on all interfaces: reachable from your LAN at ")
    assert local_url("::", 8000) == "http://[::1]:8000/"


def test_open_starts_the_browser_with_the_url(index_dir, tmp_path):
    opened = tmp_path / "opened.txt"
    fake_browser = tmp_path / "browser.py"
    fake_browser.write_text(
        f"import sys; open({str(opened)!r}, 'w').write(sys.argv[1])\n", encoding="utf-8"
    )
    env = dict(os.environ, BROWSER=f"{sys.executable} {fake_browser} %s")
    port = free_port()
    process = start(index_dir, port, "--open", env=env)
    try:
        lines = read_until(process, "in your browser")
        assert lines[-1].strip() == f"Opened http://127.0.0.1:{port}/ in your browser"
        assert opened.read_text(encoding="utf-8") == f"http://127.0.0.1:{port}/"
    finally:
        stop(process)
        process.stdout.close()


def test_open_without_a_browser_says_so(index_dir):
    env = {
        k: v for k, v in os.environ.items() if k not in ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY")
    }
    port = free_port()
    process = start(index_dir, port, "--open", env=env)
    try:
        lines = read_until(process, "No browser")
        assert (
            lines[-1].strip() == f"No browser to open here; visit http://127.0.0.1:{port}/ yourself"
        )
    finally:
        stop(process)
        process.stdout.close()


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"searchapp, version {version('searchapp')}"
