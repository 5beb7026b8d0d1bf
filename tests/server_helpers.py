"""Run the real server and the real command line in subprocesses, always cleaned up.

Every loop here is bounded in count and time, and every address is 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

VENV_BIN = Path(sys.executable).parent
SEARCHAPP = str(VENV_BIN / "searchapp")
READY_TIMEOUT = 60.0  # the server builds nothing here, but a busy 2-core box starts slowly

# A plain vocabulary, so generated articles read like text and share words.
VOCABULARY = (
    "harbour ferry council budget election minister storm flood bridge railway school "
    "hospital market farmer harvest festival museum river mountain village island police "
    "court report study survey energy wind solar grid factory workers union strike talks "
    "treaty border trade tariff export import port shipping cargo weather summer winter "
    "spring autumn morning evening tourists visitors history library theatre orchestra "
    "stadium league season coach players fans ticket prices housing rent mortgage bank "
    "interest inflation growth forecast drought reservoir water supply pipeline repairs"
).split()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def article_text(n: int, marker: str, rng: random.Random, words: int = 250) -> str:
    """A headline carrying `marker`, then paragraphs of vocabulary words, some with it."""
    body = []
    for _ in range(max(1, words // 50)):
        sentence = " ".join(rng.choice(VOCABULARY) for _ in range(50))
        body.append(sentence.capitalize() + f" {marker}.")
    return f"Harbour report {n} {marker}\n\n" + "\n\n".join(body) + "\n"


def write_articles(corpus: Path, ids: list[int], marker: str, seed: int = 0) -> None:
    """(Over)write art-<n>.txt for each n, every article carrying the version marker."""
    corpus.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    for n in ids:
        (corpus / f"art-{n:05d}.txt").write_text(article_text(n, marker, rng), encoding="utf-8")


def keep_first(corpus: Path, count: int) -> None:
    """Delete all but the first `count` articles: a rebuild that only has to show it can
    run (the lock was freed) need not index thousands again."""
    for path in sorted(corpus.glob("art-*.txt"))[count:]:
        path.unlink()


def tree_hashes(root: Path) -> dict[str, str]:
    """{relative path: sha256} of every file under root (for before/after comparisons)."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            out[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def run_cli(*args: str, timeout: float = 300, **kwargs) -> subprocess.CompletedProcess:
    """Run `searchapp ARGS` and capture its output (bounded by `timeout`)."""
    return subprocess.run(
        [SEARCHAPP, *args], capture_output=True, text=True, timeout=timeout, **kwargs
    )


def get_json(url: str, timeout: float = 10.0) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@dataclass
class Server:
    base: str
    process: subprocess.Popen
    log: Path

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: children of the arbiter process."""
        return children(self.process.pid)


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def rss_kb(pid: int) -> int:
    """Resident memory of a process in KB (0 when it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


@contextmanager
def serve_process(
    corpus: Path, index: Path, *, workers: int = 2, threads: int = 4, env: dict | None = None
):
    """`searchapp serve` on a free 127.0.0.1 port; yields a Server once /healthz answers.

    `env` adds variables to the server's environment.

    /healthz may answer 503 (no usable index): the server is up either way. The process
    is always terminated (then killed if it lingers) when the block ends.
    """
    port = free_port()
    log = index.parent / f"serve-{port}.log"
    handle = open(log, "w")
    process = subprocess.Popen(
        [SEARCHAPP, "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers), "--threads", str(threads),
         "--corpus", str(corpus), "--index", str(index)],
        stdout=handle, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited with {process.returncode}: {log.read_text()}")
            try:
                status, _ = get_json(base + "/healthz", timeout=2)
                if status in (200, 503):
                    break
            except (OSError, ValueError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server not ready in {READY_TIMEOUT}s: {log.read_text()}")
            time.sleep(0.2)
        yield Server(base, process, log)
    finally:
        stop(process)
        handle.close()


def stop(process: subprocess.Popen, grace: float = 15.0) -> None:
    """SIGTERM, wait, then SIGKILL this process (and its own session's leftovers)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=grace)
    try:  # workers of a killed arbiter: only the session this helper started
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
