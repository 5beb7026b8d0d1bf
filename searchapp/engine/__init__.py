"""Search engines behind the one surface the pages and the API use."""
