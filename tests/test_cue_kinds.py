"""Cue kinds that generalise beyond stock phrases: behavioural call-outs, targeting
explanations, social-proof feeds, countdowns, self-identification, price levels, organisation
buying, and the context that turns a cue down. Every text here is our own."""

from __future__ import annotations

import pytest

from audit import Engine


def verdict(engine: Engine, text: str, channel: str = "draft") -> tuple[str, str | None]:
    v = engine.check_text(text, channel=channel).verdict
    return v.label, v.persona


@pytest.mark.parametrize("text", [
    "You've opened our spring catalogue 14 times since Sunday. Ready to pick a jacket?",
    "You spent 25 minutes on our mattress page last night. Still deciding?",
    "You looked at the walnut desk on Tuesday at 11pm. It's still here.",
    "You're seeing this because you recently moved to a new flat in Bristol.",
    "Still thinking about the green trainers? They miss you too.",
    "Priya from Glasgow just bought the travel kettle",
    "3 people have looked at this cabin in the last hour.",
    "Your basket is reserved for 09:59 minutes.",
    "Coping with insomnia? Our sleep coach has tips picked just for you.",
])
def test_creepy_copy_without_stock_phrases(each_engine: Engine, text: str) -> None:
    assert verdict(each_engine, text, "email") == ("risk", "over-personalization")


@pytest.mark.parametrize("text", [
    "Made for freelancers: send invoices from your phone between client calls.",
    "Personal plan for your side project. Bring your own domain, cancel whenever.",
    "Sell your prints online without buying inventory, on your own schedule.",
])
def test_target_copy_without_stock_phrases(each_engine: Engine, text: str) -> None:
    assert verdict(each_engine, text, "landing") == ("on-target", None)


def test_price_level_decides_who_a_price_speaks_to(engine: Engine) -> None:
    cheap = engine.check_text("Plans from $12 a month. Add your logo and start sending.")
    dear = engine.check_text("The Scale tier is $1,800/month, billed annually, with SSO add-on.")
    assert any(e.group == "affordable-pricing" for e in cheap.evidence)
    assert not any(e.group == "affordable-pricing" and e.persona == "susie-solopreneur"
                   for e in dear.evidence)
    assert dear.verdict.persona == "beth-bureaucrat"


def test_organisation_buying_without_buzzwords(engine: Engine) -> None:
    text = ("The self-hosted edition is sold on request only. Schedule time with an account "
            "manager and we'll contact you with a quote, payable by invoice.")
    assert verdict(engine, text, "landing") == ("wrong-audience", "beth-bureaucrat")


def test_refund_lead_is_the_bargain_hunter(engine: Engine) -> None:
    text = ("Changed your mind? Return anything within 180 days for a full refund, "
            "no receipt needed. Winter sale: 40% off everything.")
    assert verdict(engine, text, "email") == ("wrong-audience", "bargain-hunter")


@pytest.mark.parametrize("text", [
    "SOC 2, explained: what the SOC 2 report is, what a Type II audit covers and how long it takes.",
    "Vendor onboarding typically includes SSO, SCIM provisioning, a security review and a DPA.",
    "This release adds SAML single sign-on and SCIM provisioning for workspace admins.",
    "The Customer shall provide a purchase order within ten business days of the effective date.",
])
def test_informational_copy_is_not_a_pitch(engine: Engine, text: str) -> None:
    result = engine.check_text(text, channel="blog")
    assert result.verdict.label == "neutral"
    assert any(e.context == "informational" for e in result.evidence)


def test_a_quoted_practice_is_mentioned_not_used(engine: Engine) -> None:
    text = ('Booking sites love "only two rooms left" banners and pre-ticked insurance boxes; '
            "guests have learned to ignore them.")
    result = engine.check_text(text, channel="blog")
    assert result.verdict.label != "risk"
    assert any(e.context == "quoted" for e in result.evidence)


def test_a_template_with_many_placeholders_is_one_leak(engine: Engine) -> None:
    single = engine.check_text("Hi {{first_name}}, your invoice is ready.", channel="email")
    many = engine.check_text("Hi {{first_name}} {{last_name}}, your order for {{city}} shipped. "
                             "Questions? Write to {{email}}.", channel="email")
    assert single.verdict.label == "risk"
    leaks = [e for e in many.evidence if e.group == "merge-tag-leaks"]
    assert len(leaks) >= 3
    assert sum(1 for e in leaks if e.weight > 0) == 1
    # a non-personal template variable is not personal data
    order = engine.check_text("Order {{ order_id }} has shipped.", channel="email")
    assert not any(e.group == "merge-tag-leaks" for e in order.evidence)
