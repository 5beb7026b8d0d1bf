"""Measure searchapp against a SQLite FTS5 baseline built in the same run.

Usage: python bench/perf.py [--sizes 1000,21577,100000] [--quick] [--markdown FILE]

For each corpus size (Reuters-21578 stories; above 21,577 the corpus is SYNTHETIC, the
collection repeated with fresh ids and shifted dates) it measures, for searchapp and for the
FTS5 baseline (bench/fts5_app.py):

- full build time (articles/s; searchapp's includes cleaning), size on disk, peak memory;
- incremental rebuild after 1% of the articles changed;
- search latency p50/p95/p99 over 200 seeded queries, cold (each query's first run in a fresh
  process) and warm (second run), through searchapp.engine.search.search with snippets and facets;
- HTTP throughput and latency of /api/search and /healthz under gunicorn (2 workers x 4
  threads for both), with wrk when installed (else a threaded Python client), and server RSS.

Every figure is one line: `metric=NAME size=N searchapp=X baseline=Y ratio=X/Y`
(`na` where a side has no such figure). `--quick` is a CI smoke run: 1,000 articles, 60
queries, 2-second HTTP runs. Nothing here asserts on timing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import reuters  # noqa: E402

PYTHON = sys.executable
WORKERS, THREADS = 2, 4
QUERY_SEED = 7
_STOP = set(
    "the and for that with from this have said will would were been which their they also "
    "after about than into more over other said reuter reuters year years last week told "
    "could some there when what while under only such most between since being before".split()
)
_WORD = re.compile(r"[a-z]{4,}")


# ---------------------------------------------------------------- queries


def make_queries(n: int, seed: int = QUERY_SEED, sample: int = 1000) -> list[str]:
    """n seeded queries from the first `sample` stories (present at every corpus size).

    A quarter each: common words, rare words (in 1-2 sampled stories), two words from the
    same story, and quoted two-word phrases.
    """
    rng = random.Random(seed)
    docs = []
    for story in reuters.read_stories():
        docs.append([w for w in _WORD.findall(story.body.lower()) if w not in _STOP])
        if len(docs) >= sample:
            break
    df = Counter(w for words in docs for w in set(words))
    common = [w for w, _ in df.most_common(300)]
    rare = sorted(w for w, c in df.items() if c <= 2)
    mid = {w for w, c in df.items() if 3 <= c <= 200}
    kinds = ["common", "rare", "two", "phrase"]
    queries: list[str] = []
    seen: set[str] = set()
    for attempt in range(1000 * n):
        if len(queries) >= n:
            break
        # By attempt, not by count: a kind whose pool is used up (300 common words) must
        # not stall the others.
        kind = kinds[attempt % 4]
        words = rng.choice(docs)
        if kind == "common":
            q = rng.choice(common)
        elif kind == "rare":
            q = rng.choice(rare)
        elif kind == "two":
            pool = sorted({w for w in words if w in mid})
            if len(pool) < 2:
                continue
            q = " ".join(rng.sample(pool, 2))
        else:
            if len(words) < 2:
                continue
            i = rng.randrange(len(words) - 1)
            q = f'"{words[i]} {words[i + 1]}"'
        if q not in seen:
            seen.add(q)
            queries.append(q)
    return queries


# ---------------------------------------------------------------- child processes


def child_build(engine: str, corpus: Path, target: Path, incremental: bool, changed: list[str]):
    started = time.perf_counter()
    if engine == "searchapp":
        from searchapp.build import rebuild_index

        summary = rebuild_index(corpus, target, incremental=incremental)
        articles = summary.updated
    else:
        import fts5_app

        if incremental:
            articles = fts5_app.update(corpus, target, changed)
        else:
            articles = fts5_app.build(corpus, target)
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": seconds,
                "articles": articles,
                "rss_kb": _peak_rss_kb(),
                "children_rss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
            }
        )
    )


def child_latency(engine: str, target: Path, queries: list[str]):
    """Open the index, then time each query's first (cold) and second (warm) run."""
    if engine == "searchapp":
        from searchapp.engine.live_index import LiveIndex
        from searchapp.engine.search import SearchRequest, search

        started = time.perf_counter()
        live = LiveIndex(target)
        search(live, SearchRequest(q=""))  # open the generation and this thread's searcher

        def run(q: str) -> None:
            search(live, SearchRequest(q=q))
    else:
        import sqlite3

        import fts5_app

        started = time.perf_counter()
        conn = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
        fts5_app.search(conn, "")

        def run(q: str) -> None:
            fts5_app.search(conn, q)

    open_ms = (time.perf_counter() - started) * 1000
    passes = []
    for _ in range(2):
        times = []
        for q in queries:
            t = time.perf_counter()
            run(q)
            times.append((time.perf_counter() - t) * 1000)
        passes.append(times)
    print(
        json.dumps(
            {"open_ms": open_ms, "cold": passes[0], "warm": passes[1], "rss_kb": _peak_rss_kb()}
        )
    )


