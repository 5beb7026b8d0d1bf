"""Writing the corpus into a real cluster: routing, swap, incremental, global IDF."""

from __future__ import annotations

import shutil

import pytest

from searchapp.engine.sphinxql import cluster, config
from searchapp.engine.sphinxql.documents import doc_id, shard_of
from searchapp.engine.sphinxql.writer import BuildError, read_meta, scan_live
from tests.conftest import SHIPPED_CORPUS, make_corpus
from tests.sphinx_helpers import build_cluster


def _ids_on(address, index):
    with cluster.connect(address) as conn, conn.cursor() as cursor:
        cursor.execute(f"SELECT article_id FROM {index} LIMIT 1000 OPTION max_matches=1000")
        return {row[0] for row in cursor.fetchall()}


def test_each_article_lands_on_the_shard_its_id_hashes_to(sphinx_shipped):
    layout = sphinx_shipped
    live = read_meta(cluster.node_address(layout.master))["live"]
    everything = set()
    for k, shard in enumerate(layout.shards):
        ids = _ids_on(cluster.node_address(shard), f"articles_{live}")
        assert all(shard_of(i, len(layout.shards)) == k for i in ids)
        everything |= ids
    assert everything == {p.stem for p in SHIPPED_CORPUS.glob("*.txt")}


def test_doc_ids_are_stable_and_positive():
    assert doc_id("a/b.html") == doc_id("a/b.html")
    assert doc_id("a/b.html") != doc_id("a/c.html")
    assert 0 < doc_id("x") < 2**63


def test_rebuild_fills_the_other_colour_and_swaps(tmp_path):
    from tests.sphinx_helpers import need_searchd, start_local_cluster, stop_local_cluster

    need_searchd()
    layout = start_local_cluster(tmp_path / "cluster")
    master = cluster.node_address(layout.master)
    try:
        corpus = make_corpus(
            tmp_path,
            {
                "one": "Ferry sinks\n\nA ferry sank near the port.",
                "two": "Vote count\n\nThe vote was counted twice.",
            },
        )
        first = build_cluster(corpus, layout)
        before = read_meta(master)
        assert first.indexed == 2 and before["info"]["global_idf"]
        (corpus / "two.txt").unlink()
        (corpus / "three.txt").write_text("Harbour news\n\nThe harbour reopened.")
        build_cluster(corpus, layout)
        after = read_meta(master)
        assert after["live"] != before["live"]
        assert set(scan_live(master, after["live"])) == {"one", "three"}
        # The previous colour is untouched until the next rebuild empties it.
        assert set(scan_live(master, before["live"])) == {"one", "two"}
        # Incremental: a changed file is replaced, a deleted one goes, by id.
        (corpus / "one.txt").write_text("Ferry sinks\n\nA ferry sank; all were rescued.")
        (corpus / "three.txt").unlink()
        summary = build_cluster(corpus, layout, incremental=True)
        assert (summary.updated, summary.deleted, summary.indexed) == (1, 1, 1)
        assert set(scan_live(master, after["live"])) == {"one"}
        assert read_meta(master)["live"] == after["live"]
        # Incremental with nothing changed: the live build and its meta row stay as they are.
        kept_meta = read_meta(master)
        kept = build_cluster(corpus, layout, incremental=True)
        assert kept.unchanged and kept.generation == kept_meta["generation"]
        assert (kept.updated, kept.deleted, kept.indexed) == (0, 0, 1)
        assert "nothing changed" in kept.line() and read_meta(master) == kept_meta
    finally:
        stop_local_cluster(layout)


def test_a_failed_rebuild_leaves_the_previous_build_live(tmp_path, sphinx_cluster):
    # A private copy of the layout whose idf folder is a file: the IDF step fails after
    # the new colour was filled, and the swap must not happen.
    master = cluster.node_address(sphinx_cluster.master)
    build_cluster(SHIPPED_CORPUS, sphinx_cluster)
    before = read_meta(master)
    idf_dir = sphinx_cluster.folder / "idf"
    shutil.move(idf_dir, tmp_path / "idf-saved")
    idf_dir.write_text("not a folder")
    try:
        with pytest.raises(BuildError):
            build_cluster(SHIPPED_CORPUS, sphinx_cluster)
    finally:
        idf_dir.unlink()
        shutil.move(tmp_path / "idf-saved", idf_dir)
    assert read_meta(master)["live"] == before["live"]
    assert len(scan_live(master, before["live"])) == 5
    assert config.COLOURS  # both colours still configured


def _probe_idf(address, index: str, word: str) -> float | None:
    """The IDF this shard ranks a one-word query with, or None when it holds no match."""
    from searchapp.engine.sphinxql.idf import IDF_PROBE

    with cluster.connect(address) as conn, conn.cursor() as cursor:
        cursor.execute(IDF_PROBE.format(index=index), (word,))
        rows = cursor.fetchall()
    return int(rows[0][1]) / 1_000_000 if rows else None


def _indexed_forms(corpus) -> list[str]:
    """The inflected word forms (not their stems) a build of `corpus` indexes."""
    from searchapp.build import clean_corpus
    from searchapp.engine.analysis import analyse_word
    from searchapp.engine.sphinxql.writer import CorpusTally, to_row
    from searchapp.model import SkippedFile

    tally = CorpusTally()
    for article in clean_corpus(corpus)[2]:
        if not isinstance(article, SkippedFile):
            row = to_row(article)
            tally.add(article, {**row, "shard": 0})
    return sorted(w for w in tally.words if analyse_word(w) != w)


def test_every_shard_weighs_a_typed_word_form_by_the_cluster_idf(sphinx_shipped):
    # searchd 2.2 looks the IDF file up by the word as typed, not its stem: with stems
    # alone in the file, "officials" was weighed by each shard's own count (idf.py).
    layout = sphinx_shipped
    live = read_meta(cluster.node_address(layout.master))["live"]
    index = f"articles_{live}"
    compared = 0
    for word in _indexed_forms(SHIPPED_CORPUS):
        idfs = [_probe_idf(cluster.node_address(s), index, word) for s in layout.shards]
        if None in idfs:
            continue  # not on every shard: nothing to compare
        assert all(abs(v - idfs[0]) < 1e-6 for v in idfs), (word, idfs)
        compared += idfs[0] > 0  # 0: a stem every article holds
        if compared == 20:
            break
    assert compared, "no inflected word is on every shard of the shipped corpus"
