"""Attacks for bench/load.py: slow clients and expensive queries, with a probe that times
what an ordinary reader gets meanwhile.

Every loop stops at its deadline; every socket is closed at the end.
"""

from __future__ import annotations

import http.client
import random
import socket
import threading
import time
from collections import Counter
from urllib.parse import urlencode

PROBE_TIMEOUT = 10.0  # a reader who waits longer than this has been denied service
EXPENSIVE_TIMEOUT = 90.0
TRICKLE_EVERY = 2.0
KINDS = ("fuzzy", "prefix", "exclude", "words")


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Probe:
    """One reader sending plain searches back to back, each on a new connection."""

    def __init__(self, host: str, port: int, words: list[str]) -> None:
        self.host, self.port, self.words = host, port, words
        self.latency: list[float] = []
        self.failures: Counter = Counter()

    def run(self, deadline: float) -> None:
        rng = random.Random(1)
        while time.monotonic() < deadline:
            path = "/api/search?" + urlencode({"q": rng.choice(self.words)})
            started = time.perf_counter()
            conn = http.client.HTTPConnection(self.host, self.port, timeout=PROBE_TIMEOUT)
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    self.latency.append(time.perf_counter() - started)
                else:
                    self.failures[f"HTTP {response.status}"] += 1
            except (OSError, http.client.HTTPException) as error:
                self.failures[type(error).__name__] += 1
            finally:
                conn.close()
            time.sleep(0.05)

    def report(self) -> dict:
        lat = self.latency
        return {
            "answered": len(lat),
            "failed": sum(self.failures.values()),
            "failures": dict(self.failures),
            "p50_ms": None if not lat else round(percentile(lat, 50) * 1000, 1),
            "p99_ms": None if not lat else round(percentile(lat, 99) * 1000, 1),
            "max_ms": None if not lat else round(max(lat) * 1000, 1),
        }


def slow_clients(host: str, port: int, words: list[str], attackers: int, duration: float,
                 trickle: bool) -> dict:  # fmt: skip
    """`attackers` connections that send one byte of a request and then wait (or trickle)."""
    request = b"GET /api/search?q=" + words[0].encode() + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    sockets: list[socket.socket] = []
    closed_after: list[float] = []
    opened = time.monotonic()
    for _ in range(attackers):
        try:
            sock = socket.create_connection((host, port), timeout=5)
            sock.sendall(request[:1])
            sock.setblocking(False)
            sockets.append(sock)
        except OSError:
            break
    probe = Probe(host, port, words)
    deadline = time.monotonic() + duration
    thread = threading.Thread(target=probe.run, args=(deadline,), daemon=True)
    thread.start()
    sent = dict.fromkeys(range(len(sockets)), 1)
    open_ = set(range(len(sockets)))
    next_trickle = time.monotonic() + TRICKLE_EVERY
    while time.monotonic() < deadline and open_:
        for i in list(open_):  # the server closing (or answering) frees the attacker
            try:
                if sockets[i].recv(4096) == b"":
                    raise ConnectionResetError
            except BlockingIOError:
                continue
            except OSError:
                pass
            open_.discard(i)
            closed_after.append(time.monotonic() - opened)
        if trickle and time.monotonic() >= next_trickle:
            next_trickle += TRICKLE_EVERY
            for i in list(open_):
                if sent[i] < len(request) - 4:  # never complete the request
                    try:
                        sockets[i].send(request[sent[i] : sent[i] + 1])
                        sent[i] += 1
                    except OSError:
                        open_.discard(i)
        time.sleep(0.05)
    thread.join(timeout=PROBE_TIMEOUT + 5)
    for sock in sockets:
        sock.close()
    return {
        "mode": "slow-clients",
        "trickle": trickle,
        "attackers": attackers,
        "connected": len(sockets),
        "closed_by_server": len(closed_after),
        "closed_after_s_p50": None if not closed_after else round(percentile(closed_after, 50), 1),
        "probe": probe.report(),
    }


def expensive_query(kind: str, words: list[str], terms: int) -> str:
    """A query of `terms` terms of one expensive form, made from the corpus's own words."""
    rng = random.Random(terms)
    picked = [rng.choice(words) for _ in range(terms)]
    if kind == "fuzzy":
        return " OR ".join(f"{w}~2" for w in picked)
    if kind == "prefix":
        return " OR ".join(f"{w[:2]}*" for w in picked)
    if kind == "exclude":
        return picked[0] + " " + " ".join(f"-{w}" for w in picked[1:])
    # distinct words: made-up ones, so each is its own term
    return " ".join(f"{w}{i}" for i, w in enumerate(picked))


def expensive(host: str, port: int, words: list[str], attackers: int, duration: float,
              kind: str, terms: int) -> dict:  # fmt: skip
    """`attackers` clients each sending one expensive query after another."""
    q = expensive_query(kind, words, terms)
    statuses: Counter = Counter()
    took: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + duration

    def attacker() -> None:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            conn = http.client.HTTPConnection(host, port, timeout=EXPENSIVE_TIMEOUT)
            try:
                conn.request("GET", "/api/search?" + urlencode({"q": q, "match": "any"}))
                response = conn.getresponse()
                response.read()
                key = str(response.status)
            except (OSError, http.client.HTTPException) as error:
                key = type(error).__name__
            finally:
                conn.close()
            with lock:
                statuses[key] += 1
                took.append(time.perf_counter() - started)

    probe = Probe(host, port, words)
    threads = [threading.Thread(target=attacker, daemon=True) for _ in range(attackers)]
    threads.append(threading.Thread(target=probe.run, args=(deadline,), daemon=True))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + EXPENSIVE_TIMEOUT + 5)
    return {
        "mode": "expensive",
        "kind": kind,
        "terms": terms,
        "query_bytes": len(q.encode()),
        "attackers": attackers,
        "attack_statuses": dict(statuses),
        "attack_p50_s": None if not took else round(percentile(took, 50), 2),
        "attack_max_s": None if not took else round(max(took), 2),
        "probe": probe.report(),
    }


def disconnects(host: str, port: int, words: list[str], rounds: int, close_after: float) -> dict:
    """Each round: send an expensive query, close the socket after `close_after` s, then
    time how long a plain search takes to be answered from that moment.

    On a server with one thread (`--workers 1 --threads 1`), that wait is the work the
    abandoned query still did: about its whole time budget when nothing notices the close.
    """
    waits: list[float] = []
    statuses: Counter = Counter()
    run = random.randrange(10**6)
    for i in range(rounds):
        # Made-up words new to each round and run, so no cache answers the query at once.
        q = expensive_query("words", [f"{w}r{run}x{i}" for w in words], 300)
        sock = socket.create_connection((host, port), timeout=PROBE_TIMEOUT)
        path = "/api/search?" + urlencode({"q": q})
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        time.sleep(close_after)
        sock.close()
        started = time.perf_counter()
        conn = http.client.HTTPConnection(host, port, timeout=EXPENSIVE_TIMEOUT)
        try:
            conn.request("GET", "/api/search?" + urlencode({"q": words[i % len(words)]}))
            response = conn.getresponse()
            response.read()
            statuses[str(response.status)] += 1
        finally:
            conn.close()
        waits.append(time.perf_counter() - started)
    return {
        "mode": "disconnect",
        "rounds": rounds,
        "close_after_s": close_after,
        "probe_statuses": dict(statuses),
        "wait_after_close_p50_s": round(percentile(waits, 50), 2),
        "wait_after_close_max_s": round(max(waits), 2),
    }
