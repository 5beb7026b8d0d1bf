"""Bounded load against a local searchapp server: requests/s, p50/p99 latency, errors.

Only 127.0.0.1 / localhost / ::1 are accepted, and the run stops by itself after
--duration seconds (at most 600).

    python bench/load.py --url http://127.0.0.1:8000 --duration 30 --concurrency 8

Two attack modes measure what an ordinary reader sees while the server is attacked (a
"probe" client sends one plain search at a time and times each answer):

    --mode slow-clients --attackers 64   each attacker opens a connection, sends one
                                         byte of a request (or one byte every 2 s with
                                         --trickle) and waits
    --mode expensive --kind fuzzy        each attacker sends, over and over, a query of
                                         many fuzzy terms (also: prefix, exclude, words)
    --mode disconnect --rounds 10        sends an expensive query, closes the socket after
                                         --close-after s, and times a plain search sent then
                                         (run the server with --workers 1 --threads 1)
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from attack import KINDS, disconnects, expensive, percentile, slow_clients

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
MAX_DURATION = 600.0
MAX_CONCURRENCY = 64
REQUEST_TIMEOUT = 10.0
ENDPOINTS = ("search", "article", "api_search", "api_article")
MODES = ("mixed", "slow-clients", "expensive", "disconnect")
MAX_ATTACKERS = 512


def rss_kb(pid: int) -> int:
    """Resident memory of a process and its children, in KB (Linux /proc)."""
    total = 0
    for one in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


class Load:
    def __init__(self, host: str, port: int, words: list[str], ids: list[str], seed: int):
        self.host, self.port = host, port
        self.words, self.ids = words, ids
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = {name: [] for name in ENDPOINTS}
        self.errors: dict[str, int] = dict.fromkeys(ENDPOINTS, 0)
        self.error_samples: list[str] = []

    def path(self, endpoint: str, rng: random.Random) -> str:
        q = " ".join(rng.sample(self.words, k=min(len(self.words), rng.randint(1, 3))))
        article = quote(rng.choice(self.ids), safe="") if self.ids else "none"
        return {
            "search": "/search?" + urlencode({"q": q}),
            "api_search": "/api/search?" + urlencode({"q": q, "per_page": 10}),
            "article": f"/articles/{article}?" + urlencode({"q": q}),
            "api_article": f"/api/articles/{article}",
        }[endpoint]

    def worker(self, deadline: float, seed: int) -> None:
        rng = random.Random(seed)
        conn = None
        while time.monotonic() < deadline:
            endpoint = rng.choice(ENDPOINTS)
            started = time.perf_counter()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT)
                conn.request("GET", self.path(endpoint, rng))
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
                detail = f"{endpoint}: HTTP {response.status}"
            except (OSError, http.client.HTTPException) as error:
                ok, detail = False, f"{endpoint}: {type(error).__name__}: {error}"
                if conn is not None:
                    conn.close()
                conn = None
            elapsed = time.perf_counter() - started
            with self.lock:
                if ok:
                    self.latency[endpoint].append(elapsed)
                else:
                    self.errors[endpoint] += 1
                    if len(self.error_samples) < 10:
                        self.error_samples.append(detail)
        if conn is not None:
            conn.close()


def discover(host: str, port: int) -> tuple[list[str], list[str]]:
    """Article ids and title words from the server itself (one browse request)."""
    conn = http.client.HTTPConnection(host, port, timeout=REQUEST_TIMEOUT)
    try:
        conn.request("GET", "/api/search?per_page=100")
        data = json.loads(conn.getresponse().read())
    finally:
        conn.close()
    ids = [hit["id"] for hit in data.get("results", [])]
    words = sorted(
        {
            w.strip(".,:;!?\"'()").lower()
            for hit in data.get("results", [])
            for w in hit["title"].split()
        }
        - {""}
    )
    return [w for w in words if len(w) > 3 and w.isalpha()] or ["news"], ids


def run(url: str, duration: float, concurrency: int, server_pid: int | None, seed: int) -> dict:
    """The mixed load: search pages, article pages and the API."""
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or 80
    words, ids = discover(host, port)
    load = Load(host, port, words, ids, seed)
    rss_start = rss_kb(server_pid) if server_pid else None
    started = time.monotonic()
    deadline = started + duration
    threads = [
        threading.Thread(target=load.worker, args=(deadline, seed + i), daemon=True)
        for i in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:  # each request is bounded by REQUEST_TIMEOUT
        thread.join(timeout=duration + REQUEST_TIMEOUT + 5)
    wall = time.monotonic() - started
    report: dict = {"url": url, "duration_s": round(wall, 2), "concurrency": concurrency}
    total_ok = total_err = 0
    for name in ENDPOINTS:
        lat = load.latency[name]
        total_ok += len(lat)
        total_err += load.errors[name]
        report[name] = {
            "requests": len(lat) + load.errors[name],
            "rps": round(len(lat) / wall, 1),
            "p50_ms": None if not lat else round(percentile(lat, 50) * 1000, 1),
            "p99_ms": None if not lat else round(percentile(lat, 99) * 1000, 1),
            "errors": load.errors[name],
        }
    report["total"] = {"requests": total_ok + total_err, "rps": round(total_ok / wall, 1),
                       "errors": total_err}  # fmt: skip
    report["error_samples"] = load.error_samples
    if server_pid:
        report["server_rss_kb"] = {"start": rss_start, "end": rss_kb(server_pid)}
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="a local server")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds (max 600)")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (max 64)")
    parser.add_argument("--server-pid", type=int, help="report this process tree's RSS")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--mode", choices=MODES, default="mixed", help="what load to send")
    parser.add_argument("--attackers", type=int, default=64,
                        help=f"attack connections (max {MAX_ATTACKERS})")  # fmt: skip
    parser.add_argument("--trickle", action="store_true",
                        help="slow-clients: send one more byte every 2 s")  # fmt: skip
    parser.add_argument("--kind", choices=KINDS, default="fuzzy", help="expensive: query form")
    parser.add_argument("--terms", type=int, default=300, help="expensive: terms per query")
    parser.add_argument("--rounds", type=int, default=10, help="disconnect: queries abandoned")
    parser.add_argument("--close-after", type=float, default=0.5,
                        help="disconnect: seconds before the socket is closed")  # fmt: skip
    args = parser.parse_args(argv)
    parts = urlsplit(args.url)
    if parts.scheme != "http" or parts.hostname not in LOCAL_HOSTS:
        refusal = f"refusing {args.url!r}: only http://127.0.0.1 (localhost) is allowed"
        print(refusal, file=sys.stderr)
        return 2
    if not 0 < args.duration <= MAX_DURATION or not 1 <= args.concurrency <= MAX_CONCURRENCY:
        print(f"duration must be in (0, {MAX_DURATION:.0f}] s and concurrency in "
              f"[1, {MAX_CONCURRENCY}]", file=sys.stderr)  # fmt: skip
        return 2
    if not 1 <= args.attackers <= MAX_ATTACKERS or not 1 <= args.terms <= 2000:
        print(f"attackers must be in [1, {MAX_ATTACKERS}], terms in [1, 2000]", file=sys.stderr)
        return 2
    if args.mode != "mixed":
        host, port = parts.hostname, parts.port or 80
        words, _ = discover(host, port)
        if args.mode == "slow-clients":
            report = slow_clients(host, port, words, args.attackers, args.duration, args.trickle)
        elif args.mode == "disconnect":
            report = disconnects(host, port, words, min(args.rounds, 100), args.close_after)
        else:
            report = expensive(
                host, port, words, args.attackers, args.duration, args.kind, args.terms
            )
        print(json.dumps(report, indent=2 if args.json else None))
        return 0
    report = run(args.url, args.duration, args.concurrency, args.server_pid, args.seed)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        heads = ("requests", "req/s", "p50 ms", "p99 ms")
        print(f"{'endpoint':<12} " + " ".join(f"{h:>8}" for h in heads) + f" {'errors':>7}")
        for name in (*ENDPOINTS, "total"):
            row = report[name]
            latency = (row.get("p50_ms") or "-", row.get("p99_ms") or "-")
            cells = (row["requests"], row["rps"], *latency)
            print(f"{name:<12} " + " ".join(f"{c:>8}" for c in cells) + f" {row['errors']:>7}")
        if "server_rss_kb" in report:
            rss = report["server_rss_kb"]
            print(f"server RSS: {rss['start']} KB -> {rss['end']} KB")
        for sample in report["error_samples"]:
            print("error:", sample)
    return 0 if report["total"]["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
