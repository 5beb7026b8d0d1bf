"""rebuild_index(): atomic publish, one rebuild at a time, incremental updates, pruning."""

from __future__ import annotations

import threading

import pytest

from searchapp import build, store
from searchapp.build import BuildError, rebuild_index
from searchapp.engine import writing
from searchapp.engine.search import SearchRequest, search
from tests.conftest import make_corpus

ARTICLES = {
    "a": "The lighthouse on the northern cape was repainted by volunteers over the weekend.",
    "b": "Orchard owners expect a smaller apple crop after the late frost in April.",
    "c": "The city council voted to extend the tram line to the new hospital campus.",
}


def ids(live, q: str) -> set[str]:
    return {hit.id for hit in search(live, SearchRequest(q=q, per_page=100)).hits}


def generations(index_dir) -> list[str]:
    return sorted(p.name for p in index_dir.glob(store.GEN_PREFIX + "*"))


def leftovers(index_dir) -> list[str]:
    return [p.name for p in index_dir.glob(store.BUILD_PREFIX + "*")]


def test_full_build_summary(tmp_path):
    corpus = make_corpus(tmp_path, ARTICLES)
    calls = []
    summary = rebuild_index(corpus, tmp_path / "index", progress=lambda d, t: calls.append((d, t)))
    assert (summary.indexed, summary.updated, summary.deleted) == (3, 3, 0)
    assert summary.skipped == ()
    assert calls == [(1, 3), (2, 3), (3, 3)]
    assert store.current_generation(tmp_path / "index") == summary.generation
    assert summary.line().startswith("3 articles indexed, 0 skipped")


def test_a_failed_build_leaves_the_previous_index_serving(tmp_path, open_live, monkeypatch):
    corpus = make_corpus(tmp_path, ARTICLES)
    index_dir = tmp_path / "index"
    first = rebuild_index(corpus, index_dir)
    live = open_live(index_dir)
    assert ids(live, "lighthouse") == {"a"}

    (corpus / "a.txt").write_text(
        "The ferry to the islands was cancelled because of high winds and heavy seas.",
        encoding="utf-8",
    )
    # A build that died earlier without cleaning up (killed process).
    (index_dir / f"{store.BUILD_PREFIX}999-1").mkdir()
    written = []

    def fail_on_second(article):
        written.append(article.id)
        if len(written) == 2:
            raise RuntimeError("disk full")
        return real_to_document(article)

    real_to_document = writing.to_document
    monkeypatch.setattr(writing, "to_document", fail_on_second)
    with pytest.raises(BuildError, match="disk full"):
        rebuild_index(corpus, index_dir)

    assert store.current_generation(index_dir) == first.generation
    assert generations(index_dir) == [first.generation]
    assert ids(live, "lighthouse") == {"a"}  # the old content still answers
    assert ids(live, "ferry") == set()
    assert leftovers(index_dir) == []  # the failed build cleaned up, the dead one went too

    monkeypatch.setattr(writing, "to_document", real_to_document)
    (index_dir / f"{store.BUILD_PREFIX}999-2").mkdir()
    second = rebuild_index(corpus, index_dir)
    assert leftovers(index_dir) == []
    assert ids(live, "ferry") == {"a"} and ids(live, "lighthouse") == set()
    assert search(live, SearchRequest(q="ferry")).generation == second.generation


def test_a_concurrent_rebuild_is_refused(tmp_path):
    corpus = make_corpus(tmp_path, ARTICLES)
    index_dir = tmp_path / "index"
    with store.rebuild_lock(index_dir):
        with pytest.raises(store.RebuildInProgressError):
            rebuild_index(corpus, index_dir)
        assert not (index_dir / store.POINTER).exists()
    rebuild_index(corpus, index_dir)  # the lock is released with the holder


def test_a_rebuild_in_another_thread_is_refused_while_one_runs(tmp_path, monkeypatch):
    corpus = make_corpus(tmp_path, ARTICLES)
    index_dir = tmp_path / "index"
    inside, release = threading.Event(), threading.Event()
    real_write = build._write

    def slow_write(*args):
        inside.set()
        release.wait(10)
        return real_write(*args)

    monkeypatch.setattr(build, "_write", slow_write)
    worker = threading.Thread(target=rebuild_index, args=(corpus, index_dir))
    worker.start()
    try:
        assert inside.wait(10)
        with pytest.raises(store.RebuildInProgressError):
            rebuild_index(corpus, index_dir)
    finally:
        release.set()
        worker.join(10)
    assert len(generations(index_dir)) == 1


