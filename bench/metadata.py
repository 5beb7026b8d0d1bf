"""Score title, outlet, authors and date on the judged sample, next to trafilatura's metadata.

    python bench/metadata.py [--limit N] [--misses]

The sample (bench/metadata_sample.json) names pages under ../shared/data and what a careful
reader writes down for each; the pages are read from there, never copied. Both extractors run
in this one process on the same pages:

- title: exact match after normalising whitespace and quotes;
- outlet: one of the judged spellings (a page that names none must get none);
- authors: exactly the judged set of names (pages whose byline was unclear are not scored);
- date: right on the pages that show one (calendar date); wrong = a different date there.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import trafilatura

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from searchapp.ingest.load import LoadError, decode  # noqa: E402
from searchapp.ingest.pipeline import Source, build_article  # noqa: E402
from searchapp.model import Article  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
SAMPLE = ROOT / "bench" / "metadata_sample.json"
FIELDS = ("title", "outlet", "authors", "date")


@dataclass(frozen=True)
class Found:
    title: str | None
    outlet: str | None
    authors: tuple[str, ...]
    date: str | None


def ours(html: str, path: str) -> Found:
    result = build_article(Source(id="x", path=path, kind="html", text=html, raw_hash=""))
    if not isinstance(result, Article):
        return Found(None, None, (), None)
    return Found(result.title, result.outlet, result.authors, result.published)


def trafilatura_meta(html: str, path: str) -> Found:
    meta = trafilatura.extract_metadata(html)
    if meta is None:
        return Found(None, None, (), None)
    authors = tuple(a.strip() for a in (meta.author or "").split(";") if a.strip())
    return Found(meta.title, meta.sitename, authors, meta.date)


EXTRACTORS: dict[str, Callable[[str, str], Found]] = {
    "searchapp": ours,
    "trafilatura": trafilatura_meta,
}

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "«": '"',
                         "»": '"', "\u00a0": " "})  # fmt: skip


def norm(text: str | None) -> str:
    """Whitespace and quote marks normalised; nothing else (case and dots count)."""
    return " ".join((text or "").translate(_QUOTES).split())


def judge(found: Found, truth: dict) -> dict[str, str]:
    """'right', 'wrong' or 'skip' per field (skip: not judged, or no date to find)."""
    verdict = {"title": "right" if norm(found.title) == norm(truth["title"]) else "wrong"}
    outlets = truth["outlet"]
    if outlets is None:
        verdict["outlet"] = "right" if not found.outlet else "wrong"
    else:
        spellings = {norm(o).casefold() for o in outlets}
        verdict["outlet"] = "right" if norm(found.outlet).casefold() in spellings else "wrong"
    if truth["authors"] is None:
        verdict["authors"] = "skip"
    else:
        same = {norm(a) for a in found.authors} == {norm(a) for a in truth["authors"]}
        same = same and len(found.authors) == len(truth["authors"])
        verdict["authors"] = "right" if same else "wrong"
    if truth["date"] is None:
        verdict["date"] = "skip"  # the page shows no date: nothing to be right or wrong about
    elif not found.date:
        verdict["date"] = "none"
    else:
        verdict["date"] = "right" if found.date[:10] == truth["date"] else "wrong"
    return verdict


def read_page(relative: str) -> str:
    path = DATA / relative
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    try:
        return decode(data)
    except LoadError:
        return data.decode("utf-8", "replace")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="score the first N pages only")
    parser.add_argument("--misses", action="store_true", help="print every miss of searchapp")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"no data at {DATA}: nothing to score", file=sys.stderr)
        return 1
    pages = json.loads(SAMPLE.read_text(encoding="utf-8"))["pages"][: args.limit]
    verdicts: dict[str, list[tuple[str, dict]]] = {name: [] for name in EXTRACTORS}
    seconds = dict.fromkeys(EXTRACTORS, 0.0)
    for truth in pages:
        html = read_page(truth["page"])
        for name, extract in EXTRACTORS.items():
            started = time.perf_counter()
            found = extract(html, truth["page"])
            seconds[name] += time.perf_counter() - started
            verdict = judge(found, truth)
            verdicts[name].append((truth["page"].split("/")[0], verdict))
            if args.misses and name == "searchapp":
                for field in FIELDS:
                    if verdict[field] in ("wrong", "none"):
                        got = getattr(found, field)
                        want = truth[field]
                        print(f"MISS {field:7} {truth['page'][:60]}")
                        print(f"  got  {got!r}\n  want {want!r}")
    sets = sorted({group for group, _ in verdicts["searchapp"]}) + ["all"]
    print(f"\n{len(pages)} judged pages; figures are searchapp / trafilatura, same run\n")
    print(f"{'set':30} {'pages':>5}  {'title':>13}  {'outlet':>13}  {'authors':>13}  "
          f"{'date right':>13}  {'date wrong':>13}")  # fmt: skip
    for group in sets:
        cells = []
        for field in (*FIELDS, "date_wrong"):
            pair = []
            for name in EXTRACTORS:
                rows = [v for g, v in verdicts[name] if group in ("all", g)]
                pair.append(_share(rows, field))
            cells.append(" / ".join(pair))
        count = sum(1 for g, _ in verdicts["searchapp"] if group in ("all", g))
        print(f"{group:30} {count:>5}  " + "  ".join(f"{c:>13}" for c in cells))
    print(f"\nseconds: {', '.join(f'{n} {s:.1f}' for n, s in seconds.items())}")
    print("date right: share of the pages that show a date; date wrong: share of those pages "
          "given a different date")  # fmt: skip
    return 0


def _share(rows: list[dict], field: str) -> str:
    if field == "date_wrong":
        scored = [v["date"] for v in rows if v["date"] != "skip"]
        hits = sum(v == "wrong" for v in scored)
    else:
        scored = [v[field] for v in rows if v[field] != "skip"]
        hits = sum(v == "right" for v in scored)
    return f"{100 * hits / len(scored):.0f}%" if scored else "-"


if __name__ == "__main__":
    raise SystemExit(main())
