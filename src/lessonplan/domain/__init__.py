"""Pure domain values: models, hashing, quality checks, plan diff. No I/O here."""
