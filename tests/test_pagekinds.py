"""Legal terms, policy statements and release notes, known by their title, court no one: their
cues count a tenth (context "policy" or "release-notes") and the wording lean names no audience
there."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from audit import Config, Engine
from audit.analyze.lean import NEUTRAL, LeanModel, terms_of
from audit.analyze.pagekinds import page_kind
from audit.models import LEAN_GROUP

# Our own copy: a shop's terms, and an accessibility statement.
TERMS_BODY = (
    "1. Orders. Your order is an offer to buy, which we accept when the kettle ships. We can turn "
    "an order down, for instance when stock runs out or a pricing error has occurred.\n\n"
    "2. Our responsibility. We stay answerable for harm our own carelessness causes, as the law "
    "of Scotland requires, and Scottish courts hear any dispute.")
ACCESS_BODY = (
    "Everyone should be able to find their way around our shop, whatever device or assistive "
    "tool they use. Pages can be enlarged to twice their size and the layout still holds, every "
    "control can be reached with the tab key, and images carry text descriptions. A few parts "
    "still fall short: order receipts sent as PDF files cannot be read aloud yet. If anything on "
    "the site gets in your way, write to us and a person will answer within three working days.")
#: A toy wording model that reads "shop" and "receipts" as the bargain hunter's, and knows the
#: statement's other words without weighing them (the lean reads only wording it mostly knows).
TOY = LeanModel(["bargain-hunter", NEUTRAL], [0.0, 0.5],
                {**{w: [0.0, 0.0] for w in terms_of(ACCESS_BODY) if " " not in w},
                 "shop": [6.0, 0.0], "receipts": [6.0, 0.0]})


@pytest.mark.parametrize("first_line", [
    "Terms of Sale", "Terms and Conditions of Sale", "Terms of Service | Kettleworks",
    "Kettleworks - Terms of Use", "Privacy notice", "Website Privacy Policy",
    "Cookie policy", "Privacy and cookies | Kettleworks", "Accessibility statement",
    "Accessibility statement for kettleworks.example",
    "Imprint", "Legal notice", "Acceptable use policy",
])
def test_a_legal_or_policy_title_marks_the_page(first_line: str) -> None:
    assert page_kind(f"{first_line}\n\nLast updated 2 March.\n\n{TERMS_BODY}") == "policy"
    assert page_kind(f"  \n{first_line}") == "policy"


@pytest.mark.parametrize("first_line", [
    "Privacy-first analytics for solo founders",  # a pitch that names privacy
    "Our terms are simple: pay monthly, leave any time",
    "Why accessibility matters for your shop",
    "Returns policy",  # judged like any page: generous returns draw the serial returner
    "Free shipping policy: orders over £30 ship free",
    "Terms",  # too vague alone
])
def test_other_first_lines_do_not(first_line: str) -> None:
    assert page_kind(f"{first_line}\n\n{TERMS_BODY}") is None


@pytest.mark.parametrize("first_line", [
    "Changelog", "Release notes | Notebird", "Notebird - Version history", "v3.2.1 (2026-11-03)",
    "Changelog: v3.2", "Changelog \u2014 2026-11-03",
    "Release 4.0", "What's new in version 2.4", "What\u2019s new in 5.1",
])
def test_a_release_notes_title_marks_the_page(first_line: str) -> None:
    assert page_kind(f"{first_line}\n\nAdded SCIM provisioning for Okta.") == "release-notes"


@pytest.mark.parametrize("first_line", [
    "What's new", "New: SSO for every plan", "Version 2 of our pricing is simpler",
    "Release notes: simpler onboarding, stronger enterprise controls",  # a headline may pitch
])
def test_a_news_headline_is_not_release_notes(first_line: str) -> None:
    assert page_kind(f"{first_line}\n\nAdded SCIM provisioning for Okta.") is None


def test_release_notes_report_beths_features_without_courting_her(each_engine: Engine) -> None:
    body = ("Added SCIM provisioning for Okta and Azure AD. Fixed a bug where audit log exports "
            "timed out. Improved SSO error messages.")
    titled = each_engine.check_text(f"Changelog: v3.2\n\n{body}", channel="landing")
    beth = [e for e in titled.evidence if e.persona == "beth-bureaucrat" and e.kind == "cue"]
    assert beth and all(e.context for e in beth)
    assert titled.verdict.label == "neutral" and titled.verdict.reason.startswith("release notes")


def test_only_the_first_line_is_read() -> None:
    assert page_kind(f"Spring sale on every kettle\n\nTerms of Sale\n\n{TERMS_BODY}") is None


def test_a_terms_page_cue_counts_a_tenth(engine: Engine) -> None:
    plain = engine.check_text(TERMS_BODY, channel="landing")
    titled = engine.check_text(f"Terms of Sale\n\n{TERMS_BODY}", channel="landing")
    bare = [e for e in plain.evidence if e.kind == "cue" and e.persona == "bargain-hunter"]
    cues = [e for e in titled.evidence if e.kind == "cue" and e.persona == "bargain-hunter"]
    assert bare and cues, "the body holds a bargain-hunter cue ('pricing error')"
    assert all(e.context == "policy" for e in cues)
    assert not any(e.context == "policy" for e in plain.evidence)
    assert sum(e.weight for e in cues) <= 0.1 * sum(e.weight for e in bare) + 1e-9
    assert titled.verdict.label == "neutral"
    assert titled.verdict.reason.startswith("legal terms or a policy statement")
    assert titled.to_dict()["evidence"][0]["context"] in ("policy", "")


def test_the_wording_lean_names_no_audience_on_a_policy_page(engine: Engine) -> None:
    # The lean's own step: cues and wording weighed together (the blend) stay off.
    config = replace(Config(), thresholds=replace(Config().thresholds, blend=1.0))
    reader = Engine(config, personas=engine.personas, pipeline=engine.pipeline)
    reader.lean_model = TOY
    untitled = reader.check_text(ACCESS_BODY, channel="landing")
    titled = reader.check_text(f"Accessibility statement\n\n{ACCESS_BODY}", channel="landing")
    assert (untitled.verdict.persona, untitled.verdict.lean is not None) == (
        "bargain-hunter", True), "without its title the wording decides"
    assert titled.verdict.label == "neutral" and titled.verdict.lean is None
    assert not any(e.kind == "lean" and e.group == LEAN_GROUP for e in titled.evidence)


def test_the_cli_says_why_a_policy_page_cue_counts_little(tmp_path: Path,
                                                          cli_env: dict[str, str]) -> None:
    page = tmp_path / "terms.txt"
    page.write_text(f"Terms of Sale\n\n{TERMS_BODY}\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "audit", "check", "--model", "fast", str(page)],
                       env=cli_env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    out = " ".join(r.stdout.split())
    assert "NEUTRAL" in out and "legal terms or a policy statement, by its title" in out
    assert "(on a legal or policy page: counts a tenth)" in out
