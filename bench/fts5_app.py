"""The benchmark's baseline: the same corpus in SQLite FTS5 behind a minimal Flask endpoint.

Build: python bench/fts5_app.py build CORPUS_DIR DB_PATH
Serve: FTS5_DB=DB_PATH gunicorn -k gthread -w 2 --threads 4 --chdir bench fts5_app:app

It answers /api/search with what searchapp's API returns for the same request: the total,
ten hits ranked by bm25() with snippet() highlights (porter tokenizer), and outlet and year
facet counts over every match. /healthz is the no-work ceiling.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import sys
import threading
import time
from pathlib import Path

from flask import Flask, jsonify, request

SCHEMA = """
CREATE VIRTUAL TABLE articles USING fts5(
    id UNINDEXED, title, body, outlet UNINDEXED, year UNINDEXED, published UNINDEXED,
    tokenize = 'porter unicode61'
);
"""
# Title matches count three times a body match, as searchapp's field boosts do.
RANK = "bm25(articles, 0, 3.0, 1.0)"
_WORD = re.compile(r"\w+")


def build(corpus_dir: Path, db_path: Path) -> int:
    """Index every .txt (and its .json sidecar) of the corpus; return the article count."""
    db_path.unlink(missing_ok=True)
    conn = sqlite3.connect(db_path)
    conn.executescript(SCHEMA)
    count = 0
    with conn:
        rows = []
        for path in sorted(corpus_dir.glob("*.txt")):
            rows.append(_row(path))
            count += 1
            if len(rows) >= 1000:
                conn.executemany("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?)", rows)
                rows = []
        conn.executemany("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?)", rows)
    conn.execute("INSERT INTO articles(articles) VALUES ('optimize')")
    conn.commit()
    conn.close()
    return count


def update(corpus_dir: Path, db_path: Path, changed: list[str]) -> int:
    """Re-index the articles with these ids (the baseline is told what changed)."""
    conn = sqlite3.connect(db_path)
    with conn:
        for article_id in changed:
            conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
            conn.execute(
                "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?)",
                _row(corpus_dir / f"{article_id}.txt"),
            )
    conn.close()
    return len(changed)


def _row(path: Path) -> tuple:
    sidecar = path.with_suffix(".json")
    meta = json.loads(sidecar.read_text("utf-8")) if sidecar.exists() else {}
    published = meta.get("published") or ""
    return (
        path.stem,
        meta.get("title", ""),
        path.read_text("utf-8"),
        meta.get("outlet"),
        published[:4] or None,
        published,
    )


def fts_query(q: str) -> str:
    """User text -> FTS5 MATCH syntax: quoted phrases stay phrases, other words are ANDed."""
    parts = []
    for i, chunk in enumerate(q.split('"')):
        words = _WORD.findall(chunk)
        if not words:
            continue
        if i % 2:  # inside quotes
            parts.append('"' + " ".join(words) + '"')
        else:
            parts.extend(f'"{w}"' for w in words)
    return " ".join(parts)


def search(conn: sqlite3.Connection, q: str, limit: int = 10, facets: bool = True) -> dict:
    """One result page: total, ranked hits with snippets, facet counts."""
    match = fts_query(q)
    if not match:
        return {"query": q, "total": 0, "results": [], "facets": {}}
    hits = conn.execute(
        f"SELECT id, title, outlet, published, {RANK},"
        " snippet(articles, 2, '<mark>', '</mark>', '…', 24)"
        f" FROM articles WHERE articles MATCH ? ORDER BY {RANK} LIMIT ?",
        (match, limit),
    ).fetchall()
    page = {
        "query": q,
        "results": [
            {"id": i, "title": t, "outlet": o, "published": p, "score": -s, "snippets": [snip]}
            for i, t, o, p, s, snip in hits
        ],
    }
    if facets:
        counts = conn.execute(
            "SELECT outlet, year, count(*) FROM articles WHERE articles MATCH ?"
            " GROUP BY outlet, year",
            (match,),
        ).fetchall()
        page["total"] = sum(c for _, _, c in counts)
        outlets: dict = {}
        years: dict = {}
        for outlet, year, c in counts:
            if outlet:
                outlets[outlet] = outlets.get(outlet, 0) + c
            if year:
                years[year] = years.get(year, 0) + c
        page["facets"] = {
            "outlet": [
                {"value": k, "count": v} for k, v in sorted(outlets.items(), key=lambda kv: -kv[1])
            ],
            "year": [{"value": k, "count": v} for k, v in sorted(years.items(), reverse=True)],
        }
    return page


def create_app(db_path: str | None = None) -> Flask:
    """The baseline server: one read-only connection per thread."""
    db = db_path or os.environ["FTS5_DB"]
    app = Flask(__name__)
    local = threading.local()

    def connection() -> sqlite3.Connection:
        if getattr(local, "conn", None) is None:
            local.conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        return local.conn

    @app.get("/api/search")
    def api_search():
        return jsonify(search(connection(), request.args.get("q", "")))

    @app.get("/healthz")
    def healthz():
        return jsonify({"status": "ok"})

    return app


app = create_app() if "FTS5_DB" in os.environ else None


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "build":
        sys.exit(__doc__)
    started = time.monotonic()
    n = build(Path(sys.argv[2]), Path(sys.argv[3]))
    print(f"{n} articles in {time.monotonic() - started:.1f}s")
