"""Cue families found missing or over-eager on a shadow set of shop, lifecycle-email and plugin
copy (kept outside the repository): templates read as templates, account dates, opt-in footers,
limited-stock and "someone else will get it" pressure, shame call-outs, "extra off" and referral
cash. Each fix has the case it catches and a guard it must leave alone. Every text is our own."""

from __future__ import annotations

import pytest

from audit import Engine
from tests.support.cues import fired_groups, verdict_label


def groups(engine: Engine, text: str, channel: str = "email") -> set[str]:
    return fired_groups(engine, text, channel)


def label(engine: Engine, text: str, channel: str = "email") -> str:
    return verdict_label(engine, text, channel)


# -- templates read as templates ---------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Hello {{ first_name }}, reset your password with {{ reset_url }} before {{ expiry_date }}.",
    "Hi {{name}}, your parcel {{ tracking_number }} is booked for {{ delivery_date }}.",
    "Dear [Customer Name], parcel [Tracking Number] arrives on [Delivery Date].",
    "Hi [CUSTOMER_NAME], order #[ORDER_NUMBER] left our warehouse today.",
])
def test_a_name_placeholder_beside_template_plumbing_is_not_a_leak(engine: Engine,
                                                                     text: str) -> None:
    assert "merge-tag-leaks" not in groups(engine, text)


@pytest.mark.parametrize("text", [
    "Hi {{first_name}}, your parcel is on its way!",
    "Dear [First Name], we have a little treat for you this week.",
    "Hi {{ first_name }}, the {{ product_name }} you saved is back.",  # content, not plumbing
])
def test_a_lone_name_placeholder_still_leaks(engine: Engine, text: str) -> None:
    assert "merge-tag-leaks" in groups(engine, text)
    assert label(engine, text) == "risk"


def test_a_transactional_template_stays_quiet(engine: Engine) -> None:
    text = ("Hi {{ name }}, use the button below to reset your password. It works for the next "
            "24 hours. This request came from a {{ operating_system }} device using "
            "{{ browser_name }}. If it was not you, ignore this email.")
    assert label(engine, text) != "risk"


# -- account dates, the reader's own search, opt-in footers --------------------------------------

def test_a_trial_ending_is_account_information(engine: Engine) -> None:
    text = "Your trial ends in 5 days. Export your data or pick a plan whenever you like."
    assert "countdown-reservation" not in groups(engine, text)
    assert label(engine, text) != "risk"


def test_a_sale_ending_is_still_a_countdown(engine: Engine) -> None:
    assert "countdown-reservation" in groups(engine, "The spring sale ends in 3 days, so be quick.")


def test_asking_what_the_reader_looked_for_is_not_tracking(engine: Engine) -> None:
    text = "Couldn't find what you were looking for? Reply and tell us, we read every note."
    assert not {"tracking-references", "behaviour-callout"} & groups(engine, text)


def test_telling_the_reader_what_they_looked_at_is_tracking(engine: Engine) -> None:
    text = "You were looking at the linen shirts yesterday. Still keen on the blue one?"
    assert label(engine, text) == "risk"


@pytest.mark.parametrize("text", [
    "You are receiving this email because you subscribed to our monthly recipes.",
    "You're receiving this message because you asked to be told when the kettle is back.",
    "You are getting this email because you signed up at the Leeds market stall.",
])
def test_an_opt_in_footer_is_not_a_targeting_explanation(engine: Engine, text: str) -> None:
    assert "targeting-explanation" not in groups(engine, text)


def test_an_ad_that_explains_its_targeting_still_fires(engine: Engine) -> None:
    text = "You're seeing this ad because you searched for pram reviews last week."
    assert "targeting-explanation" in groups(engine, text, "ad")


# -- limited stock and another buyer about to take it -------------------------------------------

@pytest.mark.parametrize("text", [
    "Heads up: quantities are limited on the cedar planters.",
    "Stock is very limited, so order the wool throw today.",
    "Back in the shop this morning. Order soon, someone else might get there first.",
    "Restocked! Grab the teal mug before someone else snaps it up.",
])
def test_limited_stock_and_rival_buyers_are_fake_scarcity(engine: Engine, text: str) -> None:
    assert "fake-scarcity" in groups(engine, text)


@pytest.mark.parametrize("text", [
    "Availability is limited to customers in the UK and Ireland.",
    "Send the invoice before someone else has to chase it.",
    "Storage is limited to 5 GB on the free plan.",
])
def test_rules_and_chores_are_not_fake_scarcity(engine: Engine, text: str) -> None:
    assert "fake-scarcity" not in groups(engine, text, "landing")


