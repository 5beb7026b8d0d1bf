"""What `searchapp serve` tells the person who started it: where it is, or why it is not."""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
import sys
import webbrowser

from .model import SearchappError

ALL_INTERFACES = ("0.0.0.0", "::", "")
PORTS_TRIED = 50  # free ports looked for above a taken one before giving up on a suggestion


class PortUnavailableError(SearchappError):
    """The address cannot be listened on; the message says what to try instead."""


def say(line: str) -> None:
    print(line, file=sys.stdout, flush=True)


def check_port(host: str, port: int) -> None:
    """Raise PortUnavailableError with a one-line hint when (host, port) cannot be bound.

    Binds and closes at once, with SO_REUSEADDR as gunicorn binds, so a port left in
    TIME_WAIT by the last run still counts as free. Port 0 (any free port) always passes.
    """
    if port == 0:
        return
    try:
        _bind(host, port)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            free = next((p for p in range(port + 1, port + PORTS_TRIED) if _free(host, p)), None)
            hint = f"; try --port {free}" if free else ""
            raise PortUnavailableError(f"port {port} is in use{hint}") from None
        if error.errno == errno.EACCES:
            raise PortUnavailableError(
                f"port {port} needs administrator rights; try --port 8000"
            ) from None
        if error.errno in (errno.EADDRNOTAVAIL, socket.EAI_NONAME, socket.EAI_NODATA):
            raise PortUnavailableError(
                f"{host} is not an address of this machine; try --host 127.0.0.1"
            ) from None
        raise PortUnavailableError(f"cannot listen on {host}:{port}: {error.strerror}") from None


def _bind(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))


def _free(host: str, port: int) -> bool:
    try:
        _bind(host, port)
    except OSError:
        return False
    return True


def local_url(host: str, port: int) -> str:
    """The URL a browser on this machine opens (all interfaces include the loopback)."""
    if host in ALL_INTERFACES:
        host = "127.0.0.1" if host != "::" else "::1"
    return f"http://{_bracketed(host)}:{port}/"


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def lan_addresses() -> list[str]:
    """This machine's non-loopback IPv4 addresses, from its own host name (no traffic)."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return []
    found = {info[4][0] for info in infos}
    return sorted(a for a in found if not ipaddress.ip_address(a).is_loopback)


def ready_lines(bound: list[tuple[str, int]]) -> list[str]:
    """The lines printed once the server listens on these (host, port) pairs."""
    lines = []
    for host, port in bound:
        lines.append(f"searchapp is serving {local_url(host, port)} (press Ctrl+C to stop)")
        if host in ALL_INTERFACES:
            lan = [f"http://{a}:{port}/" for a in lan_addresses()]
            where = ", ".join(lan) if lan else f"this machine's address, port {port}"
            lines.append(f"Listening on all interfaces: reachable from your LAN at {where}")
    return lines


def has_browser() -> bool:
    """A browser can open a window here: a desktop session, macOS or Windows, or $BROWSER.

    Without one, webbrowser falls back to a terminal browser, which would take over the
    terminal the server logs to.
    """
    if os.environ.get("BROWSER"):
        return True
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def open_browser(url: str) -> str:
    """Open url in a browser if there is one; the line to print either way."""
    if has_browser():
        try:
            if webbrowser.open(url):
                return f"Opened {url} in your browser"
        except webbrowser.Error:
            pass
    return f"No browser to open here; visit {url} yourself"
