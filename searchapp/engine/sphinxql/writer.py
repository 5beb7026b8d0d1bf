"""Write the corpus into the cluster: a full rebuild into the idle colour, then one swap.

A distributed index refuses INSERT, so each article goes to one shard, chosen by a stable
hash of its id (documents.shard_of). A full rebuild empties the colour that is not live on
every shard, fills it, builds its global IDF file, restarts the shards one at a time so
they load it (Sphinx 2.2 reads `global_idf` only at start-up), checks that each did, and
only then flips the live colour in the master's `meta` row: until that one REPLACE,
readers keep searching the previous build, whole. `--incremental` replaces changed
articles and deletes removed ones by id in the live colour.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ... import store
from ...model import Article, SearchappError, SkippedFile
from ..analysis import WORD_PATTERN, analyse_word, fold_word, is_stop_word
from . import cluster, idf
from .config import ARTICLES, COLOURS, FIELDS, META, QUOTES, VOCAB, Layout
from .documents import doc_id, name_id, shard_of, speaker_id, to_row
from .stories import group_colour, groups_counts, groups_info

BATCH_ROWS = 200
BATCH_BYTES = 2_000_000  # below searchd's default max_packet_size (8 MB)
COLUMNS = (
    "id",
    *FIELDS,
    QUOTES,
    "article_id",
    "outlet_value",
    "content_hash",
    "published",
    "year",
    "date_key",
    "author_ids",
    "speaker_ids",
    "name_forms",
    "language",
    "profile",
    "copy_key",
    "story_key",
    "story",
    "stored",
)
MVA_COLUMNS = ("author_ids", "speaker_ids", "name_forms")
SCAN_PAGE = 5_000
META_ID = 1


@dataclass
class CorpusTally:
    """What a build counts as it writes: stats, author names, words and keywords."""

    articles: int = 0
    outlets: set = field(default_factory=set)
    dates: list = field(default_factory=list)
    authors: dict = field(default_factory=dict)  # name id -> name
    speakers: dict = field(default_factory=dict)  # speaker id -> name
    words: Counter = field(default_factory=Counter)  # folded word -> documents
    keywords: Counter = field(default_factory=Counter)  # stemmed keyword -> documents
    length: int = 0  # indexed words in every article, for the average BM25 normalises by
    # A few word forms of the first article on each shard: the IDF probe's candidates.
    samples: dict = field(default_factory=dict)

    def add(self, article: Article, row: dict) -> None:
        self.articles += 1
        if article.outlet:
            self.outlets.add(article.outlet)
        if article.published:
            self.dates.append(article.published)
        for name in article.authors:
            if name.strip():
                self.authors[str(name_id(name.replace(",", " ")))] = name.replace(",", " ")
        self.speakers.update(speaker_names(row))
        tokens = [fold_word(w) for f in FIELDS for w in WORD_PATTERN.findall(row[f])]
        tokens = [w for w in tokens if not is_stop_word(w)]
        self.length += len(tokens)
        folded = set(tokens)
        self.words.update(folded)
        keywords = {analyse_word(w) for w in folded}
        self.keywords.update(keywords)
        self.samples.setdefault(row["shard"], sorted(folded)[:50])

    def probe_word(self, shard: int) -> tuple[str, float] | None:
        """A word form on this shard, not its stem, and the IDF the cluster gives it.

        The most common stem that not every article holds (its IDF is not 0): a shard
        weighing by its own counts (idf.py) then most likely shows a different IDF.
        """
        candidates = [
            (self.keywords[analyse_word(w)], w)
            for w in self.samples.get(shard, ())
            if analyse_word(w) != w and self.keywords[analyse_word(w)] < self.articles
        ]
        if not candidates:
            return None
        docs, word = max(candidates)
        return word, idf.expected_idf(self.articles, docs)

    def info(self, global_idf: bool) -> dict:
        return {
            "articles": self.articles,
            "outlets": len(self.outlets),
            "first_date": min(self.dates) if self.dates else None,
            "last_date": max(self.dates) if self.dates else None,
            "authors": self.authors,
            "speakers": self.speakers,
            "global_idf": global_idf,
            "avg_length": self.length / max(1, self.articles),
            "built_at": time.time(),
        }


def _values(row: dict) -> tuple[str, list]:
    """One row's VALUES group and its parameters (the MVA lists are inlined: they are ints)."""

    def mark(column: str) -> str:
        if column in MVA_COLUMNS:
            return "(" + ",".join(str(int(v)) for v in row[column]) + ")"
        return "%s"

    marks = ", ".join(map(mark, COLUMNS))
    return f"({marks})", [row[c] for c in COLUMNS if c not in MVA_COLUMNS]


