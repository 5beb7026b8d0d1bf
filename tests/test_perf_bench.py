"""The benchmark's smoke run: `bench/perf.py --quick` finishes and prints parseable lines."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
REUTERS = REPO.parent / "shared" / "data" / "reuters21578"
LINE = re.compile(
    r"^metric=(?P<metric>\w+) size=(?P<size>\d+) searchapp=(?P<ours>[\d.e+-]+|na) "
    r"baseline=(?P<base>[\d.e+-]+|na) ratio=(?P<ratio>[\d.e+-]+|na)$"
)
EXPECTED = {
    "build_articles_per_s",
    "index_mb",
    "build_peak_rss_mb",
    "incremental_1pct_s",
    "search_cold_p50_ms",
    "search_cold_p99_ms",
    "search_warm_p50_ms",
    "http_search_rps",
    "http_healthz_rps",
    "server_rss_mb",
}


@pytest.mark.skipif(not REUTERS.is_dir(), reason=f"Reuters-21578 data not found at {REUTERS}")
def test_quick_benchmark_prints_parseable_lines(tmp_path):
    out = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "perf.py"),
            "--quick",
            "--workdir",
            str(tmp_path),
            "--markdown",
            str(tmp_path / "table.md"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    lines = [line for line in out.stdout.splitlines() if not line.startswith("#")]
    parsed = [LINE.match(line) for line in lines]
    assert all(parsed), [line for line, m in zip(lines, parsed, strict=True) if not m]
    metrics = {m["metric"] for m in parsed}
    assert EXPECTED <= metrics, EXPECTED - metrics
    assert all(m["size"] == "1000" and m["ours"] != "na" for m in parsed)
    # No request failed under load, on either server.
    errors = next(m for m in parsed if m["metric"] == "http_search_errors")
    assert float(errors["ours"]) == 0 and float(errors["base"]) == 0
    assert "| build_articles_per_s |" in (tmp_path / "table.md").read_text()
