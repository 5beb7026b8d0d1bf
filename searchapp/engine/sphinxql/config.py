"""searchd configuration for N RT shards and a master with a distributed index (pure text).

Every article index exists twice, as colour "a" and colour "b": a rebuild fills the colour
that is not live and then flips the live colour in the master's `meta` index, so readers
never see a half-built index (Sphinx 2.2 cannot create an index at run time; Manticore can,
but the same two-colour layout runs there unchanged).
"""

from __future__ import annotations

import json
import socket
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..analysis import STOP_WORDS, fold_word
from ..schema import SECTION_WEIGHTS

COLOURS = ("a", "b")
FIELDS = tuple(SECTION_WEIGHTS)  # title, lead, headings, body, authors, outlet
QUOTES = "quotes"  # the article's quoted statements, a field of their own
ARTICLES = "articles"  # the index name stem; "articles_a" and "articles_b" on every node
META = "meta"  # on the master: one row naming the live colour, its generation and stats
TEMPLATE = "template"  # on the master: empty, holds the tokenizer settings CALL SNIPPETS uses
VOCAB = "vocab"  # on the master, per colour: one row per indexed word, for completion
LAYOUT_FILE = "cluster.json"
# Scripts the user runs after `searchapp sphinx-config` (the second of the two commands).
START_SCRIPT = "start.sh"
STOP_SCRIPT = "stop.sh"

# The Unicode blocks whose letters and digits are words: Basic Latin and Latin-1, Latin
# Extended A/B, IPA, Greek, Cyrillic, Armenian, Hebrew, Arabic, Devanagari, Latin Extended
# Additional and Greek Extended. Sphinx 2.2's default table folds only English and Russian
# ("Müller" became "m ller"); Manticore's aliases (non_cjk) are not known to 2.2.
CHARSET_BLOCKS = (
    (0x0030, 0x024F),
    (0x0250, 0x02AF),
    (0x0370, 0x03FF),
    (0x0400, 0x052F),
    (0x0530, 0x058F),
    (0x05D0, 0x05EA),
    (0x0620, 0x064A),
    (0x0900, 0x097F),
    (0x1E00, 0x1EFF),
    (0x1F00, 0x1FFF),
)


def _fold_char(char: str) -> str | None:
    """The one character `char` indexes as (lowercased, accents folded as Whoosh does)."""
    if not (char.isalnum() or char == "_") or unicodedata.category(char) in ("Mn", "Mc"):
        return None
    folded = fold_word(char)
    if len(folded) == 1:
        return folded
    # "ß" -> "ss", "Æ" -> "ae": a charset_table maps one character to one; keep the letter.
    lower = char.lower()
    return lower if len(lower) == 1 else char


def charset_table() -> str:
    """An explicit charset_table: ranges of `U+X..U+Y->U+Z..U+W` that 2.2 and Manticore read."""
    pairs = []
    for start, end in CHARSET_BLOCKS:
        for code in range(start, end + 1):
            target = _fold_char(chr(code))
            if target is not None:
                pairs.append((code, ord(target)))
    entries = []
    i = 0
    while i < len(pairs):
        j = i
        # Extend a run while sources and targets both step by one (A..Z->a..z) or the
        # run maps every character to itself.
        while (
            j + 1 < len(pairs)
            and pairs[j + 1][0] == pairs[j][0] + 1
            and pairs[j + 1][1] - pairs[j][1] == 1
        ):
            j += 1
        (src_a, dst_a), (src_b, dst_b) = pairs[i], pairs[j]
        if src_a == dst_a:
            entries.append(f"U+{src_a:04X}" if i == j else f"U+{src_a:04X}..U+{src_b:04X}")
        elif i == j:
            entries.append(f"U+{src_a:04X}->U+{dst_a:04X}")
        else:
            entries.append(f"U+{src_a:04X}..U+{src_b:04X}->U+{dst_a:04X}..U+{dst_b:04X}")
        i = j + 1
    return ", ".join(entries)


@dataclass(frozen=True)
class Node:
    """One searchd: its SphinxQL (MySQL protocol) port, and for a shard its agent port."""

    name: str
    host: str
    sql_port: int
    agent_port: int | None = None

    @property
    def address(self) -> str:
        return f"{self.host}:{self.sql_port}"


@dataclass(frozen=True)
class Layout:
    """A local cluster written by write_cluster(): where everything is."""

    folder: Path
    master: Node
    shards: tuple[Node, ...]

    def node_dir(self, node: Node) -> Path:
        return self.folder / node.name

    def config_path(self, node: Node) -> Path:
        return self.node_dir(node) / "searchd.conf"

    def pid_path(self, node: Node) -> Path:
        return self.node_dir(node) / "searchd.pid"

    def idf_path(self, colour: str) -> Path:
        return self.folder / "idf" / f"global_{colour}.idf"

    @property
    def nodes(self) -> tuple[Node, ...]:
        return (*self.shards, self.master)