def test_incremental_rebuild_touches_only_what_changed(tmp_path, open_live, monkeypatch):
    corpus = make_corpus(tmp_path, ARTICLES)
    index_dir = tmp_path / "index"
    rebuild_index(corpus, index_dir)
    live = open_live(index_dir)

    (corpus / "b.txt").write_text(
        "Orchard owners now expect a record pear harvest after a mild and sunny May.",
        encoding="utf-8",
    )
    (corpus / "c.txt").unlink()
    (corpus / "d.txt").write_text(
        "A new bakery opened beside the station and sold out of rye bread by noon.",
        encoding="utf-8",
    )
    cleaned = []
    real_build_article = build.build_article

    def spy(source, template_lines=frozenset()):
        cleaned.append(source.id)
        return real_build_article(source, template_lines)

    monkeypatch.setattr(build, "build_article", spy)
    summary = rebuild_index(corpus, index_dir, incremental=True)

    assert sorted(cleaned) == ["b", "d"]
    assert (summary.indexed, summary.updated, summary.deleted) == (3, 2, 1)
    assert "2 updated, 1 deleted" in summary.line()
    assert ids(live, "lighthouse") == {"a"}  # unchanged, still there
    assert ids(live, "pear") == {"b"} and ids(live, "apple frost") == set()
    assert ids(live, "tram") == set()  # deleted file, gone
    assert ids(live, "bakery") == {"d"}
    assert ids(live, "bakrey~") == {"d"}  # fuzzy terms work across segments
    assert search(live, SearchRequest()).total == 3  # no duplicates of b


def test_incremental_without_an_index_builds_everything(tmp_path):
    corpus = make_corpus(tmp_path, ARTICLES)
    summary = rebuild_index(corpus, tmp_path / "index", incremental=True)
    assert (summary.indexed, summary.updated) == (3, 3)


def test_incremental_with_nothing_changed_writes_nothing(tmp_path):
    corpus = make_corpus(tmp_path, ARTICLES)
    rebuild_index(corpus, tmp_path / "index")
    summary = rebuild_index(corpus, tmp_path / "index", incremental=True)
    assert (summary.indexed, summary.updated, summary.deleted) == (3, 0, 0)


def test_live_index_follows_a_new_generation_without_restart(tmp_path, open_live):
    corpus = make_corpus(tmp_path, ARTICLES)
    index_dir = tmp_path / "index"
    first = rebuild_index(corpus, index_dir)
    live = open_live(index_dir)
    page = search(live, SearchRequest(q="tram"))
    assert page.generation == first.generation and page.total == 1

    (corpus / "c.txt").unlink()
    second = rebuild_index(corpus, index_dir)
    page = search(live, SearchRequest(q="tram"))
    assert page.generation == second.generation and page.total == 0
    assert live.generation().stats.articles == 2


def test_prune_keeps_at_most_two_generations(tmp_path):
    corpus = make_corpus(tmp_path, ARTICLES)
    index_dir = tmp_path / "index"
    names = [rebuild_index(corpus, index_dir).generation for _ in range(4)]
    assert len(set(names)) == 4
    assert generations(index_dir) == sorted(names[-2:])
    assert store.current_generation(index_dir) == names[-1]


def test_searches_keep_answering_while_rebuilds_publish(tmp_path, open_live):
    corpus = make_corpus(tmp_path, ARTICLES)
    index_dir = tmp_path / "index"
    rebuild_index(corpus, index_dir)
    live = open_live(index_dir)
    errors: list[BaseException] = []
    totals: set[int] = set()
    stop = threading.Event()

    def searcher():
        try:
            while not stop.is_set():
                totals.add(search(live, SearchRequest(q="lighthouse OR tram")).total)
        except BaseException as error:  # any failure in a thread must fail the test
            errors.append(error)

    threads = [threading.Thread(target=searcher) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(4):
            rebuild_index(corpus, index_dir)
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)
    assert errors == []
    assert totals == {2}
    assert len(generations(index_dir)) == 2
