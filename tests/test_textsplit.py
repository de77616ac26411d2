"""Splitting drafts into sections: Markdown markup is not copy, but what it holds is."""

from __future__ import annotations

from audit.extract.textsplit import split_markdown


def test_markdown_quotes_tasks_and_tables_keep_their_words_not_their_markup() -> None:
    text = ("# Plans\n\n"
            "- [ ] Procurement review\n"
            "- [x] Start free\n\n"
            "> Quote: we loved the free trial\n"
            "> > and the price\n\n"
            "| Plan | Includes |\n"
            "|:-----|-----:|\n"
            "| Team | SSO and SAML |\n"
            "| Solo | Start free |\n")
    sections = [(s.role, s.text) for s in split_markdown(text)]
    assert sections == [
        ("headline", "Plans"),
        ("body", "Procurement review"),
        ("body", "Start free"),
        ("body", "Quote: we loved the free trial and the price"),
        ("body", "Plan · Includes"),
        ("body", "Team · SSO and SAML"),
        ("body", "Solo · Start free"),
    ]
