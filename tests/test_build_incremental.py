"""rebuild_index(incremental=True) with file stamps: which files are read, re-cleaned, deleted.

Files are dated an hour back before a build (`age`): a stamp taken within seconds of a
file's last write is not kept (see build.RECENT_NS), so a freshly written file is read again.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from pathlib import Path

import pytest

from searchapp import build, store
from searchapp.build import rebuild_index
from searchapp.engine.articles import get_article
from searchapp.engine.search import SearchRequest, search
from searchapp.ingest import load, pipeline
from tests.conftest import make_corpus

ARTICLES = {
    "a": "The lighthouse on the northern cape was repainted by volunteers over the weekend.",
    "b": "Orchard owners expect a smaller apple crop after the late frost in April.",
    "c": "The city council voted to extend the tram line to the new hospital campus.",
}
PEAR = "Orchard owners now expect a record pear harvest after a mild and sunny May."
# Short enough to count as a template line, and removed by no rule but the template one.
SHARED = "Harbour Gazette readers get the morning edition before seven."


def age(corpus: Path) -> None:
    """Date every corpus file an hour back, as if written long before the build."""
    hour_ago = time.time_ns() - 3600 * 10**9
    for path in corpus.iterdir():
        os.utime(path, ns=(hour_ago, hour_ago))


def ids(live, q: str) -> set[str]:
    return {hit.id for hit in search(live, SearchRequest(q=q, per_page=100)).hits}


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """Names of the files whose bytes were read (articles and sidecars), in order."""
    names: list[str] = []
    real_read = load._read_inside

    def read_inside(path, root, limit):
        names.append(path.name)
        return real_read(path, root, limit)

    monkeypatch.setattr(load, "_read_inside", read_inside)
    return names


@pytest.fixture
def cleaned(monkeypatch) -> list[str]:
    """Ids of the articles cleaned (and so indexed) by the build."""
    ids_: list[str] = []
    real_build_article = build.build_article

    def spy(source, template_lines=frozenset()):
        ids_.append(source.id)
        return real_build_article(source, template_lines)

    monkeypatch.setattr(build, "build_article", spy)
    return ids_


@pytest.fixture
def built(tmp_path):
    """ARTICLES in a corpus dated an hour back, built once: (corpus, index_dir)."""
    corpus = make_corpus(tmp_path, ARTICLES)
    age(corpus)
    rebuild_index(corpus, tmp_path / "index")
    return corpus, tmp_path / "index"


def test_only_the_changed_file_is_read(built, reads, cleaned, monkeypatch, open_live):
    corpus, index_dir = built
    (corpus / "b.txt").write_text(PEAR, encoding="utf-8")
    read_source_calls: list[str] = []
    real_read_source = load.read_source

    def spy(path, corpus_dir, stamp=None):
        read_source_calls.append(path.name)
        return real_read_source(path, corpus_dir, stamp)

    monkeypatch.setattr(load, "read_source", spy)
    reads.clear()
    summary = rebuild_index(corpus, index_dir, incremental=True)

    assert read_source_calls == ["b.txt"] and reads == ["b.txt"]
    assert cleaned == ["b"]
    assert (summary.indexed, summary.updated, summary.deleted) == (3, 1, 0)
    live = open_live(index_dir)
    assert ids(live, "pear") == {"b"} and ids(live, "frost") == set()
    assert ids(live, "lighthouse") == {"a"} and ids(live, "tram") == {"c"}  # kept, unread


def test_same_bytes_with_a_new_mtime_is_read_but_not_reindexed(built, reads, cleaned):
    corpus, index_dir = built
    (corpus / "c.txt").write_text(ARTICLES["c"], encoding="utf-8")  # same size, new mtime
    reads.clear()
    summary = rebuild_index(corpus, index_dir, incremental=True)
    assert reads == ["c.txt"]
    assert cleaned == []
    assert (summary.indexed, summary.updated, summary.deleted) == (3, 0, 0)


@pytest.mark.parametrize(
    ("before", "after", "title"),
    [
        ({"title": "Cape light repainted"}, {"title": "Volunteers repaint the cape light"}, None),
        # same size, only the mtime tells: "Cape light repainted" -> "Cape light repaintez"
        ({"title": "Cape light repainted"}, {"title": "Cape light repaintez"}, None),
        (None, {"title": "Cape light repainted"}, None),  # a sidecar added
        ({"title": "Cape light repainted"}, None, "The lighthouse"),  # a sidecar removed
    ],
)
def test_a_changed_sidecar_alone_reindexes_its_article(
    tmp_path, reads, cleaned, open_live, before, after, title
):
    corpus = make_corpus(tmp_path, ARTICLES | ({"a.json": before} if before else {}))
    age(corpus)
    index_dir = tmp_path / "index"
    rebuild_index(corpus, index_dir)
    sidecar = corpus / "a.json"
    if after:
        sidecar.write_text(json.dumps(after), encoding="utf-8")
    else:
        sidecar.unlink()
    reads.clear()
    cleaned.clear()
    summary = rebuild_index(corpus, index_dir, incremental=True)

    assert reads == (["a.txt", "a.json"] if after else ["a.txt"])
    assert cleaned == ["a"] and summary.updated == 1
    article = get_article(open_live(index_dir), "a")
    assert article.title.startswith(title or after["title"])


def test_a_deleted_file_is_removed_without_reading_the_rest(built, reads, cleaned, open_live):
    corpus, index_dir = built
    (corpus / "c.txt").unlink()
    reads.clear()
    summary = rebuild_index(corpus, index_dir, incremental=True)
    assert reads == [] and cleaned == []
    assert (summary.indexed, summary.updated, summary.deleted) == (2, 0, 1)
    live = open_live(index_dir)
    assert ids(live, "tram") == set() and ids(live, "lighthouse") == {"a"}
    assert search(live, SearchRequest()).total == 2


BAD_FILES = {
    "a.html": f"<html><body><p>{ARTICLES['a']}</p></body></html>",  # a.txt: a duplicate id
    "binary.txt": b"GIF89a\x00\x01\x00\x00\xff\xff\x00\x00 some text after",
    "tagsoup.html": "<html><head><title>Untitled</ti",  # no article text
}


def live_snapshot(index_dir: Path) -> store.CorpusSnapshot:
    return store.read_snapshot(index_dir, store.current_generation(index_dir))


def test_bad_and_duplicate_files_are_reported_on_every_build(tmp_path, reads):
    corpus = make_corpus(tmp_path, ARTICLES | BAD_FILES)
    age(corpus)
    index_dir = tmp_path / "index"
    builds = [rebuild_index(corpus, index_dir)]
    assert live_snapshot(index_dir).files.keys() == {"a.html", "b.txt", "c.txt"}
    reads.clear()
    builds.append(rebuild_index(corpus, index_dir, incremental=True))
    for summary in builds:
        reasons = {Path(s.path).name: s.reason for s in summary.skipped}
        assert reasons.keys() == {"a.txt", "binary.txt", "tagsoup.html"}
        assert "duplicate" in reasons["a.txt"] and "binary" in reasons["binary.txt"]
        assert "no article text" in reasons["tagsoup.html"]
    assert sorted(reads) == ["binary.txt", "tagsoup.html"]  # the good ones are not read again
    assert live_snapshot(index_dir).files.keys() == {"a.html", "b.txt", "c.txt"}


def test_a_stamp_for_an_article_the_index_lacks_is_ignored(tmp_path, reads):
    corpus = make_corpus(tmp_path, ARTICLES | BAD_FILES)
    age(corpus)
    index_dir = tmp_path / "index"
    rebuild_index(corpus, index_dir)
    snapshot = live_snapshot(index_dir)
    tagsoup = ("tagsoup", load.file_stamp(corpus / "tagsoup.html"))
    store.write_snapshot(
        index_dir / store.current_generation(index_dir),
        dataclasses.replace(snapshot, files=snapshot.files | {"tagsoup.html": tagsoup}),
    )
    _forget_manifest(index_dir)
    reads.clear()
    summary = rebuild_index(corpus, index_dir, incremental=True)
    assert sorted(reads) == ["binary.txt", "tagsoup.html"]
    assert "tagsoup.html" in {Path(s.path).name for s in summary.skipped}


def test_a_stamp_taken_right_after_a_write_is_not_trusted(tmp_path, reads, cleaned):
    corpus = make_corpus(tmp_path, ARTICLES)  # written just now: may change again unseen
    index_dir = tmp_path / "index"
    rebuild_index(corpus, index_dir)
    reads.clear()
    rebuild_index(corpus, index_dir, incremental=True)
    assert sorted(reads) == ["a.txt", "b.txt", "c.txt"]
    age(corpus)
    rebuild_index(corpus, index_dir, incremental=True)  # new stamps, old enough to keep
    reads.clear()
    rebuild_index(corpus, index_dir, incremental=True)
    assert reads == []
    assert cleaned == ["a", "b", "c"]  # by the first build only: the same bytes since


def test_nothing_changed_keeps_the_live_generation(tmp_path, open_live):
    """An incremental build that finds the live generation already holding the corpus as
    read publishes nothing; a new stamp or a new bad file is still recorded by a build."""
    # A file with nothing but boilerplate is cleaned, and skipped, on every build.
    corpus = make_corpus(tmp_path, {**ARTICLES, "empty": "Advertisement\n\nShare this story\n"})
    age(corpus)
    index_dir = tmp_path / "index"
    first = rebuild_index(corpus, index_dir)
    kept = rebuild_index(corpus, index_dir, incremental=True)
    assert [Path(f.path).name for f in kept.skipped] == ["empty.txt"]
    assert kept.unchanged and kept.generation == first.generation
    assert store.current_generation(index_dir) == first.generation
    assert len(list(index_dir.glob("gen-*"))) == 1
    assert (kept.indexed, kept.updated, kept.deleted) == (3, 0, 0)
    assert "nothing changed" in kept.line() and first.generation in kept.line()
    assert ids(open_live(index_dir), "lighthouse") == {"a"}
    (corpus / "c.txt").write_text(ARTICLES["c"], encoding="utf-8")  # same bytes, new stamp
    age(corpus)
    touched = rebuild_index(corpus, index_dir, incremental=True)
    assert not touched.unchanged and touched.generation != first.generation
    (corpus / "bad.txt").write_bytes(b"\x00\x01\x02" * 100)  # skipped: not text
    age(corpus)
    reported = rebuild_index(corpus, index_dir, incremental=True)
    assert not reported.unchanged and len(reported.skipped) == 2
    again = rebuild_index(corpus, index_dir, incremental=True)
    assert again.unchanged and again.generation == reported.generation
    assert len(again.skipped) == 2  # still reported on every build


def test_a_file_changed_while_read_is_read_again(built, monkeypatch, open_live):
    corpus, index_dir = built
    monkeypatch.setattr(build, "RECENT_NS", -(10**15))  # keep every stamp, however fresh
    (corpus / "b.txt").write_text(PEAR, encoding="utf-8")
    real_read = load._read_inside

    def read_then_written(path, root, limit):
        data = real_read(path, root, limit)
        if path.name == "b.txt":  # an editor saves just after the build read the file
            path.write_text(PEAR + " Prices fell.", encoding="utf-8")
        return data

    monkeypatch.setattr(load, "_read_inside", read_then_written)
    rebuild_index(corpus, index_dir, incremental=True)
    monkeypatch.setattr(load, "_read_inside", real_read)
    live = open_live(index_dir)
    assert ids(live, "prices") == set()  # this build indexed what it read
    summary = rebuild_index(corpus, index_dir, incremental=True)
    assert summary.updated == 1 and ids(live, "prices") == {"b"}


def _replace_snapshot(index_dir: Path, replacement: str | None) -> None:
    """Make the live generation look like one built before snapshots (or with a bad one)."""
    gen = index_dir / store.current_generation(index_dir)
    if replacement is None:
        (gen / store.SNAPSHOT).unlink()
    else:
        (gen / store.SNAPSHOT).write_text(replacement, encoding="utf-8")
    _forget_manifest(index_dir)


def _forget_manifest(index_dir: Path) -> None:
    """Drop the live generation's file sizes, as a build before manifests: no check to trip."""
    info_path = index_dir / store.current_generation(index_dir) / store.BUILD_INFO
    info = json.loads(info_path.read_text(encoding="utf-8"))
    del info[store.MANIFEST]
    info_path.write_text(json.dumps(info), encoding="utf-8")


