"""Measure searchapp against baselines built in the same run, and print issue 17's targets.

Usage: python bench/perf.py [--sizes 1000,21577,100000] [--quick] [--markdown FILE]
                            [--compare-with OTHER_CHECKOUT] [--build-only] [--http-rounds 0]

For each corpus size (Reuters-21578 stories; above 21,577 the corpus is SYNTHETIC, the
collection repeated with fresh ids and shifted dates) it measures searchapp against
SQLite FTS5 behind a minimal Flask endpoint with snippet() (bench/fts5_app.py) and, for
the build, against a plain single-process Whoosh loop with three stemmed fields
(bench/whoosh_loop.py):

- full build time (searchapp's includes cleaning), size on disk, peak memory;
- incremental rebuild after 1% of the articles changed;
- search latency p50/p95/p99 over 200 seeded queries (common words, rare words, word
  pairs, quoted phrases), through searchapp.engine.search with snippets, facets and the
  timeline: cold is each query on a freshly opened index (nothing cached, nothing read
  yet, as the first request after a start or a publish; opening is timed apart), first
  its first run on an index that already answered the other queries (the older runs'
  "cold"), warm its second run there (the result cache);
- HTTP throughput and latency of /api/search and /healthz under gunicorn (2 workers x 4
  threads for both), with wrk when installed (else a threaded Python client), and server RSS;
- once per run: the HTML path (extraction, cleaning, metadata) against trafilatura's own
  extract(), CPU time per page on article-extraction-benchmark pages.

Every figure is one line: `metric=NAME size=N searchapp=X baseline=Y ratio=X/Y`
(`na` where a side has no such figure; ` before=Z` is the --compare-with checkout's
searchapp, run on the same corpus in the same run). The run ends with one
`target=... measured=... limit=... status=met|missed|not run` line per target. `--quick`
is a CI smoke run: 300 articles, 40 queries, 10 HTML pages, one 2-second HTTP run.
Nothing here asserts on timing.
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
    # dict.fromkeys, not set: a set's order follows the per-process string hash, so ties in
    # most_common() (and so the whole query mix) changed from one run to the next.
    df = Counter(w for words in docs for w in dict.fromkeys(words))
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
    elif engine == "whoosh_loop":
        import whoosh_loop

        articles = whoosh_loop.build(corpus, target)
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
    """Each query on a freshly opened index (cold: no result cache, nothing read yet, as
    the first request after a start or a publish; opening is timed apart), then every
    query twice on one handle (first: warm index, query not seen; warm: its second run)."""
    if engine == "searchapp":
        from searchapp.engine.live_index import LiveIndex
        from searchapp.engine.search import SearchRequest, search

        def open_handle():
            live = LiveIndex(target)
            live.generation()  # read the columns, the date rank: what a first request pays
            return live

        def run(live, q: str) -> None:
            search(live, SearchRequest(q=q))

        def close(live) -> None:
            live.close()
    else:
        import sqlite3

        import fts5_app

        def open_handle():
            return sqlite3.connect(f"file:{target}?mode=ro", uri=True)

        def run(conn, q: str) -> None:
            fts5_app.search(conn, q)

        def close(conn) -> None:
            conn.close()

    opens, cold = [], []
    for q in queries:
        t = time.perf_counter()
        handle = open_handle()
        opens.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        run(handle, q)
        cold.append((time.perf_counter() - t) * 1000)
        close(handle)
    # One handle for all: each query's first run after the others (warm index, query not
    # seen: the older perf.py's "cold"), then its second (the result cache).
    handle = open_handle()
    passes = []
    for _ in range(2):
        times = []
        for q in queries:
            t = time.perf_counter()
            run(handle, q)
            times.append((time.perf_counter() - t) * 1000)
        passes.append(times)
    close(handle)
    print(
        json.dumps(
            {
                "open_ms": _pct(opens, 50),
                "cold": cold,
                "first": passes[0],
                "warm": passes[1],
                "rss_kb": _peak_rss_kb(),
            }
        )
    )


def child_html(limit: int):
    """ms per page: searchapp's HTML path (extraction, cleaning, metadata) and trafilatura's
    own extract(), on the same article-extraction-benchmark pages, in this one process."""
    import trafilatura
    from extraction_sets import load_set

    from searchapp.ingest.pipeline import Source, build_article

    pages = load_set("aeb", limit=limit)
    sources = [Source(p.id, f"{p.id}.html", "html", p.html, p.id) for p in pages]
    for source in sources[:3]:  # imports and first-use caches out of the figures
        build_article(source)
        trafilatura.extract(source.text)
    t = time.process_time()
    for source in sources:
        build_article(source)
    ours = time.process_time() - t
    t = time.process_time()
    for source in sources:
        trafilatura.extract(source.text)
    theirs = time.process_time() - t
    print(json.dumps({"pages": len(sources), "ours_s": ours, "trafilatura_s": theirs}))


def _peak_rss_kb() -> int:
    """This process's peak RSS since exec (ru_maxrss would include the parent's before exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _child(*args: str, tree: Path | None = None) -> dict:
    """Run a step in a fresh process; `tree` puts another checkout's searchapp first."""
    env = dict(os.environ)
    if tree is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tree), env.get("PYTHONPATH")]))
    out = subprocess.run(
        [PYTHON, __file__, *args], check=True, capture_output=True, text=True, env=env
    )
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


