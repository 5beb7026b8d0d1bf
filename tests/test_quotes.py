"""Quotations and their speakers: each row is one way news copy attributes a quote."""

from __future__ import annotations

import pytest

from searchapp.ingest.quotes import extract_quotes, is_statement

CASES = [
    # (text, quoted words, speaker)
    ('"We will act soon," Lavrov said.', "We will act soon", "Lavrov"),
    ("“We will act soon,” said Sergey Lavrov.", "We will act soon", "Sergey Lavrov"),
    ('Lavrov told Russian reporters, "we became allies."', "we became allies", "Lavrov"),
    ('According to TASS, "the talks went well."', "the talks went well", "TASS"),
    # A title before the name is not part of it.
    ('"Talks went well," Foreign Minister Sergey Lavrov said.', "Talks went well", "Sergey Lavrov"),
    # A pronoun is not resolved: no speaker rather than a guess.
    ('"We will act soon," he said.', "We will act soon", None),
    # The interviewer's outlet is not the speaker.
    ('"It is bad," Kelly told CNN\'s Brian Abel.', "It is bad", "Kelly"),
    # A name on the next line belongs to the next paragraph.
    ('"It is bad,” wrote\nToloraya. The end.', "It is bad", None),
]


@pytest.mark.parametrize(("text", "words", "speaker"), CASES)
def test_attribution(text, words, speaker):
    (quote,) = extract_quotes(text)
    assert quote.text == words
    assert quote.speaker == speaker
    assert text[quote.start : quote.end].strip(" ,.") == words


def test_surname_gets_the_full_name_the_article_uses():
    text = 'Foreign Minister Sergey Lavrov arrived. "We will act soon," Lavrov said.'
    assert extract_quotes(text)[0].speaker == "Sergey Lavrov"


def test_a_quote_carrying_on_keeps_the_speaker():
    text = '"We exchanged views," Lavrov noted. "Our friends confirmed their support."'
    assert [q.speaker for q in extract_quotes(text)] == ["Lavrov", "Lavrov"]


def test_scare_quotes_are_not_statements():
    assert extract_quotes('Russia compares Ukraine to the "Nazis".') == ()
    (short,) = extract_quotes('He pledged "unconditional support" to Moscow.')
    assert not is_statement(short)
