"""The extraction bench runs, prints parseable lines per set and method, and its text path
beats keeping everything."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "bench" / "extraction.py"
DATA = REPO.parent / "shared" / "data" / "article-extraction-benchmark"
LINE = re.compile(
    r"^set=(?P<set>\w+) lang=(?P<lang>\w+) method=(?P<name>\w+) "
    r"f1=(?P<f1>[\d.]+) precision=(?P<precision>[\d.]+) "
    r"recall=(?P<recall>[\d.]+) pages=(?P<pages>\d+)$"
)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=300
    )


def test_benchmark_on_ten_pages() -> None:
    if not (DATA / "ground-truth.json").is_file():
        pytest.skip(f"benchmark data not present at {DATA}")
    done = _run("--data", str(DATA), "--limit", "10", "--sets", "aeb")
    assert done.returncode == 0, done.stderr
    scores = {}
    for line in done.stdout.splitlines():
        m = LINE.match(line)
        assert m, line
        assert m["set"] == "aeb"
        if m["lang"] == "all":
            scores[m["name"]] = {k: float(m[k]) for k in ("f1", "precision", "recall")}
            assert m["pages"] == "10"
    baselines = {"trafilatura", "trafilatura_fast", "readability_lxml", "justext"}
    assert {"keep_everything", "text_path", "html_path", "html_pipeline"} | baselines <= set(scores)
    for metrics in scores.values():
        assert all(0.0 <= v <= 1.0 for v in metrics.values())
    assert scores["text_path"]["f1"] > scores["keep_everything"]["f1"]
    # Every method extracts something from real pages (a renamed field once scored the
    # indexed HTML path 0.000 on every page).
    assert all(metrics["recall"] > 0.5 for metrics in scores.values()), scores


def test_missing_data_is_reported(tmp_path: Path) -> None:
    done = _run("--data", str(tmp_path / "nowhere"))
    assert done.returncode == 2
    assert "benchmark data not found" in done.stdout


def test_dragnet_gold_stops_before_its_comments() -> None:
    sys.path.insert(0, str(REPO / "bench"))
    from extraction_sets import dragnet_main_text

    gold = "Headline\nThe story itself.\n!@#$%^&*()  COMMENTS\nAnn said...\nGreat post!\n"
    assert dragnet_main_text(gold) == "Headline\nThe story itself.\n"
    assert dragnet_main_text("No comments here.\n") == "No comments here.\n"


def test_a_utf16_gold_file_mangled_by_a_utf8_decoder_reads_again() -> None:
    sys.path.insert(0, str(REPO / "bench"))
    from extraction_sets import dragnet_gold

    text = "Café “open”\r\nby Ann"
    # What five Dragnet gold files hold: UTF-16LE whose bytes above 0x7F each became U+FFFD.
    mangled = ("\ufeff" + text).encode("utf-16-le").decode("utf-8", "replace").encode("utf-8")
    assert dragnet_gold(mangled) == "Caf? “open”\r\nby Ann"
    assert dragnet_gold("plain “UTF-8” gold".encode()) == "plain “UTF-8” gold"
