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


def test_links_and_images_in_body_text_keep_their_words() -> None:
    """A link in a paragraph is read as its text (a second, group-less link pattern once
    shadowed this one and every draft with a body link failed with IndexError)."""
    text = ("# Pricing\n\nStart free and [see our plans](https://example.test/plans) whenever you like.\n\n"
            "![Our founder at her desk](founder.png) One person runs it.\n")
    assert [(s.role, s.text) for s in split_markdown(text)] == [
        ("headline", "Pricing"),
        ("body", "Start free and see our plans whenever you like."),
        ("body", "Our founder at her desk One person runs it."),
    ]
    # unclosed, the bracket stays as written and is read once
    long = "Start free [" + "word " * 100_000
    assert split_markdown("# Plans\n\n" + long)[1].text.startswith("Start free [")


def test_a_markdown_file_with_a_link_is_checked_from_the_cli(tmp_path) -> None:
    from typer.testing import CliRunner

    from audit.cli import app

    draft = tmp_path / "pricing.md"
    draft.write_text("# Pricing\n\nStart free and [see our plans](https://example.test/plans).\n")
    result = CliRunner().invoke(app, ["check", str(draft), "--model", "fast"])
    assert result.exit_code == 0, result.output
    assert "Start free" in result.output
