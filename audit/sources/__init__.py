"""Inputs to pieces: files, URL lists and sitemaps, emails, ad exports, byte decoding."""
