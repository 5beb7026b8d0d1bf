"""cProfile a full build, or a query mix through the app, as bench/PERF.md breaks them down.

Usage: python bench/profiling.py build CORPUS_DIR INDEX_DIR OUT.prof
       python bench/profiling.py search INDEX_DIR OUT.prof [--queries 400]

The build runs in one process (procs=1) so the profile sees cleaning and writing; the
searches go through Flask's test client to /api/search, each query once (no result cache).
Both print the 40 costliest calls by cumulative time; read OUT.prof with pstats for more.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import perf  # noqa: E402


def profile_build(corpus: Path, index: Path, out: Path) -> float:
    from searchapp.build import rebuild_index

    shutil.rmtree(index, ignore_errors=True)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.runcall(rebuild_index, corpus, index, procs=1)
    profiler.dump_stats(out)
    return time.perf_counter() - started


def profile_search(index: Path, out: Path, n: int) -> float:
    from searchapp import create_app

    app = create_app({"INDEX_DIR": str(index), "TESTING": True})
    client = app.test_client()
    client.get("/api/search?q=")  # open the generation outside the profile
    paths = ["/api/search?" + urllib.parse.urlencode({"q": q}) for q in perf.make_queries(n)]
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for path in paths:
        if client.get(path).status_code != 200:
            raise SystemExit(f"{path} did not answer 200")
    profiler.disable()
    profiler.dump_stats(out)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    build = sub.add_parser("build", help="profile a full build in one process")
    build.add_argument("corpus", type=Path)
    build.add_argument("index", type=Path)
    build.add_argument("out", type=Path)
    search = sub.add_parser("search", help="profile a query mix through /api/search")
    search.add_argument("index", type=Path)
    search.add_argument("out", type=Path)
    search.add_argument("--queries", type=int, default=400, help="queries (seeded)")
    args = parser.parse_args(argv)
    if args.what == "build":
        seconds = profile_build(args.corpus, args.index, args.out)
    else:
        seconds = profile_search(args.index, args.out, args.queries)
    print(f"# {args.what}: {seconds:.1f} s under the profiler")
    pstats.Stats(str(args.out)).sort_stats("cumulative").print_stats(40)
    return 0


if __name__ == "__main__":
    sys.exit(main())
