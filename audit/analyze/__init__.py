"""The spaCy pipeline and what reads its documents: cue matching, negation, tone."""