def speaker_names(row: dict) -> dict[str, str]:
    """speaker id -> name for the speakers quoted in a row (the facet shows the names)."""
    return {str(speaker_id(name)): name for name in row["speaker_names"]}


class _ShardWriter:
    """Buffers rows per shard and sends them as multi-row REPLACE statements."""

    def __init__(self, shards: list[cluster.Address], index: str) -> None:
        self.index = index
        self.conns = [cluster.connect(a, read_timeout_s=120) for a in shards]
        self.pending: list[list[tuple[str, list]]] = [[] for _ in shards]
        self.sizes = [0] * len(shards)

    def add(self, row: dict) -> None:
        k = row["id"] % len(self.conns)
        self.pending[k].append(_values(row))
        self.sizes[k] += len(row["stored"]) * 2
        if len(self.pending[k]) >= BATCH_ROWS or self.sizes[k] >= BATCH_BYTES:
            self._flush(k)

    def delete(self, article_ids: Iterable[str]) -> None:
        for article_id in article_ids:
            k = shard_of(article_id, len(self.conns))
            with self.conns[k].cursor() as cursor:
                cursor.execute(f"DELETE FROM {self.index} WHERE id = %s", (doc_id(article_id),))

    def _flush(self, k: int) -> None:
        rows, self.pending[k], self.sizes[k] = self.pending[k], [], 0
        if not rows:
            return
        sql = f"REPLACE INTO {self.index} ({', '.join(COLUMNS)}) VALUES " + ", ".join(
            r[0] for r in rows
        )
        with self.conns[k].cursor() as cursor:
            cursor.execute(sql, [p for r in rows for p in r[1]])

    def finish(self) -> None:
        for k in range(len(self.conns)):
            self._flush(k)
            with self.conns[k].cursor() as cursor:
                cursor.execute(f"FLUSH RTINDEX {self.index}")  # the RAM chunk, on disk now

    def close(self) -> None:
        for conn in self.conns:
            conn.close()


def read_meta(master: cluster.Address) -> dict | None:
    """The live colour, generation and info, or None before the first build."""
    with cluster.connect(master) as conn, conn.cursor() as cursor:
        cursor.execute(f"SELECT live, generation, info FROM {META} WHERE id = {META_ID}")
        row = cursor.fetchone()
    if row is None:
        return None
    return {"live": row[0], "generation": row[1], "info": json.loads(row[2] or "{}")}


def _write_meta(master: cluster.Address, live: str, generation: str, info: dict) -> None:
    with cluster.connect(master) as conn, conn.cursor() as cursor:
        cursor.execute(
            f"REPLACE INTO {META} (id, note, live, generation, info) VALUES (%s, '', %s, %s, %s)",
            (META_ID, live, generation, json.dumps(info)),
        )


def _generation_name() -> str:
    seconds, nanos = divmod(time.time_ns(), 10**9)
    return f"sphinx-{time.strftime('%Y%m%dT%H%M%S', time.gmtime(seconds))}-{nanos:09d}"


class BuildError(SearchappError):
    """The cluster build failed; the previously live colour is still the live one."""


@dataclass(frozen=True)
class BuildSummary:
    """What a cluster build did (the same figures build.BuildSummary reports)."""

    generation: str
    indexed: int
    updated: int
    deleted: int
    skipped: tuple
    removed_blocks: int
    seconds: float
    copy_groups: int = 0
    copies: int = 0  # articles folded into a group of copies (every member but one)
    stories: int = 0
    unchanged: bool = False  # an incremental build found nothing to change

    def line(self) -> str:
        parts = [f"{self.indexed} articles indexed"]
        if self.updated != self.indexed:
            parts.append(f"{self.updated} updated, {self.deleted} deleted")
        parts.append(f"{len(self.skipped)} skipped")
        parts.append(f"{self.removed_blocks} boilerplate blocks removed")
        parts.append(f"{self.copy_groups} copy groups ({self.copies} copies folded)")
        parts.append(f"{self.stories} stor{'y' if self.stories == 1 else 'ies'}")
        end = "nothing changed: generation {} stays live" if self.unchanged else "generation {}"
        return ", ".join(parts) + f", {self.seconds:.1f}s ({end.format(self.generation)})"


