"""Strict terms, explainers, release wording and the cue kinds added with them: what a
marketer reads as rules, documentation or news is not a pitch, and the creepy, solo, enterprise
and bargain shapes real copy uses without stock phrases. Every text here is our own."""

from __future__ import annotations

import pytest

from audit import Engine
from audit.analyze.pagekinds import page_kind
from audit.packs.lexicon import term_variants


def verdict(engine: Engine, text: str, channel: str = "landing") -> tuple[str, str | None]:
    v = engine.check_text(text, channel=channel).verdict
    return v.label, v.persona


def groups(engine: Engine, text: str, channel: str = "landing") -> dict[str, str]:
    """Cue group -> its context ("" when it counts in full), for the cues a text holds."""
    return {e.group: e.context for e in engine.check_text(text, channel=channel).evidence
            if e.kind == "cue"}


# -- strict terms ---------------------------------------------------------------------------

STRICT = ("Returns\nSend it back within 10 days for a full refund.\nTo be eligible for a "
          "return, shoes must be unworn and in their original box.\nSale items are final sale.\n"
          "Opened skincare cannot be returned, and a 20% restocking fee applies to furniture.")
GENEROUS = ("Changed your mind? Send it back within 100 days for a full refund, no questions "
            "asked. We even pay the postage.")


def test_a_returns_policy_hedged_with_conditions_repels_the_serial_returner(engine: Engine) -> None:
    result = engine.check_text(STRICT, channel="landing")
    assert result.verdict.label == "neutral"
    refunds = [e for e in result.evidence if e.persona == "bargain-hunter" and e.kind == "cue"]
    assert refunds and all(e.context == "policy" for e in refunds)
    assert verdict(engine, GENEROUS) == ("wrong-audience", "bargain-hunter")


def test_one_condition_beside_a_generous_offer_is_small_print(engine: Engine) -> None:
    text = GENEROUS + " Items must be unused."
    assert verdict(engine, text) == ("wrong-audience", "bargain-hunter")
    # "no restocking fee" is generous, not a restriction
    text = GENEROUS + " No restocking fee, and items must be unused."
    assert verdict(engine, text) == ("wrong-audience", "bargain-hunter")


def test_store_credit_only_is_a_restriction_not_an_offer(engine: Engine) -> None:
    text = ("Returns are accepted for store credit only, no refunds. Parcels that arrive after "
            "14 days will not be accepted, and you are responsible for return shipping.")
    assert verdict(engine, text) == ("neutral", None)


# -- explainers, release wording, availability notes, receipts -------------------------------

@pytest.mark.parametrize("text", [
    "Security Assertion Markup Language (SAML) 2.0 enables single sign-on between an identity "
    "provider and the apps your staff use.",
    "Please see our technical documentation on SCIM provisioning for more details.",
    "We're happy to ship our latest update: roles can be assigned through SCIM.",
    "With this release, administrators can now require SSO for every workspace.",
    "In the v4.1.0 release we added audit log exports for workspace owners.",
    "Version 5.3 — SAML sign-in now works with Okta groups, and audit logs record IP addresses.",
    "Available on Enterprise plans.",
    "Plan: Freelancer, billed monthly.",
])
def test_explainers_release_notes_and_account_facts_inform(engine: Engine, text: str) -> None:
    result = engine.check_text(text, channel="landing")
    assert result.verdict.label == "neutral", (text, result.verdict)
    assert any(e.context == "informational" for e in result.evidence if e.kind == "cue")


def test_a_pitch_in_release_words_or_a_bracket_still_pitches(engine: Engine) -> None:
    # "you can now save" is an offer, and new users reached in release notes are still courted
    assert groups(engine, "You can now save 30% on every annual plan with code SPRING.").get(
        "discount-stacking") == ""
    # lower-case words in brackets are no acronym: "(beta) lets you" pitches
    assert verdict(engine, "Our invoicing tool (beta) lets freelancers bill clients in "
                           "minutes, from their phone.") == ("on-target", None)
    # a rename in brackets glosses nothing: "(formerly ...) is ideal for" says who it is for
    result = engine.check_text("Studio Basic (formerly Studio Free) is ideal for freelancers "
                               "and one-person shops.", channel="landing")
    assert result.verdict.label == "on-target"
    assert not any(e.context == "informational" for e in result.evidence)


def test_feature_update_titles_are_release_notes() -> None:
    assert page_kind("Single Sign-On Updates\n\nSAML groups now sync.") == "release-notes"
    assert page_kind("Editor improvements\n\nFaster saving.") == "release-notes"
    assert page_kind("Updates\n\nAnything") is None


