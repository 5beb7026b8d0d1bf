"""Score article extraction on the article-extraction-benchmark pages.

Usage: python bench/extraction.py [--data DIR] [--limit N]

Prints one parseable line per method, `name f1=… precision=… recall=… pages=…`, scored as
scrapinghub/article-extraction-benchmark does: word 4-gram shingles per page, precision and
recall averaged over pages, F1 from the two averages. Methods:

- keep_everything: the naive text of the page (what a scraper that keeps everything stores);
- text_path: the naive text through searchapp.ingest.clean.strip_boilerplate;
- text_path_template: the same with template lines found across the benchmark's pages;
- html_path: searchapp.ingest.htmlpage.extract_html(html).text, when that module imports.
- html_pipeline: what the indexer stores for an HTML file (extraction, then the text rules
  for extracted text, via searchapp.ingest.pipeline.build_article).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # run from a checkout without installing the package

from searchapp.ingest.clean import clean_article, find_template_lines  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data" / "article-extraction-benchmark"
EXIT_NO_DATA = 2

# Elements that start a new line in a browser; a scraper keeping everything breaks there.
BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "br", "dd", "details", "dialog", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
    "td", "th", "tr", "ul", "option", "button", "label", "caption",
}  # fmt: skip
DROP_TAGS = ("script", "style", "noscript", "template")


def naive_text(html: str) -> str:
    """Page text with script and style dropped, one line per block element, nothing else."""
    soup = BeautifulSoup(html, "lxml")
    for tag in soup.find_all(DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = (" ".join(line.split()) for line in soup.get_text().splitlines())
    return "\n".join(line for line in lines if line)


# --- scoring (scrapinghub/article-extraction-benchmark, evaluate.py) ---------------------

_TOKEN = re.compile(r"\w+")


def _shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens)


def tp_fp_fn(true: str, pred: str) -> tuple[float, float, float]:
    """Shingle matches for one page, normalised so that long pages weigh no more."""
    t, p = _shingles(true), _shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def score(counts: list[tuple[float, float, float]]) -> dict[str, float]:
    """Mean precision and recall over pages, and F1 of the two means."""

    def ratio(hit: float, miss: float, other: float) -> float:
        if miss == other == 0:
            return 1.0
        return hit / (hit + miss) if hit + miss else 0.0

    precision = statistics.mean(ratio(tp, fp, fn) for tp, fp, fn in counts if tp + fp > 0)
    recall = statistics.mean(ratio(tp, fn, fp) for tp, fp, fn in counts if tp + fn > 0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": f1, "precision": precision, "recall": recall}


# --- the run --------------------------------------------------------------------------------


def load_pages(data: Path, limit: int | None) -> list[tuple[str, str, str]]:
    """(id, html, true article body) for each page, in id order."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth)[:limit]:
        raw = gzip.decompress((data / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append((page_id, _decode(raw), truth[page_id].get("articleBody", "")))
    return pages


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(raw).best()
        return str(best) if best is not None else raw.decode("utf-8", "replace")


def _html_extractor() -> tuple[Callable[[str], str] | None, str]:
    try:
        from searchapp.ingest.htmlpage import extract_html
    except Exception as exc:  # any import failure means the path is not there to score
        return None, f"{type(exc).__name__}: {exc}"
    return (lambda html: extract_html(html).text), ""


def _indexed_body(page_id: str, html: str) -> str:
    from searchapp.ingest.pipeline import Source, build_article

    article = build_article(Source(page_id, page_id, "html", html, raw_hash=""))
    return getattr(article, "body", "")  # a SkippedFile (nothing left) scores as empty


def _line(name: str, metrics: dict[str, float], pages: int) -> str:
    return (
        f"{name} f1={metrics['f1']:.3f} precision={metrics['precision']:.3f} "
        f"recall={metrics['recall']:.3f} pages={pages}"
    )


def main(argv: list[str] | None = None) -> int:
    """Score every method on the benchmark pages and print one line per method."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="benchmark folder")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N pages")
    args = parser.parse_args(argv)

    if not (args.data / "ground-truth.json").is_file():
        print(f"benchmark data not found: {args.data} has no ground-truth.json (try --data DIR)")
        return EXIT_NO_DATA
    pages = load_pages(args.data, args.limit)
    naive = {page_id: naive_text(html) for page_id, html, _ in pages}
    template = find_template_lines(naive.values())
    extract, why_not = _html_extractor()

    methods: dict[str, Callable[[str, str], str]] = {
        "keep_everything": lambda page_id, html: naive[page_id],
        "text_path": lambda page_id, html: clean_article(naive[page_id]).text,
        "text_path_template": lambda page_id, html: (
            clean_article(naive[page_id], template_lines=template).text
        ),
    }
    if extract is not None:
        methods["html_path"] = lambda page_id, html: extract(html)
        # What the indexer stores: extraction, then the text rules for extracted text.
        methods["html_pipeline"] = lambda page_id, html: _indexed_body(page_id, html)
    for name, method in methods.items():
        counts = [tp_fp_fn(true, method(page_id, html)) for page_id, html, true in pages]
        print(_line(name, score(counts), len(pages)), flush=True)
    if extract is None:
        print(f"html_path unavailable: ingest.htmlpage.extract_html did not import ({why_not})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
