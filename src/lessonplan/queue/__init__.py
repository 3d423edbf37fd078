"""Distributed precompile on procrastinate (PostgreSQL only; imported lazily by the CLI)."""
