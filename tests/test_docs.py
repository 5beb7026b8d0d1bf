"""README must document every command, option, endpoint and API parameter."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from searchapp import create_app
from searchapp.cli import main
from searchapp.web.openapi import OPENAPI
from searchapp.web.params import markdown_table

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_and_option_is_in_readme(name):
    command = main.commands[name]
    assert f"searchapp {name}" in README
    for param in command.params:
        for option in param.opts:
            if option.startswith("--"):
                assert option in README, f"{name} {option} is not in README.md"


@pytest.mark.parametrize(
    "param", [p["name"] for p in OPENAPI["paths"]["/api/search"]["get"]["parameters"]]
)
def test_every_search_parameter_is_in_readme(param):
    assert f"`{param}`" in README


def test_every_route_is_in_readme(tmp_path):
    app = create_app({"INDEX_DIR": str(tmp_path)})
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        documented = re.sub(r"<[^>]+>", "<id>", rule.rule)  # <article_id>, <int:story_id>
        assert documented in README, f"{rule.rule} is not in README.md"


def test_readme_commands_match_ci():
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash scripts/test.sh" in README
    assert "scripts/test.sh" in ci


def test_top_level_options_are_in_readme():
    for param in main.params:
        for option in param.opts:
            if option.startswith("--"):
                assert f"searchapp {option}" in README, f"searchapp {option} is not in README.md"


@pytest.mark.parametrize(
    "field", list(OPENAPI["components"]["schemas"]["SearchResults"]["properties"])
)
def test_every_search_response_field_is_in_readme(field):
    assert f'"{field}"' in README, f"the search response field {field} is not in README.md"


def test_export_headers_are_in_readme(client):
    response = client.get("/search.csv?q=Lavrov")
    ours = [name for name in response.headers.keys() if name.startswith("X-") and "Export" in name]
    ours.append("X-Total-Count")
    for name in ours:
        assert f"`{name}`" in README, f"the export header {name} is not in README.md"


def test_readme_parameter_table_is_the_params_table():
    table = markdown_table()
    assert table in README, f"README.md's /api/search table should read:\n{table}"