def _peak_rss_kb() -> int:
    """This process's peak RSS since exec (ru_maxrss would include the parent's before exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _child(*args: str) -> dict:
    out = subprocess.run([PYTHON, __file__, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- HTTP


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not come up")


def _tree_rss_mb(pid: int) -> float:
    """RSS of a process and its children (gunicorn master plus workers)."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def _serve(engine: str, target: Path, corpus: Path, port: int) -> subprocess.Popen:
    if engine == "searchapp":
        cmd = [
            PYTHON,
            "-c",
            "from searchapp.cli import main; main()",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(WORKERS),
            "--threads",
            str(THREADS),
            "--corpus",
            str(corpus),
            "--index",
            str(target),
        ]
        env = dict(os.environ)
    else:
        cmd = [
            PYTHON,
            "-m",
            "gunicorn",
            "-k",
            "gthread",
            "-w",
            str(WORKERS),
            "--threads",
            str(THREADS),
            "--chdir",
            str(BENCH),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "fts5_app:app",
        ]
        env = dict(os.environ, FTS5_DB=str(target))
    return subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )


_WARMUP = "oil bank trade wheat dollar tonnes shares profit".split()
_WRK_SCRIPT = """
local paths = {%s}
local counter = 0
local offset = 0
local threads = {}
function setup(thread)
  thread:set("offset", #threads * 7919)
  table.insert(threads, thread)
end
function init(args) offset = tonumber(offset) or 0 end
function request()
  counter = counter + 1
  return wrk.format("GET", paths[((offset + counter) %% #paths) + 1])
end
"""


def _wrk(url: str, paths: list[str], seconds: int, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths))
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{connections}",
                f"-d{seconds}s",
                "--latency",
                "--timeout",
                "10s",
                "-s",
                script.name,
                url,
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        ).stdout
    finally:
        os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {}
    for pct, value, unit in re.findall(
        r"^\s+(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", out, re.M
    ):
        latency[pct] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {
        "rps": rps,
        "p50": latency.get("50"),
        "p99": latency.get("99"),
        "errors": int(errors.group(1)) if errors else 0,
    }


