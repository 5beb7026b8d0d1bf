"""web/params.py: the one table of search parameters, and what it drives."""

from __future__ import annotations

from dataclasses import fields

import pytest

from searchapp.model import InvalidRequestError, SearchRequest
from searchapp.web.openapi import OPENAPI
from searchapp.web.params import PARAMETERS, STATE_PARAMS, search_request


def test_the_table_fills_exactly_the_fields_of_search_request():
    table = [p.field for p in PARAMETERS]
    assert sorted(table) == sorted(f.name for f in fields(SearchRequest))
    assert len({p.name for p in PARAMETERS}) == len(PARAMETERS)


def test_openapi_lists_the_table_then_the_response_format():
    listed = OPENAPI["paths"]["/api/search"]["get"]["parameters"]
    table = [(p.name, p.doc, p.schema) for p in PARAMETERS]
    assert [(p["name"], p["description"], p["schema"]) for p in listed[:-1]] == table
    assert listed[-1]["name"] == "format"


def test_links_keep_every_parameter_but_the_page():
    assert set(STATE_PARAMS) == {p.name for p in PARAMETERS} - {"page"}


def test_no_parameters_give_the_defaults():
    assert search_request({}) == SearchRequest()


@pytest.mark.parametrize("param", PARAMETERS, ids=lambda p: p.name)
def test_a_bad_value_is_refused_naming_its_parameter(param):
    bad = {
        "integer": "x",
        "boolean": "maybe",
        "string": "\u0662" * 4 if param.name == "year" else "x" * 201,
    }
    bad = bad[param.schema["type"]]
    if "enum" in param.schema:
        bad = "nope"
    elif param.schema.get("format") == "date":
        bad = "yesterday"
    elif param.name == "q":
        bad = "w " * 1001  # over the word limit
    with pytest.raises(InvalidRequestError) as refused:
        search_request({param.name: bad})
    assert refused.value.param == param.name
