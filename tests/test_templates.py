"""A template's placeholders are filled in when it is sent: a group marked ``in_templates:
false`` (merge-tag leaks) does not count in a piece that reads as a template, and still counts
for one unfilled tag in finished copy. Every text is our own."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from audit import Engine
from audit.analyze.templates import template_rules
from audit.errors import LexiconError
from audit.packs.lexicon import load_packs


def _leaks(engine: Engine, text: str) -> list[tuple[float, str]]:
    result = engine.check_text(text, channel="email")
    return [(e.weight, e.context) for e in result.evidence if e.group == "merge-tag-leaks"]


@pytest.mark.parametrize("text", [
    "Hi {firstname} {lastname}, the basket you filled at {shop_name} is saved for you.",
    "Hello *|FNAME|*, your *|PLAN|* renews on *|RENEWAL_DATE|*. Thanks for staying with us.",
    "{% if customer %}Hi {{ customer.first_name }},{% endif %} your parcel left the depot.",
    "Dear [First Name], your booking [booking_ref] for [Event Name] is confirmed.",
])
def test_a_template_does_not_leak(engine: Engine, text: str) -> None:
    leaks = _leaks(engine, text)
    assert leaks and all(w == 0.0 and ctx == "template" for w, ctx in leaks)
    assert engine.check_text(text, channel="email").verdict.label != "risk"


@pytest.mark.parametrize("text", [
    "Hi {{first_name}}, thanks for your order! It ships tomorrow.",
    "Hi *|FNAME|* *|LNAME|*, we saved a seat for you at Thursday's workshop.",
    "Dear %FIRSTNAME%, your new cushions are on their way.",
])
def test_one_unfilled_name_in_finished_copy_still_leaks(engine: Engine, text: str) -> None:
    assert any(w > 0 and ctx == "" for w, ctx in _leaks(engine, text))
    assert engine.check_text(text, channel="email").verdict.label == "risk"


def test_what_counts_as_a_placeholder() -> None:
    rules = template_rules()
    # spacing and case aside, a repeated placeholder is one
    assert not rules.is_template("Hi {{ name }}, {{name}} and {{Name}}: one field, three times.")
    # markdown links and prices are not placeholders
    assert not rules.is_template("See [Pricing](/p), [Docs](/d) and [Blog](/b). 20% off, 30% off.")
    assert rules.is_template("{{#each items}}{{title}}{{/each}}")
    assert rules.is_template("Hi <%= user.name %>, welcome aboard.")


@pytest.mark.parametrize("flag", ["in_templates", "in_docs"])
def test_piece_context_flags_must_be_flags(tmp_path: Path, flag: str) -> None:
    pack = tmp_path / "p.yaml"
    pack.write_text(
        "id: p\nname: P\nkind: risk\nversion: '1'\ncues:\n  - group: g\n    weight: 1\n"
        f"    terms: [hello there]\n    {flag}: nope\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=f"'{flag}' must be true or false"):
        load_packs([pack])


def test_the_json_report_says_template(tmp_path: Path) -> None:
    draft = tmp_path / "reminder.txt"
    draft.write_text("Hi {first_name}, your {product} is still in your basket at {store}.",
                     encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "audit", "check", "--format", "json", str(draft)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    evidence = json.loads(proc.stdout)["pieces"][0]["evidence"]
    leaks = [e for e in evidence if e["group"] == "merge-tag-leaks"]
    assert leaks and all(e["context"] == "template" and e["weight"] == 0 for e in leaks)
