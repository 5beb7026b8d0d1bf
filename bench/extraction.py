"""Score article extraction on the dev sets, both paths, against four baselines in one run.

Usage: python bench/extraction.py [--sets aeb,dragnet,readability] [--limit N]
                                  [--methods a,b] [--data DIR]

Prints one parseable line per set, language and method:
`set=… lang=… method=… f1=… precision=… recall=… pages=…`, scored as
scrapinghub/article-extraction-benchmark does: word 4-gram shingles per page, precision and
recall averaged over pages, F1 from the two averages. `lang=all` is the whole set; the
other lines split it by the language of the true text (py3langid), for languages with at
least 5 pages. Methods:

- keep_everything: the naive text of the page (what a scraper that keeps everything stores);
- text_path: the naive text through searchapp.ingest.clean.clean_article;
- text_path_template: the same with template lines found across the set's pages;
- html_path: searchapp.ingest.htmlpage.extract_html(html).text;
- html_pipeline: what the indexer stores for an HTML file (extraction, then the text rules
  for extracted text, via searchapp.ingest.pipeline.build_article);
- trafilatura, trafilatura_fast, readability_lxml, justext: the baselines, as released
  (jusText with the stop list of the page's detected language).

`--data DIR` points the single set named in --sets (default aeb) at another folder.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # run from a checkout without installing the package
sys.path.insert(0, str(REPO / "bench"))

from extraction_sets import (  # noqa: E402
    SETS,
    Page,
    justext_text,
    load_set,
    naive_text,
    readability_text,
)

from searchapp.ingest.clean import clean_article, find_template_lines  # noqa: E402
from searchapp.ingest.language import STOPLIST_NAMES, detect_language  # noqa: E402

EXIT_NO_DATA = 2
MIN_LANGUAGE_PAGES = 5


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

    precisions = [ratio(tp, fp, fn) for tp, fp, fn in counts if tp + fp > 0]
    recalls = [ratio(tp, fn, fp) for tp, fp, fn in counts if tp + fn > 0]
    precision = statistics.mean(precisions) if precisions else 0.0
    recall = statistics.mean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": f1, "precision": precision, "recall": recall}


# --- methods ------------------------------------------------------------------------------


def _safe(extract: Callable[[str], str | None], html: str) -> str:
    try:
        return extract(html) or ""
    except Exception:  # noqa: BLE001 - a baseline failing on one page scores that page as empty
        return ""


def _trafilatura(fast: bool) -> Callable[[str], str | None]:
    import trafilatura

    return lambda html: trafilatura.extract(html, fast=fast, include_comments=False)


def _indexed_text(page: Page) -> str:
    from searchapp.ingest.pipeline import Source, build_article
    from searchapp.model import Article

    article = build_article(Source(page.id, page.id, "html", page.html, raw_hash=""))
    # A SkippedFile (nothing left) scores as empty. (Reading a field by name with a
    # default scored every page 0 once Article.body became Article.text.)
    return article.text if isinstance(article, Article) else ""


Method = Callable[[Page], str]


def methods_for(
    pages: list[Page], naive: dict[str, str], langs: dict[str, str]
) -> dict[str, Method]:
    from searchapp.ingest.htmlpage import extract_html

    template = find_template_lines(naive.values())
    traf, traf_fast = _trafilatura(False), _trafilatura(True)
    return {
        "keep_everything": lambda p: naive[p.id],
        "text_path": lambda p: clean_article(naive[p.id]).text,
        "text_path_template": lambda p: clean_article(naive[p.id], template_lines=template).text,
        "html_path": lambda p: extract_html(p.html).text,
        "html_pipeline": _indexed_text,
        "trafilatura": lambda p: _safe(traf, p.html),
        "trafilatura_fast": lambda p: _safe(traf_fast, p.html),
        "readability_lxml": lambda p: _safe(readability_text, p.html),
        "justext": lambda p: _safe(
            lambda h: justext_text(h, STOPLIST_NAMES.get(langs[p.id], "English")), p.html
        ),
    }


def _line(set_name: str, lang: str, name: str, metrics: dict[str, float], pages: int) -> str:
    return (
        f"set={set_name} lang={lang} method={name} f1={metrics['f1']:.3f} "
        f"precision={metrics['precision']:.3f} recall={metrics['recall']:.3f} pages={pages}"
    )


def run_set(set_name: str, pages: list[Page], only: set[str] | None) -> None:
    """Score every method on one set's pages; print the whole set, then each language."""
    naive = {p.id: naive_text(p.html) for p in pages}
    langs = {p.id: detect_language(p.truth) or "unknown" for p in pages}
    by_lang: dict[str, list[int]] = defaultdict(list)
    for k, p in enumerate(pages):
        by_lang[langs[p.id]].append(k)
    groups = [("all", list(range(len(pages))))] + sorted(
        ((lang, ks) for lang, ks in by_lang.items() if len(ks) >= MIN_LANGUAGE_PAGES),
        key=lambda item: -len(item[1]),
    )
    for name, method in methods_for(pages, naive, langs).items():
        if only and name not in only:
            continue
        counts = [tp_fp_fn(p.truth, method(p)) for p in pages]
        for lang, ks in groups if len(groups) > 2 else groups[:1]:
            print(_line(set_name, lang, name, score([counts[k] for k in ks]), len(ks)), flush=True)


def main(argv: list[str] | None = None) -> int:
    """Score every method on every set present and print one line per set/language/method."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated set names")
    parser.add_argument("--data", type=Path, default=None, help="folder for a single set")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N pages")
    parser.add_argument("--methods", default="", help="comma-separated methods (default all)")
    args = parser.parse_args(argv)

    names = [s for s in args.sets.split(",") if s]
    unknown = [s for s in names if s not in SETS]
    if unknown:
        parser.error(f"unknown set {unknown[0]!r}; known: {', '.join(SETS)}")
    if args.data is not None and len(names) != 1:
        names = ["aeb"]
    only = {m for m in args.methods.split(",") if m} or None
    found = 0
    for name in names:
        pages = load_set(name, args.data, args.limit)
        if not pages:
            folder = args.data or SETS[name][0]
            print(f"benchmark data not found: {name} has no pages in {folder} (try --data DIR)")
            continue
        found += 1
        run_set(name, pages, only)
    return 0 if found else EXIT_NO_DATA


if __name__ == "__main__":
    sys.exit(main())
