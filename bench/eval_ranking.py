"""Score searchapp's ranking against SQLite FTS5 and bm25s on every judged collection.

Usage: python bench/eval_ranking.py [--data DIR ...] [--only NAME ...] [--no-judged]
                                    [--limit-queries N] [--limit-docs N] [--set NAME=VALUE ...]
                                    [--keep-index DIR]

Collections: every folder in BEIR layout (corpus.jsonl, queries.jsonl, qrels/test.tsv) under
../shared/data (or under each --data folder, which may also be one collection itself), plus
the judged queries of the shipped corpus (tests/data/judged_queries.json, row "shipped").
A collection added to ../shared/data is picked up with no change here.

Each BEIR collection's documents are written to a temporary corpus folder (`<id>.txt` holds
the abstract, `<id>.json` the title) and indexed by searchapp's own rebuild_index, cleaning
and all. In the same run the same title and text are indexed by two baselines set up as the
collections' READMEs describe: an FTS5 table (porter unicode61, bm25(), every word OR-ed)
and bm25s (its defaults, English stop words, PyStemmer's English stemmer). The shipped
corpus gives the baselines each cleaned article's title and body.

Queries run with match=any, top 100. Output: one Markdown table, a row per collection (printed
as soon as that collection is done, so a stopped run keeps its finished rows) and the mean
over collections, with nDCG@10 and Recall@100 per engine (the best of a row in
bold) and searchapp's median latency. --set tries a variant without editing code, e.g.
`--set engine.ranking.K1=0.9` (a module of the searchapp package, a constant, a Python literal).
Exit status: 0 done, 3 no collection found (nothing was measured), 1 anything else.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import json
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # run from a checkout without installing the package
sys.path.insert(0, str(Path(__file__).resolve().parent))

from beir import REQUIRED, Collection, Doc, load_collection, write_corpus  # noqa: E402
from ir_metrics import ndcg, recall  # noqa: E402

DATA_ROOT = REPO.parent / "shared" / "data"
JUDGED = REPO / "tests" / "data" / "judged_queries.json"
EXIT_NO_DATA = 3  # 2 is argparse's usage error
DEPTH = 100  # SearchRequest caps per_page at 100, and BEIR measures Recall@100
MEASURES = ("ndcg@10", "recall@100")
ENGINES = ("searchapp", "fts5", "bm25s")

Ranking = list[str]  # doc ids, best first


@dataclass(frozen=True)
class Judged:
    """One collection ready to measure: its documents and graded queries."""

    name: str
    docs: tuple[Doc, ...]
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]
    corpus: Path | None = None  # a searchapp corpus folder to index as it is (shipped)


def find_collections(roots: Iterable[Path]) -> list[Path]:
    """Every BEIR-layout folder among `roots` and their subfolders, sorted by name."""
    found: list[Path] = []
    for root in roots:
        candidates = [root] if _is_beir(root) else sorted(p for p in root.glob("*") if p.is_dir())
        found += [p for p in candidates if _is_beir(p)]
    return sorted(found, key=lambda p: p.name)


def _is_beir(folder: Path) -> bool:
    return all((folder / name).is_file() for name in REQUIRED)


def load_judged(path: Path) -> tuple[Path, dict[str, str], dict[str, dict[str, int]]]:
    """(corpus folder, queries, graded qrels) from our judged-queries file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    corpus = (path.parent / data["corpus"]).resolve()
    queries = {q["id"]: q["text"] for q in data["queries"]}
    qrels = {q["id"]: {d: g for d, g in q["grades"].items() if g > 0} for q in data["queries"]}
    return corpus, queries, qrels


def as_judged(name: str, collection: Collection) -> Judged:
    return Judged(name, collection.docs, collection.queries, collection.qrels)


def shipped_collection(path: Path) -> Judged:
    """The shipped corpus and its judged queries; the baselines get the cleaned articles."""
    from searchapp.ingest.load import read_sources
    from searchapp.ingest.pipeline import build_article
    from searchapp.model import Article

    corpus, queries, qrels = load_judged(path)
    sources, _ = read_sources(corpus)
    articles = [a for a in map(build_article, sources) if isinstance(a, Article)]
    docs = tuple(Doc(a.id, a.title, a.text) for a in articles)
    return Judged("shipped", docs, queries, qrels, corpus)


