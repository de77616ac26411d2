"""Fixes found on the third round of shadow sets (help centres and plan pages, indie makers and
small shops, lifecycle and tracking copy): help pages about admin features read as
documentation, tracking sold to marketers, a quotation that nests another, and a few families of
cues. Each fix has the case it mends and a guard it must not break. Every sentence here is our
own."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit import Config, Engine
from audit.packs.locations import SHIPPED_PACKS
from tests.support.cues import all_groups, fired_groups, verdict_of

# --- documentation: admin features explained, not sold -----------------------------------------

HELP_PAGES = [
    # a how-to title and a prerequisites list
    "Configure SAML SSO for your workspace\nPrerequisites\nOwner access\nAn IdP that speaks "
    "SAML 2.0\nSSO switched on for your organisation",
    # a help page's availability header
    "Available on: Business, Enterprise\nRole: Workspace owner\nStatus: Beta\nSingle sign-on "
    "lets your people log in through Okta or Azure AD instead of a separate password.",
    # what happens once a feature is configured
    "How Directory Sync works\nOnce configured, we mirror your IdP: when a user is deprovisioned "
    "there, their sessions end here and a member.removed webhook event is fired.",
    # a procedure announced, and a control placed on the screen
    "SAML single sign-on lets staff reach the portal with their work login. Admins adding SSO "
    "for the first time should go through the following steps.",
    "To add SCIM provisioning, click Connect in the top right and paste the token from your "
    "IdP.",
    "Step 1: Create the app. Open your identity provider's admin console and pick Applications. "
    "Step 2: Paste the metadata into the form and click Next.",
]


@pytest.mark.parametrize("text", HELP_PAGES)
def test_a_help_page_about_admin_features_is_neutral(engine: Engine, text: str) -> None:
    result = engine.check_text(text, channel="landing")
    assert result.verdict.label == "neutral", result.verdict
    admin = [e for e in result.evidence if e.group == "governance-and-admin"]
    assert admin and all(e.context == "documentation" for e in admin)


def test_a_plan_page_selling_the_same_features_still_courts_beth(engine: Engine) -> None:
    assert verdict_of(engine, "Enterprise: SAML SSO, SCIM provisioning and audit logs for your "
                              "security team. Contact sales for a quote.") == \
        ("wrong-audience", "beth-bureaucrat")


def test_documentation_lowers_admin_features_only(engine: Engine) -> None:
    """The plan and contract cues beside a set-up step still count: a help page that says the
    feature needs an annual contract with a purchase order still says so."""
    result = engine.check_text("Prerequisites: SSO needs an annual contract, paid by purchase "
                               "order through your procurement team.", channel="landing")
    lowered = {e.group for e in result.evidence if e.kind == "cue" and e.context}
    kept = {e.group for e in result.evidence if e.kind == "cue" and not e.context}
    assert "governance-and-admin" in lowered
    assert "procurement-and-legal" in kept


# --- a quotation that nests another -------------------------------------------------------------

def test_a_nested_quotation_does_not_end_at_the_inner_mark(engine: Engine) -> None:
    """“To the … who loved the “Late Night” mix” is one quotation holding another: the inner
    opening mark does not close the outer one, so the call-out is not read as a mention."""
    text = "“To the 2,041 people who played the “Late Night” mix every day for a month, we see you.”"
    result = engine.check_text(text, channel="ad")
    callouts = [e for e in result.evidence if e.persona == "over-personalization"]
    assert callouts and not any(e.context == "quoted" for e in callouts)


def test_a_short_quotation_inside_a_sentence_is_still_a_mention(engine: Engine) -> None:
    result = engine.check_text('Pop-ups that say "Priya from Leeds just bought this" are '
                               "everywhere now.", channel="blog")
    found = [e for e in result.evidence
             if e.persona == "over-personalization" and e.kind == "cue"]
    assert found and all(e.context == "quoted" for e in found)


# --- tracking sold to marketers ------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Send each shopper a different banner depending on their behaviour: pages viewed, emails "
    "opened, items carted.",
    "Pick out shoppers who browsed the rug page three times but never bought, and "
    "pop a coupon at them.",
    "Our beacons detect their presence as shoppers walk past, then push an offer to the phone.",
    "Draw a geofence around a rival's restaurants and show your ad to everyone inside.",
    "Your ad appears when they are in a competitor's shop down the road.",
    "Build lookalike audiences from visitors with a high propensity to buy.",
    "Retarget everyone who visited the showroom last month.",
    "New visitors are tracked via their IP address and kept identifiable across visits.",
    "See which companies are visiting your website, even if nobody fills in a form.",
    "Each visitor card shows their location, the page they are on and their device.",
    "Someone browsed three jackets but didn't click the buy button? We email them tonight.",
    "If a visitor is showing real interest in the oak lamp, tempt them with five percent off.",
])
def test_tracking_sold_to_marketers_is_over_personalisation(engine: Engine, text: str) -> None:
    assert "behaviour-targeting" in fired_groups(engine, text), text


@pytest.mark.parametrize("text", [
    # (a definition of geofencing for marketers was a guard until December; labellers call
    # such explainers over-personalisation, see tests/test_b2b_and_targeting.py)
    "Set a geofence round your home and the heating comes on as you turn into your street.",
    "We do not track visitors by IP address or cookie.",
    "Visit a competitor's store to compare the prices yourself.",
    "Recommendations based on what is popular this week.",
    "We never keep visitor details such as IP addresses.",
])
def test_tracking_guards(engine: Engine, text: str) -> None:
    assert "behaviour-targeting" not in fired_groups(engine, text), text


# --- smaller families ----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "group"), [
    ("Designer frames at up to 60% less than retail.", "lowest-price"),
    ("Buy once and every update is yours for free, forever.", "free-forever"),
    ("Your works council can review exactly what the agent collects.", "enterprise-scale"),
    ("One view of each customer, however many mergers and acquisitions you go through.",
     "enterprise-scale"),
    ("Notes for makers who work solo, written at the kitchen table.", "small-business-identity"),
    ("Starting a small online business? Begin with one simple ledger.", "small-business-identity"),
    ("A micro-SaaS can pay its own bills in a few months.", "small-business-identity"),
    # vocabulary the packs lacked, found by probing them with plain statements of each persona
    ("Scheduling made for tutors and independent consultants.", "small-business-identity"),
    ("No developer needed: you can run it all by yourself.", "small-business-identity"),
    ("Grow your list without hiring anyone.", "small-business-identity"),
    ("It costs less than a coffee a month.", "affordable-pricing"),
    ("Board-level reporting and stakeholder alignment, built in.", "approval-and-sign-off"),
    ("Because you're single, we picked these dinners for one.", "targeting-explanation"),
    ("We know you just had a birthday, so here is a treat.", "targeting-explanation"),
    ("Since you bought a pregnancy test, you might like these vitamins.", "targeting-explanation"),
    ("Hey there, 35-year-old homeowner! Your roof is due.", "demographic-stereotyping"),
    ("Still deciding on the walnut desk? It is still here.", "behaviour-callout"),
    ("Remember the cabin you looked at in Skye? Two nights just opened up.", "behaviour-callout"),
    ("You usually order curry on Thursdays. Hungry yet?", "behaviour-callout"),
    ("It's 3am and you're still awake. Treat yourself to a slower morning.", "behaviour-callout"),
    ("Your browsing suggests you are shopping for a ring.", "behaviour-callout"),
    ("Based on your listening, this week might feel long.", "tracking-references"),
    ("We saw you googled flights to Oslo last night.", "tracking-references"),
    ("Looks like you're planning a wedding! Here are our venues.", "targeting-explanation"),
    ("You and 8 friends follow this bakery.", "data-from-elsewhere"),
    ("Your neighbour at number 22 just switched to us.", "data-from-elsewhere"),
    ("We matched you with people from your contacts.", "data-from-elsewhere"),
    ("Found you on LinkedIn and loved your profile.", "data-from-elsewhere"),
    ("Built by a solo developer in Porto.", "small-business-identity"),
    ("Made by a two-person team, answered by the same two people.", "small-business-identity"),
    ("I built this tool for myself first, then friends asked for it.", "small-business-identity"),
    ("Turn your hobby into income with a shop that takes ten minutes to open.",
     "small-business-identity"),
    ("Free for one user, forever, and no accountant needed.", "small-business-identity"),
    ("Gifts under £15, wrapped and sent today.", "price-led-offer"),
    ("Buy the lamp and the second one free.", "price-led-offer"),
    ("Sitewide savings all weekend.", "price-led-offer"),
    ("Pay nothing for 12 months on any sofa.", "price-led-offer"),
    ("Join and never pay shipping again.", "price-led-offer"),
    ("Outlet prices on last season's coats.", "price-led-offer"),
    ("Sleep on it for 100 nights, send it back for any reason.", "refunds-and-returns"),
    ("Start a 30-day no-risk trial.", "refunds-and-returns"),
    ("Plans require a minimum of 50 seats.", "sales-led-buying"),
    ("Multi-entity consolidation for your subsidiaries.", "enterprise-scale"),
    ("You don't need to be a designer to make it look good.", "do-it-yourself-support"),
    ("If you can write an email, you can build this page.", "do-it-yourself-support"),
    ("From idea to first sale in a weekend.", "get-results"),
    ("Upgrade only when you need to.", "affordable-pricing"),
    ("Nothing to pay up front: pay when you sell.", "affordable-pricing"),
    ("Stop juggling six different apps.", "plain-simple"),
    ("Reviews and receipts for your Shopify store.", "small-business-identity"),
    ("Built for the solo marketer.", "individual-use"),
])
def test_round_three_cue_families(engine: Engine, text: str, group: str) -> None:
    assert group in fired_groups(engine, text), text


@pytest.mark.parametrize("text", [
    "Real-time sales notifications tell each visitor what others just bought.",
    "The widget works by showing live customer activity in the corner of every page.",
])
def test_live_purchase_widgets_are_pressure(engine: Engine, text: str) -> None:
    assert "pressure-widgets" in fired_groups(engine, text), text


@pytest.mark.parametrize(("text", "group"), [
    ("Our retail partners stock the full range.", "lowest-price"),
    ("Since you are a member, shipping is free.", "targeting-explanation"),
    ("Coaches leave from the station every hour.", "small-business-identity"),
    ("We know you have questions, so the answers are below.", "targeting-explanation"),
    ("We kept the features you liked and dropped the rest.", "behaviour-callout"),
    ("Looks like you're all set: your order is on its way.", "targeting-explanation"),
    ("Import people from your contacts with one click.", "data-from-elsewhere"),
    ("Built by a team of 400 engineers.", "small-business-identity"),
    ("Our outlet is open on Sundays.", "price-led-offer"),
    ("Each plan has a minimum of one seat.", "sales-led-buying"),
    ("10% off your first order.", "get-results"),
    ("Upgrade when you're ready to add SSO.", "plain-simple"),
])
def test_round_three_guards(engine: Engine, text: str, group: str) -> None:
    assert group not in all_groups(engine, text), text


# --- the terms of a discount restrict it ---------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Coupons cannot be combined with other offers.",
    "One discount code per email address, please.",
    "Vouchers are not valid in conjunction with any other promotion.",
])
def test_the_terms_of_a_discount_are_not_a_lure(engine: Engine, text: str) -> None:
    assert verdict_of(engine, text) == ("neutral", None), text


def test_a_discount_that_stacks_is_still_a_lure(engine: Engine) -> None:
    assert verdict_of(engine, "Stack your coupons: they can be combined with sale prices.") == \
        ("wrong-audience", "bargain-hunter")


# --- a regex anchored on a contraction's stem ---------------------------------------------------

def test_a_regex_needing_a_contraction_stem_still_runs(tmp_path: Path) -> None:
    """"don" of "don't" is two tokens to spaCy ("do", "n't"): a regex whose only anchor is that
    stem is looked for in the text, not among the tokens, or it would never run."""
    (tmp_path / "waiting.yaml").write_text(
        'id: waiting\nname: Waiting\nkind: risk\nversion: "1"\ncolor: "#334455"\n'
        "cues:\n  - group: wait-times\n    weight: 1\n"
        "    regex: ['(?i)\\bdon(?:''|’)t\\s+\\w+\\s+\\d+']\n"
        "    suggest: [say when]\n    note: A test pack.\n", encoding="utf-8")
    own = Engine(Config(personas=(SHIPPED_PACKS, tmp_path)), model="fast")
    for text in ("Don't wait 10 days for a reply.", "Don’t wait 10 days for a reply."):
        hits = [(e.start, e.end) for e in own.check_text(text).evidence if e.group == "wait-times"]
        assert hits == [(0, len("Don't wait 10"))], text


# --- a practice described, not used ---------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Marketers often use countdown timers to create urgency, but shoppers notice when they reset.",
    "Many online stores still show fake stock counters next to the price.",
    "Retargeting is when an ad follows a shopper from site to site.",
    "Freelancers are self-employed people who work for several clients.",
    "Black Friday is the Friday after Thanksgiving in the US.",
    "The coupon field appears on the checkout page.",
    "The new version supports SSO via Google Workspace.",
])
def test_a_practice_described_is_not_used(engine: Engine, text: str) -> None:
    assert verdict_of(engine, text, channel="blog") == ("neutral", None), text


def test_a_practice_recommended_to_the_reader_is_still_flagged(engine: Engine) -> None:
    assert verdict_of(engine, "Use countdown timers to create urgency and sell more.") == \
        ("risk", "over-personalization")
    assert verdict_of(engine, "This app is for people who run a business alone.") == \
        ("on-target", None)
