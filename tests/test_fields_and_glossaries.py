"""Copy set out under its field labels, availability notes, help-page steps and glossaries: a
brief's 'Headline: "..."' is the copy itself, while a help page that says where a feature lives
or how to switch it on, and a glossary that defines a term, pitch it to no one. Every text here
is our own."""

from __future__ import annotations

import pytest

from audit import Engine
from audit.analyze.pagekinds import page_kind


def contexts(engine: Engine, text: str, persona: str) -> list[str]:
    """The context of each of a persona's cues in the text ("" when it counts in full)."""
    return [e.context for e in engine.check_text(text, channel="landing").evidence
            if e.kind == "cue" and e.persona == persona]


def verdict_of(engine: Engine, text: str) -> tuple[str, str | None]:
    v = engine.check_text(text, channel="landing").verdict
    return v.label, v.persona


# -- copy under its field labels --------------------------------------------------------------

@pytest.mark.parametrize("text", [
    'Subject line: "We saw you looking at the walnut desk"\nPreheader: "It is still in stock."',
    'Push notification: "We saw you looking at the walnut desk, it is nearly gone"',
    'Email 2 of the browse flow. Headline = "We saw you looking at the walnut desk"',
])
def test_a_quotation_under_a_copy_field_is_the_copy(engine: Engine, text: str) -> None:
    assert "" in contexts(engine, text, "over-personalization")
    assert engine.check_text(text, channel="email").verdict.persona == "over-personalization"


def test_a_quotation_in_a_sentence_about_a_practice_is_still_a_mention(engine: Engine) -> None:
    text = 'Shoppers tell us that "we saw you looking" emails feel like being followed round a shop.'
    assert contexts(engine, text, "over-personalization") == ["quoted"]



@pytest.mark.parametrize("text", [
    'Every jacket ships with our "send it back whenever" promise: we offer a "no questions asked" refund.',
    'Each branch of the outlet now offers our "No Questions Asked" returns on anything bought there.',
])
def test_a_quotation_the_sellers_own_offer_introduces_is_the_offer(engine: Engine, text: str
                                                                   ) -> None:
    assert "" in contexts(engine, text, "bargain-hunter")


def test_an_offer_someone_else_makes_in_quotes_is_still_a_mention(engine: Engine) -> None:
    text = 'Outlet chains offer a "no questions asked" refund to win loyalty, a reader writes.'
    assert contexts(engine, text, "bargain-hunter") == ["quoted"]

# -- where a feature lives, and how to switch it on ----------------------------------------------

@pytest.mark.parametrize("text", [
    "SCIM provisioning is only available on our Scale plan.",
    "Audit logs are available to Enterprise customers.",
    "Enterprise plan feature.",
])
def test_an_availability_note_informs(engine: Engine, text: str) -> None:
    found = contexts(engine, text, "beth-bureaucrat")
    assert found and all(c == "informational" for c in found)


def test_a_pitch_that_names_a_plan_still_pitches(engine: Engine) -> None:
    text = "Get SAML single sign-on, audit logs and a named success manager with Enterprise."
    assert verdict_of(engine, text) == ("wrong-audience", "beth-bureaucrat")


@pytest.mark.parametrize("text", [
    "SAML setup\nFirst, open the Admin area and navigate to the Security tab. Paste your "
    "identity provider's metadata URL and press Save.",
    "To turn on SSO, go to Settings > Security and click the Connect button next to Okta.",
    "SSO is managed under your workspace settings. Only owners see that section.",
])
def test_steps_through_the_products_screens_are_documentation(engine: Engine, text: str) -> None:
    found = contexts(engine, text, "beth-bureaucrat")
    assert found and all(c in ("documentation", "informational") for c in found)
    assert "documentation" in found or "informational" in found
    assert verdict_of(engine, text)[0] == "neutral"


# -- glossaries --------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "A restocking fee is a charge that a shop takes from a refund when an item comes back.",
    "A procurement portal is a system where a large buyer collects quotes from its suppliers.",
    "A sole trader is someone who runs a business alone and keeps all of its profit.",
])
def test_a_generic_thing_defined_informs(engine: Engine, text: str) -> None:
    assert engine.check_text(text, channel="blog").verdict.label == "neutral"


def test_a_product_that_names_itself_is_not_a_definition(engine: Engine) -> None:
    text = "Tallyho is a tool that lets freelancers send an invoice in a minute. Plans start at $9."
    assert verdict_of(engine, text) == ("on-target", None)


def test_an_explainer_is_known_by_its_title() -> None:
    assert page_kind("What is a restocking fee?\nIt is a charge ...") == "explainer"
    assert page_kind("What are price-match guarantees?\n...") == "explainer"
    assert page_kind("What is Tallyho?\nTallyho is the simplest way ...") is None
    assert page_kind("What is your refund policy?\n...") is None
    assert page_kind("What are the fees?\n...") is None
    assert page_kind("What is a team plan and why should your company buy one?\n...") is None


def test_an_explainers_cues_count_a_tenth(engine: Engine) -> None:
    text = ("What is a price-match guarantee?\nIt is a promise to match a lower price from a "
            "competitor, so that a customer does not need to shop around for the best deal.")
    result = engine.check_text(text, channel="blog")
    assert result.verdict.label == "neutral"
    cues = [e for e in result.evidence if e.kind == "cue"]
    assert cues and all(e.context for e in cues)
    assert any(e.context == "explainer" for e in cues)
    assert "explainer" in result.verdict.reason
