"""Cue kinds that generalise beyond stock phrases: behavioural call-outs, targeting
explanations, social-proof feeds, countdowns, self-identification, price levels, organisation
buying, and the context that turns a cue down. Every text here is our own."""

from __future__ import annotations

from dataclasses import replace

import pytest

from audit import Config, Engine


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
    "Pick your candle before time runs out, these scents won't be around for long.",
    # an ordinal visit count with a time or page, body and money data over a period, a cycle
    # predicted, the reader's address, street or city right now, what they searched for
    "Back again? This is your fourth visit to the hiking boots page this week.",
    "Your 3rd look at the rain jacket today, so we set one aside in your size.",
    "Your step count dropped 40% since March. Time for new trainers.",
    "Your resting heart rate rose over the past two weeks. Our sleep tea can help.",
    "Still at 14 Elm Street? Fibre has reached your door.",
    "Homeowners on your road have switched to our broadband this month.",
    "We know you've been searching for debt advice. Our loan clears it by Friday.",
    "We can tell you're looking into new cars, so here are three we think you'd like.",
    "Your period is due in 3 days. Stock up on our organic pads now.",
    "Looks like you\u2019re in Lisbon this week! Three caf\u00e9s near your hotel.",
    "Your credit score dropped 30 points this month. Consolidate your debts with us.",
    "Your last search was 'cheap flights to Lisbon'. Fares just fell.",
    "Popular in your area: the oat latte is trending near Clapham.",
    "We picked this ad for you based on your age, location and the apps on your phone.",
    "Your friends Alex and Sam also use Tallybird.",
])
def test_creepy_copy_without_stock_phrases(each_engine: Engine, text: str) -> None:
    assert verdict(each_engine, text, "email") == ("risk", "over-personalization")


