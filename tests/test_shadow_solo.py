"""Fixes found on a shadow set centred on solo versus neutral copy (READMEs of personal and
indie tools, freelancer templates, plan tables, billing and admin docs) from repositories no
earlier set used. Each fix has the case it mends and a guard it must not break. Every sentence
here is our own."""

from __future__ import annotations

import pytest

from audit import Engine
from tests.support.cues import all_groups as _all_groups
from tests.support.cues import full_weight_groups as _groups

# --- Susie: the least effort to begin ---------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Our hosted app is the easiest way to get started with your budget.",
    "The quickest way to try Plumly is the online version.",
    "Cloud hosting is the simplest way to use the journal on every device.",
])
def test_easiest_way_to_start_is_a_self_serve_start(engine: Engine, text: str) -> None:
    assert "self-serve-start" in _groups(engine, text), text


@pytest.mark.parametrize("text", [
    "The easiest way to reach us is by email.",
    "Find the quickest way to the station on the map.",
])
def test_easiest_way_to_something_else_is_not_a_start(engine: Engine, text: str) -> None:
    assert "self-serve-start" not in _groups(engine, text), text


# --- Susie: time saved with a word or two between ---------------------------------------------

@pytest.mark.parametrize("text", [
    "A tidy form builder, saving you precious time every week.",
    "It fills in the dull fields and saves you so much time.",
])
def test_saving_you_time_is_time_saving(engine: Engine, text: str) -> None:
    assert "time-saving" in _groups(engine, text), text


def test_saving_your_work_is_not_time_saving(engine: Engine) -> None:
    assert "time-saving" not in _groups(engine, "The editor keeps saving your draft while you type.")


# --- context: a licence's scope and generic definitions ---------------------------------------

def test_personal_and_commercial_use_is_a_licence_scope(engine: Engine) -> None:
    text = "These icons are free for personal and commercial use."
    assert "individual-use" not in _groups(engine, text)
    assert engine.check_text(text, channel="landing").verdict.label == "neutral"


def test_commercial_use_as_a_pitch_still_counts(engine: Engine) -> None:
    assert "individual-use" in _groups(engine, "Use the photos for your clients and commercial use.")


def test_a_generic_definition_by_use_is_informational(engine: Engine) -> None:
    text = "A help centre is a tool used to answer customer questions."
    assert "do-it-yourself-support" in _all_groups(engine, text)
    assert "do-it-yourself-support" not in _groups(engine, text)


def test_a_product_introducing_itself_is_not_a_definition(engine: Engine) -> None:
    text = "Tallybook is a tool for freelancers who want to send invoices in minutes."
    assert "individual-use" in _groups(engine, text)


# --- negation: what the copy compares itself against ------------------------------------------

def test_versus_marks_the_other_option(engine: Engine) -> None:
    text = "Pay once a year and get a bigger discount versus paying monthly."
    assert "affordable-pricing" not in _groups(engine, text)


def test_monthly_payment_without_a_comparison_still_counts(engine: Engine) -> None:
    assert "affordable-pricing" in _groups(engine, "Keep paying monthly and leave whenever you like.")


# --- Beth: an organisation's own departments; enterprise workflows ----------------------------

@pytest.mark.parametrize("text", [
    "Send us the contact details of your finance team and we will prepare the paperwork.",
    "Your legal department can review the agreement before signature.",
])
def test_the_readers_buying_departments_are_procurement(engine: Engine, text: str) -> None:
    assert "procurement-and-legal" in _groups(engine, text), text


def test_a_finance_app_is_not_a_finance_team(engine: Engine) -> None:
    assert "procurement-and-legal" not in _groups(engine, "Connect your finance app in two clicks.")


def test_a_definition_by_way_still_informational(engine: Engine) -> None:
    text = "Single sign-on is a way to log in to many apps with one account."
    assert "governance-and-admin" in _all_groups(engine, text)
    assert "governance-and-admin" not in _groups(engine, text)


@pytest.mark.parametrize("text", [
    "Flexible enough to handle any enterprise workflow.",
    "Built to fit enterprise work flows of every shape.",
])
def test_enterprise_workflows_are_enterprise_scale(engine: Engine, text: str) -> None:
    assert "enterprise-scale" in _groups(engine, text), text


# --- Beth: words a solo owner uses too --------------------------------------------------------

def test_no_cto_is_not_corporate_jargon(engine: Engine) -> None:
    text = "You have no designer and no CTO, so the app does the boring parts for you."
    assert "corporate-jargon" not in _groups(engine, text)


def test_cio_still_counts(engine: Engine) -> None:
    assert "corporate-jargon" in _groups(engine, "Give your CIO a single dashboard for every region.")


def test_a_cipher_named_in_a_privacy_note_is_not_compliance(engine: Engine) -> None:
    text = "Your journal is encrypted with AES-256 before it leaves your phone."
    assert "security-compliance" not in _groups(engine, text)


