"""Prompt builders and token counting. Pure: nothing here does I/O."""
