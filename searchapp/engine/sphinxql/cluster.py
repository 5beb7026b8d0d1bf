"""Talking to searchd nodes: addresses, connections, and starting or stopping local ones."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pymysql

from ...model import SearchappError
from .config import Layout, Node

DEFAULT_MASTER = "127.0.0.1:9306"
CONNECT_TIMEOUT_S = 2
START_TIMEOUT_S = 15


class ClusterUnavailableError(SearchappError):
    """A searchd node does not answer; the message says which one and how to start it."""


class SearchdMissingError(SearchappError):
    """The searchd program is not installed (apt-get install sphinxsearch)."""


@dataclass(frozen=True)
class Address:
    host: str
    port: int

    @classmethod
    def parse(cls, text: str) -> Address:
        """`host:port` -> Address; ValueError with the reason for anything else."""
        host, sep, port = text.strip().rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"{text!r} is not host:port (for example 127.0.0.1:9306)")
        return cls(host, int(port))

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


def connect(address: Address, read_timeout_s: float | None = None) -> pymysql.Connection:
    """A SphinxQL connection (MySQL protocol); ClusterUnavailableError if nobody answers."""
    try:
        return pymysql.connect(
            host=address.host,
            port=address.port,
            autocommit=True,
            charset="utf8mb4",
            connect_timeout=CONNECT_TIMEOUT_S,
            read_timeout=read_timeout_s,
            write_timeout=read_timeout_s,
        )
    except pymysql.err.OperationalError as error:
        raise ClusterUnavailableError(
            f"searchd at {address} does not answer ({error.args[-1]})"
        ) from None


def scan_rows(address: Address, index: str, columns: str, page: int):
    """(id, *columns) of every row of `index`, paged by doc id (searchd caps one answer)."""
    last = 0
    with connect(address, read_timeout_s=120) as conn, conn.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT id, {columns} FROM {index} WHERE id > %s "
                f"ORDER BY id ASC LIMIT {page} OPTION max_matches={page}",
                (last,),
            )
            rows = cursor.fetchall()
            yield from rows
            if len(rows) < page:
                return
            last = rows[-1][0]


def node_address(node: Node) -> Address:
    return Address(node.host, node.sql_port)


def searchd_program() -> str:
    found = shutil.which("searchd")
    if found is None:
        raise SearchdMissingError(
            "searchd is not installed: apt-get install sphinxsearch (or Manticore Search)"
        )
    return found


def start_node(layout: Layout, node: Node) -> None:
    """Start one node's searchd and wait until it answers SphinxQL."""
    result = subprocess.run(
        [searchd_program(), "--config", str(layout.config_path(node))],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise ClusterUnavailableError(
            f"searchd for {node.name} did not start: {_last_lines(result.stdout + result.stderr)}"
        )
    wait_until_answers(node_address(node))


def stop_node(layout: Layout, node: Node) -> None:
    """Stop one node with --stopwait and wait until its process is gone."""
    pid = read_pid(layout, node)
    if pid is None:
        return
    subprocess.run(
        [searchd_program(), "--config", str(layout.config_path(node)), "--stopwait"],
        capture_output=True,
        check=False,
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    while process_alive(pid):
        if time.monotonic() > deadline:
            raise ClusterUnavailableError(f"searchd for {node.name} (pid {pid}) did not stop")
        time.sleep(0.02)


def restart_node(layout: Layout, node: Node) -> None:
    stop_node(layout, node)
    start_node(layout, node)


def start_cluster(layout: Layout) -> None:
    """Start the shards, then the master (which connects to them per query)."""
    for node in layout.nodes:
        if read_pid(layout, node) is None:
            start_node(layout, node)


def stop_cluster(layout: Layout) -> None:
    for node in reversed(layout.nodes):
        stop_node(layout, node)


def read_pid(layout: Layout, node: Node) -> int | None:
    """The pid of a running node, or None when it is not running."""
    try:
        pid = int(layout.pid_path(node).read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if process_alive(pid) else None


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped by its parent) counts as gone.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


def wait_until_answers(address: Address, timeout_s: float = START_TIMEOUT_S) -> None:
    """Poll until searchd answers a query (it accepts connections before it serves)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with connect(address) as conn, conn.cursor() as cursor:
                cursor.execute("SHOW STATUS")
                return
        except (ClusterUnavailableError, pymysql.err.Error) as error:
            if time.monotonic() > deadline:
                raise ClusterUnavailableError(
                    f"searchd at {address} does not answer: {error}"
                ) from None
            time.sleep(0.05)


def _last_lines(text: str, count: int = 3) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return " / ".join(lines[-count:])
