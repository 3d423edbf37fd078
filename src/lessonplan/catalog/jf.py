"""The JF Standard Can-do list as the Japan Foundation distributes it (CSV), irregular rows
included.

Columns: ``No``, ``種別``, ``種類``, ``レベル``, ``言語活動``, ``カテゴリー``, ``第1トピック``,
``JF Can-do (日本語)``, ``JF Can-do (English)``; other columns (公開日・更新日…) are ignored and a
title line above the header is skipped. What real files do, and what this reader does about it:

- rows of the Marugoto subset carry an extra まるごと field after ``種類`` that shifts every later
  column (the level sits under ``言語活動``): the level is looked for one or two cells to the
  right, the cells skipped over become the descriptor's ``course``;
- the English text may sit under ``JF Can-do (日本語)`` with the English column empty, or a
  row may hold one language only: each text is placed by its script (kana or kanji: Japanese);
- ``No`` is out of order and has gaps: the uid is ``<種別>:<No>`` (``JF:21``, ``JFまるごと:14``),
  whatever the order; a ``No`` given twice is a bad row (the first one is kept);
- quoted quotes and commas are the CSV module's business.

``言語活動`` becomes ``skill_domain``, ``種類`` the ``type``, ``カテゴリー`` the ``category`` and
``第1トピック`` the topic, with its English name from ``data/jf_standard.json``. Pure.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata

from pydantic import ValidationError

from lessonplan.catalog.report import ImportReport, RowProblem
from lessonplan.catalog.vocab import fold, jf_vocabulary
from lessonplan.domain.models import LEVELS, CanDoDescriptor

NO, SOURCE, KIND, LEVEL, ACTIVITY, CATEGORY, TOPIC, TEXT_JA, TEXT_EN = (
    "No",
    "種別",
    "種類",
    "レベル",
    "言語活動",
    "カテゴリー",
    "第1トピック",
    "JF Can-do (日本語)",
    "JF Can-do (English)",
)
COLUMNS = (NO, SOURCE, KIND, LEVEL, ACTIVITY, CATEGORY, TOPIC, TEXT_JA, TEXT_EN)
REQUIRED = (NO, LEVEL, TEXT_JA, TEXT_EN)
MAX_SHIFT = 2
HEADER_SEARCH_LINES = 10
_JAPANESE = re.compile(r"[\u3041-\u30ff\u3400-\u4dbf\u4e00-\u9fff々]")
_NUMBER = re.compile(r"^\d{1,9}$")


def _column_key(name: str) -> str:
    """Header cells compared without width, case, spaces and a trailing dot (``No.``)."""
    return re.sub(r"[\s.．]", "", unicodedata.normalize("NFKC", name)).lower()


_KEYS = {_column_key(c): c for c in COLUMNS}


def header_columns(cells: list[str]) -> dict[str, int] | None:
    """Column positions when ``cells`` is a JF header row (No, レベル and both Can-do texts)."""
    found: dict[str, int] = {}
    for i, cell in enumerate(cells):
        name = _KEYS.get(_column_key(cell))
        if name is not None and name not in found:
            found[name] = i
    return found if all(c in found for c in REQUIRED) else None


def looks_like_jf(text: str) -> bool:
    """Auto-detection: a JF header row among the first lines."""
    return _find_header(_rows(text)[:HEADER_SEARCH_LINES]) is not None


def is_japanese(text: str) -> bool:
    return bool(_JAPANESE.search(text))


def level_of(cell: str) -> str | None:
    value = unicodedata.normalize("NFKC", cell).strip().upper()
    return value if value in LEVELS else None


def _rows(text: str) -> list[tuple[int, list[str]]]:
    """(line, cells) per CSV record; the line is where the record ends (a quoted cell may span
    lines)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    return [(reader.line_num, cells) for cells in reader]


def _find_header(rows: list[tuple[int, list[str]]]) -> tuple[int, dict[str, int]] | None:
    for index, (_, cells) in enumerate(rows[:HEADER_SEARCH_LINES]):
        columns = header_columns(cells)
        if columns is not None:
            return index, columns
    return None


def _cell(cells: list[str], index: int) -> str:
    return cells[index].strip() if 0 <= index < len(cells) else ""


