"""Floors: the least code that does what a measured path does, run side by side with it.

* :mod:`benchmarks.floors.fastapi_asyncpg`: a FastAPI endpoint that reads the cached row with
  asyncpg and returns its JSON text (the floor of an HTTP cache hit);
* :mod:`benchmarks.floors.typer_app`: a typer app of two commands (the floor of ``--help``);
* :mod:`benchmarks.floors.sqlite_read`: a process that reads the row with stdlib sqlite3 (the
  floor of a cached ``lessonplan plan``).
"""
