"""Orchestration: the only layer that mixes domain logic and I/O."""
