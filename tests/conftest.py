"""Shared fixtures: tiny corpora written by the test, and the shipped corpus built once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from searchapp import create_app
from searchapp.build import rebuild_index
from searchapp.engine.live_index import LiveIndex

SHIPPED_CORPUS = Path(__file__).resolve().parent.parent / "corpus"


# A wire story, two copies of it (new boilerplate; cut and reordered paragraphs) and one
# article that shares words with it but is not a copy: issue 19's copy checks.
WIRE = "\n\n".join(
    f"Paragraph {i}: the harbour authority said the ferry Amsel ran aground near Tromso "
    f"on Tuesday night with {i + 40} passengers aboard, and tugs reached it by dawn."
    for i in range(6)
)
COPIES_CORPUS = {
    "wire": WIRE,
    "wire.json": {"outlet": "Wire", "published": "2025-03-04"},
    "paper": "Subscribe for 1 euro!\n\n" + WIRE + "\n\nShare this story",
    "paper.json": {"outlet": "Paper", "published": "2025-03-05"},
    "blog": "\n\n".join(WIRE.split("\n\n")[3:] + WIRE.split("\n\n")[:2]),
    "blog.json": {"outlet": "Blog", "published": "2025-03-06"},
    "other": "The council voted on the new budget for schools and the ferry port "
    "on Tuesday, after a long debate about teachers' pay and bus fares.",
}


def make_corpus(root: Path, articles: dict[str, str | bytes | dict]) -> Path:
    """Write {name: text} into root/corpus; a dict value writes `<name>.json` metadata.

    A name without a suffix gets `.txt`. Bytes are written as they are.
    """
    corpus = root / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for name, content in articles.items():
        path = corpus / (name if "." in name else name + ".txt")
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, dict):
            path.write_text(json.dumps(content), encoding="utf-8")
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return corpus


def open_built(root: Path, articles: dict[str, str | bytes | dict]) -> LiveIndex:
    """Write `articles` under root, build them and open the index (the caller closes it)."""
    rebuild_index(make_corpus(root, articles), root / "index")
    return LiveIndex(root / "index")


@pytest.fixture(scope="session")
def built_index(tmp_path_factory) -> Path:
    """The shipped corpus built into a temporary index folder (read-only for tests)."""
    index_dir = tmp_path_factory.mktemp("shipped") / "index"
    rebuild_index(SHIPPED_CORPUS, index_dir)
    return index_dir


@pytest.fixture(scope="session")
def shipped(built_index) -> LiveIndex:
    """A LiveIndex over the shipped corpus."""
    live = LiveIndex(built_index)
    yield live
    live.close()


@pytest.fixture
def open_live():
    """open_live(index_dir) -> LiveIndex, closed after the test (pytest fails on leaked files)."""
    opened: list[LiveIndex] = []

    def open_(index_dir: Path) -> LiveIndex:
        opened.append(LiveIndex(index_dir))
        return opened[-1]

    yield open_
    for live in opened:
        live.close()


@pytest.fixture(scope="session")
def app(built_index):
    """The web app over the shipped corpus; test modules may override it with their own."""
    app = create_app({"INDEX_DIR": str(built_index), "TESTING": True})
    yield app
    app.extensions["searchapp.live"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def sphinx_cluster(tmp_path_factory):
    """Two RT shards and a master, started once for the session and stopped at its end."""
    from tests.sphinx_helpers import need_searchd, start_local_cluster, stop_local_cluster

    need_searchd()
    layout = start_local_cluster(tmp_path_factory.mktemp("sphinx") / "cluster")
    yield layout
    stop_local_cluster(layout)


@pytest.fixture(scope="session")
def sphinx_shipped(sphinx_cluster):
    """The shipped corpus written into the session's cluster."""
    from tests.sphinx_helpers import build_cluster

    build_cluster(SHIPPED_CORPUS, sphinx_cluster)
    return sphinx_cluster


@pytest.fixture(scope="session")
def sphinx_app(sphinx_shipped):
    """The web app over the shipped corpus, answered by the SphinxQL engine."""
    app = create_app(
        {"ENGINE": "sphinxql", "SPHINX_CLUSTER": str(sphinx_shipped.folder), "TESTING": True}
    )
    yield app
    app.extensions["searchapp.live"].close()


ENGINES = ("whoosh", "sphinxql")


@pytest.fixture(params=ENGINES)
def any_client(request):
    """A test client of the app over the shipped corpus, once per engine."""
    name = "app" if request.param == "whoosh" else "sphinx_app"
    return request.getfixturevalue(name).test_client()
