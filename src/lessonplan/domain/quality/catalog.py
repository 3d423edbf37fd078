"""Catalog-level check: dialogues and readings must not be shared between lessons."""

from __future__ import annotations

import re
from collections.abc import Mapping

from lessonplan.domain.issues import QualityIssue
from lessonplan.domain.lesson import ContentStage
from lessonplan.domain.quality.common import error, norm, warning

# Kanji and katakana runs, with a polite prefix (the nouns and verb stems a template fills in)
# → one placeholder.
_FILLED = re.compile("[おご]?[\u3400-\u4dbf\u4e00-\u9fff々\u30a0-\u30ff]+")
# Share of lines two lessons' texts must share to count as the same text.
SAME_TEXT_SHARE = 0.5


def _skeleton(surface: str) -> str:
    return _FILLED.sub("□", norm(surface))


def _share(a: list[str], b: list[str]) -> float:
    if not a or not b:
        return 0.0
    common = len(set(a) & set(b))
    return common / min(len(set(a)), len(set(b)))


def check_catalog(contents: Mapping[str, ContentStage]) -> list[QualityIssue]:
    """Dialogues and readings repeated across lessons (keyed by lesson or descriptor id).

    ``catalog.dialogue_duplicate`` / ``catalog.reading_duplicate`` (error): half or more of the
    lines are the same text; ``…_template`` (warning): the same lines with other words filled in.
    """
    issues: list[QualityIssue] = []
    keys = sorted(contents)

    def turns(content: ContentStage) -> list[str]:
        dialogue = content.dialogue
        return [t.text.surface for t in dialogue.turns] if dialogue is not None else []

    texts = {
        key: {
            "dialogue": turns(contents[key]),
            "reading": [s.surface for s in contents[key].reading.sentences],
        }
        for key in keys
    }
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            for part in ("dialogue", "reading"):
                lines_a, lines_b = texts[a][part], texts[b][part]
                same = _share([norm(x) for x in lines_a], [norm(x) for x in lines_b])
                path = f"$[{b!r}].{part}"
                if same >= SAME_TEXT_SHARE:
                    msg = f"the {part} of {b} repeats {same:.0%} of the lines of {a}'s."
                    issues.append(error(f"catalog.{part}_duplicate", msg, path))
                    continue
                shape = _share([_skeleton(x) for x in lines_a], [_skeleton(x) for x in lines_b])
                if shape >= SAME_TEXT_SHARE:
                    msg = f"the {part} of {b} is {a}'s template with other words ({shape:.0%})."
                    issues.append(warning(f"catalog.{part}_template", msg, path))
    return issues
