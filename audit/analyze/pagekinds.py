"""Pages that court no one, known by their title: legal terms and policy statements, release
notes.

A terms-of-sale page that reserves the right to cancel "where a pricing error has occurred", an
accessibility statement that lets pages "enlarge up to double size", or a changelog that "added SCIM
provisioning for Okta" states rules or reports changes to whoever reads it; read as marketing
copy, they drew the bargain hunter or Beth. The titles that mark such pages are data
(``page_kinds`` in ``audit/data/language.yaml``); only the piece's first line is read, which is
where a page's ``<title>`` or a draft's heading sits.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .language import language_data

#: The kinds, in the order they are tried; each is also the context its cues carry.
KINDS = ("policy", "release-notes", "explainer")
#: A site's name before a title ("Acme | Terms of Service").
_SITE_BEFORE = r"(?:[^\n|·•—–:-]{1,60}\s*[|·•—–:-]\s*)?"
#: What may follow each kind's title. A policy: its site or scope ("Privacy notice - Acme",
#: "Accessibility statement for acme.com"). Release notes: a version, a date or, after a bar, the
#: site's name ("Changelog: v3.2", "Release notes | Notebird"), but no headline: "Release notes:
#: simpler onboarding, stronger enterprise controls" announces, and may pitch.
_AFTER = {
    "policy": r"(?:\s+(?:for|of)\s+[^\n]{1,60})?(?:\s*[|·•—–:-]\s*[^\n]{0,60}|\s*[.:]?)",
    "release-notes": (r"(?:\s*[|·•—–:-]?\s*\(?(?:v?\d+(?:\.\d+){0,3}|\d{4}-\d{2}-\d{2})\)?"
                      r"|\s*[|·]\s*[^\n,;:]{1,40})*\s*[.:]?"),
    "explainer": r"(?:\s*[|·•—–-]\s*[^\n]{0,60})?",
}


@lru_cache(maxsize=1)
def _titles() -> tuple[tuple[tuple[str, re.Pattern[str]], ...], int]:
    data = language_data()["page_kinds"]
    found = tuple((kind, re.compile(_SITE_BEFORE + "(?:" + "|".join(f"(?:{t})" for t in data[kind])
                                    + ")" + _AFTER[kind], re.IGNORECASE))
                  for kind in KINDS)
    return found, int(data["max_line_chars"])


def page_kind(text: str) -> str | None:
    """``policy``, ``release-notes`` or ``explainer`` when the piece's first non-blank line names
    it so."""
    kinds, longest = _titles()
    line = text.lstrip()[: longest + 1].split("\n", 1)[0].strip()
    if len(line) > longest:
        return None
    return next((kind for kind, rx in kinds if rx.fullmatch(line)), None)