def _snapshot_record(corpus: Path, files: object) -> str:
    return json.dumps(
        {
            "format": store.SNAPSHOT_FORMAT,
            "corpus": str(corpus.resolve()),
            "pipeline": pipeline.PIPELINE_VERSION,
            "template_lines": [],
            "files": files,
        }
    )


@pytest.mark.parametrize(
    "replacement",
    [
        lambda corpus: None,  # built before snapshots
        lambda corpus: "{not json",
        lambda corpus: "[]",
        lambda corpus: json.dumps({"format": 0, "files": {}}),  # an older format
        lambda corpus: _snapshot_record(corpus, {"a.txt": 5}),  # a file without id and stamp
        lambda corpus: _snapshot_record(corpus, ["a.txt"]),
    ],
)
def test_without_a_usable_snapshot_every_file_is_read(built, reads, cleaned, replacement):
    corpus, index_dir = built
    _replace_snapshot(index_dir, replacement(corpus))
    (corpus / "b.txt").write_text(PEAR, encoding="utf-8")
    age(corpus)
    reads.clear()
    summary = rebuild_index(corpus, index_dir, incremental=True)
    assert sorted(reads) == ["a.txt", "b.txt", "c.txt"]
    assert cleaned == ["b"]  # the content hashes still tell what changed
    assert (summary.indexed, summary.updated, summary.deleted) == (3, 1, 0)
    reads.clear()
    rebuild_index(corpus, index_dir, incremental=True)  # and the next build has stamps again
    assert reads == []


