"""Compare this checkout's search latency with another checkout's, in the same run.

Usage: python bench/latency_ab.py BASELINE_CHECKOUT [--rounds 3] [--reuters N] [--scifact N]

BASELINE_CHECKOUT is a folder holding another version of searchapp, e.g. the tree before a
change: `git archive 7e53384 | tar -x -C /tmp/today`. Each side indexes the same corpora
with its own code (index formats differ between versions) and runs the same queries, in
child processes that import only that side's package, alternating A, B, A, B so that a
change in the machine's load falls on both.

Corpora and queries (every search asks for 100 hits, with snippets and facets, as the page
does): the first N Reuters-21578 stories with bench/perf.py's 200 seeded news queries
(common words, rare words, word pairs, quoted phrases), and the first N SciFact abstracts
with its 300 natural-language queries, each run once with match=all and once with
match=any. A child runs every query once (the result cache never answers); a query's
figure is its median over rounds. Output: one line per query mix and side, p50/p95 ms and
the ratio this checkout / baseline. Nothing here asserts on timing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

PER_PAGE = 100


def child(checkout: Path, task: str, path: Path, queries_file: Path | None) -> None:
    """In a fresh process: import `checkout`'s searchapp, then build or time."""
    sys.path.insert(0, str(checkout))
    import searchapp

    assert Path(searchapp.__file__).is_relative_to(checkout), searchapp.__file__
    if task == "build":
        from searchapp.build import rebuild_index

        corpus, index = path, Path(str(path) + ".index")
        rebuild_index(corpus, index, procs=1)
        return
    try:  # the layout of issue 15
        from searchapp.engine.live_index import LiveIndex
        from searchapp.engine.search import SearchRequest, search
    except ImportError:  # the flat layout before it
        from searchapp.reader import LiveIndex
        from searchapp.search import SearchRequest, search

    live = LiveIndex(path)
    search(live, SearchRequest(q=""))  # open the generation and this thread's searcher
    search(live, SearchRequest(q="warm up the scorer", per_page=PER_PAGE))
    times = []
    for q, match in json.loads(queries_file.read_text(encoding="utf-8")):
        started = time.perf_counter()
        search(live, SearchRequest(q=q, match=match, per_page=PER_PAGE))
        times.append((time.perf_counter() - started) * 1000)
    print(json.dumps(times))


def run_child(checkout: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-W", "ignore", __file__, "--child", str(checkout), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"child for {checkout} failed:\n{done.stderr}")
    return done.stdout


def corpora(workdir: Path, reuters_n: int, scifact_n: int) -> dict[str, tuple[Path, list]]:
    """{mix name: (corpus folder, [(query, match), ...])}, written with this checkout's code."""
    import perf
    import reuters
    from beir import load_collection, write_corpus

    mixes = {}
    reuters.write_corpus(workdir / "reuters", reuters_n)
    mixes["reuters"] = (workdir / "reuters", [(q, "all") for q in perf.make_queries(200)])
    scifact = REPO.parent / "shared" / "data" / "scifact"
    if scifact.is_dir():
        collection = load_collection(scifact, limit_docs=scifact_n)
        write_corpus(collection.docs, workdir / "scifact")
        queries = list(collection.queries.values())
        mixes["scifact"] = (
            workdir / "scifact",
            [(q, m) for m in ("all", "any") for q in queries],
        )
    return mixes


def summary(times: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(times, n=20, method="inclusive")
    return statistics.median(times), cuts[18]


def measure_mix(
    mix: str, corpus: Path, queries: list, sides: dict[str, Path], workdir: Path, rounds: int
) -> None:
    """Index `corpus` with each side's code, time `queries` in alternating rounds, print."""
    qfile = workdir / f"{mix}.json"
    qfile.write_text(json.dumps(queries), encoding="utf-8")
    for side, checkout in sides.items():
        target = workdir / f"{mix}-{side}"
        target.symlink_to(corpus, target_is_directory=True)
        run_child(checkout, "build", target)
    runs: dict[str, list[list[float]]] = {side: [] for side in sides}
    for _ in range(rounds):
        for side, checkout in sides.items():
            index = workdir / f"{mix}-{side}.index"
            runs[side].append(json.loads(run_child(checkout, "time", index, str(qfile))))
    figures = {}
    for side, side_runs in runs.items():
        per_query = [statistics.median(r[i] for r in side_runs) for i in range(len(queries))]
        figures[side] = p50, p95 = summary(per_query)
        print(f"mix={mix} side={side} queries={len(queries)} p50_ms={p50:.2f} p95_ms={p95:.2f}")
    (p50a, p95a), (p50b, p95b) = figures["this"], figures["baseline"]
    print(f"mix={mix} ratio_p50={p50a / p50b:.2f} ratio_p95={p95a / p95b:.2f}", flush=True)


def main(argv: list[str] | None = None) -> int:
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "--child":
        checkout, task, path, *rest = sys.argv[2:]
        child(Path(checkout), task, Path(path), Path(rest[0]) if rest else None)
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("baseline", type=Path, help="another checkout of searchapp")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reuters", type=int, default=21577, help="Reuters stories to index")
    parser.add_argument("--scifact", type=int, default=5183, help="SciFact abstracts to index")
    args = parser.parse_args(argv)
    sides = {"this": REPO, "baseline": args.baseline.resolve()}
    with tempfile.TemporaryDirectory(prefix="latency-ab-") as tmp:
        workdir = Path(tmp)
        for mix, (corpus, queries) in corpora(workdir, args.reuters, args.scifact).items():
            measure_mix(mix, corpus, queries, sides, workdir, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
