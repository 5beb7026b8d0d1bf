"""A real local Sphinx cluster for the tests: two RT shards and a master on free ports."""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

SKIP_REASON = "searchd is not installed (apt-get install sphinxsearch; scripts/test.sh does)"


def need_searchd() -> None:
    """Skip the test, with the reason, on a machine without searchd or pymysql."""
    if shutil.which("searchd") is None or shutil.which("indextool") is None:
        pytest.skip(SKIP_REASON)
    pytest.importorskip("pymysql", reason="pymysql is not installed (pip install -e '.[test]')")


def start_local_cluster(folder: Path, shards: int = 2):
    """Write the configs into `folder`, start every node, and return the layout."""
    from searchapp.engine.sphinxql import cluster, config

    layout = config.plan_layout(folder, shards)
    config.write_cluster(layout)
    try:
        cluster.start_cluster(layout)
    except BaseException:
        stop_local_cluster(layout)
        raise
    return layout


def stop_local_cluster(layout) -> None:
    """Stop every node with --stopwait and check that no searchd process is left."""
    from searchapp.engine.sphinxql import cluster

    pids = [cluster.read_pid(layout, node) for node in layout.nodes]
    cluster.stop_cluster(layout)
    left = [pid for pid in pids if pid is not None and cluster.process_alive(pid)]
    assert not left, f"searchd processes still running after --stopwait: {left}"


def build_cluster(corpus: Path, layout, **options):
    """Write a corpus into a cluster, cleaned as a Whoosh build cleans it."""
    from searchapp.build import clean_corpus
    from searchapp.engine.sphinxql.writer import rebuild_cluster

    return rebuild_cluster(corpus, layout, clean_corpus=clean_corpus, **options)


@contextmanager
def cluster_app(corpus: Path, folder: Path, shards: int = 2):
    """The web app over `corpus` written into a private cluster, stopped on exit."""
    from searchapp import create_app

    need_searchd()
    layout = start_local_cluster(folder, shards)
    try:
        build_cluster(corpus, layout)
        app = create_app({"ENGINE": "sphinxql", "SPHINX_CLUSTER": str(folder), "TESTING": True})
        try:
            yield app
        finally:
            app.extensions["searchapp.live"].close()
    finally:
        stop_local_cluster(layout)