def rebuild_cluster(
    corpus_dir: Path,
    layout: Layout,
    *,
    clean_corpus,
    incremental: bool = False,
    progress=None,
    procs: int | None = None,
) -> BuildSummary:
    """Write the corpus into the cluster; BuildError (previous build still live) on failure.

    `clean_corpus` is build.clean_corpus: the same reading and cleaning as a Whoosh build
    (passed in, since the engine layer does not import the build above it).
    """
    started = time.monotonic()
    master = cluster.node_address(layout.master)
    shards = [cluster.node_address(s) for s in layout.shards]
    with store.rebuild_lock(layout.folder):
        try:
            meta = read_meta(master)
            if incremental and meta is not None:
                return _incremental(
                    corpus_dir, master, shards, meta, progress, procs, started, clean_corpus
                )
            return _full(
                corpus_dir, layout, master, shards, meta, progress, procs, started, clean_corpus
            )
        except (cluster.ClusterUnavailableError, idf.IdfError) as error:
            raise BuildError(str(error)) from error
        except Exception as error:  # searchd's refusals, a full disk: the old build stays live
            raise BuildError(f"{type(error).__name__}: {error}") from error


def _full(
    corpus_dir, layout, master, shards, meta, progress, procs, started, clean_corpus
) -> BuildSummary:
    live = meta["live"] if meta else None
    colour = COLOURS[1] if live == COLOURS[0] else COLOURS[0]
    index = f"{ARTICLES}_{colour}"
    sources, skipped, cleaned = clean_corpus(corpus_dir, procs)
    skipped = list(skipped)
    for address in shards:
        with cluster.connect(address) as conn, conn.cursor() as cursor:
            cursor.execute(f"TRUNCATE RTINDEX {index}")
    tally = CorpusTally()
    removed = 0
    writer = _ShardWriter(shards, index)
    try:
        for done, result in enumerate(cleaned, start=1):
            if isinstance(result, SkippedFile):
                skipped.append(result)
            else:
                row = to_row(result)
                writer.add(row)
                tally.add(result, {**row, "shard": row["id"] % len(shards)})
                removed += len(result.removed)
            if progress:
                progress(done, len(sources))
        writer.finish()
        groups = group_colour(master, writer.conns, index)
    finally:
        writer.close()
    _check_stemmer(master, tally.words)
    keys = idf.idf_keys(tally.keywords, tally.words)
    idf.write_idf(layout.idf_path(colour), tally.articles, keys)
    # Rolling restart: each shard loads the new IDF file (the live colour is served by the
    # other shards meanwhile, with a partial-results notice).
    for node in layout.shards:
        cluster.restart_node(layout, node)
    for k, address in enumerate(shards):
        probe = tally.probe_word(k)
        if probe:
            idf.check_loaded(address, index, *probe)
    _write_vocab(master, f"{VOCAB}_{colour}", tally.words)
    generation = _generation_name()
    _write_meta(master, colour, generation, {**tally.info(global_idf=True), **groups_info(groups)})
    return BuildSummary(
        generation=generation,
        indexed=tally.articles,
        updated=tally.articles,
        deleted=0,
        skipped=tuple(skipped),
        removed_blocks=removed,
        seconds=time.monotonic() - started,
        **groups_counts(groups),
    )


def _kept(meta: dict, skipped: list, started: float) -> BuildSummary:
    """The summary of an incremental build that found nothing to change."""
    info = meta["info"]
    return BuildSummary(
        generation=meta["generation"],
        indexed=int(info.get("articles", 0)),
        updated=0,
        deleted=0,
        skipped=tuple(skipped),
        removed_blocks=0,
        seconds=time.monotonic() - started,
        copy_groups=int(info.get("copy_groups", 0)),
        copies=int(info.get("copies", 0)),
        stories=int(info.get("stories", 0)),
        unchanged=True,
    )


