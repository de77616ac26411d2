"""Outcomes: per-page results (GA4, Search Console, any ``url,metric,value`` CSV) read from
exports, joined to a stored run's pages, and measured against the persona scores.

``readers`` turns a file into rows, ``urls`` makes the addresses comparable, ``join`` matches
rows to a run's pieces, ``stats`` holds Spearman, bootstrap and Benjamini-Hochberg, and
``associate`` builds the report's ``outcomes`` object from them.
"""
