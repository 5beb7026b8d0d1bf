"""The engines benchmark's smoke run: a small Reuters run prints a row per engine and shards."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sphinx_helpers import need_searchd

REPO = Path(__file__).resolve().parent.parent
REUTERS = REPO.parent / "shared" / "data" / "reuters21578"
ROW = re.compile(
    r"^\| (?P<engine>whoosh|sphinxql) \| (?P<shards>-|\d) \| (?P<build>[\d.]+) \| [\d.]+ \| "
    r"[\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| (?P<agreement>[\d.]+) \| (?P<errors>\d+) \|$"
)


@pytest.mark.slow
@pytest.mark.skipif(not REUTERS.is_dir(), reason=f"Reuters-21578 data not found at {REUTERS}")
def test_small_run_prints_a_row_per_engine():
    need_searchd()
    out = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "sphinx_engines.py"),
            *("--limit", "30", "--queries", "10", "--rounds", "1", "--shards", "1,2"),
            "--skip-ranking",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    rows = [m for m in map(ROW.match, out.stdout.splitlines()) if m]
    assert [(m["engine"], m["shards"]) for m in rows] == [
        ("whoosh", "-"),
        ("sphinxql", "1"),
        ("sphinxql", "2"),
    ], out.stdout
    assert rows[0]["agreement"] == "1.0000"  # Whoosh against itself
    assert all(m["errors"] == "0" for m in rows), out.stdout
    # The same articles answer the same queries: the top tens mostly agree.
    assert all(float(m["agreement"]) > 0.8 for m in rows), out.stdout
    # And each cluster's agreement by query kind.
    kinds = [line for line in out.stdout.splitlines() if "vs whoosh by kind:" in line]
    assert len(kinds) == 2 and all("phrase" in line for line in kinds), out.stdout
