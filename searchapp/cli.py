"""The `searchapp` command: a thin shell over the library functions."""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
from pathlib import Path

import click
from flask import current_app, has_app_context
from flask.cli import with_appcontext

from . import default_dirs, engine
from .build import BuildError, BuildSummary, clean_corpus, rebuild_index
from .engine import SynonymsError, built_with_this_schema, load_synonyms
from .engines import ENGINES, engine_settings
from .store import NoIndexError, RebuildInProgressError, current_generation, read_build_info

# Exit status when the index was built but some corpus files were skipped.
EXIT_SKIPPED = 3

_corpus_option = click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of articles (.txt, .html, .htm, with optional <stem>.json sidecars). "
    "Default: $SEARCHAPP_CORPUS_DIR or ./corpus.",
)
_index_option = click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder that holds the index. Default: $SEARCHAPP_INDEX_DIR or ./index.",
)


def _dirs(corpus_dir: Path | None, index_dir: Path | None) -> tuple[Path, Path]:
    """Options first, then the Flask app's config (under `flask --app`), then defaults."""
    default_corpus, default_index = default_dirs()
    if has_app_context():
        default_corpus = Path(current_app.config["CORPUS_DIR"])
        default_index = Path(current_app.config["INDEX_DIR"])
    return corpus_dir or default_corpus, index_dir or default_index


_engine_option = click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default=None,
    help="Where the articles are indexed and searched: a Whoosh index folder, or a Sphinx / "
    "Manticore cluster over SphinxQL. Default: $SEARCHAPP_ENGINE or whoosh.",
)
_cluster_option = click.option(
    "--sphinx-cluster",
    "cluster_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder `searchapp sphinx-config` wrote (its cluster.json names the master and the "
    "shards). Default: $SEARCHAPP_SPHINX_CLUSTER or ./sphinx-cluster.",
)


def _engine_config(engine: str | None, cluster_dir: Path | None, **extra) -> dict:
    """ENGINE and SPHINX_* settings: options first, then the environment."""
    settings = engine_settings()
    if engine:
        settings["ENGINE"] = engine
    if cluster_dir:
        settings["SPHINX_CLUSTER"] = str(cluster_dir)
    if settings["ENGINE"] == "sphinxql" and not settings["SPHINX_CLUSTER"]:
        settings["SPHINX_CLUSTER"] = "sphinx-cluster"
    settings.update({k: v for k, v in extra.items() if v is not None})
    return settings


def _layout(settings: dict):
    read_layout = engine.sphinxql.read_layout

    try:
        return read_layout(Path(settings["SPHINX_CLUSTER"]))
    except ValueError as error:
        raise click.ClickException(str(error)) from None


def run_rebuild(
    corpus_dir: Path,
    index_dir: Path,
    incremental: bool,
    settings: dict | None = None,
    exclude: tuple[str, ...] = (),
) -> BuildSummary:
    """Rebuild with a progress bar on a terminal; ClickException on failure.

    With settings naming the sphinxql engine, the articles go to that cluster instead.
    """
    if not corpus_dir.is_dir():
        raise click.ClickException(f"corpus folder not found: {corpus_dir}")
    bar = None
    show_bar = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if not show_bar:
            return
        if bar is None:
            bar = click.progressbar(length=total, label="Indexing", file=sys.stderr)
            bar.__enter__()
        bar.update(1)

    try:
        if settings and settings["ENGINE"] == "sphinxql":
            layout = _layout(settings)
            summary = engine.sphinxql.rebuild_cluster(
                corpus_dir,
                layout,
                clean_corpus=functools.partial(clean_corpus, exclude=exclude),
                incremental=incremental,
                progress=progress,
            )
        else:
            summary = rebuild_index(
                corpus_dir, index_dir, incremental=incremental, progress=progress, exclude=exclude
            )
    except RebuildInProgressError as error:
        raise click.ClickException(str(error)) from None
    except (BuildError, engine.sphinxql.BuildError) as error:
        raise click.ClickException(
            f"rebuild failed, the previous index is still serving: {error}"
        ) from None
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if summary.not_incremental:
        click.echo(summary.not_incremental, err=True)
    for skipped in summary.skipped:
        click.echo(f"skipped {skipped.path}: {skipped.reason}", err=True)
    for warning in summary.warnings:
        click.echo(f"warning {warning.path}: {warning.message}", err=True)
    click.echo(summary.line())
    return summary


