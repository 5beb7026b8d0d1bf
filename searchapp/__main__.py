"""`python -m searchapp` is the `searchapp` command."""

from .cli import main

if __name__ == "__main__":  # importing the module (tests walk the package) runs nothing
    main()
