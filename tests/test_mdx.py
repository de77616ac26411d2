"""MDX and front matter are read like Markdown copy: imports, exports, JSX tags and their
attributes, expressions and code never count; front-matter copy fields do, machinery does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit import Config, Engine
from audit.extract.frontmatter import copy_values
from audit.extract.mdx import blank_mdx
from audit.report.rdjson import build_rdjson
from audit.runs.check import check_inputs
from audit.sources.readers import read_piece

MDX = """---
title: "Invoices for a shop of two"
description: Send a bill from your phone while the kettle boils.
date: 2026-11-02
slug: enterprise-sso-procurement
layout: landing
tags: [enterprise, SSO, procurement, security review]
image: /img/request-a-demo.png
draft: false
headings:
  - Pay by card, month to month
cta: Start free today
---
import { Pricing, Callout } from "../components/enterprise-sso"
export const meta = {
  audience: "procurement teams that need SSO and a security review",
}

# Invoices for a shop of two

<Callout kind="enterprise" label="Request a demo with procurement">
Set it up yourself in minutes, no card needed.
</Callout>

Pick a plan and get <Badge tone="sso">going</Badge> today. {props.sso ? "SAML SSO" : ""}

<Pricing plans={["Enterprise SSO", "Procurement"]} highlight={{ demo: "request a demo" }} />

{/* a comment for editors: mention the security review later */}

```js
const cta = "Contact sales for a procurement review";
```

One flat price, whatever you sell.
"""

TWIN = """---
title: "Invoices for a shop of two"
description: Send a bill from your phone while the kettle boils.
headings:
  - Pay by card, month to month
cta: Start free today
---

# Invoices for a shop of two

Set it up yourself in minutes, no card needed.

Pick a plan and get going today.

One flat price, whatever you sell.
"""


def test_mdx_page_scores_the_same_as_its_markdown_twin(tmp_path: Path, engine: Engine) -> None:
    (tmp_path / "page.mdx").write_text(MDX, encoding="utf-8")
    (tmp_path / "page.md").write_text(TWIN, encoding="utf-8")
    mdx, md = (engine.check_piece(read_piece(tmp_path / name)) for name in ("page.mdx", "page.md"))
    assert [(s.role, s.text) for s in mdx.piece.sections] == \
        [(s.role, s.text) for s in md.piece.sections]
    assert mdx.words == md.words
    assert mdx.scores == md.scores
    assert mdx.verdict.label == md.verdict.label == "on-target"
    assert mdx.scores["beth-bureaucrat"] == 0.0  # the SSO/procurement in code never counts


def test_blanking_keeps_lines_and_offsets() -> None:
    blanked = blank_mdx(MDX)
    assert len(blanked) == len(MDX)
    assert blanked.count("\n") == MDX.count("\n")
    assert "Set it up yourself" in blanked and "Callout" not in blanked
    assert 'const cta = "Contact sales' in blanked  # fenced code is Markdown's to drop


def test_front_matter_copy_fields_only() -> None:
    block = ('title: "Books for tiny teams"\r\nsubtitle: \'Made for one\'\r\ndate: 2026-01-01\r\n'
             "summary: Quick to start # editor note\r\nheading: [First things, 'Then, the rest']\r\n"
             "tags:\r\n  - procurement\r\nexcerpt:\r\n  - A list item\r\ndraft: true\r\n"
             "image: /a.png\r\n")
    values = copy_values(block, 10)
    assert [(v.role, v.text) for v in values] == [
        ("title", "Books for tiny teams"), ("hero", "Made for one"), ("meta", "Quick to start"),
        ("heading", "First things"), ("heading", "Then, the rest"), ("meta", "A list item")]
    for v in values:
        assert block[v.start - 10:v.end - 10] == v.text


def test_findings_in_mdx_point_at_copy_not_at_attributes(
        tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    page = ("---\nslug: request-a-demo\ncta: Request a demo\n---\n"
            'import { Hero } from "./hero"\n\n'
            '<Hero title="Request a demo" />\n\n'
            "Questions first? Request a demo and we will call.\n")
    (tmp_path / "demo.mdx").write_text(page, encoding="utf-8")
    outcome = check_inputs(["demo.mdx"], Config(), engine=engine)
    result = build_rdjson(outcome.report, outcome.originals)
    places = sorted((d["location"]["range"]["start"]["line"], d["location"]["range"]["start"]
                     ["column"]) for d in result["diagnostics"] if "demo" in d["message"].lower())
    assert places == [(3, 6), (9, 18)]  # the front-matter CTA and the sentence; not line 7