def _check_stemmer(master: cluster.Address, words: Counter) -> None:
    """Fail the build if searchd stems differently from the stemmer the IDF counts used."""
    sample = [w for w, _ in words.most_common(200)]
    if not sample:
        return
    with cluster.connect(master) as conn, conn.cursor() as cursor:
        cursor.execute("CALL KEYWORDS(%s, 'template')", (" ".join(sample),))
        rows = cursor.fetchall()
    differ = [(tok, norm) for _, tok, norm, *_ in rows if analyse_word(tok) != norm]
    if len(differ) > len(sample) // 20:
        raise idf.IdfError(f"searchd stems words differently from searchapp: {differ[:5]}")


def _write_vocab(master: cluster.Address, index: str, words: Counter) -> None:
    """One row per indexed word (folded, unstemmed) with its document count."""
    with cluster.connect(master, read_timeout_s=120) as conn, conn.cursor() as cursor:
        cursor.execute(f"TRUNCATE RTINDEX {index}")
        batch: list = []
        for word, docs in words.items():
            batch.append((vocab_id(word), word, trigrams(word), word, docs))
            if len(batch) == 500:
                _insert_vocab(cursor, index, batch)
                batch = []
        _insert_vocab(cursor, index, batch)
        cursor.execute(f"FLUSH RTINDEX {index}")


def vocab_id(word: str) -> int:
    """The vocabulary row id of a folded word."""
    return doc_id("word:" + word)


def _insert_vocab(cursor, index: str, batch: list) -> None:
    if batch:
        marks = ", ".join(["(%s, %s, %s, %s, %s)"] * len(batch))
        cursor.execute(
            f"REPLACE INTO {index} (id, word_text, grams, word, df) VALUES {marks}",
            [v for row in batch for v in row],
        )


def trigrams(word: str) -> str:
    """The word's letter trigrams, padded ("__c _ca cat at_ t__"), for spelling candidates."""
    padded = f"__{word}__"
    return " ".join(padded[i : i + 3] for i in range(len(padded) - 2))


def scan_live(master: cluster.Address, colour: str) -> dict[str, str]:
    """article id -> content hash of every article in a colour (paged by doc id)."""
    rows = cluster.scan_rows(master, f"{ARTICLES}_{colour}", "article_id, content_hash", SCAN_PAGE)
    return {article_id: content_hash for _, article_id, content_hash in rows}


def _incremental(
    corpus_dir, master, shards, meta, progress, procs, started, clean_corpus
) -> BuildSummary:
    colour = meta["live"]
    index = f"{ARTICLES}_{colour}"
    hashes = scan_live(master, colour)
    sources, skipped, cleaned = clean_corpus(
        corpus_dir, procs, wanted=lambda s: hashes.get(s.id) != s.raw_hash
    )
    skipped = list(skipped)
    todo = sum(hashes.get(s.id) != s.raw_hash for s in sources)
    gone = set(hashes) - {s.id for s in sources}
    info = dict(meta["info"])
    authors = dict(info.get("authors", {}))
    speakers = dict(info.get("speakers", {}))
    writer = _ShardWriter(shards, index)
    updated = removed = 0
    try:
        writer.delete(gone)
        for done, result in enumerate(cleaned, start=1):
            if isinstance(result, SkippedFile):
                skipped.append(result)
            else:
                row = to_row(result)
                writer.add(row)
                speakers.update(speaker_names(row))
                updated += 1
                removed += len(result.removed)
                for name in result.authors:
                    authors[str(name_id(name.replace(",", " ")))] = name.replace(",", " ")
            if progress:
                progress(done, todo)
        writer.finish()
        if not updated and not gone:
            # Nothing to change (files that fail to clean fail again every time): the live
            # build stays as it is, without regrouping the whole colour for nothing.
            return _kept(meta, skipped, started)
        groups = group_colour(master, writer.conns, index)
    finally:
        writer.close()
    indexed = len(scan_live(master, colour))
    info.update(authors=authors, speakers=speakers, articles=indexed, built_at=time.time())
    info.update(groups_info(groups))
    generation = _generation_name()
    _write_meta(master, colour, generation, info)
    return BuildSummary(
        generation=generation,
        indexed=indexed,
        updated=updated,
        deleted=len(gone),
        skipped=tuple(skipped),
        removed_blocks=removed,
        seconds=time.monotonic() - started,
        **groups_counts(groups),
    )
