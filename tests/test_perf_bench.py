"""The benchmark's smoke run: `bench/perf.py --quick` finishes and prints its figures and
its table of targets (no assertion on any timing)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
REUTERS = REPO.parent / "shared" / "data" / "reuters21578"
AEB = REPO.parent / "shared" / "data" / "article-extraction-benchmark"
LINE = re.compile(
    r"^metric=(?P<metric>\w+) size=(?P<size>\d+) searchapp=(?P<ours>[\d.e+-]+|na) "
    r"baseline=(?P<base>[\d.e+-]+|na) ratio=(?P<ratio>[\d.e+-]+|na)$"
)
TARGET = re.compile(
    r"^target=(?P<name>'[^']+'|\"[^\"]+\") measured=\S+( \w+)? limit=.+ "
    r"status=(?P<status>met|missed|not run)$"
)
EXPECTED = {
    "build_articles_per_s",
    "build_s_vs_whoosh_loop",
    "html_ms_per_page",
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
@pytest.mark.skipif(
    not AEB.is_dir(), reason=f"HTML pages (article-extraction-benchmark) not at {AEB}"
)
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
    lines = [line for line in out.stdout.splitlines() if line.startswith("metric=")]
    targets = [TARGET.match(line) for line in out.stdout.splitlines() if line.startswith("target=")]
    assert len(targets) == 7 and all(targets), out.stdout[-2000:]
    # A --quick run has only its one small size: the 100k targets say they were not run.
    assert [t["status"] for t in targets][-2:] == ["not run", "not run"]
    assert all(t["status"] != "not run" for t in targets[:-2])
    parsed = [LINE.match(line) for line in lines]
    assert all(parsed), [line for line, m in zip(lines, parsed, strict=True) if not m]
    metrics = {m["metric"] for m in parsed}
    assert EXPECTED <= metrics, EXPECTED - metrics
    assert all(m["size"] in ("0", "200") and m["ours"] != "na" for m in parsed)  # QUICK_SIZE
    # No request failed under load, on either server.
    errors = next(m for m in parsed if m["metric"] == "http_search_errors")
    assert float(errors["ours"]) == 0 and float(errors["base"]) == 0
    table = (tmp_path / "table.md").read_text()
    assert "| build_articles_per_s |" in table and "| target | measured | limit | met? |" in table
