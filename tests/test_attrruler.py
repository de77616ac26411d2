"""The array attribute ruler sets exactly what spaCy's AttributeRuler sets."""

from __future__ import annotations

import numpy as np
import pytest
import spacy
from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, TAG

from audit.analyze.attrruler import ArrayAttributeRuler, use_array_ruler
from audit.evaluate import load_set

ATTRS = [POS, TAG, MORPH, LEMMA, DEP, HEAD]
TEXTS = [
    "Y'all gonna love it. Let's go, c'mon! There are two plans and there's one price.",
    "It ain't hard: no SSO, no SAML.  \n\n  A second paragraph, with spaces.",
    "", " ", "\n", "x", "The the THE The.",
]
#: Rules of every shape: one token on IN / NOT_IN / ORTH / IS_SPACE, several tokens with an
#: index from either end, an empty pattern, and later rules overriding earlier ones.
RULES = [
    {"patterns": [[{"LOWER": {"IN": ["the", "a"]}}]], "attrs": {"POS": "DET", "MORPH": "Def=Yes"}},
    {"patterns": [[{"ORTH": "The"}]], "attrs": {"POS": "PROPN", "LEMMA": "title-the"}},
    {"patterns": [[{"IS_SPACE": True}]], "attrs": {"POS": "SPACE", "TAG": "_SP"}},
    {"patterns": [[{"LOWER": {"NOT_IN": ["the", "a", ".", ",", "!", ":"]}, "IS_SPACE": False}]],
     "attrs": {"TAG": "XX", "POS": "VERB"}},
    {"patterns": [[{"LOWER": "no"}, {"ORTH": {"IN": ["SSO", "SAML"]}}]], "attrs": {"POS": "X"},
     "index": 1},
    {"patterns": [[{"LOWER": "two"}, {}]], "attrs": {"LEMMA": "after-two"}, "index": -1},
    {"patterns": [[{"LOWER": "the"}], [{"LOWER": "x"}]], "attrs": {"DEP": "marked"}},
    {"patterns": [[{"LOWER": {"REGEX": "^c'm"}}]], "attrs": {"LEMMA": "come"}},
    {"patterns": [[{"ORTH": "SAML"}]], "attrs": {"POS": "NOUN"}},  # over the two-token rule
]


def _annotations(nlp, texts):  # type: ignore[no-untyped-def]
    return [doc.to_array(ATTRS) for doc in nlp.pipe(texts)]


def _same(a, b) -> bool:  # type: ignore[no-untyped-def]
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def test_rules_of_every_shape_set_what_spacy_sets() -> None:
    def build(array: bool):  # type: ignore[no-untyped-def]
        nlp = spacy.blank("en")
        nlp.add_pipe("attribute_ruler").add_patterns(RULES)
        if array:
            use_array_ruler(nlp)
        return nlp

    ours = build(True)
    assert ours.pipe_names == ["antipersona_attributes"]
    component = ours.get_pipe("antipersona_attributes")
    assert len(component._simple) == 6 and component._has_other  # both paths are used
    texts = TEXTS + [item.text for item in load_set()]
    reference = _annotations(build(False), texts)
    assert _same(_annotations(ours, texts), reference)
    assert _same(_annotations(ours, texts), reference)  # again, from the remembered outcomes


def test_a_ruler_setting_other_attributes_is_left_alone() -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add_patterns([{"patterns": [[{"LOWER": "sso"}]], "attrs": {"NORM": "single sign-on"}}])
    assert not ArrayAttributeRuler.supports(ruler)
    use_array_ruler(nlp)
    assert nlp.pipe_names == ["attribute_ruler"]


@pytest.mark.trained
def test_trained_pipeline_annotations_are_spacys(trained_engine) -> None:
    """The trained profile's pipeline against the same package with spaCy's attribute_ruler."""
    ours = trained_engine.pipeline.nlp
    assert "antipersona_attributes" in ours.pipe_names
    reference = spacy.load(trained_engine.model, exclude=["ner", "lemmatizer"])
    reference.add_pipe("antipersona_breaks", first=True)
    reference.add_pipe("antipersona_lemmatizer")
    texts = TEXTS + [item.text for item in load_set()]
    assert _same(_annotations(ours, texts), _annotations(reference, texts))
