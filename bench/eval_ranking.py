"""Score searchapp's ranking against an SQLite FTS5 bm25() baseline on judged queries.

Usage: python bench/eval_ranking.py [--data DIR] [--limit-queries N] [--limit-docs N]
       python bench/eval_ranking.py --judged tests/data/judged_queries.json

Default collection: ../shared/data/scifact (BEIR layout), relative to the repository root.
Its documents are written to a temporary corpus folder (`<id>.txt` holds the abstract,
`<id>.json` the title) and indexed by searchapp's own rebuild_index, cleaning and all; the
baseline indexes the same title and text in an FTS5 table (porter tokenizer). With
--judged, both engines index the shipped corpus instead (the baseline gets each cleaned
article's title and body) and are scored on our own graded judgments.

Queries run with match=any, top 100. Output is one figure per line, `<engine> <measure>
<value>`, e.g. `searchapp ndcg@10 0.6912`; lines starting with # are notes. Exit status:
0 done, 3 the collection is missing (nothing was measured), 1 anything else went wrong.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # run from a checkout without installing the package
sys.path.insert(0, str(Path(__file__).resolve().parent))

from beir import Collection, Doc, MissingCollectionError, load_collection, write_corpus  # noqa: E402
from ir_metrics import ndcg, recall  # noqa: E402

from searchapp.build import rebuild_index  # noqa: E402
from searchapp.engine.live_index import LiveIndex  # noqa: E402
from searchapp.engine.search import SearchRequest, search  # noqa: E402
from searchapp.ingest.load import read_sources  # noqa: E402
from searchapp.ingest.pipeline import build_article  # noqa: E402
from searchapp.model import Article  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data" / "scifact"
EXIT_NO_DATA = 3  # 2 is argparse's usage error
DEPTH = 100  # SearchRequest caps per_page at 100, and BEIR measures Recall@100
MEASURES = ("ndcg@10", "recall@100")

Ranking = list[str]  # doc ids, best first


def timed(queries: dict[str, str], rank: Callable[[str], Ranking]) -> tuple[dict, list[float]]:
    """Run every query; return {qid: ranking} and the latency of each query in ms."""
    rankings, latencies = {}, []
    for qid, text in queries.items():
        started = time.perf_counter()
        rankings[qid] = rank(text)
        latencies.append((time.perf_counter() - started) * 1000)
    return rankings, latencies


def searchapp_ranker(live: LiveIndex, stem_to_id: dict[str, str]) -> Callable[[str], Ranking]:
    def rank(text: str) -> Ranking:
        page = search(live, SearchRequest(q=text, match="any", per_page=DEPTH))
        return [stem_to_id.get(hit.id, hit.id) for hit in page.hits]

    return rank


def fts5_index(docs: Iterable[Doc]) -> sqlite3.Connection:
    """An in-memory FTS5 table of (title, text), Porter-stemmed like the BEIR baselines."""
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, text,"
        " tokenize='porter unicode61 remove_diacritics 2')"
    )
    db.executemany("INSERT INTO docs VALUES (?, ?, ?)", ((d.id, d.title, d.text) for d in docs))
    db.commit()
    return db


def fts5_ranker(db: sqlite3.Connection) -> Callable[[str], Ranking]:
    def rank(text: str) -> Ranking:
        # Every word quoted, so FTS5 syntax in a query (AND, -, :) is just a word.
        words = re.findall(r"\w+", text)
        if not words:
            return []
        match = " OR ".join('"' + w + '"' for w in words)
        rows = db.execute(
            "SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?", (match, DEPTH)
        )
        return [row[0] for row in rows]

    return rank


def scores(qrels: dict[str, dict[str, int]], rankings: dict[str, Ranking]) -> dict[str, float]:
    """nDCG@10 and Recall@100 averaged over every judged query (no results scores 0)."""
    if not qrels:
        return {name: 0.0 for name in MEASURES}
    per_query = [
        (ndcg(grades, rankings.get(qid, []), 10), recall(grades, rankings.get(qid, []), 100))
        for qid, grades in qrels.items()
    ]
    return {
        name: statistics.fmean(figures[i] for figures in per_query)
        for i, name in enumerate(MEASURES)
    }


def latency(latencies: list[float]) -> dict[str, float]:
    if len(latencies) < 2:
        return {
            "p50_ms": latencies[0] if latencies else 0.0,
            "p95_ms": latencies[0] if latencies else 0.0,
        }
    cuts = statistics.quantiles(latencies, n=20, method="inclusive")
    return {"p50_ms": statistics.median(latencies), "p95_ms": cuts[18]}


def measure(
    qrels: dict[str, dict[str, int]],
    queries: dict[str, str],
    engines: dict[str, Callable[[str], Ranking]],
) -> dict[str, dict[str, float]]:
    figures = {}
    for name, rank in engines.items():
        rank(next(iter(queries.values())))  # warm up: open searchers, fill caches
        rankings, latencies = timed(queries, rank)
        figures[name] = scores(qrels, rankings) | latency(latencies)
    return figures


def measure_beir(collection: Collection, workdir: Path) -> dict[str, dict[str, float]]:
    """Index the collection with searchapp and FTS5 and score both."""
    stems = write_corpus(collection.docs, workdir / "corpus")
    summary = rebuild_index(workdir / "corpus", workdir / "index")
    print(
        f"# searchapp indexed {summary.indexed} of {len(collection.docs)} docs "
        f"in {summary.seconds:.1f}s ({len(summary.skipped)} skipped)"
    )
    live = LiveIndex(workdir / "index")
    try:
        return measure(
            collection.qrels,
            collection.queries,
            {
                "searchapp": searchapp_ranker(live, stems),
                "fts5": fts5_ranker(fts5_index(collection.docs)),
            },
        )
    finally:
        live.close()


def load_judged(path: Path) -> tuple[Path, dict[str, str], dict[str, dict[str, int]]]:
    """(corpus folder, queries, graded qrels) from our judged-queries file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    corpus = (path.parent / data["corpus"]).resolve()
    queries = {q["id"]: q["text"] for q in data["queries"]}
    qrels = {q["id"]: {d: g for d, g in q["grades"].items() if g > 0} for q in data["queries"]}
    return corpus, queries, qrels


