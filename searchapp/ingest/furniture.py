"""Structural detectors of page furniture that spans several blocks: runs of related-article
teasers, runs of cut-off excerpts, and reader comments. Pure: lists of blocks in, indexes out."""

from __future__ import annotations

import re

from .textshape import ends_sentence, headline_like, is_data, is_headline, is_prose, word_count


def teaser_run(blocks: list[str], keys: list[str]) -> set[int]:
    """Related-article teasers: headlines printed twice in a row, each with a summary.

    Two or more such units in a row mark the run; one doubled line alone is left to the
    other rules, since a heading can be scraped twice by accident.
    """
    doubled = [
        i for i in range(len(blocks) - 1) if keys[i] == keys[i + 1] and headline_like(blocks[i])
    ]
    found: set[int] = set()
    k = 0
    while k < len(doubled):
        unit_starts = [doubled[k]]
        while k + 1 < len(doubled) and doubled[k + 1] - unit_starts[-1] <= 5:
            k += 1
            unit_starts.append(doubled[k])
        if len(unit_starts) >= 2:
            end = unit_starts[-1] + 2
            # The last teaser's summary: prose after its headline, up to two paragraphs.
            while (
                end < len(blocks)
                and end - unit_starts[-1] <= 3
                and not (end + 1 < len(blocks) and keys[end] == keys[end + 1])
                and is_prose(blocks[end])
            ):
                end += 1
            found.update(range(unit_starts[0], end))
        k += 1
    return found


_TRUNCATED = re.compile(r"(?:…|\.\.\.|\[…\]|\[\.\.\.\])\W*$|read more\W*$", re.IGNORECASE)


def excerpt_run(blocks: list[str]) -> set[int]:
    """Teasers without the doubled headline: a headline, then one cut-off summary, three times.

    Subheadings in an article are followed by finished paragraphs; a teaser's summary is
    cut mid-sentence or ends in an ellipsis.
    """
    found: set[int] = set()
    units: list[int] = []
    i = 0
    while i < len(blocks) - 1:
        head, summary = blocks[i], blocks[i + 1]
        cut = _TRUNCATED.search(summary) or not ends_sentence(summary)
        teaser = is_headline(head) and word_count(summary) >= 12 and not is_data(summary)
        if teaser and cut:
            units.append(i)
            i += 2
            continue
        if len(units) >= 3:
            found.update(range(units[0], units[-1] + 2))
        units = []
        i += 1
    if len(units) >= 3:
        found.update(range(units[0], units[-1] + 2))
    return found


# "Ann says:", "Posted by:": the line over a comment
_SAYS_TEXT = r"\b(?:says|said|wrote|writes|replied|commented|posted by)\s*:\s*$"
# a comment's own buttons: a thread repeats them under every comment, an article does not
_BUTTON_TEXT = (
    r"^\W*(?:reply|report|report abuse|permalink|upvote|downvote|flag|quote)\W*$|^rate this\b"
)
_COMMENT_SIGNATURE = re.compile(
    rf"{_SAYS_TEXT}"
    r"|\b\d{1,2}:\d{2}\s*(?:[ap]\.?m\b\.?)?"
    r"|\b\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago\b"
    rf"|{_BUTTON_TEXT}",
    re.IGNORECASE,
)
_SAYS = re.compile(_SAYS_TEXT, re.IGNORECASE)
_COMMENT_BUTTON = re.compile(_BUTTON_TEXT, re.IGNORECASE)
_COMMENT_MARKER = re.compile(
    r"^\W*\d*\s*(?:comments?|responses?|replies|reactions)\b"
    r"|\b\d+\s+(?:comments?|responses?)\b"
    r"|^(?:leave|post|add|write|submit) a (?:reply|comment)"
    r"|^(?:join|start) the (?:discussion|conversation)|^discussions?$|comments? (?:are )?closed"
    r"|^(?:top rated|view all|show|load more|all) comments",
    re.IGNORECASE,
)


def comments_start(blocks: list[str]) -> int | None:
    """Where the readers' comments begin: a run of signatures ("x says:", "2 days ago") after
    the article's prose, marked by a heading such as "34 Comments" or by several "says:".

    Time stamps alone are not enough, since a live blog stamps every entry.
    """
    signatures = [
        i for i, b in enumerate(blocks) if word_count(b) <= 20 and _COMMENT_SIGNATURE.search(b)
    ]
    seen_prose = False
    for i, block in enumerate(blocks):
        seen_prose = seen_prose or is_prose(block)
        if i not in signatures or not seen_prose:
            continue
        run = [i]  # signatures that follow each other closely, as comment headers do
        for s in signatures:
            if run[-1] < s <= run[-1] + 6:
                run.append(s)
        markers = [
            j
            for j in range(max(0, i - 6), i + 1)
            if word_count(blocks[j]) <= 8 and _COMMENT_MARKER.search(blocks[j])
        ]
        says = sum(1 for s in run if _SAYS.search(blocks[s]))
        buttons = sum(1 for j in range(i, run[-1] + 1) if _COMMENT_BUTTON.search(blocks[j]))
        if len(run) >= 3 and (markers or says >= 2 or buttons >= 2):
            return markers[0] if markers else i
    return None
