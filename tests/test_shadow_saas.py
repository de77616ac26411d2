"""Fixes found on a shadow set of SaaS and developer-tool copy (READMEs, pricing and plan pages,
docs, onboarding emails) from sources the real development set does not use. Each fix has the
case it mends and a guard it must not break. Every sentence here is our own."""

from __future__ import annotations

import pytest

from audit import Engine
from tests.support.context import assert_quiet
from tests.support.cues import full_weight_groups as _groups
from tests.support.cues import verdict_of as _verdict

# --- Susie: plain words that were missed ---------------------------------------------------

@pytest.mark.parametrize("text", [
    "An easy-to-use booking page for your salon.",
    "A simple-to-use tracker that lives in your menu bar.",
    "Plain, easy-to-learn bookkeeping for your shop.",
    "It works out of the box, so you can get back to your clients.",
    "Install it and go: no configuration required.",
    "A lightweight invoicing app for freelancers.",
    "Lightweight and quick, it stays out of your way.",
])
def test_plain_simple_promises_count(engine: Engine, text: str) -> None:
    assert "plain-simple" in _groups(engine, text), text


def test_the_spaced_spelling_still_counts(engine: Engine) -> None:
    assert "plain-simple" in _groups(engine, "A calendar that is easy to use on your phone.")


@pytest.mark.parametrize("text", [
    "The agent is a lightweight binary that sits next to your database.",
    "We ship lightweight container images for every release.",
    "It talks to the server through a lightweight proxy.",
])
def test_lightweight_as_a_technical_part_is_not_a_simplicity_claim(engine: Engine, text: str) -> None:
    assert "plain-simple" not in _groups(engine, text), text


@pytest.mark.parametrize("text", [
    "A shared knowledge base for your whole team, built on Postgres.",
    "Wikis, docs and help centre builders in one workspace.",
    "The fastest knowledge base software for growing companies.",
])
def test_a_knowledge_base_as_the_product_is_not_self_help(engine: Engine, text: str) -> None:
    assert "do-it-yourself-support" not in _groups(engine, text), text


@pytest.mark.parametrize("text", [
    "Stuck? Search our knowledge base or drop us a line.",
    "Every answer is in our help centre, with short videos.",
    "Questions? Simply reply to this email and I'll answer myself.",
    "If anything is unclear, just reply to it and we'll sort it out.",
])
def test_self_help_and_a_reply_to_the_founder_count(engine: Engine, text: str) -> None:
    assert "do-it-yourself-support" in _groups(engine, text), text


def test_professional_invoices_are_an_outcome_for_a_small_owner(engine: Engine) -> None:
    assert "get-results" in _groups(engine, "Send professional invoices and estimates from your phone.")


@pytest.mark.parametrize("text", [
    "Made for bloggers and artisans who sell their own work.",
    "Built for entrepreneurs who run everything from one laptop.",
    "Personal workspaces stay free, with every feature switched on.",
    "It even runs on a Raspberry Pi in your cupboard.",
])
def test_one_person_readers_are_named(engine: Engine, text: str) -> None:
    assert "individual-use" in _groups(engine, text), text


def test_a_business_workspace_is_not_individual_use(engine: Engine) -> None:
    assert "individual-use" not in _groups(engine, "Invite your managers to the shared workspace.")


# --- Beth: a public sandbox is not a sales demo ---------------------------------------------

@pytest.mark.parametrize("text", [
    "Try the live demo: it resets every hour.",
    "Our sandbox is a temporary live demo that resets at midnight.",
])
def test_a_public_live_demo_is_not_sales_led(engine: Engine, text: str) -> None:
    assert "sales-led-buying" not in _groups(engine, text), text


@pytest.mark.parametrize("text", [
    "Book a live demo with our solutions team.",
    "Schedule a live demo for your procurement group.",
    "Weekly live demos with a product specialist for qualified accounts.",
])
def test_a_live_demo_run_by_sales_still_counts(engine: Engine, text: str) -> None:
    assert "sales-led-buying" in _groups(engine, text), text


# --- documentation register: menu paths, versions, licence freedoms --------------------------

@pytest.mark.parametrize("text", [
    "To turn on single sign-on, open Settings -> Security -> Login and pick your provider.",
    "Granular permissions live under Admin >> Users >> Roles.",
    "Since version 2.4, admins can require single sign-on for every member.",
    "The tool supports (>= v3.1.0) granular permissions per project.",
    "Audit logs are available from v1.9.0 onward.",
])
def test_docs_about_admin_features_are_not_a_pitch(engine: Engine, text: str) -> None:
    assert_quiet(engine, text)