# The smoke run's corpus: enough articles for every step to do real work, few enough that
# the test suite spends under a minute on it (1,000 took 90 s of a loaded CI run).
QUICK_SIZE = 200


class Report:
    """Every figure as one line as it is measured, then the targets and a Markdown table."""

    def __init__(self) -> None:
        # (metric, size) -> (searchapp, baseline, the --compare-with tree's searchapp)
        self.rows: dict[tuple[str, int], tuple[float | None, float | None, float | None]] = {}

    def line(
        self,
        metric: str,
        size: int,
        ours: float | None,
        base: float | None = None,
        before: float | None = None,
    ):
        self.rows[(metric, size)] = (ours, base, before)
        ratio = ours / base if ours is not None and base else None
        tail = "" if before is None else f" before={_fmt(before)}"
        print(
            f"metric={metric} size={size} searchapp={_fmt(ours)} baseline={_fmt(base)} "
            f"ratio={_fmt(ratio)}{tail}",
            flush=True,
        )

    def get(self, metric: str, size: int, which: int = 0) -> float | None:
        return self.rows.get((metric, size), (None, None, None))[which]

    def targets(self) -> list[tuple[str, str, str, str]]:
        """(target, measured, limit, met/missed/not run) for every target of issue 17."""
        sizes = sorted({size for _, size in self.rows if size})
        # The 21k is the whole collection; the nearest size measured stands in.
        main = min(sizes, key=lambda s: abs(s - 21577)) if sizes else 0
        big = max(sizes) if sizes and max(sizes) >= 100_000 else -1
        rows = []
        for size in sizes:
            loop, ours = self.get("build_s_vs_whoosh_loop", size, 1), self.get("build_s", size)
            rows.append(
                (f"full build vs plain Whoosh loop, {size:,}", _ratio(loop, ours), 1.5, "x")
            )
            share = self.get("incremental_share_of_full_pct", size)
            rows.append((f"incremental 1% / full build, {size:,}", share, -5, "%"))
        html = _ratio(self.get("html_ms_per_page", 0), self.get("html_ms_per_page", 0, 1))
        rows.append(("HTML path / trafilatura extract(), per page", html, -1.2, "x"))
        p50 = _ratio(self.get("search_cold_p50_ms", main), self.get("search_cold_p50_ms", main, 1))
        rows.append((f"cold search p50 / FTS5's, {main:,}", p50, -2, "x"))
        rows.append(
            (f"cold search p99, {main:,}", self.get("search_cold_p99_ms", main), -30, " ms")
        )
        rows.append(("cold search p99, 100k", self.get("search_cold_p99_ms", big), -100, " ms"))
        rows.append(("server RSS, 100k", self.get("server_rss_mb", big), -300, " MB"))
        out = []
        for name, value, limit, unit in rows:
            # A negative limit is a ceiling (at most), a positive one a floor (at least).
            met = value is not None and (value <= -limit if limit < 0 else value >= limit)
            status = "not run" if value is None else "met" if met else "missed"
            bound = f"≤ {_fmt(-limit)}" if limit < 0 else f"≥ {_fmt(limit)}"
            shown = "na" if value is None else f"{_fmt(value)}{unit}"
            out.append((name, shown, f"{bound}{unit}", status))
        return out

    def print_targets(self) -> None:
        for name, value, limit, status in self.targets():
            print(f"target={name!r} measured={value} limit={limit} status={status}", flush=True)

    def markdown(self) -> str:
        sizes = sorted({size for _, size in self.rows})
        metrics = list(dict.fromkeys(m for m, _ in self.rows))
        compare = any(before is not None for _, _, before in self.rows.values())
        label = "searchapp / baseline (ratio)" + (" [before]" if compare else "")
        head = "| metric | " + " | ".join(f"{s:,}: {label}" if s else label for s in sizes)
        out = [head + " |", "|---" * (len(sizes) + 1) + "|"]
        for m in metrics:
            cells = []
            for s in sizes:
                o, b, before = self.rows.get((m, s), (None, None, None))
                if o is None and b is None:
                    cells.append("")
                    continue
                cell = _fmt(o)
                if b is not None:
                    cell += f" / {_fmt(b)} ({_fmt(o / b if o is not None and b else None)})"
                if before is not None:
                    cell += f" [{_fmt(before)}]"
                cells.append(cell)
            out.append(f"| {m} | " + " | ".join(cells) + " |")
        out += ["", "| target | measured | limit | met? |", "|---|---|---|---|"]
        out += [f"| {n} | {v} | {lim} | {st} |" for n, v, lim, st in self.targets()]
        return "\n".join(out) + "\n"


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _fmt(value: float | None) -> str:
    if value is None:
        return "na"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"


