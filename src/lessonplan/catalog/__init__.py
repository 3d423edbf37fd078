"""Reading catalogs of Can-Do descriptors: the JF Standard Can-do CSV, and plain CSV or JSON.

``read_catalog`` returns an :class:`ImportReport` (the descriptors of the well-formed rows and,
row by row, what could not be read); the caller decides whether bad rows stop the import
(``--strict``). The format is given (``jf``, ``csv``, ``json``) or detected: a ``.json`` file
is JSON, a CSV whose header has the JF columns is ``jf``, any other CSV the plain shape.
Pure apart from reading the file.
"""

from __future__ import annotations

from pathlib import Path

from lessonplan.catalog.jf import looks_like_jf, parse_jf
from lessonplan.catalog.plain import parse_plain
from lessonplan.catalog.report import ImportReport, RowProblem
from lessonplan.errors import BadInputError

FORMATS = ("jf", "csv", "json")

__all__ = [
    "FORMATS",
    "ImportReport",
    "RowProblem",
    "detect_format",
    "read_catalog",
    "read_catalog_file",
]


def detect_format(text: str, *, suffix: str = "") -> str:
    suffix = suffix.lower().lstrip(".")
    if suffix == "json" or (not suffix and text.lstrip("\ufeff \r\n\t")[:1] in "[{"):
        return "json"
    if suffix in ("csv", "tsv", "txt", "") and looks_like_jf(text):
        return "jf"
    if suffix in ("csv", ""):
        return "csv"
    raise BadInputError(f"unsupported catalog format {suffix!r}: use .json or .csv, or --format")


def read_catalog(text: str, *, fmt: str | None = None, name: str = "catalog") -> ImportReport:
    chosen = fmt or detect_format(text)
    if chosen not in FORMATS:
        raise BadInputError(f"unknown catalog format {chosen!r}: use {', '.join(FORMATS)}")
    if chosen == "jf":
        report = parse_jf(text)
        if not report.descriptors and not report.problems:
            raise BadInputError(f"{name} holds no descriptors")
        return report
    return parse_plain(text, fmt=chosen, name=name)


def read_catalog_file(path: str | Path, *, fmt: str | None = None) -> ImportReport:
    from lessonplan.inputs import read_text_file

    p = Path(path)
    text = read_text_file(p, "catalog", encoding="utf-8-sig")
    chosen = fmt or detect_format(text, suffix=p.suffix)
    return read_catalog(text, fmt=chosen, name=str(p))