@click.command("rebuild-index")
@_corpus_option
@_index_option
@click.option(
    "--incremental",
    is_flag=True,
    help="Re-index only articles whose content changed; drop deleted ones.",
)
@click.option(
    "--exclude",
    "exclude",
    multiple=True,
    metavar="GLOB",
    help="Leave out corpus files matching GLOB (gitignore syntax, e.g. 'drafts/' or '*.csv.txt'); "
    "repeatable, and added to the corpus's .searchappignore.",
)
@_engine_option
@_cluster_option
def rebuild_index_command(
    corpus_dir: Path | None,
    index_dir: Path | None,
    incremental: bool,
    exclude: tuple[str, ...],
    engine: str | None,
    cluster_dir: Path | None,
):
    """Rebuild the search index from the corpus while search keeps serving.

    Example: searchapp rebuild-index --corpus corpus --index index --exclude 'drafts/'
    """
    corpus_dir, index_dir = _dirs(corpus_dir, index_dir)
    settings = _engine_config(engine, cluster_dir)
    summary = run_rebuild(corpus_dir, index_dir, incremental, settings, exclude)
    if summary.skipped:
        sys.exit(EXIT_SKIPPED)


def flask_rebuild_index_command() -> click.Command:
    """The same command for `flask --app searchapp rebuild-index`, inside the app's context."""
    return click.Command(
        "rebuild-index",
        callback=with_appcontext(rebuild_index_command.callback),
        params=rebuild_index_command.params,
        help=rebuild_index_command.help,
    )


@click.command("inspect")
@click.argument("article")
@_corpus_option
def inspect_command(article: str, corpus_dir: Path | None):
    """Show how one corpus file is cleaned: metadata, kept text, each removed block and rule.

    ARTICLE is an article id (business/001) or a file's path in the corpus
    (business/001.txt); a skipped file shows why it was skipped.

    Example: searchapp inspect business/001
    """
    from .ingest.inspect import NotInCorpusError, inspect_article

    corpus_dir, _ = _dirs(corpus_dir, None)
    try:
        click.echo(inspect_article(corpus_dir, article))
    except NotInCorpusError as error:
        raise click.ClickException(str(error)) from None