def bench_size(size: int, work: Path, queries: list[str], args, report: Report) -> None:
    root = work / str(size)
    shutil.rmtree(root, ignore_errors=True)
    corpus, index, db, loop = root / "corpus", root / "index", root / "fts5.db", root / "loop"
    before_index = root / "index-before"
    tree = args.compare_with
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

    # The plain loop between the two searchapp builds: a neighbour's burst on the shared
    # machine then weighs on both sides of the comparison alike.
    ours = _child("_build", "searchapp", str(corpus), str(index))
    base_loop = _child("_build", "whoosh_loop", str(corpus), str(loop))
    before = (
        _child("_build", "searchapp", str(corpus), str(before_index), tree=tree) if tree else {}
    )
    base = _child("_build", "fts5", str(corpus), str(db))
    b = before.get
    report.line(
        "build_articles_per_s",
        size,
        size / ours["seconds"],
        size / base["seconds"],
        size / b("seconds") if before else None,
    )
    report.line("build_s", size, ours["seconds"], base["seconds"], b("seconds"))
    report.line("build_s_vs_whoosh_loop", size, ours["seconds"], base_loop["seconds"], b("seconds"))
    report.line(
        "build_peak_rss_mb",
        size,
        ours["rss_kb"] / 1024,
        base["rss_kb"] / 1024,
        b("rss_kb", 0) / 1024 if before else None,
    )
    report.line(
        "build_worker_peak_rss_mb",
        size,
        ours["children_rss_kb"] / 1024,
        None,
        b("children_rss_kb", 0) / 1024 if before else None,
    )
    report.line(
        "index_mb",
        size,
        _generation_mb(index),
        _du_mb(db),
        _generation_mb(before_index) if before else None,
    )
    report.line("index_mb_vs_whoosh_loop", size, _generation_mb(index), _du_mb(loop))
    if args.build_only:
        return

    changed = _change_one_percent(corpus)
    ours_inc = _child("_build", "searchapp", str(corpus), str(index), "--incremental")
    before_inc = (
        _child("_build", "searchapp", str(corpus), str(before_index), "--incremental", tree=tree)
        if tree
        else {}
    )
    base_inc = _child(
        "_build", "fts5", str(corpus), str(db), "--incremental", "--changed", ",".join(changed)
    )
    report.line(
        "incremental_1pct_s",
        size,
        ours_inc["seconds"],
        base_inc["seconds"],
        before_inc.get("seconds"),
    )
    report.line(
        "incremental_share_of_full_pct",
        size,
        100 * ours_inc["seconds"] / ours["seconds"],
        100 * base_inc["seconds"] / base["seconds"],
        100 * before_inc["seconds"] / before["seconds"] if tree else None,
    )

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(queries, handle)
    try:
        lat_ours = _child("_latency", "searchapp", str(index), handle.name)
        lat_before = (
            _child("_latency", "searchapp", str(before_index), handle.name, tree=tree)
            if tree
            else None
        )
        lat_base = _child("_latency", "fts5", str(db), handle.name)
    finally:
        os.unlink(handle.name)
    report.line(
        "open_index_ms",
        size,
        lat_ours["open_ms"],
        lat_base["open_ms"],
        lat_before["open_ms"] if lat_before else None,
    )
    for state in ("cold", "first", "warm"):
        for pct in (50, 95, 99):
            report.line(
                f"search_{state}_p{pct}_ms",
                size,
                _pct(lat_ours[state], pct),
                _pct(lat_base[state], pct),
                _pct(lat_before[state], pct) if lat_before else None,
            )
    report.line(
        "search_process_rss_mb",
        size,
        lat_ours["rss_kb"] / 1024,
        lat_base["rss_kb"] / 1024,
        lat_before["rss_kb"] / 1024 if lat_before else None,
    )
    if args.http_rounds:
        http_figures(size, index, db, corpus, args, report)


