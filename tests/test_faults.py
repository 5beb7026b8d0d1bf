"""Faults in the corpus and the index: reported, survived, and recovered from.

Also data safety: no command modifies the corpus, and the index folder only changes
through the atomic publish.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from searchapp import create_app
from searchapp.build import rebuild_index
from searchapp.cli import EXIT_SKIPPED, main
from searchapp.engine import live_index
from searchapp.engine.search import SearchRequest, search
from searchapp.ingest import load

from .conftest import SHIPPED_CORPUS, make_corpus
from .server_helpers import (
    SEARCHAPP,
    get_json,
    keep_first,
    run_cli,
    serve_process,
    tree_hashes,
    write_articles,
)

GOOD = {
    f"good{i}": f"The harbour council approved budget number {i} for the new ferry terminal "
    "after a long debate about dredging, parking and the summer timetable."
    for i in range(3)
}


# ------------------------------------------------------------------------------ corpus faults


@pytest.fixture
def faulty(tmp_path) -> Path:
    corpus = make_corpus(
        tmp_path,
        {
            **GOOD,
            "binary.txt": bytes(range(256)) * 40,
            "empty.txt": b"",
            "invalid.txt": b"Caf\xe9 \xff\xfe\xfa\xfb\xfc\x80\x81 " * 3 + b"\xc3\x28\xa0\xa1",
            "broken.html": "<html><body><div><p>The ferry company announced new summer "
            "timetables for every island route on <b>Monday, with more sailings at dawn "
            "and later returns in the evening for day visitors.<p>Tickets go on sale in May.",
            "tagsoup.html": "<html><head><title>Untitled</ti",
            "badjson.txt": "The orchard cooperative reported a record apple harvest this autumn.",
            "badjson.json": b'{"title": "Apples", ',
            "vanishes.txt": "The museum reopened its maritime gallery after a long renovation.",
            "unreadable.txt": "The lighthouse keeper retired after forty years on the cape.",
        },
    )
    with open(corpus / "huge.txt", "wb") as handle:  # 50 MB, sparse: quick to make
        handle.truncate(50 * 1024 * 1024)
    return corpus


def test_corpus_faults_are_reported_counted_and_the_rest_indexed(faulty, tmp_path, monkeypatch):
    """Every kind of bad file, including one that vanishes and one unreadable mid-rebuild."""
    real_scan, real_read = load.scan_corpus, load._read_inside

    def listing_then_vanish(corpus_dir, exclude=()):
        found = real_scan(corpus_dir, exclude)
        (corpus_dir / "vanishes.txt").unlink()  # gone between listing and reading
        return found

    def read_inside(path, root, limit):
        if path.name == "unreadable.txt":  # tests run as root: chmod 000 would not block
            raise PermissionError(13, "Permission denied", str(path))
        return real_read(path, root, limit)

    monkeypatch.setattr(load, "scan_corpus", listing_then_vanish)
    monkeypatch.setattr(load, "_read_inside", read_inside)
    index = tmp_path / "index"
    result = CliRunner().invoke(
        main, ["rebuild-index", "--corpus", str(faulty), "--index", str(index)]
    )
    assert result.exit_code == EXIT_SKIPPED, result.output
    reasons = {
        line.removeprefix("skipped ").split(": ", 1)[0].rsplit("/", 1)[-1]: line.split(": ", 1)[1]
        for line in result.stderr.splitlines()
        if line.startswith("skipped ")
    }
    expected = {
        "binary.txt": "binary",
        "empty.txt": "empty",
        "invalid.txt": "UTF-8",
        "tagsoup.html": "no article text",
        "badjson.txt": "badjson.json",
        "vanishes.txt": "cannot read",
        "unreadable.txt": "Permission denied",
        "huge.txt": "50 MB",
    }
    for name, reason in expected.items():
        assert reason in reasons.get(name, ""), (name, reasons)
    for line in result.stderr.splitlines():  # every reason comes with the file's path
        if line.startswith("skipped "):
            path = line.removeprefix("skipped ").split(": ", 1)[0]
            assert (faulty / path).name in expected, line
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith(f"{len(GOOD) + 1} articles indexed, {len(expected)} skipped")
    app = create_app({"INDEX_DIR": str(index)})
    try:
        client = app.test_client()
        ids = {
            hit["id"]
            for hit in client.get("/api/search?per_page=100&collapse=false").get_json()["results"]
        }
        assert ids == set(GOOD) | {"broken"}
    finally:
        app.extensions["searchapp.live"].close()


def test_the_cli_process_exits_3_when_files_are_skipped(faulty, tmp_path):
    done = run_cli("rebuild-index", "--corpus", str(faulty), "--index", str(tmp_path / "ix"))
    assert done.returncode == 3, done.stderr
    assert "skipped" in done.stderr and "huge.txt" in done.stderr
    clean = make_corpus(tmp_path / "clean", GOOD)
    done = run_cli("rebuild-index", "--corpus", str(clean), "--index", str(tmp_path / "ix2"))
    assert done.returncode == 0, done.stderr


# ------------------------------------------------------------------------------- index faults


def test_no_index_is_a_503_naming_the_command(tmp_path):
    app = create_app({"INDEX_DIR": str(tmp_path / "nothing"), "CORPUS_DIR": str(tmp_path)})
    client = app.test_client()
    for path in ("/api/search?q=x", "/api/articles/x", "/api/articles/x/related"):
        response = client.get(path)
        assert response.status_code == 503
        assert response.mimetype == "application/problem+json"
        assert "searchapp rebuild-index" in response.get_json()["detail"]
    for path in ("/", "/search?q=x", "/articles/x"):
        response = client.get(path)
        assert response.status_code == 503
        assert "searchapp rebuild-index" in response.get_data(as_text=True)
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json()["status"] == "unavailable"


def _generation(index: Path) -> str:
    return (index / "CURRENT").read_text().strip()


@pytest.mark.slow
def test_a_rebuild_killed_half_way_leaves_the_old_index_serving(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_articles(corpus, list(range(5)), "vmarkold")
    rebuild_index(corpus, index)
    before = _generation(index)
    # Enough articles that the build takes several seconds even on a fast, idle machine.
    write_articles(corpus, list(range(2000)), "vmarknew", seed=1)
    process = subprocess.Popen(
        [SEARCHAPP, "rebuild-index", "--corpus", str(corpus), "--index", str(index)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not list(index.glob(".building-*")) and time.monotonic() < deadline:
            assert process.poll() is None, "the rebuild finished before it could be killed"
            time.sleep(0.05)
        time.sleep(0.3)  # into the build, well before it could publish
        assert process.poll() is None, "the rebuild finished before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
        time.sleep(0.5)  # pool workers notice their parent is gone
        try:  # any pool worker left in the session this test started
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert process.returncode == -signal.SIGKILL
    assert _generation(index) == before
    assert list(index.glob(".building-*")), "the killed build left nothing to clean up"
    app = create_app({"INDEX_DIR": str(index)})
    try:
        data = app.test_client().get("/api/search?q=vmarkold&per_page=100").get_json()
        assert data["total"] == 5
        assert app.test_client().get("/api/search?q=vmarknew").get_json()["total"] == 0
    finally:
        app.extensions["searchapp.live"].close()
    keep_first(corpus, 10)
    done = run_cli("rebuild-index", "--corpus", str(corpus), "--index", str(index), "--incremental")
    assert done.returncode == 0, done.stderr  # the lock died with the process
    assert not list(index.glob(".building-*"))
    assert _generation(index) != before
    assert sorted(p.name for p in index.iterdir() if not p.name.startswith("gen-")) == [
        ".rebuild.lock", "CURRENT",
    ]  # fmt: skip


def _damage(index: Path, suffix: str, mode: str) -> Path:
    target = next((index / _generation(index)).glob("*" + suffix))
    data = target.read_bytes()
    if mode == "truncate":
        target.write_bytes(data[: len(data) // 2])
    else:  # same size, every byte flipped
        target.write_bytes(bytes(b ^ 0x5A for b in data))
    return target


DAMAGE = [
    (".pst", "truncate"), (".pst", "garbage"), (".trm", "truncate"), (".trm", "garbage"),
    (".toc", "truncate"), (".toc", "garbage"), ("_stored.col", "truncate"),
    ("_stored.col", "garbage"), ("_text_len.col", "truncate"), ("id.col", "garbage"),
]  # fmt: skip


# An incremental rebuild notices every kind (the manifest's sizes and checksums), says so and
# rebuilds in full rather than copy the damage into the next generation.
CASES = [(s, m, False) for s, m in DAMAGE] + [
    (s, m, True) for s, m in DAMAGE if m == "garbage" or s in (".trm", "_stored.col")
]


def _flip_in_place(index: Path, suffix: str) -> Path:
    """Eight bytes in the middle of a file inverted, its size and mtime kept: Whoosh reads
    such a postings file without complaint (searches 200, /healthz ok before checksums)."""
    target = max((index / _generation(index)).glob("*" + suffix), key=lambda p: p.stat().st_size)
    before = target.stat()
    data = bytearray(target.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8] = bytes(b ^ 0xFF for b in data[middle : middle + 8])
    target.write_bytes(bytes(data))
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    return target


@pytest.fixture(scope="module")
def pristine_index(tmp_path_factory) -> Path:
    """The shipped corpus built once; each damage case breaks its own copy."""
    index = tmp_path_factory.mktemp("pristine") / "index"
    rebuild_index(SHIPPED_CORPUS, index)
    return index


# Whoosh leaves the handles of a segment it failed to open to the garbage collector.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.parametrize("suffix, mode, incremental", CASES)
def test_a_damaged_segment_is_a_503_and_a_rebuild_recovers(
    tmp_path, pristine_index, suffix, mode, incremental
):
    index = tmp_path / "index"
    shutil.copytree(pristine_index, index)
    _damage(index, suffix, mode)
    app = create_app({"INDEX_DIR": str(index)})  # creating the app never opens the index
    client = app.test_client()
    try:
        statuses = {}
        article = "000_0094f72c2f52c878"
        for path in (
            "/api/search?q=Lavrov",
            "/search?q=Lavrov",
            f"/articles/{article}",
            f"/api/articles/{article}/related",
            "/api/search?sort=date",
        ):
            response = client.get(path)
            statuses[path] = response.status_code
            assert response.status_code == 503, (path, response.status_code)
            text = response.get_data(as_text=True)
            assert "damaged" in text and "searchapp rebuild-index" in text
        args = ["--incremental"] if incremental else []
        corpus = str(SHIPPED_CORPUS)
        # In this process (the command's own code, 1 s less per case than a subprocess);
        # the server-side cases below run it as a separate process.
        done = CliRunner().invoke(
            main, ["rebuild-index", "--corpus", corpus, "--index", str(index), *args]
        )
        assert done.exit_code == 0, done.output
        if incremental:
            assert "not incremental: the live index is damaged" in done.stderr
            assert "rebuilt it in full" in done.stderr
        for path in statuses:
            response = client.get(path)
            assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
    finally:
        app.extensions["searchapp.live"].close()


def test_a_server_started_on_a_damaged_index_answers_503_then_recovers(tmp_path):
    index = tmp_path / "index"
    rebuild_index(SHIPPED_CORPUS, index)
    _flip_in_place(index, ".pst")
    with serve_process(SHIPPED_CORPUS, index, workers=1, threads=2) as server:
        status, body = get_json(server.base + "/api/search?q=Lavrov")
        assert status == 503 and "damaged" in body["detail"]
        status, body = get_json(server.base + "/healthz")
        assert status == 503 and "searchapp rebuild-index" in body["detail"]
        done = run_cli("rebuild-index", "--corpus", str(SHIPPED_CORPUS), "--index", str(index))
        assert done.returncode == 0, done.stderr
        status, body = get_json(server.base + "/api/search?q=Lavrov")
        assert status == 200 and body["total"] == 5
        assert server.process.poll() is None


def test_bytes_changed_in_place_are_a_503_and_incremental_rebuilds_in_full(tmp_path):
    """Before: corruption that kept the file sizes gave silently wrong results, and
    --incremental copied it into the next generation and exited 0."""
    index = tmp_path / "index"
    rebuild_index(SHIPPED_CORPUS, index)
    damaged = _generation(index)
    _flip_in_place(index, ".pst")
    app = create_app({"INDEX_DIR": str(index)})
    client = app.test_client()
    try:
        health = client.get("/healthz")
        assert health.status_code == 503 and "has changed since it was built" in health.text
        for path in ("/api/search?q=Lavrov", "/search?q=Lavrov", "/api/search?sort=date"):
            response = client.get(path)
            assert response.status_code == 503 and "damaged" in response.text, path
        corpus = str(SHIPPED_CORPUS)
        done = run_cli("rebuild-index", "--corpus", corpus, "--index", str(index), "--incremental")
        assert done.returncode == 0, done.stderr
        assert "not incremental: the live index is damaged" in done.stderr
        assert _generation(index) != damaged
        assert client.get("/healthz").status_code == 200
        assert client.get("/api/search?q=Lavrov").get_json()["total"] == 5
    finally:
        app.extensions["searchapp.live"].close()


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.parametrize("damage", ["truncate", "same size"])
def test_damage_to_an_open_index_is_seen_by_healthz_and_searches_answer_503(tmp_path, damage):
    """Before: a stored-fields file truncated under a running server gave 500s on searches
    while /healthz, which only opened the index, said ok."""
    index = tmp_path / "index"
    rebuild_index(SHIPPED_CORPUS, index)
    app = create_app({"INDEX_DIR": str(index)})
    client = app.test_client()
    try:
        assert client.get("/healthz").get_json()["status"] == "ok"
        assert client.get("/api/search?q=Lavrov").status_code == 200  # opened and read
        stored = next((index / _generation(index)).glob("*_stored.col"))
        data = stored.read_bytes()
        stored.write_bytes(data[:100] if damage == "truncate" else bytes(b ^ 1 for b in data))
        health = client.get("/healthz")
        assert health.status_code == 503 and "damaged" in health.get_json()["detail"]
        for path in ("/api/search?q=Lavrov&per_page=11", "/search?q=Lavrov&per_page=11"):
            assert client.get(path).status_code == 503, path
    finally:
        app.extensions["searchapp.live"].close()


def test_searches_alone_notice_a_file_changed_under_them(tmp_path, monkeypatch):
    index = tmp_path / "index"
    rebuild_index(SHIPPED_CORPUS, index)
    monkeypatch.setattr(live_index, "RECHECK_SECONDS", 0.0)  # look again on every search
    app = create_app({"INDEX_DIR": str(index)})
    client = app.test_client()
    try:
        assert client.get("/api/search?q=Lavrov").status_code == 200
        postings = next((index / _generation(index)).glob("*.pst"))
        postings.write_bytes(bytes(b ^ 1 for b in postings.read_bytes()))
        response = client.get("/api/search?q=Lavrov&per_page=11")
        assert response.status_code == 503 and "has changed" in response.get_json()["detail"]
    finally:
        app.extensions["searchapp.live"].close()


def test_a_current_pointer_that_is_not_utf8_is_a_503_everywhere(tmp_path):
    index = tmp_path / "index"
    rebuild_index(SHIPPED_CORPUS, index)
    (index / "CURRENT").write_bytes(b"gen-\xff\xfe")
    app = create_app({"INDEX_DIR": str(index)})
    client = app.test_client()
    try:
        for path in ("/", "/search?q=x", "/api/search?q=x", "/articles/x", "/healthz"):
            response = client.get(path)
            assert response.status_code == 503, (path, response.status_code)
    finally:
        app.extensions["searchapp.live"].close()


# -------------------------------------------------------------------------------- data safety


def test_no_command_modifies_the_corpus_and_the_index_changes_only_by_publish(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SHIPPED_CORPUS, corpus)
    make_corpus(tmp_path, {"side": "The ferry to the island ran late on Sunday.",
                           "side.json": {"title": "Late ferry", "outlet": "Harbour News"},
                           "bad.txt": b"\x00\x01binary"})  # fmt: skip
    os.utime(corpus / "side.txt", (1_000_000_000, 1_000_000_000))
    before = tree_hashes(corpus)
    mtimes = {p: p.stat().st_mtime_ns for p in corpus.iterdir()}
    index = tmp_path / "index"
    assert run_cli("rebuild-index", "--corpus", str(corpus), "--index", str(index)).returncode == 3
    first = _generation(index)
    first_files = tree_hashes(index / first)
    (corpus / "side.txt").write_text("The ferry to the island ran on time on Monday.")
    before = tree_hashes(corpus)
    mtimes = {p: p.stat().st_mtime_ns for p in corpus.iterdir()}
    done = run_cli("rebuild-index", "--corpus", str(corpus), "--index", str(index), "--incremental")
    assert done.returncode == 3
    assert tree_hashes(index / first) == first_files  # the old generation was not touched
    assert _generation(index) != first
    assert run_cli("inspect", "000_0094f72c2f52c878", "--corpus", str(corpus)).returncode == 0
    live_files = tree_hashes(index)
    with serve_process(corpus, index, workers=1, threads=2) as server:
        for path in ("/search?q=ferry", "/api/search?q=Lavrov", "/articles/side", "/"):
            urlopen_ok(server.base + path)
    live_files.pop(".rebuild.lock", None)
    after = tree_hashes(index)
    after.pop(".rebuild.lock", None)
    assert after == live_files  # serving reads the index, never writes it
    assert tree_hashes(corpus) == before
    assert {p: p.stat().st_mtime_ns for p in corpus.iterdir()} == mtimes
    assert sorted(p.name for p in index.iterdir() if not p.name.startswith("gen-")) == [
        ".rebuild.lock", "CURRENT",
    ]  # fmt: skip


def urlopen_ok(url: str) -> None:
    import urllib.request

    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        response.read()


def test_search_sees_only_published_generations(tmp_path, open_live):
    """Publishing is a rename of a finished folder: the pointer never names a partial build."""
    corpus = make_corpus(tmp_path, GOOD)
    index = tmp_path / "index"
    rebuild_index(corpus, index)
    live = open_live(index)
    seen = set()
    for round_ in range(3):
        if round_ == 1:  # an incremental build with something to do publishes too
            (corpus / "good1.txt").write_text(GOOD["good1"] + " Dredging starts in May.")
        rebuild_index(corpus, index, incremental=bool(round_ % 2))
        name = _generation(index)
        assert name.startswith("gen-") and (index / name / "build.json").is_file()
        assert search(live, SearchRequest(q="harbour", collapse=False)).total == len(GOOD)
        seen.add(name)
    assert len(seen) == 3
