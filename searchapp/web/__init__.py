"""The HTML pages and the JSON API: with create_app and the CLI, the only code importing Flask."""