def http_figures(size: int, index: Path, db: Path, corpus: Path, args, report: Report) -> None:
    """Throughput and latency under gunicorn, and the servers' memory after the load."""
    # Alternate the two servers and keep each one's median run by throughput: on a shared
    # machine a neighbour's burst during one run would otherwise decide the ratio.
    runs: dict[str, list[dict]] = {"searchapp": [], "fts5": []}
    for _ in range(args.http_rounds):
        runs["searchapp"].append(
            http_run("searchapp", index, corpus, args.paths, args.http_seconds)
        )
        runs["fts5"].append(http_run("fts5", db, corpus, args.paths, args.http_seconds))
    http_ours, http_base = (_median_run(runs[engine]) for engine in ("searchapp", "fts5"))
    print(
        f"# size={size}: HTTP load by {http_ours['tool']}, {WORKERS} workers x {THREADS} "
        f"threads, {WORKERS * THREADS} connections, {args.http_seconds}s, median of "
        f"{args.http_rounds} alternating runs per server; search req/s per run: "
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


def html_figures(pages: int, tree: Path | None, report: Report) -> None:
    """searchapp's HTML path against trafilatura's own extraction, per page."""
    if not (reuters.REPO.parent / "shared" / "data" / "article-extraction-benchmark").is_dir():
        print("# html: article-extraction-benchmark not found; HTML path not measured")
        return
    ours = _child("_html", str(pages))
    before = _child("_html", str(pages), tree=tree) if tree else None
    per_page = 1000 / ours["pages"]
    report.line(
        "html_ms_per_page",
        0,
        ours["ours_s"] * per_page,
        ours["trafilatura_s"] * per_page,
        before["ours_s"] * per_page if before else None,
    )


def _generation_mb(index: Path) -> float:
    return _du_mb(index / (index / "CURRENT").read_text().strip())


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
    if argv and argv[0] == "_html":
        child_html(int(argv[1]))
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
        help=f"CI smoke run: {QUICK_SIZE} articles, 40 queries, 5 HTML pages, one 1 s HTTP run",
    )
    parser.add_argument("--queries", type=int, default=200, help="latency queries (seeded)")
    parser.add_argument("--http-seconds", type=int, default=10, help="length of each HTTP load run")
    parser.add_argument(
        "--http-rounds",
        type=int,
        default=3,
        help="alternating HTTP runs per server, median kept (0: no HTTP figures)",
    )
    parser.add_argument("--html-pages", type=int, default=200, help="HTML pages timed (0: none)")
    parser.add_argument(
        "--build-only",
        action="store_true",
        help="full builds and index sizes only (for the largest synthetic sizes)",
    )
    parser.add_argument(
        "--compare-with",
        type=Path,
        default=None,
        help="another checkout (e.g. `git worktree add /tmp/before main`): its searchapp's "
        "builds and searches run beside this one's, shown as before=",
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
        help="also write the results and targets as Markdown to this file",
    )
    args = parser.parse_args(argv)
    sizes = [QUICK_SIZE] if args.quick else [int(s) for s in args.sizes.split(",")]
    n_queries = 40 if args.quick else args.queries
    sample = min(1000, *sizes)  # queries only from stories every size holds
    if args.quick:
        args.http_seconds, args.http_rounds, args.html_pages = 1, 1, 5
    queries = make_queries(n_queries, sample=sample)
    # HTTP runs use many distinct queries so the load is not answered from any result cache.
    args.paths = [
        "/api/search?" + urllib.parse.urlencode({"q": q})
        for q in make_queries(300 if args.quick else 4000, seed=QUERY_SEED + 1, sample=sample)
    ]
    work = args.workdir or Path(tempfile.mkdtemp(prefix="searchapp-bench-"))
    print(
        f"# workdir={work} queries={len(queries)} http_seconds={args.http_seconds} "
        f"cpus={os.cpu_count()} compare_with={args.compare_with}",
        flush=True,
    )
    report = Report()
    try:
        if args.html_pages:
            html_figures(args.html_pages, args.compare_with, report)
        for size in sizes:
            bench_size(size, work, queries, args, report)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    report.print_targets()
    if args.markdown:
        args.markdown.write_text(report.markdown(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
