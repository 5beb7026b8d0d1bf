"""The corpus watcher: added, changed and deleted files reach the index within seconds."""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

import pytest

from searchapp import engine
from searchapp.model import SearchRequest
from searchapp.store import current_generation
from searchapp.watch import is_corpus_file, watch_corpus

from .conftest import make_corpus
from .server_helpers import SEARCHAPP, children, free_port, get_json, stop

SETTLE_SECONDS = 30  # generous on a busy 2-core machine; a change usually shows in ~2 s
QUIET_MS = 300  # shorter than the default second, so the tests wait less


@pytest.mark.parametrize(
    ("name", "watched"),
    [
        ("story.txt", True),
        ("story.HTML", True),
        ("story.htm", True),
        ("story.json", True),  # a sidecar
        (".story.txt", False),  # hidden: rsync's temporary name
        (".story.txt.a1B2c3", False),
        ("story.txt.part", False),  # still downloading
        ("story.txt.crdownload", False),
        ("story.txt~", False),  # an editor's backup
        ("~story.txt", False),
        ("story.pdf", False),
        ("sub/story.txt", True),
    ],
)
def test_which_files_count(name, watched):
    assert is_corpus_file(f"/corpus/{name}") is watched


class Watcher:
    """watch_corpus in a thread, with its report lines kept for the test to read."""

    def __init__(self, corpus: Path, index_dir: Path) -> None:
        self.lines: list[str] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(
            target=watch_corpus,
            args=(corpus, index_dir, self.lines.append),
            kwargs={"stop": self.stop, "quiet_ms": QUIET_MS},
            daemon=True,
        )

    def builds(self) -> int:
        return sum(1 for line in self.lines if "articles indexed" in line)

    def wait_for_builds(self, count: int) -> None:
        deadline = time.monotonic() + SETTLE_SECONDS
        while self.builds() < count:
            assert time.monotonic() < deadline, f"no build {count} in time: {self.lines}"
            time.sleep(0.05)

    def wait_until_watching(self) -> None:
        deadline = time.monotonic() + SETTLE_SECONDS
        while not any(line.startswith("Watching") for line in self.lines):
            assert time.monotonic() < deadline, self.lines
            time.sleep(0.05)
        time.sleep(0.3)  # the notify backend starts right after the line


@pytest.fixture
def watching(tmp_path, open_live):
    corpus = make_corpus(tmp_path, {"first": "Harbour opens\n\nThe harbour opened today.\n"})
    index_dir = tmp_path / "index"
    watcher = Watcher(corpus, index_dir)
    watcher.thread.start()
    watcher.wait_until_watching()
    yield corpus, watcher, open_live(index_dir)
    watcher.stop.set()
    watcher.thread.join(timeout=SETTLE_SECONDS)
    assert not watcher.thread.is_alive()
    assert watcher.lines[-1].startswith("Stopped watching")


def ids(live, q: str) -> list[str]:
    return sorted(hit.id for hit in engine.search(live, SearchRequest(q=q)).hits)


def test_add_change_delete_reach_the_index(watching):
    corpus, watcher, live = watching
    assert watcher.builds() == 1 and ids(live, "harbour") == ["first"]

    started = time.monotonic()
    (corpus / "second.txt").write_text("Ferry news\n\nThe ferry sails at noon.\n", "utf-8")
    watcher.wait_for_builds(2)
    assert ids(live, "ferry") == ["second"]
    added_after = time.monotonic() - started

    (corpus / "first.txt").write_text("Harbour closes\n\nThe harbour closed: storms.\n", "utf-8")
    watcher.wait_for_builds(3)
    assert ids(live, "storms") == ["first"]

    (corpus / "second.txt").unlink()
    watcher.wait_for_builds(4)
    assert ids(live, "ferry") == []
    assert "1 deleted" in watcher.lines[-1]
    print(f"an added file was searchable {added_after:.1f} s after it was written")


def test_a_thousand_copied_files_are_one_build(watching):
    corpus, watcher, live = watching
    generation = current_generation(live.index_dir)
    for n in range(1000):
        text = f"Bulletin {n}\n\nThe council bulletin number {n} was copied in.\n"
        (corpus / f"copied-{n:04d}.txt").write_text(text, "utf-8")
    watcher.wait_for_builds(2)
    time.sleep(QUIET_MS / 1000 * 4)  # a second build would start within this
    assert watcher.builds() == 2, watcher.lines
    assert current_generation(live.index_dir) != generation
    assert engine.search(live, SearchRequest(q="bulletin")).total == 1000


def test_partial_writes_are_ignored_until_the_file_is_whole(watching):
    corpus, watcher, live = watching
    partial = corpus / "late.txt.part"
    hidden = corpus / ".late.txt.tmp1234"
    with partial.open("w", encoding="utf-8") as out, hidden.open("w", encoding="utf-8") as tmp:
        for chunk in ("Late news\n\n", "The late ", "edition ", "arrived.\n"):
            out.write(chunk)
            tmp.write(chunk)
            out.flush()
            tmp.flush()
            time.sleep(QUIET_MS / 1000 * 1.5)  # longer than the quiet period each time
    time.sleep(QUIET_MS / 1000 * 3)
    assert watcher.builds() == 1, watcher.lines  # nothing was built from the halves
    hidden.unlink()
    partial.rename(corpus / "late.txt")  # how downloaders finish a file
    watcher.wait_for_builds(2)
    assert ids(live, "edition") == ["late"]
    assert watcher.builds() == 2


def test_serve_watch_serves_a_dropped_file_and_stops_the_watcher(tmp_path):
    corpus = make_corpus(tmp_path, {"first": "Harbour opens\n\nThe harbour opened today.\n"})
    port = free_port()
    command = [SEARCHAPP, "serve", "--watch", "--port", str(port), "--workers", "1"]
    command += ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: search_total(base, "harbour") == 1, tmp_path / "serve.log")
        watchers = [pid for pid in children(process.pid) if b"\x00watch\x00" in cmdline(pid)]
        assert len(watchers) == 1
        (corpus / "second.txt").write_text("Ferry news\n\nThe ferry sails at noon.\n", "utf-8")
        wait_for(lambda: search_total(base, "ferry") == 1, tmp_path / "serve.log")
    finally:
        stop(process)
        log.close()
    assert not Path(f"/proc/{watchers[0]}").exists() or b"\x00watch\x00" not in cmdline(watchers[0])
    assert "Watching" in (tmp_path / "serve.log").read_text()


def search_total(base: str, q: str) -> int | None:
    try:
        status, body = get_json(f"{base}/api/search?q={q}", timeout=5)
    except OSError:
        return None
    return body.get("total") if status == 200 else None


def cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def wait_for(condition, log: Path) -> None:
    deadline = time.monotonic() + 90  # startup includes the first build on a busy machine
    while not condition():
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)
