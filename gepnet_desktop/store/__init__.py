"""The clinic's SQLite database (being built: see issue 3)."""
