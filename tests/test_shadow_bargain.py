"""Bargain-hunter cue families found missing or over-eager on a shadow set of pricing pages,
refund and returns policies, billing help, lifetime deals and shop promotions (kept outside the
repository): ordinary return windows and cooling-off refunds are small print, a long or "free"
return window and a refund promise are the lure; store credit counts only when it is handed over;
codes given after a colon, "cash back" and price cuts kept for subscribers court deal collectors.
Each fix has the case it catches and a guard it must leave alone. Every text is our own."""

from __future__ import annotations

import pytest

from audit import Engine
from tests.support.cues import verdict_of as verdict


def bargain_groups(engine: Engine, text: str, channel: str = "landing") -> set[str]:
    """The bargain-hunter cue groups that fire, not negated, with some weight."""
    result = engine.check_text(text, channel=channel)
    return {e.group for e in result.evidence
            if e.persona == "bargain-hunter" and e.kind == "cue" and not e.negated and e.weight > 0}


BARGAIN = ("wrong-audience", "bargain-hunter")


# -- return windows: the usual 30 days is policy, a long or free window is the pitch -----------

@pytest.mark.parametrize("text", [
    "Every pair of boots ships with 120-day returns.",
    "Take your time: 365-day returns on all lamps.",
    "Try the mattress at home with 100-night returns.",
    "Shop knowing you have 2-year returns on the whole range.",
    "We offer 30-day free returns on every jacket.",
])
def test_a_long_or_free_return_window_is_a_lure(engine: Engine, text: str) -> None:
    assert "refunds-and-returns" in bargain_groups(engine, text)


@pytest.mark.parametrize("text", [
    "We follow a standard 30-day return policy for unopened items.",
    "Our 14-day return window starts on the day the parcel arrives.",
    "Items bought in the sale follow the usual 28-day return period.",
])
def test_a_plain_return_window_is_small_print(engine: Engine, text: str) -> None:
    assert "refunds-and-returns" not in bargain_groups(engine, text)
    assert verdict(engine, text) != BARGAIN


# -- "full refund": a promise, not the cooling-off line of a billing policy --------------------

@pytest.mark.parametrize("text", [
    "You get a full refund if you cancel within 14 days of your first payment.",
    "Full refund available within 7 days of purchase; after that, plans run to the end of the term.",
    "Full refund if the licence key has not been activated yet.",
    "We issue a full refund of any duplicate charge as soon as we spot it.",
])
def test_a_cooling_off_refund_is_policy(engine: Engine, text: str) -> None:
    assert "refund-anytime" not in bargain_groups(engine, text)


@pytest.mark.parametrize("text", [
    "Not happy with the candles? You'll get a full refund, no forms to fill in.",
    "Keep the blanket for a whole year, then send it back for a full refund if you like.",
    "Full refund, whenever you ask, for any reason at all.",
])
def test_a_refund_promise_still_counts(engine: Engine, text: str) -> None:
    assert "refund-anytime" in bargain_groups(engine, text)
    assert verdict(engine, text) == BARGAIN


# -- store credit: handed over as a reward, or given instead of cash ----------------------------

@pytest.mark.parametrize("text", [
    "Leave a photo review and get $5 store credit on us.",
    "Bring a friend and we'll give you store credit for your next haircut.",
    "Spot it cheaper and we'll pay 10% of the gap back as store credit.",
])
def test_store_credit_handed_over_is_a_lure(engine: Engine, text: str) -> None:
    assert "price-led-offer" in bargain_groups(engine, text)


@pytest.mark.parametrize("text", [
    "Returned items can be exchanged or swapped for a store credit within 21 days.",
    "We can provide a store credit instead of a cash refund for items bought in the sale.",
])
def test_store_credit_as_a_returns_rule_is_not(engine: Engine, text: str) -> None:
    assert "price-led-offer" not in bargain_groups(engine, text)
    assert verdict(engine, text) != BARGAIN


# -- a discount code given after a colon ---------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Only for the first forty bakers. Code: SPRING24",
    "Voucher code: POTTERY15 at the till this week.",
    "Promo code — KNIT10 for your first ball of wool.",
])
def test_a_code_after_a_colon_is_a_discount_code(engine: Engine, text: str) -> None:
    assert "discount-stacking" in bargain_groups(engine, text, "email")


@pytest.mark.parametrize("text", [
    "Enter the postal code: EH129QA and press search.",
    "If the upload fails, note the error code: E4041 and write to us.",
    "Your booking reference is AB12CD; keep it for your records.",
])
def test_other_codes_are_not_discount_codes(engine: Engine, text: str) -> None:
    assert "discount-stacking" not in bargain_groups(engine, text, "email")


# -- "cash back" spelt as two words --------------------------------------------------------------

def test_cash_back_courts_deal_collectors(engine: Engine) -> None:
    text = "Earn 5% cash back at over 300 shops, just by paying with the app."
    assert "discount-stacking" in bargain_groups(engine, text)
    assert verdict(engine, text) == BARGAIN


def test_money_coming_back_is_not_cash_back(engine: Engine) -> None:
    text = "Your money comes back to your card within five working days of the return."
    assert "discount-stacking" not in bargain_groups(engine, text)


# -- price cuts kept for subscribers or members ---------------------------------------------------

