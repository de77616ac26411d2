"""Documentation prose is not a pitch: how-to steps, pointers to other pages and API reference
lines name SSO, trials or guides because that is what the page is about, not to pull anyone
in. Each shape is recognised by a `context.informational` pattern (audit/data/language.yaml);
copy that pitches in the same words keeps its weight. Every text here is our own."""

from __future__ import annotations

import pytest

from audit import Engine
from tests.support.context import assert_pitch, assert_quiet


@pytest.mark.parametrize("text", [
    # moving through a product's screens
    "In the admin dashboard, navigate to the SAML connections page and paste the metadata URL.",
    "Open your workspace and click on the Enable SCIM provisioning button.",
    "Type your work email and click on the Start my free trial button.",
    "Turn on audit logs under the Compliance tab.",
    "Open Settings > Single sign-on and upload the certificate from your IdP.",
    # pointers to other pages, and a page describing itself
    "Refer to the quickstart guide for the install command.",
    "Follow one of the quickstart guides, then run the app locally.",
    "See the SAML overview for the full list of supported providers.",
    "This page explains how SCIM provisioning keeps users in step with your identity provider.",
    "Instructions for each identity provider are listed below.",
    # API reference lines
    "Indicates whether the SAML connection is active.",
    "The URL that receives the SAML response from the IdP.",
    "If not set, the SAML response goes to the default callback route.",
])
def test_documentation_prose_is_not_a_pitch(engine: Engine, text: str) -> None:
    assert_quiet(engine, text)


@pytest.mark.parametrize(("text", "label", "persona"), [
    ("Click the button below to book a personalised demo with our enterprise team.",
     "wrong-audience", "beth-bureaucrat"),
    ("Manage SSO, SCIM and audit logs from one admin console.", "wrong-audience", "beth-bureaucrat"),
    ("Enterprise plans include SSO, SCIM and a dedicated success manager. See the Enterprise "
     "page for details.", "wrong-audience", "beth-bureaucrat"),
    ("Follow our step-by-step guides and launch your shop this afternoon.", "on-target", None),
])
def test_a_pitch_in_the_same_words_still_counts(engine: Engine, text: str, label: str,
                                                persona: str | None) -> None:
    assert_pitch(engine, text, label, persona)


def test_a_demo_repository_is_sample_code_not_a_sales_call(engine: Engine) -> None:
    docs = engine.check_text("Clone the demo repository to follow along with the examples.")
    assert not any(e.group == "demo-mention" for e in docs.evidence)
    sales = engine.check_text("Watch the demo and see how procurement teams approve vendors faster.")
    assert any(e.group == "demo-mention" for e in sales.evidence)


def test_an_events_source_is_not_a_sourcing_event(engine: Engine) -> None:
    docs = engine.check_text("Every row points back to its source event, so a failed import can be replayed.")
    assert not any(e.persona == "beth-bureaucrat" and e.kind == "cue" for e in docs.evidence)
    buying = engine.check_text("Run a sourcing event before the contract is signed.")
    assert any(e.group == "procurement-and-legal" for e in buying.evidence)


def test_documentation_signals_are_found_as_a_plain_search_finds_them() -> None:
    """The signals run as scans on the lower-cased window (see charregex.Scan): the same
    answer as searching each regex in the window, at its edges and in any case."""
    from audit.analyze.docpages import doc_rules
    from audit.analyze.templates import REACH

    rules = doc_rules()
    filler = "Plain words about the weekend market. " * (REACH // 30)
    samples = ["PREREQUISITES", "Prerequisite", "prerequisitely", "Available on: Business",
               "available on : all plans", "Once Configured, users sign in", "How SCIM works",
               "how scim works", "How Team Billing And Seats works", "The webhook is fired",
               "Configure your SAML connection", "SSO can be configured in Settings", "None here"]
    for sample in samples:
        for text in (sample, f"{filler}{sample}", f"{sample}{filler}", f"{filler}{sample}{filler}",
                     f"x{sample}", f"{sample}x", f"{filler[:-1]}İ {sample}"):
            for start in (0, len(text) // 2, len(text) - 1):
                window_lo, window_hi = max(0, start - REACH), min(len(text), start + 1 + REACH)
                plain = any(rx.search(text[window_lo:window_hi]) for rx in rules.signals)
                assert rules.around(text, start, start + 1) == plain, (sample, start)