def test_encryption_at_rest_still_counts(engine: Engine) -> None:
    assert "security-compliance" in _groups(engine, "Customer data is protected by encryption at rest.")


# --- Susie: a tool for one person's own life, and the reader who does not code -----------------

@pytest.mark.parametrize("text", [
    "Pennywise is a personal finance app that lives on your laptop.",
    "Keep a personal journal of every run and every meal.",
    "Payouts and tax forms handled for individual creators.",
])
def test_personal_tools_and_individual_creators_count(engine: Engine, text: str) -> None:
    assert "individual-use" in _groups(engine, text), text


def test_personal_data_in_a_privacy_note_is_not_personal_use(engine: Engine) -> None:
    text = "We delete personal data thirty days after an account is closed."
    assert "individual-use" not in _groups(engine, text)


@pytest.mark.parametrize("text", [
    "Made for people who have never coded a line.",
    "A page builder that non-technical users pick up in an evening.",
])
def test_a_reader_who_does_not_code_is_plain_simple(engine: Engine, text: str) -> None:
    assert "plain-simple" in _groups(engine, text), text


def test_technical_teams_are_not_plain_simple(engine: Engine) -> None:
    assert "plain-simple" not in _groups(engine, "Give technical users raw access to the query engine.")


# --- Susie: side income, a personal newsletter, running one's own business --------------------

@pytest.mark.parametrize("text", [
    "Open the shop tonight and start earning from your sketches.",
    "Send a personal newsletter to friends once a month.",
    "Everything you need to run your own studio from one laptop.",
])
def test_side_income_and_ones_own_business_count(engine: Engine, text: str) -> None:
    groups = _groups(engine, text)
    assert groups & {"individual-use", "small-business-identity"}, text


@pytest.mark.parametrize("text", [
    "Interest starts earning from the first day of the month.",
    "Our servers run your jobs in a queue.",
])
def test_earning_interest_and_running_jobs_do_not_count(engine: Engine, text: str) -> None:
    groups = _groups(engine, text)
    assert not groups & {"individual-use", "small-business-identity"}, text


# --- context: plan limits and what accounts on a plan can do are account docs -------------------

@pytest.mark.parametrize("text", [
    "Workspaces on the free plan are limited to two members.",
    "Projects on the Starter plan can export to CSV once a day.",
])
def test_plan_limits_in_account_docs_are_informational(engine: Engine, text: str) -> None:
    assert "self-serve-start" in _all_groups(engine, text)
    assert engine.check_text(text, channel="landing").verdict.label == "neutral"


def test_starting_on_the_free_plan_is_still_a_pitch(engine: Engine) -> None:
    text = "Start on the free plan and upgrade when you land your first client."
    assert "self-serve-start" in _groups(engine, text)


# --- Susie: a one-person outfit, independent practitioners, small studios, one's side project ---

@pytest.mark.parametrize("text", [
    "You run a one-woman studio, so the tool stays out of your way.",
    "Made for small studios that answer their own email.",
    "Contracts and invoices for independent illustrators.",
    "Perfect for your weekend side project.",
])
def test_one_person_outfits_count(engine: Engine, text: str) -> None:
    assert _groups(engine, text) & {"individual-use", "small-business-identity"}, text


@pytest.mark.parametrize("text", [
    "An independent developer wrote the first version.",
    "The library started as a side project in 2019.",
    "It began life as a hobby project of mine.",
])
def test_a_maker_in_a_story_does_not_count(engine: Engine, text: str) -> None:
    assert not _groups(engine, text) & {"individual-use", "small-business-identity"}, text


# --- context: where a setting lives ------------------------------------------------------------

def test_where_a_setting_lives_is_documentation(engine: Engine) -> None:
    text = "SSO settings are found under the Organization settings page."
    assert "governance-and-admin" in _all_groups(engine, text)
    assert engine.check_text(text, channel="landing").verdict.label == "neutral"


def test_sso_offered_without_a_location_still_counts(engine: Engine) -> None:
    assert "governance-and-admin" in _groups(engine, "Every plan comes with SSO and SCIM for your staff.")


# --- Susie: the reader by trade and situation, evenings back, the dull work handled ------------

@pytest.mark.parametrize("text,group", [
    ("Made for tutors who keep their lesson notes on paper.", "individual-use"),
    ("Handy for anyone selling on Etsy or Depop.", "individual-use"),
    ("Bookkeeping that saves your weekends.", "time-saving"),
    ("You teach. We take care of the admin.", "time-saving"),
])
def test_trade_and_situation_cues_count(engine: Engine, text: str, group: str) -> None:
    assert group in _groups(engine, text), text


@pytest.mark.parametrize("text", [
    "Tutors who use the API can export attendance.",
    "The editor saves your changes every minute.",
    "The import does the matching of columns for you.",
])
def test_trades_in_docs_and_autosave_do_not_count(engine: Engine, text: str) -> None:
    assert not _groups(engine, text) & {"individual-use", "time-saving"}, text
