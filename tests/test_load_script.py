"""bench/load.py: bounded, local-only, and it reports what it promises."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import SHIPPED_CORPUS
from .server_helpers import serve_process

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "load.py"


def run_script(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.parametrize(
    "url",
    ["http://example.com", "http://10.0.0.1:8000", "https://127.0.0.1:8000", "ftp://localhost"],
)
def test_refuses_anything_but_a_local_server(url):
    started = time.monotonic()
    done = run_script("--url", url, "--duration", "1")
    assert done.returncode == 2 and "refusing" in done.stderr
    assert time.monotonic() - started < 10


@pytest.mark.parametrize(
    "args", [["--duration", "601"], ["--duration", "0"], ["--concurrency", "65"]]
)
def test_refuses_unbounded_runs(args):
    done = run_script("--url", "http://127.0.0.1:9", *args)
    assert done.returncode == 2


def test_small_run_reports_rate_latency_and_errors(tmp_path):
    with serve_process(SHIPPED_CORPUS, tmp_path / "index", workers=2, threads=4) as server:
        started = time.monotonic()
        done = run_script("--url", server.base, "--duration", "3", "--concurrency", "4",
                          "--server-pid", str(server.process.pid), "--json")  # fmt: skip
        assert time.monotonic() - started < 3 + 30  # stops by itself
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    print(json.dumps(report))
    for name in ("search", "article", "api_search", "api_article"):
        row = report[name]
        assert row["requests"] > 0 and row["errors"] == 0, (name, row)
        assert row["rps"] > 0 and row["p50_ms"] <= row["p99_ms"]
    assert report["total"]["errors"] == 0
    assert report["server_rss_kb"]["start"] > 0