def timed(queries: dict[str, str], rank: Callable[[str], Ranking]) -> tuple[dict, list[float]]:
    """Run every query; return {qid: ranking} and the latency of each query in ms."""
    rankings, latencies = {}, []
    for qid, text in queries.items():
        started = time.perf_counter()
        rankings[qid] = rank(text)
        latencies.append((time.perf_counter() - started) * 1000)
    return rankings, latencies


def searchapp_ranker(live, stem_to_id: dict[str, str]) -> Callable[[str], Ranking]:
    from searchapp.engine import search
    from searchapp.model import SearchRequest

    def rank(text: str) -> Ranking:
        page = search(live, SearchRequest(q=text, match="any", per_page=DEPTH))
        return [stem_to_id.get(hit.id, hit.id) for hit in page.hits]

    return rank


def fts5_ranker(docs: Iterable[Doc]) -> Callable[[str], Ranking]:
    """An in-memory FTS5 table of (title, text), Porter-stemmed, every query word OR-ed."""
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, text,"
        " tokenize='porter unicode61 remove_diacritics 2')"
    )
    db.executemany("INSERT INTO docs VALUES (?, ?, ?)", ((d.id, d.title, d.text) for d in docs))
    db.commit()

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


def bm25s_ranker(docs: Iterable[Doc]) -> Callable[[str], Ranking]:
    """bm25s with its defaults over "title text", English stop words and Snowball stemmer."""
    import bm25s
    import Stemmer

    docs = list(docs)
    stemmer = Stemmer.Stemmer("english")
    retriever = bm25s.BM25()
    corpus = [f"{d.title} {d.text}" for d in docs]
    retriever.index(
        bm25s.tokenize(corpus, stopwords="en", stemmer=stemmer, show_progress=False),
        show_progress=False,
    )
    ids = [d.id for d in docs]

    def rank(text: str) -> Ranking:
        tokens = bm25s.tokenize([text], stopwords="en", stemmer=stemmer, show_progress=False)
        if not tokens.ids[0]:
            return []
        k = min(DEPTH, len(ids))
        found, points = retriever.retrieve(tokens, k=k, show_progress=False, n_threads=1)
        return [ids[i] for i, s in zip(found[0], points[0], strict=True) if s > 0]

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
        only = latencies[0] if latencies else 0.0
        return {"p50_ms": only, "p95_ms": only}
    cuts = statistics.quantiles(latencies, n=20, method="inclusive")
    return {"p50_ms": statistics.median(latencies), "p95_ms": cuts[18]}


def measure(
    collection: Judged, engines: dict[str, Callable[[str], Ranking]]
) -> dict[str, dict[str, float]]:
    """{engine: {measure: value}} for one collection, latency included."""
    figures = {}
    for name, rank in engines.items():
        rank(next(iter(collection.queries.values())))  # warm up: open searchers, fill caches
        rankings, latencies = timed(collection.queries, rank)
        figures[name] = scores(collection.qrels, rankings) | latency(latencies)
    return figures


def measure_collection(collection: Judged, workdir: Path) -> dict[str, dict[str, float]]:
    """Index one collection with searchapp and both baselines, and score all three."""
    from searchapp.build import rebuild_index
    from searchapp.engine import LiveIndex

    if collection.corpus is not None:
        corpus, stems = collection.corpus, {}
    else:
        corpus = workdir / "corpus"
        stems = write_corpus(collection.docs, corpus)
    if _usable(workdir / "index"):  # kept by an earlier run with --keep-index
        built = "its kept index"
    else:
        shutil.rmtree(workdir / "index", ignore_errors=True)  # none, or another version's
        summary = rebuild_index(corpus, workdir / "index", procs=1)
        built = f"{summary.indexed} indexed by searchapp in {summary.seconds:.1f}s"
    print(
        f"# {collection.name}: {len(collection.docs)} docs ({built}), "
        f"{len(collection.queries)} queries",
        file=sys.stderr,
        flush=True,
    )
    live = LiveIndex(workdir / "index")
    try:
        return measure(
            collection,
            {
                "searchapp": searchapp_ranker(live, stems),
                "fts5": fts5_ranker(collection.docs),
                "bm25s": bm25s_ranker(collection.docs),
            },
        )
    finally:
        live.close()


def _usable(index: Path) -> bool:
    """Whether a kept index opens with this version of searchapp."""
    from searchapp.engine import IndexUnavailableError, LiveIndex

    if not index.is_dir():
        return False
    live = LiveIndex(index)
    try:
        live.generation()
        return True
    except IndexUnavailableError:
        return False
    finally:
        live.close()


