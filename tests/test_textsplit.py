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


def test_markdown_sniffing_reads_unclosed_brackets_once() -> None:
    """A pasted page with thousands of "[" and no "]" (2 MB) is sniffed in one pass; an
    unbounded link pattern read to the end of the text from every bracket."""
    from audit.extract.textsplit import looks_like_markdown

    assert not looks_like_markdown(" ".join(["[First Name Last Name"] * 100_000))
    assert looks_like_markdown("Read [the guide](https://example.test/guide) first.")


def test_unclosed_comments_fences_and_emphasis_are_read_once() -> None:
    """Openers with no closer (a page of "<!--", "*" or "```") used to be read from each opener
    to the end of the text; an unclosed comment or fence now runs to the end, as Markdown and
    HTML read it, and emphasis spans are bounded."""
    from audit.extract.textsplit import split_markdown

    assert split_markdown("# Plans\n\nOne flat price.\n<!-- draft note " + "<!-- x " * 50_000)
    sections = split_markdown("# Plans\n\nOne flat price.\n\n" + "*a " * 50_000)
    assert "a" in " ".join(s.text for s in sections)
    fenced = split_markdown("# Plans\n\nOne flat price.\n\n```\ncode " + "b " * 50_000)
    assert "One flat price." in " ".join(s.text for s in fenced)
    assert "code" not in " ".join(s.text for s in fenced)