def free_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """Ports nobody listens on right now (held open together, so they differ)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind((host, 0))
            sockets.append(sock)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for sock in sockets:
            sock.close()


def plan_layout(folder: Path, shards: int, host: str = "127.0.0.1", base_port: int = 0) -> Layout:
    """Name the nodes and give them ports: consecutive from base_port, or free ones."""
    needed = 1 + 2 * shards
    ports = list(range(base_port, base_port + needed)) if base_port else free_ports(needed, host)
    master = Node("master", host, ports[0])
    nodes = tuple(
        Node(f"shard-{k + 1}", host, ports[1 + 2 * k], ports[2 + 2 * k]) for k in range(shards)
    )
    return Layout(Path(folder).resolve(), master, nodes)


def _tokenizer(layout: Layout) -> list[str]:
    """Settings every index shares, so words index, match and highlight the same way."""
    return [
        "dict = keywords",
        "morphology = libstemmer_en",  # Snowball English, the stemmer the Whoosh engine uses
        f"charset_table = {_continued(charset_table())}",
        f"stopwords = {layout.folder / 'stopwords.txt'}",
        "stopwords_unstemmed = 1",  # a word is a stop word as typed, before stemming (Whoosh)
        "stopword_step = 0",  # "Prince of Wales" matches "prince wales", as in Whoosh
        "min_word_len = 2",  # Whoosh drops one-letter words too
        "index_exact_words = 1",  # what 2.2 forces with prefixes and morphology anyway
        "min_prefix_len = 2",  # prefix* queries, with at least two letters (query.py)
        "index_field_lengths = 1",  # bm25f() needs each field's length
        "html_strip = 0",
    ]


def _continued(value: str, width: int = 200) -> str:
    """A long value over several lines: searchd refuses a config line over a few KB."""
    lines, line = [], ""
    for entry in value.split(", "):
        if line and len(line) + len(entry) > width:
            lines.append(line + ",")
            line = ""
        line = f"{line}, {entry}" if line else entry
    lines.append(line)
    return " \\\n        ".join(lines)


def _block(kind: str, name: str, lines: list[str]) -> str:
    body = "\n".join(f"    {line}" for line in lines)
    return f"{kind} {name}\n{{\n{body}\n}}\n"


def _searchd(layout: Layout, node: Node) -> str:
    folder = layout.node_dir(node)
    listen = [f"listen = {node.host}:{node.sql_port}:mysql41"]
    if node.agent_port is not None:
        listen.append(f"listen = {node.host}:{node.agent_port}")  # agents speak the API protocol
    return _block(
        "searchd",
        "",
        [
            *listen,
            f"log = {folder / 'searchd.log'}",
            f"pid_file = {layout.pid_path(node)}",
            f"binlog_path = {folder / 'binlog'}",
            "workers = threads",
            "watchdog = 0",  # one process per node, so stopping it leaves nothing behind
            "collation_server = binary",  # the id tie-break sorts as Python sorts strings
            "read_timeout = 5",
            "client_timeout = 300",
            "seamless_rotate = 1",
            *(["persistent_connections_limit = 16"] if node.agent_port is None else []),
        ],
    ).replace("searchd \n", "searchd\n")


def _article_index(layout: Layout, node: Node, colour: str) -> str:
    return _block(
        "index",
        f"{ARTICLES}_{colour}",
        [
            "type = rt",
            f"path = {layout.node_dir(node) / 'data' / f'{ARTICLES}_{colour}'}",
            "rt_mem_limit = 256M",
            *(f"rt_field = {name}" for name in FIELDS),
            f"rt_field = {QUOTES}",  # quote:"..." only: a plain query searches FIELDS
            "rt_attr_string = article_id",
            "rt_attr_string = outlet_value",
            "rt_attr_string = content_hash",  # what --incremental compares
            "rt_attr_string = published",  # as the article gives it, for the corpus stats
            "rt_attr_uint = year",
            "rt_attr_bigint = date_key",
            "rt_attr_multi_64 = author_ids",
            "rt_attr_multi_64 = speaker_ids",  # who is quoted (documents.speaker_id)
            "rt_attr_multi_64 = name_forms",  # capitalised words: ranks names as typed first
            "rt_attr_uint = language",  # ISO 639-1 code as a number (documents.language_number)
            "rt_attr_string = profile",  # what grouping reads back (ingest/profile.py)
            "rt_attr_bigint = copy_key",  # GROUP BY keys: copies and stories fold by them
            "rt_attr_bigint = story_key",
            "rt_attr_uint = story",  # its story's number + 1 (/stories/<n>); 0 for none
            "rt_attr_string = stored",
            *_tokenizer(layout),
            # Each shard ranks with the whole cluster's document frequencies (idf.py).
            f"global_idf = {layout.idf_path(colour)}",
        ],
    )


def shard_config(layout: Layout, node: Node) -> str:
    indexes = "".join(_article_index(layout, node, colour) for colour in COLOURS)
    return _searchd(layout, node) + "\n" + indexes


def master_config(layout: Layout, timeouts_ms: tuple[int, int] = (500, 5000)) -> str:
    connect_ms, query_ms = timeouts_ms
    parts = [_searchd(layout, layout.master)]
    for colour in COLOURS:
        # Persistent agent connections: a fresh connect per shard per query cost ~35 ms
        # of p50 at 2 shards (bench/sphinx_engines.py).
        agents = [
            f"agent_persistent = {s.host}:{s.agent_port}:{ARTICLES}_{colour}" for s in layout.shards
        ]
        parts.append(
            _block(
                "index",
                f"{ARTICLES}_{colour}",
                [
                    "type = distributed",
                    *agents,
                    f"agent_connect_timeout = {connect_ms}",
                    f"agent_query_timeout = {query_ms}",
                ],
            )
        )
        parts.append(
            _block(
                "index",
                f"{VOCAB}_{colour}",
                [
                    "type = rt",
                    f"path = {layout.node_dir(layout.master) / 'data' / f'{VOCAB}_{colour}'}",
                    "rt_field = word_text",  # the word, for prefix matches (completion)
                    "rt_field = grams",  # its trigrams, for spelling candidates
                    "rt_attr_string = word",
                    "rt_attr_uint = df",
                    "dict = keywords",
                    "min_prefix_len = 2",
                    f"charset_table = {_continued(charset_table())}",
                    "min_word_len = 1",
                ],
            )
        )
    parts.append(
        _block(
            "index",
            TEMPLATE,
            [
                "type = rt",
                f"path = {layout.node_dir(layout.master) / 'data' / TEMPLATE}",
                "rt_field = body",
                "rt_attr_uint = unused",
                *_tokenizer(layout),
            ],
        )
    )
    parts.append(
        _block(
            "index",
            META,
            [
                "type = rt",
                f"path = {layout.node_dir(layout.master) / 'data' / META}",
                "rt_field = note",
                "rt_attr_string = live",  # the live colour
                "rt_attr_string = generation",
                "rt_attr_string = info",  # JSON: stats and the author names by id, per colour
            ],
        )
    )
    return "\n".join(parts)


def _scripts(layout: Layout) -> tuple[str, str]:
    configs = [layout.config_path(n) for n in layout.nodes]
    start = [
        "#!/bin/sh",
        "# Start the shards, then the master (written by searchapp sphinx-config).",
        "set -e",
    ]
    start += [f'searchd --config "{c}"' for c in configs]
    stop = ["#!/bin/sh", "# Stop the master, then the shards, waiting for each to finish."]
    stop += [f'searchd --config "{c}" --stopwait || true' for c in reversed(configs)]
    return "\n".join(start) + "\n", "\n".join(stop) + "\n"


def write_cluster(layout: Layout) -> None:
    """Write every node's searchd.conf, the stop words, the layout file and start/stop scripts."""
    layout.folder.mkdir(parents=True, exist_ok=True)
    (layout.folder / "idf").mkdir(exist_ok=True)
    (layout.folder / "stopwords.txt").write_text("\n".join(sorted(STOP_WORDS)) + "\n")
    for node in layout.nodes:
        for sub in ("data", "binlog"):
            (layout.node_dir(node) / sub).mkdir(parents=True, exist_ok=True)
        text = master_config(layout) if node is layout.master else shard_config(layout, node)
        layout.config_path(node).write_text(text, encoding="utf-8")
    start, stop = _scripts(layout)
    for name, text in ((START_SCRIPT, start), (STOP_SCRIPT, stop)):
        path = layout.folder / name
        path.write_text(text, encoding="utf-8")
        path.chmod(0o755)
    (layout.folder / LAYOUT_FILE).write_text(json.dumps(layout_record(layout), indent=2) + "\n")


def layout_record(layout: Layout) -> dict:
    def node(n: Node) -> dict:
        return {"name": n.name, "host": n.host, "sql_port": n.sql_port, "agent_port": n.agent_port}

    return {"master": node(layout.master), "shards": [node(s) for s in layout.shards]}


def read_layout(folder: Path) -> Layout:
    """The layout a sphinx-config run wrote into `folder`; ValueError when there is none."""
    path = Path(folder) / LAYOUT_FILE
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        master = Node(**record["master"])
        shards = tuple(Node(**s) for s in record["shards"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ValueError(
            f"{path} is not a cluster layout ({error}); run searchapp sphinx-config"
        ) from None
    return Layout(Path(folder).resolve(), master, shards)