def test_promo_small_print_informs(engine: Engine) -> None:
    text = ("Shoppers may only apply one voucher code per order. Vouchers are not redeemable "
            "for cash, and no rain checks are given.")
    assert verdict(engine, text) == ("neutral", None)


# -- reports, quotations and devices named ------------------------------------------------

def test_a_device_reported_from_outside_is_not_the_site_speaking(engine: Engine) -> None:
    text = ("You reach the checkout and a banner tells you that four other people are looking "
            "at the same flight, with only one seat left at this price.")
    assert verdict(engine, text, "blog") != ("risk", "over-personalization")


def test_single_quoted_mentions_are_quotations(engine: Engine) -> None:
    text = "Shops still love 'only 3 left' labels, though shoppers have learned to ignore them."
    assert groups(engine, text, "blog").get("fake-scarcity") == "quoted"


def test_a_line_of_bare_quotations_is_the_copy_itself(engine: Engine) -> None:
    text = '"12 people are viewing this room", "booked 5 times today", "only 1 left"'
    assert verdict(engine, text, "landing") == ("risk", "over-personalization")


def test_countdown_timers_named_as_a_device_are_described(engine: Engine) -> None:
    assert "urgency-pressure" not in groups(
        engine, "Many shops put countdown timers on product pages.", "blog")
    assert "urgency-pressure" in groups(engine, "The countdown is on: our summer sale starts "
                                                "Friday!", "email")
    assert "pressure-widgets" in groups(
        engine, "Add a countdown timer to your product pages and watch orders climb.")


def test_an_expiring_trial_is_account_information(engine: Engine) -> None:
    assert "urgency-pressure" not in groups(engine, "Your trial is expiring soon. Pick a plan "
                                                    "to keep your projects.", "email")
    assert "urgency-pressure" in groups(engine, "Our spring offer is expiring soon!", "email")


# -- over-personalisation shapes -----------------------------------------------------------

@pytest.mark.parametrize("text, group", [
    ("Trying to get pregnant? Our clinic has helped thousands of couples.", "sensitive-callout"),
    ("Are you in debt? Talk to our advisers today.", "sensitive-callout"),
    ("Over 40? Single? Meet people like you tonight.", "sensitive-callout"),
    ("Reasons you're seeing this advert include that Brightcourse wants to reach people aged "
     "25 and older who live in Wales.", "targeting-explanation"),
    ("There's a treat for you at Daisy's Bakery on 12th Street.", "location-and-device"),
    ("A fresh deal is waiting in Camden for you.", "location-and-device"),
    ("You're in the top 3% of listeners of this band. Your most played month was May.",
     "behaviour-callout"),
    ("Looks like you're browsing from {{ country }}, so here is a local price.",
     "behaviour-callout"),
    ("XXFIRST_NAMEXX, our winter edit is here.", "merge-tag-leaks"),
])
def test_over_personalisation_without_stock_phrases(engine: Engine, text: str, group: str) -> None:
    assert group in groups(engine, text, "ad"), text


@pytest.mark.parametrize("text", [
    "Are you over 18? Please confirm your age to enter.",
    "We have a special offer for you at Northwind in January.",
    "Looks like you're in Settings. Pick a theme.",
])
def test_their_look_alikes_are_not(engine: Engine, text: str) -> None:
    found = groups(engine, text, "ad")
    assert not {"sensitive-callout", "location-and-device", "behaviour-callout"} & set(found)


# -- the target, Beth and the bargain hunter ---------------------------------------------------

@pytest.mark.parametrize("text, group", [
    ("You don't need any accounting background to send your first invoice.", "plain-simple"),
    ("One monthly charge covers hosting, updates and support. No separate setup fee.",
     "affordable-pricing"),
    ("Our cut comes out of each sale, so we only earn when you sell.",
     "affordable-pricing"),
])
def test_the_target_in_plain_words(engine: Engine, text: str, group: str) -> None:
    assert group in groups(engine, text)


def test_a_gated_trial_is_a_sales_path(engine: Engine) -> None:
    text = "Request a free trial\nFill in the form; only company email addresses are accepted."
    assert "sales-led-buying" in groups(engine, text)


def test_paying_less_leads_with_price_but_spending_less_time_does_not(engine: Engine) -> None:
    assert "cheap-wording" in groups(engine, "Spend less and get twice the storage.", "ad")
    assert "cheap-wording" not in groups(engine, "Spend less time on admin.", "ad")


