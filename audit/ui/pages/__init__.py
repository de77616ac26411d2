"""The app's pages. Each module has one ``render()`` that ``app.py`` hands to ``st.Page``.

These are the only UI modules that import Streamlit; they call the library and the pure
helpers in :mod:`audit.ui` and hold no scoring logic of their own.
"""