def mean_row(table: dict[str, dict[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    """The unweighted mean over collections of every engine's figures."""
    rows = list(table.values())
    return {
        engine: {name: statistics.mean(r[engine][name] for r in rows) for name in rows[0][engine]}
        for engine in rows[0]
    }


def header(engines: Iterable[str]) -> list[str]:
    """The Markdown table's head: each engine's nDCG@10 and Recall@100, searchapp's latency."""
    head = ["collection", "queries"]
    head += [f"{e} {m}" for m in MEASURES for e in engines] + ["searchapp p50 ms"]
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]


def row(name: str, queries: int, figures: dict[str, dict[str, float]]) -> str:
    """One collection's line of the table, the best engine of each measure in bold."""
    cells = [name, str(queries)]
    for measure_name in MEASURES:
        best = max(figures[e][measure_name] for e in figures)
        for value in (figures[e][measure_name] for e in figures):
            text = f"{value:.4f}"
            cells.append(f"**{text}**" if value == best else text)
    cells.append(f"{figures['searchapp']['p50_ms']:.1f}")
    return "| " + " | ".join(cells) + " |"


def report(table: dict[str, dict[str, dict[str, float]]], counts: dict[str, int]) -> list[str]:
    """The whole table at once: a row per collection and the mean (for callers and tests)."""
    lines = header(next(iter(table.values())))
    lines += [row(name, counts[name], figures) for name, figures in table.items()]
    return lines + [row("mean", sum(counts.values()), mean_row(table))]


def apply_settings(settings: list[str]) -> None:
    """`module.NAME=literal` -> set searchapp.module.NAME, for trying a variant."""
    for setting in settings:
        target, _, value = setting.partition("=")
        module_name, _, constant = target.rpartition(".")
        module = importlib.import_module(f"searchapp.{module_name}")
        if not hasattr(module, constant):
            raise SystemExit(f"--set {setting}: searchapp.{module_name} has no {constant}")
        setattr(module, constant, ast.literal_eval(value))
        print(f"# set searchapp.{module_name}.{constant} = {value}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data",
        type=Path,
        action="append",
        help=f"a BEIR collection or a folder of them (repeatable; default {DATA_ROOT})",
    )
    parser.add_argument("--only", action="append", help="measure only this collection (repeat)")
    parser.add_argument("--no-judged", action="store_true", help="leave out the shipped corpus")
    parser.add_argument("--limit-queries", type=int, help="score only the first N queries of each")
    parser.add_argument(
        "--limit-docs", type=int, help="index at most N docs (judged ones of kept queries first)"
    )
    parser.add_argument(
        "--set", action="append", default=[], metavar="MODULE.NAME=VALUE", help="try a variant"
    )
    parser.add_argument(
        "--keep-index",
        type=Path,
        metavar="DIR",
        help="keep each collection's searchapp index in DIR/NAME and reuse it in later runs "
        "(for query-time variants; delete DIR after changing how documents are indexed)",
    )
    args = parser.parse_args(argv)
    apply_settings(args.set)
    folders = find_collections(args.data or [DATA_ROOT])
    if args.only:
        folders = [f for f in folders if f.name in args.only]
    with_shipped = not args.no_judged and (not args.only or "shipped" in args.only)
    if not folders and args.only != ["shipped"]:
        where = ", ".join(str(p) for p in args.data or [DATA_ROOT])
        print(
            f"no test collection in BEIR layout in {where} (needs {', '.join(REQUIRED)}; "
            "pass --data DIR, or --only shipped for our judged queries alone)",
            file=sys.stderr,
        )
        return EXIT_NO_DATA
    limits = {"limit_queries": args.limit_queries, "limit_docs": args.limit_docs}
    collections = [as_judged(f.name, load_collection(f, **limits)) for f in folders]
    if with_shipped:
        collections.append(shipped_collection(JUDGED))
    # Each row is printed as soon as its collection is done, so a long run that is stopped
    # still leaves every finished row behind; the mean row closes the table.
    print("\n".join(header(ENGINES)), flush=True)
    table, counts = {}, {}
    for collection in collections:
        with tempfile.TemporaryDirectory(prefix="eval-ranking-") as tmp:
            workdir = args.keep_index / collection.name if args.keep_index else Path(tmp)
            table[collection.name] = measure_collection(collection, workdir)
        counts[collection.name] = len(collection.queries)
        print(row(collection.name, counts[collection.name], table[collection.name]), flush=True)
    if table:
        print(row("mean", sum(counts.values()), mean_row(table)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