@click.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; use 0.0.0.0 to serve your LAN.",
)
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on.",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes (one per core is right for search).",
)
@click.option(
    "--threads",
    default=4,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Threads per worker.",
)
@click.option(
    "--watch",
    "watch",
    is_flag=True,
    help="Also watch the corpus folder and rebuild incrementally when files change.",
)
@click.option(
    "--open",
    "open_browser",
    is_flag=True,
    help="Open the search page in a browser once serving (when this machine has one).",
)
@click.option(
    "--synonyms",
    "synonyms_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A synonyms file (README: Synonyms), applied to every query; default $SEARCHAPP_SYNONYMS.",
)
@_corpus_option
@_index_option
@_engine_option
@_cluster_option
@click.option(
    "--sphinx-master",
    default=None,
    help="host:port of the cluster master's SphinxQL listener, when it is not the one "
    "--sphinx-cluster names (a remote or Manticore cluster). Default: $SEARCHAPP_SPHINX_MASTER.",
)
@click.option(
    "--sphinx-timeout-ms",
    type=click.IntRange(50, 600_000),
    default=None,
    help="Per-request query time budget on the cluster (searchd max_query_time). "
    "Default: $SEARCHAPP_SPHINX_TIMEOUT_MS or 3000.",
)
def serve_command(
    host,
    port,
    workers,
    threads,
    watch,
    open_browser,
    synonyms_file,
    corpus_dir,
    index_dir,
    engine,
    cluster_dir,
    sphinx_master,
    sphinx_timeout_ms,
):
    """Serve the web app and API with a production server (builds the index if none).

    Example: searchapp serve --host 127.0.0.1 --port 8000
    """
    from .announce import PortUnavailableError, check_port
    from .server import serve, write_stall_seconds

    try:
        write_stall = write_stall_seconds()  # a bad setting fails before any build
        check_port(host, port)  # before any build: a taken port should fail at once
    except (PortUnavailableError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    corpus_dir, index_dir = _dirs(corpus_dir, index_dir)
    if synonyms_file is not None:
        try:
            load_synonyms(synonyms_file)  # fail here, with the reason, not in every worker
        except SynonymsError as error:
            raise click.ClickException(f"{error} (pass a UTF-8 text file)") from None
        os.environ["SEARCHAPP_SYNONYMS"] = str(synonyms_file.resolve())  # workers inherit it
    settings = _engine_config(
        engine,
        cluster_dir,
        SPHINX_MASTER=sphinx_master,
        SPHINX_TIMEOUT_MS=sphinx_timeout_ms,
    )
    if settings["ENGINE"] == "sphinxql":
        # --watch rebuilds a Whoosh index folder; the cluster is rebuilt by rebuild-index.
        if watch:
            raise click.ClickException("--watch works with --engine whoosh only")
        _build_cluster_if_empty(corpus_dir, settings)
    else:
        _build_index_if_stale(corpus_dir, index_dir)
    watcher = _start_watcher(corpus_dir, index_dir) if watch else None
    try:
        serve(
            host=host,
            port=port,
            workers=workers,
            threads=threads,
            corpus_dir=corpus_dir,
            index_dir=index_dir,
            open_browser=open_browser,
            settings=settings,
            write_stall=write_stall,
        )
    finally:
        if watcher is not None:
            watcher.terminate()
            watcher.wait(timeout=30)


def _build_index_if_stale(corpus_dir: Path, index_dir: Path) -> None:
    """Build the Whoosh index first when there is none or another version built it."""
    try:
        live = current_generation(index_dir)
    except NoIndexError:
        click.echo(f"No index in {index_dir} yet; building it from {corpus_dir} first.", err=True)
        run_rebuild(corpus_dir, index_dir, incremental=False)
    else:
        if not built_with_this_schema(read_build_info(index_dir, live)):
            click.echo(
                f"The index in {index_dir} was built by another version of searchapp; "
                f"rebuilding it from {corpus_dir} first.",
                err=True,
            )
            run_rebuild(corpus_dir, index_dir, incremental=False)


def _start_watcher(corpus_dir: Path, index_dir: Path) -> subprocess.Popen:
    """`searchapp watch` beside the server: its own process, so builds never share the
    gunicorn arbiter (which forks workers, and must stay free to answer signals)."""
    command = [sys.executable, "-m", "searchapp", "watch"]
    return subprocess.Popen(command + ["--corpus", str(corpus_dir), "--index", str(index_dir)])


@click.command("watch")
@_corpus_option
@_index_option
def watch_command(corpus_dir: Path | None, index_dir: Path | None):
    """Keep the index current: rebuild incrementally whenever corpus files change.

    Example: searchapp watch --corpus corpus --index index
    """
    from .watch import watch_corpus

    corpus_dir, index_dir = _dirs(corpus_dir, index_dir)
    if not corpus_dir.is_dir():
        raise click.ClickException(f"corpus folder not found: {corpus_dir}")
    # SIGTERM (from serve --watch, or a service manager) stops it like Ctrl+C does.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    watch_corpus(corpus_dir, index_dir, lambda line: click.echo(line, err=True))


def _build_cluster_if_empty(corpus_dir: Path, settings: dict) -> None:
    """Build into the cluster first when it has no build yet (as serve does for Whoosh)."""
    sphinx = engine.sphinxql

    if settings.get("SPHINX_MASTER"):
        return  # a cluster this machine does not run: it is built where it runs
    layout = _layout(settings)
    try:
        meta = sphinx.read_meta(sphinx.node_address(layout.master))
    except sphinx.ClusterUnavailableError as error:
        raise click.ClickException(
            f"{error}; start the cluster with `sh {layout.folder}/start.sh`"
        ) from None
    if meta is None:
        click.echo(f"No build in the cluster yet; building it from {corpus_dir} first.", err=True)
        run_rebuild(corpus_dir, Path("."), incremental=False, settings=settings)


@click.command("sphinx-config")
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("sphinx-cluster"),
    show_default=True,
    help="Folder to write the searchd configs, data folders and start/stop scripts into.",
)
@click.option(
    "--shards",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Number of RT shards behind the master's distributed index.",
)
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address every node listens on."
)
@click.option(
    "--base-port",
    default=0,
    type=click.IntRange(0, 65000),
    help="First of 1 + 2*shards consecutive ports (master, then each shard's SphinxQL and "
    "agent port). Default: free ports picked now.",
)
@click.option("--start", is_flag=True, help="Start the nodes too, and wait until they answer.")
def sphinx_config_command(folder: Path, shards: int, host: str, base_port: int, start: bool):
    """Write searchd configs for N local RT shards and a master with a distributed index.

    Example: searchapp sphinx-config --dir sphinx-cluster --shards 2 && sh sphinx-cluster/start.sh
    """
    cluster = config = engine.sphinxql

    layout = config.plan_layout(folder, shards, host=host, base_port=base_port)
    config.write_cluster(layout)
    click.echo(f"Wrote {len(layout.nodes)} searchd configs into {layout.folder}")
    click.echo(f"master (SphinxQL): {layout.master.address}")
    for shard in layout.shards:
        click.echo(f"{shard.name}: {shard.address} (agents on port {shard.agent_port})")
    if start:
        try:
            cluster.start_cluster(layout)
        except (cluster.ClusterUnavailableError, cluster.SearchdMissingError) as error:
            raise click.ClickException(str(error)) from None
        click.echo("started; stop with: sh " + str(layout.folder / config.STOP_SCRIPT))
    else:
        click.echo("start it with: sh " + str(layout.folder / config.START_SCRIPT))
    click.echo(f"then: searchapp rebuild-index --engine sphinxql --sphinx-cluster {layout.folder}")


@click.group()
@click.version_option(package_name="searchapp", prog_name="searchapp")
def main():
    """searchapp: full-text search over a folder of scraped news articles."""


main.add_command(rebuild_index_command)
main.add_command(inspect_command)
main.add_command(serve_command)
main.add_command(sphinx_config_command)
main.add_command(watch_command)
