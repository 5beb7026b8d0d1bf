"""Whoosh and the SphinxQL engine side by side, in one run: build time, latency, agreement.

Usage: python bench/sphinx_engines.py [--limit N] [--shards 1,2,3] [--queries N] [--rounds N]
                                      [--collections scifact,cacm,...]
                                      [--skip-ranking] [--skip-reuters]

1. Ranking (each dev collection in ../shared/data, BEIR layout, and our judged queries on
   the shipped corpus): both engines index the same corpus; nDCG@10 of each against the
   collection's judgments, and the difference (target: within 0.02).
2. Reuters-21578 (the first --limit stories, default all): build time of the Whoosh index
   and of a local cluster with 1, 2 and 3 shards (all kept running); search latency
   p50/p99 through the API (Flask test client, /api/search, one process) for the same
   query mix on every engine, the engines interleaved query by query; the ratios to
   Whoosh's figures of the same run; and the agreement of each cluster's top 10 with
   Whoosh's (nDCG@10 taking Whoosh's ranking as the judgments: 1.0 is the same top 10 in
   the same order).

On one 2-core machine more shards only add overhead (each query fans out to every shard
and merges); the figures show that the mechanism works and what it costs here.
Exit status: 0 done, 3 searchd or the data is missing, 1 anything else.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import reuters  # noqa: E402
from beir import MissingCollectionError, load_collection, write_corpus  # noqa: E402
from ir_metrics import ndcg  # noqa: E402  (plain Python; ranx is not a dependency)

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
    """Mean nDCG@10 over the queries with a judged document (an unranked query scores 0)."""
    judged = {q: grades for q, grades in qrels.items() if grades}
    scores = [ndcg(grades, rankings.get(q, []), k=10) for q, grades in judged.items()]
    return sum(scores) / len(scores) if scores else 0.0


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


# The query mix, cycled over the headlines of the first --queries stories: the shapes a
# reader types (all words, any word, a phrase, a prefix, newest first).
QUERY_KINDS = ("any", "all", "phrase", "prefix", "date")
_WORD = re.compile(r"[A-Za-z]{3,}")
# Warm-up queries outside the mix: the Whoosh engine keeps a result cache, so a query
# asked before (in the warm-up or an earlier round) would time its cache, not its search.
WARM_UP = ({"q": "oil prices"}, {"q": "trade", "sort": "date"}, {"q": "bank*"}, {"q": "grain"})


def query_mix(headlines: list[str]) -> list[dict]:
    """One /api/search query string per headline, cycling through QUERY_KINDS."""
    mix = []
    for n, headline in enumerate(headlines):
        words = _WORD.findall(headline)
        if len(words) < 2:
            continue
        kind = QUERY_KINDS[n % len(QUERY_KINDS)]
        two = " ".join(words[:2])
        if kind == "any":
            mix.append({"q": headline, "match": "any"})
        elif kind == "all":
            mix.append({"q": two})
        elif kind == "phrase":
            mix.append({"q": f'"{two}"'})
        elif kind == "prefix":
            mix.append({"q": words[0][:4].lower() + "*"})
        else:
            mix.append({"q": two, "sort": "date"})
    return mix


def query_kind(query: dict) -> str:
    """Which of QUERY_KINDS a query of query_mix() is."""
    if query.get("match") == "any":
        return "any"
    if query.get("sort") == "date":
        return "date"
    if query["q"].startswith('"'):
        return "phrase"
    return "prefix" if query["q"].endswith("*") else "all"


@dataclass
class Contender:
    """One engine behind the API: its name, a test client, and the times measured."""

    name: str
    shards: int | None
    build_s: float
    client: object
    close: object
    times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def ask(self, query: dict) -> list[str] | None:
        """The ids the API answered, or None for an error (counted, and its text kept)."""
        started = time.perf_counter()
        response = self.client.get("/api/search", query_string=query)
        self.times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            # On a loaded machine a cold query can run past the 5 s budget (a 503): count
            # it rather than stop a run that took an hour to build.
            self.errors.append(f"{query} -> {response.status_code} {response.get_json()}")
            return None
        return [hit["id"] for hit in response.get_json()["results"]]

    def quantiles(self) -> tuple[float, float]:
        cuts = statistics.quantiles(self.times, n=100, method="inclusive")
        return statistics.median(self.times), cuts[98]


def time_rounds(contenders: list[Contender], queries: list[dict], rounds: int) -> dict:
    """Every query on every engine, `rounds` times, the engines' order rotating per query.

    Interleaving means a burst of load from the machine's other work lands on all engines
    alike, rather than on whichever happened to run then. Returns the first round's ids.
    """
    for contender in contenders:  # warm-up (files, connections), not timed
        for query in WARM_UP:
            contender.ask(query)
        contender.times.clear()
        contender.errors.clear()
    answers: dict = {c.name: {} for c in contenders}
    for _ in range(rounds):
        for n, query in enumerate(queries):
            turn = n % len(contenders)
            for contender in contenders[turn:] + contenders[:turn]:
                answers[contender.name].setdefault(str(n), contender.ask(query))
    return answers


def whoosh_contender(corpus: Path, work: Path) -> Contender:
    started = time.monotonic()
    rebuild_index(corpus, work / "index")
    build = time.monotonic() - started
    app = create_app({"INDEX_DIR": str(work / "index")})
    live = app.extensions["searchapp.live"]
    return Contender("whoosh", None, build, app.test_client(), live.close)


def sphinx_contender(corpus: Path, work: Path, shards: int, stack: ExitStack) -> Contender:
    layout = stack.enter_context(Cluster(work / f"cluster-{shards}", shards))
    started = time.monotonic()
    rebuild_cluster(corpus, layout, clean_corpus=clean_corpus)
    build = time.monotonic() - started
    app, sphinx = sphinx_engine(layout)
    return Contender(f"sphinxql-{shards}", shards, build, app.test_client(), sphinx.close)


def reuters_figures(
    size: int | None, shard_counts: list[int], n_queries: int, rounds: int, work: Path
) -> None:
    corpus = work / "reuters"
    summary = reuters.write_corpus(corpus, size)
    headlines = [s.title for s in list(reuters.read_stories())[: summary["articles"]] if s.title]
    queries = query_mix(headlines[:n_queries])
    print(
        f"# reuters: {summary['articles']} articles, {len(queries)} queries "
        f"({'/'.join(QUERY_KINDS)}, cycled) x {rounds} rounds through /api/search"
    )
    with ExitStack() as stack:
        contenders = [whoosh_contender(corpus, work)]
        stack.callback(contenders[0].close)
        for shards in shard_counts:
            contender = sphinx_contender(corpus, work, shards, stack)
            stack.callback(contender.close)
            contenders.append(contender)
        answers = time_rounds(contenders, queries, rounds)
        print_table(contenders, answers)
        print_kinds(contenders, answers, queries)


def _agreement(reference: dict, got: dict, keep=lambda n: True) -> float:
    """nDCG@10 of `got` taking `reference` (Whoosh's top 10) as the judgments."""
    qrels = {
        n: {d: 10 - rank for rank, d in enumerate(ids[:10])}
        for n, ids in reference.items()
        if ids is not None and keep(n)
    }
    answered = {n: ids[:10] for n, ids in got.items() if ids is not None and n in qrels}
    return ndcg10({n: g for n, g in qrels.items() if n in answered}, answered)


def print_kinds(contenders: list[Contender], answers: dict, queries: list[dict]) -> None:
    """Each cluster's agreement with Whoosh's top 10, per query kind."""
    reference = answers[contenders[0].name]
    kinds = {str(n): query_kind(q) for n, q in enumerate(queries)}
    for c in contenders[1:]:
        parts = [
            f"{kind} {_agreement(reference, answers[c.name], lambda n, k=kind: kinds[n] == k):.4f}"
            for kind in QUERY_KINDS
        ]
        print(f"# {c.name} nDCG@10 vs whoosh by kind: " + ", ".join(parts))


def print_table(contenders: list[Contender], answers: dict) -> None:
    """A Markdown table: each engine's build and latency, as ratios to Whoosh's too."""
    whoosh = contenders[0]
    reference = answers[whoosh.name]
    # Whoosh's top 10 as the judgments: 1.0 is the same top 10 in the same order.
    qrels = {
        n: {d: 10 - rank for rank, d in enumerate(ids[:10])}
        for n, ids in reference.items()
        if ids is not None
    }
    w50, w99 = whoosh.quantiles()
    print(
        "| engine | shards | build s | p50 ms | p99 ms | build / whoosh | p50 / whoosh "
        "| p99 / whoosh | nDCG@10 vs whoosh | errors |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for c in contenders:
        p50, p99 = c.quantiles()
        # Agreement over the queries both engines answered.
        got = {n: ids[:10] for n, ids in answers[c.name].items() if ids is not None}
        agreement = ndcg10({n: g for n, g in qrels.items() if n in got}, got)
        print(
            f"| {c.name.split('-')[0]} | {c.shards or '-'} | {c.build_s:.1f} | {p50:.1f} "
            f"| {p99:.1f} | {c.build_s / whoosh.build_s:.2f} | {p50 / w50:.2f} "
            f"| {p99 / w99:.2f} | {agreement:.4f} | {len(c.errors)} |"
        )
    for c in contenders:
        for error in c.errors[:5]:
            print(f"# {c.name} error: {error}"[:300])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--limit",
        "--size",
        dest="size",
        type=int,
        default=None,
        help="Reuters stories (default all 21,578)",
    )
    parser.add_argument("--shards", default="1,2,3", help="shard counts to build and time")
    parser.add_argument("--queries", type=int, default=300, help="Reuters headlines to query")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="timed passes over the queries (after the first, Whoosh answers from its cache)",
    )
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
                    args.size,
                    [int(n) for n in args.shards.split(",") if n],
                    args.queries,
                    args.rounds,
                    work,
                )
            except FileNotFoundError as error:
                print(f"no Reuters data: {error}", file=sys.stderr)
                return EXIT_MISSING
    return 0


if __name__ == "__main__":
    sys.exit(main())
