"""Forms of address that mark a line's register outside Japanese, where one word tells.

Pure. Spanish marks the listener: usted (Ud., Vd.) is polite, tú and its forms (te, ti, contigo,
tu, tus, vosotros) are familiar. Only unambiguous words count: su and le are also third person,
ustedes is the only plural of both registers in the Americas, a verb ending says nothing alone.
Languages whose address words are ambiguous (French vous, German Sie, Russian вы are also
plurals) have no entry, so their lines are not register-checked.
"""

from __future__ import annotations

import re

from lessonplan.domain.models import Register
from lessonplan.domain.quality.scripts import primary_language

_ADDRESS: dict[str, tuple[tuple[re.Pattern[str], Register], ...]] = {
    "es": (
        (re.compile(r"(?<!\w)(?:usted|ud\.|vd\.)(?!\w)", re.IGNORECASE), "polite"),
        (
            re.compile(
                r"(?<!\w)(?:tú|te|ti|contigo|tu|tus|vosotros|vosotras)(?!\w)", re.IGNORECASE
            ),
            "plain",
        ),
    ),
}


def has_address_forms(language: str) -> bool:
    return primary_language(language) in _ADDRESS


def address_registers(surface: str, language: str) -> list[tuple[str, Register]]:
    """(word, register) of each form of address in ``surface``, in order."""
    found: list[tuple[int, str, Register]] = []
    for pattern, register in _ADDRESS.get(primary_language(language), ()):
        found += [(m.start(), m.group(0), register) for m in pattern.finditer(surface)]
    return [(word, register) for _, word, register in sorted(found)]
