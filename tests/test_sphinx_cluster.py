"""The searchd configs, and a real cluster of two shards and a master started from them."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from searchapp.cli import main
from searchapp.engine.sphinxql import config
from tests.sphinx_helpers import need_searchd, start_local_cluster, stop_local_cluster


def _mapping(table: str) -> dict[int, int]:
    """Expand a charset_table into {source code point: target code point}."""
    out = {}
    for entry in table.split(", "):
        src, _, dst = entry.partition("->")
        a, _, b = src.partition("..")
        start, end = int(a[2:], 16), int((b or a)[2:], 16)
        target = int(dst.partition("..")[0][2:], 16) if dst else start
        for offset in range(end - start + 1):
            out[start + offset] = target + offset
    return out


@pytest.mark.parametrize(
    ("char", "indexed_as"),
    [
        ("A", "a"),  # ASCII case folding
        ("Ü", "u"),  # "Müller" is one word, matching "muller" (2.2's default split it)
        ("é", "e"),
        ("Ж", "ж"),  # Cyrillic lowercased
        ("Σ", "σ"),  # Greek
        ("7", "7"),
        ("_", "_"),  # \w includes the underscore, as Whoosh's tokenizer does
    ],
)
def test_charset_table_folds_like_the_whoosh_analyser(char, indexed_as):
    assert _mapping(config.charset_table())[ord(char)] == ord(indexed_as)


def test_charset_table_leaves_punctuation_out():
    table = _mapping(config.charset_table())
    assert all(ord(c) not in table for c in " -'\".,;:!?()")


def test_sphinx_config_writes_a_config_per_node(tmp_path):
    result = CliRunner().invoke(
        main, ["sphinx-config", "--dir", str(tmp_path / "c"), "--shards", "3"]
    )
    assert result.exit_code == 0, result.output
    layout = config.read_layout(tmp_path / "c")
    assert len(layout.shards) == 3
    ports = [layout.master.sql_port] + [
        p for s in layout.shards for p in (s.sql_port, s.agent_port)
    ]
    assert len(set(ports)) == 7
    master = layout.config_path(layout.master).read_text()
    for shard in layout.shards:
        assert f"agent_persistent = 127.0.0.1:{shard.agent_port}:articles_a" in master
        assert "global_idf" in layout.config_path(shard).read_text()
    assert "type = distributed" in master
    assert json.loads((tmp_path / "c" / "cluster.json").read_text())["master"]["sql_port"] > 0


def test_read_layout_names_the_command_to_run(tmp_path):
    with pytest.raises(ValueError, match="sphinx-config"):
        config.read_layout(tmp_path)


def test_cluster_answers_and_folds_and_stems(sphinx_cluster):
    from searchapp.engine.sphinxql import cluster

    with cluster.connect(cluster.node_address(sphinx_cluster.master)) as conn:
        with conn.cursor() as cursor:
            cursor.execute("CALL KEYWORDS(%s, 'template')", ("Müller ferries Köln",))
            normalized = [row[2] for row in cursor.fetchall()]
    assert normalized == ["muller", "ferri", "koln"]


def test_stopwait_leaves_no_process(tmp_path):
    need_searchd()
    from searchapp.engine.sphinxql import cluster

    layout = start_local_cluster(tmp_path / "one", shards=1)
    pids = [cluster.read_pid(layout, node) for node in layout.nodes]
    assert all(pid and cluster.process_alive(pid) for pid in pids)
    stop_local_cluster(layout)
    assert not any(cluster.process_alive(pid) for pid in pids)
