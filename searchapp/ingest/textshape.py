"""The shapes of lines in scraped text (prose, bullet, headline, data row, UI label),
and rejoining text hard-wrapped at a fixed width. Pure helpers for the cleaner."""

from __future__ import annotations

import re

# Chinese and Japanese are written without spaces between words: a run of Han or kana
# characters counts as one word per two characters (the mean length of a Chinese word),
# not as one word, or every paragraph of a Chinese page reads as a four-word menu label.
_UNSPACED = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_UNSPACED_RUN = re.compile(f"[{_UNSPACED}]+")
_SPACED_CHAR = rf"[^\W{_UNSPACED}]"  # a word character of a script that spaces its words
_WORD = re.compile(rf"{_SPACED_CHAR}+(?:['’.-]{_SPACED_CHAR}+)*")
_BULLET = re.compile(r"^(?:[-–—*•·▪►‣◦○]|\d{1,2}[.)])\s+\S")
# Sentence ends, in Latin punctuation and in the full-width 。！？；： of Chinese and Japanese.
_SENTENCE_END = re.compile(r"[.!?…:;。！？；：]['\"’”)\]」』）]*$|\[\d+\]$")
_SENTENCE_INSIDE = re.compile(r"\w[.!?]['\"’”)]?\s+\S|[。！？]['\"’”」』）]?\S")
HAS_ALNUM = re.compile(r"[^\W_]")


def word_count(line: str) -> int:
    unspaced = sum((len(run) + 1) // 2 for run in _UNSPACED_RUN.findall(line))
    return len(_WORD.findall(line)) + unspaced


def ends_sentence(line: str) -> bool:
    return bool(_SENTENCE_END.search(line))


def is_prose(line: str) -> bool:
    """A sentence-like paragraph: long enough and finished, or long with a sentence inside."""
    n = word_count(line)
    if n >= 8 and ends_sentence(line):
        return True
    # A long line with no sentence break at all is a tag cloud or a link list, not prose.
    return n >= 25 and bool(_SENTENCE_INSIDE.search(line))


def is_bullet(line: str) -> bool:
    return bool(_BULLET.match(line))


UNCASED_HEADLINE_WORDS = 10


def headline_like(line: str, max_words: int = 25) -> bool:
    """Short, capitalised, and not ending a sentence (a question mark is allowed)."""
    if is_bullet(line) or not 1 <= word_count(line) <= max_words or len(line) > 220:
        return False
    if re.search(r"[.,;:…–—-]['\"’”]?$", line):
        return False
    first = re.match(r"[\"'“‘(\[]?([^\W\d_a-z])|\d", line)
    if first is None:
        return False
    # A script without capitals (Chinese, Japanese, Arabic...) says nothing by its first
    # letter, so only a short line reads as a headline there: a Chinese blog's unpunctuated
    # lines of 15 words and more were taken for a run of teasers.
    letter = first.group(1)
    uncased = letter is not None and letter.upper() == letter.lower()
    return not uncased or word_count(line) <= UNCASED_HEADLINE_WORDS


def is_data(line: str) -> bool:
    """A row of figures (a results table in wire copy): over a quarter of the tokens."""
    tokens = line.split()
    return sum(1 for t in tokens if re.search(r"\d", t)) > 0.25 * len(tokens)


_COUNT = re.compile(r"\(\d+\)")


def is_figures_row(line: str) -> bool:
    """A row of a results or prices table: two figures or more, as in wire copy ("Shr 39
    cts vs 50 cts"). A link's count ("July (40)", "creative ads (48)") is not a figure:
    with it, a blog's archive and tag lists made 283 of Dragnet's 1,381 pages read as
    tables, and tables are not trimmed like a web page (text path 0.839 -> 0.856 there).
    Only that page-level test uses it: as is_data (a row's weight in the article run,
    headlines, teaser summaries) it cost the Readability pages 0.004 (0.895 -> 0.891)."""
    tokens = [t for t in line.split() if not _COUNT.fullmatch(t)]
    figures = sum(1 for t in tokens if re.search(r"\d", t))
    return figures >= 2 and figures > 0.25 * len(tokens)


def is_headline(line: str) -> bool:
    """A headline: headline-like, not prose, and mostly words rather than figures."""
    return headline_like(line) and not is_prose(line) and not is_data(line)


def ui_ish(line: str) -> bool:
    """Button and widget labels: one to four words, no sentence punctuation, no figures."""
    # Figures mark data ("Pay March 31" in wire copy); counted widgets are the share rule's.
    return 1 <= word_count(line) <= 4 and not is_bullet(line) and not re.search(r"[.!?,;\d]", line)


def line_key(line: str) -> str:
    """Normalise a line for counting across documents: casefold, collapse spaces, strip."""
    return " ".join(line.casefold().split())


# --- hard-wrapped text --------------------------------------------------------------------


def wrap_width(lines: list[str]) -> int | None:
    """The fixed width text was wrapped at, or None when it reads as unwrapped."""
    lengths = [len(s.rstrip()) for s in lines if s.strip()]
    if len(lengths) < 3:
        return None
    # The 90th percentile ignores a few overlong lines; a short text has too few to ignore.
    width = sorted(lengths)[int(0.9 * (len(lengths) - 1))] if len(lengths) >= 10 else max(lengths)
    if not 40 <= width <= 200:
        return None
    # A wrapped line fills the width to within a word or two, and often ends mid-sentence.
    near = [len(s.rstrip()) >= 0.75 * width and len(s.rstrip()) <= width + 5 for s in lines]
    best = run = 0
    for is_near in near:
        run = run + 1 if is_near else 0
        best = max(best, run)
    full = [s.rstrip() for s, is_near in zip(lines, near, strict=True) if is_near]
    unfinished = sum(1 for s in full if not ends_sentence(s))
    if best >= 2 and len(full) >= 0.4 * len(lengths) and unfinished >= 0.3 * len(full):
        return width
    return None


def unwrap(lines: list[str]) -> list[str]:
    """Join hard-wrapped lines back into paragraphs; other lines stay one per block."""
    width = wrap_width(lines)
    if width is None:
        # Unwrapped text: only a line that plainly goes on (lower-case start) is joined.
        out: list[str] = []
        for line in lines:
            s = line.strip()
            # (A short line before it is a label, such as "34 Comments" above "anna says:".)
            goes_on = out and word_count(out[-1]) >= 8 and not ends_sentence(out[-1])
            if goes_on and s[:1].islower():
                out[-1] = f"{out[-1]} {s}"
            else:
                out.append(s)
        return out
    base = min(len(s) - len(s.lstrip()) for s in lines if s.strip())
    out = []
    prev = ""  # the previous raw line, to judge whether the wrapper broke it
    for line in lines:
        s = line.rstrip()
        indent = len(s) - len(s.lstrip())
        starts_block = not s.strip() or indent > base or is_bullet(s.strip())
        first_word = s.split()[0] if s.strip() else ""
        # The wrapper broke the previous line if this line's first word would not have fitted
        # on it; a short unfinished line was cut too (its start sat on a dateline, say).
        wrapped = bool(prev.strip()) and (
            len(prev) + 1 + len(first_word) > width or not ends_sentence(prev)
        )
        if wrapped and not starts_block and out:
            glue = "" if re.search(r"[^\W\d_]-$", out[-1]) else " "
            out[-1] = out[-1] + glue + s.strip()
        else:
            out.append(s)
        prev = s
    return out