def measure_judged(path: Path, workdir: Path) -> dict[str, dict[str, float]]:
    """Index the shipped corpus with searchapp and FTS5 (cleaned title + body) and score both."""
    corpus, queries, qrels = load_judged(path)
    rebuild_index(corpus, workdir / "index")
    sources, _ = read_sources(corpus)
    articles = [a for a in map(build_article, sources) if isinstance(a, Article)]
    docs = [Doc(a.id, a.title, a.body) for a in articles]
    live = LiveIndex(workdir / "index")
    try:
        return measure(
            qrels,
            queries,
            {"searchapp": searchapp_ranker(live, {}), "fts5": fts5_ranker(fts5_index(docs))},
        )
    finally:
        live.close()


def report(figures: dict[str, dict[str, float]]) -> list[str]:
    """One `<engine> <measure> <value>` line per figure, then searchapp minus FTS5."""
    lines = [
        f"{engine} {name} {value:.4f}" if "@" in name else f"{engine} {name} {value:.2f}"
        for engine, values in figures.items()
        for name, value in values.items()
    ]
    for name in MEASURES:
        lines.append(f"diff {name} {figures['searchapp'][name] - figures['fts5'][name]:+.4f}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="BEIR collection folder")
    parser.add_argument("--judged", type=Path, help="our judged-queries JSON instead of --data")
    parser.add_argument("--limit-queries", type=int, help="score only the first N judged queries")
    parser.add_argument(
        "--limit-docs", type=int, help="index at most N docs (judged ones of kept queries first)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="eval-ranking-") as tmp:
        if args.judged:
            figures = measure_judged(args.judged, Path(tmp))
            print(f"# judged queries: {args.judged}")
        else:
            try:
                collection = load_collection(
                    args.data, limit_queries=args.limit_queries, limit_docs=args.limit_docs
                )
            except MissingCollectionError as error:
                print(f"no test collection: {error} (pass --data DIR)", file=sys.stderr)
                return EXIT_NO_DATA
            docs, queries = len(collection.docs), len(collection.queries)
            print(f"# {args.data.name}: {docs} docs, {queries} queries")
            figures = measure_beir(collection, Path(tmp))
    print("\n".join(report(figures)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