def _place_texts(first: str, second: str) -> tuple[str, str] | str:
    """(Japanese, English) by script, or why the two cells cannot be placed."""
    ja = [t for t in (first, second) if t and is_japanese(t)]
    other = [t for t in (first, second) if t and not is_japanese(t)]
    if not ja and not other:
        return "no Can-do text (neither JF Can-do (日本語) nor JF Can-do (English))"
    if len(ja) > 1:
        return "both Can-do texts are in Japanese script"
    if len(other) > 1:
        return "both Can-do texts are in Latin script (no Japanese text)"
    return (ja[0] if ja else "", other[0] if other else "")


def _shift(cells: list[str], columns: dict[str, int]) -> int | None:
    """How many extra cells (a まるごと field) stand before the level: 0, 1 or 2, or ``None``."""
    for shift in range(MAX_SHIFT + 1):
        if level_of(_cell(cells, columns[LEVEL] + shift)):
            return shift
    return None


def _source(cell: str, has_course: bool) -> str:
    sources = jf_vocabulary().sources
    if not cell:
        return sources[fold("JFまるごと")] if has_course else "JF"
    return sources.get(fold(cell), unicodedata.normalize("NFKC", cell).strip())


def _read_row(
    cells: list[str], columns: dict[str, int], line: int, report: ImportReport
) -> CanDoDescriptor | str:
    number = unicodedata.normalize("NFKC", _cell(cells, columns[NO]))
    if not _NUMBER.match(number):
        return f"No {number!r} is not a number" if number else "no No"
    shift = _shift(cells, columns)
    if shift is None:
        level_cell = _cell(cells, columns[LEVEL])
        if len(cells) <= columns[LEVEL]:
            return f"the row ends after {len(cells)} of {len(COLUMNS)} columns"
        return f"level {level_cell!r} is not A1…C2" if level_cell else "no level"

    def at(name: str) -> str:
        index = columns.get(name)
        if index is None:
            return ""
        return _cell(cells, index + (shift if index >= columns[LEVEL] else 0))

    course = " ".join(
        _cell(cells, columns[LEVEL] + i) for i in range(shift) if _cell(cells, columns[LEVEL] + i)
    )
    placed = _place_texts(at(TEXT_JA), at(TEXT_EN))
    if isinstance(placed, str):
        return placed
    text_ja, text_en = placed
    source = _source(at(SOURCE), bool(course))
    topic_cell = at(TOPIC)
    topic = jf_vocabulary().topic(topic_cell) if topic_cell else None
    if topic_cell and topic is None:
        report.notes.append(RowProblem(line, f"topic {topic_cell!r} is not a JF topic (kept)"))
    try:
        return CanDoDescriptor(
            uid=f"{source}:{int(number)}",
            level=level_of(at(LEVEL)),
            primary_topic_ja=topic.ja if topic else topic_cell,
            primary_topic_en=topic.en if topic else "",
            skill_domain=at(ACTIVITY),
            type=at(KIND),
            category=at(CATEGORY),
            course=course,
            description_ja=text_ja,
            description_en=text_en,
            source=source,
        )
    except ValidationError as exc:
        from lessonplan.inputs import describe_validation_error

        return describe_validation_error(exc, limit=2)


def parse_jf(text: str) -> ImportReport:
    """Every well-formed row as a descriptor, every other row named with its CSV line."""
    report = ImportReport(format="jf")
    rows = _rows(text)
    found = _find_header(rows)
    if found is None:
        report.problems.append(
            RowProblem(1, "no JF header row (No, レベル, JF Can-do (日本語), JF Can-do (English))")
        )
        return report
    header_index, columns = found
    seen: dict[str, int] = {}
    for line, cells in rows[header_index + 1 :]:
        if not any(c.strip() for c in cells):
            continue
        result = _read_row(cells, columns, line, report)
        if isinstance(result, str):
            report.problems.append(RowProblem(line, result))
            continue
        if result.uid in seen:
            report.problems.append(
                RowProblem(line, f"duplicate uid {result.uid!r} (first on row {seen[result.uid]})")
            )
            continue
        seen[result.uid] = line
        report.descriptors.append(result)
    return report
