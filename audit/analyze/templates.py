"""Whether a piece reads as a template rather than a message someone received.

A template's placeholders are filled in when it is sent: ``{firstname}`` beside ``{shop_url}``
and ``{amount}`` in a shop's reminder template is plumbing, not a leak, while one unfilled
``{{first_name}}`` in otherwise finished copy is. Copywriters check templates in CI, and real
copy quoted from template files reads as rendered. The placeholder syntaxes are data
(``template`` in ``audit/data/language.yaml``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .language import language_data

_SPACE = re.compile(r"\s+")
#: How far around a placeholder the others are looked for: a template's placeholders sit close
#: together, and a long page is not read whole for each leak.
REACH = 2000


def near(text: str, start: int, end: int, lo: int = 0, hi: int | None = None) -> str:
    """The text within :data:`REACH` of ``text[start:end]``, kept inside ``[lo, hi)`` (the
    piece's bounds when several share a text)."""
    hi = len(text) if hi is None else hi
    return text[max(lo, start - REACH):min(hi, end + REACH)]


@dataclass(frozen=True, slots=True)
class TemplateRules:
    min_placeholders: int
    placeholders: tuple[re.Pattern[str], ...]
    logic: tuple[re.Pattern[str], ...]

    def around(self, text: str, start: int, end: int, lo: int = 0, hi: int | None = None) -> bool:
        """:meth:`is_template` on the text :func:`near` ``text[start:end]``."""
        return self.is_template(near(text, start, end, lo, hi))

    def is_template(self, text: str) -> bool:
        """Template logic, or at least ``min_placeholders`` distinct placeholders (spacing and
        case aside: ``{{ name }}`` and ``{{Name}}`` are one)."""
        if any(rx.search(text) for rx in self.logic):
            return True
        found: set[str] = set()
        for rx in self.placeholders:
            for m in rx.finditer(text):
                found.add(_SPACE.sub("", m.group(0)).lower())
                if len(found) >= self.min_placeholders:
                    return True
        return False


@lru_cache(maxsize=1)
def template_rules() -> TemplateRules:
    data = language_data()["template"]
    return TemplateRules(
        min_placeholders=int(data["min_placeholders"]),
        placeholders=tuple(re.compile(rx) for rx in data["placeholders"]),
        logic=tuple(re.compile(rx) for rx in data["logic"]),
    )
