"""A server worker's memory under distinct queries over articles with huge titles.

Usage: python bench/memory.py [--queries 60] [--title-kb 200] [--articles 100]
                              [--before SOURCE_TREE]

The attack from issue 14: articles whose sidecar titles are ~200 KB each, and distinct
queries that each match all of them, so every result page holds 100 such titles (20 MB)
and the result cache keeps them. It builds that corpus in a temporary folder, starts
`searchapp serve --workers 1` on it (127.0.0.1, a free port), sends --queries distinct
searches to /api/search and /search, and prints the worker's resident memory (VmRSS)
after the first search and after the last, and the growth. With --before, the same run
is made first against a server started from another source tree (e.g. `git archive
<commit> | tar -x -C DIR`), as the baseline.
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
READY_SECONDS = 60


def make_corpus(folder: Path, articles: int, title_kb: int) -> None:
    folder.mkdir(parents=True)
    title = "Harbour " + "ferry " * (title_kb * 1024 // 6)
    for i in range(articles):
        (folder / f"t{i}.txt").write_text(f"Harbour notice {i}: the ferry word{i} sails at dawn.")
        (folder / f"t{i}.json").write_text(json.dumps({"title": title}))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def worker_rss_kb(arbiter: int) -> int:
    """VmRSS of the arbiter's one worker process (its child)."""
    children = Path(f"/proc/{arbiter}/task/{arbiter}/children").read_text().split()
    status = Path(f"/proc/{children[0]}/status").read_text()
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def attack(source: Path, corpus: Path, index: Path, queries: int, articles: int) -> dict:
    """Serve from `source`, send the queries, return the worker's RSS figures."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(source)}
    command = [sys.executable, "-m", "searchapp", "serve", "--port", str(port), "--workers",
               "1", "--threads", "4", "--corpus", str(corpus), "--index", str(index)]  # fmt: skip
    server = subprocess.Popen(command, env=env, cwd=source, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + READY_SECONDS
        while get_or_none(base + "/healthz") != 200:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"the server from {source} did not start")
            time.sleep(0.5)
        statuses: dict[int, int] = {}
        first = None
        for i in range(queries):
            # Distinct queries that each match every article: up to 100 titles on a page.
            params = {"q": f"harbour word{i}", "match": "any", "per_page": min(articles, 100)}
            for path in ("/api/search?", "/search?"):
                status = get(base + path + urlencode(params))
                statuses[status] = statuses.get(status, 0) + 1
            if first is None:
                first = worker_rss_kb(server.pid)
        last = worker_rss_kb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"rss_first_kb": first, "rss_last_kb": last, "statuses": statuses}


def get_or_none(url: str) -> int | None:
    try:
        return get(url)
    except OSError:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--title-kb", type=int, default=200)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--before", type=Path, help="a source tree to measure first")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="searchapp-memory-"))
    try:
        corpus = work / "corpus"
        make_corpus(corpus, args.articles, args.title_kb)
        runs = [("before", args.before)] if args.before else []
        for name, source in [*runs, ("this tree", REPO)]:
            index = work / f"index-{len(name)}-{name.replace(' ', '-')}"
            build = [sys.executable, "-m", "searchapp", "rebuild-index", "--corpus", str(corpus),
                     "--index", str(index)]  # fmt: skip
            env = {**os.environ, "PYTHONPATH": str(source)}
            subprocess.run(build, env=env, cwd=source, check=True, capture_output=True)
            got = attack(source, corpus, index, args.queries, args.articles)
            growth = got["rss_last_kb"] - got["rss_first_kb"]
            print(
                f"run={name.replace(' ', '_')} queries={args.queries} title_kb={args.title_kb} "
                f"rss_after_first_mb={got['rss_first_kb'] / 1024:.0f} "
                f"rss_after_last_mb={got['rss_last_kb'] / 1024:.0f} "
                f"growth_mb={growth / 1024:.0f} statuses={got['statuses']}"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