def test_a_new_cleaning_pipeline_rereads_and_recleans_everything(
    built, reads, cleaned, monkeypatch
):
    corpus, index_dir = built
    monkeypatch.setattr(pipeline, "PIPELINE_VERSION", pipeline.PIPELINE_VERSION + "-next")
    monkeypatch.setattr(build, "PIPELINE_VERSION", pipeline.PIPELINE_VERSION)
    reads.clear()
    summary = rebuild_index(corpus, index_dir, incremental=True)
    assert sorted(reads) == ["a.txt", "b.txt", "c.txt"]
    assert sorted(cleaned) == ["a", "b", "c"] and summary.updated == 3


def test_another_corpus_folder_is_read_in_full(built, tmp_path, reads):
    corpus, index_dir = built
    other = tmp_path / "other"
    corpus.rename(other)  # same files, same stamps, another folder
    reads.clear()
    summary = rebuild_index(other, index_dir, incremental=True)
    assert sorted(reads) == ["a.txt", "b.txt", "c.txt"] and summary.updated == 0


def story(i: int) -> str:
    return f"Report {i} from the harbour.\n\nThe council met on day {i} to discuss berth {i}."


def test_an_added_article_is_cleaned_with_the_last_builds_template_lines(tmp_path, open_live):
    corpus = make_corpus(tmp_path, {f"s{i}": f"{story(i)}\n\n{SHARED}" for i in range(4)})
    age(corpus)
    index_dir = tmp_path / "index"
    first = rebuild_index(corpus, index_dir)
    assert first.removed_blocks == 4  # SHARED, once per story
    make_corpus(tmp_path, {"new": f"{story(9)}\n\n{SHARED}"})
    summary = rebuild_index(corpus, index_dir, incremental=True)
    assert summary.updated == 1 and summary.removed_blocks == 1
    assert "Gazette" not in get_article(open_live(index_dir), "new").text


