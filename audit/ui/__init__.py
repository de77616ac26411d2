"""Pure helpers behind the Streamlit app (``app.py``): highlighted HTML, charts, view state.

Nothing in this package imports Streamlit at module level except ``audit.ui.pages``, so the
helpers are unit-tested without a running app. Page text is untrusted: every helper that turns
it into HTML escapes it (see :mod:`audit.ui.highlight`).
"""
