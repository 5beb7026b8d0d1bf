"""Corpus-level evidence for metadata: one outlet spelling, host names, repeated title parts.

Pure: the articles of one build in, the same articles with tidier metadata out. What one page
cannot tell, many can: the name "www.nytimes.com" goes by is the one its other pages give; a
"| Gazette Sport" on every page of one site is the site's, not a story's.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace
from urllib.parse import urlsplit

from ..model import Article
from .outlets import agency_name, one_spelling, outlet_key
from .titles import join_parts, repeated_affixes, split_parts


def harmonise(articles: list[Article]) -> list[Article]:
    """Fill outlets from their URL's host, one spelling per outlet, site parts off titles."""
    by_host = _host_names(articles)
    filled = [
        replace(a, outlet=by_host[_host(a.url)]) if not a.outlet and _host(a.url) in by_host else a
        for a in articles
    ]
    spelling = one_spelling(a.outlet for a in filled)
    spelled = [
        replace(a, outlet=spelling.get(outlet_key(a.outlet), a.outlet)) if a.outlet else a
        for a in filled
    ]
    return _strip_repeated_affixes(spelled)


def _host(url: str | None) -> str:
    host = (urlsplit(url or "").hostname or "").lower()
    return host.removeprefix("www.")


def _host_names(articles: list[Article]) -> dict[str, str]:
    """host -> the outlet name its pages give most (agency credits aside: a wire story on a
    paper's site does not name the paper)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for article in articles:
        host = _host(article.url)
        if host and article.outlet and not agency_name(article.outlet):
            counts[host][article.outlet] += 1
    return {host: names.most_common(1)[0][0] for host, names in counts.items()}


def _strip_repeated_affixes(articles: list[Article]) -> list[Article]:
    """Take off title parts that start or end many HTML titles of one outlet."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, article in enumerate(articles):
        if article.source_path.lower().endswith((".html", ".htm")) and not article.title_derived:
            groups[outlet_key(article.outlet) or _host(article.url)].append(i)
    out = list(articles)
    for key, members in groups.items():
        if not key:
            continue
        affixes = repeated_affixes(articles[i].title for i in members)
        for i in members:
            parts = split_parts(articles[i].title)
            if len(parts) < 2:
                continue
            # "Review: Dune" on a reviews site: a colon joins a label to the story, keep it
            if parts[-1][1] in affixes and parts[-1][0].strip() != ":":
                parts = parts[:-1]
            elif parts[0][1] in affixes and parts[1][0].strip() != ":":
                parts = [("", parts[1][1]), *parts[2:]]
            else:
                continue
            out[i] = replace(articles[i], title=join_parts(parts))
    return out
