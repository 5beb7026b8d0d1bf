"""Which engine answers the pages and the API: Whoosh (the default) or a SphinxQL cluster.

Both are packages with the same surface (searchapp.engine, searchapp.engine.sphinxql):
open_engine() returns the package and the handle its calls take (a LiveIndex or a
SphinxEngine); the app keeps them in app.extensions["searchapp.engine"] and ["searchapp.live"].
"""

from __future__ import annotations

import os
from pathlib import Path

from . import engine

ENGINES = ("whoosh", "sphinxql")
DEFAULT_CLUSTER = "sphinx-cluster"
DEFAULT_MASTER = "127.0.0.1:9306"


def engine_settings(environ=os.environ) -> dict:
    """The app settings that pick and address an engine, from the environment."""
    return {
        "ENGINE": environ.get("SEARCHAPP_ENGINE") or "whoosh",
        "SPHINX_CLUSTER": environ.get("SEARCHAPP_SPHINX_CLUSTER") or None,
        "SPHINX_MASTER": environ.get("SEARCHAPP_SPHINX_MASTER") or None,
        "SPHINX_TIMEOUT_MS": int(environ.get("SEARCHAPP_SPHINX_TIMEOUT_MS") or 3000),
    }


def sphinx_master(config: dict):
    """(master address, how to start it) from SPHINX_MASTER or the SPHINX_CLUSTER folder."""
    sphinx = engine.sphinxql
    folder = config.get("SPHINX_CLUSTER")
    if config.get("SPHINX_MASTER"):
        master = config["SPHINX_MASTER"]
    elif folder:
        master = sphinx.read_layout(Path(folder)).master.address
    else:
        master = DEFAULT_MASTER
    if folder:
        hint = f"start the cluster with `sh {Path(folder) / sphinx.START_SCRIPT}`"
    else:
        hint = f"start searchd for the master at {master} and its shards"
    return master, hint


def open_engine(config: dict):
    """(engine package, handle) for config["ENGINE"]; ValueError for an unknown name."""
    name = config.get("ENGINE") or "whoosh"
    if name == "whoosh":
        return engine, engine.LiveIndex(Path(config["INDEX_DIR"]))
    if name == "sphinxql":
        master, hint = sphinx_master(config)
        handle = engine.sphinxql.SphinxEngine.at(
            master, timeout_ms=int(config["SPHINX_TIMEOUT_MS"]), start_hint=hint
        )
        return engine.sphinxql, handle
    raise ValueError(f"unknown engine {name!r}; choose one of: {', '.join(ENGINES)}")
