#!/usr/bin/env bash
# Install everything the tests need into .venv (and Chromium for the browser tests), then
# run the whole suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's Chromium drives the browser tests (Playwright's own browser download cannot work
# here); DejaVu gives its screenshots readable text on a machine with no fonts yet.
# sphinxsearch (Sphinx 2.2: searchd, indextool) runs the real local cluster the SphinxQL
# engine's tests start.
SYSTEM_PACKAGES=(chromium fonts-dejavu-core sphinxsearch)
if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s fonts-dejavu-core >/dev/null 2>&1 \
    || ! command -v searchd >/dev/null 2>&1; then
    echo "Installing ${SYSTEM_PACKAGES[*]} for the browser and cluster tests (Debian packages)..." >&2
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
        "${SYSTEM_PACKAGES[@]}" >/dev/null
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
# One test process per core, plus one: much of the suite waits on servers, clusters, deadlines
# and browsers: on two cores three processes ran it in 207-259 s (seven runs), two in 255-292 s
# (five runs; a shared machine). PYTEST_WORKERS=0 runs it in one process (e.g. to read
# a failing test's output in order).
WORKERS="${PYTEST_WORKERS:-$(( $(nproc) + 1 ))}"
exec .venv/bin/python -m pytest -n "$WORKERS" "$@"
