"""The floor of a cached ``lessonplan plan``: a process that reads the cached row with stdlib
sqlite3 and prints its JSON (``python -m benchmarks.floors.sqlite_read DB_PATH KEY_HASH``)."""

from __future__ import annotations

import sqlite3
import sys


def main() -> None:
    path, key_hash = sys.argv[1], sys.argv[2]
    with sqlite3.connect(path) as conn:
        row = conn.execute("SELECT plan_json FROM plan_cache WHERE key_hash = ?", (key_hash,))
        found = row.fetchone()
    if found is None:
        raise SystemExit("no such row")
    sys.stdout.write(found[0] + "\n")


if __name__ == "__main__":
    main()