@pytest.mark.parametrize("text", [
    "Require single sign-on for every member, with audit logs and SCIM.",
    "Enforce SSO and SAML across the whole organisation.",
])
def test_the_same_features_pitched_still_pull_beth(engine: Engine, text: str) -> None:
    assert _verdict(engine, text) == ("wrong-audience", "beth-bureaucrat")


def test_a_price_after_from_is_not_a_version(engine: Engine) -> None:
    result = engine.check_text("Plans start from $9.99 a month.", channel="landing")
    assert any(e.group == "affordable-pricing" and not e.context for e in result.evidence)


def test_licence_freedoms_are_not_a_price(engine: Engine) -> None:
    text = "The template is completely free to use, modify and distribute under the MIT licence."
    assert not _groups(engine, text) & {"free-forever", "price-led-offer"}


def test_a_free_offer_still_counts(engine: Engine) -> None:
    assert "free-forever" in _groups(engine, "Completely free for everyone, forever.")


# --- negation across a bracketed gloss ---------------------------------------------------------

def test_a_gloss_in_brackets_does_not_hide_not_required(engine: Engine) -> None:
    text = "For a weekend project, single sign-on (SSO) isn't required."
    assert "governance-and-admin" not in _groups(engine, text)
    assert "governance-and-admin" in _groups(engine, text, negated=True)


def test_a_gloss_in_brackets_keeps_an_offer(engine: Engine) -> None:
    text = "Single sign-on (SSO) is included on the business plan."
    assert "governance-and-admin" in _groups(engine, text)


# --- Beth without the usual buzzwords: licences, scaling organisations, scale-up jargon -------

@pytest.mark.parametrize(("text", "group"), [
    ("We sell site licences with support for companies running it in production.",
     "sales-led-buying"),
    ("A highly scalable platform for your global teams.", "enterprise-scale"),
    ("Secure and scalable by design, for every department.", "enterprise-scale"),
    ("We empower organizations to modernise how they work.", "corporate-jargon"),
    ("A comprehensive solution that delivers tangible results.", "corporate-jargon"),
    ("If your organisation is scaling and needs extra support, talk to us.", "organisation-buying"),
    ("If your company requires dedicated hosting, our team will help.", "organisation-buying"),
])
def test_enterprise_register_without_buzzwords(engine: Engine, text: str, group: str) -> None:
    assert group in _groups(engine, text), text


@pytest.mark.parametrize(("text", "group"), [
    ("Free for personal and commercial use.", "sales-led-buying"),
    # a freelancer buys a commercial licence for a font or theme too: it names no organisation
    ("A commercial licence lets you use the theme in client work.", "sales-led-buying"),
    ("It grows with you as your shop gets busier.", "enterprise-scale"),
    ("We empower small businesses to get paid faster.", "corporate-jargon"),
    ("If your team needs more room, upgrade from your settings.", "organisation-buying"),
    ("If your company needs a logo on every invoice, add it once.", "organisation-buying"),
])
def test_small_business_lookalikes_stay_clear(engine: Engine, text: str, group: str) -> None:
    assert group not in _groups(engine, text), text


def test_a_scaling_organisation_and_a_sales_contact_pull_beth(engine: Engine) -> None:
    text = "If your organisation is scaling and needs extra support, talk to us."
    assert _verdict(engine, text) == ("wrong-audience", "beth-bureaucrat")


# --- billing pages: the vendor's own risk, and paying only for what you use --------------------

def test_the_vendors_own_risk_is_not_the_buyers(engine: Engine) -> None:
    text = "Large bills are split into early charges, which lets us mitigate risk from chargebacks."
    assert "approval-and-sign-off" not in _groups(engine, text)


@pytest.mark.parametrize("text", [
    "Our audit trail helps you mitigate risk before the board review.",
    "We mitigate risks for regulated banks and insurers.",
])
def test_risk_mitigation_pitched_to_a_buyer_still_counts(engine: Engine, text: str) -> None:
    assert "approval-and-sign-off" in _groups(engine, text), text


@pytest.mark.parametrize("text", [
    "You are only charged for the storage you actually use.",
    "Pay only for the seats you need, month by month.",
])
def test_paying_for_what_you_use_counts_for_susie(engine: Engine, text: str) -> None:
    assert "individual-use" in _groups(engine, text), text


def test_a_sentence_about_use_and_payment_apart_does_not(engine: Engine) -> None:
    text = "You pay for the whole office even if you use one desk."
    assert "individual-use" not in _groups(engine, text)


def test_value_added_tax_is_not_jargon(engine: Engine) -> None:
    assert "corporate-jargon" not in _groups(engine, "Prices include value added taxes where due.")
    assert "corporate-jargon" in _groups(engine, "We bundle value-added services for partners.")
