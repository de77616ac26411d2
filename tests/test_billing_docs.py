"""Billing and shop documentation is not a pitch: coupons, promotions, custom prices, purchase
orders and invoices are records that an admin creates or that code handles. Configuration and
code sentences about them are recognised by `context.informational` patterns
(audit/data/language.yaml). A coupon or discount offered to the reader keeps its weight, and
so does the bare word "coupon" in copy (lexicons/bargain-hunter.yaml). Every text here is our
own."""

from __future__ import annotations

import pytest

from audit import Engine
from tests.support.context import assert_pitch, assert_quiet


@pytest.mark.parametrize("text", [
    # an admin creating or attaching billing records
    "Open the order and create a discount code for the customer, then save it.",
    "You can assign custom prices to each item before the draft order is placed.",
    "Create a purchase order for the supplier. Purchase orders must always be tied to one supplier.",
    "To reward a returning buyer, apply a promo code to the customer's subscription from the billing page.",
    "Define custom pricing tiers for the subscription before it starts.",
    # records described by how they are stored or handled in code
    "Promo codes are generated in batches of up to 500.",
    "Discount code generation runs as a background job every night.",
    "The cheapest price calculation runs whenever a variant changes.",
    "The tax module works out the cheapest price of the product across all its variants.",
    "Invoice generation picks up every annual invoice due that day.",
    # code documentation and tutorials
    "Let's assume you want a 15% discount on every third item in the basket.",
    "The following code applies a 10% discount to carts above 50 euros.",
    # settings reference lines
    "Discount Code — optional field shown on the payment page.",
])
def test_billing_records_in_docs_are_not_a_pitch(engine: Engine, text: str) -> None:
    assert_quiet(engine, text)


@pytest.mark.parametrize(("text", "persona"), [
    ("Grab a coupon for 30% off everything this weekend.", "bargain-hunter"),
    ("Apply the coupon to your order and take 25% off.", "bargain-hunter"),
    ("Use code SAVE20 for 20% off your first order.", "bargain-hunter"),
    ("Take a 15% discount on every third item in the basket.", "bargain-hunter"),
    ("Use the following code at checkout for a 10% discount: SPRING10", "bargain-hunter"),
    ("Promo code — SAVE15 takes 15% off your first box.", "bargain-hunter"),
    ("The cheapest prices in town, guaranteed.", "bargain-hunter"),
    ("Free for life, plus a money-back guarantee if you change your mind.", "bargain-hunter"),
    ("Get custom pricing for your whole organisation: talk to our sales team.", "beth-bureaucrat"),
    ("Pay by purchase order with net-30 terms.", "beth-bureaucrat"),
])
def test_an_offer_in_the_same_words_still_counts(engine: Engine, text: str, persona: str) -> None:
    assert_pitch(engine, text, "wrong-audience", persona)


@pytest.mark.parametrize("text", [
    "New coupons every Monday!",
    "Save more with coupons on every order.",
    "Check our coupon page for the latest savings.",
])
def test_the_bare_word_coupon_still_courts_deal_collectors(engine: Engine, text: str) -> None:
    """Kept on purpose: in marketing copy the bare word nearly always courts deal collectors.
    Documentation that names coupons as records ("each coupon keeps a redemption count") is
    quietened only where an informational pattern reads the sentence."""
    result = engine.check_text(text, channel="landing")
    assert (result.verdict.label, result.verdict.persona) == ("wrong-audience", "bargain-hunter")


@pytest.mark.parametrize("text", [
    "If you paid more than the shop down the road, we'll give you a coupon for the difference.",
    "Sign up and we'll email you a welcome coupon.",
    "Your coupon expires tonight.",
    "Printable coupons for every aisle, updated weekly.",
    "Coupons and deals from 500 stores in one app.",
    "THE COUPON IS BACK",
])
def test_a_coupon_handed_to_the_reader_still_counts(engine: Engine, text: str) -> None:
    assert any(e.group == "discount-stacking" and not e.negated
               for e in engine.check_text(text).evidence), text


def test_the_sales_price_is_what_a_thing_sells_for(engine: Engine) -> None:
    docs = engine.check_text("The VAT due is worked out as a share of the sales price.")
    assert not any(e.persona == "bargain-hunter" and e.kind == "cue" for e in docs.evidence)
    sale = engine.check_text("Everything in the spring range is now at the sale price until Friday.")
    assert any(e.group == "deal-chasing" for e in sale.evidence)


def test_restricting_a_promotion_is_not_governance(engine: Engine) -> None:
    docs = engine.check_text("You can restrict the promotion to customers in the wholesale group.")
    assert not any(e.persona == "beth-bureaucrat" and e.kind == "cue" for e in docs.evidence)
    admin = engine.check_text("Restrict which apps your employees can install from one admin console.")
    assert any(e.group == "organisation-buying" for e in admin.evidence)
