"""`searchapp inspect`: show how one corpus file was cleaned, as plain text."""

from __future__ import annotations

from pathlib import Path

from ..model import SearchappError, SkippedFile
from .clean import find_template_lines
from .load import read_sources
from .pipeline import build_article


class NotInCorpusError(SearchappError, LookupError):
    """No usable corpus file has that article id (absent, or skipped, with the reason)."""


def inspect_article(corpus_dir: Path, article_id: str) -> str:
    """An article's metadata, kept text and removed blocks; NotInCorpusError if absent."""
    sources, skipped = read_sources(corpus_dir)
    source = next((s for s in sources if s.id == article_id), None)
    if source is None:
        reason = next((s.reason for s in skipped if Path(s.path).stem == article_id), None)
        raise NotInCorpusError(
            f"{article_id}: {reason}" if reason else f"no article {article_id!r} in {corpus_dir}"
        )
    template_lines = find_template_lines(s.text for s in sources if s.kind == "text")
    article = build_article(source, template_lines)
    if isinstance(article, SkippedFile):
        raise NotInCorpusError(f"{article_id}: {article.reason}")
    lines = [
        f"id:        {article.id}",
        f"file:      {article.source_path}",
        f"title:     {article.title}"
        + ("  (derived: the page had no headline)" if article.title_derived else ""),
        f"authors:   {', '.join(article.authors) or '-'}",
        f"outlet:    {article.outlet or '-'}",
        f"published: {article.published or '-'}",
        f"url:       {article.url or '-'}",
        f"lead:      {article.lead or '-'}",
        f"headings:  {' | '.join(article.headings) or '-'}",
        "",
        "== kept text ==",
        article.body,
        "",
        f"== removed blocks ({len(article.removed)}) ==",
    ]
    for block in article.removed:
        lines.append(f"[{block.rule}] {block.text}")
    return "\n".join(lines)