@pytest.mark.parametrize("text", [
    "Made for freelancers: send invoices from your phone between client calls.",
    "Personal plan for your side project. Bring your own domain, cancel whenever.",
    "Sell your prints online without buying inventory, on your own schedule.",
    "Lost in the menus and settings of big suites that you don't need? Ours fits on one screen.",
    # one maker, the reader who does it all, solo readers later in a list
    "Made by one developer in Oslo. No investors, just a tool I use every day.",
    "For the photographer who does it all: shoot, edit, deliver and invoice from one place.",
    "Great for students, hobbyists and anyone learning to code.",
    "Perfect for students and side projects.",
    "How I grew my Etsy shop to $3k a month without ads",
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
    # the currency after the number, as much of Europe writes it
    for text in ("Hosting runs about 3-6$/month.", "The starter plan is 9 € per month.",
                 "Only 7€/mo for the whole shop."):
        assert any(e.group == "affordable-pricing" and not e.negated
                   for e in engine.check_text(text).evidence), text
    team = engine.check_text("The team plan is 400 € per month, billed annually.")
    assert any(e.group == "organisation-buying" for e in team.evidence)


def test_organisation_buying_without_buzzwords(engine: Engine) -> None:
    text = ("The self-hosted edition is sold on request only. Schedule time with an account "
            "manager and we'll contact you with a quote, payable by invoice.")
    assert verdict(engine, text, "landing") == ("wrong-audience", "beth-bureaucrat")


def test_refund_lead_is_the_bargain_hunter(engine: Engine) -> None:
    text = ("Changed your mind? Return anything within 180 days for a full refund, "
            "no receipt needed. Winter sale: 40% off everything.")
    assert verdict(engine, text, "email") == ("wrong-audience", "bargain-hunter")


@pytest.mark.parametrize("text", [
    "Plans start at $9 a month for one person.",
    "Priced for a single user.",
    "Built for just you.",
    # the side-project reader, however the day job is put
    "Keep your day job while you test the idea.",
    "Build it alongside your day job, an hour at a time.",
])
def test_one_person_named_as_the_buyer_is_the_target(engine: Engine, text: str) -> None:
    result = engine.check_text(text, channel="landing")
    assert any(e.group == "individual-use" for e in result.evidence)
    assert result.verdict.label == "on-target"


def test_a_freelancer_pricing_page_with_a_guarantee_is_not_mixed(engine: Engine) -> None:
    """A refund offered as a satisfaction promise on a one-person plan: by its cues the page
    sells to the target, the guarantee only reassures. Weighed with the wording (see
    test_blend.py) a page that opens with the refund reads as labellers of real copy judge a
    lead guarantee, the bargain hunter's; never both at once."""
    text = ("Try it for 30 days. If it doesn't save you an hour a week, we'll refund you, no "
            "forms to fill in. Plans start at $9 a month for one person.")
    rules = replace(Config(), thresholds=replace(Config().thresholds, blend=1.0))
    by_cues = Engine(rules, personas=engine.personas, pipeline=engine.pipeline)
    assert verdict(by_cues, text, "landing") == ("on-target", None)
    assert verdict(engine, text, "landing")[0] != "mixed"
    licence = engine.check_text("Seats are sold for one user at a time across the organisation.")
    assert not any(e.group == "individual-use" for e in licence.evidence)


def test_a_calm_cart_reminder_is_service_but_pressed_with_urgency_it_is_not(engine: Engine) -> None:
    calm = "Your order is still in your basket. We kept it for you, come back whenever you like."
    pressed = ("Your order is still in your basket. Only 2 left in stock, so check out before "
               "time runs out!")
    assert verdict(engine, calm, "email") == ("neutral", None)
    assert verdict(engine, pressed, "email") == ("risk", "over-personalization")


@pytest.mark.parametrize("text", [
    "SOC 2, explained: the report an auditor writes, what a Type II audit covers and how long it takes.",
    "Vendor onboarding typically includes SSO, SCIM provisioning, a security review and a DPA.",
    "This release adds SAML single sign-on and SCIM provisioning for workspace admins.",
    "The Customer shall provide a purchase order within ten business days of the effective date.",
    "Today we're rolling out SAML single sign-on and SCIM provisioning for every workspace.",
])
def test_informational_copy_is_not_a_pitch(engine: Engine, text: str) -> None:
    result = engine.check_text(text, channel="blog")
    assert result.verdict.label == "neutral"
    assert any(e.context == "informational" for e in result.evidence)


def test_an_announcement_followed_by_a_pitch_still_pitches(engine: Engine) -> None:
    text = ("Today we're rolling out our Enterprise plan with SSO, SCIM and audit logs. Talk to "
            "our sales team to set up a pilot and a security review.")
    assert verdict(engine, text, "landing") == ("wrong-audience", "beth-bureaucrat")


def test_a_cookie_notice_discloses_tracking_and_is_no_risk(engine: Engine) -> None:
    """What a cookie does and how to turn it off protects the reader; the same tracking told
    back to the reader as a pitch is the risk."""
    notice = ("This site uses cookies. Analytics cookies tell us which pages people read, so we "
              "can fix the slow ones. Advertising cookies let our partners show you ads based "
              "on your browsing on other sites. You can opt out of all but the necessary ones "
              "below.")
    result = engine.check_text(notice, channel="landing")
    assert result.verdict.label == "neutral"
    assert any(e.group == "tracking-references" and e.context == "informational"
               for e in result.evidence)
    pitch = ("Based on your browsing on other sites last night, we picked three lamps for your "
             "hallway.")
    assert verdict(engine, pitch, "email") == ("risk", "over-personalization")


def test_a_quoted_practice_is_mentioned_not_used(engine: Engine) -> None:
    text = ('Booking sites love "only two rooms left" banners and pre-ticked insurance boxes; '
            "guests have learned to ignore them.")
    result = engine.check_text(text, channel="blog")
    assert result.verdict.label != "risk"
    assert any(e.context == "quoted" for e in result.evidence)


def test_a_leaked_tag_counts_once(engine: Engine) -> None:
    single = engine.check_text("Hi {{first_name}}, your invoice is ready.", channel="email")
    twice = engine.check_text("Hi {{first_name}}, your invoice is ready. Thanks, "
                              "{{first_name}}, for paying on time!", channel="email")
    assert single.verdict.label == "risk"
    leaks = [e for e in twice.evidence if e.group == "merge-tag-leaks"]
    assert len(leaks) == 2 and sum(1 for e in leaks if e.weight > 0) == 1
    # several distinct placeholders make a template, filled in when sent (test_templates.py)
    many = engine.check_text("Hi {{first_name}} {{last_name}}, your order for {{city}} shipped. "
                             "Questions? Write to {{email}}.", channel="email")
    assert all(e.weight == 0 for e in many.evidence if e.group == "merge-tag-leaks")
    # a non-personal template variable is not personal data
    order = engine.check_text("Order {{ order_id }} has shipped.", channel="email")
    assert not any(e.group == "merge-tag-leaks" for e in order.evidence)


@pytest.mark.parametrize("text", [
    "You were reading about overdraft fees until nearly 2am. We can help with that.",
    "We know which laptop you're reading this on, so here's the matching sleeve.",
    "Most dads find meal planning hard, so we made it one button.",
    "Men never plan ahead, so our barbers take walk-ins.",
    # the reader's exact age as the reason to buy
    "Happy birthday, Sam! As a 40-year-old man, you might enjoy our new shaving kit.",
    "Now that you're 50, it's time to look at your pension again.",
])
def test_watched_and_stereotyped_readers(each_engine: Engine, text: str) -> None:
    assert verdict(each_engine, text, "email") == ("risk", "over-personalization")


def test_a_company_or_a_founder_of_some_age_is_no_call_out(engine: Engine) -> None:
    for text in ("As a 15-year-old company, we know invoicing inside out.",
                 "Our 12-year-old founder built the first version."):
        result = engine.check_text(text, channel="landing")
        assert not any(e.group == "stereotype-callouts" for e in result.evidence)


@pytest.mark.parametrize("text", [
    "A little thank-you inside: $15 to spend on anything in the shop.",
    "Here's {{discount_pct}}% off to finish your order.",
    "This weekend only, sellers won't pay a listing fee on new items.",
    "Buy now and unlock a reward on your next visit.",
])
def test_offers_written_as_gifts_rewards_and_waived_fees(each_engine: Engine, text: str) -> None:
    assert verdict(each_engine, text, "email") == ("wrong-audience", "bargain-hunter")


def test_free_and_open_source_is_a_licence_not_a_deal(engine: Engine) -> None:
    text = ("The editor is completely free and open source. If it helps you, consider "
            "sponsoring the maintainers.")
    assert engine.check_text(text, channel="blog").verdict.persona != "bargain-hunter"


def test_personal_and_hobby_use_however_punctuated(engine: Engine) -> None:
    text = ("Hosted tools cost too much for personal/hobby use, so this one runs on the small "
            "box in your home network.")
    assert verdict(engine, text, "landing") == ("on-target", None)


def test_a_negated_need_reaches_the_list_after_its_colon(each_engine: Engine) -> None:
    text = "What you won't need to get going: a kickoff call, a contract, a procurement form."
    result = each_engine.check_text(text, channel="social")
    beth = [e for e in result.evidence if e.persona == "beth-bureaucrat" and e.kind == "cue"]
    assert beth and all(e.negated for e in beth)
    # a closed negation before a colon does not reach across it
    other = each_engine.check_text("No setup needed: procurement teams sign off in a week.")
    assert any(e.text == "procurement" and not e.negated for e in other.evidence)


@pytest.mark.parametrize("text", [
    "Procurement questionnaires? No. Sales calls? Never. Custom contracts? Not here.",
    "We've been asked about SSO, procurement questionnaires and custom contracts. We said no.",
    "Looking for SAML SSO, SCIM provisioning or an SLA? That\u2019s not us.",
    "SSO, audit logs and procurement support. We don't do any of that.",
])
def test_a_refusal_in_the_next_sentence_takes_the_cues_back(each_engine: Engine, text: str
                                                           ) -> None:
    """Naming Beth's world only to turn it down is the target's copy (the labelling guide's
    keyword trap), also when the refusal is a sentence of its own; her organisation words
    leave the tone count too."""
    result = each_engine.check_text(f"{text} Notebird is a notebook for one person.")
    beth = [e for e in result.evidence if e.persona == "beth-bureaucrat" and e.kind == "cue"]
    assert beth and all(e.negated for e in beth)
    assert result.verdict.label == "on-target"
    assert result.tone["org_rate"] == 0


@pytest.mark.parametrize("answer", ["No problem.", "Not yet.", "No? Here is why you might.",
                                    "Our Enterprise plan has both."])
def test_an_answer_that_is_no_refusal_leaves_the_cues(each_engine: Engine, answer: str) -> None:
    result = each_engine.check_text(f"Need SSO and a security review? {answer} Talk to sales.")
    beth = [e for e in result.evidence if e.persona == "beth-bureaucrat" and e.kind == "cue"]
    assert beth and not any(e.negated for e in beth)


@pytest.mark.parametrize("answer", ["No.", "No. We keep sign-in simple instead."])
def test_an_faq_answered_no_in_the_next_section_takes_the_cue_back(each_engine: Engine,
                                                                   answer: str) -> None:
    """An FAQ's question and its answer are sections of their own, with a blank line between
    them: the refusal is read past it."""
    result = each_engine.check_text(f"Do you offer SAML single sign-on?\n\n{answer}")
    sso = [e for e in result.evidence if e.persona == "beth-bureaucrat" and e.kind == "cue"]
    assert sso and all(e.negated for e in sso)
    kept = each_engine.check_text("Do you offer SAML single sign-on?\n\nYes, on the Scale plan.")
    assert any(e.persona == "beth-bureaucrat" and not e.negated for e in kept.evidence)


def test_a_refusal_reaches_only_the_sentence_before_it(engine: Engine) -> None:
    result = engine.check_text("Our Enterprise plan adds SSO. Need a fax line? No.")
    sso = [e for e in result.evidence if e.text == "SSO"]
    assert sso and not sso[0].negated


@pytest.mark.parametrize("text", [
    "Your second order ships free, and your first visit to the Leeds store comes with a coffee.",
    "Our office is still at 14 Elm Street, and the bakery on your road opens at nine.",
    "You know you're shopping on a site that keeps your card details safe.",
    "On your third visit to a physio, bring the exercise sheet.",
    "Looks like you're in Settings. Click Export to download your data.",
    "It looks like you're in good hands with our support team.",
    "Our savings rose 20% after we switched suppliers.",
    "Our most popular plan in the UK is Pro.",
    "Pricing based on your usage.",
])
def test_counts_addresses_and_searches_that_are_not_the_reader_watched(engine: Engine, text: str
                                                                       ) -> None:
    result = engine.check_text(text, channel="email")
    assert not any(e.persona == "over-personalization" and e.kind == "cue" for e in result.evidence)


@pytest.mark.parametrize("text", [
    "Buy two, get the third free on every candle.", "Buy 2 get 1 half price on all mugs.",
    "Any 3 notebooks for £10 this weekend.", "The second pair is half price.",
    "Buy 3 get the cheapest free.",
    # paying less as the pitch
    "Pay what you want for the starter pack, even nothing.",
    "Why pay $99 a month for a big CRM when Tallybird does the same for $9?",
    "Why pay more for less?",
    # a price kept for good if bought now
    "Last chance: prices go up on Monday. Lock in $5/month for life.",
    "Lock in your price forever when you subscribe today.",
])
def test_multi_buy_deals_and_paying_less(each_engine: Engine, text: str) -> None:
    assert verdict(each_engine, text, "email") == ("wrong-audience", "bargain-hunter")


def test_a_contract_price_rule_is_no_deadline(engine: Engine) -> None:
    result = engine.check_text("Prices rise with inflation each April, as set out in your contract.")
    assert not any(e.persona == "bargain-hunter" and e.kind == "cue" for e in result.evidence)


def test_stated_limits_are_small_print_until_other_pressure_joins_them(engine: Engine) -> None:
    assert verdict(engine, "Our winter blend is back, while stocks last.", "email")[0] == "neutral"
    assert verdict(engine, "Join forty founders for dinner on 12 March. Seats are limited to keep "
                   "it a real conversation.", "email")[0] == "neutral"
    assert verdict(engine, "Buy two, get the third free on every mug, while stocks last.",
                   "email") == ("wrong-audience", "bargain-hunter")
    assert verdict(engine, "Only 2 left! Selling fast, while stocks last.", "email") == (
        "risk", "over-personalization")


def test_a_solo_reader_and_a_company_of_thousands_in_one_sentence_is_mixed(each_engine: Engine
                                                                          ) -> None:
    text = "Whether you're a solo consultant or a 5,000-person enterprise, Ledgerly scales with you."
    assert verdict(each_engine, text, "landing") == ("mixed", "beth-bureaucrat")


def test_a_gift_with_a_business_purchase_is_no_multi_buy(engine: Engine) -> None:
    result = engine.check_text("Buy two licences and get a free onboarding call for your team.")
    assert not any(e.persona == "bargain-hunter" and e.kind == "cue" for e in result.evidence)


@pytest.mark.parametrize("text", [
    "A service-level agreement (SLA) is a commitment between a provider and a customer about "
    "uptime.",
    "A data processing agreement (DPA) is a contract that sets out how a vendor handles data.",
    "System for Cross-domain Identity Management (SCIM) is an open standard for provisioning.",
])
def test_a_term_spelt_out_before_its_acronym_and_defined_informs(each_engine: Engine, text: str
                                                                 ) -> None:
    result = each_engine.check_text(text, channel="blog")
    beth = [e for e in result.evidence if e.persona == "beth-bureaucrat" and e.kind == "cue"]
    assert beth and all(e.context == "informational" for e in beth)
    assert result.verdict.label == "neutral"


@pytest.mark.parametrize("text", [
    "Single sign-on (SSO) is the fastest way for your whole organisation to log in.",
    "Single sign-on (SSO) is a must-have for any enterprise rollout, and we include it.",
])
def test_a_glossed_acronym_that_is_sold_still_counts(engine: Engine, text: str) -> None:
    assert verdict(engine, text, "landing") == ("wrong-audience", "beth-bureaucrat")


@pytest.mark.parametrize(("text", "beth"), [
    ("Give your finance, legal and HR teams one place to approve every request.", True),
    ("Trusted by 300 of the world's largest retailers to run their stock.", True),
    ("Your sales and marketing teams will love it.", False),  # a team of twenty has both
    ("We're the world's largest community of indie makers.", False),
])
def test_many_departments_and_the_biggest_companies_court_beth(engine: Engine, text: str,
                                                               beth: bool) -> None:
    result = engine.check_text(text, channel="landing")
    assert any(e.persona == "beth-bureaucrat" and e.kind == "cue" for e in result.evidence) is beth


def test_many_informational_cues_stay_below_a_verdict(engine: Engine) -> None:
    text = ("Enterprise onboarding typically includes SSO, SCIM, audit logs, RBAC, a security "
            "review, a DPA, pen test reports, SOC 2 evidence, procurement and a rollout plan.")
    result = engine.check_text(text, channel="blog")
    assert result.verdict.label == "neutral"
    assert result.scores["beth-bureaucrat"] < 0.4


def test_easy_words_count_once(engine: Engine) -> None:
    text = "Easy to read, quick to scan, simple to sort, handy to keep: the quarterly report."
    easy = [e for e in engine.check_text(text).evidence if e.group == "everyday-easy-words"]
    assert len(easy) >= 3 and sum(1 for e in easy if e.weight > 0) == 1


def test_crossed_out_items_in_a_comparison_are_rejected(each_engine: Engine) -> None:
    text = "Other apps: ❌ $29/month ❌ per-user fees ❌ a sales call. Ours: ✅ one price."
    result = each_engine.check_text(text, channel="ad")
    crossed = [e for e in result.evidence if e.kind == "cue" and e.text in ("$29/month", "sales call")]
    assert crossed and all(e.negated for e in crossed)


# Shop-widget pressure in the shapes real stores print it: stock counts, live and recent
# activity counts, purchase popups and timers. One sentence per pattern family, all our own.
@pytest.mark.parametrize("text", [
    # stock counts
    "Last 2 pieces in stock, then this print is retired.",
    "This speckled glaze is low in stock this week.",
    "We only have a handful of tickets left for Saturday.",
    "Heads up: the linen aprons are selling out quickly.",
    "9 units left! Grab yours.",
    "Speckled teapot, large\n4 in stock",
    # places left, with or without "only"
    "12 early-bird places left for the spring pottery course.",
    "Only 5 mentoring slots remaining this month.",
    # live and recent activity counts
    "18 shoppers viewing this lamp right now",
    "52 currently browsing",
    "240 visitors online right now",
    "11 customers recently bought this blender.",
    "7 added to basket in the last 3 hours",
    "4 people added this to their basket today",
    "26 sold today",
    "Added to cart 60+ times today",
    "Ordered by 18 people in the past day",
    "312 designers signed up in the last hour",
    "40 guests booked today",
    "2 other shoppers have this item in their bag",
    "9 shoppers bought this rug.",
    # purchase popups
    "Tomasz W. purchased a pair of walking boots",
    "maria in Sydney, New South Wales, Australia recently purchased the wool throw",
    "Zoë in Utrecht, Netherlands Purchased An Espresso Cup",
    "Someone near lake tahoe just added a tent to their cart",
    "A shopper in Denver just made a purchase.",
    # timers
    "Doors close in 0 days 5 hours 12 minutes",
    "Your basket timer: 00 hrs 09 mins 30 secs",
    "Checkout within 09:59 to keep your seats",
    "Time to claim: 2:15 remaining",
    "Flash offer 02:11:40:09",
    "Deal timer 00 : 38 : 12",
    "Your seats are held for 08:00 - finish checking out.",
])
def test_shop_widget_pressure(each_engine: Engine, text: str) -> None:
    assert verdict(each_engine, text, "landing") == ("risk", "over-personalization")


@pytest.mark.parametrize("text", [
    "Only 2 items left on your onboarding checklist.",
    "The workshop runs 2 hours 30 minutes, with a break halfway.",
    "Buyers in London purchased fewer homes this spring, the survey found.",
    "We added 4 new invoice templates this week.",
    "The 12 people who answered our survey are mostly freelancers.",
    "Backups run at 02:00 every night and take about 20 minutes.",
    "Episode 4 runs 1 hour 2 minutes 30 seconds.",
    "We bought the last one in stock for the studio.",
    # A booking time is not a timer; a running tally of buyers is not a live pop-up.
    "Your table is reserved for 19:30 on Friday.",
    "Your room is held for 14:00 tomorrow, when check-in opens.",
    "Over 3,400 customers bought the standing desk last year.",
    "Over 10,000 teams joined this year.",
    # an account's own allowance is not pressure
    "You have 3 seats left on your Team plan; add more under Billing.",
])
def test_counts_and_times_that_are_not_pressure(engine: Engine, text: str) -> None:
    assert engine.check_text(text, channel="landing").verdict.label != "risk"