def test_a_phrase_hyphenated_before_its_noun_is_the_phrase() -> None:
    assert "no-questions-asked" in term_variants("no questions asked")
    assert term_variants("we'll refund you") == ["we'll refund you"]


def test_a_hyphenated_phrase_matches(engine: Engine) -> None:
    assert "refunds-and-returns" in groups(engine, "Enjoy our no-questions-asked refund.")


# -- a third batch: shop feeds, recaps, sample names, glossaries, makers ---------------------

@pytest.mark.parametrize("text, group", [
    ("Nadia from Dundee just added this lamp to her basket.", "social-proof-feed"),
    ("A look back at your workouts: 212 runs and one very wet March.",
     "behaviour-callout"),
    ("Your partner misses you. Open the app to keep the chat going.", "behaviour-callout"),
    ("Mr Sample, earn double points on your next stay.", "merge-tag-leaks"),
])
def test_more_over_personalisation_shapes(engine: Engine, text: str, group: str) -> None:
    assert group in groups(engine, text, "email"), text


def test_a_team_looking_back_at_its_own_year_is_not_a_recap_of_the_reader(engine: Engine) -> None:
    assert "behaviour-callout" not in groups(
        engine, "Here's a look back at our year: nine people, forty releases, one new office.",
        "blog")
    assert "merge-tag-leaks" not in groups(engine, "Hi Sam, your invoice is attached.", "email")


def test_paying_nothing_for_good_is_free_forever(engine: Engine) -> None:
    assert "free-forever" in groups(engine, "Own your files. Pay nothing. Forever.")


def test_a_metaphorical_tax_is_not_a_price(engine: Engine) -> None:
    assert "price-led-offer" not in groups(
        engine, "Meetings are a tax on a big team. Leave the team and you stop paying it.",
        "social")
    assert "price-led-offer" in groups(engine, "Stop paying for seats nobody uses.", "ad")


def test_a_service_back_up_is_not_a_promise_of_ease(engine: Engine) -> None:
    assert "plain-simple" not in groups(
        engine, "The app is down for some people; we'll have it back up and running soon.",
        "social")
    assert "plain-simple" in groups(engine, "Get your shop up and running in an afternoon.")


def test_a_page_offering_a_dpa_is_not_a_policy_page(engine: Engine) -> None:
    text = ("Data Processing Agreement\nOur DPA is ready to sign: your procurement and legal "
            "teams can download it here.")
    assert page_kind(text) is None
    assert verdict(engine, text) == ("wrong-audience", "beth-bureaucrat")


@pytest.mark.parametrize("text", [
    "A data processing addendum is a contract between a controller and a processor.",
    "Contract that lets a clinic share patient records with a vendor.",
])
def test_glossary_lines_inform(engine: Engine, text: str) -> None:
    result = engine.check_text(text, channel="landing")
    assert result.verdict.label == "neutral"


def test_a_help_pages_considerations_are_documentation(engine: Engine) -> None:
    text = ("SSO and SCIM considerations\nIf one app handles both SSO and SCIM, people can sign "
            "up only when the identity provider assigns them the app.")
    found = groups(engine, text)
    assert found.get("governance-and-admin") == "documentation"


def test_an_executed_contract_is_enterprise_buying(engine: Engine) -> None:
    assert "procurement-and-legal" in groups(
        engine, "Once contracts are executed, our team installs the software on site.")


@pytest.mark.parametrize("text", [
    "I build and run the whole shop by myself, from a spare room.",
    "I'm a work-from-home dad who answers every support email.",
])
def test_a_maker_alone_is_the_target(engine: Engine, text: str) -> None:
    assert "small-business-identity" in groups(engine, text)


@pytest.mark.parametrize("text", [
    "Clearance items are final sale.",
    "A 15% restocking fee applies.",
    "Refunds are given as store credit only.",
    "To be eligible for a refund, keep the receipt.",
    "Shoes must be unworn.",
    "Opened candles cannot be returned.",
    "You are responsible for return shipping.",
    "Swimwear is only refunded if it is faulty.",
    "The quote must be for the exact same item.",
])
def test_every_strict_term_passes_the_gate(text: str) -> None:
    """The gate phrases are a shortcut: each signal on its own still finds its example."""
    from dataclasses import replace

    from audit.analyze.docpages import terms_rules

    one = replace(terms_rules(), min_signals=1)
    assert one.around(text, 0, len(text))