def test_a_line_shared_by_a_few_changed_articles_is_not_template(tmp_path, open_live):
    # 2% of 160 stories is 4: three stories sharing a line is not a page template.
    corpus = make_corpus(tmp_path, {f"s{i}": story(i) for i in range(160)})
    age(corpus)
    index_dir = tmp_path / "index"
    rebuild_index(corpus, index_dir, procs=1)
    make_corpus(tmp_path, {f"s{i}": f"{story(i)}\n\n{SHARED}" for i in range(3)})
    summary = rebuild_index(corpus, index_dir, incremental=True, procs=1)
    assert summary.updated == 3 and summary.removed_blocks == 0
    live = open_live(index_dir)
    assert ids(live, "gazette") == {"s0", "s1", "s2"}
    assert "Gazette" in get_article(live, "s0").text


def test_a_line_on_several_pages_of_one_site_is_template(tmp_path, open_live):
    # Three stories in the gazette's folder share a line that is under 2% of the corpus.
    corpus = make_corpus(tmp_path, {f"s{i}": story(i) for i in range(160)})
    (corpus / "gazette").mkdir()
    for i in range(3):
        (corpus / "gazette" / f"g{i}.txt").write_text(f"{story(i)}\n\n{SHARED}", encoding="utf-8")
    summary = rebuild_index(corpus, tmp_path / "index", procs=1)
    assert summary.removed_blocks == 3
    live = open_live(tmp_path / "index")
    assert ids(live, "gazette") == set()  # the folder name is not searched; the line is gone
