"""`python -m searchapp` is the `searchapp` command."""

from .cli import main

main()
