"""Whoosh and the SphinxQL engine side by side, in one run: build time, latency, agreement.

Usage: python bench/sphinx_engines.py [--size N] [--shards 1,2,3] [--queries N]
                                      [--collections scifact,cacm,...] [--skip-reuters]

1. Ranking (each dev collection in ../shared/data, BEIR layout, and our judged queries on
   the shipped corpus): both engines index the same corpus; nDCG@10 of each against the
   collection's judgments, and the difference (target: within 0.02).
2. Reuters-21578 (--size stories): build time of the Whoosh index and of a local cluster
   with 1, 2 and 3 shards; search latency p50/p99 through the API (Flask test client,
   /api/search, one process, queries = headlines of the first --queries stories, match any);
   and the agreement of each cluster's top 10 with Whoosh's (nDCG@10 taking Whoosh's
   ranking as the judgments: 1.0 is the same top 10 in the same order).

On one 2-core machine more shards only add overhead (each query fans out to every shard
and merges); the figures show that the mechanism works and what it costs here.
Exit status: 0 done, 3 searchd or the data is missing, 1 anything else.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from ranx import Qrels, Run, evaluate

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import reuters  # noqa: E402
from beir import MissingCollectionError, load_collection, write_corpus  # noqa: E402

from searchapp import create_app, engine  # noqa: E402
from searchapp.build import clean_corpus, rebuild_index  # noqa: E402
from searchapp.engine import LiveIndex  # noqa: E402
from searchapp.engine.sphinxql import cluster, config  # noqa: E402
from searchapp.engine.sphinxql.writer import rebuild_cluster  # noqa: E402
from searchapp.model import SearchRequest  # noqa: E402


class WhooshEngine:
    """The Whoosh surface with its handle bound (search and close), like a SphinxEngine."""

    def __init__(self, live: LiveIndex) -> None:
        self.live = live

    def search(self, request):
        return engine.search(self.live, request)

    def close(self) -> None:
        self.live.close()


DATA = REPO.parent / "shared" / "data"
JUDGED = REPO / "tests" / "data" / "judged_queries.json"
COLLECTIONS = ("scifact", "cacm", "med", "npl", "lisa", "adi", "time")
EXIT_MISSING = 3


def ndcg10(qrels: dict, rankings: dict) -> float:
    run = {
        q: {d: float(len(r) - i) for i, d in enumerate(r)} or {"-": 0.0}
        for q, r in rankings.items()
    }
    qrels = {q: g for q, g in qrels.items() if g}
    run = {q: run[q] for q in qrels}
    return float(evaluate(Qrels(qrels), Run(run), "ndcg@10", make_comparable=True))


def rank_all(engine, queries: dict[str, str], stems: dict[str, str]) -> dict[str, list[str]]:
    out = {}
    for qid, text in queries.items():
        page = engine.search(SearchRequest(q=text[:2000], match="any", per_page=100))
        out[qid] = [stems.get(h.id, h.id) for h in page.hits]
    return out


class Cluster:
    """A local cluster in a temporary folder, stopped on exit."""

    def __init__(self, folder: Path, shards: int) -> None:
        self.layout = config.plan_layout(folder, shards)
        config.write_cluster(self.layout)

    def __enter__(self):
        cluster.start_cluster(self.layout)
        return self.layout

    def __exit__(self, *exc) -> None:
        cluster.stop_cluster(self.layout)


def sphinx_engine(layout):
    app = create_app({"ENGINE": "sphinxql", "SPHINX_CLUSTER": str(layout.folder)})
    return app, app.extensions["searchapp.live"]


def ranking_figures(corpus: Path, queries, qrels, stems, work: Path, label: str) -> None:
    rebuild_index(corpus, work / "index")
    whoosh = WhooshEngine(LiveIndex(work / "index"))
    with Cluster(work / "cluster", 2) as layout:
        rebuild_cluster(corpus, layout, clean_corpus=clean_corpus)
        _, sphinx = sphinx_engine(layout)
        w = ndcg10(qrels, rank_all(whoosh, queries, stems))
        s = ndcg10(qrels, rank_all(sphinx, queries, stems))
        sphinx.close()
    whoosh.close()
    verdict = "within 0.02" if abs(s - w) <= 0.02 else "OUTSIDE 0.02"
    print(
        f"ranking {label}: whoosh ndcg@10 {w:.4f}, sphinxql {s:.4f}, diff {s - w:+.4f} ({verdict})"
    )


def collections(names: list[str], work: Path) -> None:
    import json

    data = json.loads(JUDGED.read_text(encoding="utf-8"))
    queries = {q["id"]: q["text"] for q in data["queries"]}
    qrels = {q["id"]: {d: g for d, g in q["grades"].items() if g > 0} for q in data["queries"]}
    ranking_figures(REPO / "corpus", queries, qrels, {}, work / "judged", "judged queries")
    for name in names:
        try:
            collection = load_collection(DATA / name)
        except MissingCollectionError as error:
            print(f"# {name}: skipped ({error})")
            continue
        stems = write_corpus(collection.docs, work / name / "corpus")
        label = f"{name} ({len(collection.docs)} docs, {len(collection.queries)} queries)"
        ranking_figures(
            work / name / "corpus", collection.queries, collection.qrels, stems, work / name, label
        )


def latencies(client, queries: list[str]) -> tuple[float, float]:
    times = []
    for q in queries:
        started = time.perf_counter()
        response = client.get("/api/search", query_string={"q": q, "match": "any"})
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return statistics.median(times), cuts[98]


def reuters_figures(size: int | None, shard_counts: list[int], n_queries: int, work: Path) -> None:
    corpus = work / "reuters"
    summary = reuters.write_corpus(corpus, size)
    stories = list(reuters.read_stories())[:n_queries]
    queries = [s.title for s in stories if s.title][:n_queries]
    print(f"# reuters: {summary['articles']} articles, {len(queries)} headline queries")
    started = time.monotonic()
    rebuild_index(corpus, work / "index")
    whoosh_build = time.monotonic() - started
    app = create_app({"INDEX_DIR": str(work / "index")})
    whoosh = WhooshEngine(app.extensions["searchapp.live"])
    latencies(app.test_client(), queries[:10])  # warm up
    p50, p99 = latencies(app.test_client(), queries)
    reference = {
        str(i): whoosh.search(SearchRequest(q=q, match="any")).hits for i, q in enumerate(queries)
    }
    qrels = {i: {h.id: 10 - rank for rank, h in enumerate(hits)} for i, hits in reference.items()}
    print("engine      shards  build_s  p50_ms  p99_ms  ndcg@10_vs_whoosh")
    print(f"whoosh      -       {whoosh_build:7.1f}  {p50:6.1f}  {p99:6.1f}  1.0000")
    whoosh.close()
    for shards in shard_counts:
        with Cluster(work / f"cluster-{shards}", shards) as layout:
            started = time.monotonic()
            rebuild_cluster(corpus, layout, clean_corpus=clean_corpus)
            build = time.monotonic() - started
            app, sphinx = sphinx_engine(layout)
            latencies(app.test_client(), queries[:10])
            p50, p99 = latencies(app.test_client(), queries)
            got = {
                str(i): [h.id for h in sphinx.search(SearchRequest(q=q, match="any")).hits]
                for i, q in enumerate(queries)
            }
            agreement = ndcg10(qrels, got)
            sphinx.close()
        print(f"sphinxql    {shards:<6}  {build:7.1f}  {p50:6.1f}  {p99:6.1f}  {agreement:.4f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=None, help="Reuters stories (default all)")
    parser.add_argument("--shards", default="1,2,3", help="shard counts to build and time")
    parser.add_argument("--queries", type=int, default=300, help="Reuters headline queries")
    parser.add_argument("--collections", default=",".join(COLLECTIONS), help="dev collections")
    parser.add_argument("--skip-reuters", action="store_true")
    parser.add_argument("--skip-ranking", action="store_true")
    args = parser.parse_args(argv)
    if shutil.which("searchd") is None:
        print("searchd is not installed: apt-get install sphinxsearch", file=sys.stderr)
        return EXIT_MISSING
    with tempfile.TemporaryDirectory(prefix="sphinx-bench-") as tmp:
        work = Path(tmp)
        if not args.skip_ranking:
            collections([c for c in args.collections.split(",") if c], work)
        if not args.skip_reuters:
            try:
                reuters_figures(
                    args.size, [int(n) for n in args.shards.split(",")], args.queries, work
                )
            except FileNotFoundError as error:
                print(f"no Reuters data: {error}", file=sys.stderr)
                return EXIT_MISSING
    return 0


if __name__ == "__main__":
    sys.exit(main())