def _python_load(url: str, paths: list[str], seconds: int, connections: int) -> dict:
    """Fallback load generator: `connections` threads, each with its own keep-alive client."""
    import http.client

    parsed = urllib.parse.urlsplit(url)
    stop = time.monotonic() + seconds
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def worker(offset: int) -> None:
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
        i = offset
        mine = []
        while time.monotonic() < stop:
            t = time.perf_counter()
            conn.request("GET", paths[i % len(paths)])
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - t) * 1000)
            if response.status != 200:
                with lock:
                    errors[0] += 1
            i += 1
        with lock:
            times.extend(mine)

    threads = [threading.Thread(target=worker, args=(k * 7919,)) for k in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {
        "rps": len(times) / seconds,
        "p50": _pct(times, 50),
        "p99": _pct(times, 99),
        "errors": errors[0],
    }


def http_run(engine: str, target: Path, corpus: Path, paths: list[str], seconds: int) -> dict:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = _serve(engine, target, corpus, port)
    load = _wrk if shutil.which("wrk") else _python_load
    try:
        _wait_up(base + "/healthz", proc)
        # Every worker opens its index on its first request; keep that out of the figures.
        for word in _WARMUP * WORKERS:
            urllib.request.urlopen(f"{base}/api/search?q={word}", timeout=60).read()
        search = load(base, paths, seconds, connections=WORKERS * THREADS)
        health = load(base, ["/healthz"], max(1, seconds // 2), connections=WORKERS * THREADS)
        rss = _tree_rss_mb(proc.pid)
    finally:
        _stop(proc)
    return {"search": search, "health": health, "rss_mb": rss, "tool": load.__name__[1:]}


def _stop(proc: subprocess.Popen) -> None:
    """Stop the server we started (its own process group: gunicorn master and workers)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# ---------------------------------------------------------------- the run


def _pct(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def _du_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def _change_one_percent(corpus: Path) -> list[str]:
    """Append a sentence to every 100th article; return their ids."""
    changed = []
    for i, path in enumerate(sorted(corpus.glob("*.txt"))):
        if i % 100 == 0:
            with path.open("a", encoding="utf-8") as handle:
                handle.write("\nThis story was corrected for the benchmark.\n")
            changed.append(path.stem)
    return changed


class Report:
    def __init__(self) -> None:
        self.rows: list[tuple[str, int, float | None, float | None]] = []

    def line(self, metric: str, size: int, ours: float | None, base: float | None = None):
        self.rows.append((metric, size, ours, base))
        ratio = ours / base if ours is not None and base else None
        print(
            f"metric={metric} size={size} searchapp={_fmt(ours)} baseline={_fmt(base)} "
            f"ratio={_fmt(ratio)}",
            flush=True,
        )

    def markdown(self) -> str:
        sizes = sorted({size for _, size, _, _ in self.rows})
        metrics = list(dict.fromkeys(m for m, _, _, _ in self.rows))
        table = {(m, s): (o, b) for m, s, o, b in self.rows}
        head = "| metric | " + " | ".join(f"{s:,} searchapp / FTS5 (ratio)" for s in sizes)
        out = [head + " |", "|---" * (len(sizes) + 1) + "|"]
        for m in metrics:
            cells = []
            for s in sizes:
                o, b = table.get((m, s), (None, None))
                if o is None and b is None:
                    cells.append("")
                elif b is None:
                    cells.append(_fmt(o))
                else:
                    cells.append(
                        f"{_fmt(o)} / {_fmt(b)} ({_fmt(o / b if o is not None and b else None)})"
                    )
            out.append(f"| {m} | " + " | ".join(cells) + " |")
        return "\n".join(out) + "\n"


def _fmt(value: float | None) -> str:
    if value is None:
        return "na"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"


def bench_size(
    size: int,
    work: Path,
    queries: list[str],
    http_paths: list[str],
    http_seconds: int,
    http_rounds: int,
    report: Report,
) -> None:
    root = work / str(size)
    shutil.rmtree(root, ignore_errors=True)
    corpus, index, db = root / "corpus", root / "index", root / "fts5.db"
    summary = reuters.write_corpus(corpus, size)
    # A build does not trust the size-and-mtime stamp of a file modified in the last
    # RECENT_NS (a second write in the same timestamp step would not change it), so an
    # incremental build re-reads such files. A real corpus is not written in the seconds
    # before its first build; wait that long so the incremental figure is the usual case.
    from searchapp.build import RECENT_NS

    time.sleep(RECENT_NS / 1e9)
    if summary["synthetic"]:
        print(
            f"# size={size}: SYNTHETIC corpus, {summary['stories']} Reuters stories repeated "
            "with fresh ids and dates shifted by whole years",
            flush=True,
        )

    ours = _child("_build", "searchapp", str(corpus), str(index))
    base = _child("_build", "fts5", str(corpus), str(db))
    report.line("build_articles_per_s", size, size / ours["seconds"], size / base["seconds"])
    report.line("build_s", size, ours["seconds"], base["seconds"])
    report.line("build_peak_rss_mb", size, ours["rss_kb"] / 1024, base["rss_kb"] / 1024)
    report.line("build_worker_peak_rss_mb", size, ours["children_rss_kb"] / 1024)
    report.line(
        "index_mb", size, _du_mb(index / (index / "CURRENT").read_text().strip()), _du_mb(db)
    )

    changed = _change_one_percent(corpus)
    ours_inc = _child("_build", "searchapp", str(corpus), str(index), "--incremental")
    base_inc = _child(
        "_build", "fts5", str(corpus), str(db), "--incremental", "--changed", ",".join(changed)
    )
    report.line("incremental_1pct_s", size, ours_inc["seconds"], base_inc["seconds"])
    report.line(
        "incremental_share_of_full_pct",
        size,
        100 * ours_inc["seconds"] / ours["seconds"],
        100 * base_inc["seconds"] / base["seconds"],
    )

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(queries, handle)
    try:
        lat_ours = _child("_latency", "searchapp", str(index), handle.name)
        lat_base = _child("_latency", "fts5", str(db), handle.name)
    finally:
        os.unlink(handle.name)
    report.line("open_index_ms", size, lat_ours["open_ms"], lat_base["open_ms"])
    for state in ("cold", "warm"):
        for pct in (50, 95, 99):
            report.line(
                f"search_{state}_p{pct}_ms",
                size,
                _pct(lat_ours[state], pct),
                _pct(lat_base[state], pct),
            )
    report.line("search_process_rss_mb", size, lat_ours["rss_kb"] / 1024, lat_base["rss_kb"] / 1024)

    # Alternate the two servers and keep each one's median run by throughput: on a shared
    # machine a neighbour's burst during one run would otherwise decide the ratio.
    runs: dict[str, list[dict]] = {"searchapp": [], "fts5": []}
    for _ in range(http_rounds):
        runs["searchapp"].append(http_run("searchapp", index, corpus, http_paths, http_seconds))
        runs["fts5"].append(http_run("fts5", db, corpus, http_paths, http_seconds))
    http_ours, http_base = (_median_run(runs[engine]) for engine in ("searchapp", "fts5"))
    print(
        f"# size={size}: HTTP load by {http_ours['tool']}, {WORKERS} workers x {THREADS} "
        f"threads, {WORKERS * THREADS} connections, {http_seconds}s, median of {http_rounds} "
        "alternating runs per server; search req/s per run: "
        + ", ".join(
            f"{engine} " + "/".join(f"{r['search']['rps']:.0f}" for r in runs[engine])
            for engine in runs
        ),
        flush=True,
    )
    report.line("http_search_rps", size, http_ours["search"]["rps"], http_base["search"]["rps"])
    report.line("http_search_p50_ms", size, http_ours["search"]["p50"], http_base["search"]["p50"])
    report.line("http_search_p99_ms", size, http_ours["search"]["p99"], http_base["search"]["p99"])
    report.line(
        "http_search_errors", size, http_ours["search"]["errors"], http_base["search"]["errors"]
    )
    report.line("http_healthz_rps", size, http_ours["health"]["rps"], http_base["health"]["rps"])
    report.line("server_rss_mb", size, http_ours["rss_mb"], http_base["rss_mb"])


def _median_run(runs: list[dict]) -> dict:
    return sorted(runs, key=lambda run: run["search"]["rps"])[len(runs) // 2]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_build":
        p = argparse.ArgumentParser()
        p.add_argument("engine")
        p.add_argument("corpus", type=Path)
        p.add_argument("target", type=Path)
        p.add_argument("--incremental", action="store_true")
        p.add_argument("--changed", default="")
        a = p.parse_args(argv[1:])
        child_build(
            a.engine, a.corpus, a.target, a.incremental, [c for c in a.changed.split(",") if c]
        )
        return 0
    if argv and argv[0] == "_latency":
        _, engine, target, queries = argv
        child_latency(engine, Path(target), json.loads(Path(queries).read_text()))
        return 0

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="1000,21577,100000",
        help="comma-separated corpus sizes (default: 1000,21577,100000)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="CI smoke run: 1,000 articles, 60 queries, 2 s HTTP runs",
    )
    parser.add_argument("--queries", type=int, default=200, help="latency queries (seeded)")
    parser.add_argument("--http-seconds", type=int, default=10, help="length of each HTTP load run")
    parser.add_argument(
        "--http-rounds", type=int, default=3, help="alternating HTTP runs per server (median kept)"
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="where corpora and indexes go (default: a temporary folder)",
    )
    parser.add_argument(
        "--markdown",
        type=Path,
        default=None,
        help="also write the results as a Markdown table to this file",
    )
    args = parser.parse_args(argv)
    sizes = [1000] if args.quick else [int(s) for s in args.sizes.split(",")]
    n_queries = 60 if args.quick else args.queries
    http_seconds = 2 if args.quick else args.http_seconds
    http_rounds = 1 if args.quick else args.http_rounds
    queries = make_queries(n_queries)
    # HTTP runs use many distinct queries so the load is not answered from any result cache.
    http_paths = [
        "/api/search?" + urllib.parse.urlencode({"q": q})
        for q in make_queries(500 if args.quick else 4000, seed=QUERY_SEED + 1)
    ]
    work = args.workdir or Path(tempfile.mkdtemp(prefix="searchapp-bench-"))
    print(
        f"# workdir={work} queries={len(queries)} http_seconds={http_seconds} "
        f"cpus={os.cpu_count()}",
        flush=True,
    )
    report = Report()
    try:
        for size in sizes:
            bench_size(size, work, queries, http_paths, http_seconds, http_rounds, report)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    if args.markdown:
        args.markdown.write_text(report.markdown(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
