"""`searchapp inspect`: show how one corpus file was cleaned, as plain text."""

from __future__ import annotations

from pathlib import Path, PurePath

from ..model import Article, RemovedBlock, SearchappError, SkippedFile
from .clean import find_template_lines
from .load import article_id, read_source, read_sources
from .pipeline import Source, build_article


class NotInCorpusError(SearchappError, LookupError):
    """No corpus file has that article id or path."""


def inspect_article(corpus_dir: Path, wanted: str) -> str:
    """A report on one corpus file, named by article id or by its path in the corpus.

    Works for skipped files too: it says why the file was skipped and, when the file could
    be read, what cleaning removed. NotInCorpusError when no corpus file has that id or path.
    """
    sources, skipped = read_sources(corpus_dir)
    wanted = PurePath(wanted.strip()).as_posix().removeprefix("./")
    template_lines = find_template_lines(s.text for s in sources if s.kind == "text")
    source = next((s for s in sources if wanted in (s.id, s.path)), None)
    if source is not None:
        return _report(source, build_article(source, template_lines))
    for item in skipped:
        relative = _relative(Path(item.path), corpus_dir)
        if wanted not in (relative, article_id(relative)):
            continue
        # A file skipped before cleaning (a duplicate id) can still show what cleaning does.
        read = read_source(corpus_dir / relative, corpus_dir)
        if isinstance(read, SkippedFile):
            return f"file:      {relative}\nskipped:   {item.reason}"
        return _report(read, build_article(read, template_lines), skipped_because=item.reason)
    raise NotInCorpusError(f"no article or file {wanted!r} in {corpus_dir}")


def _report(source: Source, result: Article | SkippedFile, skipped_because: str = "") -> str:
    if isinstance(result, SkippedFile):
        lines = [
            f"id:        {source.id}",
            f"file:      {source.path}",
            f"skipped:   {skipped_because or result.reason}",
            *(f"warning:   {w}" for w in source.warnings),
        ]
        return "\n".join([*lines, "", *_removed(result.removed)])
    article = result
    lines = [
        f"id:        {article.id}",
        f"file:      {article.source_path}",
        *([f"skipped:   {skipped_because}"] if skipped_because else []),
        f"title:     {article.title}"
        + ("  (derived: the page had no headline)" if article.title_derived else ""),
        f"authors:   {', '.join(article.authors) or '-'}",
        f"outlet:    {article.outlet or '-'}",
        f"published: {article.published or '-'}",
        f"url:       {article.url or '-'}",
        f"lead:      {article.lead or '-'}",
        f"headings:  {' | '.join(article.headings) or '-'}",
        f"extraction: {article.extraction}",
        *(f"warning:   {note}" for note in article.notes),
        "",
        "== kept text ==",
        article.text,
        "",
        *_removed(article.removed),
    ]
    return "\n".join(lines)


def _removed(blocks: tuple[RemovedBlock, ...]) -> list[str]:
    return [f"== removed blocks ({len(blocks)}) ==", *(f"[{b.rule}] {b.text}" for b in blocks)]


def _relative(path: Path, corpus_dir: Path) -> str:
    try:
        return path.relative_to(corpus_dir).as_posix()
    except ValueError:
        return path.as_posix()