@pytest.mark.parametrize("text", [
    "Subscribers get exclusive promos every Friday morning.",
    "Join the list for insider prices before anyone else.",
    "Members-only savings on every refill, all year.",
])
def test_cuts_for_an_inner_circle_are_deal_chasing(engine: Engine, text: str) -> None:
    assert "deal-chasing" in bargain_groups(engine, text, "email")


@pytest.mark.parametrize("text", [
    "Welcome aboard! Expect product news, recipes and exclusive offers now and then.",
    "This guide is for members only; log in to read the rest.",
])
def test_a_passing_newsletter_promise_is_not(engine: Engine, text: str) -> None:
    assert "deal-chasing" not in bargain_groups(engine, text, "email")


# -- guards: fair prices, billing help and returns information stay off the bargain hunter -------

@pytest.mark.parametrize("text", [
    "One plan for solo bookkeepers: $12 a month, cancel whenever you like.",
    "Plans start at $9 per month. Try it free for 14 days, no card needed.",
])
def test_a_fair_flat_price_is_not_the_bargain_hunter(engine: Engine, text: str) -> None:
    assert verdict(engine, text)[1] != "bargain-hunter"


@pytest.mark.parametrize("text", [
    "Refunds are paid to the original card within five working days of the request.",
    "Downgrades take effect at the next renewal and do not refund the unused days.",
    "To return an item, print the label from your orders page and drop the parcel at a post office.",
])
def test_billing_and_returns_information_stays_quiet(engine: Engine, text: str) -> None:
    assert verdict(engine, text) != BARGAIN


@pytest.mark.parametrize("text", [
    "Don't miss your $20 coupon, it ends Sunday.",
    "Don't forget: free returns on every order this month.",
])
def test_a_reminder_presses_the_offer_rather_than_denying_it(engine: Engine, text: str) -> None:
    verdict = engine.check_text(text, channel="email").verdict
    assert (verdict.label, verdict.persona) == ("wrong-audience", "bargain-hunter")


def test_a_plain_negation_still_denies_the_offer(engine: Engine) -> None:
    result = engine.check_text("No coupon needed, the price is the price.", channel="landing")
    assert all(e.negated for e in result.evidence if e.group == "discount-stacking")


def test_a_sale_email_with_one_scarcity_line_is_a_bargain_email(engine: Engine) -> None:
    """Scores saturate toward 1: 0.98 against 0.83 is a wide lead in evidence, so the bargain
    hunter leads and the verdict still names the risk."""
    text = ("Only 3 left!\nSpring clearance: 40% off everything, stack your loyalty coupon on "
            "top, free returns for 90 days and we match any lower price you find.")
    verdict = engine.check_text(text, channel="email").verdict
    assert (verdict.label, verdict.persona) == ("wrong-audience", "bargain-hunter")
    assert verdict.risk == "over-personalization"
    # with no offer around it, the same line is a risk
    assert engine.check_text("Only 3 left!", channel="email").verdict.label == "risk"


@pytest.mark.parametrize(("anti", "risk", "expected"), [
    (0.58, 0.55, ("risk", "over-personalization")),  # a near tie: the risk decides
    (0.55, 0.55, ("risk", "over-personalization")),
    (0.61, 0.55, ("wrong-audience", "bargain-hunter")),  # a clear lead: the offer decides
    (0.98, 0.83, ("wrong-audience", "bargain-hunter")),
])
def test_a_firing_risk_decides_unless_an_anti_persona_clearly_leads(
        engine: Engine, anti: float, risk: float, expected: tuple[str, str]) -> None:
    """Scores of the weight a coupon line and a countdown or a leaked merge tag reach: the
    verdict is the risk unless the bargain hunter leads it by RISK_LEAD, and then it names both."""
    from audit.score.scoring import decide

    verdict = decide({"bargain-hunter": anti, "over-personalization": risk}, [],
                     engine.personas, engine.config)
    assert (verdict.label, verdict.persona) == expected
    if expected[0] == "wrong-audience":
        assert verdict.risk == "over-personalization"


# -- savings told as the point, loyalty points, price ladders, a rival's quote matched ----------

@pytest.mark.parametrize(("text", "group"), [
    ("Switch from a monthly plan to one payment and after a year: $310 saved.", "price-led-offer"),
    ("Buy once and by month six you've already saved money.", "price-led-offer"),
    ("We buy straight from the farms and pass the savings on to you.", "price-led-offer"),
    ("Earn a point for every pound and redeem your points at the till.", "price-led-offer"),
    ("Candles cost $6 each, 3 candles for $15 or 8 candles for $36.", "price-led-offer"),
    ("Show us a printed quote and we match any nearby competitor's price.", "price-match"),
])
def test_savings_points_and_matched_quotes_court_the_bargain_hunter(
        engine: Engine, text: str, group: str) -> None:
    assert group in bargain_groups(engine, text)


@pytest.mark.parametrize("text", [
    "Your changes are saved automatically as you type.",
    "Points on the map show where each shop is.",
    "We earned the trust of our clients over twenty years.",
])
def test_saved_work_and_map_points_are_not_bargains(engine: Engine, text: str) -> None:
    assert "price-led-offer" not in bargain_groups(engine, text)