# -- shame pinned on the reader ----------------------------------------------------------------

def test_shame_about_a_condition_is_a_sensitive_call_out(engine: Engine) -> None:
    text = "If thinning hair has you feeling anxious and embarrassed, try our serum tonight."
    assert "sensitive-callout" in groups(engine, text, "ad")


@pytest.mark.parametrize("text", [
    "If late invoices have you frustrated, our reminders go out on their own.",
    "Nothing to be embarrassed about: everyone forgets a receipt now and then.",
])
def test_ordinary_pain_points_are_not_sensitive(engine: Engine, text: str) -> None:
    assert "sensitive-callout" not in groups(engine, text, "landing")


# -- bargain: "extra off" and referral cash ------------------------------------------------------

def test_percent_extra_off_is_a_price_led_offer(engine: Engine) -> None:
    text = "This weekend only: take 30 % EXTRA OFF everything in the outlet."
    assert "price-led-offer" in groups(engine, text)


def test_a_percentage_that_is_not_off_stays_quiet(engine: Engine) -> None:
    assert "price-led-offer" not in groups(engine, "About 30 % of our customers are sole traders.",
                                          "landing")


@pytest.mark.parametrize("text", [
    "Refer a friend to the studio and we'll send you both $15.",
    "Invite a pal: $10 each for you and a friend once they book a class.",
    "Your referral earns you a £20 credit once they place an order.",
])
def test_referral_cash_courts_deal_seekers(engine: Engine, text: str) -> None:
    assert "price-led-offer" in groups(engine, text)
    assert engine.check_text(text, channel="email").verdict.persona == "bargain-hunter"


@pytest.mark.parametrize("text", [
    "Refer to the help page for what the $9 plan includes.",
    "Our referral partners can see their payouts in the dashboard.",
])
def test_referring_to_a_page_is_not_referral_cash(engine: Engine, text: str) -> None:
    assert "price-led-offer" not in groups(engine, text, "landing")


@pytest.mark.parametrize("text", [
    "Good news: our price on the copper kettle has dropped since you asked us to watch it.",
    "Three things on your wishlist are now cheaper than last week.",
    "The price has just dropped on the walnut side table.",
])
def test_a_price_drop_alert_is_price_led(engine: Engine, text: str) -> None:
    assert "price-led-offer" in groups(engine, text)


@pytest.mark.parametrize("text", [
    "The price of cloud storage has fallen every year since 2010.",
    "Our delivery times on island orders have dropped to two days.",
])
def test_prices_in_the_news_and_other_drops_stay_quiet(engine: Engine, text: str) -> None:
    assert "price-led-offer" not in groups(engine, text, "blog")


# -- the reader's own unfinished checkout: a cart reminder, below the risk line on its own ------

@pytest.mark.parametrize("text", [
    "Seems you forgot to complete checkout for the yoga pass.",
    "You didn't finish your order for the plant stand. It's saved in your account.",
    "You started signing up for the pottery class but stopped at the payment step.",
])
def test_an_unfinished_checkout_is_a_cart_reminder(engine: Engine, text: str) -> None:
    assert "cart-reminder" in groups(engine, text)
    assert label(engine, text) != "risk"


def test_a_reminder_with_a_countdown_tips_into_risk(engine: Engine) -> None:
    text = ("You didn't finish your order for the plant stand, and it is only reserved "
            "for 09:59 minutes more.")
    assert label(engine, text) == "risk"


@pytest.mark.parametrize("text", [
    "Did you finish your tax return? Our checklist makes the last step quick.",
    "Once you complete the checkout, we email your receipt straight away.",
])
def test_ordinary_checkout_talk_is_not_a_cart_reminder(engine: Engine, text: str) -> None:
    assert "cart-reminder" not in groups(engine, text)


def test_an_amount_placeholder_is_template_plumbing(engine: Engine) -> None:
    text = "Hi {{name}}, we could not take your payment of {{value}} for this month's plan."
    assert "merge-tag-leaks" not in groups(engine, text)


def test_we_noticed_keeps_its_tracking_weight_before_an_unfinished_checkout(engine: Engine) -> None:
    text = "We noticed you began signing up for the Gold plan and stopped halfway."
    assert "tracking-references" in groups(engine, text)
    assert label(engine, text) == "risk"
