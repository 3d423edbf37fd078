"""Refusing text no store or hash can hold, before it gets that far.

JSON can carry a NUL (``"\\u0000"``, which no database text column accepts) and a lone UTF-16
surrogate (``"\\udc80"``, which is not Unicode text and cannot be encoded as UTF-8, so hashing or
storing it fails). A request can also nest values so deeply that recursive code overflows the
stack. :func:`find_bad_text` walks a JSON-like value iteratively (no recursion, any depth) and
names the first such problem with its JSON path, so validation refuses it with a clear message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

MAX_JSON_DEPTH = 32
# Set while a value that was checked whole is validated: the models nested in it skip the walk.
_INSIDE_CHECKED: ContextVar[bool] = ContextVar("lessonplan_inside_checked", default=False)


@dataclass(frozen=True)
class BadText:
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason


def _string_problem(text: str) -> str | None:
    if "\x00" in text:
        return "contains a NUL character (strings must not contain NUL characters)"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = text[exc.start]
        return f"is not valid Unicode text (a lone surrogate \\u{ord(bad):04x})"
    return None


def _join(path: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def _string_ok(text: str) -> bool:
    if "\x00" in text:
        return False
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _all_clean(value: Any, max_depth: int) -> bool:
    """The common case, fast: nothing wrong anywhere (no JSON paths built on the way)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if not _string_ok(item):
                return False
        elif isinstance(item, dict):
            if depth >= max_depth:
                return False
            for key, child in item.items():
                if isinstance(key, str) and not _string_ok(key):
                    return False
                if not isinstance(child, int | float | bool | None):
                    stack.append((child, depth + 1))
        elif isinstance(item, list | tuple):
            if depth >= max_depth:
                return False
            stack.extend((child, depth + 1) for child in item)
    return True


def find_bad_text(value: Any, *, max_depth: int = MAX_JSON_DEPTH) -> BadText | None:
    """The first NUL, lone surrogate or too-deep nesting in ``value`` (dicts, lists, strings)."""
    if _all_clean(value, max_depth):
        return None
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, str):
            problem = _string_problem(item)
            if problem is not None:
                return BadText(path, f"text {problem}" if not path else problem)
            continue
        if isinstance(item, dict | list | tuple):
            if depth >= max_depth:
                return BadText(path, f"nested deeper than {max_depth} levels")
            if isinstance(item, dict):
                children: list[tuple[Any, str, int]] = []
                for key, child in item.items():
                    if isinstance(key, str):
                        problem = _string_problem(key)
                        if problem is not None:
                            return BadText(path, f"a key {problem}")
                    children.append((child, _join(path, key), depth + 1))
            else:
                children = [(child, _join(path, i), depth + 1) for i, child in enumerate(item)]
            stack.extend(reversed(children))
    return None


def refuse_bad_text(value: Any, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``value`` unchanged, or ``ValueError`` naming what is wrong (for pydantic validators)."""
    bad = find_bad_text(value, max_depth=max_depth)
    if bad is not None:
        raise ValueError(str(bad))
    return value


@contextmanager
def checked_whole() -> Iterator[None]:
    """Inside: the value being validated was already walked by :func:`refuse_bad_text`."""
    token = _INSIDE_CHECKED.set(True)
    try:
        yield
    finally:
        _INSIDE_CHECKED.reset(token)


def refuse_bad_text_once(value: Any) -> Any:
    """:func:`refuse_bad_text`, skipped inside a value checked whole (a request body)."""
    if _INSIDE_CHECKED.get():
        return value
    return refuse_bad_text(value)


def validate_checked(value: Any, handler: Callable[[Any], Any]) -> Any:
    """Walk ``value`` once, then let ``handler`` (pydantic's) validate it and what it nests
    without walking the nested parts again (for ``model_validator(mode="wrap")``). Inside
    :func:`checked_whole` (the caller checked the raw text) the walk is skipped."""
    if not _INSIDE_CHECKED.get():
        refuse_bad_text(value)
    with checked_whole():
        return handler(value)
